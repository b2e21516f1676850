-- v_project_budget_yoy: one row per project and compared pair of budget years of its department
-- (budget_year against previous_year, the department's latest earlier year in the warehouse): amounts
-- both years, the change in yuan, 万元 and percent, and a status. new: printed only this year; dropped:
-- printed only the previous year (this year's amounts are NULL); renamed: both years under different
-- printed names (brackets, document number, period, wording); continued: same printed name. link_method
-- says how the two years were linked: exact (same name), else the method recorded for the later-linked name.
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
),

name_links as (
    select name_key, link_method, link_score
    from dim_project_name
),

classified as (
    select
        paired.*,
        case
            when paired.previous_printed_name is null then 'new'
            when paired.printed_name is null then 'dropped'
            when paired.printed_name = paired.previous_printed_name then 'continued'
            else 'renamed'
        end as status,
        case
            when paired.name_key = paired.previous_name_key then 'exact'
            when this_link.link_method <> 'new' then this_link.link_method
            else previous_link.link_method
        end as link_method,
        case
            when paired.name_key = paired.previous_name_key then null
            when this_link.link_method <> 'new' then this_link.link_score
            else previous_link.link_score
        end as link_score,
        coalesce(paired.total_yuan, 0) - coalesce(paired.previous_total_yuan, 0) as change_yuan
    from paired
    left join name_links as this_link on paired.name_key = this_link.name_key
    left join name_links as previous_link on paired.previous_name_key = previous_link.name_key
)

select
    department_name,
    budget_year,
    previous_year,
    project_id,
    unit_name,
    project_name,
    printed_name,
    previous_printed_name,
    status,
    case when status in ('continued', 'renamed') then link_method end as link_method,
    case when status in ('continued', 'renamed') then link_score end as link_score,
    is_transfer_payment,
    transfer_doc_no,
    previous_transfer_doc_no,
    total_yuan,
    previous_total_yuan,
    change_yuan,
    to_wan(total_yuan) as total_wan,
    to_wan(previous_total_yuan) as previous_total_wan,
    to_wan(change_yuan) as change_wan,
    -- a ratio, not an amount: rounded to 0.01 %; DECIMAL(38, 2) holds any ratio of two DECIMAL(18, 2) amounts
    case
        when previous_total_yuan <> 0 then cast(round(change_yuan * 100.0 / previous_total_yuan, 2) as decimal(38, 2))
    end as change_pct,
    fiscal_yuan,
    previous_fiscal_yuan,
    special_account_yuan,
    previous_special_account_yuan,
    other_yuan,
    previous_other_yuan
from classified
