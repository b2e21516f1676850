"""Round 33: what the hunts of this round found, on GENERATED edits of the real sample (each test its own).

- a closing 小计 (本级小计 …) whose amounts differ from its unit row's, or the 合计's, was a reject and the load exited
  0: it is now a reconciliation check (subtotal=unit_subtotal, subtotal=grand_total …), failed where they differ, and
  the load exits 4 as for any table that does not reconcile. One whose amounts cannot be read is still a reject.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from etl.load.run import run_load
from etl.model import SourceTable
from etl.transform.pipeline import process_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt"
UNIT_ROW = "广州市天河区司法局\t1,485.34\t1,485.34\t\t\t\t\n"


def _sample() -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    assert UNIT_ROW in text
    return text


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "raw" / "2024" / SAMPLE.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _table(tmp_path: Path, text: str) -> SourceTable:
    return process_file(_write(tmp_path, text))


def _with_closing(name: str, amounts: str) -> str:
    """The sample with a row closing its one unit (本级小计 …) printed last."""
    return _sample().rstrip("\n") + f"\n{name}\t{amounts}\t{amounts}\t\t\t\t\n"


def test_a_units_closing_subtotal_that_differs_fails_its_check(tmp_path: Path) -> None:
    text = _with_closing("小计", "1,000.00")
    table = _table(tmp_path, text)
    line = len(text.rstrip("\n").split("\n"))
    failed = {(f.check, f.scope, f.line_no, f.column) for f in table.findings if not f.passed}
    assert failed == {
        ("subtotal=unit_subtotal", "小计", line, "total"),
        ("subtotal=unit_subtotal", "小计", line, "fiscal"),
    }
    assert table.rejects == [] and len(table.projects) == 22


def test_a_units_closing_subtotal_that_agrees_passes_its_check(tmp_path: Path) -> None:
    table = _table(tmp_path, _with_closing("小计", "1485.3400"))
    checks = [f for f in table.findings if f.check == "subtotal=unit_subtotal"]
    assert len(checks) == 4 and all(f.passed for f in checks)  # total and the three parts
    assert table.rejects == [] and table.reconciled


def test_a_closing_subtotal_that_cannot_be_read_is_a_reject(tmp_path: Path) -> None:
    table = _table(tmp_path, _with_closing("小计", "一千"))
    assert [r.line_no for r in table.rejects] == [len(_with_closing("小计", "一千").rstrip("\n").split("\n"))]
    assert not [f for f in table.findings if f.check.startswith("subtotal=")]
    assert len(table.projects) == 22


def test_a_load_with_a_closing_subtotal_that_differs_does_not_reconcile(tmp_path: Path) -> None:
    _write(tmp_path, _with_closing("小计", "1,000.00"))
    warehouse = tmp_path / "w.duckdb"
    report = run_load([tmp_path / "raw"], warehouse)
    assert report.exit_code == 4  # it exited 0, the 小计 a reject
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        failed = con.execute(
            "SELECT check_name, scope, expected_yuan, actual_yuan FROM fact_reconciliation"
            " WHERE NOT passed ORDER BY column_name"
        ).fetchall()
        rejects = con.execute("SELECT count(*) FROM load_reject").fetchall()
        projects = con.execute("SELECT count(*) FROM fact_project_budget").fetchall()
    finally:
        con.close()
    assert [f[:2] for f in failed] == [("subtotal=unit_subtotal", "小计")] * 2
    assert {(str(f[2]), str(f[3])) for f in failed} == {("10000000.00", "14853400.00")}
    assert rejects == [(0,)] and projects == [(22,)]


# a single-project form (GENERATED, modelled on the national 申报表) whose money is a grid: MONEY_ROWS stands for it
FORM = """项目支出绩效目标申报表
（2024年度）
项目名称\t县级公立医院综合改革补助
主管部门及代码\t[205]霍山县卫生健康委员会\t\t\t实施单位\t霍山县医院
项目属性\t延续项目\t\t\t项目期\t3年
MONEY_ROWS
总体目标\t中期目标（2024年—2026年）\t\t\t年度目标
\t完善公立医院补偿机制。\t\t\t落实药品零差率补助，保障医院正常运行。
绩效指标\t一级指标\t二级指标\t三级指标\t\t\t中期指标值\t年度指标值
\t产出指标\t数量指标\t补助医院数量\t\t\t3家\t1家
\t满意度指标\t服务对象满意度指标\t患者满意度\t\t\t≥90%\t≥90%
项目负责人：陈某某    联系电话：0564-5021234
"""
BLOCK_COLUMNS = """项目资金（元）\t\t中期资金总额\t年度资金总额
\t资金总额\t3,600,000.00\t1,250,000.00
\t其中：财政拨款\t3,000,000.00\t1,050,000.00
\t其他资金\t600,000.00\t200,000.00"""
PART_COLUMNS = """项目资金（万元）\t\t资金总额\t\t财政拨款\t\t其他资金
\t中期\t360.00\t\t300.00\t\t60.00
\t年度\t125.00\t\t105.00\t\t20.00"""
PART_COLUMNS_ONE_ROW = """项目资金（万元）\t资金总额\t\t财政拨款\t\t其他资金
\t125.00\t\t105.00\t\t20.00"""


def _money(tmp_path: Path, money_rows: str) -> tuple[dict[str, object], list[tuple[str, bool]]]:
    table = _table(tmp_path, FORM.replace("MONEY_ROWS", money_rows))
    [project] = table.projects
    amounts = {k: str(v) for k, v in project.amounts.items()}
    amounts["period_total"] = None if project.period_total is None else str(project.period_total)
    return amounts, [(f.check, f.passed) for f in table.findings]


def test_a_forms_money_with_its_blocks_as_columns_is_the_years(tmp_path: Path) -> None:
    amounts, findings = _money(tmp_path, BLOCK_COLUMNS)
    assert amounts == {  # the period's 3,600,000 was the year's total, and the period total was lost
        "total": "1250000.00",
        "fiscal": "1050000.00",
        "special_account": "0.00",
        "other": "200000.00",
        "period_total": "3600000.00",
    }
    assert ("period_total=sum(funding)", True) in findings and all(passed for _, passed in findings)


def test_a_forms_period_parts_in_a_grid_are_checked(tmp_path: Path) -> None:
    _, findings = _money(tmp_path, BLOCK_COLUMNS.replace("3,000,000.00", "2,900,000.00"))
    assert [check for check, passed in findings if not passed] == ["period_total=sum(funding)"]


def test_a_forms_money_with_its_parts_as_columns_is_read(tmp_path: Path) -> None:
    grid, _ = _money(tmp_path, PART_COLUMNS)
    assert grid == {  # stored as 0 (no amount of the year printed, the load's message said)
        "total": "1250000.00",
        "fiscal": "1050000.00",
        "special_account": "0.00",
        "other": "200000.00",
        "period_total": "3600000.00",
    }
    one_row, findings = _money(tmp_path, PART_COLUMNS_ONE_ROW)
    assert one_row == {**grid, "period_total": None} and all(passed for _, passed in findings)
