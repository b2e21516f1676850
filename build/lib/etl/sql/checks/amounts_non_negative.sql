-- Amounts are never negative, in the project budgets and in the 合计 / unit rows.
select 'fact_project_budget' as fact_table, load_id, source_line, printed_name as row_name,
       total_yuan, fiscal_yuan, special_account_yuan, other_yuan
from fact_project_budget
where total_yuan < 0 or fiscal_yuan < 0 or special_account_yuan < 0 or other_yuan < 0
union all
select 'fact_table_aggregate', load_id, source_line, row_name, total_yuan, fiscal_yuan, special_account_yuan, other_yuan
from fact_table_aggregate
where total_yuan < 0 or fiscal_yuan < 0 or special_account_yuan < 0 or other_yuan < 0
