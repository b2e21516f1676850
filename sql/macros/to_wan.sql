-- to_wan(yuan): 万元 (ten thousand yuan), DECIMAL(18, 6). The one conversion the views and the report use
-- (the report's etl.report.tables.to_wan is the same rule in Python: tests/test_folding.py compares them).
-- Amounts are DECIMAL(18, 2) yuan, so yuan / 10,000 has at most six decimals and nothing is ever rounded;
-- a finer input is rounded half away from zero at the sixth decimal.
create or replace macro to_wan(yuan) as cast(yuan * 0.0001 as decimal(18, 6))
