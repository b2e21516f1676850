"""fact_target keeps the keys the cross-year views compare on: the project's department, the folded
indicator name (indicator_key) and its occurrence in the project-year.

Revision ID: 0011
Revises: 0010

v_target_yoy folded every indicator name and numbered the repeats with a window over all of fact_target for
every query, so a report's filter on one department could not reach the table (1.5 s for one department on
10,000 tables, against 0.09 s with the keys stored). The loader now writes the three columns; this
migration fills them for the facts already loaded, with the same folding (the fold_key macro, which
tests/test_folding.py holds equal to etl.text.fold_key) and the same numbering the view used.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from etl.warehouse.views import create_macros

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BACKFILL = (
    """
    UPDATE fact_target AS t SET department_name = p.department_name
    FROM fact_project_budget AS p
    WHERE p.project_id = t.project_id AND p.budget_year = t.budget_year
    """,
    "UPDATE fact_target SET indicator_key = fold_key(indicator_name)",
    """
    UPDATE fact_target AS t SET occurrence = n.occurrence
    FROM (
        SELECT project_id, budget_year, seq,
               row_number() OVER (PARTITION BY project_id, budget_year, indicator_key ORDER BY seq) AS occurrence
        FROM fact_target WHERE NOT is_duplicate
    ) AS n
    WHERE n.project_id = t.project_id AND n.budget_year = t.budget_year AND n.seq = t.seq
    """,
)


def upgrade() -> None:
    op.add_column("fact_target", sa.Column("department_name", sa.String(), nullable=True))
    op.add_column("fact_target", sa.Column("indicator_key", sa.String(), nullable=True))
    op.add_column("fact_target", sa.Column("occurrence", sa.Integer(), nullable=True))
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT count(*) FROM fact_target")).scalar():
        create_macros(bind)  # created again at head anyway; the backfill folds with it
        for statement in BACKFILL:
            bind.execute(sa.text(statement))


def downgrade() -> None:
    op.drop_column("fact_target", "occurrence")
    op.drop_column("fact_target", "indicator_key")
    op.drop_column("fact_target", "department_name")
