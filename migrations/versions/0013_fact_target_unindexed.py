"""fact_target without a primary-key index in DuckDB (PostgreSQL keeps its primary key).

Revision ID: 0013
Revises: 0012

Written by hand. DuckDB enforces a primary key with an ART index that it keeps in memory, updates on every
insert and writes at every checkpoint; on fact_target (1.3 M rows for 10,000 tables) that index was a quarter of
the warehouse file (268 -> 201 MB) and 2-5 s of the loader's CPU. It guarded nothing the loader does not already
guarantee: a project-year's targets are inserted in the transaction that inserts its fact_project_budget row,
whose primary key refuses a second one, and the parser numbers a project's indicators 1, 2, 3 … (seq); the
loader refuses a batch that would store an item twice all the same (etl.load.writer._refuse_doubled_targets,
inside the batch's transaction). DuckDB cannot drop a constraint, so the table is copied: column types, order
and NOT NULL kept. PostgreSQL keeps the primary key: its loader reads targets through it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

KEY = ("project_id", "budget_year", "seq")


def upgrade() -> None:
    if op.get_bind().dialect.name == "duckdb":
        _copy_fact_target(primary_key=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "duckdb":
        _copy_fact_target(primary_key=True)


def _copy_fact_target(primary_key: bool) -> None:
    """Replace fact_target by a copy of itself (rows in their order), with or without the primary key. The views
    name the table and are bound when queried, so they read the copy."""
    bind = op.get_bind()
    not_null = [
        name
        for (name,) in bind.execute(
            sa.text(
                "SELECT column_name FROM duckdb_columns() "
                "WHERE table_name = 'fact_target' AND NOT is_nullable ORDER BY column_index"
            )
        )
    ]
    bind.execute(sa.text("CREATE TABLE fact_target_copy AS FROM fact_target"))
    for name in dict.fromkeys([*KEY, *not_null]):  # the key columns were NOT NULL through the key itself
        bind.execute(sa.text(f"ALTER TABLE fact_target_copy ALTER COLUMN {name} SET NOT NULL"))
    if primary_key:
        bind.execute(sa.text(f"ALTER TABLE fact_target_copy ADD PRIMARY KEY ({', '.join(KEY)})"))
    bind.execute(sa.text("DROP TABLE fact_target"))
    bind.execute(sa.text("ALTER TABLE fact_target_copy RENAME TO fact_target"))
