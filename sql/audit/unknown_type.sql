-- rule_id: unknown_type
-- severity: warning
-- grain: target
-- rationale: the printed type is not in the indicator tree (nor a known variant of a name in it), so the target cannot be classed.
-- source: 财预〔2021〕101号 (the level-1/level-2 indicator tree)
select
    'unknown_type' as rule_id,
    'warning' as severity,
    department_name,
    unit_name,
    budget_year,
    project_id,
    project_name,
    seq,
    indicator_name,
    target_text,
    '指标类型“' || coalesce(printed_level1_name, '') || '：' || coalesce(printed_level2_name, '')
    || '”不在指标体系中' as message,
    load_id
from v_audit_base_target
where not is_known and not is_duplicate
