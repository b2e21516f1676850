-- Only one 'loaded' load per source file: a file's new load supersedes its earlier one, whatever department or year it now states.
select source_path, count(*) as n_current, string_agg(department_name || ' ' || budget_year, ' | ') as tables
from load_log
where status = 'loaded'
group by source_path
having count(*) > 1
