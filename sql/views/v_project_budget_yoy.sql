-- v_project_budget_yoy: one row per project and compared pair of budget years of its department
-- (budget_year against previous_year, the department's latest earlier year in the warehouse): amounts
-- both years, the change in yuan, 万元 and percent, and a status. new: printed only this year; dropped:
-- printed only the previous year (this year's amounts are NULL); renamed: both years under different
-- printed names (brackets, document number, period, wording); continued: same printed name. link_method
-- says how the two years were linked: exact (same name), else the method recorded for the later-linked name.
with paired as (
    -- the project pairs and their status (see v_project_pair)
    select * from v_project_pair
),

name_links as (
    select name_key, link_method, link_score
    from dim_project_name
),

classified as (
    select
        paired.*,
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
    -- a ratio, not an amount: rounded to 0.01 %, exactly (pct_change: in DOUBLE a half-way ratio rounded down);
    -- DECIMAL(38, 2) holds any ratio of two DECIMAL(18, 2) amounts
    pct_change(change_yuan, previous_total_yuan) as change_pct,
    fiscal_yuan,
    previous_fiscal_yuan,
    special_account_yuan,
    previous_special_account_yuan,
    other_yuan,
    previous_other_yuan
from classified
