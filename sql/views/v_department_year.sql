-- v_department_year: one row per department and budget year: the amounts of its projects in yuan and
-- 万元, the number of projects and of targets (every target printed, the parser's exact repeats included; v_target_yoy
-- leaves those out), and the share of targets whose year's value is quantitative: the annual value, or the period's
-- where no annual one is printed, as v_target_yoy compares them (a period-only quantitative target counted as not).
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
        sum(
            case
                when targets.annual_value_status = 'quantitative' then 1
                when targets.annual_value_status = 'missing' and targets.period_value_status = 'quantitative' then 1
                else 0
            end
        ) as quantitative_target_count
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
    to_wan(budgets.total_yuan) as total_wan,
    to_wan(budgets.fiscal_yuan) as fiscal_wan,
    to_wan(budgets.special_account_yuan) as special_account_wan,
    to_wan(budgets.other_yuan) as other_wan,
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
