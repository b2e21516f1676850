-- rule_id: input_as_target
-- severity: error
-- grain: target
-- rationale: the indicator measures an input (spending the budget: 预算执行率, 资金到位率 …, input_indicators.csv), not an output or an effect.
-- source: 财预〔2021〕101号 (targets measure outputs and effects; inputs such as the budget execution rate are not outputs)
with terms as (
    select term
    from audit_vocabulary
    where list_name = 'input_indicators'
),

-- a join, not a correlated subquery, and grouped by the output columns: a filter on the department
-- or the year then reaches the scan of the targets
matched as (
    select
        targets.department_name,
        targets.unit_name,
        targets.budget_year,
        targets.project_id,
        targets.project_name,
        targets.seq,
        targets.indicator_name,
        targets.target_text,
        targets.load_id,
        min(terms.term) as input_term
    from v_audit_base_target as targets
    inner join terms on targets.indicator_key like '%' || terms.term || '%'
    where not targets.is_duplicate
    group by
        targets.department_name,
        targets.unit_name,
        targets.budget_year,
        targets.project_id,
        targets.project_name,
        targets.seq,
        targets.indicator_name,
        targets.target_text,
        targets.load_id
)

select
    'input_as_target' as rule_id,
    'error' as severity,
    department_name,
    unit_name,
    budget_year,
    project_id,
    project_name,
    seq,
    indicator_name,
    target_text,
    '“' || input_term || '”衡量的是投入（资金的执行），不是产出或效益' as message,
    load_id
from matched
