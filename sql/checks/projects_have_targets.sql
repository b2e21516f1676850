-- Every project has performance targets in every budget year it has a budget.
select b.department_name, b.budget_year, b.printed_name, b.project_id, b.load_id, b.source_line
from fact_project_budget as b
where not exists (select 1 from fact_target as t where t.project_id = b.project_id and t.budget_year = b.budget_year)
