"""Round 20's follow-up: three leftovers of the bracket/packed and layouts hunts. GENERATED tables (invented projects
in the bracket list's or the sample's columns, none a real table), read through the public path
(etl.transform.pipeline.run_file), and the packed grammar on single cells.

Fixed (each test marked "before:" failed on the code before its fix; the others guard what must not change):
- a bracket list (单位编码 | 单位名称(项目类别/支出项目) | …) whose category and project rows leave out their empty
  code cell in a text export was refused (amount '机房及网络运维' is not a number): the cells stood one column left;
  they are put back where the header has them, as the packed and per-row layouts do (table.restore_leading_cells);
- a bracket list whose goal cells print no 指标 at all, only 【总体目标】… and 【】 over numbered items each printing
  its value, scored 0.3 and was read by another layout, its targets lost;
- packed items whose type codes are parted from the type names by a full-width dash or an em dash
  (1、1－产出指标：11－数量指标：…, 1—产出指标：11—数量指标：…) were refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.model import SourceTable
from etl.transform.indicators import ItemError, parse_indicators
from tests.inline_tables import DEPARTMENT, HEADER, LABEL, TITLE, UNIT, project_row
from tests.inline_tables import parsed_inline as _table

BRACKET_HEADER = ["单位编码", "单位名称(项目类别/支出项目)", "年度预算安排", "项目内容", "绩效目标"]
BRACKET_PREAMBLE = [LABEL, "2024年部门预算项目支出绩效目标表", "部门名称:某市经济和信息化局", "单位:万元"]


def _t(*cells: str) -> str:
    return "\t".join(cells)


def _bracket_list(*rows: str) -> str:
    return "\n".join([*BRACKET_PREAMBLE, _t(*BRACKET_HEADER), *rows]) + "\n"


def _targets(table: SourceTable) -> list[tuple[str, str, list[tuple[str, str, str | None]]]]:
    """Each project's unit and name, and its indicators' type, name and annual target."""
    return [
        (p.unit_name, p.project_name, [(i.type_key, i.name, i.annual.text) for i in p.indicators])
        for p in table.projects
    ]


# --- 1. a bracket list leaving out its empty code cells --------------------------------------------------------------

GOAL1 = "【总体目标】保障运行。【产出指标-数量指标】指标1:机柜数量(≥77台)"
GOAL2 = "【总体目标】保障网络。【产出指标-质量指标】指标1:网络可用率(≥99%)"


def test_a_bracket_list_leaving_out_its_empty_code_cells_loads_every_project_and_target(tmp_path: Path) -> None:
    """before: refused (line …: total: amount '机房运维' is not a number): the category and project rows printed
    without their empty 单位编码 cell, every cell a column left of its header."""
    rows = [
        _t("117", "某市经济和信息化局", "5.00"),
        _t("其他运转类", "5.00"),
        _t("运维经费", "3.00", "机房运维", GOAL1),
        _t("网络经费", "2.00", "网络运维", GOAL2),
    ]
    table = _table(tmp_path, _bracket_list(*rows))
    assert table.layout == "dept_bracket"
    assert [(p.project_name, p.amounts["total"], p.goal_text) for p in table.projects] == [
        ("运维经费", pytest.approx(30_000), "保障运行。"),
        ("网络经费", pytest.approx(20_000), "保障网络。"),
    ]
    assert [[(i.name, i.annual.text) for i in p.indicators] for p in table.projects] == [
        [("机柜数量", "≥77台")],
        [("网络可用率", "≥99%")],
    ]
    assert [(a.kind, a.name) for a in table.aggregates] == [
        ("unit_subtotal", "某市经济和信息化局"),
        ("category", "其他运转类"),
    ]
    assert {p.unit_name for p in table.projects} == {"某市经济和信息化局"}


def test_a_bracket_list_printing_its_code_cells_reads_as_before(tmp_path: Path) -> None:
    """The same list with every cell printed (an empty code cell kept): read the same."""
    rows = [
        _t("117", "某市经济和信息化局", "5.00"),
        _t("", "其他运转类", "5.00"),
        _t("", "运维经费", "3.00", "机房运维", GOAL1),
        _t("", "网络经费", "2.00", "网络运维", GOAL2),
    ]
    table = _table(tmp_path, _bracket_list(*rows))
    assert [(p.project_name, [i.name for i in p.indicators]) for p in table.projects] == [
        ("运维经费", ["机柜数量"]),
        ("网络经费", ["网络可用率"]),
    ]


def test_a_bracket_row_short_of_its_last_cells_is_not_shifted(tmp_path: Path) -> None:
    """A row printing its code but no 项目内容 or goal (a unit's row) keeps its cells where they are."""
    rows = [
        _t("117", "某市经济和信息化局", "5.00"),
        _t("117001", "某市信息中心", "5.00"),
        _t("", "运维经费", "5.00", "机房运维", GOAL1),
    ]
    table = _table(tmp_path, _bracket_list(*rows))
    assert [(p.unit_name, p.project_name) for p in table.projects] == [("某市信息中心", "运维经费")]
    assert [(a.kind, a.name) for a in table.aggregates] == [
        ("grand_total", "某市经济和信息化局"),
        ("unit_subtotal", "某市信息中心"),
    ]


# --- 2. a bracket list printing no 指标 ------------------------------------------------------------------------------

UNTYPED = "【总体目标】保障机房运行。【】1.机柜数量(≥77台)2.故障响应时间(≤24小时)"


def test_a_bracket_list_of_untyped_headings_only_is_read_as_a_bracket_list(tmp_path: Path) -> None:
    """before: the dept_bracket layout scored 0.3 (no cell printing 【 and 指标) and another layout read the table,
    its targets lost."""
    rows = [
        _t("117", "某市经济和信息化局", "3.00"),
        _t("", "运维经费", "3.00", "机房运维", UNTYPED),
    ]
    table = _table(tmp_path, _bracket_list(*rows))
    assert table.layout == "dept_bracket"
    assert [(p.project_name, p.goal_text, [(i.name, i.annual.text) for i in p.indicators]) for p in table.projects] == [
        ("运维经费", "保障机房运行。", [("机柜数量", "≥77台"), ("故障响应时间", "≤24小时")])
    ]


@pytest.mark.parametrize(
    "goal",
    [
        "【总体目标】保障机房运行。【】1.保障运行。2.提升服务。",  # numbered sentences: a goal's, no items
        "保障机房运行，见穗财政【2023】79号。",  # a document number in brackets
        "【总体目标】保障机房运行。",
    ],
)
def test_a_goal_cell_whose_brackets_head_no_items_does_not_make_a_bracket_list(tmp_path: Path, goal: str) -> None:
    """Brackets around a goal, a document's number or numbered sentences head no items: not a bracket list."""
    from etl.model import Grid, GridRow
    from etl.transform.layouts import dept_bracket

    grid = Grid(Path("t.txt"), [], [GridRow(5, BRACKET_HEADER), GridRow(6, ["", "运维经费", "3.00", "机房运维", goal])])
    assert dept_bracket.score(grid) == 0.3


# --- 3. full-width dashes in packed type codes -----------------------------------------------------------------------

HALF = "1、1-产出指标：11-数量指标：服务村居数；实施周期指标值:≥100个；年度指标值:≥50个。"


@pytest.mark.parametrize("dash", ["－", "—"])
def test_a_packed_item_whose_codes_are_parted_by_a_full_width_dash_reads_as_a_half_width_one(dash: str) -> None:
    """before: 1、1－产出指标：11－数量指标：… refused (no numbered indicator (N、) found); so was 1—产出指标."""
    second = HALF.replace("1、", "2、", 1).replace("服务村居数", "服务人次")
    expected = [(i.type_key, i.name, i.period.text, i.annual.text) for i in parse_indicators(HALF + second)]
    read = list(parse_indicators((HALF + second).replace("-", dash)))
    assert [(i.type_key, i.name, i.period.text, i.annual.text) for i in read] == expected
    assert len(expected) == 2 and expected[0][0] == "11"


@pytest.mark.parametrize("dash", ["－", "—"])
def test_a_packed_item_run_on_with_full_width_dashes_is_cut(dash: str) -> None:
    """before: …≥50个2、1－产出指标：… (no boundary before the number) stayed in the first item's annual value."""
    cell = (HALF[:-1] + "2、1-产出指标：12-质量指标：合格率；实施周期指标值:100%；年度指标值:100%").replace("-", dash)
    read = list(parse_indicators(cell))
    assert [(i.name, i.annual.text) for i in read] == [("服务村居数", "≥50个"), ("合格率", "100%")]


@pytest.mark.parametrize("dash", ["－", "—"])
def test_a_packed_table_with_full_width_dashes_loads_its_targets(tmp_path: Path, dash: str) -> None:
    """Through the public path: the project loads with its indicator (before: refused)."""
    item = HALF.replace("-", dash)
    rows = ["\t".join(project_row("合计", "1.00", "", "")), "\t".join(project_row("甲经费", "1.00", item=item))]
    table = _table(tmp_path, "\n".join([LABEL, TITLE, DEPARTMENT, UNIT, "\t".join(HEADER), *rows]) + "\n")
    assert [(i.type_key, i.name, i.annual.text) for p in table.projects for i in p.indicators] == [
        ("11", "服务村居数", "≥50个")
    ]


@pytest.mark.parametrize("dash", ["-", "－", "—"])
def test_a_packed_item_with_a_dashed_code_that_breaks_the_grammar_is_refused_saying_why(dash: str) -> None:
    """An item numbered and typed (1、1—产出指标：) but with one type only and no colon after its label: refused as
    an item that does not follow the grammar, as with a half-width dash (before: no numbered indicator (N、) found,
    and a level-1 type printed with such a dash was said to be missing)."""
    [err] = parse_indicators(f"1、1{dash}产出指标：服务村居数；实施周期指标值≥100个")
    assert isinstance(err, ItemError)
    assert str(err) == "indicator 1: indicator does not follow 类型：类型：名称；实施周期指标值：…；年度指标值：…"
