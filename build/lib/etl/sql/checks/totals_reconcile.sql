-- The totals of every current table reconcile (合计 = units = projects; 总计 = 财政拨款 + 专户 + 其他).
select l.department_name, l.budget_year, l.source_path, r.source_line, r.check_name, r.scope, r.column_name,
       r.expected_yuan, r.actual_yuan
from fact_reconciliation as r
join load_log as l on r.load_id = l.load_id
where not r.passed and l.status = 'loaded'
