"""Alembic environment: runs the migrations against the warehouse in JIXIAO_WAREHOUSE (or the
connection handed in by etl.warehouse.connect.upgrade).

The same revisions build a DuckDB file and a PostgreSQL database (Alembic's own PostgreSQL impl;
DuckDBImpl below). Views are not migrations' business: they are dropped before migrating and, when the schema ends at
head, the macros, views and type-tree seed are created again from sql/ and the CSV in the same
transaction (etl/warehouse/views.py: build).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context
from alembic.ddl.impl import DefaultImpl
from alembic.script import ScriptDirectory

from etl.warehouse.backend import resolve
from etl.warehouse.schema import metadata
from etl.warehouse.views import build, drop_views, existing_views


class DuckDBImpl(DefaultImpl):
    """Alembic has no DuckDB dialect of its own; DuckDB's DDL is transactional."""

    __dialect__ = "duckdb"
    transactional_ddl = True


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or _default_url()
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()


def _default_url() -> str:
    """$JIXIAO_WAREHOUSE (a DuckDB path or a PostgreSQL URL), else the default file."""
    warehouse = resolve()
    return getattr(warehouse, "url", None) or f"duckdb:///{getattr(warehouse, 'path', '')}"


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, transaction_per_migration=False)
    with context.begin_transaction():
        drop_views(connection, existing_views(connection))
        context.run_migrations()
        head = ScriptDirectory.from_config(context.config).get_current_head()
        if context.get_context().get_current_revision() == head:
            build(connection)


run_migrations()
