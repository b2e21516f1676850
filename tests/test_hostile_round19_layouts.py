"""Round 19's leftovers on layouts: GENERATED tables (invented projects in the sample's or the bracket list's columns,
none a real table), read through the public path (etl.transform.pipeline.run_file).

Fixed (each test marked "before:" failed on the code before its fix; the others guard what must not change):
- a bracket list whose headings are printed in other brackets ([产出指标-数量指标], ［…］, 〔…〕, 〖…〗, {…}) was read
  as the packed layout (no 绩效指标 column): its projects loaded with no targets, flagged only by projects_have_targets;
- 单位：元 printed as a line under the table (after the 合计) was refused as "truncated mid-row"; a note 注：单位：元
  there was dropped and the table loaded in the default 万元 (x 10,000); in a per-row export a unit line there that
  contradicts the one above the table was a unit of no amounts, the table loaded in the unit above without a word;
- a text dump's amount or (after a 序号) name cell broken by an unquoted line break (82. / 60, 社区矫正 / 帮教经费)
  split its row in two: the table was refused as cut off mid-row, or the row was rejected and the totals failed.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from etl.model import Refusal, SourceTable
from etl.transform.bracket import HEADING_BRACKETS, split_goal_cell, with_heading_brackets
from etl.transform.pipeline import run_file
from tests.inline_tables import GOAL, ITEM, LABEL, WAN, filed
from tests.inline_tables import parsed_inline as _table
from tests.inline_tables import project_row as _row
from tests.inline_tables import read_inline as _read


def _refusal(tmp_path: Path, content: str, name: str = "table.txt") -> Refusal:
    refusal = _read(tmp_path, content, name)
    assert isinstance(refusal, Refusal), refusal
    return refusal


# --- part 1: a bracket list's headings in other brackets -----------------------------------------------------------

BRACKET_HEADER = ["单位编码", "单位名称(项目类别/支出项目)", "年度预算安排", "项目内容", "绩效目标"]
BRACKET_GOAL = (
    "【总体目标】保障机房和网络稳定运行。【产出指标-数量指标】指标1:机柜数量(≥77台) 指标2:网络链路条数(≥12条) "
    "【产出指标-时效指标】指标1:故障响应时间(<24小时) 【满意度指标-服务对象满意度指标】指标1:使用单位满意度(≥90%)"
)


def _bracket_list(goal: str, unit: str = "单位:万元", under: tuple[str, ...] = ()) -> str:
    rows = [
        ["117", "某市经济和信息化局", "3.00", "", ""],
        ["", "其他运转类", "3.00", "", ""],
        ["", "运维经费", "1.00", "机房运维", goal],
        ["", "网络经费", "2.00", "网络运维", goal],
    ]
    lines = [LABEL, "2024年部门预算项目支出绩效目标表", "部门名称:某市经济和信息化局", *([unit] if unit else [])]
    return "\n".join([*lines, "\t".join(BRACKET_HEADER), *("\t".join(r) for r in rows), *under]) + "\n"


def _targets(table: SourceTable) -> list[tuple[str, list[tuple]]]:
    """Each project's goal and indicators: (type, name, annual value, number)."""
    return [
        (p.goal_text, [(i.type_key, i.name, i.annual.text, i.annual.number, i.raw_text) for i in p.indicators])
        for p in table.projects
    ]


def _in_brackets(text: str, opening: str, closing: str) -> str:
    return text.replace("【", opening).replace("】", closing)


@pytest.mark.parametrize(("opening", "closing"), HEADING_BRACKETS[1:])
def test_headings_in_other_brackets_read_as_the_bracket_list(tmp_path: Path, opening: str, closing: str) -> None:
    """before: dept_packed (0.6), both projects with no targets."""
    want = _table(tmp_path, _bracket_list(BRACKET_GOAL), "want.txt")
    table = _table(tmp_path, _bracket_list(_in_brackets(BRACKET_GOAL, opening, closing)))
    assert (table.layout, table.layout_score) == ("dept_bracket", 1.0)
    assert _targets(table) == _targets(want) and len(want.projects[0].indicators) == 4
    assert table.rejects == [] and table.reconciled


def test_other_brackets_beside_the_usual_ones_are_read_too(tmp_path: Path) -> None:
    """before: 【总体目标】 was the only heading, the indicators its goal text, the rows categories (no project)."""
    goal = "【总体目标】保障运行。[产出指标-数量指标]指标1:机柜数量(≥77台) 〔产出指标-时效指标〕指标1:响应时间(<24小时)"
    table = _table(tmp_path, _bracket_list(goal))
    assert [(p.goal_text, len(p.indicators)) for p in table.projects] == [("保障运行。", 2)] * 2


def test_a_heading_in_other_brackets_left_open_ends_before_its_first_item() -> None:
    """before: no section read."""
    goal, sections = split_goal_cell(
        "[总体目标]保障运行。[产出指标-数量指标]指标1:机柜数量(≥77台) [产出指标-质量指标指标1:完好率(≥97%)"
    )
    assert goal == "保障运行。"
    assert sections == [("产出指标-数量指标", "指标1:机柜数量(≥77台)"), ("产出指标-质量指标", "指标1:完好率(≥97%)")]


def test_levels_in_two_headings_of_other_brackets() -> None:
    """〖产出指标〗〖数量指标〗指标1:…, as 【产出指标】【数量指标】 is read. before: no section read."""
    assert split_goal_cell("〖产出指标〗〖数量指标〗指标1:机柜数量(≥77台)")[1] == [
        ("产出指标-数量指标", "指标1:机柜数量(≥77台)")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "落实穗财政〔2023〕79号文件要求，保障运行。",  # a document number
        "按[考核指标]完成(100%)",  # words in brackets inside an item
        "实现[年度目标]率(≥90%)",  # the goal's words, not first in the cell
        "机柜数量[注1](≥77台)",  # a note
        "{未填报}",
    ],
)
def test_brackets_that_are_no_heading_stay_as_printed(text: str) -> None:
    assert with_heading_brackets(text) == text


def test_a_document_number_in_a_goal_stays_in_the_goal(tmp_path: Path) -> None:
    goal = "[总体目标]落实穗财政〔2023〕79号文件。[产出指标-数量指标]指标1:机柜数量(≥77台)"
    table = _table(tmp_path, _bracket_list(goal))
    assert table.layout == "dept_bracket"
    assert [(p.goal_text, len(p.indicators)) for p in table.projects] == [("落实穗财政〔2023〕79号文件。", 1)] * 2


PACKED_HEADER = ["项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]


def _packed(
    rows: list[list[str]],
    unit: str | None = "单位：万元",
    under: tuple[str, ...] = (),
    header: list[str] = PACKED_HEADER,
) -> str:
    lines = [LABEL, "项目支出绩效目标表", "部门名称：某区司法局", *([unit] if unit else [])]
    return "\n".join([*lines, "\t".join(header), *("\t".join(r) for r in rows), *under]) + "\n"


def test_a_packed_list_whose_values_print_square_brackets_stays_packed(tmp_path: Path) -> None:
    item = "1、1-产出指标：11-数量指标：[产出指标-数量指标]服务村居数；实施周期指标值:[≥100个]；年度指标值:≥100个。"
    table = _table(tmp_path, _packed([_row("合计", "1.00", "", ""), _row("甲经费", "1.00", "[总体目标]服务。", item)]))
    assert table.layout == "dept_packed"
    [indicator] = table.projects[0].indicators
    assert (indicator.name, indicator.annual.text) == ("[产出指标-数量指标]服务村居数", "≥100个")


def test_a_list_without_indicators_whose_goals_print_document_numbers_stays_packed(tmp_path: Path) -> None:
    """A department list without its 绩效指标 column is read (its projects without targets): a goal printing
    〔2023〕, or a bracketed heading with no indicator under it, is no bracket list."""
    header = PACKED_HEADER[:-1]
    rows = [
        r[:-1]
        for r in (_row("合计", "1.00", ""), _row("甲经费", "1.00", "〔总体目标〕落实穗财政〔2023〕79号〔绩效指标〕"))
    ]
    table = _table(tmp_path, _packed(rows, header=header))
    assert (
        table.layout == "dept_packed"
        and table.projects[0].goal_text == "〔总体目标〕落实穗财政〔2023〕79号〔绩效指标〕"
    )


# --- part 2: the unit printed under the table ----------------------------------------------------------------------

ROWS = [_row("合计", "3.00", "", ""), _row("甲经费", "1.00"), _row("乙经费", "2.00")]


def _totals(table: SourceTable) -> list[Decimal]:
    return [p.amounts["total"] for p in table.projects]


@pytest.mark.parametrize(
    "line", ["单位：元", "金额单位:元", "（单位：元）", "单位为元", "注：单位：元", "注：本表金额单位为元。"]
)
def test_a_unit_line_under_a_table_that_prints_none_above_is_its_unit(tmp_path: Path, line: str) -> None:
    """before: "truncated mid-row" (a note 注：… was dropped and the table read in the default 万元, x 10,000)."""
    table = _table(tmp_path, _packed(ROWS, unit=None, under=(line, "填报人：张三")))
    assert table.source_unit == "元" and _totals(table) == [Decimal("1.00"), Decimal("2.00")]
    assert table.rejects == [] and table.reconciled and [a.name for a in table.aggregates] == ["合计"]
    assert table.notes == ["amount unit read from the line under the table (line 8: 单位：元)"]


def test_a_unit_line_under_the_table_agreeing_with_the_one_above_is_a_note(tmp_path: Path) -> None:
    """before: "truncated mid-row" (a line printed as the one above, 单位：万元, was dropped already)."""
    table = _table(tmp_path, _packed(ROWS, under=("金额单位：万元",)))
    assert table.source_unit == "万元" and _totals(table) == [WAN, 2 * WAN] and table.notes == []
    assert [a.name for a in table.aggregates] == ["合计"] and table.reconciled


def test_a_unit_line_under_the_table_agreeing_with_a_column_header_is_a_note(tmp_path: Path) -> None:
    header = ["项目名称（资金使用单位）", "总计（元）", *PACKED_HEADER[2:]]
    table = _table(tmp_path, _packed(ROWS, unit=None, under=("单位：元",), header=header))
    assert table.source_unit == "元" and _totals(table) == [Decimal("1.00"), Decimal("2.00")] and table.notes == []


@pytest.mark.parametrize(
    ("unit", "header", "under", "said"),
    [
        ("单位：万元", PACKED_HEADER, ("单位：元",), "the lines above the table say 单位：万元"),
        (
            None,
            ["项目名称（资金使用单位）", "总计（万元）", *PACKED_HEADER[2:]],
            ("单位：元",),
            "a column header says (万元)",
        ),
        (None, PACKED_HEADER, ("单位：万元", "单位：元"), "line 8 under the table says 单位：万元"),
        ("单位：万元", PACKED_HEADER, ("注：单位：元",), "the lines above the table say 单位：万元"),
    ],
)
def test_a_unit_line_under_the_table_that_contradicts_its_unit_is_refused_saying_so(
    tmp_path: Path, unit: str | None, header: list[str], under: tuple[str, ...], said: str
) -> None:
    """before: "truncated mid-row: the last row has 1 cell(s)", or (a note 注：…) loaded in 万元 without a word."""
    refusal = _refusal(tmp_path, _packed(ROWS, unit=unit, under=under, header=header))
    assert "amount unit disagrees" in refusal.reason and said in refusal.reason
    assert "under the table says 单位：元" in refusal.reason and "truncated" not in refusal.reason


def test_another_currency_under_the_table_is_refused_as_one_above_it_is(tmp_path: Path) -> None:
    refusal = _refusal(tmp_path, _packed(ROWS, unit=None, under=("单位：美元",)))
    assert "unknown amount unit" in refusal.reason and "美元" in refusal.reason


def test_a_unit_line_under_a_per_row_export_contradicting_the_one_above_is_refused(tmp_path: Path) -> None:
    """before: loaded in 元, the line a unit of no amounts (单位：万元) with no project under it."""
    header = (
        "项目名称\t总计\t财政拨款\t年度目标\t一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t权重\t指标方向"
    )
    rows = [
        "乡村道路养护\t800000\t800000\t养护村道\t产出指标\t数量指标\t养护里程\t≥\t30\t公里\t20\t正向",
        "质量指标\t养护合格率\t≥\t95\t%\t20\t正向",
    ]
    content = "\n".join(
        [LABEL, "某县2024年部门预算项目支出绩效目标表", "部门名称：某镇", "单位:元", header, *rows, "单位：万元"]
    )
    refusal = _refusal(tmp_path, content + "\n")
    assert "amount unit disagrees: the lines above the table say 单位：元, line 8" in refusal.reason


@pytest.mark.parametrize("under", [("单位：元",), ("单位：元", "注：本表由财务科填报"), ("单位：元", "制表人：张三")])
def test_a_unit_line_under_a_bracket_list_is_no_row(tmp_path: Path, under: tuple[str, ...]) -> None:
    """before: in 万元 with the line rejected ("row has no name"); followed by a note (round 19's review), it was read
    as the unit and rejected as a row all the same."""
    table = _table(tmp_path, _bracket_list(BRACKET_GOAL, unit="", under=under))
    assert table.source_unit == "元" and table.reconciled
    assert not [r for r in table.rejects if "单位" in r.raw_text]
    assert [p.amounts["total"] for p in table.projects] == [Decimal("1.00"), Decimal("2.00")]


def test_a_unit_line_under_a_workbook_table_is_its_unit(tmp_path: Path) -> None:
    """before: "truncated mid-row"."""
    book = openpyxl.Workbook()
    sheet = book.active
    for r, cells in enumerate(
        [[LABEL], ["项目支出绩效目标表"], ["部门名称：某区司法局"], PACKED_HEADER, *ROWS], start=1
    ):
        for c, text in enumerate(cells, start=1):
            sheet.cell(row=r, column=c, value=text or None)
    sheet.cell(row=len(ROWS) + 5, column=1, value="单位：元")
    path = filed(tmp_path, "table.xlsx")
    book.save(path)
    table = run_file(path)
    assert isinstance(table, SourceTable), table
    assert table.source_unit == "元" and _totals(table) == [Decimal("1.00"), Decimal("2.00")] and table.reconciled


# --- part 3: a text dump's row broken inside a name or an amount ----------------------------------------------------


def _lines(*lines: str, header: list[str] = PACKED_HEADER) -> str:
    return (
        "\n".join([LABEL, "项目支出绩效目标表", "部门名称：某区司法局", "单位：万元", "\t".join(header), *lines]) + "\n"
    )


def _t(*cells: str) -> str:
    return "\t".join(cells)


WHOLE = _t(*_row("甲经费", "1.00"))
TOTAL = _t(*_row("合计", "83.60", "", ""))


@pytest.mark.parametrize(
    "broken",
    [
        (_t("社区矫正经费", "82.60"), _t("", "82.60", "", "", GOAL, ITEM)),  # 82.60⏎ (the break after the amount)
        (_t("社区矫正经费", "82."), _t("60", "82.60", "", "", GOAL, ITEM)),  # 82.⏎60
        (_t("社区矫正经费", "82.60", "82."), _t("60", "", "", GOAL, ITEM)),  # in the second amount
    ],
)
@pytest.mark.parametrize("last", [True, False])
def test_an_amount_broken_over_two_lines_is_one_cell(tmp_path: Path, broken: tuple[str, str], last: bool) -> None:
    """before: refused as cut off mid-row (the row last), or a unit row and a nameless reject (totals failed)."""
    lines = (TOTAL, WHOLE, *broken) if last else (TOTAL, *broken, WHOLE)
    table = _table(tmp_path, _lines(*lines))
    assert {p.project_name: p.amounts["total"] for p in table.projects} == {"甲经费": WAN, "社区矫正经费": 826_000}
    assert table.rejects == [] and table.reconciled and [a.name for a in table.aggregates] == ["合计"]


@pytest.mark.parametrize("pieces", [("社区矫正和安置",), ("社区矫正", "和安置")])
def test_a_name_after_its_number_broken_over_lines_is_one_name(tmp_path: Path, pieces: tuple[str, ...]) -> None:
    """序号 | 项目名称 …: the name's first line follows the number. before: refused as cut off mid-row."""
    header = ["序号", *PACKED_HEADER]
    lines = (
        _t("", *_row("合计", "83.60", "", "")),
        _t("1", *_row("甲经费", "1.00")),
        _t("2", pieces[0]),
        *pieces[1:],
        _t(*_row("帮教经费", "82.60")),
    )
    table = _table(tmp_path, _lines(*lines, header=header))
    assert [p.project_name for p in table.projects] == ["甲经费", "社区矫正和安置帮教经费"]
    assert table.rejects == [] and table.reconciled


def test_a_line_of_one_cell_before_a_whole_row_stays_a_heading(tmp_path: Path) -> None:
    """A name broken in the first column leaves a line of one cell over a whole row: that is how a heading without
    amounts prints (其中：…), so it is not joined (the join is not unambiguous)."""
    lines = (TOTAL, "其中：专项经费", _t(*_row("社区矫正经费", "82.60")), WHOLE)
    table = _table(tmp_path, _lines(*lines))
    assert [p.project_name for p in table.projects] == ["社区矫正经费", "甲经费"] and table.reconciled


def test_a_short_row_of_amounts_is_not_joined_to_the_next_short_row(tmp_path: Path) -> None:
    """A unit row leaving out its empty cells (司法局 | 83.60) over a project with no indicators: joined, the
    project's name would be an amount's; they stay two rows."""
    lines = (TOTAL, _t("司法局", "83.60"), _t(*_row("乙经费", "82.60")[:-1]), WHOLE)
    table = _table(tmp_path, _lines(*lines))
    assert [p.project_name for p in table.projects] == ["乙经费", "甲经费"]
