#!/usr/bin/env bash
# The main job on the bundled sample: set up, then load data/raw into warehouse/jixiao.duckdb.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export JIXIAO_WAREHOUSE=${JIXIAO_WAREHOUSE:-$PWD/warehouse/jixiao.duckdb}
echo "== load the real sample (data/raw) =="
.venv/bin/jixiao load data/raw || code=$?
[ "${code:-0}" -le 4 ] || exit "$code"
echo "== the loaded projects, by 万元 =="
.venv/bin/python -m etl.sql_cli "select department_name, budget_year, count(*) as projects, sum(total_wan) as total_wan from v_project_budget group by all order by all"
