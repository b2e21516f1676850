"""Load run history: load_run, load_run_file, load_run_check, and the view v_load_status
(its SQL is a copy of sql/views/v_load_status.sql at this revision).

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

VIEWS = {
    "v_load_status": """
-- v_load_status: one row per department and budget year that has a current load: which file it came
-- from, when it was loaded and how many hours ago, the run that loaded it, and the newest run of all
-- (did last night's load and its data-quality gate pass?) with its last successful run beside it.
with current_loads as (
    select load_id, department_name, budget_year, source_path, loaded_at, reconciled, n_projects, n_targets
    from load_log
    where status = 'loaded'
),

runs as (
    select run_id, started_at, finished_at, outcome, n_check_failures
    from load_run
),

newest_run as (
    select * from runs
    qualify row_number() over (order by started_at desc, run_id desc) = 1
),

last_good_run as (
    select max(finished_at) as last_good_run_at
    from runs
    where outcome in ('succeeded', 'unchanged')
)

select
    current_loads.department_name,
    current_loads.budget_year,
    current_loads.source_path,
    current_loads.n_projects,
    current_loads.n_targets,
    current_loads.reconciled,
    current_loads.loaded_at,
    cast(date_diff('minute', current_loads.loaded_at, current_localtimestamp()) / 60.0 as decimal(10, 1))
        as hours_since_load,
    loaded_by.run_id as loaded_by_run_id,
    loaded_by.outcome as loaded_by_run_outcome,
    newest_run.run_id as newest_run_id,
    newest_run.started_at as newest_run_started_at,
    newest_run.finished_at as newest_run_finished_at,
    newest_run.outcome as newest_run_outcome,
    newest_run.n_check_failures as newest_run_check_failures,
    last_good_run.last_good_run_at
from current_loads
left join load_run_file on current_loads.load_id = load_run_file.load_id
left join runs as loaded_by on load_run_file.run_id = loaded_by.run_id
left join newest_run on true
cross join last_good_run
""",
}


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
    for name, sql in VIEWS.items():
        op.execute(f"CREATE OR REPLACE VIEW {name} AS\n{sql}")


def downgrade() -> None:
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW {name}")
    for table in ("load_run_check", "load_run_file", "load_run"):
        op.drop_table(table)
    op.execute("DROP SEQUENCE seq_run_id")
