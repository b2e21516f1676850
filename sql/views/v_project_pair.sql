-- v_project_pair: one row per project and compared pair of budget years of its department (budget_year
-- against previous_year, the department's latest earlier year in the warehouse): the project as printed either
-- year and its status. new: printed only this year; dropped: printed only the previous year; renamed: both years
-- under different printed names; continued: same printed name. The pairs both comparison views read: the
-- budgets' adds the change of the amounts and how the years were linked (two joins to dim_project_name), the
-- targets' reads only the pairs and their status (without those joins, its whole read of L takes 0.15 s less).
with department_years as (
    select distinct department_name, budget_year
    from fact_project_budget
),

year_pairs as (
    select department_name, budget_year, previous_year
    from (
        select
            department_name,
            budget_year,
            lag(budget_year) over (partition by department_name order by budget_year) as previous_year
        from department_years
    ) as ordered
    where previous_year is not null
),

this_year as (
    -- the projects of the later year of each pair
    select
        pairs.department_name,
        pairs.budget_year,
        pairs.previous_year,
        budgets.project_id,
        budgets.unit_name,
        budgets.project_name,
        budgets.printed_name,
        budgets.name_key,
        budgets.is_transfer_payment,
        budgets.transfer_doc_no,
        budgets.total_yuan,
        budgets.fiscal_yuan,
        budgets.special_account_yuan,
        budgets.other_yuan
    from year_pairs as pairs
    inner join fact_project_budget as budgets
        on pairs.department_name = budgets.department_name
        and pairs.budget_year = budgets.budget_year
),

last_year as (
    -- the projects of the earlier year of each pair, keyed by the later year
    select
        pairs.department_name,
        pairs.budget_year,
        pairs.previous_year,
        budgets.project_id,
        budgets.unit_name,
        budgets.project_name,
        budgets.printed_name,
        budgets.name_key,
        budgets.is_transfer_payment,
        budgets.transfer_doc_no,
        budgets.total_yuan,
        budgets.fiscal_yuan,
        budgets.special_account_yuan,
        budgets.other_yuan
    from year_pairs as pairs
    inner join fact_project_budget as budgets
        on pairs.department_name = budgets.department_name
        and pairs.previous_year = budgets.budget_year
),

paired as (
    select
        coalesce(cur.department_name, prev.department_name) as department_name,
        coalesce(cur.budget_year, prev.budget_year) as budget_year,
        coalesce(cur.previous_year, prev.previous_year) as previous_year,
        coalesce(cur.project_id, prev.project_id) as project_id,
        coalesce(cur.unit_name, prev.unit_name) as unit_name,
        coalesce(cur.project_name, prev.project_name) as project_name,
        cur.printed_name,
        prev.printed_name as previous_printed_name,
        cur.name_key,
        prev.name_key as previous_name_key,
        coalesce(cur.is_transfer_payment, prev.is_transfer_payment) as is_transfer_payment,
        cur.transfer_doc_no,
        prev.transfer_doc_no as previous_transfer_doc_no,
        cur.total_yuan,
        prev.total_yuan as previous_total_yuan,
        cur.fiscal_yuan,
        prev.fiscal_yuan as previous_fiscal_yuan,
        cur.special_account_yuan,
        prev.special_account_yuan as previous_special_account_yuan,
        cur.other_yuan,
        prev.other_yuan as previous_other_yuan
    from this_year as cur
    full outer join last_year as prev
        on cur.project_id = prev.project_id
        and cur.department_name = prev.department_name
        and cur.budget_year = prev.budget_year
)

select
    paired.*,
    case
        when paired.previous_printed_name is null then 'new'
        when paired.printed_name is null then 'dropped'
        when paired.printed_name = paired.previous_printed_name then 'continued'
        else 'renamed'
    end as status
from paired
