-- Only one 'loaded' load per department and budget year (a replacement supersedes the older load).
select department_name, budget_year, count(*) as n_current, string_agg(source_path, ' | ') as source_paths
from load_log
where status = 'loaded'
group by department_name, budget_year
having count(*) > 1
