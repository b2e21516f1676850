"""retired_project_name: the names dropped from dim_project_name, and the identity each had.

Revision ID: 0015
Revises: 0014

Written by hand: one new table. When a file's facts are pruned (its source disappeared) or a correction drops a
name, the name leaves dim_project_name, and a project left with no name leaves dim_project. Until this revision
the same name printed again later (the file restored, the correction undone) was a stranger: a new project_id,
and the analysts' saved ids pointed at nothing. The loader now records each dropped name here with its
project_id (etl.load.writer._drop_orphans) and gives it back to a name the linker would call new
(etl.load.writer._restored). Warehouses upgraded to it start with it empty: names dropped before are not known.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "retired_project_name" in sa.inspect(op.get_bind()).get_table_names():
        return
    op.create_table(
        "retired_project_name",
        sa.Column("name_key", sa.String, primary_key=True),
        sa.Column("project_id", sa.BigInteger, nullable=False),
        sa.Column("printed_name", sa.String, nullable=False),
        sa.Column("retired_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("retired_project_name")
