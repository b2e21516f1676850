"""Round 28's second bad-input hunt, the per-row export: GENERATED variants of the fixtures jingyan-per-row.txt and
tianhe-sfj-per-row.csv (themselves real tables redrawn; each test writes its own variant into tmp_path).

Found (each test below failed before its fix):
- a 合计 row printed under the last project was refused as "truncated mid-row" (the packed and bracket layouts read
  and reconcile it);
- a header naming 指标值 and 度量单位 (or 三级指标 and 指标值) in another order than its rows print them loaded every
  target with its number lost (≥公里), exit 0 and no reject: a unit that is a number, or an indicator name that is a
  value, now rejects its row, saying the columns may be in another order;
- a project printed twice, one printing right after the other, was read as one: its targets stored twice and the
  second amount dropped, with no reject; the second printing is now a duplicate project (a reject), as elsewhere;
- an empty unit (820002-卫生院 | 0 | 0) between two units became a project with no targets, which failed the quality
  gate of a clean table: it stays a unit, and the projects after it go back to the unit above;
- and in single-project forms: a form printing no amount of the year loaded at 0 yuan with no word; it is noted.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.model import SourceTable
from etl.transform.pipeline import run_file
from tests.inline_tables import filed
from tests.layout_facts import parsed_facts

FIXTURES = Path(__file__).parent / "fixtures"
JINGYAN = FIXTURES / "layouts_real" / "2024" / "jingyan-per-row.txt"
TIANHE_CSV = FIXTURES / "layouts" / "2024" / "tianhe-sfj-per-row.csv"


def _lines() -> list[str]:
    return JINGYAN.read_text(encoding="utf-8").splitlines()


def _read(tmp_path: Path, lines: list[str], name: str = "t.txt") -> SourceTable:
    path = filed(tmp_path, name)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = run_file(path)
    assert isinstance(table, SourceTable), table
    return table


def _facts(table: object) -> dict[str, object]:
    """parsed_facts but for the total and unit rows (the tests add one)."""
    assert isinstance(table, SourceTable)
    return {k: v for k, v in parsed_facts(table).items() if k != "aggregates"}


def _second_project(lines: list[str]) -> int:
    return next(k for k, line in enumerate(lines) if line.startswith("场镇环境卫生整治"))


def test_a_total_row_under_the_last_project_is_read_and_reconciled(tmp_path: Path) -> None:
    table = _read(tmp_path, [*_lines(), "合计\t1250000\t1250000"])
    assert _facts(table) == _facts(run_file(JINGYAN))
    assert table.reconciled and [a.kind for a in table.aggregates if a.name == "合计"] == ["grand_total"]
    wrong = _read(tmp_path / "wrong", [*_lines(), "合计\t1250\t1250"])
    assert not wrong.reconciled  # a 合计 cut short fails the sums, as in the other layouts


def test_a_csv_total_row_moved_under_the_projects_is_read(tmp_path: Path) -> None:
    lines = TIANHE_CSV.read_text(encoding="utf-8").splitlines()
    at = next(k for k, line in enumerate(lines) if line.startswith("合计"))
    expected = run_file(TIANHE_CSV)
    assert isinstance(expected, SourceTable)
    table = _read(tmp_path, [*lines[:at], *lines[at + 1 :], lines[at]], "t.csv")
    assert parsed_facts(table) == parsed_facts(expected) and table.reconciled


@pytest.mark.parametrize(
    ("swap", "said"),
    [((8, 9), "unit (度量单位) '30' is a number"), ((6, 8), "indicator name '30' is a value")],
    ids=["value-and-unit", "name-and-value"],
)
def test_header_columns_in_another_order_than_the_rows_reject_them(
    tmp_path: Path, swap: tuple[int, int], said: str
) -> None:
    lines = _lines()
    header = lines[2].split("\t")
    assert (header[6], header[8], header[9]) == ("三级指标", "指标值", "度量单位")
    header[swap[0]], header[swap[1]] = header[swap[1]], header[swap[0]]
    table = _read(tmp_path, [*lines[:2], "\t".join(header), *lines[3:]])
    reasons = [r.reason for r in table.rejects]
    assert any(said in r and "the columns may not be in the header's order" in r for r in reasons), reasons
    numbers_lost = [i.name for p in table.projects for i in p.indicators if i.annual.text and "公里" in i.annual.text]
    assert not numbers_lost  # (≥公里: the number 30 lost)


def test_a_project_printed_twice_in_a_row_is_a_duplicate_not_more_rows(tmp_path: Path) -> None:
    lines = _lines()
    at = _second_project(lines)
    table = _read(tmp_path, [*lines, *lines[at:]])
    assert [p.project_name for p in table.projects] == ["乡村道路养护", "场镇环境卫生整治"]
    assert len(table.projects[1].indicators) == 4  # not 8
    assert [r.reason.split(" (")[0] for r in table.rejects] == ["duplicate project '场镇环境卫生整治'"]


def test_an_empty_unit_between_two_stays_a_unit(tmp_path: Path) -> None:
    lines = _lines()
    at = _second_project(lines)
    table = _read(tmp_path, [*lines[:at], "820002-井研县马踏镇卫生院\t0\t0", *lines[at:]])
    assert _facts(table) == _facts(run_file(JINGYAN))
    assert all(p.indicators for p in table.projects) and table.reconciled
    assert {p.unit_name for p in table.projects} == {"井研县马踏镇人民政府"}


def test_a_form_that_prints_no_amount_of_the_year_says_so(tmp_path: Path) -> None:
    """Forms without their 本年度申请 line loaded each project at 0 yuan with no word (they print a 中期 total)."""
    source = FIXTURES / "layouts_real" / "undated" / "culture-forms.txt"
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if not line.startswith("本年度申请")]
    path = filed(tmp_path, "forms.txt", "2023")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = run_file(path)
    assert isinstance(table, SourceTable), table
    assert [str(p.amounts["total"]) for p in table.projects] == ["0.00", "0.00"]
    said = "no amount of the year printed on the form of 城市书房运营补助、非遗保护传承: loaded as 0"
    assert any(n.startswith(said) for n in table.notes), table.notes
    whole = run_file(source, 2023)
    assert isinstance(whole, SourceTable) and not any("no amount of the year" in n for n in whole.notes)
