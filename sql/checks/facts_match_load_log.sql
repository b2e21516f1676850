-- The row counts load_log records for a current load are the rows the facts hold for it (rows changed outside jixiao fail it, and no load repairs them: copy the analysts' copy back over the working file, or load again into a new warehouse).
with budgets as (select load_id, count(*) as n from fact_project_budget group by load_id),
targets as (select load_id, count(*) as n from fact_target group by load_id)
select l.load_id, l.source_path, l.n_projects, coalesce(b.n, 0) as project_rows, l.n_targets,
       coalesce(t.n, 0) as target_rows
from load_log as l
left join budgets as b on l.load_id = b.load_id
left join targets as t on l.load_id = t.load_id
where l.status = 'loaded' and (l.n_projects <> coalesce(b.n, 0) or l.n_targets <> coalesce(t.n, 0))
