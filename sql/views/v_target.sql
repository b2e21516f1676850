-- v_target: one row per performance target (project x budget year x indicator), with its
-- resolved type, the type as printed, both targets as printed and as read, the weight (权重) and direction
-- (指标方向 正向/反向) where the layout prints them (the per-row layout; NULL otherwise), and its project.
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
    targets.weight,
    targets.direction,
    targets.load_id,
    targets.source_line
from targets
inner join types on targets.indicator_type_id = types.indicator_type_id
inner join budgets
    on targets.project_id = budgets.project_id
    and targets.budget_year = budgets.budget_year
