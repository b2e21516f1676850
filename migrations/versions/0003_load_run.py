"""Load run history: load_run, load_run_file, load_run_check (the view v_load_status is in sql/views/).

Revision ID: 0003
Revises: 0002

Written by hand: new tables only (nothing on existing tables changes, so the downgrade is exact).
A run links to the load_log rows it wrote through load_run_file rather than a new load_log column,
because DuckDB cannot drop a column from load_log again (other tables reference it).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

COUNTS = (
    "n_files",
    "n_loaded",
    "n_replaced",
    "n_unchanged",
    "n_refused",
    "n_disappeared",
    "n_pruned",
    "n_projects",
    "n_targets",
    "n_rejects",
    "n_reconciliation_failures",
)


def upgrade() -> None:
    op.execute("CREATE SEQUENCE seq_run_id START 1")
    op.create_table(
        "load_run",
        sa.Column("run_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("flow_run_id", sa.String(length=36), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("source_paths", sa.String(), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in COUNTS],
        sa.Column("n_check_failures", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(), nullable=True),
        sa.CheckConstraint("outcome IN ('running', 'unchanged', 'succeeded', 'failed')", name="ck_load_run_outcome"),
        sa.PrimaryKeyConstraint("run_id"),
    )
    op.create_table(
        "load_run_file",
        sa.Column("load_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("run_id", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("load_id"),
    )
    op.create_table(
        "load_run_check",
        sa.Column("run_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("check_name", sa.String(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("n_rows", sa.Integer(), nullable=False),
        sa.Column("sample", sa.String(), nullable=True),
        sa.Column("description", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "check_name"),
    )


def downgrade() -> None:
    for table in ("load_run_check", "load_run_file", "load_run"):
        op.drop_table(table)
    op.execute("DROP SEQUENCE seq_run_id")
