-- rule_id: duplicate_indicator
-- severity: warning
-- grain: target
-- rationale: the same indicator name (the loader's key: full-width forms folded, whitespace dropped) is printed twice in one project-year; each later occurrence is a finding. Two empty names are not a repeat (missing_indicator_name reports each).
-- source: 财预〔2021〕101号 (each indicator measures one thing once)
-- an aggregate and a join rather than a window over every target (a third of the cost over a whole
-- warehouse); the department, year and load in the keys let a filter on them reach both scans
with repeated as (
    select department_name, budget_year, load_id, project_id, indicator_key, min(seq) as first_seq
    from v_audit_base_target
    where indicator_key <> ''
    group by department_name, budget_year, load_id, project_id, indicator_key
    having count(*) > 1
)

select
    'duplicate_indicator' as rule_id,
    'warning' as severity,
    targets.department_name,
    targets.unit_name,
    targets.budget_year,
    targets.project_id,
    targets.project_name,
    targets.seq,
    targets.indicator_name,
    targets.target_text,
    '指标名称与第 ' || cast(repeated.first_seq as varchar) || ' 条重复' as message,
    targets.load_id
from v_audit_base_target as targets
inner join repeated
    on targets.department_name = repeated.department_name
    and targets.budget_year = repeated.budget_year
    and targets.load_id = repeated.load_id
    and targets.project_id = repeated.project_id
    and targets.indicator_key = repeated.indicator_key
where targets.seq > repeated.first_seq
