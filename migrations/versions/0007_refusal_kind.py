"""load_log.refusal_kind and load_log.parser_version: refusals with a kind, rows with the parser that made them.

Revision ID: 0007
Revises: 0006

Incremental runs skip a refused file only when its refusal is about the file itself (not an
internal_error, not a conflict) and was made by the current parser version. Rows written before this
revision have both columns NULL, so their refusals are decided again once, by the current parser.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("load_log", sa.Column("refusal_kind", sa.String(length=24), nullable=True))
    op.add_column("load_log", sa.Column("parser_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("load_log", "parser_version")
    op.drop_column("load_log", "refusal_kind")
