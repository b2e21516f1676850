"""Where things live: packaged resources (SQL, migrations, CSVs, templates) and the warehouse.

Resources are found beside the package, so a plain `pip install .` works from any folder: the wheel
carries ``sql/`` and ``migrations/`` as ``etl/sql`` and ``etl/migrations`` (pyproject's package-dir
map); a source checkout (editable install, tests) reads them at the top of the repository.
Defaults that name a user's files (the warehouse, the source folder, the alias list) are relative
to the working directory; ``JIXIAO_WAREHOUSE`` / ``JIXIAO_ALIASES`` override them.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_SOURCE_TREE = PACKAGE_DIR.parent


def _resource_dir(name: str) -> Path:
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else _SOURCE_TREE / name


SQL_DIR = _resource_dir("sql")
MIGRATIONS_DIR = _resource_dir("migrations")
DEFAULT_SOURCES = Path("data") / "raw"
DEFAULT_WAREHOUSE = Path("warehouse") / "jixiao.duckdb"
DEFAULT_ALIASES = Path("data") / "project_aliases.csv"
# files per load transaction (CLI, flows, run_load): on L, 250 against 200 took 34.4-37.6 s against 37.3-41.2 s
# (`jixiao load`, alternating runs), with the same peak memory as measured at 250 (770 MiB; 400: 872 MiB)
FILES_PER_BATCH = 250
MIN_YEAR, MAX_YEAR = 1990, 2100  # a budget year, from --year, a folder name or a title: one rule for all


def is_budget_year(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def warehouse_path(override: str | Path | None = None) -> Path:
    """The working warehouse: the argument, else $JIXIAO_WAREHOUSE, else ./warehouse/jixiao.duckdb."""
    chosen = override or os.environ.get("JIXIAO_WAREHOUSE") or DEFAULT_WAREHOUSE
    return Path(chosen).expanduser().resolve()


def aliases_path() -> Path:
    """The project alias list: $JIXIAO_ALIASES, else ./data/project_aliases.csv."""
    return Path(os.environ.get("JIXIAO_ALIASES") or DEFAULT_ALIASES).expanduser()
