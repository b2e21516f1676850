-- No duplicate target: one fact_target row per project, budget year and sequence number.
select project_id, budget_year, seq, count(*) as n_rows
from fact_target
group by project_id, budget_year, seq
having count(*) > 1
