"""load_run.checks_fingerprint and checks_from_run: what the run's quality checks were run with, and the run
whose results a run carried over.

Revision ID: 0014
Revises: 0013

Written by hand: two nullable columns. A run that changed nothing (no file parsed, nothing pruned) carries the
previous run's check results over instead of running the checks again (0.2 s of a no-op run over 10,000
tables), when that previous run finished 'succeeded' or 'unchanged' with the same fingerprint (the sha256 of
the checks' SQL, the views' build, the schema revision and DuckDB's version) and nothing wrote the file since
(etl/load/run.py, DuckDB only). Runs recorded before this revision have none, so the first run after it
runs its checks. The downgrade drops them where the database can (DuckDB cannot drop a column of a table
with an index: there they stay, NULL-able and unused).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


COLUMNS = (("checks_fingerprint", sa.String(64)), ("checks_from_run", sa.BigInteger))


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("load_run")}
    for name, kind in COLUMNS:
        if name not in columns:  # a DuckDB downgraded from this revision kept it
            op.add_column("load_run", sa.Column(name, kind))


def downgrade() -> None:
    if op.get_bind().dialect.name == "duckdb":
        return
    for name, _ in reversed(COLUMNS):
        op.drop_column("load_run", name)
