-- placeholder_key(text, marks) on PostgreSQL: the same as sql/macros/placeholder_key.sql (DuckDB).
create or replace function placeholder_key(value text, marks text) returns text
language sql immutable parallel safe as $$
    select translate(placeholder_fold(value), marks, '')
$$
