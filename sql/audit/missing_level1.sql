-- rule_id: missing_level1
-- severity: warning (a missing 成本 from cost_level1_from_year on: info)
-- grain: project
-- rationale: a project's targets should cover outputs, effects and the satisfaction of those served; the missing level-1 types are named.
-- source: 财预〔2021〕101号 (indicators of cost, output, effect and satisfaction; 成本指标 a level 1 of its own) and 《中央部门预算绩效目标管理办法》(财预〔2015〕88号)
with thresholds as (
    select cast(value as integer) as cost_from_year
    from audit_vocabulary
    where list_name = 'thresholds' and term = 'cost_level1_from_year'
),

projects as (
    select
        department_name,
        unit_name,
        budget_year,
        project_id,
        project_name,
        load_id,
        has_cost,
        concat_ws(
            '、',
            case when has_output = 0 then '产出指标' end,
            case when has_effect = 0 then '效益指标' end,
            case when has_satisfaction = 0 then '满意度指标' end
        ) as missing_names
    from v_audit_base_project
)

select
    'missing_level1' as rule_id,
    'warning' as severity,
    department_name,
    unit_name,
    budget_year,
    project_id,
    project_name,
    cast(null as integer) as seq,
    cast(null as varchar) as indicator_name,
    cast(null as varchar) as target_text,
    '缺少一级指标：' || missing_names as message,
    load_id
from projects
where missing_names <> ''

union all

select
    'missing_level1' as rule_id,
    'info' as severity,
    projects.department_name,
    projects.unit_name,
    projects.budget_year,
    projects.project_id,
    projects.project_name,
    cast(null as integer) as seq,
    cast(null as varchar) as indicator_name,
    cast(null as varchar) as target_text,
    '缺少一级指标：成本指标' as message,
    load_id
from projects
cross join thresholds
where projects.has_cost = 0 and projects.budget_year >= thresholds.cost_from_year
