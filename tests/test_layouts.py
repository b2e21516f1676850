"""The real table in every layout and container loads to the same facts as the original."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli.app import app
from etl.load.run import run_load
from etl.model import SourceTable
from etl.transform.pipeline import process_file
from tests.layout_facts import LAYOUTS, parsed_facts, warehouse_facts

FIXTURES = sorted(p.name for p in LAYOUTS.iterdir())
EXPECTED_FORMATS = {
    "tianhe-sfj-bom.txt": ("text", "utf-8-sig", "万元"),
    "tianhe-sfj-gb18030.txt": ("text", "gb18030", "万元"),
    "tianhe-sfj-per-row.csv": ("csv", "utf-8", "万元"),
    "tianhe-sfj-per-row.xlsx": ("xlsx", "binary", "万元"),
    "tianhe-sfj-pipe.txt": ("pipe", "utf-8", "万元"),
    "tianhe-sfj-yuan.txt": ("text", "utf-8", "元"),
    "tianhe-sfj.csv": ("csv", "utf-8", "万元"),
    "tianhe-sfj.html": ("html", "utf-8", "万元"),
    "tianhe-sfj.xlsx": ("xlsx", "binary", "万元"),
    "tianhe-sfj.xls": ("xls", "binary", "万元"),
}


def test_every_layout_is_covered() -> None:
    assert sorted(EXPECTED_FORMATS) == FIXTURES


@pytest.mark.parametrize("name", FIXTURES)
def test_layout_parses_to_the_same_facts(name: str, original: SourceTable) -> None:
    table = process_file(LAYOUTS / name)
    assert (table.source_format, table.encoding, table.source_unit) == EXPECTED_FORMATS[name]
    assert len(table.projects) == 22 and table.n_targets == 110
    assert parsed_facts(table) == parsed_facts(original)


@pytest.mark.parametrize(
    "name", ["tianhe-sfj-per-row.xlsx", "tianhe-sfj.html", "tianhe-sfj-yuan.txt", "tianhe-sfj.xls"]
)
def test_layout_loads_to_the_same_facts(name: str, sample_copy: Path, tmp_path: Path) -> None:
    reference, other = tmp_path / "a" / "wh.duckdb", tmp_path / "b" / "wh.duckdb"
    run_load([sample_copy], reference)
    [result] = run_load([LAYOUTS / name], other).results
    assert result.status == "loaded" and result.n_projects == 22 and result.n_targets == 110
    assert warehouse_facts(other) == warehouse_facts(reference)


def test_per_row_keeps_weight_and_direction() -> None:
    table = process_file(LAYOUTS / "tianhe-sfj-per-row.csv")
    first = table.projects[0].indicators[0]
    assert first.direction == "正向" and first.weight is not None
    assert sum(i.weight for i in table.projects[0].indicators) == pytest.approx(100, abs=0.1)


PER_ROW = [
    ["项目支出绩效目标表"],
    ["部门名称：测试局"],
    ["单位：千元"],
    [
        "项目名称",
        "总计",
        "财政拨款",
        "财政专户拨款",
        "其他资金",
        "绩效目标",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "度量单位",
        "权重",
        "指标方向",
    ],
    ["合计", "30", "30", "", "", "", "", "", "", "", "", "", "", ""],
    ["测试局", "30", "30", "", "", "", "", "", "", "", "", "", "", ""],
    ["项目甲", "30", "30", "", "", "目标", "成本指标", "经济成本指标", "单位成本", "≤", "5", "万元", "20", "反向"],
    ["", "", "", "", "", "", "效果指标", "社会效益", "受益人数", "≥", "100", "人", "30", "正向"],
    ["", "", "", "", "", "", "", "", "影响", "定性", "明显", "", "", ""],
    ["", "", "", "", "", "", "满意度指标", "社会公众或服务对象满意度指标", "满意度", "≥", "90", "%", "", ""],
    ["", "", "", "", "", "", "奇怪指标", "未知类型", "某指标", "=", "1", "个", "", ""],
    ["", "", "", "", "", "", "", "", "", "", "7", "", "", ""],
    ["", "", "", "", "", "", "", "数量指标", "方向错", "", "1", "个", "", "斜向"],
]


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_per_row_types_units_and_bad_rows(tmp_path: Path) -> None:
    table = process_file(_write_csv(tmp_path / "2025" / "t.csv", PER_ROW))
    assert table.source_unit == "千元" and table.reconciled
    [project] = table.projects
    assert project.amounts["total"] == 30000
    got = [(i.seq, i.type_key, i.is_misparented, i.annual.text, i.direction) for i in project.indicators]
    assert got == [
        (1, "经济成本指标", False, "≤5万元", "反向"),
        (2, "22", False, "≥100人", "正向"),
        (3, "22", False, "明显", None),
        (4, "31", False, "≥90%", None),
        (5, "?-奇怪指标/-未知类型指标", False, "=1个", None),
    ]
    assert [(r.line_no, r.reason.split(": ", 2)[-1]) for r in table.rejects] == [
        (12, "indicator row has no indicator name (三级指标)"),
        (13, "direction '斜向' is neither 正向 nor 反向"),
    ]


def test_cost_and_unknown_types_reach_the_warehouse(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "w.duckdb"
    run_load([_write_csv(tmp_path / "2025" / "t.csv", PER_ROW)], warehouse)
    from etl.warehouse.connect import connect

    con = connect(warehouse, read_only=True)
    try:
        rows = con.execute(
            "SELECT t.seq, ty.type_key, ty.level1_name, ty.is_known FROM fact_target t "
            "JOIN dim_indicator_type ty USING (indicator_type_id) ORDER BY t.seq"
        ).fetchall()
        rejects = con.execute("SELECT source_line FROM load_reject ORDER BY 1").fetchall()
    finally:
        con.close()
    assert [r[1:] for r in rows] == [
        ("经济成本指标", "成本指标", True),
        ("22", "效益指标", True),
        ("22", "效益指标", True),
        ("31", "满意度指标", True),
        ("?-奇怪指标/-未知类型指标", "奇怪指标", False),
    ]
    assert rejects == [(12,), (13,)]


def test_check_command_reports_without_a_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(tmp_path / "never.duckdb"))
    bad = _write_csv(tmp_path / "2025" / "t.csv", PER_ROW)
    result = CliRunner().invoke(app, ["check", str(LAYOUTS), str(bad)])
    assert result.exit_code == 5, result.output
    assert result.output.count("\nOK ") + result.output.startswith("OK ") == len(FIXTURES)
    assert "reject   line 13: " in result.output and "Traceback" not in result.output
    assert not (tmp_path / "never.duckdb").exists()
    clean = CliRunner().invoke(app, ["check", str(LAYOUTS / "tianhe-sfj.csv")])
    assert clean.exit_code == 0, clean.output
