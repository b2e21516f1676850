-- rule_id: missing_indicator_name
-- severity: error
-- grain: target
-- rationale: the type and the values are printed but no indicator name (empty, or only a placeholder of placeholder_values.csv such as / or 无, in either width), so what the target measures is not said; the message names the type and the value to find it by.
-- source: 财预〔2021〕101号 (each indicator is named under its level-1 and level-2 type)
-- texts are compared as placeholder_fold (sql/macros) leaves them: whitespace, punctuation and invisible characters
-- (no-break space, U+200B from web editors, a BOM) dropped, full-width forms as ASCII, upper case;
-- the placeholder terms are read from v_audit_placeholder_marks (the marks as one string) and
-- v_audit_placeholder_words (the words, folded, their marks dropped)
-- only a short name (12 characters at most as printed) can be empty or a placeholder: the others never
-- reach the folding or the word list
with short_names as (
    select
        targets.*,
        placeholder_key(targets.indicator_name, marks.mark_chars) as name_placeholder_key
    from v_audit_base_target as targets
    cross join v_audit_placeholder_marks as marks
    where not targets.is_duplicate and length(targets.indicator_name) <= 12
),

-- a left join, not an IN subquery, so that a filter on the department, the year or the load reaches the scan
unnamed as (
    select short_names.*
    from short_names
    left join v_audit_placeholder_words as words on short_names.name_placeholder_key = words.word
    where short_names.name_placeholder_key = '' or words.word is not null
)

select
    'missing_indicator_name' as rule_id,
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
        when trim(translate(indicator_name, chr(160) || chr(8203) || chr(65279), '')) = '' then '未填指标名称'
        else '指标名称“' || indicator_name || '”只是占位符'
    end
    || '（指标类型“' || coalesce(printed_level1_name, level1_name, '') || '：'
    || coalesce(printed_level2_name, level2_name, '') || '”，'
    || case
        when annual_target_text is not null then '年度指标值“' || annual_target_text || '”'
        when period_target_text is not null then '实施周期指标值“' || period_target_text || '”'
        else '未填指标值'
    end || '）' as message,
    load_id
from unnamed
