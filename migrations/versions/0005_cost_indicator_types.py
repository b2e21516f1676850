"""The 成本指标 level-1 tree (经济/社会/生态环境成本指标): now a no-op, kept so the revision chain stays whole.

The rows this revision used to insert (ids 901-903: no codes are known for these types) are in
etl/transform/indicator_types.csv, which seeds dim_indicator_type whenever the warehouse is brought to
head (etl/warehouse/seed.py): one copy of the type tree.

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
