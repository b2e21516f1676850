"""Round 19's hostile hunt on the parser: GENERATED tables (invented projects in the sample's columns, none a real
table), each written the way real exports print them, read through the public path (etl.transform.pipeline.run_file).

Found and fixed (each test below failed before its fix):
- a page break's total (本页合计, 本页小计, 小计（本页）, 累计, 承前页, 过次页) was read as a unit: it took the projects
  of the next page under it (their unit_name 本页合计), the unit above "added up" as a level over it, and in a per-row
  export the indicator rows of the project it interrupted were rejected ("row has no project name"); in a bracket
  list it was a category (whose check failed); a PDF's row broken by the page was joined to the total;
- HTML: a column a <col> or <colgroup> collapses (visibility:collapse, in its style or by a class, span= counted) was
  read: a withdrawn 总计 kept beside the new one refused the table as a column named twice, or loaded its amounts;
- an amount unit printed in the second row of a two-row header (资金总额（元） under 项目资金) was not read: the table
  loaded in the default 万元 (x 10,000) or was refused as one in 元; two header cells naming two units (总计（万元）
  beside 财政拨款（元）) read every column in the first;
- a unit line naming two units (单位：元/万元) was read in the first;
- bracket lists: a heading whose 】 was left out (【产出指标-质量指标指标1:…) swallowed its items into a type's name up
  to the next heading's 】; a value whose ) was left out (机柜数量(≥77台) lost its target into the name.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from etl.model import GridRow, Refusal, SourceTable
from etl.transform.bracket import split_goal_cell
from etl.transform.page_totals import page_row_kind
from etl.transform.table import join_page_breaks
from tests.inline_tables import (
    DEPARTMENT,
    GOAL,
    HEADER,
    LABEL,
    TITLE,
    UNIT,
    WAN,
)
from tests.inline_tables import parsed_inline as _table
from tests.inline_tables import project_row as _row
from tests.inline_tables import read_inline as _read


def _total(name: str, total: str) -> list[str]:
    """A row of amounts only: 合计, a unit, a page's total."""
    return _row(name, total, "", "")


def _text(rows: list[list[str]], preamble: tuple[str, ...] = (LABEL, TITLE, DEPARTMENT, UNIT)) -> str:
    return "\n".join([*preamble, "\t".join(HEADER), *("\t".join(r) for r in rows)]) + "\n"


def _projects(table: SourceTable) -> dict[str, tuple[str, Decimal]]:
    """project name -> (its unit, total in 万元)."""
    return {p.project_name: (p.unit_name, p.amounts["total"] / WAN) for p in table.projects}


def _kinds(table: SourceTable) -> list[tuple[str, str]]:
    return [(a.kind, a.name) for a in table.aggregates]


# --- part 1: a page break's totals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "kind"),
    [
        ("本页合计", "page_subtotal"),
        ("本页小计", "page_subtotal"),
        ("本页 合计：", "page_subtotal"),
        ("小计（本页）", "page_subtotal"),
        ("合计(本页)", "page_subtotal"),
        ("本页合计（万元）", "page_subtotal"),
        ("累计", "running_total"),
        ("本页累计", "running_total"),
        ("累计（至本页）", "running_total"),
        ("过次页", "running_total"),
    ],
)
def test_a_page_total_takes_no_projects(tmp_path: Path, printed: str, kind: str) -> None:
    """丙 was filed under a unit named 本页合计, the unit 某区司法局 "adding up" as a level over it."""
    rows = [
        _total("合计", "6.00"),
        _total("某区司法局", "6.00"),
        _row("甲经费", "1.00"),
        _row("乙经费", "2.00"),
        _total(printed, "3.00"),
        _row("丙经费", "3.00"),
    ]
    table = _table(tmp_path, _text(rows))
    unit = "某区司法局"
    assert _projects(table) == {"甲经费": (unit, 1), "乙经费": (unit, 2), "丙经费": (unit, 3)}
    assert _kinds(table) == [("grand_total", "合计"), ("unit_subtotal", unit), (kind, printed)]
    assert table.rejects == [] and table.reconciled
    assert {f.check for f in table.findings} >= {f"{kind}=sum(projects)", "unit_subtotal=sum(projects)"}


def test_a_page_total_inside_a_unit_leaves_its_projects_there(tmp_path: Path) -> None:
    """Two units, a page break inside the first: 乙 was filed under 本页合计, and A所 and the 合计 failed."""
    rows = [
        _total("合计", "6.00"),
        _total("A所", "3.00"),
        _row("甲经费", "1.00"),
        _total("本页合计", "1.00"),
        _row("乙经费", "2.00"),
        _total("B所", "3.00"),
        _row("丙经费", "3.00"),
        _total("本页合计", "5.00"),
    ]
    table = _table(tmp_path, _text(rows))
    assert _projects(table) == {"甲经费": ("A所", 1), "乙经费": ("A所", 2), "丙经费": ("B所", 3)}
    assert table.rejects == [] and table.reconciled
    pages = [(f.line_no, f.expected_yuan, f.actual_yuan) for f in table.findings if f.check.startswith("page")]
    assert {(e, a) for _, e, a in pages if e} == {(Decimal("10000.00"),) * 2, (Decimal("50000.00"),) * 2}


def test_running_totals_count_every_project_before_them(tmp_path: Path) -> None:
    rows = [
        _total("合计", "6.00"),
        _row("甲经费", "1.00"),
        _total("本页合计", "1.00"),
        _total("过次页", "1.00"),
        _total("承前页", "1.00"),
        _row("乙经费", "2.00"),
        _row("丙经费", "3.00"),
        _total("本页合计", "5.00"),
        _total("累计", "6.00"),
    ]
    table = _table(tmp_path, _text(rows))
    assert len(table.projects) == 3 and table.rejects == [] and table.reconciled
    assert [k for k, _ in _kinds(table)].count("running_total") == 3


def test_a_page_ended_by_a_running_total_alone_starts_the_next_pages_count(tmp_path: Path) -> None:
    """Page 1 closed by 过次页 with no 本页合计: page 2's 本页合计 counts its own projects, not page 1's too (it had
    counted 甲 and failed, the table not reconciled). Found by round 19's review."""
    rows = [
        _total("合计", "6.00"),
        _row("甲经费", "1.00"),
        _total("过次页", "1.00"),
        _total("承前页", "1.00"),
        _row("乙经费", "5.00"),
        _total("本页合计", "5.00"),
    ]
    table = _table(tmp_path, _text(rows))
    assert table.reconciled and not [f for f in table.findings if not f.passed]


def test_a_page_total_that_does_not_add_up_is_a_finding(tmp_path: Path) -> None:
    """A project lost at a page break shows in the page's check (the row stays an aggregate, never a project)."""
    rows = [_total("合计", "3.00"), _row("甲经费", "1.00"), _row("乙经费", "2.00"), _total("本页合计", "4.00")]
    table = _table(tmp_path, _text(rows))
    failed = {(f.check, f.scope) for f in table.findings if not f.passed}
    assert failed == {("page_subtotal=sum(projects)", "本页合计")}
    assert len(table.projects) == 2


def test_a_last_page_total_printed_short_is_no_cut_off_row(tmp_path: Path) -> None:
    """本页合计 | 3.00 | 3.00, its empty cells left out, as a closing 合计 may be."""
    content = _text([_total("合计", "3.00"), _row("甲经费", "1.00"), _row("乙经费", "2.00")]) + "本页合计\t3.00\t3.00\n"
    table = _table(tmp_path, content)
    assert _kinds(table)[-1] == ("page_subtotal", "本页合计") and table.reconciled


PER_ROW = ["项目名称", "总计", "财政拨款", "年度绩效目标", "一级指标", "二级指标", "三级指标", "指标值", "计量单位"]


def test_a_page_total_inside_a_per_row_projects_rows(tmp_path: Path) -> None:
    """The project's indicator rows after the page's total were rejected ('row has no project name')."""
    rows = [
        ["合计", "3.00", "3.00", "", "", "", "", "", ""],
        ["甲经费", "1.00", "1.00", GOAL, "产出指标", "数量指标", "服务村居数", "100", "个"],
        ["乙经费", "2.00", "2.00", GOAL, "产出指标", "数量指标", "培训人次", "500", "人次"],
        ["", "", "", "", "", "质量指标", "合格率", "95", "%"],
        ["本页合计", "3.00", "3.00", "", "", "", "", "", ""],
        ["", "", "", "", "效益指标", "社会效益指标", "受益人数", "2000", "人"],
        ["", "", "", "", "满意度指标", "服务对象满意度指标", "满意度", "90", "%"],
    ]
    content = "\n".join([LABEL, TITLE, DEPARTMENT, UNIT, ",".join(PER_ROW), *(",".join(r) for r in rows)]) + "\n"
    table = _table(tmp_path, content, "table.csv")
    assert [(p.project_name, len(p.indicators)) for p in table.projects] == [("甲经费", 1), ("乙经费", 4)]
    assert table.rejects == [] and table.reconciled
    assert ("page_subtotal", "本页合计") in _kinds(table)


BRACKET_HEADER = ["单位编码", "单位名称(项目类别/支出项目)", "年度预算安排", "项目内容", "绩效目标"]
BRACKET_GOAL = "【总体目标】保障运行。【产出指标-数量指标】指标1:机柜数量(≥77台) 指标2:网络链路条数(≥12条)"


def _bracket(rows: list[list[str]]) -> str:
    lines = [LABEL, "2024年部门预算项目支出绩效目标表", "部门名称:某市经济和信息化局", "单位:万元"]
    return "\n".join([*lines, "\t".join(BRACKET_HEADER), *("\t".join(r) for r in rows)]) + "\n"


def test_a_page_total_in_a_bracket_list_is_no_category(tmp_path: Path) -> None:
    rows = [
        ["117", "某市经济和信息化局", "3.00", "", ""],
        ["", "其他运转类", "3.00", "", ""],
        ["", "运维经费", "1.00", "机房运维", BRACKET_GOAL],
        ["", "本页合计", "1.00", "", ""],
        ["", "网络经费", "2.00", "网络运维", BRACKET_GOAL],
    ]
    table = _table(tmp_path, _bracket(rows))
    assert ("page_subtotal", "本页合计") in _kinds(table) and len(table.projects) == 2
    assert table.reconciled, [f for f in table.findings if not f.passed]


def test_a_pdf_row_broken_by_the_page_joins_its_row_not_the_page_total() -> None:
    """PDF rows are numbered page * 1000 + position: the next page's nameless first row continues the project, not
    the 本页合计 printed under its first half."""
    positions = {"project_name": 0, "total": 1, "goal": 2, "indicators": 3}
    rows = [
        GridRow(1005, ["甲经费", "1.00", "为村居提供", "1、1-产出指标：11-数量指标："]),
        GridRow(1006, ["本页合计", "1.00", "", ""]),
        GridRow(2001, ["", "", "法律服务。", "服务村居数；年度指标值:≥100个。"]),
    ]
    joined = join_page_breaks(rows, positions)
    assert [r.cells for r in joined] == [
        ["甲经费", "1.00", "为村居提供法律服务。", "1、1-产出指标：11-数量指标：服务村居数；年度指标值:≥100个。"],
        ["本页合计", "1.00", "", ""],
    ]


@pytest.mark.parametrize("name", ["法律援助经费", "页面维护经费", "累计培训人次补助", "本页", "合计", "上页"])
def test_other_names_are_no_page_totals(name: str) -> None:
    assert page_row_kind(name) is None


# --- part 2: HTML columns a <col> collapses ------------------------------------------------------------------------


def _page(rows: list[list[str]], cols: str, style: str = "") -> str:
    """A stale 总计 column (99.00) before the shown one, collapsed by ``cols``."""
    header = [HEADER[0], "总计", *HEADER[1:]]
    body = ["<tr>" + "".join(f"<td>{c}</td>" for c in header) + "</tr>"]
    body += ["<tr>" + "".join(f"<td>{c}</td>" for c in [r[0], "99.00", *r[1:]]) + "</tr>" for r in rows]
    head = "".join(f"<p>{t}</p>" for t in (LABEL, TITLE, DEPARTMENT, UNIT))
    return f"<html><head><style>{style}</style></head><body>{head}<table>{cols}{''.join(body)}</table></body></html>"


_ROWS = [_total("合计", "3.00"), _total("某区司法局", "3.00"), _row("甲经费", "1.00"), _row("乙经费", "2.00")]


@pytest.mark.parametrize(
    ("cols", "style"),
    [
        ('<col><col style="visibility:collapse">', ""),
        ('<colgroup><col><col style="VISIBILITY: Collapse"><col span="6"></colgroup>', ""),
        ('<colgroup span="1"></colgroup><colgroup style="visibility:collapse"><col></colgroup>', ""),
        ('<colgroup span="1"></colgroup><colgroup span="1" style="visibility:collapse"></colgroup>', ""),
        ('<col span="1"><col class="old">', "col.old { visibility: collapse }"),
        ('<col><col class="old">', ".old { visibility: collapse }"),
    ],
)
def test_a_collapsed_column_is_not_read(tmp_path: Path, cols: str, style: str) -> None:
    """Was refused: 'the header names 总计 twice … and they differ'."""
    table = _table(tmp_path, _page(_ROWS, cols, style), "table.html")
    assert {n: t for n, (_, t) in _projects(table).items()} == {"甲经费": 1, "乙经费": 2}
    assert table.rejects == [] and table.reconciled
    assert any(n.startswith("hidden cells not read") for n in table.notes)


@pytest.mark.parametrize(
    "cols",
    [
        '<col><col style="display:none">',  # a browser shows a column whatever else its <col> says
        '<col><col style="visibility:hidden">',
        '<col><col hidden><col style="visibility:collapse; visibility:visible">',
    ],
)
def test_a_column_not_collapsed_is_read(tmp_path: Path, cols: str) -> None:
    refusal = _read(tmp_path, _page(_ROWS, cols), "table.html")  # both 总计 columns read: they differ
    assert isinstance(refusal, Refusal) and "the header names '总计' twice" in refusal.reason


def test_a_cell_over_a_collapsed_and_a_shown_column_is_read(tmp_path: Path) -> None:
    """合计 spanning the collapsed column and the one after it keeps its text in the column shown, as a browser shows
    it; a cell in the collapsed column alone is not read."""
    page = _page(_ROWS, '<col><col style="visibility:collapse">')
    page = page.replace("<td>99.00</td><td>3.00</td>", '<td colspan="2">3.00</td>', 1)  # the 合计 row
    table = _table(tmp_path, page, "table.html")
    assert [(a.name, a.amounts["total"] / WAN) for a in table.aggregates] == [("合计", 3), ("某区司法局", 3)]
    assert table.rejects == [] and table.reconciled


# --- part 3: amount units in the header ----------------------------------------------------------------------------


TWO_ROW = ["项目名称", "项目资金", "", "", "年度目标", "一级指标", "二级指标", "三级指标", "指标值", "度量单位"]
SECOND = ["", "资金总额", "财政拨款", "其他资金", "", "", "", "", "", ""]
PROJECT = ["饮水维护", "9000", "9000", "0", "保障饮水", "产出指标", "数量指标", "维护供水站", "12", "处"]


def _two_row(first: list[str], second: list[str], preamble: tuple[str, ...]) -> str:
    lines = [*preamble, "\t".join(first), "\t".join(second), "合计\t9000\t9000\t0", "\t".join(PROJECT)]
    return "\n".join(lines) + "\n"


def test_a_unit_in_the_second_header_row_is_read(tmp_path: Path) -> None:
    """资金总额（元）: read in the default 万元, 9000 was 9000万元."""
    second = ["", "资金总额（元）", "财政拨款", "其他资金", *SECOND[4:]]
    table = _table(tmp_path, _two_row(TWO_ROW, second, (LABEL, "2024年项目支出绩效目标表", DEPARTMENT)))
    assert table.source_unit == "元" and table.projects[0].amounts["total"] == Decimal("9000.00")
    assert not any("unit not printed" in n for n in table.notes)


@pytest.mark.parametrize(
    ("first", "second", "said"),
    [
        (["项目资金（元）", "", ""], ["资金总额（万元）", "财政拨款", "其他资金"], "(元) and (万元)"),
        (["项目资金", "", ""], ["资金总额（万元）", "财政拨款（元）", "其他资金"], "(万元) and (元)"),
    ],
)
def test_header_cells_naming_two_units_are_refused(
    tmp_path: Path, first: list[str], second: list[str], said: str
) -> None:
    preamble = (LABEL, "2024年目标表", DEPARTMENT)
    content = _two_row([TWO_ROW[0], *first, *TWO_ROW[4:]], ["", *second, *SECOND[4:]], preamble)
    refusal = _read(tmp_path, content)
    assert isinstance(refusal, Refusal) and f"amount unit disagrees: the column headers say {said}" in refusal.reason


def test_header_cells_of_one_row_naming_two_units_are_refused(tmp_path: Path) -> None:
    header = [HEADER[0], "总计（万元）", "财政拨款（元）", *HEADER[3:]]
    content = "\n".join([LABEL, TITLE, DEPARTMENT, "\t".join(header), "\t".join(_row("甲经费", "1.00"))]) + "\n"
    refusal = _read(tmp_path, content)
    assert isinstance(refusal, Refusal) and "column headers say (万元) and (元)" in refusal.reason


@pytest.mark.parametrize(
    "line", ["单位：元/万元", "单位：万元、元", "金额单位：万元或元", "单位：元 / 万元（保留两位小数）"]
)
def test_a_unit_line_naming_two_units_is_refused(tmp_path: Path, line: str) -> None:
    refusal = _read(tmp_path, _text([_total("合计", "1.00"), _row("甲经费", "1.00")], (LABEL, TITLE, DEPARTMENT, line)))
    assert isinstance(refusal, Refusal) and "amount unit disagrees" in refusal.reason


@pytest.mark.parametrize(
    "line", ["单位：万元、%", "单位：万元（保留两位小数）", "金额单位：人民币万元", "单位：万元，元以下保留两位"]
)  # the last: one unit, and how it is rounded (round 19's review: it was refused)
def test_a_unit_line_with_other_words_is_read(tmp_path: Path, line: str) -> None:
    table = _table(tmp_path, _text([_total("合计", "1.00"), _row("甲经费", "1.00")], (LABEL, TITLE, DEPARTMENT, line)))
    assert table.source_unit == "万元" and table.projects[0].amounts["total"] == WAN


# --- part 4: bracket lists -----------------------------------------------------------------------------------------


def test_a_heading_without_its_closing_bracket_ends_before_its_first_item() -> None:
    cell = "【总体目标】保障运行。【产出指标-数量指标】指标1:机柜数量(≥77台) 【产出指标-质量指标指标1:设备完好率(≥97%)"
    goal, sections = split_goal_cell(cell)
    assert goal == "保障运行。"
    assert sections == [("产出指标-数量指标", "指标1:机柜数量(≥77台)"), ("产出指标-质量指标", "指标1:设备完好率(≥97%)")]


def test_a_value_without_its_closing_bracket_is_the_target(tmp_path: Path) -> None:
    goal = BRACKET_GOAL.replace("(≥77台)", "(≥77台")
    rows = [["117", "某市经济和信息化局", "1.00", "", ""], ["", "运维经费", "1.00", "机房运维", goal]]
    table = _table(tmp_path, _bracket(rows))
    read = [(i.name, i.annual.text, i.annual.number) for i in table.projects[0].indicators]
    assert read == [("机柜数量", "≥77台", 77), ("网络链路条数", "≥12条", 12)]


def test_a_target_column_in_yuan_is_no_second_amount_unit() -> None:
    """年度指标值（元） beside 总计（万元） is the unit of a target, not the table's (round 19's review: a header naming
    both was refused as two units); a column that is no known one still says its unit (项目资金(元) over its parts)."""
    from etl.extract.columns import header_units

    assert header_units(["项目名称", "总计（万元）", "财政拨款", "年度指标值（元）", "计量单位（元）"]) == ["万元"]
    assert header_units(["项目名称", "项目资金(元)", "财政拨款（万元）"]) == ["元", "万元"]
