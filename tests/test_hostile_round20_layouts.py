"""Round 20's hostile hunt over the layouts: GENERATED tables (invented projects in the sample's columns, in a
per-row export's, or the national form's; none a real table), read through the public path
(etl.transform.pipeline.run_file).

Fixed (each test marked "before:" failed on the code before its fix; the others guard what must not change):
- header names a person reads as the known ones (项目资金合计, 预算总额, 项目年度绩效目标, 总体目标,
  绩效指标及指标值, 全年指标值, 绩效指标值, 实施期绩效指标值, 本级财政拨款, 项目名称【资金使用单位】 …) are in the
  column map: the table was refused ("lacks column(s): total"), or loaded with every goal or every annual target left
  out, saying nothing;
  绩效指标值 over a packed cell (no indicator name column beside it) is the packed 绩效指标;
- a goal or target-value column the map still does not know (绩效目标【年度】, 整体指标值) is a refusal naming it, not
  a load without goals or targets;
- a form's labels printed in brackets or marked as required (【项目名称】, [主管部门及代码]：, *实施单位) are its
  labels;
- a text export that leaves out the empty 序号 cell of a 合计, unit or group row: the row was a unit named 1,485.34,
  the 合计 lost;
- a header cell with a line break in a text dump (项目名称（资金使用 / 单位）| 总计 …), at the top or printed again at a
  page break, and a two-row header whose second row leaves out its empty first cell, are read as the header;
- a project name wrapped onto the line after its row (社区矫正和安置 | 3.90 | … / 帮教经费) is one name; it was a
  heading of no amounts and the project loaded as 社区矫正和安置. A line that can be a heading stays one. In a per-row
  export such a line had also cost the project's next indicator rows ('row has no project name');
- a per-row continuation row leaving out cells at both ends is placed where its cells fit (was rejected);
- 项目合计, 全部合计, 合计数 are the 合计 (were a unit, and the department's name without a 部门名称 line);
- a header unit in other brackets or after a slash (总计【元】, 总计/元) is read (the table was refused);
- a bracket list whose rows leave out their empty code cell is no longer read as a packed list without targets.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.model import Refusal, RefusalKind, SourceTable
from tests.inline_tables import LABEL, WAN
from tests.inline_tables import parsed_inline as _table
from tests.inline_tables import project_row as _row
from tests.inline_tables import read_inline as _read

PACKED_HEADER = ["项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]
ITEM2 = "1、1-产出指标：11-数量指标：服务村居数；实施周期指标值:≥100个；年度指标值:≥50个。"


def _t(*cells: str) -> str:
    return "\t".join(cells)


def _lines(*lines: str, header: list[str] | str = PACKED_HEADER) -> str:
    head = header if isinstance(header, str) else _t(*header)
    return "\n".join([LABEL, "项目支出绩效目标表", "部门名称：某区司法局", "单位：万元", head, *lines]) + "\n"


PACKED_ROWS = (
    _t(*_row("合计", "3.00", "", "")),
    _t(*_row("某区司法局", "3.00", "", "")),
    _t(*_row("甲经费", "1.00", item=ITEM2)),
    _t(*_row("乙经费", "2.00", item=ITEM2)),
)


def _summary(table: SourceTable) -> list[tuple]:
    """What a table loads: each project's unit, name, total, goal and targets, and the aggregates."""
    projects = [
        (
            p.unit_name,
            p.project_name,
            p.amounts["total"],
            p.goal_text,
            [(i.name, i.period.text, i.annual.text) for i in p.indicators],
        )
        for p in table.projects
    ]
    return [*projects, *((a.kind, a.name, a.amounts.get("total")) for a in table.aggregates)]


def _refusal(tmp_path: Path, content: str) -> Refusal:
    refusal = _read(tmp_path, content)
    assert isinstance(refusal, Refusal), refusal
    return refusal


# --- part 1: header names the column map did not know --------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "variant"),
    [
        ("总计", "项目资金合计"),  # before: refused, "header row lacks column(s): total"
        ("总计", "预算总额"),
        ("总计", "金 额 合 计"),
        ("绩效目标", "项目年度绩效目标"),  # before: every project loaded without its goal
        ("绩效目标", "总体目标"),
        ("绩效指标", "绩效指标及指标值"),  # before: refused, every row "1 cell(s) beyond the header's columns"
        ("绩效指标", "绩效指标值"),  # before: every project loaded without targets
        ("财政拨款", "本级财政拨款"),  # before: refused as an unknown part of the total
        ("项目名称（资金使用单位）", "项目名称【资金使用单位】"),  # before: refused, no header row
        ("项目名称（资金使用单位）", "项目名称［资金使用单位］"),
    ],
)
def test_a_header_name_a_person_reads_alike_is_read(tmp_path: Path, printed: str, variant: str) -> None:
    want = _summary(_table(tmp_path, _lines(*PACKED_ROWS), "want.txt"))
    header = [variant if c == printed else c for c in PACKED_HEADER]
    table = _table(tmp_path, _lines(*PACKED_ROWS, header=header))
    assert _summary(table) == want and table.rejects == [] and table.reconciled
    assert [len(p.indicators) for p in table.projects] == [1, 1] and all(p.goal_text for p in table.projects)


PER_ROW_HEADER = ["项目名称", "总计", "财政拨款", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质", "指标值"]
PER_ROW_HEADER += ["计量单位", "实施周期指标值"]
PER_ROW_ROWS = (
    _t("合计", "3.00", "3.00"),
    _t("甲经费", "3.00", "3.00", "完成服务", "产出指标", "数量指标", "服务人次", "≥", "500", "人次", "2000"),
    _t("", "", "", "", "", "质量指标", "合格率", "=", "100", "%", "100"),
    _t("", "", "", "", "满意度指标", "服务对象满意度指标", "满意度", "≥", "90", "%", "90"),
)


@pytest.mark.parametrize(
    ("printed", "variant"),
    [
        ("指标值", "全年指标值"),  # before: every annual target left out, the period's kept
        ("指标值", "绩效指标值"),
        ("指标值", "年度绩效指标值"),
        ("指标值", "本年度指标值"),
        ("实施周期指标值", "实施期绩效指标值"),  # before: every period target left out
        ("实施周期指标值", "全周期指标值"),
        ("实施周期指标值", "绩效指标值（实施期）"),
        ("三级指标", "三级指标（指标名称）"),  # before: read as a packed list, every indicator row rejected
        ("年度目标", "项目年度绩效目标"),  # before: no goals
    ],
)
def test_a_per_row_header_name_a_person_reads_alike_is_read(tmp_path: Path, printed: str, variant: str) -> None:
    want = _table(tmp_path, _lines(*PER_ROW_ROWS, header=PER_ROW_HEADER), "want.txt")
    header = [variant if c == printed else c for c in PER_ROW_HEADER]
    table = _table(tmp_path, _lines(*PER_ROW_ROWS, header=header))
    assert table.layout == "per_row_export" and _summary(table) == _summary(want)
    assert [(i.period.text, i.annual.text) for i in table.projects[0].indicators] == [
        ("≥2000人次", "≥500人次"),
        ("=100%", "=100%"),
        ("≥90%", "≥90%"),
    ]


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ([c if c != "绩效目标" else "绩效目标【年度】" for c in PACKED_HEADER], "绩效目标【年度】"),
        ([c if c != "绩效目标" else "年度绩效目标值" for c in PACKED_HEADER], "年度绩效目标值"),
        ([c if c != "绩效指标" else "绩效指标(一级-二级-三级)" for c in PACKED_HEADER], "绩效指标(一级-二级-三级)"),
    ],
)
def test_an_unknown_goal_or_indicator_column_is_refused(tmp_path: Path, header: list[str], column: str) -> None:
    """before: loaded with no goals (a packed table's goal column the map does not know), or refused with every row
    '1 cell(s) beyond the header's columns'."""
    refusal = _refusal(tmp_path, _lines(*PACKED_ROWS, header=header))
    assert refusal.kind == RefusalKind.UNSUPPORTED_LAYOUT
    assert f"column {column!r}" in refusal.reason and "columns.csv" in refusal.reason


@pytest.mark.parametrize("variant", ["整体指标值", "指标值【年度】"])
def test_an_unknown_target_value_column_is_refused_naming_it(tmp_path: Path, variant: str) -> None:
    """before: the per-row export loaded with that column's targets left out."""
    header = [variant if c == "指标值" else c for c in PER_ROW_HEADER]
    refusal = _refusal(tmp_path, _lines(*PER_ROW_ROWS, header=header))
    assert f"column {variant!r} holds target values" in refusal.reason


def test_a_column_the_map_leaves_unread_by_design_is_not_refused(tmp_path: Path) -> None:
    """A remark column (备注) or an indicator's explanation (指标解释) beside the per-row columns stays unread."""
    header = [*PER_ROW_HEADER, "指标解释", "备注"]
    rows = [r + "\t说明\t无" if r.count("\t") > 5 else r for r in PER_ROW_ROWS]
    table = _table(tmp_path, _lines(*rows, header=header))
    assert len(table.projects[0].indicators) == 3 and table.rejects == []


# --- part 2: the form's labels in brackets -------------------------------------------------------------------------

FORM = (
    "项目支出绩效目标申报表\t\t\t\t\t\t\t",
    "( 2024 年度)\t\t\t\t\t\t\t",
    "项目名称\t行政复议规范化建设\t\t\t\t\t\t",
    "主管部门及代码\t[017]某县司法局\t\t\t实施单位\t某县司法局\t\t",
    "项目资金 (万元)\t中期资金总额:\t\t60.00\t年度资金总额:\t\t20.00\t",
    "\t其中:财政拨款\t\t60.00\t其中:财政拨款\t\t20.00\t",
    "\t其他资金\t\t0.00\t其他资金\t\t0.00\t",
    "总 体 目 标\t中期目标(2024年—2026年)\t\t\t年度目标\t\t\t",
    "\t复议规范化全覆盖\t\t\t办理复议案件不少于100件\t\t\t",
    "绩效指标\t一级指标\t二级指标\t三级指标\t指标值\t二级指标\t三级指标\t指标值",
    "\t产出指标\t数量指标\t办理复议案件\t≥300件\t数量指标\t办理复议案件\t≥100件",
    "\t效益指标\t社会效益指标\t行政争议实质化解率\t≥80%\t社会效益指标\t行政争议实质化解率\t≥75%",
)
FORM_LABELS = ("项目名称", "主管部门及代码", "实施单位", "中期资金总额:", "年度资金总额:", "其中:财政拨款", "其他资金")


@pytest.mark.parametrize(
    "dress",
    [
        lambda c: f"【{c.rstrip(':')}】",  # before: refused, no form recognised
        lambda c: f"【{c.rstrip(':')}】：",
        lambda c: f"[{c.rstrip(':')}]",
        lambda c: f"*{c}",
        lambda c: f"{c.rstrip(':')}：",
    ],
)
def test_form_labels_in_brackets_or_marked_as_required_are_labels(tmp_path: Path, dress) -> None:
    want = _table(tmp_path, "\n".join(FORM) + "\n", "want.txt")
    lines = ["\t".join(dress(c) if c in FORM_LABELS else c for c in line.split("\t")) for line in FORM]
    table = _table(tmp_path, "\n".join(lines) + "\n")
    assert table.layout == "single_project_form" and _summary(table) == _summary(want)
    assert table.projects[0].project_name == "行政复议规范化建设" and table.projects[0].amounts["total"] == 20 * WAN
    assert table.department_name == "某县司法局" and len(table.projects[0].indicators) == 2


# --- part 3: shifted rows, broken and repeated headers -----------------------------------------------------------


def _numbered(*, keep_empty: bool) -> str:
    """序号 | 项目名称 …: the 合计 and unit rows print no number; a text export may leave their empty cell out."""
    lead = "\t" if keep_empty else ""
    rows = [lead + PACKED_ROWS[0], lead + PACKED_ROWS[1], "1\t" + PACKED_ROWS[2], "2\t" + PACKED_ROWS[3]]
    return _lines(*rows, header=["序号", *PACKED_HEADER])


def test_a_total_row_that_leaves_out_its_empty_number_cell_is_the_total(tmp_path: Path) -> None:
    """before: a unit named 3.00 that took both projects, and no 合计."""
    want = _summary(_table(tmp_path, _numbered(keep_empty=True), "want.txt"))
    table = _table(tmp_path, _numbered(keep_empty=False))
    assert _summary(table) == want and table.reconciled
    assert [(a.kind, a.name) for a in table.aggregates] == [("grand_total", "合计"), ("unit_subtotal", "某区司法局")]


def test_a_per_row_total_that_leaves_out_its_empty_number_cell_is_the_total(tmp_path: Path) -> None:
    """before: a unit named 3.00 over the project, and no 合计."""
    header = ["序号", *PER_ROW_HEADER]
    rows = [PER_ROW_ROWS[0], "1\t" + PER_ROW_ROWS[1], *PER_ROW_ROWS[2:]]
    table = _table(tmp_path, _lines(*rows, header=header))
    assert [(a.kind, a.name) for a in table.aggregates] == [("grand_total", "合计")]
    assert table.projects[0].unit_name == "某区司法局" and len(table.projects[0].indicators) == 3 and table.reconciled


@pytest.mark.parametrize(
    "broken",
    [
        ("项目名称（资金使用", _t("单位）", *PACKED_HEADER[1:])),  # before: refused, no header row
        (_t(*PACKED_HEADER[:-1], "绩效"), "指标"),  # before: refused, every row beyond the header's columns
        (_t(*PACKED_HEADER[:-1], "绩效指标（指标名称"), "及指标值）"),
    ],
)
def test_a_header_cell_broken_over_two_lines_is_one_cell(tmp_path: Path, broken: tuple[str, str]) -> None:
    want = _summary(_table(tmp_path, _lines(*PACKED_ROWS), "want.txt"))
    table = _table(tmp_path, _lines(*PACKED_ROWS, header="\n".join(broken)))
    assert _summary(table) == want and table.rejects == []


def test_a_header_printed_again_broken_over_two_lines_is_read_once(tmp_path: Path) -> None:
    """before: a unit named 项目名称（资金使用 and a rejected row ('总计' is not a number)."""
    again = ("第1页", "项目名称（资金使用", _t("单位）", *PACKED_HEADER[1:]))
    table = _table(tmp_path, _lines(*PACKED_ROWS[:3], *again, PACKED_ROWS[3]))
    assert _summary(table) == _summary(_table(tmp_path, _lines(*PACKED_ROWS), "want.txt"))
    assert table.rejects == []


TWO_ROW_HEADER = "项目名称（资金使用单位）\t项目资金\t\t\t\t绩效目标\t绩效指标"


SECOND_ROWS = ["\t总计\t财政拨款\t财政专户拨款\t其他资金\t\t", "总计\t财政拨款\t财政专户拨款\t其他资金"]


@pytest.mark.parametrize("second", SECOND_ROWS)
def test_a_two_row_header_whose_second_row_leaves_out_its_empty_cells(tmp_path: Path, second: str) -> None:
    """before (the second row without its empty first cell): refused, 总计 row: '财政拨款' is not a number; printed
    again at a page break, a rejected row."""
    want = _summary(_table(tmp_path, _lines(*PACKED_ROWS), "want.txt"))
    header = f"{TWO_ROW_HEADER}\n{second}"
    table = _table(tmp_path, _lines(*PACKED_ROWS[:3], TWO_ROW_HEADER, second, PACKED_ROWS[3], header=header))
    assert _summary(table) == want and table.rejects == [] and table.reconciled


# --- part 4: a name wrapped onto the line after its row --------------------------------------------------------------

TOTAL = _t(*_row("合计", "3.00", "", ""))


@pytest.mark.parametrize(
    ("first", "rest"),
    [
        ("社区矫正和安置", "帮教经费"),
        ("司法局政法网设备运维项目(2022-", "2025年)"),
        ("一村（社区）一法律顾问公益法律", "服务工作经费"),
    ],
)
@pytest.mark.parametrize("last", [True, False])
def test_a_name_wrapped_onto_the_next_line_is_one_name(tmp_path: Path, first: str, rest: str, last: bool) -> None:
    """before: the rest of the name was a heading of no amounts, the project loaded under the first line's words."""
    rows = [_t(*_row(first, "2.00")), rest]
    lines = (TOTAL, _t(*_row("甲经费", "1.00")), *rows) if last else (TOTAL, *rows, _t(*_row("甲经费", "1.00")))
    table = _table(tmp_path, _lines(*lines))
    assert sorted(p.project_name for p in table.projects) == sorted(["甲经费", first + rest])
    assert [a.name for a in table.aggregates] == ["合计"] and table.rejects == [] and table.reconciled


@pytest.mark.parametrize("kept", [True, False])
def test_a_wrapped_name_after_its_number_is_one_name(tmp_path: Path, kept: bool) -> None:
    """序号 | 项目名称 …, the rest of the name under the name (its empty 序号 cell printed or left out)."""
    rows = (
        "\t" + TOTAL,
        "1\t" + _t(*_row("社区矫正和安置", "2.00")),
        ("\t" if kept else "") + "帮教经费",
        "2\t" + _t(*_row("甲经费", "1.00")),
    )
    table = _table(tmp_path, _lines(*rows, header=["序号", *PACKED_HEADER]))
    assert [p.project_name for p in table.projects] == ["社区矫正和安置帮教经费", "甲经费"] and table.reconciled


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("社区矫正和安置", "其中：专项经费"),  # a heading's words
        ("社区矫正和安置", "转移支付项目"),
        ("社区矫正和安置", "专项业务类"),
        ("社区矫正和安置", "二、项目经费"),
        ("人民调解", "专项业务费"),
        ("人民调解", "项目支出"),
        ("社区矫正经费", "帮教经费"),  # the name above is whole
        ("法律援助", "法律援助和公证经费"),  # longer than the line it would end
        ("社区矫正和安置", "某区司法所"),  # no word a name ends with: a unit
    ],
)
def test_a_line_that_can_be_a_heading_stays_a_heading(tmp_path: Path, name: str, line: str) -> None:
    lines = (TOTAL, _t(*_row(name, "2.00")), line, _t(*_row("甲经费", "1.00")))
    table = _table(tmp_path, _lines(*lines))
    assert [p.project_name for p in table.projects] == [name, "甲经费"]
    assert line in [a.name for a in table.aggregates]


def test_a_wrapped_line_before_another_line_of_one_cell_stays_apart(tmp_path: Path) -> None:
    """Two lines of one cell after a row: which one ends the name cannot be told; both stay headings."""
    lines = (TOTAL, _t(*_row("社区矫正和安置", "2.00")), "帮教经费", "其中：某所", _t(*_row("甲经费", "1.00")))
    table = _table(tmp_path, _lines(*lines))
    assert [p.project_name for p in table.projects] == ["社区矫正和安置", "甲经费"]


@pytest.mark.parametrize(("first", "rest"), [("乡村道路", "养护"), ("甲项目经", "费")])
def test_a_per_row_name_wrapped_onto_the_next_line_is_one_name(tmp_path: Path, first: str, rest: str) -> None:
    """before: a unit named 养护 (or 费) of no amounts, and the project's next indicator rows rejected ('row has no
    project name')."""
    rows = [PER_ROW_ROWS[0], PER_ROW_ROWS[1].replace("甲经费", first, 1), rest, *PER_ROW_ROWS[2:]]
    table = _table(tmp_path, _lines(*rows, header=PER_ROW_HEADER))
    assert [(p.project_name, len(p.indicators)) for p in table.projects] == [(first + rest, 3)]
    assert table.rejects == [] and [a.name for a in table.aggregates] == ["合计"]


@pytest.mark.parametrize("total", ["项目合计", "全部合计", "合计数", "合\u3000\u3000计", "总\u3000计："])
def test_a_total_spelled_otherwise_is_the_total_not_the_department(tmp_path: Path, total: str) -> None:
    """before (项目合计, 全部合计, 合计数): a unit of that name over the units, and, with no 部门名称 line, the
    department's name."""
    rows = [_t(*_row(total, "3.00", "", "")), *PACKED_ROWS[1:]]
    content = "\n".join([LABEL, "项目支出绩效目标表", "单位：万元", _t(*PACKED_HEADER), *rows]) + "\n"
    table = _table(tmp_path, content)
    assert table.department_name == "某区司法局" and table.reconciled
    assert [a.kind for a in table.aggregates] == ["grand_total", "unit_subtotal"]


def test_a_bracket_list_leaving_out_its_empty_code_cells_never_loads_without_its_targets(tmp_path: Path) -> None:
    """单位编码 | 单位名称(项目类别/支出项目) | …, its category and project rows printed without their empty code
    cell: the goal cells stand one column to the left. before: read as a packed list with no 绩效指标 column, every
    project loaded without targets, saying nothing (now the bracket layout reads it, its empty cells put back)."""
    header = ["单位编码", "单位名称(项目类别/支出项目)", "年度预算安排", "项目内容", "绩效目标"]
    goal = "【总体目标】保障运行。【产出指标-数量指标】指标1:机柜数量(≥77台)"
    rows = [_t("117", "某市经济和信息化局", "3.00"), _t("其他运转类", "3.00"), _t("运维经费", "3.00", "机房运维", goal)]
    content = "\n".join([LABEL, "2024年部门预算项目支出绩效目标表", "部门名称:某市经济和信息化局", "单位:万元"])
    result = _read(tmp_path, content + "\n" + "\n".join([_t(*header), *rows]) + "\n")
    assert isinstance(result, SourceTable) and result.layout == "dept_bracket", result
    assert [(p.project_name, [(i.name, i.annual.text) for i in p.indicators]) for p in result.projects] == [
        ("运维经费", [("机柜数量", "≥77台")])
    ]


def test_a_per_row_continuation_row_leaving_out_cells_at_both_ends_is_placed_where_it_fits(tmp_path: Path) -> None:
    """Merged cells left out before, empty 权重 and 指标方向 after: before, right-aligned (质量指标 the comparison, %
    the direction) or left-aligned (a project named 质量指标), the indicators rejected."""
    header = [*PER_ROW_HEADER, "权重", "指标方向"]
    rows = (
        _t("合计", "3.00", "3.00"),
        _t(
            "甲经费",
            "3.00",
            "3.00",
            "完成服务",
            "产出指标",
            "数量指标",
            "服务人次",
            "≥",
            "500",
            "人次",
            "2000",
            "50",
            "正向",
        ),
        _t("质量指标", "合格率", "=", "100", "%", "100"),
        _t("满意度指标", "服务对象满意度指标", "满意度", "≥", "90", "%", "90"),
    )
    table = _table(tmp_path, _lines(*rows, header=header))
    got = [(i.level1_name, i.level2_name, i.name, i.annual.text, i.period.text) for i in table.projects[0].indicators]
    assert got == [
        ("产出指标", "数量指标", "服务人次", "≥500人次", "≥2000人次"),
        ("产出指标", "质量指标", "合格率", "=100%", "=100%"),
        ("满意度指标", "服务对象满意度指标", "满意度", "≥90%", "≥90%"),
    ]
    assert table.rejects == [] and [p.project_name for p in table.projects] == ["甲经费"]


@pytest.mark.parametrize("total", ["总计【元】", "总计［元］", "总计/元", "总计 元"])
def test_a_header_unit_in_other_brackets_is_read(tmp_path: Path, total: str) -> None:
    """before: the column was unknown, the table refused ('header row lacks column(s): total')."""
    header = [total if c == "总计" else c for c in PACKED_HEADER]
    rows = [_t(*_row("合计", "30000.00", "", "")), _t(*_row("甲经费", "10000.00")), _t(*_row("乙经费", "20000.00"))]
    content = "\n".join([LABEL, "项目支出绩效目标表", "部门名称：某区司法局", _t(*header), *rows]) + "\n"
    table = _table(tmp_path, content)
    assert table.source_unit == "元" and [p.amounts["total"] for p in table.projects] == [10_000, 20_000]
    assert table.reconciled and table.notes == []


KV_GRID = ("一级指标\t二级指标\t三级指标\t指标值", "产出指标\t数量指标\t办理复议案件\t≥100件")
LONG_GOAL = "办理复议案件不少于100件，" * 8


@pytest.mark.parametrize(
    "labels",
    [
        ("项目名称：", "主管部门：", "年度资金总额：", "其中：财政拨款：", "年度目标："),
        ("【项目名称】", "【主管部门】", "【年度资金总额】", "其中：【财政拨款】", "【年度目标】"),  # before: refused
        ("[项目名称]:", "[主管部门]:", "[年度资金总额]:", "其中:[财政拨款]:", "[年度目标]:"),
    ],
)
def test_a_key_value_form_keeps_its_long_goal_and_its_part(tmp_path: Path, labels: tuple[str, ...]) -> None:
    """One 'label：value' per line. before: a goal longer than 60 characters after a full-width colon was no label's
    value (the project loaded without its goal), 其中：财政拨款：20.00 no part (财政拨款 0)."""
    values = ("行政复议规范化建设", "某县司法局", "20.00", "20.00", LONG_GOAL)
    lines = [
        "项目支出绩效目标表",
        "单位：万元",
        *(label + value for label, value in zip(labels, values, strict=True)),
        *KV_GRID,
    ]
    table = _table(tmp_path, "\n".join(lines) + "\n")
    project = table.projects[0]
    assert (project.project_name, table.department_name, project.goal_text) == (
        "行政复议规范化建设",
        "某县司法局",
        LONG_GOAL,
    )
    assert project.amounts["total"] == project.amounts["fiscal"] == 20 * WAN


@pytest.mark.parametrize("line", ["全覆盖", "30公里"])
def test_a_per_row_line_after_a_whole_name_is_not_joined_to_it(tmp_path: Path, line: str) -> None:
    """A goal's wrapped words (or a number) after a project whose name ends as names do: not the name's rest."""
    rows = [PER_ROW_ROWS[0], PER_ROW_ROWS[1], line, *PER_ROW_ROWS[2:]]
    table = _table(tmp_path, _lines(*rows, header=PER_ROW_HEADER))
    assert table.projects[0].project_name == "甲经费"
