#!/usr/bin/env bash
# The main job on the bundled sample: set up; load the real 2024 table (data/raw) and a GENERATED 2023
# derived from it (data/generated, clearly labelled) into warehouse/jixiao.duckdb through the Prefect
# flow; show the warehouse; write the 2023 -> 2024 diff report into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export JIXIAO_WAREHOUSE=${JIXIAO_WAREHOUSE:-$PWD/warehouse/jixiao.duckdb}
jixiao=.venv/bin/jixiao

echo "== GENERATED 2023 (fictional, derived from the real 2024 table with known changes) =="
.venv/bin/python -m tools.prior_year data/raw/2024/tianhe-sfj.txt data/generated/2023/tianhe-sfj.txt

echo "== load: real data/raw + generated data/generated =="
# --prefect: the main job as a Prefect flow run (a temporary local API; no server to start)
$jixiao load --prefect data/raw data/generated || code=$?
# 3 = a file refused, 4 = totals do not reconcile: both are reported above, neither stops the demo
[ "${code:-0}" -le 4 ] || exit "$code"

echo "== the warehouse: projects and 万元 per department and year (v_project_budget) =="
.venv/bin/python -m etl.cli.sql "select department_name, budget_year, bool_or(is_generated) as generated,
  count(*) as projects, sum(total_wan) as total_wan from v_project_budget group by all order by all"

echo "== year-over-year report 2023 -> 2024 (2023 is GENERATED) =="
$jixiao report --department 广州市天河区司法局 --from 2023 --to 2024 --out out
echo "open out/ for the HTML page and the Excel workbook"
