-- rule_id: annual_exceeds_period
-- severity: error
-- grain: target
-- rationale: a count or amount in a unit that adds up over the years (countable_units.csv: 人, 次, 场, 宗, 万元 …; not rates, unit amounts or times), the same on both sides after folding unit_synonyms.csv, is larger for the budget year than for the whole period it is part of.
-- source: 财预〔2021〕101号 (the annual target is the budget year's part of the period target)
with synonyms as (
    select term, value
    from audit_vocabulary
    where list_name = 'unit_synonyms'
),

countable as (
    select term
    from audit_vocabulary
    where list_name = 'countable_units'
),

targets as (
    select
        targets.*,
        coalesce(annual_synonym.value, targets.annual_unit) as annual_unit_key,
        coalesce(period_synonym.value, targets.period_unit) as period_unit_key
    from v_audit_base_target as targets
    left join synonyms as annual_synonym on targets.annual_unit = annual_synonym.term
    left join synonyms as period_synonym on targets.period_unit = period_synonym.term
    where
        targets.annual_value_status = 'quantitative'
        and targets.period_value_status = 'quantitative'
        and targets.annual_value > targets.period_value
        and not targets.is_duplicate
)

select
    'annual_exceeds_period' as rule_id,
    'error' as severity,
    targets.department_name,
    targets.unit_name,
    targets.budget_year,
    targets.project_id,
    targets.project_name,
    targets.seq,
    targets.indicator_name,
    targets.target_text,
    '年度指标值“' || targets.annual_target_text || '”大于实施周期指标值“' || targets.period_target_text || '”'
        as message,
    targets.load_id
from targets
-- a join, not an IN subquery, so that a filter on the department, the year or the load reaches the scan
inner join countable on targets.annual_unit_key = countable.term
where targets.annual_unit_key = targets.period_unit_key
