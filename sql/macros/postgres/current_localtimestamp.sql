-- current_localtimestamp() as DuckDB has it: the session's local time without a time zone.
create or replace function current_localtimestamp() returns timestamp
language sql stable as $$
    select localtimestamp
$$
