"""A DataFrame staged for SQL on the loader's connection, both engines (DuckDB and PostgreSQL)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import duckdb
import pandas as pd


@contextlib.contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame) -> Iterator[None]:
    """``frame`` readable as the table ``name`` inside the block (DuckDB: a view of it; PostgreSQL: a temporary
    table, etl/warehouse/postgres.py), unregistered afterwards. When a statement fails, the failure is what
    propagates: inside a transaction it aborted, unregistering fails too ("Current transaction is aborted"), and
    that error hid the first (out of memory, say); the rollback undoes the registration."""
    con.register(name, frame)
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):  # any engine: the statement's failure is the one to keep
            con.unregister(name)
        raise
    con.unregister(name)
