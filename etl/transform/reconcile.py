"""Reconcile a table's totals: 合计 against units and projects, and each row's 总计 against its funding.

Units can nest (etl.transform.unit_rows.nest_units): a department row over its units is checked against the unit
rows under it (and its own projects, if it has any), and the 合计 against the outermost unit rows only; every
project is still counted once, under its innermost unit, in its unit's check and in the 合计's.

Every check becomes a :class:`~etl.model.Finding`; a mismatch is reported and recorded, never
silently accepted, and never a reason to drop data.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from etl.model import AMOUNT_COLUMNS, MAX_YUAN, AggregateRow, Finding, SourceTable, TableRefused
from etl.transform.page_totals import PAGE_KINDS, PAGE_SUBTOTAL
from etl.transform.unit_rows import Nesting, nest_units

FUNDING_COLUMNS = ("fiscal", "special_account", "other")


def _sum(rows: Iterable[dict[str, Decimal]], column: str) -> Decimal:
    return sum((r[column] for r in rows), Decimal("0.00"))


def _printed(agg: AggregateRow) -> bool:
    """A group row printing no amount at all (820-马踏镇部门 alone) is a heading, not a total to check."""
    return any(v.strip() for v in agg.raw_amounts.values())


def _has_funding(raw: dict[str, str]) -> bool:
    """A row printing only its total (a form with no breakdown) has no funding split to check."""
    return any(raw.get(c, "").strip() for c in FUNDING_COLUMNS) or not raw.get("total", "").strip()


def _row_findings(table: SourceTable) -> list[Finding]:
    # a project printing its total and no part, where another project of the table prints its parts: its parts are
    # 0, not unprinted (82.60 over empty parts was never checked: round 32's hunt of money)
    parted = any(any(p.raw_amounts.get(c, "").strip() for c in FUNDING_COLUMNS) for p in table.projects)
    rows = [(p.project_name, p.line_no, p.amounts) for p in table.projects if parted or _has_funding(p.raw_amounts)]
    rows += [(a.name, a.line_no, a.amounts) for a in table.aggregates if _has_funding(a.raw_amounts)]
    return _period_findings(table) + [
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


def _period_findings(table: SourceTable) -> list[Finding]:
    """A form's period total (中期资金总额) against the parts printed under it: it was stored unchecked."""
    return [
        Finding("period_total=sum(funding)", p.project_name, "period_total", p.line_no, p.period_total, p.period_parts)
        for p in table.projects
        if p.period_total is not None and p.period_parts is not None
    ]


def _unit_findings(table: SourceTable, nesting: Nesting) -> list[Finding]:
    """Each unit row against its projects; a row summing unit rows against them (and its own projects, if any)."""
    filed = nesting.filed
    findings = []
    for unit in (a for a in table.aggregates if a.kind == "unit_subtotal" and _printed(a)):
        members = [p.amounts for p in filed.get(id(unit), [])]
        kids = [k.amounts for k in nesting.children.get(id(unit), [])]
        check = "unit_subtotal=sum(projects)"
        if kids:
            check = "unit_subtotal=sum(unit_subtotals+projects)" if members else "unit_subtotal=sum(unit_subtotals)"
        findings += [
            Finding(check, unit.name, c, unit.line_no, unit.amounts[c], _sum(kids, c) + _sum(members, c))
            for c in AMOUNT_COLUMNS
        ]
    return findings


def _grand_findings(table: SourceTable, nesting: Nesting) -> list[Finding]:
    findings = []
    units = [
        a.amounts
        for a in table.aggregates
        if a.kind == "unit_subtotal" and _printed(a) and id(a) not in nesting.parent  # the outermost unit rows
    ]
    projects = [p.amounts for p in table.projects]
    for grand in (a for a in table.aggregates if a.kind == "grand_total" and _printed(a)):
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


def _category_findings(table: SourceTable) -> list[Finding]:
    """A category row (其他运转类, 特定目标类 …) against the projects printed under it, up to the next group row."""
    findings = []
    bounds = sorted(a.line_no for a in table.aggregates if a.kind not in PAGE_KINDS)  # a page's total ends no category
    for cat in (a for a in table.aggregates if a.kind == "category" and _printed(a)):
        end = next((b for b in bounds if b > cat.line_no), None)
        members = [p.amounts for p in table.projects if p.line_no > cat.line_no and (end is None or p.line_no < end)]
        findings.append(
            Finding(
                "category=sum(projects)", cat.name, "total", cat.line_no, cat.amounts["total"], _sum(members, "total")
            )
        )
    return findings


def _page_findings(table: SourceTable) -> list[Finding]:
    """A page's total (本页合计) against the projects since the page-break total before it (本页合计, 过次页,
    承前页 …); a running total (累计, 承前页, 过次页) against every project before it. One pass over the projects, in
    line order."""
    findings = []
    projects = sorted(table.projects, key=lambda p: p.line_no)
    i, page_start = 0, 0
    for row in sorted((a for a in table.aggregates if a.kind in PAGE_KINDS and _printed(a)), key=lambda a: a.line_no):
        while i < len(projects) and projects[i].line_no < row.line_no:
            i += 1
        counted = [p.amounts for p in projects[page_start if row.kind == PAGE_SUBTOTAL else 0 : i]]
        check = f"{row.kind}=sum(projects)"
        findings += [Finding(check, row.name, c, row.line_no, row.amounts[c], _sum(counted, c)) for c in AMOUNT_COLUMNS]
        page_start = i  # any page-break total ends its page: 过次页 with no 本页合计 too
    return findings


def _subtotal_findings(table: SourceTable) -> list[Finding]:
    """A closing 小计 (本级小计 …) against the unit, section or 合计 row whose amounts it repeats, else against the
    projects it closes (etl.transform.table._closing_subtotal): one that disagreed was a reject, and the load exited
    0."""
    findings = []
    for subtotal in table.subtotals:
        row = subtotal.row
        if subtotal.repeats is not None:
            check, amounts = f"subtotal={subtotal.repeats.kind}", [subtotal.repeats.amounts]
        else:
            closed = set(subtotal.closes)
            check, amounts = "subtotal=sum(projects)", [p.amounts for p in table.projects if p.line_no in closed]
        findings += [Finding(check, row.name, c, row.line_no, row.amounts[c], _sum(amounts, c)) for c in AMOUNT_COLUMNS]
    return findings


def reconcile(table: SourceTable) -> SourceTable:
    """Attach every reconciliation finding (passing ones too) to the table. Each amount is under MAX_YUAN, but a sum
    of them may not be: a table whose sums the warehouse cannot hold (DECIMAL(18, 2)) is refused, not loaded (it
    failed the load, every run)."""
    nesting = nest_units(table)
    table.findings = (
        _row_findings(table)
        + _unit_findings(table, nesting)
        + _grand_findings(table, nesting)
        + _category_findings(table)
        + _page_findings(table)
        + _subtotal_findings(table)
    )
    if too_large := next((f for f in table.findings if f.actual_yuan >= MAX_YUAN), None):  # so the difference is held
        raise TableRefused(
            table.path,
            f"{too_large.scope}: the amounts add up to {too_large.actual_yuan} yuan ({too_large.check}), more than the"
            " warehouse holds (under 10^16 yuan)",
            too_large.line_no,
        )
    return table
