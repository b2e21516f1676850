"""Settle which rows are units: a row printing amounts but no goal and no indicators is read as a unit's
subtotal (the parse step), and the projects after it as that unit's. A project whose goal and indicators were
left empty reads the same, and then takes the projects after it away from their unit.

The sums tell the two apart: a unit row adds up to the projects filed under it (within the rounding of the
printed amounts). A row that does not is a project when the unit above it (or, in a table without units that
add up, the 合计 row) adds up exactly only with it: with its amount and those of the projects filed under it.
Such a row becomes a project with no targets (the quality gate's projects_have_targets then names it), and its
projects go back to the unit above. A heading without amounts (其中：转移支付项目) inside a unit that adds up
only with the projects after it stays a heading, and those projects go back to the unit. A row under 合计 with no
project before or under it stays a unit: a table cut off after it is refused (truncation.refuse_if_empty).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from etl.model import AggregateRow, ProjectRow, SourceTable
from etl.transform.normalise import CELL_UNIT_TO_YUAN
from etl.transform.table import split_transfer_doc, unit_name

ZERO = Decimal("0.00")
PRINTED_STEP = Decimal("0.01")  # the last digit an amount is printed with, in the table's unit


@dataclass(slots=True)
class _Unit:
    row: AggregateRow
    total: Decimal  # as printed (0 for a heading without amounts)
    under: Decimal  # the projects filed under it
    count: int  # how many
    adds_up: bool  # within the rounding of its projects' printed amounts


def settle_unit_rows(table: SourceTable) -> SourceTable:
    """Give back the rows the sums show to be projects, and the projects under a heading to their unit."""
    for _ in range(len(table.aggregates)):  # each pass settles at least one row, or ends
        found = _misread(table)
        if not found:
            break
        _demote(table, found)
    return table


def _printed(row: AggregateRow) -> bool:
    return bool(row.raw_amounts.get("total", "").strip())


def _units(table: SourceTable) -> list[_Unit]:
    filed: dict[str, tuple[Decimal, int]] = {}
    for p in table.projects:
        total, count = filed.get(p.unit_name, (ZERO, 0))
        filed[p.unit_name] = (total + p.amounts["total"], count + 1)
    step = PRINTED_STEP * CELL_UNIT_TO_YUAN.get(table.source_unit, 1)
    units = []
    for row in (a for a in table.aggregates if a.kind == "unit_subtotal"):
        total = row.amounts["total"] if _printed(row) else ZERO
        under, count = filed.get(unit_name(row.name), (ZERO, 0))
        units.append(_Unit(row, total, under, count, abs(total - under) <= step * count))
    return units


def _misread(table: SourceTable) -> list[tuple[AggregateRow | None, list[AggregateRow]]]:
    """(the unit above, or None for the 合计 row; the rows below it that are no units) for every unit that adds
    up only with rows below it, none of them in two (one pass settles them all: a pass each cost a rescan)."""
    units = _units(table)
    if all(u.adds_up for u in units):
        return []
    # (the unit above, what it misses, whether it has projects of its own, where the rows below it start)
    chains = [
        (u.row, u.total - u.under, u.count > 0, i + 1) for i, u in enumerate(units) if _printed(u.row) and not u.adds_up
    ]
    grand = [a for a in table.aggregates if a.kind == "grand_total" and _printed(a)]
    if grand and not any(u.adds_up for u in units if _printed(u.row)):
        names = {unit_name(u.row.name) for u in units}
        head = [p.amounts["total"] for p in table.projects if p.unit_name not in names]
        chains.insert(0, (None, grand[0].amounts["total"] - sum(head, ZERO), bool(head), 0))
    found: list[tuple[AggregateRow | None, list[AggregateRow]]] = []
    used: set[int] = set()  # rows (by identity) already in a chain of this pass, as the unit above or below it
    for above, missing, has_projects, start in chains:
        if id(above) in used:
            continue
        taken: list[AggregateRow] = []
        for u in units[start:]:
            if u.adds_up or u.row.name == table.department_name or not (u.count or has_projects) or id(u.row) in used:
                break  # a unit; the department's own row; a row under a bare unit or 合计 (a cut-off table); taken
            taken.append(u.row)
            missing -= u.total + u.under
            if missing <= ZERO:
                break
        if taken and missing == ZERO:
            found.append((above, taken))
            used.update(id(r) for r in (above, *taken))
    return found


def _demote(table: SourceTable, found: list[tuple[AggregateRow | None, list[AggregateRow]]]) -> None:
    """The projects filed under each row go to the unit above it (or to the department); a row printing amounts
    becomes a project itself, a heading without amounts stays a heading. One pass over the projects."""
    homes: dict[str, str] = {}
    gone: set[int] = set()
    for above, rows in found:
        home = unit_name(above.name) if above else table.department_name or ""
        for row in rows:
            homes[unit_name(row.name)] = home
            if _printed(row):
                gone.add(id(row))
                doc, name = split_transfer_doc(row.name)
                project = ProjectRow(row.line_no, home, row.name, name, doc, row.raw_amounts, "", amounts=row.amounts)
                table.projects.append(project)
    for project in table.projects:
        project.unit_name = homes.get(project.unit_name, project.unit_name)
    table.aggregates = [a for a in table.aggregates if id(a) not in gone]
    table.projects.sort(key=lambda p: p.line_no)
