"""SourceTables -> pandas DataFrames shaped like the warehouse tables (pure; no database).

Money travels as exact decimal strings and is CAST to DECIMAL by the loader, so no float ever
touches an amount. ``batch_no`` ties each row to its table within the batch; the loader swaps it
for the table's load_id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import numpy as np
import pandas as pd
import pyarrow as pa

from etl.model import AMOUNT_COLUMNS, Indicator, Refusal, RefusalKind, SourceTable, TargetValue
from etl.text import fold_key, folded
from etl.transform import PARSER_VERSION
from etl.transform.target_values import compared_frame
from etl.warehouse import schema

# Staging frames have the warehouse tables' columns (names and order from etl/warehouse/schema.py), less the
# keys the loader assigns (load_id, project_id, indicator_type_id), plus the staging keys it resolves them from:
# batch_no (-> load_id), name_key (-> project_id via dim_project_name), type_key (-> dim_indicator_type).
# The loader inserts BY NAME, so a column added to the schema and to the row tuples below loads without
# touching the loader; the tuples list values in exactly these columns' order (tests/test_columns.py).
PROJECT_COLUMNS = ["batch_no", *schema.column_names(schema.fact_project_budget, ("project_id", "load_id"))]
TARGET_COLUMNS = [
    "batch_no",
    "name_key",
    "type_key",
    *schema.column_names(schema.fact_target, ("project_id", "indicator_type_id", "load_id")),
]
AGGREGATE_COLUMNS = ["batch_no", *schema.column_names(schema.fact_table_aggregate, ("load_id",))]
FINDING_COLUMNS = ["batch_no", *schema.column_names(schema.fact_reconciliation, ("load_id",))]
REJECT_COLUMNS = ["batch_no", *schema.column_names(schema.load_reject, ("load_id",))]


def name_key(department: str, unit: str, doc: str | None, project_name: str) -> str:
    """The exact identity of a published project name: department, unit, document, name (width-folded). The
    parts a table repeats go through folded's cache (3.5 -> 1.4 µs a project, 500 GENERATED tables; it was cached
    whole, by all four parts, which never hit on 10,000 GENERATED tables)."""
    return f"{folded(department)}|{folded(unit)}|{folded(doc)}|{fold_key(project_name or '')}"


def _frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    """Row tuples as a frame (see _frame_of_columns)."""
    values = zip(*rows, strict=True) if rows else ([] for _ in columns)
    return _frame_of_columns(list(values), columns)


def _frame_of_columns(values: list[Sequence | pa.Array], columns: list[str]) -> pd.DataFrame:
    """Columns (lists, or Arrow arrays already built) as a frame through Arrow: half the time of
    pd.DataFrame(rows) and the same dtypes (str, int64, bool; float64 for whole numbers with gaps; object for
    nothing but None). A column of mixed types (none today) falls back to pandas' own construction, so nothing
    is truncated."""
    try:
        arrays = [v if isinstance(v, pa.Array) else _array(v) for v in values]
    except (_MixedColumn, pa.ArrowInvalid, pa.ArrowTypeError):
        as_lists = [v.to_pylist() if isinstance(v, pa.Array) else v for v in values]
        return pd.DataFrame(dict(zip(columns, as_lists, strict=True)), columns=columns)
    return pa.Table.from_arrays(arrays, names=columns).to_pandas()


class _MixedColumn(ValueError):
    pass


_ARROW_TYPES = {str: pa.large_string(), int: pa.int64(), bool: pa.bool_()}


def _array(values: Sequence) -> pa.Array:
    """One column as Arrow, its type read off its first value (Arrow's own inference scans every string).
    Text of another type raises in Arrow; a number or flag of another type is looked for (Arrow would cast
    2.5 or Decimal('2.5') into an int64 column as 2)."""
    kind = type(next((v for v in values if v is not None), None))
    if kind is not str and not {kind, type(None)}.issuperset(map(type, values)):
        raise _MixedColumn(kind)
    return pa.array(values, type=_ARROW_TYPES.get(kind))


def _score(value: float | None) -> str | None:
    """A layout score as exact decimal text for DECIMAL(4, 3)."""
    return None if value is None else f"{value:.3f}"


def _money(value: Decimal) -> str:
    return format(value, "f")


def _value_columns(values: list[TargetValue]) -> list[list]:
    """A target value's six columns (fact_target's order: text, comparison, number, unit, its source, status)."""
    return [
        [v.text for v in values],
        [v.comparison for v in values],
        [None if v.number is None else format(v.number, "f") for v in values],
        [v.unit for v in values],
        [v.unit_source for v in values],
        [v.status for v in values],
    ]


def project_keys(tables: Sequence[SourceTable]) -> list[list[str]]:
    """Each project's name_key, per table (computed once for the project and the target frames)."""
    return [
        [name_key(t.department_name, p.unit_name, p.transfer_doc_no, p.project_name) for p in t.projects]
        for t in tables
    ]


def project_rows(tables: Sequence[SourceTable], keys: list[list[str]] | None = None) -> pd.DataFrame:
    keys = project_keys(tables) if keys is None else keys
    rows = [
        (
            i,
            t.budget_year,
            p.line_no,
            keys[i][j],
            t.department_name,
            p.unit_name,
            p.printed_name,
            p.project_name,
            p.transfer_doc_no,
            p.transfer_doc_no is not None,
            *(_money(p.amounts[c]) for c in AMOUNT_COLUMNS),
            t.source_unit,
            p.goal_text,
            None if p.period_total is None else _money(p.period_total),
        )
        for i, t in enumerate(tables)
        for j, p in enumerate(t.projects)
    ]
    return _frame(rows, PROJECT_COLUMNS)


def target_rows(tables: Sequence[SourceTable], keys: list[list[str]] | None = None) -> pd.DataFrame:
    """One row per indicator, built column by column (TARGET_COLUMNS' order): a project's own columns once per
    project, repeated by Arrow, and no row tuples to transpose (0.61 -> 0.44 ms a table of 134 targets)."""
    keys = project_keys(tables) if keys is None else keys
    per_project: list[tuple] = []  # batch_no, name_key, budget_year, source_line, department of each project
    counts: list[int] = []
    inds: list[Indicator] = []
    indicator_keys: list[str] = []
    occurrences: list[int | None] = []
    for i, t in enumerate(tables):
        for p, key in zip(t.projects, keys[i], strict=True):
            if p.indicators:
                per_project.append((i, key, t.budget_year, p.line_no, t.department_name))
                counts.append(len(p.indicators))
                inds += p.indicators
                _keyed(p.indicators, indicator_keys, occurrences)
    batch_no, name_keys, years, lines, departments = _repeated(per_project, counts)
    columns = [
        batch_no,
        name_keys,
        [x.type_key for x in inds],
        years,
        [x.seq for x in inds],
        lines,
        [x.level1_code for x in inds],
        [x.level1_name for x in inds],
        [x.level2_code for x in inds],
        [x.level2_name for x in inds],
        [x.is_misparented for x in inds],
        [x.is_duplicate for x in inds],
        [x.name for x in inds],
        *_value_columns([x.period for x in inds]),
        *_value_columns([x.annual for x in inds]),
        [x.raw_text for x in inds],
        [None if x.weight is None else format(x.weight, "f") for x in inds],
        [x.direction for x in inds],
        departments,  # the table's, as fact_project_budget has it (the views join on it)
        indicator_keys,
        occurrences,
        [compared_frame(x.period, x.annual) for x in inds],
    ]
    df = _frame_of_columns(columns, TARGET_COLUMNS)
    df["occurrence"] = df["occurrence"].astype("Int64")  # whole numbers with gaps (a float column otherwise)
    return df


def _repeated(per_project: list[tuple], counts: list[int]) -> list[pa.Array | list]:
    """Each per-project column as Arrow, its value repeated once per indicator of the project; a column of mixed
    types as a plain list, for _frame_of_columns to build the way pandas does."""
    at = pa.array(np.repeat(np.arange(len(counts), dtype=np.int64), counts))
    columns = [list(c) for c in zip(*per_project, strict=True)] if per_project else [[] for _ in range(5)]
    out: list[pa.Array | list] = []
    for values in columns:
        try:
            out.append(_array(values).take(at))
        except (_MixedColumn, pa.ArrowInvalid, pa.ArrowTypeError):
            out.append([v for v, n in zip(values, counts, strict=True) for _ in range(n)])
    return out


def _keyed(indicators: Sequence[Indicator], keys_out: list[str], occurrences_out: list[int | None]) -> None:
    """Append each indicator's folded name (fold_key) and its occurrence among the project's indicators of that
    name in seq order (1, 2 …; None for the parser's exact repeats): the keys v_target_yoy pairs two years'
    targets on. Most projects name each indicator once and repeat none: every occurrence is then 1, without the
    ordering and counting (target_rows over 1,000 of L's tables: 0.35-0.40 -> 0.30-0.35 CPU s, five alternating
    runs)."""
    keys = [folded(ind.name) for ind in indicators]
    keys_out += keys
    if len(set(keys)) == len(keys) and not any(ind.is_duplicate for ind in indicators):
        occurrences_out += [1] * len(keys)
        return
    occurrences: list[int | None] = [None] * len(keys)
    seen: dict[str, int] = {}
    for at in sorted(range(len(keys)), key=lambda n: indicators[n].seq):
        if not indicators[at].is_duplicate:
            occurrences[at] = seen[keys[at]] = seen.get(keys[at], 0) + 1
    occurrences_out += occurrences


def aggregate_rows(tables: Sequence[SourceTable]) -> pd.DataFrame:
    rows = [
        (i, a.line_no, a.kind, a.name, *(_money(a.amounts[c]) for c in AMOUNT_COLUMNS))
        for i, t in enumerate(tables)
        for a in t.aggregates
    ]
    return _frame(rows, AGGREGATE_COLUMNS)


def finding_rows(tables: Sequence[SourceTable]) -> pd.DataFrame:
    rows = [
        (
            i,
            n,
            f.check,
            f.scope,
            f.column,
            f.line_no,
            _money(f.expected_yuan),
            _money(f.actual_yuan),
            _money(f.difference_yuan),
            f.passed,
        )
        for i, t in enumerate(tables)
        for n, f in enumerate(t.findings, start=1)
    ]
    return _frame(rows, FINDING_COLUMNS)


def reject_rows(tables: Sequence[SourceTable]) -> pd.DataFrame:
    rows = [
        (i, n, r.path, r.line_no, r.raw_text, r.reason)
        for i, t in enumerate(tables)
        for n, r in enumerate(t.rejects, start=1)
    ]
    return _frame(rows, REJECT_COLUMNS)


@dataclass(slots=True, frozen=True)
class TableMeta:
    """What the load log needs to know of one parsed table."""

    path: str
    sha256: str
    budget_year: int
    department_name: str
    source_unit: str
    source_format: str
    encoding: str
    is_generated: bool
    n_projects: int
    n_targets: int
    n_aggregates: int
    n_rejects: int
    grand_total_yuan: str | None
    reconciled: bool
    n_failures: int
    layout: str = ""
    layout_score: float | None = None
    notes: str | None = None

    def refused(self, reason: str, kind: RefusalKind) -> Refusal:
        """This table refused whole by the loader (a conflict, a cut-off download, a value it cannot store)."""
        return Refusal(self.path, self.sha256, reason, self.budget_year, kind, self.layout or None, self.layout_score)


def table_meta(t: SourceTable) -> TableMeta:
    grand = next((a.amounts["total"] for a in t.aggregates if a.kind == "grand_total"), None)
    return TableMeta(
        str(t.path),
        t.sha256,
        t.budget_year,
        t.department_name,
        t.source_unit,
        t.source_format,
        t.encoding,
        t.is_generated,
        len(t.projects),
        t.n_targets,
        len(t.aggregates),
        len(t.rejects),
        None if grand is None else _money(grand),
        t.reconciled,
        sum(not f.passed for f in t.findings),
        t.layout,
        t.layout_score,
        "; ".join(t.notes)[:2000] or None,
    )


@dataclass(slots=True)
class FrameBatch:
    """Parsed tables as warehouse-shaped frames; ``batch_no`` in each frame indexes ``tables``.

    This is what parsing workers send back: compact columns instead of millions of small objects.
    """

    tables: list[TableMeta]
    projects: pd.DataFrame
    targets: pd.DataFrame
    aggregates: pd.DataFrame
    findings: pd.DataFrame
    rejects: pd.DataFrame

    FRAMES = ("projects", "targets", "aggregates", "findings", "rejects")

    def __reduce__(self) -> tuple:
        """Pickled (from a parsing worker to the loader) as one Arrow IPC stream per frame, LZ4-compressed, in one
        buffer. Arrow tables pickle in a sixth of the time of the frames themselves and keep pandas' dtypes
        (Int64, str) on the trip; compressed, a batch of 250 tables is 6.4 MB instead of 27 MB, and the worker
        sends it in 50-52 ms instead of 81-93 (the loader takes 44-47 against 38-49 ms to receive it)."""
        sink = pa.BufferOutputStream()
        for name in self.FRAMES:
            table = pa.Table.from_pandas(getattr(self, name), preserve_index=False)
            with pa.ipc.new_stream(sink, table.schema, options=_IPC_OPTIONS) as stream:
                stream.write_table(table)
        return _from_ipc, (self.tables, sink.getvalue())

    def select(self, keep: Sequence[int]) -> FrameBatch:
        """Only the tables at the given positions, renumbered 0..len(keep)-1 (itself when that is every table)."""
        if list(keep) == list(range(len(self.tables))):
            return self  # a first load keeps everything: no copy of the frames
        renumber = {old: new for new, old in enumerate(keep)}
        parts = {}
        for name in self.FRAMES:
            df = getattr(self, name)
            df = df[df["batch_no"].isin(renumber)].copy()
            df["batch_no"] = df["batch_no"].map(renumber)
            parts[name] = df
        return FrameBatch([self.tables[i] for i in keep], **parts)


# one thread: compressing on Arrow's thread pool raised a worker's peak memory by 23 MiB (per-thread malloc arenas)
# and competed with the other worker for the cores
_IPC_OPTIONS = pa.ipc.IpcWriteOptions(compression="lz4" if pa.Codec.is_available("lz4") else None, use_threads=False)
_IPC_READ_OPTIONS = pa.ipc.IpcReadOptions(use_threads=False)


def _from_ipc(tables: list[TableMeta], payload: pa.Buffer) -> FrameBatch:
    reader = pa.BufferReader(payload)
    frames_ = (pa.ipc.open_stream(reader, options=_IPC_READ_OPTIONS).read_all().to_pandas() for _ in FrameBatch.FRAMES)
    return FrameBatch(tables, *frames_)


def to_frames(tables: Sequence[SourceTable]) -> FrameBatch:
    keys = project_keys(tables)
    return FrameBatch(
        [table_meta(t) for t in tables],
        project_rows(tables, keys),
        target_rows(tables, keys),
        aggregate_rows(tables),
        finding_rows(tables),
        reject_rows(tables),
    )


def concat(batches: Sequence[FrameBatch]) -> FrameBatch:
    """One batch of many, batch numbers shifted so they stay unique."""
    offsets, total = [], 0
    for b in batches:
        offsets.append(total)
        total += len(b.tables)
    parts = {}
    for name in FrameBatch.FRAMES:
        frames_ = [
            getattr(b, name).assign(batch_no=getattr(b, name)["batch_no"] + off)
            for b, off in zip(batches, offsets, strict=True)
        ]
        parts[name] = pd.concat(frames_, ignore_index=True) if frames_ else getattr(to_frames([]), name)
    return FrameBatch([m for b in batches for m in b.tables], **parts)


def load_log_rows(tables: Sequence[TableMeta], load_ids: Sequence[int], now: datetime) -> list[tuple]:
    """load_log rows (in the table's column order) for tables being loaded."""
    return [
        (
            load_id,
            t.path,
            t.sha256,
            t.source_format,
            t.encoding,
            t.budget_year,
            t.department_name,
            t.source_unit,
            t.is_generated,
            "loaded",
            t.notes,
            t.n_projects,
            t.n_targets,
            t.n_aggregates,
            t.n_rejects,
            t.grand_total_yuan,
            t.reconciled,
            t.n_failures,
            now,
            None,
            PARSER_VERSION,
            t.layout or None,
            _score(t.layout_score),
            None,  # source_stat: recorded for the run's files after their loads (etl.load.incremental)
        )
        for t, load_id in zip(tables, load_ids, strict=True)
    ]


def refusal_log_rows(refusals: Sequence[Refusal], load_ids: Sequence[int], now: datetime) -> list[tuple]:
    """load_log rows (in the table's column order) for files refused whole."""
    return [
        (
            load_id,
            r.path,
            r.sha256,
            None,
            None,
            r.budget_year,
            None,
            None,
            False,
            "refused",
            r.reason,
            0,
            0,
            0,
            0,
            None,
            None,
            0,
            now,
            str(r.kind),
            PARSER_VERSION,
            r.layout,
            _score(r.layout_score),
            None,  # source_stat (see load_log_rows)
        )
        for r, load_id in zip(refusals, load_ids, strict=True)
    ]
