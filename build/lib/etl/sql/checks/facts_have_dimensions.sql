-- Every fact row has its dimensions: a project, an indicator type, a current load in load_log.
select 'fact_project_budget' as fact_table, b.project_id, b.budget_year, null as seq, b.load_id,
       case when p.project_id is null then 'no dim_project row'
            when l.load_id is null then 'no load_log row' else 'load is not current' end as problem
from fact_project_budget as b
left join dim_project as p on b.project_id = p.project_id
left join load_log as l on b.load_id = l.load_id
where p.project_id is null or l.load_id is null or l.status <> 'loaded'
union all
select 'fact_target', t.project_id, t.budget_year, t.seq, t.load_id,
       case when p.project_id is null then 'no dim_project row'
            when ty.indicator_type_id is null then 'no dim_indicator_type row'
            when l.load_id is null then 'no load_log row' else 'load is not current' end
from fact_target as t
left join dim_project as p on t.project_id = p.project_id
left join dim_indicator_type as ty on t.indicator_type_id = ty.indicator_type_id
left join load_log as l on t.load_id = l.load_id
where p.project_id is null or ty.indicator_type_id is null or l.load_id is null or l.status <> 'loaded'
