-- rule_id: placeholder_value
-- severity: error (only the period value a placeholder: warning)
-- grain: target
-- rationale: the annual or the period target value is only a placeholder (/, —, 无, 不适用, N/A …, placeholder_values.csv, in either width, spaces and punctuation aside; marks such as / and — in any number, or punctuation alone), which states no target; which one is named (a period placeholder with no annual value is also missing_annual_value's).
-- source: 财预〔2021〕101号 (each indicator carries a value for the budget year and for the period); 财预〔2015〕88号 (targets specific and measurable)
-- texts are compared as placeholder_fold (sql/macros) leaves them: whitespace, punctuation and invisible characters
-- (no-break space, U+200B from web editors, a BOM) dropped, full-width forms as ASCII, upper case;
-- the placeholder terms are read from v_audit_placeholder_marks (the marks as one string) and
-- v_audit_placeholder_words (the words, folded, their marks dropped)
-- only a short text (12 characters at most as printed) can be a placeholder: the others never reach the
-- folding or the word list
with short_texts as (
    select
        targets.*,
        case
            when length(targets.annual_target_text) <= 12
                then placeholder_key(targets.annual_target_text, marks.mark_chars)
        end as annual_placeholder_key,
        case
            when length(targets.period_target_text) <= 12
                then placeholder_key(targets.period_target_text, marks.mark_chars)
        end as period_placeholder_key
    from v_audit_base_target as targets
    cross join v_audit_placeholder_marks as marks
    where
        not targets.is_duplicate
        and (length(targets.annual_target_text) <= 12 or length(targets.period_target_text) <= 12)
),

-- left joins, not IN subqueries, so that a filter on the department, the year or the load reaches the scan
placeholder_texts as (
    select
        short_texts.*,
        coalesce(short_texts.annual_placeholder_key = '' or annual_word.word is not null, false)
            as annual_is_placeholder,
        coalesce(short_texts.period_placeholder_key = '' or period_word.word is not null, false)
            as period_is_placeholder
    from short_texts
    left join v_audit_placeholder_words as annual_word on short_texts.annual_placeholder_key = annual_word.word
    left join v_audit_placeholder_words as period_word on short_texts.period_placeholder_key = period_word.word
)

select
    'placeholder_value' as rule_id,
    case when annual_is_placeholder then 'error' else 'warning' end as severity,
    department_name,
    unit_name,
    budget_year,
    project_id,
    project_name,
    seq,
    indicator_name,
    target_text,
    case
        when annual_is_placeholder and period_is_placeholder
            then '年度指标值“' || annual_target_text || '”和实施周期指标值“' || period_target_text
            || '”只是占位符，未说明目标'
        when annual_is_placeholder then '年度指标值“' || annual_target_text || '”只是占位符，未说明目标'
        else '实施周期指标值“' || period_target_text || '”只是占位符，未说明目标'
    end as message,
    load_id
from placeholder_texts
where annual_is_placeholder or period_is_placeholder
