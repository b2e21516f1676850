-- v_audit_base_target: what the audit rules (sql/audit/*.sql) read about each target: the project's
-- department, unit and name as printed (the transfer document number included); the resolved type and
-- its level-1 class (产出, 效益, 满意度, 成本); the type as printed; both targets as printed and as read;
-- the name and the annual text in comparable forms (the name as the loader keys it, fact_target.indicator_key:
-- etl.text.fold_key, every full-width ASCII form folded and every whitespace character dropped; the text with
-- spaces and punctuation dropped); target_text is the annual target as printed, or
-- the period one where no annual target is printed. load_id (the table's
-- current load) is what `jixiao audit` filters on: a department-year's rows lie together in storage.
-- department_name is fact_target's own, and the join to the projects carries it, so that a filter on the
-- department reaches both scans (from fact_project_budget, the report's audit of one department over two
-- years read 280,754 rows of fact_target at each of the rules' scans instead of 423: 0.29 -> 0.2 s on L).
with targets as (
    select
        department_name,
        project_id,
        budget_year,
        seq,
        load_id,
        indicator_type_id,
        printed_level1_code,
        printed_level1_name,
        printed_level2_code,
        printed_level2_name,
        is_misparented,
        is_duplicate,
        indicator_name,
        indicator_key,
        period_target_text,
        period_comparison,
        period_value,
        period_unit,
        period_value_status,
        annual_target_text,
        annual_comparison,
        annual_value,
        annual_unit,
        annual_value_status
    from fact_target
),

types as (
    select
        indicator_type_id,
        level1_name,
        level2_code,
        level2_name,
        is_known,
        case
            when level1_name = '成本指标' or level2_name = '成本指标' then '成本'
            when level1_name = '产出指标' then '产出'
            when level1_name = '效益指标' then '效益'
            when level1_name = '满意度指标' then '满意度'
        end as level1_class
    from dim_indicator_type
),

budgets as (
    select project_id, budget_year, department_name, unit_name, printed_name as project_name
    from fact_project_budget
)

select
    targets.department_name,
    budgets.unit_name,
    targets.budget_year,
    targets.project_id,
    budgets.project_name,
    targets.load_id,
    targets.seq,
    targets.indicator_name,
    -- the key the loader stores (etl.text.fold_key): the whole folding, read, not computed. A partial fold here
    -- (only （）：；， and U+3000) let １２３４８… beside 12348… and (％) beside （%） pass as two names (round 33)
    targets.indicator_key,
    types.level1_name,
    types.level2_name,
    types.level1_class,
    types.is_known,
    targets.printed_level1_code,
    targets.printed_level1_name,
    targets.printed_level2_code,
    targets.printed_level2_name,
    targets.is_misparented,
    targets.is_duplicate,
    coalesce(targets.annual_target_text, targets.period_target_text) as target_text,
    targets.period_target_text,
    targets.period_comparison,
    targets.period_value,
    targets.period_unit,
    targets.period_value_status,
    targets.annual_target_text,
    targets.annual_comparison,
    targets.annual_value,
    targets.annual_unit,
    targets.annual_value_status,
    -- the annual text without whitespace and punctuation (either width; brackets 【】 [] and a tilde too:
    -- 【有效提升】, 有效提升~), to compare with phrases
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(replace(replace(replace(
    replace(replace(replace(replace(replace(replace(replace(
        targets.annual_target_text,
        ' ', ''), '　', ''), '，', ''), ',', ''), '。', ''), '.', ''),
        '、', ''), '；', ''), ';', ''), '：', ''), ':', ''), '！', ''),
        '!', ''), '“', ''), '”', ''), '"', ''), '（', ''), '）', ''),
        '(', ''), ')', ''), '【', ''), '】', ''), '[', ''), ']', ''),
        '~', ''), '～', ''), '〜', '') as annual_text_key
from targets
inner join types on targets.indicator_type_id = types.indicator_type_id
inner join budgets
    on targets.department_name = budgets.department_name
    and targets.project_id = budgets.project_id
    and targets.budget_year = budgets.budget_year
