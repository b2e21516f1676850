-- Every project has performance targets in every budget year it has a budget.
select b.department_name, b.budget_year, b.printed_name, b.project_id, b.load_id, b.source_line
from fact_project_budget as b
anti join fact_target as t on b.project_id = t.project_id and b.budget_year = t.budget_year
