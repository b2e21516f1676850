"""The README demo: the real 2024 table against its GENERATED 2023 (etl/prior_year.py), whose changes
are known, so the cross-year views must classify every project and target exactly so."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from etl.load.run import run_load
from etl.warehouse.connect import connect
from tools.prior_year import derive_prior_year


@pytest.fixture
def two_years(tmp_path: Path, sample_copy: Path, warehouse: Path) -> Path:
    prior = tmp_path / "generated" / "2023" / "tianhe-sfj.txt"
    prior.parent.mkdir(parents=True)
    prior.write_text(derive_prior_year(sample_copy.read_text(encoding="utf-8")), encoding="utf-8")
    summary = run_load([sample_copy, prior], warehouse)
    assert sorted((r.status, r.budget_year) for r in summary.results) == [("loaded", 2023), ("loaded", 2024)]
    return warehouse


def rows(warehouse: Path, sql: str) -> list[tuple]:
    con = connect(warehouse, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_generated_year_is_labelled(two_years: Path) -> None:
    assert rows(two_years, "SELECT budget_year, is_generated FROM load_log ORDER BY 1") == [(2023, True), (2024, False)]


def test_project_changes(two_years: Path) -> None:
    got = rows(
        two_years,
        """
        SELECT status, printed_name, previous_printed_name, change_yuan FROM v_project_budget_yoy
        WHERE budget_year = 2024 AND (status <> 'continued' OR change_yuan <> 0) ORDER BY status, printed_name""",
    )
    assert got == [
        ("continued", "法律援助补贴和业务经费", "法律援助补贴和业务经费", Decimal("-200000.00")),
        ("continued", "购买司法社工服务经费", "购买司法社工服务经费", Decimal("200000.00")),
        ("dropped", None, "司法行政信息化建设经费", Decimal("-100000.00")),
        ("new", "天河区社区矫正中心物业管理服务", None, Decimal("93800.00")),
        (
            "renamed",
            "天河区一村（社区）法律顾问公益法律服务工作经费",
            "天河区一村(社区)法律顾问公益法律服务工作经费",
            Decimal("0.00"),
        ),
        ("renamed", "天河区司法局政法网设备运维项目(2022-2025年)", "天河区司法局政法网设备运维项目", Decimal("0.00")),
        ("renamed", "律师管理业务经费", "律师管理工作经费", Decimal("0.00")),
        (
            "renamed",
            "穗财政【2023】79号一村(社区)一法律顾问公益法律服务工作经费",
            "一村(社区)一法律顾问公益法律服务工作经费",
            Decimal("0.00"),
        ),
    ]
    assert rows(
        two_years, "SELECT count(*) FROM v_project_budget_yoy WHERE budget_year = 2024 AND status = 'continued'"
    ) == [(17,)]


def test_target_changes(two_years: Path) -> None:
    got = rows(
        two_years,
        """
        SELECT project_name, indicator_name, change, previous_target_text, target_text FROM v_target_yoy
        WHERE budget_year = 2024 AND change <> 'unchanged' ORDER BY ALL""",
    )
    assert got == sorted(
        [
            ("专职人民调解服务项目经费", "专职人民调解员调解成功率", "raised", "≥75%", "≥80%"),
            ("业务装备购置经费", "保障机构正常运行", "changed", "达标", "正常运行"),
            ("业务装备购置经费", "设备使用人员满意度", "removed", "≥90%", None),
            ("区管退休干部节日慰问经费", "慰问活动次数", "added", None, "2次"),
            ("司法行政信息化建设经费", "系统运行维护完成率", "removed", "100%", None),
            ("天河区社区矫正中心物业管理服务", "服务完成率", "added", None, "100%"),
            ("天河区社区矫正中心物业管理服务", "水电保障率", "added", None, "100%"),
            ("天河区社区矫正中心物业管理服务", "保障机构正常运行", "added", None, "达标"),
            ("行政复议应诉经费", "区政府应诉案件败诉率", "lowered", "10%以下", "15%以下"),
        ]
    )
