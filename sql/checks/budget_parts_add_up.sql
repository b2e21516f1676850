-- Each project's 总计 equals 财政拨款 + 财政专户拨款 + 其他资金, checked on the stored facts themselves.
-- A table that prints only the total (a bracket-packed department list's 年度预算安排, a form's
-- 本年度申请市财政预算资金 without a breakdown) has no parts to add up: all three are 0 there.
select b.department_name, b.budget_year, b.printed_name, b.load_id, b.source_line,
       b.total_yuan, b.fiscal_yuan + b.special_account_yuan + b.other_yuan as sum_of_parts
from fact_project_budget as b
where b.total_yuan <> b.fiscal_yuan + b.special_account_yuan + b.other_yuan
  and b.fiscal_yuan + b.special_account_yuan + b.other_yuan <> 0
