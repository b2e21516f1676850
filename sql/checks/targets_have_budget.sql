-- Every project-year with targets has its budget row (targets never hang off a missing project-year).
select t.project_id, t.budget_year, count(*) as n_targets, min(t.load_id) as load_id
from fact_target as t
where not exists (
    select 1 from fact_project_budget as b where b.project_id = t.project_id and b.budget_year = t.budget_year
)
group by t.project_id, t.budget_year
