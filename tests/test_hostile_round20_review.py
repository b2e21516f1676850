"""Regressions a review of round 20's hunts proved on tables the round before read right (GENERATED inline tables:
invented projects, not real ones). Each test failed on the round's first commits and passes now."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.model import SourceTable
from tests.inline_tables import DEPARTMENT, HEADER, TITLE, UNIT, parsed_inline, project_row


def _text(*rows: list[str], header: list[str] = HEADER) -> str:
    return "\n".join([TITLE, DEPARTMENT, UNIT, "\t".join(header), *("\t".join(r) for r in rows)]) + "\n"


PER_ROW = ["项目名称", "总计", "财政拨款", "年度目标", "一级指标", "二级指标", "三级指标", "指标性质"]


@pytest.mark.parametrize("other", ["上年指标值", "上年度目标值", "基期指标值"])
def test_a_per_row_column_of_last_years_values_is_not_a_refusal(tmp_path: Path, other: str) -> None:
    """before (round 20's first commit): refused, "column '上年指标值' holds target values but is no column the map
    knows"; a last year's (or base) value printed beside the targets is no target of this table: not read."""
    header = [*PER_ROW, other, "指标值", "计量单位", "实施周期指标值"]
    rows = [
        ["合计", "3.00", "3.00"],
        ["甲经费", "3.00", "3.00", "完成服务", "产出指标", "数量指标", "服务人次", "≥", "450", "500", "人次", "2000"],
        ["", "", "", "", "", "质量指标", "合格率", "=", "100", "100", "%", "100"],
        ["", "", "", "", "满意度指标", "服务对象满意度指标", "满意度", "≥", "88", "90", "%", "90"],
    ]
    table = parsed_inline(tmp_path, _text(*rows, header=header))
    (project,) = table.projects
    assert [(i.name, i.annual.text, i.period.text) for i in project.indicators] == [
        ("服务人次", "≥500人次", "≥2000人次"),
        ("合格率", "=100%", "=100%"),
        ("满意度", "≥90%", "≥90%"),
    ]


def _names(table: SourceTable) -> list[str]:
    return [p.project_name for p in table.projects]


@pytest.mark.parametrize(
    ("name", "heading"),
    [
        ("人民调解员培训", "新增项目"),
        ("人民调解员培训", "延续项目"),
        ("社区矫正对象教育管理平台", "某区法律援助中心（参公）"),
        ("社区矫正对象教育管理平台", "某区司法所(参公)"),
    ],
)
def test_a_heading_line_after_a_name_of_no_funding_word_stays_a_heading(
    tmp_path: Path, name: str, heading: str
) -> None:
    """before (round 20's first commit): 人民调解员培训 + 新增项目 was one project, 人民调解员培训新增项目, and the
    heading was lost; a unit's line ending in （参公） was glued to the name above it the same way."""
    rows = [
        project_row("合计", "3.00", goal="", item=""),
        project_row(name, "1.00"),
        [heading],
        project_row("法律援助案件补贴", "2.00"),
    ]
    table = parsed_inline(tmp_path, _text(*rows))
    assert _names(table) == [name, "法律援助案件补贴"]
    assert heading in [a.name for a in table.aggregates]


def test_a_name_left_open_still_takes_the_line_that_closes_it(tmp_path: Path) -> None:
    rows = [
        project_row("合计", "3.00", goal="", item=""),
        project_row("司法局政法网设备运维项目(2022-", "1.00"),
        ["2025年)"],
        project_row("法律援助案件补贴", "2.00"),
    ]
    assert _names(parsed_inline(tmp_path, _text(*rows))) == [
        "司法局政法网设备运维项目(2022-2025年)",
        "法律援助案件补贴",
    ]


@pytest.mark.parametrize("heading", ["社会效益", "经济效益", "数量"])
def test_goal_prose_under_a_type_printed_without_its_word_stays_the_goal(heading: str) -> None:
    """before (round 20's first commit): 【社会效益】提升政务服务水平… became an indicator of type 社会效益 named by the
    sentence, with no value, and left the goal; a type printed without 指标 heads items only when they print values."""
    from etl.transform.bracket import split_goal_cell

    prose = "提升政务服务水平，促进营商环境优化。"
    goal, sections = split_goal_cell(
        f"【总体目标】保障机房稳定运行。【{heading}】{prose}【产出指标-数量指标】指标1:机柜数量(≥77台)"
    )
    assert prose in goal and sections == [("产出指标-数量指标", "指标1:机柜数量(≥77台)")]
    _, sections = split_goal_cell(f"【{heading}】1.服务对象满意度(≥90%)")
    assert len(sections) == 1 and sections[0][1] == "1.服务对象满意度(≥90%)"


# ---- a second review, of the follow-up (9a52e9d) and the first mends (aaae9ea) -------------------------------------

RANGE_ITEMS = (
    "1、1-产出指标：13-时效指标：平均办理时长；实施周期指标值: 2.5—3小时；年度指标值: 2.5—3小时。"
    "2、1-产出指标：12-质量指标：合格率；实施周期指标值:100%；年度指标值:100%。"
)


def test_an_em_dash_range_inside_a_value_starts_no_item(tmp_path: Path) -> None:
    """before (9a52e9d): refused, "truncated mid-row": the . of 2.5 and a code before a wide dash read as item 5."""
    rows = [project_row("合计", "3.00", goal="", item=""), project_row("甲经费", "3.00", item=RANGE_ITEMS)]
    (project,) = parsed_inline(tmp_path, _text(*rows)).projects
    assert [(i.name, i.annual.text) for i in project.indicators] == [("平均办理时长", "2.5—3小时"), ("合格率", "100%")]


BRACKET_HEADER = ["单位编码", "单位名称(项目类别/支出项目)", "年度预算安排", "项目内容", "绩效目标"]


def test_type_headings_without_their_word_over_valued_items_are_read(tmp_path: Path) -> None:
    """before (9a52e9d): 运维经费 became a category and was lost, 用户满意度 went into the goal: 【数量】, 【质量】 and
    【社会效益】 head items that print their values."""
    rows = [
        ["117", "某市经济和信息化局", "5.00"],
        [
            "",
            "运维经费",
            "3.00",
            "机房运维",
            "【总体目标】保障运行。【产出指标】【数量】机柜数量(≥77台)；设备数量(≥10台)【质量】网络可用率(≥99%)",
        ],
        [
            "",
            "网络经费",
            "2.00",
            "网络运维",
            "【总体目标】保障网络。【产出指标-数量指标】指标1:交换机数量(≥20台)【效益指标】【社会效益】用户满意度(≥90%)",
        ],
    ]
    table = parsed_inline(tmp_path, _text(*rows, header=BRACKET_HEADER))
    assert [(p.project_name, p.goal_text, [(i.type_key, i.name) for i in p.indicators]) for p in table.projects] == [
        ("运维经费", "保障运行。", [("11", "机柜数量"), ("11", "设备数量"), ("12", "网络可用率")]),
        ("网络经费", "保障网络。", [("11", "交换机数量"), ("22", "用户满意度")]),
    ]


def test_the_rest_of_a_name_with_its_own_brackets_is_joined(tmp_path: Path) -> None:
    """before (aaae9ea): 经费（二期） closed a bracket and was taken for a heading; it closes its own."""
    rows = [
        project_row("合计", "3.00", goal="", item=""),
        project_row("某区城镇老旧小区综合整治提升", "1.00"),
        ["经费（二期）"],
        project_row("法律援助案件补贴", "2.00"),
    ]
    assert _names(parsed_inline(tmp_path, _text(*rows))) == [
        "某区城镇老旧小区综合整治提升经费（二期）",
        "法律援助案件补贴",
    ]


def test_a_goal_list_with_one_bracketed_goal_and_no_code_column_stays_a_packed_list(tmp_path: Path) -> None:
    """before (9a52e9d): one goal cell of 【】 items made the list a bracket list: 乙经费 became a category and was
    lost, the unit 某区司法局本级 a category too."""
    rows = [
        ["合计", "3.00", "3.00"],
        ["某区司法局本级", "3.00", "3.00"],
        ["甲经费", "1.00", "1.00", "", "", "【总体目标】为村居提供法律服务。【】1.服务村居(≥100个)2.群众满意度(≥90%)"],
        ["乙经费", "2.00", "2.00", "", "", "保障法律援助案件办理，提升群众满意度。"],
    ]
    table = parsed_inline(tmp_path, _text(*rows, header=HEADER[:6]))
    assert table.layout == "dept_packed" and _names(table) == ["甲经费", "乙经费"]
    assert {p.unit_name for p in table.projects} == {"某区司法局本级"}


@pytest.mark.parametrize(
    ("columns", "values"),
    [
        (["完成指标值", "计量单位"], ["500", "人次"]),
        (["指标值", "计量单位", "实施周期指标值", "调整后指标值"], ["500", "人次", "2000", "600"]),
    ],
)
def test_a_target_column_the_map_does_not_know_is_still_refused(tmp_path: Path, columns: list, values: list) -> None:
    """before (aaae9ea): 完成指标值 (the table's only value column) and 调整后指标值 (a fourth beside the annual and
    period ones) were left unread and the targets loaded without them, saying nothing; only another year's or a
    base's values (上年指标值) beside the table's own are passed over."""
    from tests.inline_tables import read_inline

    rows = [
        ["合计", "3.00", "3.00"],
        ["甲经费", "3.00", "3.00", "完成服务", "产出指标", "数量指标", "服务人次", "≥", *values],
    ]
    refused = read_inline(tmp_path, _text(*rows, header=[*PER_ROW, *columns]))
    assert not isinstance(refused, SourceTable) and "holds target values" in refused.reason, refused
