"""Alembic environment: runs the migrations against the warehouse in JIXIAO_WAREHOUSE (or the
connection handed in by etl.warehouse.upgrade)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context
from alembic.ddl.impl import DefaultImpl

from etl.schema import metadata
from etl.settings import warehouse_path


class DuckDBImpl(DefaultImpl):
    """Alembic has no DuckDB dialect of its own; DuckDB's DDL is transactional."""

    __dialect__ = "duckdb"
    transactional_ddl = True


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or f"duckdb:///{warehouse_path()}"
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection: sa.Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, transaction_per_migration=False)
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
