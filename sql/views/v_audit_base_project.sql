-- v_audit_base_project: what the project-level audit rules read about each project-year: how many
-- targets it prints (the parser's exact repeats left out), how many of their annual values are
-- quantitative, and which level-1 classes (产出, 效益, 满意度, 成本) its targets cover (1 or 0).
with budgets as (
    select project_id, budget_year, department_name, unit_name, printed_name as project_name
    from fact_project_budget
),

targets as (
    select project_id, budget_year, level1_class, annual_value_status
    from v_audit_base_target
    where not is_duplicate
),

covered as (
    select
        project_id,
        budget_year,
        count(*) as target_count,
        sum(case when annual_value_status = 'quantitative' then 1 else 0 end) as quantitative_count,
        max(case when level1_class = '产出' then 1 else 0 end) as has_output,
        max(case when level1_class = '效益' then 1 else 0 end) as has_effect,
        max(case when level1_class = '满意度' then 1 else 0 end) as has_satisfaction,
        max(case when level1_class = '成本' then 1 else 0 end) as has_cost
    from targets
    group by project_id, budget_year
)

select
    budgets.department_name,
    budgets.unit_name,
    budgets.budget_year,
    budgets.project_id,
    budgets.project_name,
    coalesce(covered.target_count, 0) as target_count,
    coalesce(covered.quantitative_count, 0) as quantitative_count,
    coalesce(covered.has_output, 0) as has_output,
    coalesce(covered.has_effect, 0) as has_effect,
    coalesce(covered.has_satisfaction, 0) as has_satisfaction,
    coalesce(covered.has_cost, 0) as has_cost
from budgets
left join covered
    on budgets.project_id = covered.project_id
    and budgets.budget_year = covered.budget_year
