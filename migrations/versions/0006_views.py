"""Cross-year comparison views: now a no-op, kept so the revision chain of existing warehouses stays whole.

Revision ID: 0006
Revises: 0005

Migrations own tables only. Views hold no data: every `jixiao db upgrade` (and every load) re-creates
all of them from sql/views/ after `alembic upgrade head`, in the same transaction (see migrations/env.py
and etl/warehouse/views.py).
"""

from __future__ import annotations

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
