-- rule_id: vague_value
-- severity: warning
-- grain: target
-- rationale: the annual target is only a vague word or phrase (及时, 达标, 有效提升 …, vague_words.csv, alone or two together), or ends in a vague rise (value trend: 群众法治意识明显提升, 较上年有所提升, 同比提高, 力争提升), which cannot be measured; a grade alone (优秀, 优良, 良好: value grade) on a graded assessment (graded_names.csv: 等级, 等次 …) is not vague.
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
),

-- a rise with no measure ends the text after a subject, a comparison or a hedge (群众满意度显著提升, 同比提高,
-- 力争提升): the words of value trend (at most 6 characters), looked up by the text's last 2 to 6 characters, so
-- that the lookups are hash joins, not a LIKE per word and target
trends as (
    select term
    from audit_vocabulary
    where list_name = 'vague_words' and value = 'trend'
),

-- the candidates, and whether a grade alone is on a graded assessment: a left join on the name's words grouped by
-- the output columns (no correlated subquery: see direction_suspicious.sql)
candidates as (
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
        targets.annual_text_key,
        targets.load_id,
        max(case when graded.term is null then 0 else 1 end) as is_graded
    from v_audit_base_target as targets
    left join audit_vocabulary as graded
        on graded.list_name = 'graded_names'
        and targets.indicator_key like '%' || graded.term || '%'
    where
        targets.annual_value_status = 'qualitative'
        and not targets.is_duplicate
        and (
            targets.annual_text_key in (select phrase from phrases)
            or right(targets.annual_text_key, 2) in (select term from trends)
            or right(targets.annual_text_key, 3) in (select term from trends)
            or right(targets.annual_text_key, 4) in (select term from trends)
            or right(targets.annual_text_key, 5) in (select term from trends)
            or right(targets.annual_text_key, 6) in (select term from trends)
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
        targets.annual_target_text,
        targets.annual_text_key,
        targets.load_id
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
from candidates
-- 法治广州建设考评（等级）: 优秀 is the grade aimed at, as 良好以上 is
where not (
    is_graded = 1
    and annual_text_key in (select term from audit_vocabulary where list_name = 'vague_words' and value = 'grade')
)
