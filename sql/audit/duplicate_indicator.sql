-- rule_id: duplicate_indicator
-- severity: warning
-- grain: target
-- rationale: the same indicator name (widths folded, spaces dropped) is printed twice in one project-year; each later occurrence is a finding.
-- source: 财预〔2021〕101号 (each indicator measures one thing once)
with numbered as (
    select
        v_audit_base_target.*,
        -- department, year and load in the partition (a project-year implies them) let a filter on
        -- them reach the scan below the window
        row_number() over (
            partition by department_name, budget_year, load_id, project_id, indicator_key order by seq
        ) as occurrence,
        min(seq) over (partition by department_name, budget_year, load_id, project_id, indicator_key) as first_seq
    from v_audit_base_target
)

select
    'duplicate_indicator' as rule_id,
    'warning' as severity,
    department_name,
    unit_name,
    budget_year,
    project_id,
    project_name,
    seq,
    indicator_name,
    target_text,
    '指标名称与第 ' || cast(first_seq as varchar) || ' 条重复' as message,
    load_id
from numbered
where occurrence > 1
