"""Seed the 成本指标 level-1 tree (经济/社会/生态环境成本指标) into dim_indicator_type.

Since 财预〔2021〕101号 成本指标 is a level-1 type of its own. No code numbers for it were found in
public sources, so these types have no level-1/level-2 codes: their type_key is the level-2 name
(as in etl/parse/indicator_types.csv) and their surrogate ids 901-903 sit below the range the
sequence gives unknown types (1000 up).

Revision ID: 0005
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None

COST_TYPES = [
    (901, "经济成本指标", None, "成本指标", None, "经济成本指标", True, False),
    (902, "社会成本指标", None, "成本指标", None, "社会成本指标", True, False),
    (903, "生态环境成本指标", None, "成本指标", None, "生态环境成本指标", True, False),
]
COLUMNS = (
    "indicator_type_id",
    "type_key",
    "level1_code",
    "level1_name",
    "level2_code",
    "level2_name",
    "is_known",
    "is_assumed",
)


def upgrade() -> None:
    table = sa.table("dim_indicator_type", *(sa.column(c) for c in COLUMNS))
    op.bulk_insert(table, [dict(zip(COLUMNS, row, strict=True)) for row in COST_TYPES])


def downgrade() -> None:
    op.execute("DELETE FROM dim_indicator_type WHERE indicator_type_id IN (901, 902, 903)")
