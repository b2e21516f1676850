-- v_load_status: one row per department and budget year that has a current load: which file it came
-- from, when it was loaded and how many hours ago, the run that loaded it, and the newest run of all
-- (did last night's load and its data-quality gate pass?) with its last successful run beside it.
with current_loads as (
    select load_id, department_name, budget_year, source_path, loaded_at, reconciled, n_projects, n_targets
    from load_log
    where status = 'loaded'
),

runs as (
    select run_id, started_at, finished_at, outcome, n_check_failures
    from load_run
),

newest_run as (
    select * from runs
    order by started_at desc, run_id desc
    limit 1
),

last_good_run as (
    select max(finished_at) as last_good_run_at
    from runs
    where outcome in ('succeeded', 'unchanged')
)

select
    current_loads.department_name,
    current_loads.budget_year,
    current_loads.source_path,
    current_loads.n_projects,
    current_loads.n_targets,
    current_loads.reconciled,
    current_loads.loaded_at,
    cast(date_diff('minute', current_loads.loaded_at, current_localtimestamp()) / 60.0 as decimal(10, 1))
        as hours_since_load,
    loaded_by.run_id as loaded_by_run_id,
    loaded_by.outcome as loaded_by_run_outcome,
    newest_run.run_id as newest_run_id,
    newest_run.started_at as newest_run_started_at,
    newest_run.finished_at as newest_run_finished_at,
    newest_run.outcome as newest_run_outcome,
    newest_run.n_check_failures as newest_run_check_failures,
    last_good_run.last_good_run_at
from current_loads
left join load_run_file on current_loads.load_id = load_run_file.load_id
left join runs as loaded_by on load_run_file.run_id = loaded_by.run_id
left join newest_run on true
cross join last_good_run
