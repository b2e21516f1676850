-- Every project-year with targets has its budget row (targets never hang off a missing project-year).
select t.project_id, t.budget_year, count(*) as n_targets, min(t.load_id) as load_id
from fact_target as t
anti join fact_project_budget as b on t.project_id = b.project_id and t.budget_year = b.budget_year
group by t.project_id, t.budget_year
