"""Round 20's hostile hunt on the packed and bracket indicator grammars: GENERATED tables (invented projects in the
bracket list's or the sample's columns, none a real table), read through the public path
(etl.transform.pipeline.run_file), and the grammars' functions on single cells.

Fixed (each test marked "before:" failed on the code before its fix; the others guard what must not change):
- a bracket list's heading naming one type without its pair (【数量指标】, 【产出指标】, 【质量指标】) or none (【】)
  over items numbered 1. 1、 （1） ① put the items into the goal text; a project whose every heading was such was read
  as a category row and lost with its amount;
- bracket headings parting their levels with a colon, a comma or a double dash (【产出指标：数量指标】), printing codes
  (【1-产出指标-11-数量指标】), labels, scores or counts (【产出指标（50分）-数量指标（20分）】) or short names
  (【产出-数量】) were unknown types or goal text; a colon after a heading made the first item's name ：指标1:机柜数量;
  items under 【绩效指标】 printing their own types (产出指标-数量指标-机柜数量(≥77台)) were named by them;
- a 【…】 holding a digit (穗财政【2023】79号, 【含2个机房】) was read as a heading: its words were lost from the goal
  and the text after it moved (out of an item into the goal);
- a heading left open before items numbered 1. (【产出指标-数量指标1.机柜数量…) was no heading: its items stayed in
  the goal; so did a level 1's body printing its level 2s (【产出指标】数量指标：1.… 质量指标：…);
- bracket items numbered 指标1. 指标1、 1) ⑴ ⒈ 一、, run on from the value before them (…≥77台2.…), parted by a
  comma or a space after their targets, or by a ； while another ； stood inside a bracket, were one indicator named
  by all, valued by the last; a target glued to its name (响应时间≤24小时) was no target;
- target values: ＞＝ and ＜＝ (full-width =), 90%（含）以上, ≥77台，含备用, a comma or colon after the value (≥90%，),
  a unit before a remark (≥100个(含): the unit 个(含)) and a period value printing its years (2022-2025年累计≥400个)
  were misread or text only;
- packed items: a colon before 年度指标值 put it into the period value's unit (个:), types parted by —— were refused.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.model import SourceTable
from etl.transform.bracket import section_indicators, split_goal_cell
from etl.transform.indicators import parse_indicators
from etl.transform.target_values import parse_target_value
from tests.inline_tables import DEPARTMENT, HEADER, LABEL, TITLE, UNIT, filed, project_row
from tests.inline_tables import parsed_inline as _table

# --- a bracket list (the dept_bracket layout) ------------------------------------------------------------------------

BRACKET_HEADER = ["单位编码", "单位名称(项目类别/支出项目)", "年度预算安排", "项目内容", "绩效目标"]


def _bracket_list(*goals: str) -> str:
    """A department's bracket list: its unit row, a category, and one project of 1.00 万元 per goal cell."""
    total = f"{len(goals)}.00"
    rows = [["117", "某市经济和信息化局", total, "", ""], ["", "其他运转类", total, "", ""]]
    rows += [["", f"运维经费{k}", "1.00", "机房运维", goal] for k, goal in enumerate(goals, 1)]
    lines = [LABEL, "2024年部门预算项目支出绩效目标表", "部门名称:某市经济和信息化局", "单位:万元"]
    return "\n".join([*lines, "\t".join(BRACKET_HEADER), *("\t".join(r) for r in rows)]) + "\n"


def _targets(table: SourceTable) -> list[tuple[str, str, list[tuple]]]:
    """Each project's name, goal and indicators: (type, level-1 name, level-2 name, name, annual value)."""
    return [
        (
            p.project_name,
            p.goal_text,
            [(i.type_key, i.level1_name, i.level2_name, i.name, i.annual.text) for i in p.indicators],
        )
        for p in table.projects
    ]


def _fails(table: SourceTable) -> list[str]:
    return [f"{f.check} {f.scope}" for f in table.findings if f.expected_yuan != f.actual_yuan]


# --- part 1: a heading naming one type, or none ---------------------------------------------------------------------

CABINETS, LINKS = ("机柜数量", "≥77台"), ("网络链路条数", "≥12条")


@pytest.mark.parametrize(
    "items",
    [
        "1.机柜数量(≥77台) 2.网络链路条数(≥12条)",
        "1、机柜数量(≥77台)；2、网络链路条数(≥12条)",
        "（1）机柜数量(≥77台)（2）网络链路条数(≥12条)",
        "①机柜数量(≥77台)②网络链路条数(≥12条)",
        "指标1:机柜数量(≥77台) 指标2:网络链路条数(≥12条)",
    ],
)
def test_a_level2_heading_alone_heads_its_items(tmp_path: Path, items: str) -> None:
    """before: 【数量指标】1.机柜数量(≥77台) 2.… (but 指标1:…) went into the goal, and the project whose every heading
    was such was read as a category row: it was lost with its amount (the unit's subtotal failed)."""
    goal = f"【总体目标】保障机房和网络稳定运行。【数量指标】{items}【质量指标】1、设备完好率(≥97%)"
    table = _table(tmp_path, _bracket_list(goal))
    assert table.layout == "dept_bracket"
    assert _targets(table) == [
        (
            "运维经费1",
            "保障机房和网络稳定运行。",
            [
                ("11", "", "数量指标", *CABINETS),  # 数量指标 alone: its parent 产出指标 in the type tree
                ("11", "", "数量指标", *LINKS),
                ("12", "", "质量指标", "设备完好率", "≥97%"),
            ],
        )
    ]
    assert not _fails(table)


def test_a_level1_heading_then_level2_headings_each_with_items() -> None:
    """before: 【产出指标】【数量指标】（1）… put the items into the goal."""
    goal, sections = split_goal_cell(
        "【总体目标】保障运行。【产出指标】【数量指标】（1）机柜数量(≥77台)（2）网络链路条数(≥12条)【时效指标】①故障响应时间(<24小时)"
    )
    assert goal == "保障运行。"
    assert sections == [
        ("产出指标-数量指标", "（1）机柜数量(≥77台)（2）网络链路条数(≥12条)"),
        ("产出指标-时效指标", "①故障响应时间(<24小时)"),
    ]


def test_a_level1_heading_with_items_of_its_own(tmp_path: Path) -> None:
    """before: 【产出指标】1.… went into the goal. Its items are of the level 1 alone (an unknown type, kept); a
    heading that is a level-2 name too (【满意度指标】) is that level 2 under its own parent, not under 产出指标."""
    goal = "【总体目标】保障运行。【产出指标】1.机柜数量(≥77台) 2.网络链路条数(≥12条)【满意度指标】1.单位满意度(≥90%)"
    table = _table(tmp_path, _bracket_list(goal))
    assert _targets(table)[0][1:] == (
        "保障运行。",
        [
            ("?-产出指标/-", "产出指标", "", *CABINETS),
            ("?-产出指标/-", "产出指标", "", *LINKS),
            ("31", "", "满意度指标", "单位满意度", "≥90%"),
        ],
    )
    assert not any(i.is_misparented for i in table.projects[0].indicators)


def test_an_empty_heading_heads_items_of_no_type(tmp_path: Path) -> None:
    """before: 【】1.机柜数量(≥77台) 2.… went into the goal (and its project was read as a category row)."""
    empty = "【总体目标】保障运行。【】1.机柜数量(≥77台) 2.网络链路条数(≥12条)"
    table = _table(tmp_path, _bracket_list(empty, "【总体目标】保障运行。【产出指标-数量指标】指标1:机柜数量(≥77台)"))
    assert _targets(table)[0][1:] == ("保障运行。", [("?-/-", "", "", *CABINETS), ("?-/-", "", "", *LINKS)])
    assert table.projects[0].indicators[0].raw_text == "【】机柜数量(≥77台)"


def test_headings_of_one_type_or_none_load_their_targets(tmp_path: Path) -> None:
    """before: 运维经费1 and 运维经费2 were category rows: two of the three projects and their targets did not load.
    A level 1 alone and no type are unknown types, added to dim_indicator_type (is_known false), never dropped."""
    from etl.load.run import run_load
    from etl.warehouse.connect import connect

    path = filed(tmp_path, "table.txt")
    path.write_text(
        _bracket_list(
            "【总体目标】保障运行。【数量指标】1.机柜数量(≥77台) 2.网络链路条数(≥12条)",
            "【总体目标】保障运行。【产出指标】1.机柜数量(≥77台)【】1.网络链路条数(≥12条)",
            "【总体目标】保障运行。【产出指标-质量指标】指标1:设备完好率(≥97%)",
        ),
        encoding="utf-8",
    )
    warehouse = tmp_path / "wh" / "test.duckdb"
    assert run_load([path], warehouse).exit_code == 0
    con = connect(warehouse, read_only=True)
    try:
        rows = con.execute(
            "SELECT p.project_name, t.seq, ty.type_key, ty.level1_name, ty.level2_name, ty.is_known, t.indicator_name"
            " FROM fact_target t JOIN dim_indicator_type ty USING (indicator_type_id)"
            " JOIN fact_project_budget p USING (project_id, budget_year) ORDER BY ALL"
        ).fetchall()
    finally:
        con.close()
    assert rows == [
        ("运维经费1", 1, "11", "产出指标", "数量指标", True, "机柜数量"),
        ("运维经费1", 2, "11", "产出指标", "数量指标", True, "网络链路条数"),
        ("运维经费2", 1, "?-产出指标/-", "产出指标", "", False, "机柜数量"),
        ("运维经费2", 2, "?-/-", "", "", False, "网络链路条数"),
        ("运维经费3", 1, "12", "产出指标", "质量指标", True, "设备完好率"),
    ]


def test_items_under_a_heading_of_no_type_printing_their_own_types() -> None:
    """before: 【绩效指标】指标1:效益指标-社会效益指标-知晓率(≥90%) was an item named by its types, of the unknown type
    绩效指标 (and numbered items under it were goal text)."""
    cell = (
        "【总体目标】保障运行。【绩效指标】1、产出指标-数量指标-机柜数量(≥77台) 2、效益指标：社会效益指标：知晓率(≥90%)"
        " 3、网络链路条数(≥12条)"
    )
    assert _read(cell) == ("保障运行。", [("11", *CABINETS), ("22", "知晓率", "≥90%"), ("?-/-", *LINKS)])
    [ind] = section_indicators("", "指标1:效益指标-社会效益指标-知晓率(≥90%)", 1)  # a heading of no type
    assert (ind.type_key, ind.level1_name, ind.level2_name, ind.name) == ("22", "效益指标", "社会效益指标", "知晓率")


@pytest.mark.parametrize(
    "cell",
    [
        "【总体目标】1.保障机房稳定运行。2.提升网络服务水平。",
        "【】1.保障机房稳定运行。2.提升网络服务水平。",
        "【】1.总体目标：保障运行；2.年度目标：提升服务。",  # a colon, but no target after it
        "1.保障机房稳定运行(全年)。2.提升网络服务水平。",  # before any heading
        "【年度目标】1.完成机房改造(≥77台)。2.提升服务。",  # a goal's heading
        "【考核指标】按要求完成各项工作。",  # a heading the type tree does not know, over a sentence
        "【注：以上指标为年度指标】按计划完成。",  # no pair of types' names
    ],
)
def test_goal_text_of_numbered_sentences_stays_the_goal(cell: str) -> None:
    """Numbered sentences under a goal's heading, before any heading, or under an empty heading without a value in
    each (1.保障运行。2.…) are the goal: an item prints its value, (≥77台) at its end or a target after a colon."""
    goal, sections = split_goal_cell(cell + "【产出指标-数量指标】指标1:机柜数量(≥77台)")
    assert sections == [("产出指标-数量指标", "指标1:机柜数量(≥77台)")]
    assert goal == cell.split("】", 1)[-1] if cell.startswith("【") else goal == cell


def test_goal_and_items_in_one_list(tmp_path: Path) -> None:
    """The two sides in one table: numbered goal sentences stay the goal, numbered items under 【数量指标】 are read."""
    goal = "【总体目标】1.保障机房稳定运行。2.提升网络服务水平。【数量指标】1.机柜数量(≥77台) 2.网络链路条数(≥12条)"
    table = _table(tmp_path, _bracket_list(goal))
    assert _targets(table)[0][1:] == (
        "1.保障机房稳定运行。2.提升网络服务水平。",
        [("11", "", "数量指标", *CABINETS), ("11", "", "数量指标", *LINKS)],
    )


def _read(cell: str) -> tuple[str, list[tuple[str, str, str | None]]]:
    """A bracket goal cell's goal and its indicators (type, name, annual value), as a project reads them."""
    goal, sections = split_goal_cell(cell)
    found: list[tuple[str, str, str | None]] = []
    for heading, body in sections:
        found += [(i.type_key, i.name, i.annual.text) for i in section_indicators(heading, body, len(found) + 1)]
    return goal, found


TWO = [("11", *CABINETS), ("11", *LINKS)]


# --- part 2: bracket headings printed otherwise ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "heading",
    [
        "【产出指标：数量指标】",
        "【产出指标，数量指标】",
        "【产出指标；数量指标】",
        "【产出指标——数量指标】",
        "【1-产出指标-11-数量指标】",
        "【1-产出指标】【11-数量指标】",  # read already
        "【一级指标：产出指标；二级指标：数量指标】",
        "【产出指标（50分）-数量指标（20分）】",
        "【产出指标-数量指标(共2项)】",
        "【产出-数量】",
        "【产出指标-数量指标：】",
        "【产出指标-数量指标】：",
        "【产出指标】-【数量指标】",
    ],
)
def test_headings_printed_otherwise_name_their_type(heading: str) -> None:
    """before: an unknown type (?-/-产出指标:数量指标, ?-1指标/-产出指标-11-数量指标, ?-产出指标/-数量指标(共2项)),
    the items in the goal (【产出-数量】), or the first item named ：指标1:机柜数量."""
    for items in ("指标1:机柜数量(≥77台) 指标2:网络链路条数(≥12条)", "1.机柜数量(≥77台) 2.网络链路条数(≥12条)"):
        assert _read(f"【总体目标】保障运行。{heading}{items}") == ("保障运行。", TWO), items


@pytest.mark.parametrize(
    "items", ["1.机柜数量(≥77台) 2.网络链路条数(≥12条)", "指标1.机柜数量(≥77台) 指标2.网络链路条数(≥12条)"]
)
def test_a_heading_left_open_before_items_numbered_1(items: str) -> None:
    """before: 【产出指标-数量指标1.机柜数量… (its 】 left out) was no heading, its items stayed in the goal with the
    【; a heading left open before 指标1: was read already (round 19)."""
    cell = f"【总体目标】保障运行。【产出指标-数量指标{items}【产出指标-质量指标】指标1:设备完好率(≥97%)"
    assert _read(cell) == ("保障运行。", [*TWO, ("12", "设备完好率", "≥97%")])


def test_the_level_names_read_from_a_heading_with_codes() -> None:
    [ind] = section_indicators("1-产出指标-11-数量指标", "指标1:机柜数量(≥77台)", 1)
    assert (ind.level1_code, ind.level1_name, ind.level2_code, ind.level2_name) == ("1", "产出指标", "11", "数量指标")
    assert (ind.type_key, ind.is_misparented) == ("11", False)


@pytest.mark.parametrize(
    ("goal", "items"),
    [
        ("落实穗财政【2023】79号文件要求，保障机房运行。", TWO),
        ("保障机房运行【含2个机房】。", TWO),
    ],
)
def test_bracketed_words_with_a_digit_are_no_heading(goal: str, items: list) -> None:
    """before: 【2023】 and 【含2个机房】 were headings of no type: their words were lost from the goal."""
    assert _read(f"【总体目标】{goal}【产出指标-数量指标】1.机柜数量(≥77台) 2.网络链路条数(≥12条)") == (goal, items)


def test_a_document_number_inside_an_item_stays_in_its_name() -> None:
    """before: 指标1:落实穗财政【2023】79号文 ended at 【2023】 (an item named 落实穗财政, no value), the rest of it
    went into the goal."""
    cell = "【总体目标】保障运行。【产出指标-质量指标】指标1:落实穗财政【2023】79号文完成率(100%)"
    assert _read(cell) == ("保障运行。", [("12", "落实穗财政【2023】79号文完成率", "100%")])


# --- part 3: bracket items printed otherwise -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "items",
    [
        "指标1.机柜数量(≥77台) 指标2.网络链路条数(≥12条)",
        "指标1、机柜数量(≥77台) 指标2、网络链路条数(≥12条)",
        "1)机柜数量(≥77台)2)网络链路条数(≥12条)",
        "1）机柜数量(≥77台)；2）网络链路条数(≥12条)",
        "⑴机柜数量(≥77台)⑵网络链路条数(≥12条)",
        "⒈机柜数量(≥77台)⒉网络链路条数(≥12条)",
        "一、机柜数量(≥77台)；二、网络链路条数(≥12条)",
        "机柜数量(≥77台)，网络链路条数(≥12条)",
        "机柜数量(≥77台) 网络链路条数(≥12条)",
        "机柜数量(≥77台)、网络链路条数(≥12条)",
        "机柜数量≥77台；网络链路条数≥12条",
        "1.机柜数量≥77台 2.网络链路条数≥12条",
        "1.机柜数量：≥77台2.网络链路条数：≥12条",  # the number run on from the value before it
    ],
)
def test_items_numbered_or_parted_otherwise_are_each_an_indicator(items: str) -> None:
    """before: one indicator named by both (指标1.机柜数量(≥77台) 指标2.网络链路条数) valued by the last, names
    keeping their numbers (1）机柜数量, 一、机柜数量), or no target at all (机柜数量≥77台；…)."""
    assert _read(f"【总体目标】保障运行。【产出指标-数量指标】{items}") == ("保障运行。", TWO)


@pytest.mark.parametrize(
    ("body", "want"),
    [
        ("1.机柜数量(≥77台)", [("机柜数量", "≥77台")]),  # before: named 1.机柜数量
        ("1.5万元补贴发放率(100%)", [("1.5万元补贴发放率", "100%")]),  # a number's point: no item number
        ("宣传(线上)，培训场次(≥3场)", [("宣传(线上)，培训场次", "≥3场")]),  # a bracket of no target parts nothing
        ("机柜数量(≥77台) (含2个备用)", [("机柜数量(含2个备用)", "≥77台")]),  # a remark after a space
        ("十一、机柜数量(≥77台)", [("十一、机柜数量", "≥77台")]),  # not numbered from one
        ("响应时间≤24小时", [("响应时间", "≤24小时")]),  # before: no target
        ("使用单位满意度＞90%", [("使用单位满意度", "＞90%")]),
        ("覆盖率≥95%（含）", [("覆盖率", "≥95%（含）")]),  # before: the target 含, the number in the name
        ("培训1.5万人次≥1.5万", [("培训1.5万人次≥1.5万", None)]),  # a digit in the name: where it ends is unsure
        # before: one indicator 机柜数量(≥77台；含备用)；网络链路条数 (a ； inside a bracket cut the parts)
        ("机柜数量(≥77台；含备用)；网络链路条数(≥12条)", [("机柜数量", "≥77台；含备用"), LINKS]),
        # before: no target (words after it); words after a target are the name's, as a remark in brackets is
        ("机柜数量(≥77台)详见附件；网络链路条数(≥12条)", [("机柜数量详见附件", "≥77台"), LINKS]),
        ("1.机柜数量(≥77台)含2、3号机房 2.网络链路条数(≥12条)", [("机柜数量含2、3号机房", "≥77台"), LINKS]),
        ("宣传(线上)活动", [("宣传(线上)活动", None)]),  # a bracket of no target: no value, as before
        ("覆盖(2个街道)社区", [("覆盖(2个街道)社区", None)]),
    ],
)
def test_one_item_and_its_value(body: str, want: list) -> None:
    assert [(i.name, i.annual.text) for i in section_indicators("产出指标-数量指标", body, 1)] == want


def test_a_number_after_words_without_a_value_starts_no_item() -> None:
    """第2、3季度 follows no value: no item starts there (the run-on number only follows an item's value)."""
    body = "1.开展第2、3季度培训(≥2次)2.网络链路条数(≥12条)"
    got = [(i.name, i.annual.text) for i in section_indicators("产出指标-数量指标", body, 1)]
    assert got == [("开展第2、3季度培训", "≥2次"), LINKS]


@pytest.mark.parametrize(
    "body",
    [
        "数量指标：1.机柜数量(≥77台) 2.网络链路条数(≥12条) 质量指标：1.设备完好率(≥97%)",
        "数量指标：机柜数量≥77台；网络链路条数≥12条；质量指标：设备完好率≥97%",
    ],
)
def test_level2_types_printed_inside_a_level1_section(body: str) -> None:
    """before: the goal. 【产出指标】数量指标：1.… 质量指标：…: each level 2 heads the items after it (read as the level
    1's items alone, they would be named 数量指标：机柜数量, or 数量指标 valued 机柜数量≥77台)."""
    assert _read(f"【总体目标】保障运行。【产出指标】{body}") == (
        "保障运行。",
        [*TWO, ("12", "设备完好率", "≥97%")],
    )


def test_a_bracket_list_printed_by_hand_loads_every_target(tmp_path: Path) -> None:
    """The cases above in one table, read through the public path. before: two of the three projects were read as
    category rows (lost with their amounts), the third had one indicator of its five."""
    table = _table(
        tmp_path,
        _bracket_list(
            "【总体目标】落实穗财政【2023】79号文件。【产出指标：数量指标】1)机柜数量(≥77台)2)网络链路条数(≥12条)",
            "【总体目标】保障运行。【产出-质量】响应时间≤24小时；设备完好率≥97%",
            "【总体目标】保障运行。【产出指标-数量指标】指标1.机柜数量(≥77台) 指标2.网络链路条数(≥12条)"
            "【满意度指标——服务对象满意度指标】使用单位满意度(≥90%)，群众满意度(＞＝85%)",
        ),
    )
    assert _targets(table) == [
        (
            "运维经费1",
            "落实穗财政【2023】79号文件。",
            [("11", "产出指标", "数量指标", *CABINETS), ("11", "产出指标", "数量指标", *LINKS)],
        ),
        (
            "运维经费2",
            "保障运行。",
            [("12", "产出", "质量", "响应时间", "≤24小时"), ("12", "产出", "质量", "设备完好率", "≥97%")],
        ),
        (
            "运维经费3",
            "保障运行。",
            [
                ("11", "产出指标", "数量指标", *CABINETS),
                ("11", "产出指标", "数量指标", *LINKS),
                ("31", "满意度指标", "服务对象满意度指标", "使用单位满意度", "≥90%"),
                ("31", "满意度指标", "服务对象满意度指标", "群众满意度", "＞＝85%"),
            ],
        ),
    ]
    assert table.projects[2].indicators[3].annual.number == 85
    assert not _fails(table)


# --- part 4: target values -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("＞＝90%", (">=", 90, "%")),  # before: text only
        (">＝90%", (">=", 90, "%")),
        ("＜＝5%", ("<=", 5, "%")),
        ("90%（含）以上", (">=", 90, "%")),  # before: text only
        ("100个(含)以上", (">=", 100, "个")),  # before: the unit 个(含)
        ("≥100个(含)", (">=", 100, "个")),  # before: the unit 个(含)
        ("≥100个（含本数）。", (">=", 100, "个")),  # read already
        ("≥90%，", (">=", 90, "%")),  # before: text only (a comma before the next item)
        ("≥90%。；", (">=", 90, "%")),
        ("≥100个：", (">=", 100, "个")),  # before: the unit 个:
        ("2022-2025年累计≥400个", (">=", 400, "个")),  # before: text only
        ("2022至2025年≥400个", (">=", 400, "个")),
        ("2024年底前≥3次", (">=", 3, "次")),
        ("≥77台，含备用", (">=", 77, "台")),  # before: text only
        ("≥95%；含本数", (">=", 95, "%")),
    ],
)
def test_target_values_read(text: str, want: tuple) -> None:
    value = parse_target_value(text)
    assert (value.status, value.comparison, value.number, value.unit, value.text) == ("quantitative", *want, text)


@pytest.mark.parametrize("text", ["2024年12月", "2024年完成3次", "2024年12月31日前", "±5%", "(含)", "≥77台，含2个备用"])
def test_values_that_stay_text(text: str) -> None:
    """A year printed first with no comparison after it is no target (2024年12月 is not = 12 月); a remark after a
    comma holding a number is no remark."""
    assert parse_target_value(text).status == "qualitative"


def test_a_unit_in_brackets_stays_the_unit() -> None:
    value = parse_target_value("≥500人(次)")
    assert (value.number, value.unit) == (500, "人(次)")


# --- part 5: packed items ------------------------------------------------------------------------------------------

PACKED = "1、1-产出指标：11-数量指标：服务村居数{sep1}实施周期指标值:≥100个{sep2}年度指标值:≥100个{end}"
SECOND = "2、1-产出指标：12-质量指标：合格率；实施周期指标值:100%；年度指标值:≥95%。"


@pytest.mark.parametrize(
    ("sep1", "sep2", "end"),
    [("：", "：", "。"), ("；", "：", "。"), ("；", "；", "，"), ("；", "；", "；")],  # (the last read already)
)
def test_packed_values_parted_by_colons_or_commas(tmp_path: Path, sep1: str, sep2: str, end: str) -> None:
    """before: 实施周期指标值:≥100个：年度指标值:… read the period value's unit as 个: (and ≥100个， before the next
    item was text only)."""
    cell = PACKED.format(sep1=sep1, sep2=sep2, end=end) + SECOND
    table = _table(tmp_path, _packed_table(cell))
    got = [(i.type_key, i.name, i.period.number, i.period.unit, i.annual.number, i.annual.unit) for i in _inds(table)]
    assert got == [("11", "服务村居数", 100, "个", 100, "个"), ("12", "合格率", 100, "%", 95, "%")]


def test_packed_types_parted_by_double_dashes() -> None:
    """before: refused ("indicator does not follow 类型：类型：名称…")."""
    [ind] = parse_indicators("1、产出指标——数量指标——服务村居数；实施周期指标值:≥100个；年度指标值:≥100个。")
    assert not isinstance(ind, Exception)
    assert (ind.type_key, ind.name, ind.annual.number) == ("11", "服务村居数", 100)


def _packed_table(cell: str) -> str:
    rows = [
        ["合计", "10.00", "10.00", "", "", "", ""],
        ["某区司法局", "10.00", "10.00", "", "", "", ""],
        project_row("法律服务经费", "10.00", item=cell),
    ]
    return "\n".join([LABEL, TITLE, DEPARTMENT, UNIT, "\t".join(HEADER), *("\t".join(r) for r in rows)]) + "\n"


def _inds(table: SourceTable) -> list:
    [project] = table.projects
    return project.indicators
