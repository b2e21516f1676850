"""load_run: the process a run ran in (pid, host, process start time) and the outcome 'interrupted'.

Revision ID: 0010
Revises: 0009

A run whose process was killed stayed 'running' for ever. The run now records its process, so the next
run (or `jixiao runs`) can see that the process is gone and close the run as 'interrupted' with what
it had committed. DuckDB cannot alter a CHECK constraint in place, so load_run is rebuilt: create the
new table, copy the rows, drop the old one, rename (views are dropped before migrating and created
again at head by env.py; nothing references load_run by foreign key).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
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
OLD_COLUMNS = ("run_id", "flow_run_id", "started_at", "finished_at", "outcome", "source_paths", *COUNTS)
OLD_COLUMNS += ("n_check_failures", "message")


def _create(name: str, outcomes: str, process_columns: bool) -> None:
    op.create_table(
        name,
        sa.Column("run_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("flow_run_id", sa.String(length=36), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("source_paths", sa.String(), nullable=False),
        *[sa.Column(c, sa.Integer(), nullable=False) for c in COUNTS],
        sa.Column("n_check_failures", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(), nullable=True),
        *(
            [
                sa.Column("pid", sa.Integer(), nullable=True),
                sa.Column("host", sa.String(), nullable=True),
                sa.Column("process_started", sa.Double(), nullable=True),
            ]
            if process_columns
            else []
        ),
        sa.CheckConstraint(f"outcome IN ({outcomes})", name="ck_load_run_outcome"),
        sa.PrimaryKeyConstraint("run_id"),
    )


def _swap(outcomes: str, process_columns: bool, old_outcome_sql: str) -> None:
    _create("load_run_new", outcomes, process_columns)
    columns = ", ".join(c for c in OLD_COLUMNS if c != "outcome")
    op.execute(f"INSERT INTO load_run_new ({columns}, outcome) SELECT {columns}, {old_outcome_sql} FROM load_run")
    op.drop_table("load_run")
    op.rename_table("load_run_new", "load_run")


def upgrade() -> None:
    _swap("'running', 'unchanged', 'succeeded', 'failed', 'interrupted'", True, "outcome")
    # a 'running' row from before this revision has no process to look at: it was interrupted
    op.execute(
        "UPDATE load_run SET outcome = 'interrupted', message = coalesce(message || '; ', '') || "
        "'interrupted: still running when the warehouse was upgraded to revision 0010' WHERE outcome = 'running'"
    )


def downgrade() -> None:
    _swap(
        "'running', 'unchanged', 'succeeded', 'failed'",
        False,
        "CASE outcome WHEN 'interrupted' THEN 'failed' ELSE outcome END",
    )
