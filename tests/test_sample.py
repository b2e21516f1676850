"""Golden facts of the real sample table (data/raw/2024/tianhe-sfj.txt)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from etl.model import SourceTable
from etl.transform.pipeline import process_file
from tests.golden.regenerate import HERE, golden_frames


@pytest.fixture(scope="module")
def table(sample_path: Path) -> SourceTable:
    return process_file(sample_path)


def test_header(table: SourceTable) -> None:
    assert table.department_name == "广州市天河区司法局"
    assert table.budget_year == 2024
    assert table.source_unit == "万元"
    assert table.title == "项目支出绩效目标表（含转移支付项目）"
    assert not table.is_generated


def test_projects_targets_and_totals(table: SourceTable) -> None:
    assert len(table.projects) == 22
    assert table.n_targets == 110
    assert table.rejects == []
    total = sum(p.amounts["total"] for p in table.projects)
    assert total == Decimal("14853400.00")  # 1,485.34 万元
    kinds = [(a.kind, a.name, a.amounts["total"]) for a in table.aggregates]
    assert kinds == [
        ("grand_total", "合计", Decimal("14853400.00")),
        ("unit_subtotal", "广州市天河区司法局", Decimal("14853400.00")),
    ]


def test_reconciliation_passes(table: SourceTable) -> None:
    assert table.reconciled
    checks = {f.check for f in table.findings}
    assert checks == {
        "row_total=sum(funding)",
        "unit_subtotal=sum(projects)",
        "grand_total=sum(projects)",
        "grand_total=sum(unit_subtotals)",
    }


def test_transfer_payment_projects(table: SourceTable) -> None:
    transfers = [
        (p.transfer_doc_no, p.project_name, p.amounts["total"]) for p in table.projects if p.is_transfer_payment
    ]
    assert transfers == [
        ("穗财政【2023】79号", "一村(社区)一法律顾问公益法律服务工作经费", Decimal("1928000.00")),
        ("穗财政【2023】79号", "专职人民调解服务项目经费", Decimal("420000.00")),
    ]
    # the same-named ordinary project is a different project in the same year
    assert sum(p.project_name == "专职人民调解服务项目经费" for p in table.projects) == 2


def test_misparented_indicators(table: SourceTable) -> None:
    mis = [
        (p.project_name, i.seq, i.level1_code, i.level2_code, i.type_key)
        for p in table.projects
        for i in p.indicators
        if i.is_misparented
    ]
    assert mis == [
        ("区管退休干部节日慰问经费", 4, "2", "31", "31"),
        ("购买行政复议应诉辅助服务经费", 4, "2", "31", "31"),
    ]


def test_type_codes(table: SourceTable) -> None:
    codes = pd.Series([i.type_key for p in table.projects for i in p.indicators]).value_counts().to_dict()
    # counted independently with grep on the raw file: 11-数量 53, 12-质量 20, 13-时效 6, 21 1, 22 23, 24 1, 31 6
    assert codes == {"11": 53, "12": 20, "22": 23, "13": 6, "31": 6, "21": 1, "24": 1}


def test_indicator_without_annual_value(table: SourceTable) -> None:
    missing = [
        (p.project_name, i.seq, i.period.text) for p in table.projects for i in p.indicators if i.annual.text is None
    ]
    assert missing == [("普法宣传业务经费", 5, "公职人员统一学法考试参考率不低于85%、及格率不低于85%")]


def test_duplicate_indicator_kept_and_flagged(table: SourceTable) -> None:
    dup = [(p.project_name, i.seq) for p in table.projects for i in p.indicators if i.is_duplicate]
    assert dup == [("天河区司法局智能化社区矫正中心运维项目(2022-2025年)", 5)]


@pytest.mark.parametrize("name", ["tianhe-sfj.projects.csv", "tianhe-sfj.targets.csv"])
def test_golden_files(name: str) -> None:
    expected = pd.read_csv(HERE / name, dtype=str, keep_default_na=False)
    actual = golden_frames()[name].astype(object).where(lambda d: d.notna(), None)
    actual = actual.map(lambda v: "" if v is None else str(v))
    pd.testing.assert_frame_equal(actual.reset_index(drop=True), expected, check_dtype=False, check_like=True)
