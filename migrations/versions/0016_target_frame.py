"""fact_target keeps the frame of its compared target (target_frame): what the annual target (or the period's, where no
annual value is printed) prints besides its comparison, number and unit.

Revision ID: 0016
Revises: 0015

v_target_yoy compares two years' numbers only when their frames are the same (增长5% and 下降5% are both = 5 %). It
computed both frames with the target_frame macro (fold_key and four regular expressions) for every pair of differing
texts on every read: about a third of a second of CPU over 10,000 tables. The loader now writes the column
(etl.transform.target_values.compared_frame, which tests/test_target_frame.py holds equal to the macro); this
migration fills it for the facts already loaded, with the macro.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from etl.warehouse.views import create_macros

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

BACKFILL = """
    UPDATE fact_target SET target_frame = CASE
        WHEN annual_value_status = 'missing' THEN
            CASE WHEN period_value_status = 'quantitative' THEN target_frame(period_target_text, period_unit) END
        WHEN annual_value_status = 'quantitative' THEN target_frame(annual_target_text, annual_unit)
    END
"""


def upgrade() -> None:
    bind = op.get_bind()
    if "target_frame" in {c["name"] for c in sa.inspect(bind).get_columns("fact_target")}:
        return
    op.add_column("fact_target", sa.Column("target_frame", sa.String(), nullable=True))
    if bind.execute(sa.text("SELECT count(*) FROM fact_target")).scalar():
        create_macros(bind)  # created again at head anyway; the backfill frames with it
        bind.execute(sa.text(BACKFILL))


def downgrade() -> None:
    op.drop_column("fact_target", "target_frame")
