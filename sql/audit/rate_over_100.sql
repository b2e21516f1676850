-- rule_id: rate_over_100
-- severity: error
-- grain: target
-- rationale: a share that cannot pass 100% (a satisfaction, pass, coverage or accuracy rate: bounded_rates.csv, the word ending the indicator's name or before its bracketed unit) is set at more than 100% as a floor or an exact value (满意度 ≥105%, 合格率 120%): a target that can never be met. A ceiling above 100% (≤120%) says nothing, and is not this rule's.
-- source: 财预〔2021〕101号 (targets are to be measurable and attainable)
with bounded as (
    select term
    from audit_vocabulary
    where list_name = 'bounded_rates'
),

percent as (
    select '%' as unit
    union all
    select term as unit
    from audit_vocabulary
    where list_name = 'unit_synonyms' and value = '%'
),

-- each value of a target as a row: the annual one, and the period's (a period target over 100% is as unattainable)
printed as (
    select
        department_name, unit_name, budget_year, project_id, project_name, seq, indicator_name, indicator_key,
        target_text, load_id, '年度' as basis, annual_target_text as value_text, annual_comparison as comparison,
        annual_value as value, annual_unit as unit
    from v_audit_base_target
    where annual_value_status = 'quantitative' and not is_duplicate
    union all
    select
        department_name, unit_name, budget_year, project_id, project_name, seq, indicator_name, indicator_key,
        target_text, load_id, '实施周期' as basis, period_target_text as value_text, period_comparison as comparison,
        period_value as value, period_unit as unit
    from v_audit_base_target
    where period_value_status = 'quantitative' and not is_duplicate
),

-- a join on the words grouped by the output columns (no correlated subquery: see direction_suspicious.sql), so that a
-- filter on the department or the year reaches the scan of the targets
over as (
    select
        printed.department_name,
        printed.unit_name,
        printed.budget_year,
        printed.project_id,
        printed.project_name,
        printed.seq,
        printed.indicator_name,
        printed.target_text,
        printed.load_id,
        max(case when printed.basis = '年度' then printed.value_text end) as annual_text,
        max(case when printed.basis = '实施周期' then printed.value_text end) as period_text
    from printed
    inner join percent on printed.unit = percent.unit
    inner join bounded
        on printed.indicator_key like '%' || bounded.term or printed.indicator_key like '%' || bounded.term || '(%'
    where
        (printed.comparison in ('>=', '=') and printed.value > 100)
        or (printed.comparison = '>' and printed.value >= 100)
    group by
        printed.department_name,
        printed.unit_name,
        printed.budget_year,
        printed.project_id,
        printed.project_name,
        printed.seq,
        printed.indicator_name,
        printed.target_text,
        printed.load_id
)

select
    'rate_over_100' as rule_id,
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
        when annual_text is not null then '比率类指标的年度指标值超过100%：' || annual_text
        else '比率类指标的实施周期指标值超过100%：' || period_text
    end || '，无法实现' as message,
    load_id
from over
