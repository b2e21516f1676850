"""Initial schema: the star schema of etl/schema.py and its key sequences.

The indicator type tree is not seeded here any more: dim_indicator_type gets its rows from
etl/transform/indicator_types.csv whenever the warehouse is brought to head (etl/warehouse/seed.py).

Revision ID: 0001
Revises:
Create Date: 2026-11-27 21:10:08.808623
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


SEQUENCES = {"seq_load_id": 1, "seq_project_id": 1, "seq_indicator_type_id": 1000}


def upgrade() -> None:
    for name, start in SEQUENCES.items():
        op.execute(f"CREATE SEQUENCE {name} START {start}")
    op.create_table(
        "dim_indicator_type",
        sa.Column("indicator_type_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("type_key", sa.String(), nullable=False),
        sa.Column("level1_code", sa.String(length=4), nullable=True),
        sa.Column("level1_name", sa.String(), nullable=False),
        sa.Column("level2_code", sa.String(length=4), nullable=True),
        sa.Column("level2_name", sa.String(), nullable=False),
        sa.Column("is_known", sa.Boolean(), nullable=False),
        sa.Column("is_assumed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("indicator_type_id"),
        sa.UniqueConstraint("type_key"),
    )
    op.create_table(
        "dim_project",
        sa.Column("project_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("department_name", sa.String(), nullable=False),
        sa.Column("unit_name", sa.String(), nullable=False),
        sa.Column("project_name", sa.String(), nullable=False),
        sa.Column("transfer_doc_no", sa.String(), nullable=True),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("project_id"),
    )
    op.create_table(
        "load_log",
        sa.Column("load_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("source_path", sa.String(), nullable=False),
        sa.Column("source_sha256", sa.String(length=64), nullable=False),
        sa.Column("source_format", sa.String(length=16), nullable=True),
        sa.Column("source_encoding", sa.String(length=16), nullable=True),
        sa.Column("budget_year", sa.Integer(), nullable=True),
        sa.Column("department_name", sa.String(), nullable=True),
        sa.Column("source_unit", sa.String(length=8), nullable=True),
        sa.Column("is_generated", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("message", sa.String(), nullable=True),
        sa.Column("n_projects", sa.Integer(), nullable=False),
        sa.Column("n_targets", sa.Integer(), nullable=False),
        sa.Column("n_aggregates", sa.Integer(), nullable=False),
        sa.Column("n_rejects", sa.Integer(), nullable=False),
        sa.Column("grand_total_yuan", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("reconciled", sa.Boolean(), nullable=True),
        sa.Column("n_reconciliation_failures", sa.Integer(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("status IN ('loaded', 'superseded', 'refused')", name="ck_load_log_status"),
        sa.PrimaryKeyConstraint("load_id"),
    )
    op.create_table(
        "dim_project_name",
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("department_name", sa.String(), nullable=False),
        sa.Column("unit_name", sa.String(), nullable=False),
        sa.Column("printed_name", sa.String(), nullable=False),
        sa.Column("link_method", sa.String(length=16), nullable=False),
        sa.Column("link_score", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("linked_in_year", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["dim_project.project_id"],
        ),
        sa.PrimaryKeyConstraint("name_key"),
    )
    op.create_table(
        "fact_project_budget",
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("budget_year", sa.Integer(), nullable=False),
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("name_key", sa.String(), nullable=False),
        sa.Column("department_name", sa.String(), nullable=False),
        sa.Column("unit_name", sa.String(), nullable=False),
        sa.Column("printed_name", sa.String(), nullable=False),
        sa.Column("project_name", sa.String(), nullable=False),
        sa.Column("transfer_doc_no", sa.String(), nullable=True),
        sa.Column("is_transfer_payment", sa.Boolean(), nullable=False),
        sa.Column("total_yuan", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("fiscal_yuan", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("special_account_yuan", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("other_yuan", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("source_unit", sa.String(length=8), nullable=False),
        sa.Column("goal_text", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("project_id", "budget_year"),
    )
    op.create_table(
        "fact_reconciliation",
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("check_no", sa.Integer(), nullable=False),
        sa.Column("check_name", sa.String(), nullable=False),
        sa.Column("scope", sa.String(), nullable=False),
        sa.Column("column_name", sa.String(), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.Column("expected_yuan", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("actual_yuan", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("difference_yuan", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("load_id", "check_no"),
    )
    op.create_table(
        "fact_table_aggregate",
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("row_kind", sa.String(length=16), nullable=False),
        sa.Column("row_name", sa.String(), nullable=False),
        sa.Column("total_yuan", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("fiscal_yuan", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("special_account_yuan", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("other_yuan", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("load_id", "source_line"),
    )
    op.create_table(
        "fact_target",
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("budget_year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("indicator_type_id", sa.Integer(), nullable=False),
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("printed_level1_code", sa.String(length=4), nullable=True),
        sa.Column("printed_level1_name", sa.String(), nullable=True),
        sa.Column("printed_level2_code", sa.String(length=4), nullable=True),
        sa.Column("printed_level2_name", sa.String(), nullable=True),
        sa.Column("is_misparented", sa.Boolean(), nullable=False),
        sa.Column("is_duplicate", sa.Boolean(), nullable=False),
        sa.Column("indicator_name", sa.String(), nullable=False),
        sa.Column("period_target_text", sa.String(), nullable=True),
        sa.Column("period_comparison", sa.String(length=2), nullable=True),
        sa.Column("period_value", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("period_unit", sa.String(), nullable=True),
        sa.Column("period_unit_source", sa.String(length=8), nullable=True),
        sa.Column("period_value_status", sa.String(length=16), nullable=False),
        sa.Column("annual_target_text", sa.String(), nullable=True),
        sa.Column("annual_comparison", sa.String(length=2), nullable=True),
        sa.Column("annual_value", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("annual_unit", sa.String(), nullable=True),
        sa.Column("annual_unit_source", sa.String(length=8), nullable=True),
        sa.Column("annual_value_status", sa.String(length=16), nullable=False),
        sa.Column("raw_text", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("project_id", "budget_year", "seq"),
    )
    op.create_table(
        "load_reject",
        sa.Column("load_id", sa.BigInteger(), nullable=False),
        sa.Column("reject_no", sa.Integer(), nullable=False),
        sa.Column("source_path", sa.String(), nullable=False),
        sa.Column("source_line", sa.Integer(), nullable=False),
        sa.Column("raw_text", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("load_id", "reject_no"),
    )
    # ### end Alembic commands ###


def downgrade() -> None:
    # ### commands auto generated by Alembic - please adjust! ###
    op.drop_table("load_reject")
    op.drop_table("fact_target")
    op.drop_table("fact_table_aggregate")
    op.drop_table("fact_reconciliation")
    op.drop_table("fact_project_budget")
    op.drop_table("dim_project_name")
    op.drop_table("load_log")
    op.drop_table("dim_project")
    op.drop_table("dim_indicator_type")
    for name in SEQUENCES:
        op.execute(f"DROP SEQUENCE {name}")
    # ### end Alembic commands ###
