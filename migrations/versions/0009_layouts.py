"""Layout families: load_log.layout and layout_score; fact_project_budget.period_total_yuan.

Revision ID: 0009
Revises: 0008

Written by hand: three nullable columns added (DuckDB's ALTER TABLE supports ADD COLUMN on these
tables). ``layout`` is the family the registry chose for the file (or, for a refusal, what was
recognised: self_evaluation, run_together, scanned_pdf, unsupported …) and ``layout_score`` its
score; ``period_total_yuan`` is a single-project form's 中期/实施期 amount (NULL where none is printed).
The downgrade drops them where the database can (DuckDB cannot drop a column of a table that other
tables reference or that has an index: there the columns stay, NULL-able and unused).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = (
    ("load_log", sa.Column("layout", sa.String(32))),
    ("load_log", sa.Column("layout_score", sa.Numeric(4, 3))),
    ("fact_project_budget", sa.Column("period_total_yuan", sa.Numeric(18, 2))),
)


def upgrade() -> None:
    for table, column in COLUMNS:
        op.add_column(table, column)


def downgrade() -> None:
    if op.get_bind().dialect.name == "duckdb":
        return
    for table, column in reversed(COLUMNS):
        op.drop_column(table, column.name)
