-- rule_id: input_as_target
-- severity: error
-- grain: target
-- rationale: the indicator measures an input (spending the budget: 预算执行率, 资金到位率 …, input_indicators.csv), not an output or an effect.
-- source: 财预〔2021〕101号 (targets measure outputs and effects; inputs such as the budget execution rate are not outputs)
with terms as (
    select term
    from v_audit_vocabulary
    where list_name = 'input_indicators'
),

matched as (
    select
        targets.*,
        (select min(terms.term) from terms where targets.indicator_key like '%' || terms.term || '%') as input_term
    from v_audit_base_target as targets
    where not targets.is_duplicate
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
    '“' || input_term || '”衡量的是投入（资金的执行），不是产出或效益' as message
from matched
where input_term is not null
