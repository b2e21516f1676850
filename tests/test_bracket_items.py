"""Bracket sections (【产出指标-数量指标】…) whose items are not written 指标1:…: numbered 1. 1、 （1） or parted by ；.
Read as one item, they made one indicator named by all of them and valued by the last, silently."""

from __future__ import annotations

import pytest

from etl.transform.bracket import section_indicators

WANT = [(3, "机柜数量", "≥77台"), (4, "网络链路条数", "≥12条")]


@pytest.mark.parametrize(
    "body",
    [
        "指标1:机柜数量(≥77台) 指标2:网络链路条数(≥12条)",
        "1.机柜数量(≥77台) 2.网络链路条数(≥12条)",
        "1、机柜数量(≥77台)；2、网络链路条数(≥12条)",
        "（1）机柜数量(≥77台)（2）网络链路条数(≥12条)",
        "机柜数量(≥77台)；网络链路条数(≥12条)",
    ],
)
def test_items_written_otherwise(body: str) -> None:
    assert [(i.seq, i.name, i.annual.text) for i in section_indicators("产出指标-数量指标", body, 3)] == WANT


def test_one_item_stays_one() -> None:
    """A number that starts the name (1.5万元…) or parts without a value each are one item."""
    for body, name, value in [
        ("1.5万元补贴发放率(100%)", "1.5万元补贴发放率", "100%"),
        ("设备完好；运行稳定(达标)", "设备完好；运行稳定", "达标"),
    ]:
        [ind] = section_indicators("产出指标-质量指标", body, 1)
        assert (ind.name, ind.annual.text) == (name, value)
