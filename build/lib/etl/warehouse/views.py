"""The views: one query per file in sql/views/ (named v_*.sql), re-created at head, the way dbt rebuilds models.

Migrations own tables only. migrations/env.py drops every view before it migrates (so a table change
never trips over a view that reads it) and, once the schema is at head, creates every view again from
these files, in the same transaction: a warehouse at head always has exactly the views of this
checkout, and a failing view leaves the warehouse as it was.
"""

from __future__ import annotations

import re
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Protocol

from etl.settings import SQL_DIR

VIEWS_DIR = SQL_DIR / "views"


class Executes(Protocol):
    def exec_driver_sql(self, statement: str) -> object: ...


def view_files(directory: Path = VIEWS_DIR) -> dict[str, str]:
    """view name -> its SQL, for every sql/views/v_*.sql."""
    return {p.stem: p.read_text(encoding="utf-8").strip().rstrip(";") for p in sorted(directory.glob("v_*.sql"))}


def creation_order(views: dict[str, str]) -> list[str]:
    """Views ordered so that each comes after the views its query names."""
    graph = {
        name: {other for other in views if other != name and re.search(rf"\b{other}\b", sql)}
        for name, sql in views.items()
    }
    return list(TopologicalSorter(graph).static_order())


def drop_views(conn: Executes, existing: list[str]) -> None:
    """Drop the named views, dependants first."""
    for name in existing:
        conn.exec_driver_sql(f"DROP VIEW IF EXISTS {name} CASCADE")


def create_views(conn: Executes, views: dict[str, str] | None = None) -> list[str]:
    """Create every view of sql/views/ (in dependency order); returns their names."""
    views = view_files() if views is None else views
    order = creation_order(views)
    for name in order:
        conn.exec_driver_sql(f"CREATE OR REPLACE VIEW {name} AS\n{views[name]}")
    return order
