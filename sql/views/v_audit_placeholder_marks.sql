-- v_audit_placeholder_marks: one row, the marks of placeholder_values.csv (value 'mark': /, —, - …) as one string,
-- folded as the audit's placeholder rules fold texts (placeholder_fold): a text of marks alone, any number of them
-- (——, --, //), is a placeholder, and a word is one with its marks dropped (N/A is NA). Read by
-- sql/audit/placeholder_value.sql, missing_goal.sql and missing_indicator_name.sql.
select coalesce(string_agg(placeholder_fold(term), ''), '') as mark_chars
from audit_vocabulary
where list_name = 'placeholder_values' and value = 'mark'
