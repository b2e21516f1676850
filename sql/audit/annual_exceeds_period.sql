-- rule_id: annual_exceeds_period
-- severity: error
-- grain: target
-- rationale: a count or amount in a unit that adds up over the years (countable_units.csv: 人, 次, 场, 宗, 万元 …; not rates, unit amounts or times), the same on both sides after folding unit_synonyms.csv, is larger for the budget year than for the whole period it is part of (a period target stated per year, quarter … or as an average, per_period_words.csv, in its text or in the indicator's name, is no total of the period).
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

per_period as (
    select term
    from audit_vocabulary
    where list_name = 'per_period_words'
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
),

-- which targets state the period's value per year, quarter … (or as an average), in its text or in the indicator's
-- name (法律顾问每季度举办法治讲座（场次）: ≥1场次 a quarter, ≥4场次 a year), and the annual one not: a left join
-- on the words grouped by the output columns (no correlated subquery: see direction_suspicious.sql)
compared as (
    select
        targets.department_name,
        targets.unit_name,
        targets.budget_year,
        targets.project_id,
        targets.project_name,
        targets.seq,
        targets.indicator_name,
        targets.target_text,
        targets.annual_target_text,
        targets.period_target_text,
        targets.load_id,
        max(case when targets.period_target_text like '%' || per_period.term || '%' then 1 else 0 end) as period_per,
        max(case when targets.annual_target_text like '%' || per_period.term || '%' then 1 else 0 end) as annual_per,
        max(case when targets.indicator_name like '%' || per_period.term || '%' then 1 else 0 end) as name_per
    from targets
    -- joins, not IN subqueries, so that a filter on the department, the year or the load reaches the scan
    inner join countable on targets.annual_unit_key = countable.term
    left join per_period
        on targets.period_target_text like '%' || per_period.term || '%'
        or targets.annual_target_text like '%' || per_period.term || '%'
        or targets.indicator_name like '%' || per_period.term || '%'
    where targets.annual_unit_key = targets.period_unit_key
    group by
        targets.department_name,
        targets.unit_name,
        targets.budget_year,
        targets.project_id,
        targets.project_name,
        targets.seq,
        targets.indicator_name,
        targets.target_text,
        targets.annual_target_text,
        targets.period_target_text,
        targets.load_id
)

select
    'annual_exceeds_period' as rule_id,
    'error' as severity,
    department_name,
    unit_name,
    budget_year,
    project_id,
    project_name,
    seq,
    indicator_name,
    target_text,
    '年度指标值“' || annual_target_text || '”大于实施周期指标值“' || period_target_text || '”' as message,
    load_id
from compared
-- 每年不少于400宗 for the period against 不少于450宗 for the year: no total of the period to exceed (每年 on both
-- sides compares: 每年不少于500宗 against 每年不少于400宗 is an error). A name per quarter (每季度举办法治讲座) says
-- the same of the period's value, unless the annual text is stated per quarter too
where not ((period_per = 1 or name_per = 1) and annual_per = 0)
