-- to_wan(yuan) on PostgreSQL: the same rule as sql/macros/to_wan.sql (DuckDB), as a SQL function.
create or replace function to_wan(yuan numeric) returns numeric
language sql immutable parallel safe as $$
    select cast(yuan * 0.0001 as decimal(18, 6))
$$
