"""The warehouse schema, defined once. Alembic gets this MetaData as ``target_metadata``.

Star schema: dimensions ``dim_project`` (one row per project identity), ``dim_project_name``
(every published name that was linked to an identity, and how), ``retired_project_name`` (names no fact
prints any more, and the identity each had), ``dim_indicator_type`` (the type tree); facts
``fact_project_budget`` (project x year) and ``fact_target`` (project x year x indicator); lineage
``load_log`` (one row per source file attempt), ``load_reject``, ``fact_table_aggregate`` (合计 and unit
rows) and ``fact_reconciliation``; run history ``load_run`` (one row per load run: when, outcome,
counts), ``load_run_file`` (which run wrote which load_log row) and ``load_run_check`` (each
data-quality check a run ran, with a sample of offending rows).
Money is DECIMAL(18, 2) yuan; every fact row carries its ``load_id`` and ``source_line``.

Primary keys are enforced everywhere but on ``fact_target`` in DuckDB: they are what makes a load unable to
double a row. fact_target's key (project, year, seq) would be DuckDB's largest index (1.3 M rows on 10,000
tables: a quarter of the file and 2-5 s of the loader's CPU) and guards nothing the other keys do not: a
project-year's targets go in with its fact_project_budget row, whose primary key refuses a second one, and the
parser numbers a project's items 1, 2, 3 …; the loader refuses a batch that would store an item twice
(etl.load.writer._refuse_doubled_targets), and PostgreSQL keeps the key (its loader reads targets through it).
Foreign keys are declared between dimensions only: DuckDB checks them row by row on insert, which tripled the
cost of a bulk load (0.47 s against 0.19 s for 110,000 targets), so fact-to-dimension integrity is guaranteed
by the loader (facts are inserted through inner joins on their dimensions) and verified after every load by
the data-quality queries in sql/checks/.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

YUAN = sa.Numeric(18, 2)
TARGET_NUMBER = sa.Numeric(18, 4)
SEQUENCES = ("seq_load_id", "seq_project_id", "seq_indicator_type_id", "seq_run_id")


def _amount_columns() -> list[sa.Column]:
    return [sa.Column(f"{c}_yuan", YUAN, nullable=False) for c in ("total", "fiscal", "special_account", "other")]


def _target_columns(prefix: str) -> list[sa.Column]:
    return [
        sa.Column(f"{prefix}_target_text", sa.String),
        sa.Column(f"{prefix}_comparison", sa.String(2)),
        sa.Column(f"{prefix}_value", TARGET_NUMBER),
        sa.Column(f"{prefix}_unit", sa.String),
        sa.Column(f"{prefix}_unit_source", sa.String(8)),
        sa.Column(f"{prefix}_value_status", sa.String(16), nullable=False),
    ]


load_log = sa.Table(
    "load_log",
    metadata,
    sa.Column("load_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("source_path", sa.String, nullable=False),
    sa.Column("source_sha256", sa.String(64), nullable=False),
    sa.Column("source_format", sa.String(16)),
    sa.Column("source_encoding", sa.String(16)),
    sa.Column("budget_year", sa.Integer),
    sa.Column("department_name", sa.String),
    sa.Column("source_unit", sa.String(8)),
    sa.Column("is_generated", sa.Boolean, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("message", sa.String),
    sa.Column("n_projects", sa.Integer, nullable=False),
    sa.Column("n_targets", sa.Integer, nullable=False),
    sa.Column("n_aggregates", sa.Integer, nullable=False),
    sa.Column("n_rejects", sa.Integer, nullable=False),
    sa.Column("grand_total_yuan", YUAN),
    sa.Column("reconciled", sa.Boolean),
    sa.Column("n_reconciliation_failures", sa.Integer, nullable=False),
    sa.Column("loaded_at", sa.DateTime, nullable=False),
    # what sort of refusal (etl.model.RefusalKind; NULL for a load) and which parser made the row
    # (etl.transform.PARSER_VERSION; NULL for rows written before revision 0007)
    sa.Column("refusal_kind", sa.String(24)),
    sa.Column("parser_version", sa.Integer),
    sa.Column("layout", sa.String(32)),  # the layout family read (or recognised and refused); 0009
    sa.Column("layout_score", sa.Numeric(4, 3)),
    # size:mtime_ns:ctime_ns:inode:device of the file when a run hashed it (0012): while all of them are unchanged a
    # later run trusts source_sha256 instead of hashing the file again (etl/load/incremental.py)
    sa.Column("source_stat", sa.String(96)),
    sa.CheckConstraint("status IN ('loaded', 'superseded', 'refused')", name="ck_load_log_status"),
)

dim_indicator_type = sa.Table(
    "dim_indicator_type",
    metadata,
    sa.Column("indicator_type_id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("type_key", sa.String, nullable=False, unique=True),
    sa.Column("level1_code", sa.String(4)),
    sa.Column("level1_name", sa.String, nullable=False),
    sa.Column("level2_code", sa.String(4)),
    sa.Column("level2_name", sa.String, nullable=False),
    sa.Column("is_known", sa.Boolean, nullable=False),
    sa.Column("is_assumed", sa.Boolean, nullable=False),
)

dim_project = sa.Table(
    "dim_project",
    metadata,
    sa.Column("project_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("department_name", sa.String, nullable=False),
    sa.Column("unit_name", sa.String, nullable=False),
    sa.Column("project_name", sa.String, nullable=False),
    sa.Column("transfer_doc_no", sa.String),
    sa.Column("first_year", sa.Integer, nullable=False),
)

dim_project_name = sa.Table(
    "dim_project_name",
    metadata,
    sa.Column("name_key", sa.String, primary_key=True),
    sa.Column("project_id", sa.BigInteger, sa.ForeignKey("dim_project.project_id"), nullable=False),
    sa.Column("department_name", sa.String, nullable=False),
    sa.Column("unit_name", sa.String, nullable=False),
    sa.Column("printed_name", sa.String, nullable=False),
    sa.Column("link_method", sa.String(16), nullable=False),
    sa.Column("link_score", sa.Numeric(5, 2)),
    sa.Column("linked_in_year", sa.Integer, nullable=False),
)

# a name dropped from dim_project_name (its facts pruned, or corrected away) and the identity it had (0015): a name
# printed again later that the linker would give a new identity gets this one back (etl.load.continuity), so a
# file pruned and then restored, or a correction undone, keeps its projects' ids. No foreign key: the project may be
# gone from dim_project meanwhile (it is written again with the name)
retired_project_name = sa.Table(
    "retired_project_name",
    metadata,
    sa.Column("name_key", sa.String, primary_key=True),
    sa.Column("project_id", sa.BigInteger, nullable=False),
    sa.Column("printed_name", sa.String, nullable=False),
    sa.Column("retired_at", sa.DateTime, nullable=False),
)

fact_project_budget = sa.Table(
    "fact_project_budget",
    metadata,
    sa.Column("project_id", sa.BigInteger, primary_key=True),
    sa.Column("budget_year", sa.Integer, primary_key=True),
    sa.Column("load_id", sa.BigInteger, nullable=False),
    sa.Column("source_line", sa.Integer, nullable=False),
    sa.Column("name_key", sa.String, nullable=False),
    sa.Column("department_name", sa.String, nullable=False),
    sa.Column("unit_name", sa.String, nullable=False),
    sa.Column("printed_name", sa.String, nullable=False),
    sa.Column("project_name", sa.String, nullable=False),
    sa.Column("transfer_doc_no", sa.String),
    sa.Column("is_transfer_payment", sa.Boolean, nullable=False),
    *_amount_columns(),
    sa.Column("source_unit", sa.String(8), nullable=False),
    sa.Column("goal_text", sa.String),
    sa.Column("period_total_yuan", YUAN),  # a form's 中期/实施期 amount; 0009
)

fact_target = sa.Table(
    "fact_target",
    metadata,
    sa.Column("project_id", sa.BigInteger, nullable=False),
    sa.Column("budget_year", sa.Integer, nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("indicator_type_id", sa.Integer, nullable=False),
    sa.Column("load_id", sa.BigInteger, nullable=False),
    sa.Column("source_line", sa.Integer, nullable=False),
    sa.Column("printed_level1_code", sa.String(4)),
    sa.Column("printed_level1_name", sa.String),
    sa.Column("printed_level2_code", sa.String(4)),
    sa.Column("printed_level2_name", sa.String),
    sa.Column("is_misparented", sa.Boolean, nullable=False),
    sa.Column("is_duplicate", sa.Boolean, nullable=False),
    sa.Column("indicator_name", sa.String, nullable=False),
    *_target_columns("period"),
    *_target_columns("annual"),
    sa.Column("raw_text", sa.String, nullable=False),
    sa.Column("weight", TARGET_NUMBER),  # 权重 of the per-row layout (NULL where not printed); since 0008
    sa.Column("direction", sa.String(4)),  # 指标方向 正向/反向 of the per-row layout; since 0008
    # since 0011, for the cross-year views (stored so a department's filter reaches this table's scan):
    sa.Column("department_name", sa.String),  # the table's department, as in fact_project_budget
    sa.Column("indicator_key", sa.String),  # etl.text.fold_key(indicator_name): names compared across years
    sa.Column("occurrence", sa.Integer),  # 1, 2 … among the project-year's targets of this indicator_key
    # (in seq order; NULL for the parser's exact repeats, is_duplicate): a name printed twice pairs by order
    # since 0016: what the compared target (the annual one, or the period's where no annual value is printed) prints
    # besides its comparison, number and unit (etl.transform.target_values.compared_frame; NULL unless quantitative):
    # v_target_yoy compares two years' numbers only under the same frame, and read it per row before
    sa.Column("target_frame", sa.String),
    # one row per project, year and item: PostgreSQL's key; in DuckDB (no index since 0013) the loader's, per batch
    # (etl.load.writer._refuse_doubled_targets); see the module docstring
    sa.PrimaryKeyConstraint("project_id", "budget_year", "seq", name="fact_target_pkey").ddl_if(dialect="postgresql"),
)

fact_table_aggregate = sa.Table(
    "fact_table_aggregate",
    metadata,
    sa.Column("load_id", sa.BigInteger, primary_key=True),
    sa.Column("source_line", sa.Integer, primary_key=True),
    sa.Column("row_kind", sa.String(16), nullable=False),
    sa.Column("row_name", sa.String, nullable=False),
    *_amount_columns(),
)

fact_reconciliation = sa.Table(
    "fact_reconciliation",
    metadata,
    sa.Column("load_id", sa.BigInteger, primary_key=True),
    sa.Column("check_no", sa.Integer, primary_key=True),
    sa.Column("check_name", sa.String, nullable=False),
    sa.Column("scope", sa.String, nullable=False),
    sa.Column("column_name", sa.String, nullable=False),
    sa.Column("source_line", sa.Integer),
    sa.Column("expected_yuan", YUAN, nullable=False),
    sa.Column("actual_yuan", YUAN, nullable=False),
    sa.Column("difference_yuan", YUAN, nullable=False),
    sa.Column("passed", sa.Boolean, nullable=False),
)

load_reject = sa.Table(
    "load_reject",
    metadata,
    sa.Column("load_id", sa.BigInteger, primary_key=True),
    sa.Column("reject_no", sa.Integer, primary_key=True),
    sa.Column("source_path", sa.String, nullable=False),
    sa.Column("source_line", sa.Integer, nullable=False),
    sa.Column("raw_text", sa.String, nullable=False),
    sa.Column("reason", sa.String, nullable=False),
)

RUN_OUTCOMES = ("running", "unchanged", "succeeded", "failed", "interrupted")
RUN_COUNTS = (
    "n_files",
    "n_loaded",
    "n_replaced",
    "n_unchanged",
    "n_refused",
    "n_disappeared",
    "n_pruned",
    "n_projects",
    "n_targets",
    "n_rejects",
    "n_reconciliation_failures",
)

load_run = sa.Table(
    "load_run",
    metadata,
    sa.Column("run_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("flow_run_id", sa.String(36)),
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime),
    sa.Column("outcome", sa.String(16), nullable=False),
    sa.Column("source_paths", sa.String, nullable=False),
    *[sa.Column(name, sa.Integer, nullable=False) for name in RUN_COUNTS],
    sa.Column("n_check_failures", sa.Integer),
    sa.Column("message", sa.String),
    sa.Column("pid", sa.Integer),  # the process the run ran in, so a killed run can be found (history.py)
    sa.Column("host", sa.String),
    sa.Column("process_started", sa.Double),  # that process's start time (pids are reused)
    # sha256 of the checks' SQL, the views' build and the schema revision the run's checks ran with (or were
    # carried over under: etl/load/run.py); NULL when the run recorded no checks
    sa.Column("checks_fingerprint", sa.String(64)),
    sa.Column("checks_from_run", sa.BigInteger),  # the run whose check results this one carried over
    sa.CheckConstraint(f"outcome IN {RUN_OUTCOMES}", name="ck_load_run_outcome"),
)

load_run_file = sa.Table(
    "load_run_file",
    metadata,
    sa.Column("load_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("run_id", sa.BigInteger, nullable=False),
)

load_run_check = sa.Table(
    "load_run_check",
    metadata,
    sa.Column("run_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("check_name", sa.String, primary_key=True),
    sa.Column("passed", sa.Boolean, nullable=False),
    sa.Column("n_rows", sa.Integer, nullable=False),
    sa.Column("sample", sa.String),
    sa.Column("description", sa.String),
)


def column_names(table: sa.Table, without: tuple[str, ...] = ()) -> list[str]:
    """The table's column names in schema order, less the ones named (keys the loader assigns)."""
    missing = set(without) - set(table.columns.keys())
    if missing:
        raise KeyError(f"{table.name} has no column(s) {sorted(missing)}")
    return [c.name for c in table.columns if c.name not in without]
