"""Each target-value rule on small inline cases."""

from decimal import Decimal

import pytest

from etl.transform.target_values import name_unit, parse_target_value


@pytest.mark.parametrize(
    ("text", "name", "comparison", "number", "unit"),
    [
        ("≥8", "每月到社区提供法律服务时间（小时）", ">=", "8", "小时"),
        ("100%", "", "=", "100", "%"),
        ("≥21场", "", ">=", "21", "场"),
        ("12人", "", "=", "12", "人"),
        ("15%以下", "", "<=", "15", "%"),
        ("不少于2000次", "", ">=", "2000", "次"),
        ("年均3人", "", "=", "3", "人"),
        ("≤24小时", "", "<=", "24", "小时"),
        ("＞90%", "", ">", "90", "%"),
        ("1次以上", "", ">=", "1", "次"),
        ("≥95", "对法律顾问考核评估合格率（%）", ">=", "95", "%"),
        ("≥70", "个案服务(个)", ">=", "70", "个"),
        ("每年不少于400宗", "", ">=", "400", "宗"),
        ("每个居委调委会调解员不少于3人", "", ">=", "3", "人"),
        ("每个司法所每季度至少举行1场", "", ">=", "1", "场"),
        ("0", "政策支持规范性", "=", "0", None),
        ("1,000元", "", "=", "1000", "元"),
    ],
)
def test_quantitative(text: str, name: str, comparison: str, number: str, unit: str | None) -> None:
    value = parse_target_value(text, name)
    assert value.status == "quantitative"
    assert (value.comparison, value.number, value.unit) == (comparison, Decimal(number), unit)
    assert value.text == text


@pytest.mark.parametrize(
    "text",
    [
        "及时",
        "达标",
        "符合规范",
        "良好以上",
        "长期",
        "运行良好，评估达标。",
        "公职人员统一学法考试参考率不低于85%、及格率不低于85%",
    ],
)
def test_qualitative_keeps_text(text: str) -> None:
    value = parse_target_value(text)
    assert value.status == "qualitative"
    assert value.text == text
    assert value.number is None and value.comparison is None


@pytest.mark.parametrize("text", [None, "", "  "])
def test_missing(text: str | None) -> None:
    value = parse_target_value(text)
    assert value.status == "missing" and value.text is None


def test_unit_from_name_only_when_value_has_none() -> None:
    assert parse_target_value("≥1场", "组织培训(场次)").unit == "场"
    assert parse_target_value("≥1", "组织培训(场次)").unit == "场次"
    assert parse_target_value("≥1", "组织培训(场次)").unit_source == "name"
    assert name_unit("法律服务（含线上）") is None


@pytest.mark.parametrize(
    ("text", "comparison", "number"),
    [
        ("-5%", "=", "-5"),
        ("≥-5%", ">=", "-5"),
        ("−3.5%", "=", "-3.5"),
        ("增长-5%", "=", "-5"),
        ("A-级≥95%", ">=", "95"),
    ],
)
def test_a_sign_is_kept(text: str, comparison: str, number: str) -> None:
    value = parse_target_value(text)
    expected = ("quantitative", comparison, Decimal(number), "%")
    assert (value.status, value.comparison, value.number, value.unit) == expected


def test_a_range_is_still_text() -> None:
    assert parse_target_value("2-3天").status == "qualitative"
