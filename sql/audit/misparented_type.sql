-- rule_id: misparented_type
-- severity: warning
-- grain: target
-- rationale: the level-2 type is printed under a level 1 it does not belong to (its code says otherwise), so the target is counted under the wrong heading.
-- source: 财预〔2021〕101号 (the level-1/level-2 indicator tree)
select
    'misparented_type' as rule_id,
    'warning' as severity,
    department_name,
    unit_name,
    budget_year,
    project_id,
    project_name,
    seq,
    indicator_name,
    target_text,
    '二级指标“' || coalesce(nullif(printed_level2_code, '') || '-', '') || coalesce(printed_level2_name, '')
    || '”印在一级指标“' || coalesce(nullif(printed_level1_code, '') || '-', '') || coalesce(printed_level1_name, '')
    || '”下，应属“' || level1_name || '”' as message,
    load_id
from v_audit_base_target
where is_misparented and not is_duplicate
