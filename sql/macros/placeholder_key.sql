-- placeholder_key(text, marks): a text as the audit's placeholder rules look it up in v_audit_placeholder_words:
-- placeholder_fold(text) without the marks of v_audit_placeholder_marks (N/A is NA; a text of marks alone is '').
create or replace macro placeholder_key(text, marks) as (translate(placeholder_fold(text), marks, ''))
