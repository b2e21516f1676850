"""Where things live: the project root, the warehouse file (JIXIAO_WAREHOUSE overrides it)."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_WAREHOUSE = PROJECT_ROOT / "warehouse" / "jixiao.duckdb"
SQL_DIR = PROJECT_ROOT / "sql"
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"


def warehouse_path(override: str | Path | None = None) -> Path:
    """The working warehouse: the argument, else $JIXIAO_WAREHOUSE, else warehouse/jixiao.duckdb."""
    chosen = override or os.environ.get("JIXIAO_WAREHOUSE") or DEFAULT_WAREHOUSE
    return Path(chosen).expanduser().resolve()
