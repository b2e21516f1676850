"""fact_target keeps the per-row layout's 权重 (weight) and 指标方向 (direction), parsed since the layout
was added but dropped at load until now. NULL for the packed layout, which prints neither.

Revision ID: 0008
Revises: 0007

Written by hand: ADD COLUMN is the one ALTER DuckDB does on a table with a primary key; dropping the
column again works too (no other table references fact_target), so the downgrade is exact.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("fact_target", sa.Column("weight", sa.Numeric(18, 4), nullable=True))
    op.add_column("fact_target", sa.Column("direction", sa.String(4), nullable=True))


def downgrade() -> None:
    op.drop_column("fact_target", "direction")
    op.drop_column("fact_target", "weight")
