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
# files per load transaction (CLI, flows, run_load). Each transaction has a fixed cost in the loader (the candidate
# query over the history, the commit), so fewer are cheaper: on L (`bench.measure load`, round 14) 500 took 26.0-27.9
# s in six runs, the loader 19.3-20.8 CPU s, the peak 812-856 MiB, against 27.6-28.1 s, 21.6-22.6 CPU s and 761-766
# MiB at 250 in two runs between them (S 629-635 against 586-596 MiB). The first transaction is smaller and each
# is parsed in parts of at most 125 files (etl.load.batches): whole halves of 500 raised the peak to 884-901 MiB.
FILES_PER_BATCH = 500
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
