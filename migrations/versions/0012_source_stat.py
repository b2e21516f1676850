"""load_log.source_stat: the file's size, times, inode and device when its bytes were hashed.

Revision ID: 0012
Revises: 0011

Written by hand: one nullable column. A run hashes every source file to decide what it can skip (0.34 s of
a no-op run over 10,000 tables); with the stat recorded beside the hash, a later run trusts the recorded
sha256 while the file's size, mtime, ctime and inode are all unchanged (etl/load/incremental.py), the way
git trusts its index. Rows written before this revision have none: their files are hashed once more, and
the stat is recorded then. The downgrade drops it where the database can (DuckDB cannot drop a column of a
table with an index: there it stays, NULL-able and unused).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("load_log")}
    if "source_stat" not in columns:  # a DuckDB downgraded from this revision kept it
        op.add_column("load_log", sa.Column("source_stat", sa.String(96)))


def downgrade() -> None:
    if op.get_bind().dialect.name == "duckdb":
        return
    op.drop_column("load_log", "source_stat")
