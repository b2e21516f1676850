"""`jixiao report` as a user runs it: files written and the Markdown printed (exit 0), amounts in 万元 as the
views convert them; exit 2 with one line when there is nothing to compare; never a traceback."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from etl.cli.app import app
from etl.warehouse.connect import connect

DEPARTMENT = "广州市天河区司法局"


def jixiao(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def two_years(sample_copy: Path, warehouse: Path) -> Path:
    """The sample as 2024 and again as 2023 (nothing changed); loaded without Prefect."""
    earlier = sample_copy.parent.parent / "2023" / sample_copy.name
    earlier.parent.mkdir()
    earlier.write_bytes(sample_copy.read_bytes())
    assert (
        jixiao("load", str(sample_copy.parent.parent), "-w", str(warehouse), "--no-prefect", "--quiet").exit_code == 0
    )
    return warehouse


def test_report_writes_its_files_and_prints_the_markdown(two_years: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["report", "--department", DEPARTMENT, "--from", "2023", "--to", "2024", "--out", str(out)]
    result = jixiao(*args, "-w", str(two_years))
    assert result.exit_code == 0, result.output
    written = sorted(p.suffix for p in out.iterdir())
    assert written == [".html", ".md", ".xlsx"]
    markdown = next(out.glob("*.md")).read_text(encoding="utf-8")
    assert result.stdout.strip() == markdown.strip()
    assert "wrote" in result.stderr and "Traceback" not in result.output
    assert "| 2024 | 22 | 1,485.34 | 1,485.34 |" in markdown  # 14,853,400.00 yuan in 万元
    book = load_workbook(next(out.glob("*.xlsx")), read_only=True)
    in_book = {row[0]: row[2] for row in book["概要"].iter_rows(min_row=2, values_only=True)}
    con = connect(two_years, read_only=True)
    try:
        in_view = dict(con.execute("SELECT budget_year, total_wan FROM v_department_year").fetchall())
    finally:
        con.close()
    assert (
        {int(y): Decimal(str(v)) for y, v in in_book.items()}
        == in_view
        == {
            2023: Decimal("1485.34"),
            2024: Decimal("1485.34"),
        }
    )


@pytest.mark.parametrize(
    ("department", "years", "says"),
    [
        (DEPARTMENT, ("2024", "2024"), "no two loaded years to compare"),
        ("没有这个部门", ("2023", "2024"), "no two loaded years to compare"),
    ],
)
def test_nothing_to_compare_exits_2_with_a_reason(
    two_years: Path, tmp_path: Path, department: str, years: tuple[str, str], says: str
) -> None:
    out = tmp_path / "out"
    result = jixiao(
        "report",
        "--department",
        department,
        "--from",
        years[0],
        "--to",
        years[1],
        "--out",
        str(out),
        "-w",
        str(two_years),
    )
    assert result.exit_code == 2, result.output
    assert says in " ".join(result.stderr.split())  # one message (the test console wraps it at 80 columns)
    assert "Traceback" not in result.output and not out.exists()


def test_report_without_a_warehouse_says_so(tmp_path: Path) -> None:
    result = jixiao(
        "report", "--department", DEPARTMENT, "--from", "2023", "--to", "2024", "-w", str(tmp_path / "none.duckdb")
    )
    assert result.exit_code != 0
    assert "no warehouse" in result.output and "Traceback" not in result.output


NO_NUMPY = """
import sys
sys.modules["numpy"] = None  # import numpy fails from here on, as if it were not installed
from etl.cli.app import main
sys.argv = ["jixiao", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("command", ["report", "audit"])
def test_report_and_audit_need_no_numpy(two_years: Path, tmp_path: Path, command: str) -> None:
    """openpyxl is imported without numpy for them (etl.report.light_imports, 0.09 s less of each command): nothing
    else in their processes may need numpy, which this run could not import at all. Their files are those of a run
    with numpy."""
    import subprocess
    import sys

    years = ["--from", "2023", "--to", "2024"] if command == "report" else ["--year", "2024"]
    outputs = {}
    with_numpy = NO_NUMPY.replace('sys.modules["numpy"] = None', "import numpy")
    for name, code in (("without", NO_NUMPY), ("with", with_numpy)):
        out = tmp_path / name
        args = [command, "--department", DEPARTMENT, *years, "--out", str(out), "-w", str(two_years)]
        done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs[name] = {p.suffix: p for p in out.iterdir()}
        rows = load_workbook(outputs[name][".xlsx"], read_only=True).active.iter_rows(values_only=True)
        outputs[name]["rows"] = list(rows)
    assert outputs["without"][".md"].read_text(encoding="utf-8") == outputs["with"][".md"].read_text(encoding="utf-8")
    assert outputs["without"]["rows"] == outputs["with"]["rows"]


def test_openpyxl_without_numpy_leaves_numpy_importable() -> None:
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from etl.report.light_imports import openpyxl_without_numpy\n"
        "openpyxl_without_numpy()\n"
        "assert 'openpyxl' in sys.modules and 'numpy' not in sys.modules\n"
        "import numpy\n"
        "from openpyxl.compat.numbers import NUMPY\n"
        "print(NUMPY, numpy.__name__)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.strip()) == (0, "False numpy"), done.stderr
