"""The packed-indicator grammar on small inline cases, one rule each."""

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from etl.transform.indicators import _BEFORE_ITEM, ItemError, _item_starts, parse_indicators, split_items

NAMED = r"[^\W\d_]{1,10}指标\s*[:：/／\-－—]"  # a level-1 type printed by name only: 产出指标：, 产出指标/, 产出指标-
DASH = r"[-－—]"  # a code's dash: 1-产出指标, 1－产出指标, 1—产出指标
WIDE = r"\d{1,2}\s*[－—]\s*[^\W\d_]{1,10}指标"  # a code and a wide dash start an item only before a type
ITEM_START = re.compile(rf"(\d{{1,3}})[、.．]\s*(?=\d{{1,2}}\s*-|{WIDE}|{NAMED})")  # the grammar's item number


def _parse(cell: str) -> list:
    return list(parse_indicators(cell))


def test_full_width_item() -> None:
    [ind] = _parse("1、1-产出指标：11-数量指标：工程量完成率；实施周期指标值:100%；年度指标值:100%。")
    assert (ind.seq, ind.level1_code, ind.level2_code, ind.name) == (1, "1", "11", "工程量完成率")
    assert (ind.period.text, ind.annual.text, ind.type_key) == ("100%", "100%", "11")


def test_half_width_with_spaces() -> None:
    [ind] = _parse("1、1-产出指标: 11-数量指标: 个案服务(个); 实施周期指标值:≥70; 年度指标值:≥70。")
    assert ind.name == "个案服务(个)"
    assert ind.annual.number == 70 and ind.annual.unit == "个"


def test_semicolon_after_level2_type() -> None:
    [ind] = _parse("1、3-满意度指标：31-服务对象满意度；慰问对象满意度；实施周期指标值:100%；年度指标值:100%。")
    assert ind.name == "慰问对象满意度" and ind.type_key == "31"


def test_full_stop_inside_a_value_does_not_end_the_item() -> None:
    cell = (
        "1、1-产出指标：12-质量指标：实施公共法律服务项目；实施周期指标值:运行良好，评估达标。；"
        "年度指标值:项目运行良好，评估达标。2、2-效益指标：22-社会效益：排查次数；实施周期指标值:不少于2000次；"
        "年度指标值:不少于2000次。"
    )
    first, second = _parse(cell)
    assert first.period.text == "运行良好，评估达标。"
    assert first.annual.text == "项目运行良好，评估达标"
    assert second.seq == 2


def test_missing_annual_value_is_kept_empty() -> None:
    [ind] = _parse("1、1-产出指标: 12-质量指标: 考试及格率; 实施周期指标值:不低于85%。")
    assert ind.period.text == "不低于85%"
    assert ind.annual.text is None and ind.annual.status == "missing"


def test_misparented_type_follows_the_level2_code() -> None:
    [ind] = _parse("1、2-效益指标：31-服务对象满意度；服务项目满意度；实施周期指标值:评估达标；年度指标值:评估达标。")
    assert ind.level1_code == "2" and ind.type_key == "31" and ind.is_misparented


def test_p_tags_and_spaces_before_numbers() -> None:
    cell = (
        "<p>1、1-产出指标：11-数量指标：人均年度调解案件数；实施周期指标值：≥55；年度指标值：≥55。 "
        "2、2-效益指标：22-社会效益：调解成功率（%）；实施周期指标值：≥80%；年度指标值：≥80%。</p>"
    )
    items = _parse(cell)
    assert [i.seq for i in items] == [1, 2]
    assert items[1].annual.text == "≥80%"


def test_the_same_indicator_twice_is_kept_and_flagged() -> None:
    one = "2-效益指标: 22-社会效益: 信息化系统正常运行率; 实施周期指标值:100%; 年度指标值:100%。"
    first, second = _parse(f"1、{one}2、{one}")
    assert not first.is_duplicate and second.is_duplicate


def test_numbers_out_of_sequence_are_not_item_starts() -> None:
    cell = "1、1-产出指标：11-数量指标：12348广东法网任务工单处理率；实施周期指标值:100%；年度指标值:100%。"
    assert len(split_items(cell)) == 1


def test_unreadable_item_is_an_error_not_a_crash() -> None:
    items = _parse("1、1-产出指标：11-数量指标：没有指标值。")
    assert isinstance(items[0], ItemError)
    assert "实施周期指标值" in str(items[0])


def test_unknown_type_is_kept_with_its_printed_names() -> None:
    [ind] = _parse("1、4-其他指标：41-特色指标：亮点；实施周期指标值:有；年度指标值:有。")
    assert ind.type_key.startswith("?4-")


def _item_starts_by_regex(text: str) -> list[tuple[int, int, int]]:
    """Item numbers in sequence as the grammar's regex finds them: what _item_starts must find, faster."""
    starts: list[tuple[int, int, int]] = []
    for m in ITEM_START.finditer(text):
        at, seq = m.start(), len(starts) + 1
        if (at == 0 or text[at - 1] in _BEFORE_ITEM) and int(m.group(1)) == seq:
            starts.append((seq, at, m.end()))
            continue
        if starts and int(m.group(1)) == seq + 1 and text[at - 1] in _BEFORE_ITEM:  # item seq printed untyped
            skipped = [u for u in UNTYPED.finditer(text[: at]) if u.start() >= starts[-1][2] and u[1] == str(seq)]
            if skipped:
                starts += [(seq, skipped[0].start(1), skipped[0].end()), (seq + 1, at, m.end())]
                continue
        run = RUN_ON.search(text[: m.end(1)])
        if run and _ascii(run[1]).endswith(str(seq)) and TYPE.match(text[m.end() :]):
            starts.append((seq, m.end(1) - len(str(seq)), m.end()))
    return starts


# an item number printed without its types after a boundary (…。2、已完工程验收合格率100%。): read when the next one
# in sequence has them
UNTYPED = re.compile(r"(?<=[。.;；> \t])(\d{1,2})\s*[、.．]\s*")


# an item number run on from the text before it (no boundary): digits after something else, a type after it
RUN_ON = re.compile(r"(?<=[^\d。.;> \t\n\r\f\v])(\d+)$")


def _ascii(digits: str) -> str:
    return "".join(str(unicodedata.decimal(c)) for c in digits)
TYPE = re.compile(rf"\s*(?:\d{{1,2}}\s*{DASH}[^:：;；。]{{0,12}}指标\s*[:：/／\-－—]|{NAMED})")


# digits (full-width and Arabic-Indic too: \d reads any decimal digit), the marks, the boundaries, and a real item
PIECES = [*"0123456789１２、.．。;；> -－:：x", "\t", "\u0661", "\u3000"]
PIECES += ["1-产出指标：11-数量指标：", "实施周期指标值:1", "%", "达标", "2-效益指标:"]
PIECES += ["产出指标：数量指标：", "效益指标:"]  # types by name only
PIECES += ["1-产出指标/11-数量指标/", "产出指标/", "=", "/"]  # types parted by /
PIECES += ["—", "1－产出指标：", "1—产出指标—", "产出指标"]  # full-width and em dashes after a code or a type
PIECES += ["2.5—3小时", "。2.5－3"]  # a range inside a value: a wide dash after a bare code starts no item
PIECES += ["。2、合格率100%", "3、1-产出指标：11-数量指标："]  # an item printed without its types (round 31)


@settings(max_examples=3000, deadline=None, database=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_item_numbers_are_found_as_the_grammars_regex_finds_them(text: str) -> None:
    assert _item_starts(text) == _item_starts_by_regex(text)


def test_item_numbers_after_longer_digit_runs_or_other_marks_are_not_starts() -> None:
    text = "2023、1-a。1、1-b;2.1-c 3．1-d；4、1-e 12345、1-f"  # a full-width ； is no boundary (cells are not folded)
    starts = _item_starts(text)
    assert starts == _item_starts_by_regex(text)
    assert [(seq, text[at:body]) for seq, at, body in starts] == [(1, "1、"), (2, "2."), (3, "3．")]


def test_an_item_number_run_on_from_the_value_before_it_still_starts_an_item() -> None:
    # a packed list with one paragraph (or <br>) per item and no final 。, joined by the export
    cell = (
        "1、1-产出指标：11-数量指标：审核率；实施周期指标值:100%；年度指标值:100%"
        "2、1-产出指标：12-质量指标：合格率；实施周期指标值:达标；年度指标值:1002"
        "3、2-效益指标：21-社会效益指标：知晓率；实施周期指标值:≥90%；年度指标值:达标"
    )
    items = _parse(cell)
    expected = [(1, "审核率", "100%"), (2, "合格率", "1002"), (3, "知晓率", "达标")]
    assert [(i.seq, i.name, i.annual.text) for i in items] == expected
    joined = (
        "1、1-产出指标：11-数量指标：a；实施周期指标值:1；年度指标值:1"  # value 1, then item 2: 12、
        "2、1-产出指标：11-数量指标：b；实施周期指标值:2"
    )
    first, second = _parse(joined)
    assert (first.annual.text, second.name, second.period.text) == ("1", "b", "2")


def test_items_run_together_are_an_error_not_a_long_value() -> None:
    # item 2 numbered 3: no start in sequence, so item 1's value would swallow it
    cell = (
        "1、1-产出指标：11-数量指标：a；实施周期指标值:1；年度指标值:1"
        " 3、1-产出指标：11-数量指标：b；实施周期指标值:2"
    )
    [err] = _parse(cell)
    assert isinstance(err, ItemError) and "run together" in str(err)


def test_full_width_numbers_run_on_and_a_comma_before_the_annual_value() -> None:
    cell = (
        "1、1-产出指标：11-数量指标：a；实施周期指标值:１００％，年度指标值:１００％"
        "２、1-产出指标：11-数量指标：b；实施周期指标值:2"
    )
    first, second = _parse(cell)
    assert (first.period.text, first.annual.text, second.name) == ("１００％", "１００％", "b")


def test_the_annual_value_first_or_alone() -> None:
    """Found by hunt-c: 年度指标值 printed before 实施周期指标值 was read into the indicator's name (the annual value
    lost, silently); an item with 年度指标值 alone (a one-year project) was a reject."""
    [swapped] = _parse("1、1-产出指标：11-数量指标：培训人次；年度指标值:≥100人次；实施周期指标值:≥300人次。")
    assert (swapped.name, swapped.period.text, swapped.annual.text) == ("培训人次", "≥300人次", "≥100人次")
    first, second = _parse(
        "1、1-产出指标：11-数量指标：培训人次；年度指标值:≥100人次。2、3-满意度指标：31-服务对象满意度指标：满意度；年度指标值:≥90%。"
    )
    assert (first.name, first.period.text, first.annual.text) == ("培训人次", None, "≥100人次")
    assert (second.name, second.annual.number, second.period.status) == ("满意度", 90, "missing")
    [twice] = _parse("1、1-产出指标：11-数量指标：培训人次；年度指标值:≥100人次；年度指标值:≥200人次。")
    assert isinstance(twice, ItemError)


def test_items_without_type_codes_take_their_types_by_name() -> None:
    """1、产出指标：数量指标：… (codes left out, as some departments print them) was refused as a table 'truncated
    mid-row' (no item start found); the names decide the type as in the per-row and bracket layouts, and a pair the
    tree disagrees with is still flagged."""
    cell = (
        "1、产出指标：数量指标：培训人次；实施周期指标值:≥300人次；年度指标值:≥100人次。"
        "2、满意度指标：服务对象满意度指标：满意度；实施周期指标值:≥90%；年度指标值:≥90%。"
        "3、效益指标：服务对象满意度指标：群众满意度；实施周期指标值:≥85%；年度指标值:≥85%。"
    )
    items = list(parse_indicators(cell))
    assert [(i.seq, i.level1_code, i.level2_code, i.type_key, i.name) for i in items] == [
        (1, "", "", "11", "培训人次"),
        (2, "", "", "31", "满意度"),
        (3, "", "", "31", "群众满意度"),
    ]
    assert [i.is_misparented for i in items] == [False, False, True]
    assert items[0].annual.text == "≥100人次" and items[1].period.text == "≥90%"


OTHER_NUMBERINGS = [
    ("（1）", "（2）", "（3）"),
    ("(1)", " (2)", " (3)"),
    ("1）", "2）", "3）"),
    ("①", "②", "③"),
    ("", "", ""),  # no numbers: each item a level-1 and a level-2 type after 。
]


def test_items_numbered_otherwise_or_not_at_all_are_split_as_numbered_items() -> None:
    """（1） (1) 1） ① or no numbers: the cell was "no numbered indicator (N、) found" and a table ending with
    such a cell was refused as cut off mid-row ("truncated mid-row")."""
    items = [
        "1-产出指标：11-数量指标：慰问人次；实施周期指标值:12人；年度指标值:12人。",
        "产出指标：质量指标：合格率（%）；实施周期指标值:100%；年度指标值:100%。",
        "2-效益指标：31-服务对象满意度；慰问对象满意度；实施周期指标值:运行良好。；年度指标值:≥90%。",
    ]
    want = [("11", "慰问人次", "12人"), ("12", "合格率（%）", "100%"), ("31", "慰问对象满意度", "≥90%")]
    for marks in OTHER_NUMBERINGS:
        cell = "".join(mark + item for mark, item in zip(marks, items, strict=True))
        got = _parse(cell)
        assert [(i.seq, i.type_key, i.name, i.annual.text) for i in got] == [(n, *w) for n, w in enumerate(want, 1)]


def test_a_numbering_other_than_n_out_of_sequence_is_not_an_item_start() -> None:
    [error] = _parse("（2）1-产出指标：11-数量指标：慰问人次；实施周期指标值:12人")
    assert isinstance(error, ItemError) and "no numbered indicator" in str(error)


def test_a_bar_drawn_between_items_is_not_part_of_the_value() -> None:
    cell = "1、1-产出指标：11-数量指标：甲；年度指标值:100%。| 2、1-产出指标：12-质量指标：乙；年度指标值:及时。｜"
    [a, b] = _parse(cell)
    assert (a.annual.text, b.annual.text) == ("100%", "及时")


def test_other_value_labels_and_separators() -> None:
    """指标值/目标值/年度目标值 alone, 实施期指标值, a comma or a space before a label, = after it: each item was a
    reject ("no 实施周期指标值 or 年度指标值", "does not follow …")."""
    head = "1、1-产出指标：11-数量指标：慰问人次"
    cases = {
        "；实施周期指标值=12人；年度指标值=≥12人。": ("12人", "≥12人"),
        "，实施周期指标值:12人，年度指标值:≥12人。": ("12人", "≥12人"),
        " 实施周期指标值:12人 年度指标值:≥12人。": ("12人", "≥12人"),
        "；实施期指标值：12人；年度目标值：≥12人": ("12人", "≥12人"),
        "；指标值：≥12人。": (None, "≥12人"),
        "；目标值：≥12人。": (None, "≥12人"),
    }
    for tail, (period, annual) in cases.items():
        [ind] = _parse(head + tail)
        assert (ind.name, ind.period.text, ind.annual.text, ind.annual.number) == ("慰问人次", period, annual, 12), tail


def test_a_name_holding_a_label_without_a_separator_is_no_target() -> None:
    [error] = _parse("1、1-产出指标：11-数量指标：年度目标值达成率。")
    assert isinstance(error, ItemError) and "no 实施周期指标值 or 年度指标值" in str(error)


def test_an_item_of_types_name_and_value_without_a_label() -> None:
    """…：11-数量指标：慰问人次：12人 (no 年度指标值): every item was a reject, and a table ending with such a cell
    was refused as 'truncated mid-row: the last row ends inside an indicator'."""
    a, b = _parse("1、1-产出指标：11-数量指标：慰问人次：12人。2、产出指标：质量指标：完成率：100%。")
    assert [(i.type_key, i.name, i.period.text, i.annual.text) for i in (a, b)] == [
        ("11", "慰问人次", None, "12人"),
        ("12", "完成率", None, "100%"),
    ]
    [error] = _parse("1、1-产出指标：11-数量指标：慰问人次：达标：是。")
    assert isinstance(error, ItemError)


def test_items_that_label_each_level() -> None:
    """一级指标：产出指标；二级指标：数量指标；三级指标：慰问人次；…: read as if 一级指标 were the level 1 and
    产出指标 the level 2 (type ?-一级指标/-产出指标, name 二级指标：数量指标；三级指标：慰问人次), silently."""
    cells = [
        "1、一级指标：产出指标；二级指标：数量指标；三级指标：慰问人次；指标值：12人。"
        "2、一级指标：效益指标；二级指标：社会效益指标；三级指标：群众满意度；指标值：≥90%。",
        "一级指标:产出指标,二级指标:数量指标,三级指标:慰问人次,年度指标值:12人",
    ]
    got = [[(i.type_key, i.name, i.annual.text) for i in _parse(cell)] for cell in cells]
    assert got == [[("11", "慰问人次", "12人"), ("22", "群众满意度", "≥90%")], [("11", "慰问人次", "12人")]]


def test_a_lenient_reading_without_a_known_type_stays_a_reject() -> None:
    """The readings tried last (other labels, name：value) accept an item only when its types are in the tree."""
    [error] = _parse("1、项目类指标：专项指标：慰问人次：12人。")
    assert isinstance(error, ItemError)
    [error] = _parse("1、项目类指标：专项指标：慰问人次，指标值：12人。")
    assert isinstance(error, ItemError)
    [ind] = _parse("1、产出指标：数量指标：慰问人次，指标值：12人。")
    assert (ind.type_key, ind.annual.text) == ("11", "12人")
