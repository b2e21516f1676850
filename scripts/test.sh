#!/usr/bin/env bash
# Set up, then run the linter and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Headless Chromium and a CJK font for the report's browser test (Debian packages; root on CI).
if ! command -v chromium >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "test: installing chromium and fonts-wqy-zenhei"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-wqy-zenhei >/dev/null
fi
# PostgreSQL 15 for the shared-warehouse tests (Debian's package; the tests start their own server).
if [ ! -x /usr/lib/postgresql/15/bin/initdb ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  echo "test: installing postgresql"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
# An older DuckDB client, as analysts have it (the CLI on PyPI), for the published-copy test; skipped if absent.
if [ ! -x .venv-duckdb-old/bin/duckdb ]; then
  echo "test: installing duckdb-cli 1.5.6 into .venv-duckdb-old"
  { python3 -m venv .venv-duckdb-old && .venv-duckdb-old/bin/pip install -q duckdb-cli==1.5.6; } \
    || echo "test: duckdb-cli 1.5.6 could not be installed; test_published_copy_opens_in_an_older_duckdb_cli skips"
fi
.venv/bin/ruff check .
# two processes (pytest-xdist), the longest files first and an idle worker taking the other's unstarted tests
# (worksteal; see tests/conftest.py): about 8 min on 2 cores (round 29: 486 s in a fresh clone), about twice that serially
.venv/bin/python -m pytest -n 2 --dist worksteal "$@"
