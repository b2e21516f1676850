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

Units can nest: a department row (广州市天河区教育局, or its 本级) between the 合计 and its units prints the sum of
the unit rows under it, its projects being filed under them. :func:`nest_units` tells such a row from a unit (the
reconcile step checks it against the rows under it, and the 合计 against the outermost rows only); it does not
change the table.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

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


@dataclass(slots=True, frozen=True)
class Nesting:
    """Unit rows counted in the unit row above them (a department over its units), by the rows' identity."""

    parent: dict[int, AggregateRow]  # a nested unit row -> the row whose total counts it
    children: dict[int, list[AggregateRow]]  # a row summing unit rows -> those rows (one level down), in order
    filed: dict[int, list[ProjectRow]]  # filed_under(table): the projects under each unit row


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


def _step(table: SourceTable) -> Decimal:
    """The last printed digit of an amount, in yuan: a row may be off by one such step a row it sums."""
    return PRINTED_STEP * CELL_UNIT_TO_YUAN.get(table.source_unit, 1)


def _units(table: SourceTable) -> list[_Unit]:
    filed: dict[str, tuple[Decimal, int]] = {}
    for p in table.projects:
        total, count = filed.get(p.unit_name, (ZERO, 0))
        filed[p.unit_name] = (total + p.amounts["total"], count + 1)
    step = _step(table)
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
    becomes a project itself, a heading without amounts stays a heading, and so does a row whose amounts are all 0
    (820002-卫生院 | 0 | 0: a unit with no projects; it became a project with no targets, which failed the quality
    gate of a clean table). One pass over the projects."""
    homes: dict[str, str] = {}
    gone: set[int] = set()
    for above, rows in found:
        home = unit_name(above.name) if above else table.department_name or ""
        for row in rows:
            homes[unit_name(row.name)] = home
            if _printed(row) and any(row.amounts.values()):  # (all 0: an empty unit, as a heading: it stays)
                gone.add(id(row))
                doc, name = split_transfer_doc(row.name)
                project = ProjectRow(row.line_no, home, row.name, name, doc, row.raw_amounts, "", amounts=row.amounts)
                table.projects.append(project)
    for project in table.projects:
        project.unit_name = homes.get(project.unit_name, project.unit_name)
    table.aggregates = [a for a in table.aggregates if id(a) not in gone]
    table.projects.sort(key=lambda p: p.line_no)


def nest_units(table: SourceTable) -> Nesting:
    """Which printed unit rows sum the unit rows after them rather than projects: a row that does not add up to
    the projects filed under it does so when its total is theirs plus the totals of the rows right after it, each of
    which adds up in turn (to its projects, or as such a row itself), within a printed step per row summed. A row
    that adds up to its own projects is a unit, whatever follows; a row summing nothing is never nested."""
    step, placed = _step(table), filed_under(table)
    nesting = Nesting({}, {}, placed)
    units = []
    for row in (a for a in table.aggregates if a.kind == "unit_subtotal" and _printed(a)):
        under = placed.get(id(row), [])
        total = sum((p.amounts["total"] for p in under), ZERO)
        units.append(
            _Unit(row, row.amounts["total"], total, len(under), abs(row.amounts["total"] - total) <= step * len(under))
        )
    if all(unit.adds_up for unit in units):
        return nesting  # every unit row adds up to its projects (nearly every table): none sums others
    ends = _subtree_ends(units, step)
    for i, unit in enumerate(units):
        end = ends[i]
        if end is None or end == i + 1:
            continue  # it does not add up (reported as it is), or a unit of projects
        kids: list[AggregateRow] = []
        j = i + 1
        while j < end:
            kids.append(units[j].row)
            nesting.parent[id(units[j].row)] = unit.row
            j = ends[j] or end  # a row inside the range adds up (it was summed), so ends[j] is set
        nesting.children[id(unit.row)] = kids
    return nesting


def _subtree_ends(units: list[_Unit], step: Decimal) -> list[int | None]:
    """For each unit row, where the rows it sums end (the next row's index for a unit of projects), or None when
    it adds up neither way. From the last row up, so a row's rows below are settled first (no recursion)."""
    ends: list[int | None] = [None] * len(units)
    for i in range(len(units) - 1, -1, -1):
        ends[i] = i + 1 if units[i].adds_up else _group_end(units, ends, i, step)
    return ends


def _group_end(units: list[_Unit], ends: list[int | None], i: int, step: Decimal) -> int | None:
    """Where the rows end that the row at i sums with its own projects, taking the rows after it (each with the
    rows it sums) until its total is reached: None when a row that does not add up comes first, the total is
    overshot, or the rows run out."""
    unit = units[i]
    missing, summed, j = unit.total - unit.under, 0, i + 1
    while j < len(units) and missing > step * (unit.count + summed):
        end = ends[j]
        if end is None:
            return None
        missing -= units[j].total
        summed += 1
        j = end
    return j if summed and abs(missing) <= step * (unit.count + summed) else None


def filed_under(table: SourceTable) -> dict[int, list[ProjectRow]]:
    """The projects filed under each unit row (by the row's identity), in order: those of its unit's name. Of rows
    of one name, one printed right over the next with no project of the name between them is a level over it (a
    department row over its 本级 printed with the department's name, or a department of one unit) and holds none;
    of the others, printing different amounts, a project goes to the last one above it, as the parse step filed it
    (else the first), and printing the same amounts (a unit row printed again) each counts all of them."""
    named: dict[str, list[AggregateRow]] = {}
    for row in (a for a in table.aggregates if a.kind == "unit_subtotal"):
        named.setdefault(row.name, []).append(row)
    repeated = {name: rows for name, rows in named.items() if len(rows) > 1}
    lines: dict[str, list[int]] = {}  # the lines of a repeated name's projects (filed in line order)
    for project in table.projects:
        if project.unit_name in repeated:
            lines.setdefault(project.unit_name, []).append(project.line_no)
    split: dict[str, list[int]] = {}  # a repeated name whose projects go to the last row above them: its rows' lines
    for name, rows in repeated.items():
        named[name] = rows = _filing_rows(rows, sorted(lines.get(name, [])))
        if len(rows) > 1 and (any(r.amounts != rows[0].amounts for r in rows) or _blocks_add_up(table, name, rows)):
            split[name] = [r.line_no for r in rows]
    placed: dict[int, list[ProjectRow]] = {}
    for project in table.projects:
        rows = named.get(project.unit_name, [])
        if project.unit_name in split:
            rows = [rows[max(bisect_left(split[project.unit_name], project.line_no) - 1, 0)]]
        for row in rows:
            placed.setdefault(id(row), []).append(project)
    return placed


def _blocks_add_up(table: SourceTable, name: str, rows: list[AggregateRow]) -> bool:
    """Rows of one name printing the same amounts that each add up to the projects of their own block (司法局 42.00,
    公证处 …, 司法局 42.00 again), not to all of the name's: two blocks, not one row printed again (each was checked
    against both blocks, a failure on a table that adds up)."""
    starts = [r.line_no for r in rows]
    blocks: list[Decimal] = [ZERO] * len(rows)
    for project in table.projects:
        if project.unit_name == name and (at := bisect_left(starts, project.line_no) - 1) >= 0:
            blocks[at] += project.amounts.get("total", ZERO)
    total = rows[0].amounts.get("total")
    return all(b == total for b in blocks) and sum(blocks, ZERO) != total


def _filing_rows(rows: list[AggregateRow], lines: list[int]) -> list[AggregateRow]:
    """The rows of one name projects can be filed under: not one printed right over the next of the name, with no
    project of the name (at ``lines``, sorted) between them."""
    kept = []
    for row, after in pairwise(rows):
        at = bisect_right(lines, row.line_no)
        if at < len(lines) and lines[at] < after.line_no:
            kept.append(row)
    return [*kept, rows[-1]]
