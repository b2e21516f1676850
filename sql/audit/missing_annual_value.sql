-- rule_id: missing_annual_value
-- severity: error
-- grain: target
-- rationale: no 年度指标值 is printed, so the budget year's result cannot be checked against anything.
-- source: 财预〔2021〕101号 (each indicator carries a value for the budget year)
select
    'missing_annual_value' as rule_id,
    'error' as severity,
    department_name,
    unit_name,
    budget_year,
    project_id,
    project_name,
    seq,
    indicator_name,
    target_text,
    case
        when period_target_text is null then '未填年度指标值'
        else '未填年度指标值（只有实施周期指标值：' || period_target_text || '）'
    end as message,
    load_id
from v_audit_base_target
-- (a mark printed in its place, — or /, is placeholder_value's: missing since round 32, its text kept)
where annual_value_status = 'missing' and annual_target_text is null and not is_duplicate
