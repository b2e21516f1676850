-- rule_id: direction_suspicious
-- severity: error
-- grain: target
-- rationale: a rate that should be high (满意度, 合格率 …, high_is_good_rates.csv; not one of low_is_good_rates.csv, nor a rate negated by low_is_good_prefixes.csv: 超期办结率) is capped with ≤ < 以下, or a cost ceiling (cost_words.csv or a 成本 type, in 元; not a cost saved, 节约 减免 降低 …: the cost_words exceptions of lower_is_better_exceptions.csv) has ≥ > 以上.
-- source: 财预〔2021〕101号 (正向指标 set a floor, 反向指标 such as costs a ceiling)
with words as (
    select list_name, term
    from audit_vocabulary
    where list_name in ('high_is_good_rates', 'low_is_good_rates', 'cost_words')
    union all
    -- a cost saved (节约运维成本, 减免…费用, 降低…费用 ≥ an amount) is a floor: the exceptions v_target_yoy reads
    select 'cost_saved' as list_name, term
    from audit_vocabulary
    where list_name = 'lower_is_better_exceptions' and value = 'cost_words'
    union all
    -- a high-is-good rate negated by a prefix of low_is_good_prefixes.csv is low-is-good: the prefix right before
    -- 率 or before two characters and 率, the form of the rates of high_is_good_rates.csv (超期办结率, 未按期完成率)
    select 'low_is_good_rates' as list_name, term || '率' as term
    from audit_vocabulary
    where list_name = 'low_is_good_prefixes'
    union all
    select 'low_is_good_rates' as list_name, term || '__率' as term
    from audit_vocabulary
    where list_name = 'low_is_good_prefixes'
),

-- which word lists the indicator's name meets: a left join grouped by the output columns (no
-- correlated subquery), so that a filter on the department or the year reaches the scan of the targets
named as (
    select
        targets.department_name,
        targets.unit_name,
        targets.budget_year,
        targets.project_id,
        targets.project_name,
        targets.seq,
        targets.indicator_name,
        targets.target_text,
        targets.load_id,
        targets.level1_class,
        targets.annual_target_text,
        targets.annual_comparison,
        targets.annual_unit,
        targets.period_target_text,
        targets.period_comparison,
        targets.period_unit,
        max(case when words.list_name = 'high_is_good_rates' then 1 else 0 end) as has_high_word,
        max(case when words.list_name = 'low_is_good_rates' then 1 else 0 end) as has_low_word,
        max(case when words.list_name = 'cost_words' then 1 else 0 end) as has_cost_word,
        max(case when words.list_name = 'cost_saved' then 1 else 0 end) as has_cost_saved
    from v_audit_base_target as targets
    left join words on targets.indicator_key like '%' || words.term || '%'
    where
        not targets.is_duplicate
        -- only a ceiling, or a floor on an amount in 元, can be the wrong way round: the other targets
        -- never reach the word lists
        and (
            targets.annual_comparison in ('<=', '<')
            or targets.period_comparison in ('<=', '<')
            or (targets.annual_comparison in ('>=', '>') and targets.annual_unit like '%元%')
            or (targets.period_comparison in ('>=', '>') and targets.period_unit like '%元%')
        )
    group by
        targets.department_name,
        targets.unit_name,
        targets.budget_year,
        targets.project_id,
        targets.project_name,
        targets.seq,
        targets.indicator_name,
        targets.target_text,
        targets.load_id,
        targets.level1_class,
        targets.annual_target_text,
        targets.annual_comparison,
        targets.annual_unit,
        targets.period_target_text,
        targets.period_comparison,
        targets.period_unit
),

classified as (
    select
        named.*,
        (level1_class = '满意度' or has_high_word = 1) and has_low_word = 0 as is_high_good,
        (level1_class = '成本' or has_cost_word = 1) and has_cost_saved = 0 as is_cost
    from named
),

faults as (
    select
        classified.*,
        case
            when is_high_good and annual_comparison in ('<=', '<') then annual_target_text
            when is_high_good and period_comparison in ('<=', '<') then period_target_text
        end as capped_text,
        case
            when is_cost and annual_comparison in ('>=', '>') and annual_unit like '%元%' then annual_target_text
            when is_cost and period_comparison in ('>=', '>') and period_unit like '%元%' then period_target_text
        end as floored_text
    from classified
)

select
    'direction_suspicious' as rule_id,
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
        when capped_text is not null then '应越高越好的指标用了上限：“' || capped_text || '”'
        else '成本应设上限，却用了下限：“' || floored_text || '”'
    end as message,
    load_id
from faults
where capped_text is not null or floored_text is not null
