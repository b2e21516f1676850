-- rule_id: direction_suspicious
-- severity: error
-- grain: target
-- rationale: a rate that should be high (满意度, 合格率 …, high_is_good_rates.csv; not one of low_is_good_rates.csv) is capped with ≤ < 以下, or a cost ceiling (cost_words.csv or a 成本 type, in 元) has ≥ > 以上.
-- source: 财预〔2021〕101号 (正向指标 set a floor, 反向指标 such as costs a ceiling)
with high_words as (
    select term from v_audit_vocabulary where list_name = 'high_is_good_rates'
),

low_words as (
    select term from v_audit_vocabulary where list_name = 'low_is_good_rates'
),

cost_words as (
    select term from v_audit_vocabulary where list_name = 'cost_words'
),

classified as (
    select
        targets.*,
        (
            targets.level1_class = '满意度'
            or exists (select 1 from high_words where targets.indicator_key like '%' || high_words.term || '%')
        )
        and not exists (
            select 1 from low_words where targets.indicator_key like '%' || low_words.term || '%'
        ) as is_high_good,
        (
            targets.level1_class = '成本'
            or exists (select 1 from cost_words where targets.indicator_key like '%' || cost_words.term || '%')
        ) as is_cost
    from v_audit_base_target as targets
    where
        not targets.is_duplicate
        and (targets.annual_value_status = 'quantitative' or targets.period_value_status = 'quantitative')
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
    end as message
from faults
where capped_text is not null or floored_text is not null
