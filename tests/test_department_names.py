"""One department's tables are one department whatever invisible characters or stamp place its 部门名称 line
prints (GENERATED: the real sample with its 部门名称 line altered). Before, each variant loaded as another
department beside the first: the department's budget counted twice under look-alike names."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli.app import app
from etl.load.run import run_load
from etl.model import SourceTable
from etl.text import fold_key
from etl.transform.department import clean_department
from etl.transform.pipeline import run_file
from etl.warehouse.connect import connect

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "raw" / "2024" / "tianhe-sfj.txt"
NAME = "广州市天河区司法局"


@pytest.mark.parametrize(
    "printed",
    [
        "广州市天河区\u200b司法局",
        "\ufeff广州市天河区司法局",
        "广州市天河区司法局\u202e",
        "广州市天河区司法局（盖章）",
        "广州市天河区司法局 (公章)",
    ],
)
def test_the_department_prints_alike(tmp_path: Path, printed: str) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace(f"部门名称：{NAME}", f"部门名称：{printed}")
    path = tmp_path / "2024" / "GENERATED-dept.txt"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    table = run_file(path)
    assert isinstance(table, SourceTable)
    assert table.department_name == NAME


def test_a_name_that_merely_contains_zhang_is_kept() -> None:
    assert clean_department("广州市印章管理中心") == "广州市印章管理中心"
    assert clean_department("某局(第二章)") == "某局（第二章）"


def test_loaders_on_postgresql_lock_one_department_however_it_is_spaced() -> None:
    """Two loaders writing 广州市天河区 司法局 and 广州市天河区司法局 side by side take the same advisory lock (the
    tables are one department-year: etl.load.writer.table_key); keyed as printed, both could write at once."""
    from etl.warehouse.postgres import department_lock_key

    assert department_lock_key("广州市天河区 司法局") == department_lock_key(NAME)
    assert department_lock_key("ＡＢ局") == department_lock_key("AB局")
    assert department_lock_key("广州市越秀区司法局") != department_lock_key(NAME)


OFFICE = "广州市天河区人民政府办公室（区外事局）"


@pytest.mark.parametrize(
    ("printed", "stored"),
    [
        ("广州市天河区 司法局", NAME),
        ("广州市天河区\u3000司法局", NAME),  # an ideographic space
        ("广州市天河区\xa0司法局 ", NAME),  # NBSP, a trailing space
        ("广州市天河区\n司法局", NAME),  # a wrapped cell, passed whole
        ("广州市天河区人民政府办公室(区外事局)", OFFICE),
        ("广州市天河区人民政府办公室 ( 区外事局 )", OFFICE),
        (OFFICE, OFFICE),
        ("广州市天河区第１２中学", "广州市天河区第12中学"),  # full-width digits
        ("ＣＢＤ管理委员会（盖章）", "CBD管理委员会"),
        ("广州市天河区司法局（盖 章）", NAME),
    ],
)
def test_one_spelling_of_a_department(printed: str, stored: str) -> None:
    """No whitespace, full-width ASCII forms as ASCII, parentheses full-width; the key every spelling shares
    (fold_key: projects' name_key, the replacement unit) is the same before and after."""
    assert clean_department(printed) == stored
    assert clean_department(stored) == stored
    assert fold_key(stored) == fold_key(printed.replace("（盖章）", "").replace("（盖 章）", ""))


def _write(root: Path, year: int, department: str) -> Path:
    """The real sample as the table of ``year``, its 部门名称 printed as ``department``."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count(f"部门名称：{NAME}") == 1
    path = root / str(year) / "tianhe-sfj.txt"
    path.parent.mkdir(parents=True)
    path.write_text(text.replace(f"部门名称：{NAME}", f"部门名称：{department}"), encoding="utf-8")
    return path


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = connect(warehouse, read_only=True, published=False)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.mark.parametrize(
    ("earlier", "later", "stored"),
    [
        ("广州市天河区 司法局", NAME, NAME),
        (NAME, "广州市天河区\n司法局", NAME),
        ("广州市天河区人民政府办公室(区外事局)", OFFICE, OFFICE),
        (OFFICE, "广州市天河区人民政府办公室 （区外事局）", OFFICE),
    ],
    ids=["space-then-none", "wrapped-later", "half-then-full-width", "full-width-then-spaced"],
)
def test_years_printed_differently_pair_in_the_views(tmp_path: Path, earlier: str, later: str, stored: str) -> None:
    """One department printed two ways in two years is one department in the warehouse: the views pair its years
    (before, two departments of one year each: no year-over-year row at all)."""
    root, warehouse = tmp_path / "raw", tmp_path / "wh.duckdb"
    _write(root, 2023, earlier)
    _write(root, 2024, later)
    summary = run_load([root], warehouse)
    assert sorted((r.status, r.budget_year, r.department_name) for r in summary.results) == [
        ("loaded", 2023, stored),
        ("loaded", 2024, stored),
    ]
    assert query(warehouse, "select distinct department_name from fact_project_budget") == [(stored,)]
    assert query(warehouse, "select distinct department_name from fact_target") == [(stored,)]
    yoy = "select department_name, previous_year, status, count(*) from v_project_budget_yoy group by all"
    assert query(warehouse, yoy) == [(stored, 2023, "continued", 22)]
    years = "select department_name, budget_year, project_count from v_department_year order by 2"
    assert query(warehouse, years) == [(stored, 2023, 22), (stored, 2024, 22)]
    targets = "select change, count(*) from v_target_yoy where budget_year = 2024 group by all"
    assert query(warehouse, targets) == [("unchanged", 109)]  # 110 targets, one an exact repeat the view leaves out
    links = "select link_method, count(*) from dim_project_name group by all"
    assert query(warehouse, links) == [("new", 22)]  # each 2024 name is 2023's: one identity each, as before


@pytest.mark.parametrize("typed", ["广州市天河区 司法局", "广州市天河区司法局", " 广州市天河区\u3000司法局"])
def test_report_finds_the_department_however_it_is_typed(tmp_path: Path, typed: str) -> None:
    """--department is cleaned as the stored name is: a name typed with a space (as one year printed it) finds the
    department (before: exit 2, no comparable years for a name no table was stored under)."""
    root, warehouse, out = tmp_path / "raw", tmp_path / "wh.duckdb", tmp_path / "out"
    _write(root, 2023, "广州市天河区 司法局")
    _write(root, 2024, NAME)
    run_load([root], warehouse)
    args = ["report", "--department", typed, "--from", "2023", "--to", "2024", "--out", str(out), "-w", str(warehouse)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "| 2024 | 22 | 1,485.34 | 1,485.34 |" in result.stdout


def _yoy(tmp_path: Path, earlier: str) -> list[tuple]:
    """The README demo (the real 2024 table against its GENERATED 2023, renamed projects and all) loaded with the
    2023 table's 部门名称 printed as ``earlier``: what v_project_budget_yoy makes of 2024."""
    from tools.prior_year import derive_prior_year

    root = tmp_path / earlier.replace(" ", "_").replace("(", "_").replace(")", "_")
    later = _write(root, 2024, NAME)
    prior = root / "2023" / later.name
    prior.parent.mkdir()
    prior.write_text(
        derive_prior_year(later.read_text(encoding="utf-8")).replace(f"部门名称：{NAME}", f"部门名称：{earlier}"),
        encoding="utf-8",
    )
    run_load([root], root / "wh.duckdb")
    return query(
        root / "wh.duckdb",
        "select department_name, status, link_method, printed_name, previous_printed_name from v_project_budget_yoy "
        "where budget_year = 2024 order by all",
    )


def test_the_linker_links_across_spellings_as_within_one(tmp_path: Path) -> None:
    """The identity linker compares a name with its department's earlier rows: with one stored spelling, a 2023
    table printing 广州市天河区 司法局 links its renamed projects to 2024's exactly as 广州市天河区司法局 does
    (before, its candidates were another department's: every renamed project was new and dropped)."""
    same = _yoy(tmp_path, NAME)
    assert {status for _, status, *_ in same} == {"continued", "renamed", "new", "dropped"}
    assert _yoy(tmp_path, "广州市天河区 司法局") == same
