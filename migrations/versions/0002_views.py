"""Views v_project_budget and v_target (copies of sql/views/ at this revision).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

VIEWS = {
    "v_project_budget": """
-- v_project_budget: one row per project and budget year, amounts in yuan and in 万元,
-- with the project's department, unit, transfer document and the file it was loaded from.
with budgets as (
    select
        project_id,
        budget_year,
        department_name,
        unit_name,
        project_name,
        printed_name,
        transfer_doc_no,
        is_transfer_payment,
        total_yuan,
        fiscal_yuan,
        special_account_yuan,
        other_yuan,
        source_unit,
        goal_text,
        load_id,
        source_line
    from fact_project_budget
),

loads as (
    select load_id, source_path, is_generated
    from load_log
)

select
    budgets.budget_year,
    budgets.department_name,
    budgets.unit_name,
    budgets.project_id,
    budgets.project_name,
    budgets.printed_name,
    budgets.transfer_doc_no,
    budgets.is_transfer_payment,
    budgets.total_yuan,
    budgets.fiscal_yuan,
    budgets.special_account_yuan,
    budgets.other_yuan,
    cast(budgets.total_yuan * 0.0001 as decimal(18, 6)) as total_wan,
    cast(budgets.fiscal_yuan * 0.0001 as decimal(18, 6)) as fiscal_wan,
    cast(budgets.special_account_yuan * 0.0001 as decimal(18, 6)) as special_account_wan,
    cast(budgets.other_yuan * 0.0001 as decimal(18, 6)) as other_wan,
    budgets.source_unit,
    budgets.goal_text,
    loads.is_generated,
    loads.source_path,
    budgets.source_line
from budgets
inner join loads on budgets.load_id = loads.load_id
""",
    "v_target": """
-- v_target: one row per performance target (project x budget year x indicator), with its
-- resolved type, the type as printed, both targets as printed and as read, and its project.
with targets as (
    select * from fact_target
),

types as (
    select indicator_type_id, level1_code, level1_name, level2_code, level2_name, is_known
    from dim_indicator_type
),

budgets as (
    select project_id, budget_year, department_name, unit_name, project_name, is_transfer_payment
    from fact_project_budget
)

select
    targets.budget_year,
    budgets.department_name,
    budgets.unit_name,
    targets.project_id,
    budgets.project_name,
    budgets.is_transfer_payment,
    targets.seq,
    types.level1_code,
    types.level1_name,
    types.level2_code,
    types.level2_name,
    types.is_known as is_known_type,
    targets.printed_level1_code,
    targets.printed_level1_name,
    targets.printed_level2_code,
    targets.printed_level2_name,
    targets.is_misparented,
    targets.is_duplicate,
    targets.indicator_name,
    targets.period_target_text,
    targets.period_comparison,
    targets.period_value,
    targets.period_unit,
    targets.period_value_status,
    targets.annual_target_text,
    targets.annual_comparison,
    targets.annual_value,
    targets.annual_unit,
    targets.annual_value_status,
    targets.annual_value_status = 'quantitative' as is_quantitative,
    targets.load_id,
    targets.source_line
from targets
inner join types on targets.indicator_type_id = types.indicator_type_id
inner join budgets
    on targets.project_id = budgets.project_id
    and targets.budget_year = budgets.budget_year
""",
}


def upgrade() -> None:
    for name, sql in VIEWS.items():
        op.execute(f"CREATE OR REPLACE VIEW {name} AS\n{sql}")


def downgrade() -> None:
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW {name}")
