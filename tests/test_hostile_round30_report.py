"""Round 30's hunt of the year-over-year report (`jixiao report`), on pairs of years derived from the real sample
(GENERATED edits of it, each test its own).

Found (each test below failed before its fix):
- the rule said to link two transfer-payment names was measured on the names with their document numbers
  (穗财政【2022】50号…), which the linker sets apart: "名称相似度 77.27 ≥ 80" beside a stored score of 80.00, and the
  indicator rule credited where the names alone were 95.00 alike;
- the workbook showed every amount with two decimals: 82.600050 万元 (a table in 元) read 82.60, a change of
  -0.000050 read -0.00, a share 0.7455 read 0.75;
- the chart drew a bar labelled 0 for the year a project was not printed (a new or dropped project);
- the Markdown left & as printed (a name holding &amp; read & in any Markdown viewer);
- an --out the system refuses to make though os.access allows it (/proc/x, as root) failed with exit 1.
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from etl.cli.app import app
from etl.load.names import link_rule
from etl.load.run import run_load
from etl.report import write_report
from etl.report.render import decimal_format, md_text, workbook
from etl.report.tables import Table
from tests.test_target_frame import _pair as sample_pair

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt"
DEPARTMENT = "广州市天河区司法局"
ADVISERS = "一村(社区)一法律顾问公益法律服务"


def _pair(tmp_path: Path, earlier: list[tuple[str, str]], later: list[tuple[str, str]]) -> Path:
    """The sample as 2024 and as 2023 (GENERATED: its year and the given edits), loaded into a new warehouse."""
    return sample_pair(tmp_path, SAMPLE, earlier, later)


def test_the_link_rule_is_measured_on_names_without_their_documents(tmp_path: Path) -> None:
    warehouse = _pair(
        tmp_path,
        [
            ("\n律师行业政策支持资金\t", "\n穗财政【2022】50号律师行业政策支持资金\t"),
            (f"穗财政【2023】79号{ADVISERS}工作经费", f"穗财政【2022】50号{ADVISERS}工作经费"),
        ],
        [
            ("\n律师行业政策支持资金\t", "\n穗财政【2023】79号律师行业扶持政策资金\t"),
            (f"穗财政【2023】79号{ADVISERS}工作经费", f"穗财政【2023】79号{ADVISERS}经费"),
        ],
    )
    text = write_report(DEPARTMENT, 2023, 2024, tmp_path / "out", warehouse, link_rule).markdown_text
    [lawyers] = [line for line in text.splitlines() if "律师行业扶持政策资金" in line and "近似" in line]
    [advisers] = [line for line in text.splitlines() if "公益法律服务经费" in line and "近似" in line]
    assert "相似度 80.00 ≥ 80" in lawyers and "77.27 ≥" not in lawyers  # the stored link_score, the rule it passed
    assert "去掉部门名后名称相似度 95.00 ≥ 90" in advisers  # the name rule, not the indicators'


def test_the_chart_draws_no_bar_for_a_year_a_project_is_not_printed(tmp_path: Path) -> None:
    warehouse = _pair(tmp_path, [("\n律师管理业务经费\t", "\n涉外法律服务平台建设费\t")], [])
    files = write_report(DEPARTMENT, 2023, 2024, tmp_path / "out", warehouse, link_rule)
    svg = re.search(r"<svg[^>]*budget-chart.*?</svg>", files.html.read_text(encoding="utf-8"), re.S)
    assert svg is not None
    rows = re.findall(r"<text[^>]*>([^<]*)</text>", svg.group(0))
    assert "—" in rows and "0" not in rows and "0.00" not in rows
    assert rows.count("—") == 2  # the new project's 2023, the dropped one's 2024


def test_workbook_cells_show_every_decimal_the_value_has(tmp_path: Path) -> None:
    values = [Decimal("82.600050"), Decimal("-0.000050"), Decimal("0.7455"), Decimal("14.07"), Decimal("3")]
    path = workbook([Table("t", "表", ("值",), [(v,) for v in values])], tmp_path / "t.xlsx")
    cells = [row[0] for row in load_workbook(path).active.iter_rows(min_row=2)]
    assert [c.number_format for c in cells] == ["#,##0.000000", "#,##0.000000", "#,##0.0000", "#,##0.00", "#,##0.00"]
    assert [Decimal(str(c.value)) for c in cells] == values
    assert decimal_format(Decimal("1E+2")) == "#,##0.00"


def test_markdown_escapes_an_ampersand() -> None:
    assert md_text('队伍建设&amp;"装备"经费') == '队伍建设&amp;amp;"装备"经费'
    assert md_text("A&B<C>") == "A&amp;B&lt;C&gt;"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc is Linux's")
def test_an_out_folder_the_system_cannot_make_is_a_wrong_argument(tmp_path: Path) -> None:
    warehouse = _pair(tmp_path, [], [])
    years = ["--from", "2023", "--to", "2024"]
    args = ["report", "--department", DEPARTMENT, *years, "-w", str(warehouse), "--out", "/proc/x"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "/proc/x cannot be created" in result.output and "Traceback" not in result.output


UNIT_ROW = "广州市天河区司法局\t1,485.34\t1,485.34\t\t\t\t\n"


@pytest.mark.parametrize(
    "own", ["广州市天河区司法局（本级）", "广州市天河区司法局本级", "本级", "广州市天河区司法局机关"]
)
@pytest.mark.parametrize("order", ["in year order", "2024 first"])
def test_the_departments_own_body_printed_with_or_without_its_own_row_is_one_unit(
    tmp_path: Path, own: str, order: str
) -> None:
    """A year printing the department's 本级 as a unit row under the department's row, the other not: every project
    read as dropped and new (the linker compares projects within a unit, and 本级 was another unit)."""
    from etl.warehouse.connect import connect

    text = SAMPLE.read_text(encoding="utf-8")
    edited = text.replace("2024年", "2023年").replace(UNIT_ROW, f"{UNIT_ROW}{own}\t1,485.34\t1,485.34\t\t\t\t\n")
    raw = tmp_path / "raw"
    for year, table in (("2023", edited), ("2024", text)):
        (raw / year).mkdir(parents=True)
        (raw / year / SAMPLE.name).write_text(table, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    for years in ["2023", "2024"] if order == "in year order" else ["2024", "2023"]:
        run_load([raw / years], warehouse)
    con = connect(warehouse, read_only=True)
    try:
        statuses = con.execute("SELECT status, count(*) FROM v_project_pair GROUP BY ALL").fetchall()
        changes = con.execute("SELECT DISTINCT change FROM v_target_yoy").fetchall()
    finally:
        con.close()
    assert statuses == [("continued", 22)] and changes == [("unchanged",)]
