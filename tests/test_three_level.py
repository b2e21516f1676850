"""Three-level tables: 合计, then a department row summing the unit rows under it (广州市天河区司法局, or 部门本级),
then unit rows (二级单位), each followed by its projects. The department row was checked against the projects filed
under it (none: they are its units'), and the 合计 against every unit row (the department's counted twice), so such
a table never reconciled. Now a row summing the unit rows after it (etl.transform.unit_rows.nest_units) is checked
against them, the 合计 against the outermost rows, and a table whose levels do not add up is still a mismatch.

Every table here is GENERATED (marked `# jixiao-synth:`) from the real sample's rows (tests/paths.SAMPLE), re-arranged
into levels; the unit names below the department are made up, the amounts are the sample's, the unit rows their sums.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from etl.load.run import run_load
from etl.model import Finding, SourceTable
from etl.transform.pipeline import run_file
from etl.warehouse.connect import connect
from tests.paths import PROJECT_ROOT, SAMPLE

MARK = "# jixiao-synth: GENERATED three-level table re-arranged from the real sample tianhe-sfj.txt (not a real table)"
DEPARTMENT = "广州市天河区司法局"
OWN, AID, NOTARY = "广州市天河区司法局本级", "广州市天河区法律援助处（GENERATED）", "广州市天河区公证处（GENERATED）"
TOTALS_RECONCILE = (PROJECT_ROOT / "sql" / "checks" / "totals_reconcile.sql").read_text(encoding="utf-8")

_lines = SAMPLE.read_text(encoding="utf-8").splitlines()
_header_at = next(i for i, line in enumerate(_lines) if line.startswith("项目名称"))
PREAMBLE = _lines[: _header_at + 1]  # title, 部门名称, 单位：万元 and the header row, as printed
PROJECTS = [r for r in _lines[_header_at + 1 :] if r.strip() and r.split("\t")[0] not in ("合计", DEPARTMENT)]
assert len(PROJECTS) == 22  # the sample's real project rows (transfer payments among them)


def name_of(row: str) -> str:
    return row.split("\t")[0]


def wan(row: str) -> Decimal:
    return Decimal(row.split("\t")[1].replace(",", ""))


def total_row(name: str, amount: Decimal) -> str:
    """A 合计, department or unit row: amounts (total and 财政拨款, as in the sample), no goal, no indicators."""
    return f"{name}\t{amount:,.2f}\t{amount:,.2f}\t\t\t\t"


Units = Sequence[tuple[str, Sequence[str]]]
UNITS: Units = ((OWN, PROJECTS[:10]), (AID, PROJECTS[10:16]), (NOTARY, PROJECTS[16:]))  # the last two: 79号 transfers


def three_level(units: Units = UNITS, department: str = DEPARTMENT, own: Sequence[str] = ()) -> list[str]:
    """合计, the department row (with its own projects, if any), then each unit row and its projects."""
    rows = [*own, *(p for _, projects in units for p in projects)]
    grand = sum(map(wan, rows), Decimal("0"))
    body = [total_row("合计", grand), total_row(department, grand), *own]
    for unit, projects in units:
        body += [total_row(unit, sum(map(wan, projects), Decimal("0"))), *projects]
    return body


def write(tmp_path: Path, body: list[str], name: str = "three-level.txt") -> Path:
    path = tmp_path / "raw" / "2024" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([MARK, *PREAMBLE, *body]) + "\n", encoding="utf-8")
    return path


def parse(tmp_path: Path, body: list[str], name: str = "three-level.txt") -> SourceTable:
    table = run_file(write(tmp_path, body, name))
    assert isinstance(table, SourceTable), table
    assert table.is_generated and table.department_name == DEPARTMENT and not table.rejects
    return table


def units_of(table: SourceTable) -> dict[str, str]:
    return {p.printed_name: p.unit_name for p in table.projects}


def expected_units(units: Units) -> dict[str, str]:
    return {name_of(p): unit for unit, projects in units for p in projects}


def failed(table: SourceTable) -> list[tuple[str, str, str]]:
    return [(f.check, f.scope, f.column) for f in table.findings if not f.passed]


def finding(table: SourceTable, check: str, scope: str, column: str = "total") -> Finding:
    return next(f for f in table.findings if (f.check, f.scope, f.column) == (check, scope, column))


@pytest.mark.parametrize("department", [DEPARTMENT, "部门本级"])
def test_a_department_row_over_its_units_reconciles(tmp_path: Path, department: str) -> None:
    table = parse(tmp_path, three_level(department=department))
    assert table.reconciled, failed(table)
    assert [(a.kind, a.name) for a in table.aggregates] == [
        ("grand_total", "合计"),
        ("unit_subtotal", department),
        ("unit_subtotal", OWN),
        ("unit_subtotal", AID),
        ("unit_subtotal", NOTARY),
    ]
    assert len(table.projects) == 22 and table.n_targets == 110
    assert units_of(table) == expected_units(UNITS)  # each project under its own (innermost) unit
    grand = Decimal("14853400.00")  # 1,485.34 万元, the sample's 合计
    assert finding(table, "unit_subtotal=sum(unit_subtotals)", department).actual_yuan == grand
    assert finding(table, "grand_total=sum(unit_subtotals)", "合计").actual_yuan == grand  # the department row alone
    assert finding(table, "grand_total=sum(projects)", "合计").actual_yuan == grand
    assert finding(table, "unit_subtotal=sum(projects)", AID).actual_yuan == sum(
        (p.amounts["total"] for p in table.projects if p.unit_name == AID), Decimal("0")
    )
    assert not any(f.check == "unit_subtotal=sum(projects)" and f.scope == department for f in table.findings)
    transfers = [(p.unit_name, p.transfer_doc_no, p.project_name) for p in table.projects if p.is_transfer_payment]
    assert transfers == [
        (NOTARY, "穗财政【2023】79号", "一村(社区)一法律顾问公益法律服务工作经费"),
        (NOTARY, "穗财政【2023】79号", "专职人民调解服务项目经费"),
    ]


def test_the_departments_own_unit_printed_with_the_departments_name(tmp_path: Path) -> None:
    """本级 printed under the department's own name, below the department row of the same name: the projects under
    it are its, not the department row's, and the department row sums it and the other units."""
    units = ((DEPARTMENT, PROJECTS[:10]), (AID, PROJECTS[10:16]), (NOTARY, PROJECTS[16:]))
    table = parse(tmp_path, three_level(units))
    assert table.reconciled, failed(table)
    assert [a.name for a in table.aggregates] == ["合计", DEPARTMENT, DEPARTMENT, AID, NOTARY]
    assert units_of(table) == expected_units(units)
    department, own = (
        f
        for f in table.findings
        if f.scope == DEPARTMENT and f.column == "total" and "sum(" in f.check and not f.check.startswith("row_total")
    )
    assert (department.check, department.actual_yuan) == ("unit_subtotal=sum(unit_subtotals)", Decimal("14853400.00"))
    assert (own.check, own.actual_yuan) == ("unit_subtotal=sum(projects)", Decimal("5598200.00"))


def test_a_department_row_with_projects_of_its_own(tmp_path: Path) -> None:
    """The department's own projects printed right under its row, before its units: it sums both."""
    units = ((AID, PROJECTS[10:16]), (NOTARY, PROJECTS[16:]))
    table = parse(tmp_path, three_level(units, own=PROJECTS[:10]))
    assert table.reconciled, failed(table)
    assert units_of(table) == {**{name_of(p): DEPARTMENT for p in PROJECTS[:10]}, **expected_units(units)}
    check = finding(table, "unit_subtotal=sum(unit_subtotals+projects)", DEPARTMENT)
    assert check.actual_yuan == check.expected_yuan == Decimal("14853400.00")


def test_four_levels_nest(tmp_path: Path) -> None:
    """Nested subtotal levels in general: a row summing two unit rows, under the department row."""
    group = "广州市天河区司法所（GENERATED，合计）"
    first, second = "广州市天河区司法所一（GENERATED）", "广州市天河区司法所二（GENERATED）"
    lower = ((first, PROJECTS[10:13]), (second, PROJECTS[13:16]))
    body = three_level(((OWN, PROJECTS[:10]), (NOTARY, PROJECTS[16:])))
    at = body.index(total_row(NOTARY, sum(map(wan, PROJECTS[16:]), Decimal("0"))))
    nested = [total_row(group, sum(map(wan, PROJECTS[10:16]), Decimal("0")))]
    for unit, projects in lower:
        nested += [total_row(unit, sum(map(wan, projects), Decimal("0"))), *projects]
    grand = sum(map(wan, PROJECTS), Decimal("0"))
    body = [total_row("合计", grand), total_row(DEPARTMENT, grand), *body[2:at], *nested, *body[at:]]
    table = parse(tmp_path, body)
    assert table.reconciled, failed(table)
    assert units_of(table) == expected_units(((OWN, PROJECTS[:10]), *lower, (NOTARY, PROJECTS[16:])))
    assert finding(table, "unit_subtotal=sum(unit_subtotals)", group).actual_yuan == Decimal("5826800.00")
    assert finding(table, "unit_subtotal=sum(unit_subtotals)", DEPARTMENT).actual_yuan == Decimal("14853400.00")


def _replace(body: list[str], old: str, new: str) -> list[str]:
    at = next(i for i, row in enumerate(body) if row.startswith(old + "\t"))
    return [*body[:at], new, *body[at + 1 :]]


def _department(amount: str, fiscal: str | None = None) -> Callable[[list[str]], list[str]]:
    return lambda body: _replace(body, DEPARTMENT, f"{DEPARTMENT}\t{amount}\t{fiscal or amount}\t\t\t\t")


@pytest.mark.parametrize(
    ("edit", "failing"),
    [
        # the department row 1.00 万元 off: no level it sums, so it is a unit with no projects, counted with its units
        (
            _department("1,486.34"),
            {("unit_subtotal=sum(projects)", DEPARTMENT), ("grand_total=sum(unit_subtotals)", "合计")},
        ),
        # one printed step off (0.01 万元): read as the level it sums, and reported (off by 100 yuan)
        (
            _department("1,485.35"),
            {("unit_subtotal=sum(unit_subtotals)", DEPARTMENT), ("grand_total=sum(unit_subtotals)", "合计")},
        ),
        # the total right, its 财政拨款 wrong: the level is read by its total, and 财政拨款 reported
        (
            _department("1,485.34", "1,400.00"),
            {("unit_subtotal=sum(unit_subtotals)", DEPARTMENT), ("grand_total=sum(unit_subtotals)", "合计")},
        ),
        # a unit row that does not add up to its projects: the department row above it sums no level either
        (
            lambda body: _replace(body, AID, total_row(AID, Decimal("600.00"))),
            {
                ("unit_subtotal=sum(projects)", AID),
                ("unit_subtotal=sum(projects)", DEPARTMENT),
                ("grand_total=sum(unit_subtotals)", "合计"),
            },
        ),
    ],
)
def test_levels_that_do_not_add_up_are_reported(
    tmp_path: Path, edit: Callable[[list[str]], list[str]], failing: set[tuple[str, str]]
) -> None:
    table = parse(tmp_path, edit(three_level()))
    assert not table.reconciled
    assert {(check, scope) for check, scope, _ in failed(table) if check != "row_total=sum(funding)"} == failing
    assert units_of(table) == expected_units(UNITS)  # the projects stay with their units all the same


def test_one_step_off_is_reported_by_the_difference(tmp_path: Path) -> None:
    table = parse(tmp_path, _department("1,485.35")(three_level()))
    off = finding(table, "unit_subtotal=sum(unit_subtotals)", DEPARTMENT)
    assert (off.expected_yuan, off.difference_yuan) == (Decimal("14853500.00"), Decimal("-100.00"))


@pytest.mark.parametrize("last", [9, 15, 21])  # the last project of the first, second and third unit
def test_a_project_with_empty_targets_under_a_unit_of_a_department(tmp_path: Path, last: int) -> None:
    """A unit's last project printed with no goal and no indicators reads as a unit row; the settle step gives it back
    to its unit, and the department row then sums its units."""
    blank = PROJECTS[last]
    body = [row if row != blank else "\t".join([*blank.split("\t")[:5], "", ""]) for row in three_level()]
    table = parse(tmp_path, body)
    assert table.reconciled, failed(table)
    assert [a.name for a in table.aggregates] == ["合计", DEPARTMENT, OWN, AID, NOTARY]
    assert units_of(table) == expected_units(UNITS)
    assert [len(p.indicators) for p in table.projects if p.printed_name == name_of(blank)] == [0]


def test_a_heading_inside_a_unit_of_a_department(tmp_path: Path) -> None:
    """其中：转移支付项目 printed without amounts before the unit's transfer projects: they stay the unit's."""
    body = three_level()
    at = body.index(PROJECTS[20])
    body = [*body[:at], "其中：转移支付项目\t\t\t\t\t\t", *body[at:]]
    table = parse(tmp_path, body)
    assert table.reconciled, failed(table)
    assert units_of(table) == expected_units(UNITS)


def _query(warehouse: Path, sql: str) -> list[tuple]:
    con = connect(warehouse, read_only=True, published=False)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_three_level_table_loads_and_the_warehouse_checks_pass(tmp_path: Path) -> None:
    path = write(tmp_path, three_level())
    warehouse = tmp_path / "wh" / "three.duckdb"
    report = run_load([path.parent.parent], warehouse)
    assert [r.status for r in report.results] == ["loaded"] and report.exit_code == 0, report.failed_checks
    assert {c.name for c in report.checks} >= {"totals_reconcile"} and not report.failed_checks
    assert _query(warehouse, TOTALS_RECONCILE) == []
    assert _query(warehouse, "SELECT count(*), bool_and(passed) FROM fact_reconciliation") == [
        (len(run_file(path).findings), True)  # type: ignore[union-attr]
    ]
    stored = _query(warehouse, "SELECT project_name, unit_name FROM v_project_budget ORDER BY source_line")
    assert len(stored) == 22 and {u for _, u in stored} == {OWN, AID, NOTARY}
    assert _query(warehouse, "SELECT is_generated FROM load_log") == [(True,)]


def test_a_three_level_table_that_does_not_add_up_loads_flagged(tmp_path: Path) -> None:
    path = write(tmp_path, _department("1,486.34")(three_level()))
    warehouse = tmp_path / "wh" / "three.duckdb"
    report = run_load([path.parent.parent], warehouse)
    assert report.exit_code == 4 and "totals_reconcile" in {c.name for c in report.failed_checks}
    assert {(r[4], r[5]) for r in _query(warehouse, TOTALS_RECONCILE)} == {
        ("unit_subtotal=sum(projects)", DEPARTMENT),
        ("grand_total=sum(unit_subtotals)", "合计"),
    }


def test_a_blank_first_project_of_the_department_itself_is_still_reported(tmp_path: Path) -> None:
    """Left as it was: the department's own first project printed without targets reads as a unit holding the
    department's other projects, and no sum tells them apart here. The table is reported, never accepted."""
    blank = "\t".join([*PROJECTS[0].split("\t")[:5], "", ""])
    units = ((AID, PROJECTS[10:16]), (NOTARY, PROJECTS[16:]))
    table = parse(tmp_path, three_level(units, own=[blank, *PROJECTS[1:10]]))
    assert not table.reconciled
    assert ("grand_total=sum(unit_subtotals)", "合计", "total") in failed(table)
