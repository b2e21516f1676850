-- date_diff(part, start, end) as DuckDB has it: how many part boundaries (second, minute, hour, day) lie
-- between two timestamps. PostgreSQL has no such function; v_load_status uses it.
create or replace function date_diff(part text, start_ts timestamp, end_ts timestamp) returns bigint
language sql immutable as $$
    select cast(
        (extract(epoch from date_trunc(part, end_ts)) - extract(epoch from date_trunc(part, start_ts)))
        / case lower(part) when 'second' then 1 when 'minute' then 60 when 'hour' then 3600 when 'day' then 86400 end
        as bigint)
$$
