-- v_audit_placeholder_words: the placeholder words of placeholder_values.csv (无, 不适用, N/A …), folded as the
-- audit's placeholder rules fold texts (placeholder_fold) and without the marks of v_audit_placeholder_marks; a
-- text whose folded form is one of them says nothing. Read by the rules v_audit_placeholder_marks names.
select distinct placeholder_key(vocabulary.term, marks.mark_chars) as word
from audit_vocabulary as vocabulary
cross join v_audit_placeholder_marks as marks
where vocabulary.list_name = 'placeholder_values' and vocabulary.value <> 'mark'
