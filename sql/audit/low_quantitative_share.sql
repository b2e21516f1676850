-- rule_id: low_quantitative_share
-- severity: warning
-- grain: project
-- rationale: fewer than half (min_quantitative_share) of the project's annual targets are quantitative.
-- source: 《中央部门预算绩效目标管理办法》(财预〔2015〕88号: 尽量进行定量表述) and 财预〔2021〕101号
with thresholds as (
    select cast(value as decimal(9, 4)) as min_share
    from audit_vocabulary
    where list_name = 'thresholds' and term = 'min_quantitative_share'
)

select
    'low_quantitative_share' as rule_id,
    'warning' as severity,
    projects.department_name,
    projects.unit_name,
    projects.budget_year,
    projects.project_id,
    projects.project_name,
    cast(null as integer) as seq,
    cast(null as varchar) as indicator_name,
    cast(null as varchar) as target_text,
    '定量的年度指标只有 ' || cast(projects.quantitative_count as varchar) || ' 个（共 '
    || cast(projects.target_count as varchar) || ' 个）' as message,
    load_id
from v_audit_base_project as projects
cross join thresholds
where projects.target_count > 0 and projects.quantitative_count < thresholds.min_share * projects.target_count
