"""Settle which rows are units: a row printing amounts but no goal and no indicators is read as a unit's
subtotal (the parse step), and the projects after it as that unit's. A project whose goal and indicators were
left empty reads the same, and then takes the projects after it away from their unit.

The sums tell the two apart: a unit row adds up to the projects filed under it. A row that does not is a
project when the unit above it (or, in a table without units that add up, the 合计 row) adds up only with it:
with its amount and those of the projects filed under it. Such a row becomes a project with no targets (the
quality gate's projects_have_targets then names it), and its projects go back to the unit above. A name alone on
its line (no amount either) that the unit above adds up only with its projects becomes a reject the same way.
A row with no project under it, or named as the department, stays a unit: a table cut off after it is refused.
"""

from __future__ import annotations

from decimal import Decimal

from etl.model import AggregateRow, ProjectRow, Reject, SourceTable
from etl.transform.table import split_transfer_doc, unit_name

ZERO = Decimal("0.00")


def settle_unit_rows(table: SourceTable) -> SourceTable:
    """Demote the unit rows the sums show to be projects (see the module); the table otherwise as it was."""
    while demoted := _first_misread(table):
        above, rows = demoted
        for row in rows:
            _demote(table, above, row)
        table.projects.sort(key=lambda p: p.line_no)
    return table


def _printed(row: AggregateRow) -> bool:
    return bool(row.raw_amounts.get("total", "").strip())


def _first_misread(table: SourceTable) -> tuple[AggregateRow | None, list[AggregateRow]] | None:
    """(the unit above, or None for the 合计 row; the rows below it that are projects), or None."""
    units = [a for a in table.aggregates if a.kind == "unit_subtotal"]
    filed: dict[str, Decimal] = {}
    for p in table.projects:
        filed[p.unit_name] = filed.get(p.unit_name, ZERO) + p.amounts["total"]
    under = [filed.get(unit_name(u.name), ZERO) for u in units]
    short = [(u.amounts["total"] if _printed(u) else ZERO) - f for u, f in zip(units, under, strict=True)]
    if not any(short):
        return None
    candidates = [(u, short[i], i + 1) for i, u in enumerate(units) if short[i] and _printed(u)]
    grand = [a for a in table.aggregates if a.kind == "grand_total" and _printed(a)]
    if grand and all(short[i] for i, u in enumerate(units) if _printed(u)):
        # no unit adds up: the 合计 row over the projects before the first unit row
        names = {unit_name(u.name) for u in units}
        head = sum((total for unit, total in filed.items() if unit not in names), ZERO)
        candidates.insert(0, (None, grand[0].amounts["total"] - head, 0))
    for above, missing, start in candidates:
        taken: list[AggregateRow] = []
        for j in range(start, len(units)):
            row = units[j]
            if not short[j] or not under[j] or row.name == table.department_name or not (above or _printed(row)):
                break  # a unit that adds up, has no project, is the department's own, or a heading under 合计
            taken.append(row)
            missing -= (row.amounts["total"] if _printed(row) else ZERO) + under[j]
            if missing == ZERO:
                return above, taken
    return None


def _demote(table: SourceTable, above: AggregateRow | None, row: AggregateRow) -> None:
    """The row becomes a project of the unit above (or of the department), or a reject when it prints no
    amount (a project's name alone on its line); the projects filed under it go to that unit."""
    home = unit_name(above.name) if above else table.department_name or ""
    for project in table.projects:
        if project.unit_name == unit_name(row.name):
            project.unit_name = home
    table.aggregates.remove(row)
    if not _printed(row):
        reason = "a project name alone on its line (no amount, goal or indicators): not a unit, the sums say"
        table.rejects.append(Reject(str(table.path), row.line_no, row.name, reason))
        return
    doc, name = split_transfer_doc(row.name)
    table.projects.append(ProjectRow(row.line_no, home, row.name, name, doc, row.raw_amounts, "", amounts=row.amounts))
