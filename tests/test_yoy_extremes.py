"""v_project_budget_yoy on extreme but valid amounts: a project growing from 1 yuan to 10 billion."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from etl.load.run import run_load
from etl.warehouse.connect import connect

TABLE = """部门名称：测试局
单位：元
项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标
合计\t{amount}\t{amount}\t\t\t\t
测试项目经费\t{amount}\t{amount}\t\t\t保障运行。\t1、1-产出指标：11-数量指标：完成率；实施周期指标值:100%；年度指标值:100%。
"""


def test_percent_change_of_a_huge_ratio(tmp_path: Path, warehouse: Path) -> None:
    for year, amount in ((2023, "1.00"), (2024, "10,000,000,000.00")):
        path = tmp_path / str(year) / "t.txt"
        path.parent.mkdir()
        path.write_text(TABLE.format(amount=amount), encoding="utf-8")
    assert {r.status for r in run_load([tmp_path], warehouse).results} == {"loaded"}
    con = connect(warehouse, read_only=True)
    try:
        row = con.execute(
            "SELECT status, change_yuan, change_pct FROM v_project_budget_yoy WHERE budget_year = 2024"
        ).fetchone()
    finally:
        con.close()
    assert row == ("continued", Decimal("9999999999.00"), Decimal("999999999900.00"))
