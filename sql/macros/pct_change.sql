-- pct_change(change, base): change as a percentage of base, rounded half away from zero to 0.01, exactly:
-- DECIMAL(38, 2), NULL when base is 0. DuckDB divides two DECIMALs in DOUBLE, and a half-way ratio rounded down
-- (200.00 -> 202.01 万元 read 1.00 %, not 1.01 %): the ratio is taken in whole fen, as integers (HUGEINT), then scaled.
-- tests/test_target_frame.py compares it with Python's Decimal, rounded half up, on both engines.
create or replace macro pct_change(change, base) as (
    case
        when base <> 0 then cast(
            sign(change) * sign(base)
            * ((abs(cast(change * 100 as hugeint)) * 20000 + abs(cast(base * 100 as hugeint)))
                // (2 * abs(cast(base * 100 as hugeint))))
            as decimal(38, 0)
        ) * 0.01
    end
)
