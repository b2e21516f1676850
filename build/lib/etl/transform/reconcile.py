"""Reconcile a table's totals: 合计 against units and projects, and each row's 总计 against its funding.

Every check becomes a :class:`~etl.model.Finding`; a mismatch is reported and recorded, never
silently accepted, and never a reason to drop data.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from etl.model import AMOUNT_COLUMNS, Finding, SourceTable

FUNDING_COLUMNS = ("fiscal", "special_account", "other")


def _sum(rows: Iterable[dict[str, Decimal]], column: str) -> Decimal:
    return sum((r[column] for r in rows), Decimal("0.00"))


def _row_findings(table: SourceTable) -> list[Finding]:
    rows = [(p.project_name, p.line_no, p.amounts) for p in table.projects]
    rows += [(a.name, a.line_no, a.amounts) for a in table.aggregates]
    return [
        Finding(
            "row_total=sum(funding)",
            name,
            "total",
            line,
            amounts["total"],
            sum((amounts[c] for c in FUNDING_COLUMNS), Decimal("0.00")),
        )
        for name, line, amounts in rows
    ]


def _unit_findings(table: SourceTable) -> list[Finding]:
    findings = []
    for unit in (a for a in table.aggregates if a.kind == "unit_subtotal"):
        members = [p.amounts for p in table.projects if p.unit_name == unit.name]
        findings += [
            Finding("unit_subtotal=sum(projects)", unit.name, c, unit.line_no, unit.amounts[c], _sum(members, c))
            for c in AMOUNT_COLUMNS
        ]
    return findings


def _grand_findings(table: SourceTable) -> list[Finding]:
    findings = []
    units = [a.amounts for a in table.aggregates if a.kind == "unit_subtotal"]
    projects = [p.amounts for p in table.projects]
    for grand in (a for a in table.aggregates if a.kind == "grand_total"):
        for c in AMOUNT_COLUMNS:
            findings.append(
                Finding(
                    "grand_total=sum(projects)",
                    grand.name,
                    c,
                    grand.line_no,
                    grand.amounts[c],
                    _sum(projects, c),
                )
            )
            if units:
                findings.append(
                    Finding(
                        "grand_total=sum(unit_subtotals)",
                        grand.name,
                        c,
                        grand.line_no,
                        grand.amounts[c],
                        _sum(units, c),
                    )
                )
    return findings


def reconcile(table: SourceTable) -> SourceTable:
    """Attach every reconciliation finding (passing ones too) to the table."""
    table.findings = _row_findings(table) + _unit_findings(table) + _grand_findings(table)
    return table
