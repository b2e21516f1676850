-- One row per project, budget year and item (seq) in fact_target: DuckDB holds no index on that key
-- (revision 0013), so the loader's guarantee (a project-year's targets go in with its one budget row) is checked here.
select project_id, budget_year, seq, count(*) as n_rows, min(load_id) as load_id, max(load_id) as other_load_id
from fact_target
group by project_id, budget_year, seq
having count(*) > 1
