-- rule_id: missing_goal
-- severity: error
-- grain: project
-- rationale: a project with targets or an amount prints no 绩效目标 (empty, or only a placeholder of placeholder_values.csv such as / or 无, in either width), so what the money is for is not said. A table that prints no goal for any of its projects (no 绩效目标 column, as in some per-row exports) is not flagged: the column is absent, not left empty.
-- source: 财预〔2021〕101号 (a project's 绩效目标 states the outputs and effects expected of the money) and 财预〔2015〕88号 (申报绩效目标)
-- texts are compared as placeholder_fold (sql/macros) leaves them: whitespace, punctuation and invisible characters
-- (no-break space, U+200B from web editors, a BOM) dropped, full-width forms as ASCII, upper case;
-- the placeholder terms are read from v_audit_placeholder_marks (the marks as one string) and
-- v_audit_placeholder_words (the words, folded, their marks dropped)
-- whether the project's table prints a goal for any of its projects: a window over the department, the
-- year and the load (not a second scan), so that a filter on them reaches the scan
with projects as (
    select
        projects.*,
        max(projects.goal_text) over (
            partition by projects.department_name, projects.budget_year, projects.load_id
        ) as table_goal_text
    from v_audit_base_project as projects
),

-- only a short goal (12 characters at most as printed) can be empty or a placeholder: the others never
-- reach the folding or the word list
short_goals as (
    select
        projects.*,
        placeholder_key(coalesce(projects.goal_text, ''), marks.mark_chars) as goal_placeholder_key
    from projects
    cross join v_audit_placeholder_marks as marks
    where
        length(coalesce(projects.goal_text, '')) <= 12
        and projects.table_goal_text <> ''
        and (projects.target_count > 0 or projects.has_amount = 1)
),

-- a left join, not an IN subquery, so that a filter on the department, the year or the load reaches the scan
missing as (
    select short_goals.*
    from short_goals
    left join v_audit_placeholder_words as words on short_goals.goal_placeholder_key = words.word
    where short_goals.goal_placeholder_key = '' or words.word is not null
)

select
    'missing_goal' as rule_id,
    'error' as severity,
    department_name,
    unit_name,
    budget_year,
    project_id,
    project_name,
    cast(null as integer) as seq,
    cast(null as varchar) as indicator_name,
    cast(null as varchar) as target_text,
    case
        when coalesce(trim(translate(goal_text, chr(160) || chr(8203) || chr(65279), '')), '') = ''
            then '未填绩效目标'
        else '绩效目标“' || goal_text || '”只是占位符'
    end
    || case
        when target_count > 0 then '（项目有 ' || cast(target_count as varchar) || ' 个绩效指标）'
        else '（项目有预算金额）'
    end as message,
    load_id
from missing
