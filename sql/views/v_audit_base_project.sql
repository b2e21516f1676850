-- v_audit_base_project: what the project-level audit rules read about each project-year: how many
-- targets it prints (the parser's exact repeats left out), how many of their annual values are
-- quantitative, which level-1 classes (产出, 效益, 满意度, 成本) its targets cover (1 or 0), its goal
-- (绩效目标) as printed, and whether it prints an amount (1 or 0).
-- Projects and their targets are stacked and grouped (not left-joined), so that a filter on the
-- department, the year or the load reaches the scans of both.
with rows as (
    select
        department_name,
        unit_name,
        budget_year,
        project_id,
        printed_name as project_name,
        load_id,
        0 as is_target,
        cast(null as varchar) as level1_class,
        cast(null as varchar) as annual_value_status,
        goal_text,
        case when total_yuan <> 0 or coalesce(period_total_yuan, 0) <> 0 then 1 else 0 end as has_amount
    from fact_project_budget

    union all

    select
        department_name,
        unit_name,
        budget_year,
        project_id,
        project_name,
        load_id,
        1 as is_target,
        level1_class,
        annual_value_status,
        cast(null as varchar) as goal_text,
        0 as has_amount
    from v_audit_base_target
    where not is_duplicate
)

select
    department_name,
    unit_name,
    budget_year,
    project_id,
    project_name,
    load_id,
    sum(is_target) as target_count,
    sum(case when annual_value_status = 'quantitative' then 1 else 0 end) as quantitative_count,
    max(case when level1_class = '产出' then 1 else 0 end) as has_output,
    max(case when level1_class = '效益' then 1 else 0 end) as has_effect,
    max(case when level1_class = '满意度' then 1 else 0 end) as has_satisfaction,
    max(case when level1_class = '成本' then 1 else 0 end) as has_cost,
    max(goal_text) as goal_text,
    max(has_amount) as has_amount
from rows
group by department_name, unit_name, budget_year, project_id, project_name, load_id
