"""The views and macros: one statement per file in sql/macros/ and sql/views/ (v_*.sql), re-created at head,
the way dbt rebuilds models.

Migrations own tables only. migrations/env.py drops every view before it migrates (so a table change
never trips over a view that reads it) and, once the schema is at head, calls :func:`build` in the same
transaction; every load on a warehouse already at head calls :func:`rebuild` (etl/warehouse/connect.py),
also in one transaction. So a warehouse at head always has exactly the macros, views and type tree of
this installation, and a failing view leaves the warehouse as it was.

The macros (``fold_key``, ``to_wan``) are created first: every view that folds a name or converts yuan
to 万元 calls them, so the rule is written once (tests/test_folding.py holds SQL and Python to the same keys).

The views are one source for both engines (DuckDB and PostgreSQL). On PostgreSQL the macros are
``CREATE FUNCTION``s of the same names and meaning in sql/macros/postgres/ (with ``date_diff`` and
``current_localtimestamp``, which DuckDB has built in); tests/test_postgres.py compares every view's rows.
"""

from __future__ import annotations

import hashlib
import re
from graphlib import TopologicalSorter
from pathlib import Path
from typing import Protocol

from etl.settings import SQL_DIR
from etl.warehouse.audit_views import VOCABULARY_TABLE, audit_files, audit_views, create_vocabulary

VIEWS_DIR = SQL_DIR / "views"
MACROS_DIR = SQL_DIR / "macros"
FINGERPRINT_MACRO = "jixiao_build_fingerprint"  # returns the fingerprint of what the last build created
NO_PARAMETERS = {"no_parameters": True}  # send the SQL as it is: psycopg would read a % in it as a placeholder


class Executes(Protocol):
    def exec_driver_sql(
        self, statement: str, parameters: object = None, execution_options: object = None
    ) -> object: ...


class Native:
    """A native DuckDB connection seen through the one method these functions use."""

    def __init__(self, con: object) -> None:
        self.con = con

    def exec_driver_sql(self, statement: str, parameters: object = None, execution_options: object = None) -> object:
        return self.con.execute(statement)  # type: ignore[attr-defined]


def dialect_of(conn: Executes) -> str:
    """'duckdb' or 'postgresql' (an SQLAlchemy connection knows its dialect; Native is DuckDB)."""
    return getattr(getattr(conn, "dialect", None), "name", "duckdb")


def _run(conn: Executes, statement: str) -> object:
    return conn.exec_driver_sql(statement, execution_options=NO_PARAMETERS)


def _statement(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip().rstrip(";")


def view_files(directory: Path | None = None) -> dict[str, str]:
    """view name -> its SQL, for every sql/views/v_*.sql."""
    return {p.stem: _statement(p) for p in sorted((directory or VIEWS_DIR).glob("v_*.sql"))}


def macro_files(directory: Path | None = None, dialect: str = "duckdb") -> dict[str, str]:
    """macro file name -> its CREATE OR REPLACE MACRO statement, for every sql/macros/*.sql (DuckDB), or
    its CREATE OR REPLACE FUNCTION, for every sql/macros/postgres/*.sql (PostgreSQL)."""
    folder = directory or MACROS_DIR
    folder = folder / "postgres" if dialect == "postgresql" else folder
    return {p.stem: _statement(p) for p in sorted(folder.glob("*.sql"))}


def creation_order(views: dict[str, str]) -> list[str]:
    """Views ordered so that each comes after the views its query names."""
    graph = {
        name: {other for other in views if other != name and re.search(rf"\b{other}\b", sql)}
        for name, sql in views.items()
    }
    return list(TopologicalSorter(graph).static_order())


def existing_views(conn: Executes) -> list[str]:
    """The v_* views the warehouse holds now."""
    rows = _run(
        conn,
        "SELECT table_name FROM information_schema.views WHERE table_schema = current_schema()"
        " AND substr(table_name, 1, 2) = 'v_'",
    )
    return [r[0] for r in rows.fetchall()]  # type: ignore[attr-defined]


def drop_views(conn: Executes, existing: list[str]) -> None:
    """Drop the named views, dependants first, and the audit's seed table (derived from files like them)."""
    for name in existing:
        _run(conn, f"DROP VIEW IF EXISTS {name} CASCADE")
    _run(conn, f"DROP TABLE IF EXISTS {VOCABULARY_TABLE}")


def create_macros(conn: Executes, macros: dict[str, str] | None = None) -> list[str]:
    """Create (or replace) every macro of sql/macros/ (functions of sql/macros/postgres/); returns the names."""
    macros = macro_files(dialect=dialect_of(conn)) if macros is None else macros
    for statement in macros.values():
        _run(conn, statement)
    return list(macros)


def create_views(conn: Executes, views: dict[str, str] | None = None) -> list[str]:
    """Create every view of sql/views/ and the audit's (etl/warehouse/audit_views.py), in dependency order."""
    if views is None:
        create_vocabulary(conn)  # the audit's seed table (sql/audit/*.csv), read by its views
        views = {**view_files(), **audit_views()}
    order = creation_order(views)
    for name in order:
        _run(conn, f"CREATE OR REPLACE VIEW {name} AS\n{views[name]}")
    return order


def fingerprint() -> str:
    """sha256 over every file a build reads (macros, views, the type-tree CSV, the audit's rules and
    vocabularies): equal means nothing to redo."""
    from etl.warehouse.seed import TYPE_TREE_CSV

    digest = hashlib.sha256()
    macros = [*macro_files().items(), *macro_files(dialect="postgresql").items()]
    files = [*macros, *view_files().items(), ("types", TYPE_TREE_CSV.read_text("utf-8"))]
    for name, text in [*files, *audit_files().items()]:
        digest.update(f"{name}\0{text}\0".encode())
    return digest.hexdigest()


def build(conn: Executes) -> list[str]:
    """What a warehouse at head derives from files: the type tree's seed rows, the macros, the views, and a
    macro returning the fingerprint of those files (so a load can tell, in a millisecond, that they are current)."""
    from etl.warehouse.seed import seed_indicator_types

    seed_indicator_types(conn)
    create_macros(conn)
    order = create_views(conn)
    if dialect_of(conn) == "postgresql":
        _run(conn, f"CREATE OR REPLACE FUNCTION {FINGERPRINT_MACRO}() RETURNS text LANGUAGE sql IMMUTABLE "
             f"AS $$ SELECT '{fingerprint()}' $$")
    else:
        _run(conn, f"CREATE OR REPLACE MACRO {FINGERPRINT_MACRO}() AS '{fingerprint()}'")
    return order


def rebuild(conn: Executes) -> list[str]:
    """Drop every v_* view, then :func:`build` (the caller holds the transaction)."""
    drop_views(conn, existing_views(conn))
    return build(conn)
