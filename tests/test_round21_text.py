"""Round 21, text layouts left by the earlier hostile hunts: GENERATED tables (invented projects in the sample's
columns; none a real table), read through the public path (etl.transform.pipeline.run_file).

Each test marked "before:" failed on the code before its fix; the others guard what must not change.
- a header's second row with a name the column map did not know (其中 over 财政拨款 | 单位自筹) was no header row: the
  row was rejected and the parts under it left unread. 单位自筹 and its kin are 其他资金 in the map; a second row that
  is a header by every other sign but names an unknown column holding amounts under money is refused naming it;
- a header on three rows (项目名称 | 资金情况 over 总计 | 其中 over 财政拨款 | 财政专户拨款 | 其他资金) is read, from
  a text dump, a workbook or a page, and once when printed again at a page break; it was refused ('lacks column(s):
  total') or read as two rows, its third rejected and its parts unread;
- a packed list whose items print a name and a value glued on, no type, label, bracket or colon
  (1.完成率100%2.培训人数200人次3.满意度≥90%), or types and no label, is read when the split is unambiguous, and still
  refused (its row's targets rejected, naming why) when it is not;
- un-numbered text under a lone 指标值 column in the last row was refused as "truncated mid-row": it is read as one item
  when it is a name and a number (服务村居数≥100个), else rejected with its reason, as in any other row.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from etl.model import RefusalKind, SourceTable
from etl.transform import indicators
from tests.inline_tables import DEPARTMENT, ITEM, LABEL, TITLE, UNIT, filed, merged_book, spanned_page
from tests.inline_tables import amounts_in_wan as _amounts
from tests.inline_tables import parsed_inline as _table
from tests.inline_tables import refused_inline as _refusal
from tests.paths import SAMPLE

GOAL = "为村居提供法律服务。"


def _t(*cells: str) -> str:
    return "\t".join(cells)


def _text(header: list[list[str]], rows: list[list[str]]) -> str:
    return "\n".join([LABEL, TITLE, DEPARTMENT, UNIT, *(_t(*r) for r in header), *(_t(*r) for r in rows)]) + "\n"


# --- part 1: 单位自筹 and an unknown name in a header's second row ---------------------------------------------------

TWO_ROW = [["项目名称", "总计", "其中", "", "绩效目标", "绩效指标"], ["", "", "财政拨款", "单位自筹", "", ""]]
TWO_ROW_DATA = [
    ["合计", "30.00", "20.00", "10.00", "", ""],
    ["某区司法局", "30.00", "20.00", "10.00", "", ""],
    ["法律援助经费", "30.00", "20.00", "10.00", GOAL, ITEM],
]
PARTS = {"total": Decimal(30), "fiscal": Decimal(20), "other": Decimal(10)}


@pytest.mark.parametrize("name", ["单位自筹", "自筹资金", "单位自筹资金", "自筹", "其中：单位自筹"])  # 自筹资金: guard
def test_self_raised_funds_in_a_second_header_row_are_other_funds(tmp_path: Path, name: str) -> None:
    """before (单位自筹, 单位自筹资金, 自筹): the second row was no header row, rejected ('row has no project name'),
    and every row loaded its total alone, 财政拨款 and 单位自筹 left unread."""
    header = [TWO_ROW[0], ["", "", "财政拨款", name, "", ""]]
    table = _table(tmp_path, _text(header, TWO_ROW_DATA))
    assert _amounts(table) == [("法律援助经费", PARTS), ("合计", PARTS), ("某区司法局", PARTS)]
    assert table.rejects == [] and table.reconciled


@pytest.mark.parametrize(
    ("second", "name"),
    [
        (["", "", "财政拨款", "自主筹措", "", ""], "自主筹措"),  # one known name: before, loaded, its parts unread
        (["", "", "财政拨款", "自有来源", "", ""], "自有来源"),  # a name of no money's words, under 其中
        (["财政拨款", "自主筹措"], "自主筹措"),  # its empty cells left out: before, refused, '自主筹措' is not a number
    ],
)
def test_an_unknown_name_over_amounts_in_a_second_header_row_is_refused_naming_it(
    tmp_path: Path, second: list[str], name: str
) -> None:
    """before: loaded, 总计 alone, the row under the header rejected ('row has no project name')."""
    refusal = _refusal(tmp_path, _text([TWO_ROW[0], second], TWO_ROW_DATA))
    assert refusal.kind == RefusalKind.UNSUPPORTED_LAYOUT
    assert f"column '{name}' in row 2 of the header holds amounts" in refusal.reason
    assert "etl/extract/columns.csv" in refusal.reason and refusal.reason.startswith("line 6:")


def test_an_unknown_name_beside_known_parts_in_a_second_header_row_is_refused(tmp_path: Path) -> None:
    """before: the row was a header row (two names known), 自主筹措's amounts left out: loaded without a word."""
    header = [
        ["项目名称", "总计", "资金来源", "", "", "绩效目标", "绩效指标"],
        ["", "", "财政拨款", "财政专户拨款", "自主筹措", "", ""],
    ]
    rows = [[r[0], r[1], r[2], "", r[3], r[4], r[5]] for r in TWO_ROW_DATA]
    refusal = _refusal(tmp_path, _text(header, rows))
    assert "column '自主筹措' in row 2 of the header holds amounts (line 7: 10.00)" in refusal.reason


def test_an_unknown_name_over_no_money_in_a_second_header_row_is_not_refused(tmp_path: Path) -> None:
    """A per-row export's second row naming a column the map does not know under 绩效指标 (指标编码, holding numbers):
    not money, read as before."""
    header = [
        ["项目名称", "项目资金", "", "绩效目标", "绩效指标", "", "", "", ""],
        ["", "资金总额", "财政拨款", "", "指标编码", "一级指标", "二级指标", "三级指标", "指标值"],
    ]
    rows = [
        ["合计", "30.00", "30.00", "", "", "", "", "", ""],
        ["法律援助经费", "30.00", "30.00", GOAL, "1101", "产出指标", "数量指标", "服务村居数", "≥100个"],
    ]
    table = _table(tmp_path, _text(header, rows))
    [project] = table.projects
    assert [(i.name, i.annual.text) for i in project.indicators] == [("服务村居数", "≥100个")]


# --- part 2: a header on three rows ----------------------------------------------------------------------------------

THREE_ROW = [
    ["项目名称", "资金情况", "", "", "", "绩效目标", "绩效指标"],
    ["", "总计", "其中", "", "", "", ""],
    ["", "", "财政拨款", "财政专户拨款", "其他资金", "", ""],
]
THREE_ROW_DATA = [
    ["合计", "30.00", "20.00", "5.00", "5.00", "", ""],
    ["某区司法局", "30.00", "20.00", "5.00", "5.00", "", ""],
    ["法律援助经费", "30.00", "20.00", "5.00", "5.00", GOAL, ITEM],
]
ALL_PARTS = {"total": Decimal(30), "fiscal": Decimal(20), "special_account": Decimal(5), "other": Decimal(5)}
THREE_ROW_READ = [("法律援助经费", ALL_PARTS), ("合计", ALL_PARTS), ("某区司法局", ALL_PARTS)]


@pytest.mark.parametrize(
    "header",
    [
        THREE_ROW,  # before: refused, "header row lacks column(s): total"
        [THREE_ROW[0], ["总计", "其中"], ["财政拨款", "财政专户拨款", "其他资金"]],  # a dump leaving out empty cells
        [["项目名称", "项目资金", *THREE_ROW[0][2:]], *THREE_ROW[1:]],  # before: parts unread, 2 rows rejected
    ],
    ids=["full", "empty-cells-left-out", "under-项目资金"],
)
def test_a_three_row_header_is_read(tmp_path: Path, header: list[list[str]]) -> None:
    table = _table(tmp_path, _text(header, THREE_ROW_DATA))
    assert _amounts(table) == THREE_ROW_READ and table.rejects == [] and table.reconciled
    assert [i.name for i in table.projects[0].indicators] == ["服务村居数"]


def test_a_three_row_header_printed_again_at_a_page_break_is_read_once(tmp_path: Path) -> None:
    """before: refused, "header row lacks column(s): total"."""
    second = ["普法经费", "10.00", "10.00", "", "", GOAL, ITEM]
    totals = [[name, "40.00", "30.00", "5.00", "5.00", "", ""] for name in ("合计", "某区司法局")]
    table = _table(tmp_path, _text(THREE_ROW, [*totals, THREE_ROW_DATA[2], *THREE_ROW, second]))
    assert [p.project_name for p in table.projects] == ["法律援助经费", "普法经费"]
    assert table.rejects == [] and table.reconciled


def test_an_unknown_name_in_a_third_header_row_is_refused_naming_it(tmp_path: Path) -> None:
    """before: refused for the wrong reason ('lacks column(s): total'), or, under 项目资金, loaded without parts."""
    header = [*THREE_ROW[:2], ["", "", "财政拨款", "财政专户拨款", "自主筹措", "", ""]]
    refusal = _refusal(tmp_path, _text(header, THREE_ROW_DATA))
    assert "column '自主筹措' in row 3 of the header holds amounts" in refusal.reason
    assert refusal.reason.startswith("line 7:")


def _three_row_book(path: Path) -> Path:
    """THREE_ROW as a workbook's header, its labels merged over the cells they span, and THREE_ROW_DATA."""
    merges = ("A4:A6", "B4:E4", "B5:B6", "C5:E5", "F4:F6", "G4:G6")
    return merged_book(path, (TITLE, DEPARTMENT, UNIT), THREE_ROW, THREE_ROW_DATA, merges)


def _three_row_page(path: Path) -> Path:
    """THREE_ROW as an HTML table's header, spanning with rowspan and colspan, and THREE_ROW_DATA."""
    head = (
        "<tr><td rowspan=3>项目名称</td><td colspan=4>资金情况</td><td rowspan=3>绩效目标</td>"
        "<td rowspan=3>绩效指标</td></tr><tr><td rowspan=2>总计</td><td colspan=3>其中</td></tr>"
        "<tr><td>财政拨款</td><td>财政专户拨款</td><td>其他资金</td></tr>"
    )
    return spanned_page(path, (TITLE, DEPARTMENT, UNIT), head, THREE_ROW_DATA)


@pytest.mark.parametrize("make", [_three_row_book, _three_row_page], ids=["xlsx", "html"])
def test_a_three_row_header_of_a_workbook_or_a_page_is_read(tmp_path: Path, make) -> None:
    """The readers leave a merged label in its first cell, the others empty: the same header code reads it. before:
    refused, "header row lacks column(s): total"."""
    from etl.transform.pipeline import run_file

    path = make(filed(tmp_path, "table.xlsx" if make is _three_row_book else "table.html"))
    table = run_file(path)
    assert isinstance(table, SourceTable), table
    assert _amounts(table) == THREE_ROW_READ and table.rejects == [] and table.reconciled


def test_an_amount_merged_across_amount_columns_under_a_three_row_header_is_given_to_each(tmp_path: Path) -> None:
    """A workbook's 总计 merged across 财政拨款 under a three-row header: the part is the total (round 20's rule for
    merged amounts). before: the columns were found from the header's first two rows only, 财政拨款 (named in the
    third) was no amount column, and the part loaded as 0 with no word."""
    import openpyxl

    from etl.transform.pipeline import run_file

    path = _three_row_book(filed(tmp_path, "table.xlsx"))
    book = openpyxl.load_workbook(path)
    sheet = book.active
    for row in range(7, 10):  # 合计, the department's subtotal and the project: 20.00 all 财政拨款
        for column, value in zip("BCDE", (20.0, None, None, None), strict=True):
            sheet[f"{column}{row}"] = value
        sheet.merge_cells(f"B{row}:C{row}")
    book.save(path)
    table = run_file(path)
    assert isinstance(table, SourceTable), table
    fiscal = {"total": Decimal(20), "fiscal": Decimal(20)}
    assert _amounts(table) == [("法律援助经费", fiscal), ("合计", fiscal), ("某区司法局", fiscal)]
    assert table.reconciled and any("merged across amount columns" in note for note in table.notes)


# --- part 3: packed items that print a name and a value glued on --------------------------------------------------

HEADER = [["项目名称", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]]
PLAIN = "1.完成率100%2.培训人数200人次3.满意度≥90%"
PLAIN_READ = [("?-/-", "完成率", "100%"), ("?-/-", "培训人数", "200人次"), ("?-/-", "满意度", "≥90%")]


def _packed(*cells: str) -> str:
    """A table of one project per packed cell (甲经费, 乙经费 …), each of 10.00, under a 合计."""
    names = "甲乙丙丁"
    rows = [[f"{names[k]}经费", "10.00", "10.00", "", "", GOAL, cell] for k, cell in enumerate(cells)]
    total = f"{10 * len(cells)}.00"
    return _text(HEADER, [["合计", total, total, "", "", "", ""], *rows])


def _targets(table: SourceTable) -> list[list[tuple[str, str, str | None]]]:
    return [[(i.type_key, i.name, i.annual.text) for i in p.indicators] for p in table.projects]


@pytest.mark.parametrize(
    "cell",
    [PLAIN, "1、完成率100%；2、培训人数200人次；3、满意度≥90%。", "1．完成率100% 2．培训人数200人次 3．满意度≥90%"],
)
@pytest.mark.parametrize("last", [True, False])
def test_a_packed_list_of_names_and_glued_values_is_read(tmp_path: Path, cell: str, last: bool) -> None:
    """before: in the last row, refused as "truncated mid-row"; in another, its targets rejected ('no numbered
    indicator')."""
    cells = (ITEM, cell) if last else (cell, ITEM)
    table = _table(tmp_path, _packed(*cells))
    read = _targets(table)[1 if last else 0]
    assert read == PLAIN_READ and table.rejects == []
    assert [i.annual.number for i in table.projects[1 if last else 0].indicators] == [100, 200, 90]


def test_a_packed_list_with_types_and_glued_values_is_read(tmp_path: Path) -> None:
    """before: every item rejected ('no 实施周期指标值 or 年度指标值'), or the table refused when in the last row."""
    cell = "1、产出指标：数量指标：培训人数不少于200人次2、满意度指标：服务对象满意度指标：满意度≥90%"
    table = _table(tmp_path, _packed(ITEM, cell))
    assert _targets(table)[1] == [("11", "培训人数", "不少于200人次"), ("31", "满意度", "≥90%")]
    assert table.rejects == []


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        ("1.完成率1002.培训人数200人次", "cannot be parted"),  # 100 and item 2, or 1002 and no item 2
        ("1.完成率100%2.培训覆盖2.满意度≥90%", "cannot be parted"),  # a second 2.
        ("1.完成率100%3.满意度≥90%", "cannot be parted"),  # no item 2
        ("1、12345热线接通率≥95%2、满意度≥90%", "cannot be parted"),  # a number in the name
        ("1.完成率100%2.群众满意3.满意度≥90%", "cannot be parted"),  # a value of words
    ],
)
def test_a_packed_list_that_cannot_be_parted_unambiguously_is_still_rejected(
    tmp_path: Path, cell: str, why: str
) -> None:
    """Never loaded with a wrong split: the row's targets are rejected, naming why (in the last row too, when an item
    before the last cannot be read: no row cut off)."""
    for last in (False, True):
        cells = (ITEM, cell) if last else (cell, ITEM)
        table = _table(tmp_path, _packed(*cells), f"table-{last}.txt")
        assert _targets(table)[1 if last else 0] == []
        [reject] = table.rejects
        assert why in reject.reason


def test_a_plain_list_cut_inside_its_last_item_is_still_refused_as_cut_off(tmp_path: Path) -> None:
    refusal = _refusal(tmp_path, _packed(ITEM, "1.完成率100%2.培训人数200人次3.满意"))
    assert "truncated mid-row" in refusal.reason


def test_the_common_packed_list_never_tries_the_glued_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    """A guard: the packed grammar is hot (10,000 tables), and a list the numbered grammar reads never reaches the
    glued reading (a work counter, not a time)."""
    calls: list[str] = []
    real = indicators._plain_items
    monkeypatch.setattr(indicators, "_plain_items", lambda text: calls.append(text) or real(text))
    cells = [line.split("\t")[-1] for line in SAMPLE.read_text(encoding="utf-8").splitlines() if "1、" in line]
    assert cells
    for cell in cells:
        indicators.split_items(cell + " ")  # (not the cached parse)
    assert calls == []


# --- part 4: un-numbered text under a lone 指标值 column -------------------------------------------------------------

VALUE_HEADER = [["项目名称", "总计", "财政拨款", "绩效目标", "指标值"]]


def _valued(*cells: str) -> str:
    rows = [[f"{'甲乙'[k]}经费", "10.00", "10.00", GOAL, cell] for k, cell in enumerate(cells)]
    return _text(VALUE_HEADER, [["合计", "20.00", "20.00", "", ""], *rows])


@pytest.mark.parametrize("text", ["群众法律意识明显提升", "100%完成培训任务"])
def test_un_numbered_text_under_a_lone_value_column_is_no_row_cut_off(tmp_path: Path, text: str) -> None:
    """before: refused, "truncated mid-row: the last row ends inside an indicator" (and loaded, with the same reject,
    when that row was not the last)."""
    for order in ((ITEM, text), (text, ITEM)):
        table = _table(tmp_path, _valued(*order), f"table-{order[0] == text}.txt")
        [reject] = table.rejects
        assert "no numbered indicator" in reject.reason and text in reject.raw_text
        assert sorted(len(p.indicators) for p in table.projects) == [0, 1] and table.reconciled


def test_one_name_and_value_under_a_lone_value_column_is_read(tmp_path: Path) -> None:
    """before: refused, "truncated mid-row" (last row), or rejected ('no numbered indicator')."""
    table = _table(tmp_path, _valued(ITEM, "服务村居数≥100个"))
    [indicator] = table.projects[1].indicators
    assert (indicator.type_key, indicator.name, indicator.period.text) == ("?-/-", "服务村居数", None)
    assert (indicator.annual.comparison, indicator.annual.number, indicator.annual.unit) == (">=", 100, "个")
    assert table.rejects == []


@pytest.mark.parametrize("cut", ["1、1-产出指标：11-数", "1、", "(1"])
def test_a_last_row_cut_inside_its_first_item_is_still_refused_as_cut_off(tmp_path: Path, cut: str) -> None:
    refusal = _refusal(tmp_path, _valued(ITEM, cut))
    assert "truncated mid-row" in refusal.reason
