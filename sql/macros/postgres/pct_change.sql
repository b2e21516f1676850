-- pct_change(change, base) on PostgreSQL: the same rule as sql/macros/pct_change.sql (DuckDB); numeric division is
-- exact to far more digits than the two kept, and round() rounds half away from zero.
create or replace function pct_change(change numeric, base numeric) returns numeric
language sql immutable parallel safe as $$
    select case when base <> 0 then cast(round(change * 100 / base, 2) as decimal(38, 2)) end
$$
