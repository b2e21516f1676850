-- rule_id: period_annual_unit_mismatch
-- severity: warning
-- grain: target
-- rationale: the period and annual values are both quantitative but in different units, or a unit on one side only (after folding the synonyms of unit_synonyms.csv, such as 场次/场), so they cannot be compared.
-- source: 财预〔2021〕101号 (the annual target is the budget year's part of the period target, in the same measure)
with synonyms as (
    select term, value
    from audit_vocabulary
    where list_name = 'unit_synonyms'
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
        and not targets.is_duplicate
)

select
    'period_annual_unit_mismatch' as rule_id,
    'warning' as severity,
    department_name,
    unit_name,
    budget_year,
    project_id,
    project_name,
    seq,
    indicator_name,
    target_text,
    '实施周期指标值“' || period_target_text || '”（' || coalesce(period_unit, '无单位') || '）与年度指标值“'
    || annual_target_text || '”（' || coalesce(annual_unit, '无单位') || '）的单位不同' as message,
    load_id
from targets
-- a unit printed on one side only is a mismatch too (12人 against 12)
where coalesce(annual_unit_key, '') <> coalesce(period_unit_key, '')
