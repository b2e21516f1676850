#!/usr/bin/env bash
# Create .venv (Python 3.11) and install jixiao with its pinned dependencies and test tools.
# Safe to run again: an existing .venv is reused and only what changed is installed.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${PYTHON:-}
if [ -z "$py" ]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then py=$candidate; break; fi
  done
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($py --version)"
  if ! "$py" -m venv .venv 2>/dev/null; then
    # Debian's python3.11 without the python3.11-venv package has no ensurepip: use virtualenv from PyPI
    rm -rf .venv
    echo "setup: '$py -m venv' is unavailable here; creating .venv with virtualenv"
    "$py" -m pip install --quiet --user virtualenv 2>/dev/null \
      || "$py" -m pip install --quiet --user --break-system-packages virtualenv
    "$py" -m virtualenv --quiet .venv
  fi
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v "^WARNING: Location" || true
echo "setup: installing jixiao and its pinned dependencies"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]' 2>&1 | grep -v "^WARNING: Location" || true
.venv/bin/python -c "import etl, duckdb, prefect" || { echo "setup: install failed" >&2; exit 1; }
# jixiao's own modules compiled to bytecode now: an editable install leaves them as source, and where
# PYTHONDONTWRITEBYTECODE is set (this machine's shells set it) every command compiled about 75 of them again,
# 0.24 s of a one-file load, and once more in the parsing workers' fork server. Python reads these files even
# then, and compiles in memory whatever changed since.
.venv/bin/python -m compileall -q -j 0 etl flows migrations bench tools >/dev/null || echo "setup: compileall failed (commands start slower)"
