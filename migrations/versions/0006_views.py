"""Cross-year comparison views (copies of sql/views/ at this revision).

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

VIEWS = {
    "v_project_budget_yoy": """
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
    cast(total_yuan * 0.0001 as decimal(18, 6)) as total_wan,
    cast(previous_total_yuan * 0.0001 as decimal(18, 6)) as previous_total_wan,
    cast(change_yuan * 0.0001 as decimal(18, 6)) as change_wan,
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
""",
    "v_target_yoy": """
-- v_target_yoy: one row per project, compared pair of years (as in v_project_budget_yoy) and indicator:
-- this year's annual target beside last year's (the period target where no annual one is printed:
-- target_basis says which). Targets are matched by indicator name (widths folded,
-- spaces dropped) within one project identity; a name printed twice with different targets is matched
-- by its order of appearance, and the exact repeats the parser flags (is_duplicate) are left out.
-- change: added, removed, unchanged, raised, lowered (both quantitative in the same unit and direction:
-- for >=, >, = a larger number is more demanding, for <=, < a smaller one), or changed (anything else).
with project_pairs as (
    select department_name, budget_year, previous_year, project_id, unit_name, project_name, status
    from v_project_budget_yoy
),

targets as (
    -- every target but the parser's exact repeats, with the name and the annual text in a comparable form
    select
        project_id,
        budget_year,
        seq,
        indicator_name,
        replace(translate(indicator_name, '（）：；，　', '():;, '), ' ', '') as indicator_key,
        case when annual_value_status = 'missing' then 'period' else 'annual' end as target_basis,
        case when annual_value_status = 'missing' then period_target_text else annual_target_text end as target_text,
        case when annual_value_status = 'missing' then period_comparison else annual_comparison end as comparison,
        case when annual_value_status = 'missing' then period_value else annual_value end as target_value,
        case when annual_value_status = 'missing' then period_unit else annual_unit end as target_unit,
        case when annual_value_status = 'missing' then period_value_status else annual_value_status end as value_status
    from fact_target
    where not is_duplicate
),

numbered as (
    select
        targets.*,
        row_number() over (partition by project_id, budget_year, indicator_key order by seq) as occurrence
    from targets
),

this_year as (
    select pairs.budget_year as pair_year, numbered.*
    from project_pairs as pairs
    inner join numbered
        on pairs.project_id = numbered.project_id
        and pairs.budget_year = numbered.budget_year
),

last_year as (
    select pairs.budget_year as pair_year, numbered.*
    from project_pairs as pairs
    inner join numbered
        on pairs.project_id = numbered.project_id
        and pairs.previous_year = numbered.budget_year
),

paired as (
    select
        coalesce(cur.project_id, prev.project_id) as project_id,
        coalesce(cur.pair_year, prev.pair_year) as budget_year,
        coalesce(cur.indicator_name, prev.indicator_name) as indicator_name,
        cur.seq,
        prev.seq as previous_seq,
        cur.target_basis,
        prev.target_basis as previous_target_basis,
        cur.target_text,
        prev.target_text as previous_target_text,
        cur.comparison,
        prev.comparison as previous_comparison,
        cur.target_value,
        prev.target_value as previous_target_value,
        cur.target_unit,
        prev.target_unit as previous_target_unit,
        cur.value_status,
        prev.value_status as previous_value_status,
        case when cur.comparison in ('<=', '<') then -1 else 1 end as direction,
        case when prev.comparison in ('<=', '<') then -1 else 1 end as previous_direction
    from this_year as cur
    full outer join last_year as prev
        on cur.project_id = prev.project_id
        and cur.pair_year = prev.pair_year
        and cur.indicator_key = prev.indicator_key
        and cur.occurrence = prev.occurrence
),

comparable as (
    -- both targets quantitative, in the same unit and the same direction
    select
        paired.*,
        coalesce(
            value_status = 'quantitative'
            and previous_value_status = 'quantitative'
            and coalesce(target_unit, '') = coalesce(previous_target_unit, '')
            and direction = previous_direction,
            false
        ) as is_comparable
    from paired
),

classified as (
    select
        comparable.*,
        case
            when previous_seq is null then 'added'
            when seq is null then 'removed'
            when is_comparable and target_value = previous_target_value
                and comparison = previous_comparison then 'unchanged'
            when is_comparable and target_value = previous_target_value then 'changed'
            when is_comparable and (target_value - previous_target_value) * direction > 0 then 'raised'
            when is_comparable then 'lowered'
            -- qualitative texts: equal as printed, or once widths, spaces and a final 。 are set aside
            -- (normalised only for the rows that reach this test: a third of the view's cost otherwise)
            when target_text = previous_target_text then 'unchanged'
            when rtrim(replace(translate(coalesce(target_text, ''), '（）：；，　', '():;, '), ' ', ''), '。')
                = rtrim(replace(translate(coalesce(previous_target_text, ''), '（）：；，　', '():;, '), ' ', ''), '。')
                then 'unchanged'
            else 'changed'
        end as change
    from comparable
)

select
    pairs.department_name,
    classified.budget_year,
    pairs.previous_year,
    classified.project_id,
    pairs.unit_name,
    pairs.project_name,
    pairs.status as project_status,
    classified.indicator_name,
    classified.change,
    classified.previous_target_text,
    classified.target_text,
    coalesce(classified.target_basis, classified.previous_target_basis) as target_basis,
    classified.previous_comparison,
    classified.previous_target_value,
    classified.previous_target_unit,
    classified.comparison,
    classified.target_value,
    classified.target_unit,
    classified.previous_seq,
    classified.seq
from classified
inner join project_pairs as pairs
    on classified.project_id = pairs.project_id
    and classified.budget_year = pairs.budget_year
""",
    "v_department_year": """
-- v_department_year: one row per department and budget year: the amounts of its projects in yuan and
-- 万元, the number of projects and targets, and the share of targets whose annual value is quantitative.
with budgets as (
    select
        department_name,
        budget_year,
        count(*) as project_count,
        sum(total_yuan) as total_yuan,
        sum(fiscal_yuan) as fiscal_yuan,
        sum(special_account_yuan) as special_account_yuan,
        sum(other_yuan) as other_yuan,
        sum(case when is_transfer_payment then 1 else 0 end) as transfer_project_count
    from fact_project_budget
    group by department_name, budget_year
),

target_counts as (
    select
        budgets.department_name,
        targets.budget_year,
        count(*) as target_count,
        sum(case when targets.annual_value_status = 'quantitative' then 1 else 0 end) as quantitative_target_count
    from fact_target as targets
    inner join fact_project_budget as budgets
        on targets.project_id = budgets.project_id
        and targets.budget_year = budgets.budget_year
    group by budgets.department_name, targets.budget_year
)

select
    budgets.department_name,
    budgets.budget_year,
    budgets.project_count,
    budgets.transfer_project_count,
    budgets.total_yuan,
    budgets.fiscal_yuan,
    budgets.special_account_yuan,
    budgets.other_yuan,
    cast(budgets.total_yuan * 0.0001 as decimal(18, 6)) as total_wan,
    cast(budgets.fiscal_yuan * 0.0001 as decimal(18, 6)) as fiscal_wan,
    cast(budgets.special_account_yuan * 0.0001 as decimal(18, 6)) as special_account_wan,
    cast(budgets.other_yuan * 0.0001 as decimal(18, 6)) as other_wan,
    coalesce(target_counts.target_count, 0) as target_count,
    coalesce(target_counts.quantitative_target_count, 0) as quantitative_target_count,
    case
        when target_counts.target_count > 0
            then cast(round(target_counts.quantitative_target_count * 1.0 / target_counts.target_count, 4)
                as decimal(5, 4))
    end as quantitative_share
from budgets
left join target_counts
    on budgets.department_name = target_counts.department_name
    and budgets.budget_year = target_counts.budget_year
""",
}


def upgrade() -> None:
    for name, sql in VIEWS.items():
        op.execute(f"CREATE OR REPLACE VIEW {name} AS\n{sql}")


def downgrade() -> None:
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW {name}")
