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
    to_wan(budgets.total_yuan) as total_wan,
    to_wan(budgets.fiscal_yuan) as fiscal_wan,
    to_wan(budgets.special_account_yuan) as special_account_wan,
    to_wan(budgets.other_yuan) as other_wan,
    budgets.source_unit,
    budgets.goal_text,
    loads.is_generated,
    loads.source_path,
    budgets.source_line
from budgets
inner join loads on budgets.load_id = loads.load_id
