-- rule_id: vague_value
-- severity: warning
-- grain: target
-- rationale: the annual target is only a vague word or phrase (及时, 达标, 有效提升 …, vague_words.csv, alone or two together), which cannot be measured.
-- source: 财预〔2021〕101号 and 财预〔2015〕88号 (targets specific and measurable, quantitative where possible)
with vague as (
    select term
    from audit_vocabulary
    where list_name = 'vague_words'
),

phrases as (
    select term as phrase from vague
    union all
    select first_word.term || second_word.term as phrase
    from vague as first_word
    cross join vague as second_word
)

select
    'vague_value' as rule_id,
    'warning' as severity,
    department_name,
    unit_name,
    budget_year,
    project_id,
    project_name,
    seq,
    indicator_name,
    target_text,
    '年度指标值“' || annual_target_text || '”只是含糊的表述，无法衡量' as message,
    load_id
from v_audit_base_target
where
    annual_value_status = 'qualitative'
    and not is_duplicate
    and annual_text_key in (select phrase from phrases)
