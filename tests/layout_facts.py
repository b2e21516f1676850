"""What 'the same facts' means when a table arrives in another layout: projects, targets, amounts."""

from __future__ import annotations

from pathlib import Path

from etl.model import SourceTable
from etl.warehouse.connect import connect

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts" / "2024"


def parsed_facts(t: SourceTable) -> dict[str, object]:
    """Everything a layout must not change (line numbers and raw text may differ)."""
    projects = sorted(
        (p.unit_name, p.transfer_doc_no or "", p.project_name, *(str(v) for v in p.amounts.values()), p.goal_text)
        for p in t.projects
    )
    targets = sorted(
        (
            p.transfer_doc_no or "",
            p.project_name,
            i.seq,
            i.type_key,
            i.is_misparented,
            i.is_duplicate,
            i.name,
            i.period.text or "",
            i.annual.text or "",
            i.annual.comparison or "",
            str(i.annual.number),
            i.annual.unit or "",
            i.annual.status,
        )
        for p in t.projects
        for i in p.indicators
    )
    aggregates = sorted((a.kind, a.name, *(str(v) for v in a.amounts.values())) for a in t.aggregates)
    return {
        "department": t.department_name,
        "year": t.budget_year,
        "projects": projects,
        "targets": targets,
        "aggregates": aggregates,
        "rejects": [(r.reason, r.raw_text) for r in t.rejects],
        "reconciled": t.reconciled,
    }


WAREHOUSE_FACTS = {
    "projects": """SELECT department_name, unit_name, project_name, transfer_doc_no, total_yuan, fiscal_yuan,
                          special_account_yuan, other_yuan, goal_text, budget_year
                   FROM fact_project_budget ORDER BY ALL""",
    "targets": """SELECT b.project_name, b.transfer_doc_no, t.seq, ty.type_key, t.is_misparented, t.is_duplicate,
                         t.indicator_name, t.period_target_text, t.annual_target_text, t.annual_comparison,
                         t.annual_value, t.annual_unit, t.annual_value_status, t.period_value_status
                  FROM fact_target t JOIN fact_project_budget b USING (project_id, budget_year)
                  JOIN dim_indicator_type ty USING (indicator_type_id) ORDER BY ALL""",
    "aggregates": "SELECT row_kind, row_name, total_yuan, fiscal_yuan FROM fact_table_aggregate ORDER BY ALL",
    "reconciliation": "SELECT check_name, scope, column_name, passed FROM fact_reconciliation ORDER BY ALL",
}


def warehouse_facts(warehouse: Path) -> dict[str, list[tuple]]:
    con = connect(warehouse, read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in WAREHOUSE_FACTS.items()}
    finally:
        con.close()
