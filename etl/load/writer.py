"""The only module that writes facts to the warehouse.

A batch of parsed tables is written in one DuckDB transaction, so a table is either wholly in
the warehouse or not at all. Per (department, budget year) the newest file wins: the same bytes
again change nothing; other bytes replace that table's facts and mark the older load superseded.
Rows go in through DuckDB's native DataFrame scan, never row by row.

The SQL here runs on DuckDB and on PostgreSQL alike (on PostgreSQL ``con.register`` is a COPY into a
temporary table, see etl/warehouse/postgres.py); etl/load/writer_postgres.py wraps the same planning
and writing steps in PostgreSQL's transaction and per-department locks.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import NamedTuple, TypeVar

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import sqlalchemy as sa

from etl.load import continuity, identity
from etl.load.staging import registered
from etl.model import Refusal, RefusalKind, SourceTable
from etl.text import folded
from etl.transform import PARSER_VERSION, frames
from etl.warehouse.schema import metadata

CHECKPOINT_THRESHOLD = "8MB"  # a batch of L writes more WAL than this: each batch's commit checkpoints (see below)
MEMORY_FLOOR_MB = 64  # DuckDB's buffer pool while loading, plus the in-memory indexes (default: 80% of RAM)
MEMORY_FLOOR_VARIABLE = "jixiao_memory_floor_mb"  # this connection's floor once a batch outgrew MEMORY_FLOOR_MB
MEMORY_DOUBLINGS = 7  # a batch that runs out of memory is tried again at 2x, 4x … 128x the floor (64 MB -> 8 GB)
FACT_TABLES = ("fact_target", "fact_project_budget", "fact_table_aggregate", "fact_reconciliation")
T = TypeVar("T")


@dataclass(slots=True)
class FileResult:
    """What a load did with one file: loaded, replaced, unchanged or refused."""

    path: str
    status: str
    department_name: str | None = None
    budget_year: int | None = None
    load_id: int | None = None
    n_projects: int = 0
    n_targets: int = 0
    n_rejects: int = 0
    reconciliation_failures: int = 0
    message: str = ""
    refusal_kind: str | None = None


@dataclass(slots=True)
class _Plan:
    batch: frames.FrameBatch
    replaced_ids: list[int]
    refusals: list[Refusal]
    results: list[FileResult]


def _result(t: frames.TableMeta, status: str, load_id: int | None = None) -> FileResult:
    return FileResult(
        t.path,
        status,
        t.department_name,
        t.budget_year,
        load_id,
        t.n_projects,
        t.n_targets,
        t.n_rejects,
        t.n_failures,
    )


CLAIMED_ELSEWHERE = "the table is already loaded from another file"
IN_THE_SAME_RUN = "another file of the same run holds the table"


class _Held(NamedTuple):
    """The current load of a department-year."""

    load_id: int
    sha256: str
    path: str
    grand_total_yuan: Decimal | None
    n_projects: int
    parser_version: int | None

    def same_as(self, t: frames.TableMeta) -> bool:
        """The same bytes read by the same parser: nothing to write (an older parser's load is replaced)."""
        return self.sha256 == t.sha256 and self.parser_version == PARSER_VERSION


def table_key(department_name: str, budget_year: int) -> tuple[str, int]:
    """What makes two tables the same department-year: the department's name as its projects are keyed
    (etl.text.folded, as frames.name_key does: width folded, whitespace dropped). Compared as printed, 广州市天河区
    司法局 beside a loaded 广州市天河区司法局 was another table, and its projects' facts then collided with the
    loaded ones' (one project id and year): the batch failed, and every run after it, with DuckDB's 'duplicate key'."""
    return folded(department_name), int(budget_year)


def _current_loads(con: duckdb.DuckDBPyConnection, tables: Sequence[frames.TableMeta]) -> dict[tuple[str, int], _Held]:
    """The current loads of the batch's department-years (not the whole log: it was read again every batch), by
    table_key: the loads of the batch's years, kept where their department folds to one of the batch's (a year holds
    a load per department: 1,000 rows on L)."""
    if not tables:
        return {}
    wanted = {table_key(t.department_name, t.budget_year) for t in tables}
    years = pd.DataFrame({"budget_year": sorted({y for _, y in wanted})}, dtype="int64")
    rows = _rows_with(
        con,
        "stage_table_years",
        years,
        "SELECT load_id, department_name, budget_year, source_sha256, source_path, grand_total_yuan, n_projects, "
        "parser_version FROM load_log WHERE status = 'loaded' AND budget_year IN "
        "(SELECT budget_year FROM stage_table_years)",
    )
    return {
        key: _Held(lid, sha, path, grand, n, v)
        for lid, d, y, sha, path, grand, n, v in rows
        if (key := table_key(d, y)) in wanted
    }


def _rows_with(
    con: duckdb.DuckDBPyConnection, name: str, frame: pd.DataFrame, sql: str, args: Sequence = ()
) -> list[tuple]:
    """The rows of ``sql``, which reads ``frame`` registered as ``name`` for this query only."""
    with registered(con, name, frame):
        return con.execute(sql, list(args)).fetchall()


def _of_paths(con: duckdb.DuckDBPyConnection, sql: str, paths: Sequence[str], args: Sequence = ()) -> list[tuple]:
    """Rows of load_log for these source paths only: ``sql`` names the registered stage_paths(source_path)."""
    if not paths:
        return []
    return _rows_with(con, "stage_paths", pd.DataFrame({"source_path": list(paths)}, dtype=object), sql, args)


def _current_by_path(con: duckdb.DuckDBPyConnection, paths: Sequence[str]) -> dict[str, list[int]]:
    """The current loads of these source files (a file corrected in place may now state another
    department or year: its new load must still supersede its own earlier one)."""
    out: dict[str, list[int]] = {}
    sql = (
        "SELECT source_path, load_id FROM load_log "
        "WHERE status = 'loaded' AND source_path IN (SELECT source_path FROM stage_paths)"
    )
    for path, load_id in _of_paths(con, sql, paths):
        out.setdefault(path, []).append(load_id)
    return out


def _claimed_elsewhere(t: frames.TableMeta, owner: str | None) -> Refusal | None:
    """A table belongs to the file it was loaded from while that file exists: another file with other bytes
    for the same department and year is refused (every run, the same way) instead of the two taking turns."""
    if owner is None or owner == t.path or not os.path.exists(owner):
        return None
    if _same_file(owner, t.path):  # a link to it, or a folder linked above it: there is nothing to remove
        reason = (
            f"{CLAIMED_ELSEWHERE} ({owner}), which is this same file reached by another path: "
            f"{t.department_name} {t.budget_year}; load it by the path it was loaded from"
        )
        return t.refused(reason, RefusalKind.CONFLICT)
    reason = (
        f"{CLAIMED_ELSEWHERE} ({owner}) that still exists: {t.department_name} {t.budget_year}; "
        "replace that file, or remove one of the two"
    )
    return t.refused(reason, RefusalKind.CONFLICT)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _cut_short(con: duckdb.DuckDBPyConnection, batch: frames.FrameBatch, i: int, held: _Held | None) -> Refusal | None:
    """A new version of a loaded table that prints the loaded version's 合计 but only the first of its projects,
    which do not add up to it, is that table cut off at a row's end (a broken download): it does not replace the
    table. The rows a cut leaves are complete, so only the totals and the missing tail tell. (A corrected table
    that drops a project elsewhere, or prints another 合计, replaces it as before.)"""
    t = batch.tables[i]
    if held is None or t.reconciled or t.grand_total_yuan is None or held.grand_total_yuan is None:
        return None
    if Decimal(t.grand_total_yuan) != held.grand_total_yuan or t.n_projects >= held.n_projects:
        return None
    mine = batch.projects[batch.projects["batch_no"] == i].sort_values("source_line")["name_key"].tolist()
    loaded = con.execute(
        "SELECT name_key FROM fact_project_budget WHERE load_id = ? ORDER BY source_line", [held.load_id]
    ).fetchall()
    if [k for (k,) in loaded[: len(mine)]] != mine:
        return None
    reason = (
        f"cut off: its 合计 ({held.grand_total_yuan} yuan) is the loaded table's, but it prints only the first "
        f"{t.n_projects} of its {held.n_projects} projects, which do not add up to it; the loaded table "
        f"({held.path}) stays"
    )
    return t.refused(reason, RefusalKind.BAD_INPUT)


def plan_batch(con: duckdb.DuckDBPyConnection, batch: frames.FrameBatch, refusals: Sequence[Refusal]) -> _Plan:
    """Decide per file: unchanged (same bytes already current), load, replace, or refuse.

    A file's new load supersedes its own earlier load, whatever department or year it now states. Files
    that already have a current load are decided first, so a table one of them gives up (a 部门名称
    corrected in place) is free for another file of the same batch.
    """
    current = _current_loads(con, batch.tables)
    by_path = _current_by_path(con, [t.path for t in batch.tables])
    known_refusals = set(  # logged once per file, bytes, kind and parser version
        _of_paths(
            con,
            "SELECT source_path, source_sha256, refusal_kind FROM load_log WHERE status = 'refused' "
            "AND parser_version = ? AND source_path IN (SELECT source_path FROM stage_paths)",
            sorted({r.path for r in refusals} | {t.path for t in batch.tables}),  # conflicts are refusals too
            [PARSER_VERSION],
        )
    )
    keep: list[int] = []
    replaced: list[int] = []
    decided: dict[int, FileResult] = {}
    refusals = list(refusals)
    claimed: dict[tuple[str, int], tuple[str, str]] = {}  # the table's key -> the path and bytes that write it
    order = sorted(range(len(batch.tables)), key=lambda i: batch.tables[i].path not in by_path)
    for i in order:
        t = batch.tables[i]
        key = table_key(t.department_name, t.budget_year)
        if key in claimed and claimed[key][1] == t.sha256:  # an exact copy of the file that writes it (a link)
            decided[i] = _result(t, "unchanged")
            continue
        if key in claimed:
            reason = f"{IN_THE_SAME_RUN} ({claimed[key][0]}): {t.department_name} {t.budget_year}"
            refusals.append(t.refused(reason, RefusalKind.CONFLICT))
            continue
        held = current.get(key)
        held = held if held and held.load_id not in replaced else None
        if held and held.same_as(t):
            decided[i] = _result(t, "unchanged", held.load_id)
            continue
        if conflict := _claimed_elsewhere(t, held.path if held else None) or _cut_short(con, batch, i, held):
            refusals.append(conflict)
            continue
        claimed[key] = (t.path, t.sha256)  # only a file that writes it holds it (a refused one must not shadow a copy)
        own = [lid for lid in by_path.get(t.path, []) if not held or lid != held.load_id]
        replaced += ([held.load_id] if held else []) + own
        keep.append(i)
        decided[i] = _result(t, "replaced" if held or own else "loaded")
        if held and held.sha256 == t.sha256:
            decided[i].message = f"read again: loaded by parser version {held.parser_version}, now {PARSER_VERSION}"
    new_refusals = [r for r in refusals if (r.path, r.sha256, str(r.kind)) not in known_refusals]
    results = [decided[i] for i in sorted(decided)]
    results += [
        FileResult(r.path, "refused", budget_year=r.budget_year, message=r.reason, refusal_kind=str(r.kind))
        for r in refusals
    ]
    return _Plan(batch.select(sorted(keep)), replaced, new_refusals, results)


def load_batch(
    con: duckdb.DuckDBPyConnection,
    tables: frames.FrameBatch | Sequence[SourceTable],
    refusals: Sequence[Refusal] = (),
    run_id: int | None = None,
) -> list[FileResult]:
    """Write a batch of tables (and the refusals' log rows) in one transaction; return per-file results.

    With a run_id, every load_log row written is linked to that run (load_run_file) in the same transaction.
    """
    batch = tables if isinstance(tables, frames.FrameBatch) else frames.to_frames(tables)
    if getattr(con, "dialect", "duckdb") == "postgresql":
        from etl.load import writer_postgres

        return writer_postgres.load_batch(con, batch, refusals, run_id)
    bulk_load_settings(con)
    try:
        return _written(con, batch, refusals, run_id)
    except duckdb.ConversionException:
        return _each_alone(con, batch, refusals, run_id)


def _written(
    con: duckdb.DuckDBPyConnection, batch: frames.FrameBatch, refusals: Sequence[Refusal], run_id: int | None
) -> list[FileResult]:
    plan, load_ids = _with_room(con, lambda: _planned_and_written(con, batch, refusals, run_id))
    if load_ids is None:
        return plan.results
    _with_room(con, lambda: drop_nameless_projects(con))
    return with_load_ids(plan, load_ids)


def _each_alone(
    con: duckdb.DuckDBPyConnection, batch: frames.FrameBatch, refusals: Sequence[Refusal], run_id: int | None
) -> list[FileResult]:
    """A batch that holds a value the warehouse cannot store (DuckDB's ConversionException: a number beyond its
    column's type that the parser let through) is written again a table at a time, each in its own transaction,
    and a table that fails alone is refused with DuckDB's reason, as an internal error (the parser should have
    refused it; the file is read again by the next release). One such file failed the whole load, run after run."""
    nothing = batch.select([])
    results = _written(con, nothing, refusals, run_id) if refusals else []
    for i, table in enumerate(batch.tables):
        try:
            results += _written(con, batch.select([i]), (), run_id)
        except duckdb.ConversionException as exc:
            reason = f"the warehouse cannot store a value of it: {' '.join(str(exc).split())}"[:2000]
            refused = table.refused(reason, RefusalKind.INTERNAL_ERROR)
            results += _written(con, nothing, [refused], run_id)
    return results


def _with_room(con: duckdb.DuckDBPyConnection, step: Callable[[], T]) -> T:
    """``step()``, tried again with the memory floor doubled while DuckDB runs out of memory, up to MEMORY_DOUBLINGS
    times; a step is a transaction rolled back whole or a single statement, so a try that failed left nothing."""
    for _ in range(MEMORY_DOUBLINGS):
        try:
            return step()
        except duckdb.OutOfMemoryException:
            _double_memory_floor(con)
    return step()


def _planned_and_written(
    con: duckdb.DuckDBPyConnection, batch: frames.FrameBatch, refusals: Sequence[Refusal], run_id: int | None
) -> tuple[_Plan, list[int] | None]:
    """The batch's plan and the load_ids its transaction wrote (None: nothing to write); rolled back on failure."""
    plan = plan_batch(con, batch, refusals)
    if not plan.batch.tables and not plan.refusals:
        return plan, None
    con.execute("BEGIN TRANSACTION")
    try:
        load_ids = write_plan(con, plan, run_id)
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise
    return plan, load_ids


def with_load_ids(plan: _Plan, load_ids: list[int]) -> list[FileResult]:
    """The plan's per-file results, the written ones with the load_id they got."""
    by_path = dict(zip((t.path for t in plan.batch.tables), load_ids, strict=True))
    for result in plan.results:
        if result.status in ("loaded", "replaced"):
            result.load_id = by_path[result.path]
    return plan.results


def rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back after a failure, keeping the FIRST error: a COMMIT that failed (disk full) has already ended
    the transaction, and the ROLLBACK's own error ("no transaction is active") must not replace ENOSPC."""
    with contextlib.suppress(Exception):  # any engine: the first error is the one to keep
        con.execute("ROLLBACK")


def bulk_load_settings(con: duckdb.DuckDBPyConnection) -> None:
    """DuckDB settings for a bulk load on this connection's database (measured on 10,000 tables, 2 cores):

    - checkpoint_threshold 8 MB: a batch of 500 of L's tables writes more WAL than that, so each batch's commit
      checkpoints it into the file. Data committed but not checkpointed can only leave the buffer pool for a
      temporary file, and at 64 MB (a checkpoint every eight or nine batches of L) the loader's peak over L was
      384-396 MiB against 339-355 at 8 MB, S's 303-315 against 292-295 (memory L/S 1.22-1.24 -> 1.19-1.20, two
      alternating pairs of `bench.measure load`), and `jixiao load` over L as typed took 44.6-45.4 s against
      46.4-48.2 (three alternating pairs), for the same loader CPU: L's 21 parsed batches replayed into a new
      warehouse, three alternating runs, 29.7-31.9 CPU s at 64 MB, 29.0-32.8 at 8 MB, 29.2-31.7 at 16 MB, whose
      peak sat between (436 against 445 and 420 MiB; at 4 and 1 MB as at 8: every commit checkpoints). A checkpoint
      a batch was once measured at 0.6 s a batch at the end of L; under DuckDB 2.0.1 it costs no more than it saves,
      and the file is the same (89 row groups of fact_target, 215 MB). Whatever the threshold, a committed batch
      survives a crash (the WAL is replayed); the rest is checkpointed before the load ends.
    - memory_limit: the buffer pool otherwise keeps every block written (+500 MB at 10,000 tables); the
      limit grows with the in-memory primary-key indexes (see _memory_limit_mb). 64 MB and a 64 MB
      threshold instead of 128 and 128 lowered the peak of L (10,000 tables) by 60-80 MB and left the
      smaller corpus's and the time as they were (two alternating pairs each). At 32 MB the first batch's
      candidate query ran out of memory. A batch that does is rolled back and written again with the floor
      doubled, for the rest of the connection (load_batch, _double_memory_floor): a warehouse or a batch
      larger than the benchmark's costs a try, not the load.
    - threads = 1: the parsing workers have the cores; DuckDB's parallel inserts only added overhead (-12%).
    """
    con.execute(f"SET checkpoint_threshold = '{CHECKPOINT_THRESHOLD}'")
    with contextlib.suppress(duckdb.OutOfMemoryException):  # the pool holds more than that now and cannot evict
        con.execute(f"SET memory_limit = '{_memory_limit_mb(con)}MB'")  # it: the limit stays as it was
    con.execute("SET threads = 1")


def _memory_limit_mb(con: duckdb.DuckDBPyConnection) -> int:
    """The floor plus room for the primary-key indexes this session holds in memory: an index built since
    the last checkpoint cannot be evicted, and a fixed 128MB failed a commit at 3 M keys (checked)."""
    art = con.execute(
        "SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory() WHERE tag = 'ART_INDEX'"
    ).fetchone()[0]
    return _memory_floor_mb(con) + int(art / 2**20)


def _memory_floor_mb(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute(f"SELECT coalesce(getvariable('{MEMORY_FLOOR_VARIABLE}'), {MEMORY_FLOOR_MB})").fetchone()[0])


def _double_memory_floor(con: duckdb.DuckDBPyConnection) -> None:
    """Twice the memory floor for the rest of this connection (a DuckDB variable, so the next batches keep it),
    applied at once."""
    con.execute(f"SET VARIABLE {MEMORY_FLOOR_VARIABLE} = {2 * _memory_floor_mb(con)}")
    bulk_load_settings(con)


def _next_ids(con: duckdb.DuckDBPyConnection, sequence: str, n: int) -> list[int]:
    if n == 0:
        return []
    return [r[0] for r in con.execute(f"SELECT nextval('{sequence}') FROM generate_series(1, ?)", [n]).fetchall()]


def write_plan(con: duckdb.DuckDBPyConnection, plan: _Plan, run_id: int | None = None) -> list[int]:
    """Write a planned batch inside the caller's transaction; returns the new tables' load_ids."""
    batch = plan.batch
    load_ids = _next_ids(con, "seq_load_id", len(batch.tables))
    corrected = continuity.retired_printings(con, plan.replaced_ids)  # read once, before they are retired
    retired = continuity.printings(corrected)
    aliases = identity.read_aliases()  # once a batch: linking and settling read the same file
    _retire(con, plan.replaced_ids)
    _insert_load_log(con, batch.tables, load_ids)
    refusal_ids = _insert_refusals(con, plan.refusals)
    if run_id is not None:
        _insert_rows(con, "load_run_file", [(i, run_id) for i in load_ids + refusal_ids])
    if batch.tables:
        ids = pd.Series(load_ids)
        projects = _with_load_id(batch.projects, ids)
        targets = _with_load_id(batch.targets, ids)
        _insert_unknown_types(con, targets)
        _link_projects(con, projects, targets, aliases, corrected)
        _insert_facts(con, projects, targets)
        con.execute(_EARLIER_PRINTINGS, [min(load_ids), max(load_ids), load_ids])
        _insert_lineage(con, batch, ids)
    if plan.replaced_ids:  # only retired facts can leave a name unused (an anti-join per batch cost 2 s on L)
        _drop_orphans(con)
        identity.settle_links(con, retired, aliases)  # a link whose partner printing is gone or renamed: measured again
    return load_ids


def _with_load_id(df: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    out = df.drop(columns="batch_no")
    out.insert(0, "load_id", df["batch_no"].map(ids).astype("int64").to_numpy())
    return out


def _retire(con: duckdb.DuckDBPyConnection, load_ids: list[int]) -> None:
    if not load_ids:
        return
    for table in FACT_TABLES:
        con.execute(f"DELETE FROM {table} WHERE load_id IN (SELECT unnest(?))", [load_ids])
    con.execute("UPDATE load_log SET status = 'superseded' WHERE load_id IN (SELECT unnest(?))", [load_ids])


def _insert_load_log(con: duckdb.DuckDBPyConnection, tables: list[frames.TableMeta], load_ids: list[int]) -> None:
    _insert_rows(con, "load_log", frames.load_log_rows(tables, load_ids, datetime.now()))


def _insert_refusals(con: duckdb.DuckDBPyConnection, refusals: list[Refusal]) -> list[int]:
    ids = _next_ids(con, "seq_load_id", len(refusals))
    _insert_rows(con, "load_log", frames.refusal_log_rows(refusals, ids, datetime.now()))
    return ids


def _insert_rows(con: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Rows in the table's column order, bulk-inserted (executemany is ~100x slower on DuckDB)."""
    if rows:
        stage = pd.DataFrame(rows, columns=[c.name for c in metadata.tables[table].columns], dtype=object)
        _insert_staged(con, table, stage, "stage_rows")


def _insert_staged(con: duckdb.DuckDBPyConnection, table: str, stage: pd.DataFrame, name: str) -> None:
    """INSERT the staged frame's columns by name, each cast to its warehouse type (both engines)."""
    columns = list(stage.columns)
    with registered(con, name, stage):
        con.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {cast_columns(table, columns)} FROM {name}")


def cast_columns(table: str, columns: list[str]) -> str:
    """``CAST(c AS <type>)`` for each column, the type as the schema declares it (DuckDB and PostgreSQL
    read the same spelling): staged money arrives as exact decimal text, and PostgreSQL casts no text
    implicitly."""
    types = {c.name: c.type for c in metadata.tables[table].columns}
    return ", ".join(f"CAST({c} AS {_sql_type(types[c])})" for c in columns)


def _sql_type(kind: object) -> str:
    if isinstance(kind, sa.Numeric):
        return f"DECIMAL({kind.precision}, {kind.scale})"
    if isinstance(kind, sa.Boolean):
        return "BOOLEAN"
    if isinstance(kind, sa.DateTime):
        return "TIMESTAMP"
    if isinstance(kind, sa.BigInteger):
        return "BIGINT"
    if isinstance(kind, sa.Integer):
        return "INTEGER"
    return "VARCHAR"


class UnknownTypeKey(RuntimeError):
    """A target's resolved type key is neither in dim_indicator_type nor an unknown ('?…') type: the parser
    and the dimension disagree (both come from etl/transform/indicator_types.csv, so this is a bug)."""


def _insert_unknown_types(con: duckdb.DuckDBPyConnection, targets: pd.DataFrame) -> None:
    """Types the tree does not know are added (is_known = false), never dropped; a known-looking key the
    dimension lacks stops the load (UnknownTypeKey) instead of losing its targets in the fact insert's join."""
    unknown = sorted(k for k in targets["type_key"].unique() if k.startswith("?"))
    known = {r[0] for r in con.execute("SELECT type_key FROM dim_indicator_type").fetchall()}
    new = [k for k in unknown if k not in known]
    if missing := sorted(k for k in targets["type_key"].unique() if not k.startswith("?") and k not in known):
        where = targets.loc[targets["type_key"].isin(missing), "source_line"].iloc[0]
        raise UnknownTypeKey(
            f"indicator type key(s) {missing} are not in dim_indicator_type (first at source line {where}): "
            "the type tree (etl/transform/indicator_types.csv) and the warehouse disagree; run `jixiao db upgrade`"
        )
    for type_id, key in zip(_next_ids(con, "seq_indicator_type_id", len(new)), new, strict=True):
        level1, level2 = key[1:].split("/", 1)
        c1, _, n1 = level1.partition("-")
        c2, _, n2 = level2.partition("-")
        con.execute(
            "INSERT INTO dim_indicator_type (indicator_type_id, type_key, level1_code, level1_name, level2_code,"
            " level2_name, is_known, is_assumed) VALUES (?, ?, ?, ?, ?, ?, false, false)"
            " ON CONFLICT (type_key) DO NOTHING",  # another loader (PostgreSQL) may add the same new type
            [type_id, key, c1 or None, n1, c2 or None, n2],
        )


def _link_projects(
    con: duckdb.DuckDBPyConnection,
    projects: pd.DataFrame,
    targets: pd.DataFrame,
    aliases: pd.DataFrame,
    corrected: pd.DataFrame | None = None,
) -> None:
    """Give each published name a project identity: the one it already has, a linked one, else a new one.

    Years are linked one after the other, so names of an earlier year of this batch are candidates
    for a later one; the matching itself is etl.load.identity.Linker (pure). Candidates are read only for
    the departments with new names, and only the rows the linker could compare (_link_candidates);
    indicator sets only for the new names and the candidate rows the linker compares.
    """
    con.register("stage_projects", projects)
    alias_departments = set(identity.alias_departments(aliases))
    settling = _Settling(corrected, aliases, continuity.several_years(projects))
    names = _IndicatorNames(targets)
    for year in sorted(projects["budget_year"].unique()):
        new = con.execute(
            f"SELECT {_NEW_NAME_SELECT} FROM (SELECT DISTINCT ON (name_key) {_NEW_NAME_SELECT}, load_id, source_line "
            "FROM stage_projects s WHERE budget_year = ? "
            "AND NOT EXISTS (SELECT 1 FROM dim_project_name d WHERE d.name_key = s.name_key) "  # an anti join
            "ORDER BY name_key, load_id, source_line) AS first_printings "
            "ORDER BY load_id, source_line, name_key",  # new ids in print order, on any engine
            [int(year)],
        ).df()
        if new.empty:
            continue
        candidates = _link_candidates(con, new, int(year), alias_departments)
        if candidates.empty and alias_departments.isdisjoint(new["department_name"]):
            _insert_links(con, _all_new(new), settling)  # the Linker's answer when nothing compares
            continue
        with_candidates = set(candidates["department_name"].tolist())
        pairs = zip(new["name_key"].tolist(), new["department_name"].tolist(), strict=True)  # Python str at once
        compared = [k for k, d in pairs if d in with_candidates]
        new["indicators"] = new["name_key"].map(names.sets(compared))  # none for a first year
        linker = identity.Linker(new, candidates, aliases)
        linker.set_indicators(_candidate_indicators(con, candidates, linker.compared_rows(), names))
        _insert_links(con, new.merge(linker.link(), on="name_key"), settling)


def _all_new(new: pd.DataFrame) -> pd.DataFrame:
    """Every name a new identity, as identity.Linker links names that have no candidate row and no alias row."""
    return new.assign(project_id=pd.Series(pd.NA, index=new.index, dtype="Int64"), link_method="new", link_score=None)


_NEW_NAME_SELECT = ", ".join((*identity.NEW_NAME_COLUMNS, "printed_name"))


class _IndicatorNames:
    """name_key -> the folded indicator names (indicator_key) of this batch's targets, for the names asked for
    only (about a quarter of a batch's: indexing every target cost 60 ms a batch). The rows are picked with
    Arrow's is_in and grouped in a plain loop (a groupby cost 1 s/1,000 tables; Series.isin 0.1 s a call)."""

    def __init__(self, targets: pd.DataFrame) -> None:
        # typed: a batch without targets gives an empty object column, which Arrow would type as null
        self.keys = pa.array(targets["name_key"], type=pa.large_string())
        self.names = pa.array(targets["indicator_key"], type=pa.large_string())
        self._sets: dict[str, frozenset[str] | None] = {}

    def sets(self, name_keys: Iterable[str]) -> dict[str, frozenset[str]]:
        wanted = list(name_keys)
        if missing := list({k for k in wanted if k not in self._sets}):
            rows = pc.is_in(self.keys, value_set=pa.array(missing, type=self.keys.type))
            found: dict[str, set[str]] = {}
            keys, names = self.keys.filter(rows).to_pylist(), self.names.filter(rows).to_pylist()
            for key, name in zip(keys, names, strict=True):
                found.setdefault(key, set()).add(name)
            self._sets |= dict.fromkeys(missing) | {k: frozenset(v) for k, v in found.items()}
        return {k: v for k in wanted if (v := self._sets[k]) is not None}


def _link_candidates(
    con: duckdb.DuckDBPyConnection, new: pd.DataFrame, year: int, alias_departments: set[str]
) -> pd.DataFrame:
    """The project-years a new name of ``year`` could be linked to: loaded facts, and names of this batch already
    linked (these carry their name_key). Indicator sets come later, only for the rows compared.

    Rows are read only where identity.Linker can use them (it filters the same way, exactly): the departments
    with new names, and there the adjacent years, rows whose folded name starts with a new name's normalised
    name (a normalised link may cross any gap: its name_key, department|unit|document|folded name, contains '|'
    and that name), and every row of a department the alias file names. A project already printed in ``year``
    (loaded, or an already known name of this batch) is taken, so none of its rows is read: the linker would
    set them aside. Reading a department's whole history each batch made linking grow with the years loaded.
    """
    departments = pd.DataFrame({"department_name": new["department_name"].astype(object).unique()})
    with registered(con, "stage_new_names", departments):
        if not con.execute(_ANY_HISTORY).fetchall()[0][0]:  # first loads of their departments: nothing to read
            return pd.DataFrame(columns=[*identity.CANDIDATE_COLUMNS, "name_key"], dtype=object)
    normalised = [identity.normalised(n) for n in new["project_name"].tolist()]
    wanted = pd.DataFrame(
        {
            "department_name": new["department_name"].astype(object),
            "unit_name": new["unit_name"].astype(object),
            "needle": [f"|{n}" for n in normalised],
            "name_head": [_name_head(n) for n in normalised],
            "every_year": [d in alias_departments for d in new["department_name"].tolist()],
        }
    ).drop_duplicates()
    columns = ", ".join(f"f.{c}" for c in identity.CANDIDATE_COLUMNS)
    staged_columns = ", ".join(f"s.{c}" for c in identity.CANDIDATE_COLUMNS[1:])
    sql = f"""
        WITH departments AS (SELECT DISTINCT department_name FROM stage_new_names),
        taken AS (
            SELECT project_id FROM fact_project_budget
            WHERE budget_year = $1 AND department_name IN (SELECT department_name FROM departments)
            UNION
            SELECT n.project_id FROM stage_projects s JOIN dim_project_name n USING (name_key)
            WHERE s.budget_year = $1
        ),
        nearby AS (
            SELECT {columns}, CAST(NULL AS VARCHAR) AS name_key, 0 AS part,
                   CAST(NULL AS BIGINT) AS load_id, CAST(NULL AS INTEGER) AS source_line
            FROM fact_project_budget f
            WHERE f.department_name IN (SELECT department_name FROM stage_new_names WHERE every_year)
               OR (f.department_name IN (SELECT department_name FROM departments)
                   AND f.budget_year BETWEEN $1 - 1 AND $1 + 1)
        ),
        same_name AS (  -- name_key ends with '|' and the folded name: no folding here. A join, not EXISTS:
            -- DuckDB's plan for the correlated EXISTS was half the query (L, batch 36: 100 -> 85 ms a call). Joined on
            -- the name's head too (_name_head, NAME_HEAD_SQL), which a normalised link shares: on the unit alone
            -- strpos compared every older row of a unit with every new name (5,000 projects renamed: quadratic)
            SELECT DISTINCT ON (f.project_id, f.budget_year) {columns}, CAST(NULL AS VARCHAR) AS name_key, 0 AS part,
                   CAST(NULL AS BIGINT) AS load_id, CAST(NULL AS INTEGER) AS source_line
            FROM fact_project_budget f
            JOIN (SELECT DISTINCT department_name, unit_name, needle, name_head FROM stage_new_names
                  WHERE NOT every_year) AS w
              ON w.department_name = f.department_name AND w.unit_name = f.unit_name
                 AND w.name_head = {NAME_HEAD_SQL.format(name_key="f.name_key")}
            WHERE f.budget_year NOT BETWEEN $1 - 1 AND $1 + 1 AND strpos(f.name_key, w.needle) > 0
        ),
        staged AS (
            SELECT n.project_id, {staged_columns}, s.name_key, 1 AS part, s.load_id, s.source_line
            FROM stage_projects s JOIN dim_project_name n USING (name_key)
            WHERE s.department_name IN (SELECT department_name FROM departments)
        )
        SELECT * FROM (
            SELECT * FROM nearby UNION ALL SELECT * FROM same_name UNION ALL SELECT * FROM staged
        ) AS found
        WHERE project_id NOT IN (SELECT project_id FROM taken)
        ORDER BY part, CASE WHEN part = 0 THEN project_id END, CASE WHEN part = 0 THEN budget_year END,
                 load_id, source_line
    """  # loaded facts by project and year, then this batch's names in print order (nearby, same_name: disjoint)
    with registered(con, "stage_new_names", wanted):
        found = con.execute(sql, [year]).df()
    return found.drop(columns=["part", "load_id", "source_line"])


def _name_head(normalised: str) -> str:
    """What a normalised link's two names share, computed from a new name as NAME_HEAD_SQL computes it from a loaded
    name_key: the folded name after its last '|', up to its first '('. A loaded name normalises to ``normalised``
    only as ``normalised`` plus a period suffix, which begins with '(' and holds no '|' (names._PERIOD), so the two
    heads are equal: the join keeps every row the linker could link by name (its strpos test stays)."""
    return normalised.rsplit("|", 1)[-1].split("(", 1)[0]


# the head of name_key's folded name (department|unit|document|name): its last '|'-part, up to its first '('; plain
# string functions both engines (DuckDB, PostgreSQL 14+) read alike. Computed for every older row the join reads: a
# regular expression (regexp_replace) cost 5.5 times as much, 2 CPU s over L's load
NAME_HEAD_SQL = "split_part(split_part({name_key}, '|', -1), '(', 1)"


# whether any department of the new names has a loaded fact or a name of this batch already linked: the
# candidate query's fixed cost (70 ms a batch) is then spent only where there is something to link to
_ANY_HISTORY = """
    SELECT EXISTS (
        SELECT 1 FROM fact_project_budget WHERE department_name IN (SELECT department_name FROM stage_new_names)
    ) OR EXISTS (
        SELECT 1 FROM stage_projects s JOIN dim_project_name n USING (name_key)
        WHERE s.department_name IN (SELECT department_name FROM stage_new_names)
    )
"""


def _candidate_indicators(
    con: duckdb.DuckDBPyConnection, candidates: pd.DataFrame, positions: list[int], names: _IndicatorNames
) -> dict[int, frozenset[str]]:
    """The folded indicator names of the candidate rows at these positions: from this batch's targets for
    the names of this batch, from fact_target for loaded facts."""
    rows = candidates.iloc[positions]
    staged = rows[rows["name_key"].notna()]
    sets = names.sets(staged["name_key"].tolist())
    found = {pos: sets[key] for pos, key in zip(staged.index, staged["name_key"], strict=True) if key in sets}
    loaded = rows[rows["name_key"].isna()]
    if loaded.empty:
        return found
    keys = pd.DataFrame({"pos": loaded.index, "project_id": loaded["project_id"], "budget_year": loaded["budget_year"]})
    fetched = _rows_with(
        con,
        "stage_keys",
        keys,
        """
        SELECT k.pos, array_agg(t.indicator_key) FILTER (WHERE t.indicator_key IS NOT NULL) AS names
        FROM stage_keys k LEFT JOIN fact_target t USING (project_id, budget_year) GROUP BY k.pos
        """,
    )
    return found | {pos: frozenset(names or ()) for pos, names in fetched}


@dataclass(frozen=True)
class _Settling:
    """What a batch's links are settled with besides the Linker's answer (etl.load.continuity): the printings its
    corrections retired, the alias file, and the names it prints in several years."""

    corrected: pd.DataFrame | None
    aliases: pd.DataFrame | None
    several: frozenset[str]


def _insert_links(con: duckdb.DuckDBPyConnection, links: pd.DataFrame, settling: _Settling) -> None:
    """New identities for the names that continue none (but those that had one before: etl.load.continuity), then
    one dim_project_name row per name; no link prints a project twice in a year (continuity.one_printing_a_year)."""
    links = continuity.one_printing_a_year(con, links, settling.several)
    if (given := continuity.given_back(con, links, settling.corrected, settling.aliases)) is not links:
        links = continuity.one_printing_a_year(con, given, settling.several)  # the ids given back, checked alike
    fresh = links["project_id"].isna()
    links.loc[fresh, "project_id"] = _next_ids(con, "seq_project_id", int(fresh.sum()))
    links = links.drop(columns="indicators", errors="ignore")  # absent when nothing was compared (_all_new)
    with registered(con, "stage_links", links):
        con.execute("""
            INSERT INTO dim_project (project_id, department_name, unit_name, project_name, transfer_doc_no, first_year)
            SELECT project_id, department_name, unit_name, project_name, transfer_doc_no, budget_year
            FROM stage_links WHERE project_id NOT IN (SELECT project_id FROM dim_project)
        """)
        con.execute("""
            INSERT INTO dim_project_name
                (name_key, project_id, department_name, unit_name, printed_name, link_method, link_score,
                 linked_in_year)
            SELECT name_key, project_id, department_name, unit_name, printed_name, link_method,
                   CAST(link_score AS DECIMAL(5, 2)), budget_year
            FROM stage_links
        """)


# dim_project takes a project's earliest printing (as identity.settle_links does after a retirement): a year loaded
# after a later one (2023 after 2024: its names known or linked) or an id given back to an earlier year had left the
# later year's printing there, first_year included. The batch's own facts are read by load_id (their range first:
# zone maps skip the older row groups; then the ids themselves: another loader's may fall in between on PostgreSQL)
_EARLIER_PRINTINGS = """
    UPDATE dim_project SET department_name = s.department_name, unit_name = s.unit_name, project_name = s.project_name,
        transfer_doc_no = s.transfer_doc_no, first_year = s.budget_year
    FROM (
        SELECT DISTINCT ON (f.project_id) f.project_id, f.budget_year, f.department_name, f.unit_name, f.project_name,
               f.transfer_doc_no
        FROM fact_project_budget f JOIN dim_project d USING (project_id)
        WHERE f.load_id BETWEEN ? AND ? AND f.load_id IN (SELECT unnest(CAST(? AS BIGINT[])))
          AND f.budget_year < d.first_year
        ORDER BY f.project_id, f.budget_year
    ) AS s
    WHERE dim_project.project_id = s.project_id
"""


def _by_name(table: str, staged: pd.DataFrame, alias: str, keys: dict[str, str]) -> tuple[str, str]:
    """The INSERT column list and its SELECT list, matched by name (never by position): the dimension keys
    from ``keys``, every other column of the table the staged frame carries cast to the schema's type
    (exact decimal strings to DECIMAL: money never passes through a float). Plain SQL both engines run."""
    columns = [c for c in metadata.tables[table].columns if c.name in keys or c.name in staged.columns]
    select = [keys.get(c.name) or f"CAST({alias}.{c.name} AS {_sql_type(c.type)})" for c in columns]
    return ", ".join(c.name for c in columns), ", ".join(select)


def _insert_facts(con: duckdb.DuckDBPyConnection, projects: pd.DataFrame, targets: pd.DataFrame) -> None:
    """Facts go in BY NAME (columns matched by name, never by position: the staged frames carry the
    schema's column names, see etl/transform/frames.py); the dimension keys come from inner joins whose
    misses cannot happen: every name_key was just linked and every type_key checked (_insert_unknown_types).
    The batch's names are read from dim_project_name once, and both inserts join that handful: joined whole,
    the dimension was scanned and hashed twice a batch, more as the history grows (L, batch 36, three alternating
    runs: 137-143 -> 128-135 ms for both inserts)."""
    ids = con.execute(
        "SELECT name_key, project_id FROM dim_project_name WHERE name_key IN (SELECT name_key FROM stage_projects)"
    ).df()
    with registered(con, "stage_ids", ids):
        names, select = _by_name("fact_project_budget", projects, "p", {"project_id": "n.project_id"})
        con.execute(f"""
            INSERT INTO fact_project_budget ({names})
            SELECT {select}
            FROM stage_projects p JOIN stage_ids n USING (name_key)
        """)
        con.unregister("stage_projects")
        _refuse_doubled_targets(targets)
        keys = {"project_id": "n.project_id", "indicator_type_id": "ty.indicator_type_id"}
        names, select = _by_name("fact_target", targets, "t", keys)
        with registered(con, "stage_targets", targets):
            con.execute(f"""
                INSERT INTO fact_target ({names})
                SELECT {select}
                FROM stage_targets t
                JOIN stage_ids n USING (name_key)
                JOIN dim_indicator_type ty USING (type_key)
            """)


class DoubledTarget(ValueError):
    """A batch would store one project-year's item twice: its transaction is rolled back."""


def _refuse_doubled_targets(targets: pd.DataFrame) -> None:
    """fact_target's key (project, year, seq), enforced per batch where DuckDB keeps no index for it (revision
    0013). A project-year's targets go in with its one fact_project_budget row, whose key refuses a second (from
    this batch or an earlier one, a name printed twice in a table included), so only a project row whose items
    were numbered alike could double one: the parser numbers them 1, 2, 3 …, and this refuses the batch if it
    ever did not (a project row is its table's load and line; 1-2 ms a batch of 250 tables)."""
    doubled = targets.duplicated(["load_id", "source_line", "seq"], keep=False)
    if doubled.any():
        first = targets[doubled].iloc[0]
        raise DoubledTarget(
            f"item {first['seq']} of the project on line {first['source_line']} ({first['name_key']!r}, load"
            f" {first['load_id']}) would be stored more than once ({int(doubled.sum())} target rows of the batch share"
            " a project row and item number); nothing was loaded"
        )


def _insert_lineage(con: duckdb.DuckDBPyConnection, batch: frames.FrameBatch, ids: pd.Series) -> None:
    for table, df in (
        ("fact_table_aggregate", batch.aggregates),
        ("fact_reconciliation", batch.findings),
        ("load_reject", batch.rejects),
    ):
        if df.empty:
            continue
        _insert_staged(con, table, _with_load_id(df, ids), "stage_lineage")


def _drop_orphans(con: duckdb.DuckDBPyConnection) -> None:
    """A name no fact uses any more (a corrected file renamed or dropped it, or its file was pruned) goes, and is
    remembered with its identity in retired_project_name (etl.load.continuity); see drop_nameless_projects."""
    con.execute(_RETIRE_NAMES, [datetime.now()])
    con.execute("DELETE FROM dim_project_name WHERE name_key NOT IN (SELECT name_key FROM fact_project_budget)")


_RETIRE_NAMES = """
    INSERT INTO retired_project_name (name_key, project_id, printed_name, retired_at)
    SELECT name_key, project_id, printed_name, CAST(? AS TIMESTAMP) FROM dim_project_name
    WHERE name_key NOT IN (SELECT name_key FROM fact_project_budget)
    ON CONFLICT (name_key) DO UPDATE SET
        project_id = excluded.project_id, printed_name = excluded.printed_name, retired_at = excluded.retired_at
"""


def drop_nameless_projects(con: duckdb.DuckDBPyConnection) -> None:
    """A project left with no name goes, after the commit that removed its names: DuckDB refuses to delete
    a parent row in the transaction that deleted its children (dim_project_name -> dim_project). A crash
    in between leaves only a nameless dim_project row: the next load that writes removes it, and the next run after
    one that did not end normally (etl.load.run._steps)."""
    con.execute("DELETE FROM dim_project WHERE project_id NOT IN (SELECT project_id FROM dim_project_name)")


def prune_loads(con: duckdb.DuckDBPyConnection, load_ids: Sequence[int], run_id: int | None = None) -> None:
    """Take the facts of loads whose source file disappeared out of the warehouse.

    Their load_log rows stay, marked superseded with a message saying why (the history is never deleted).
    Projects left without a name go after the commit (see drop_nameless_projects).
    """
    if not load_ids:
        return
    ids = list(load_ids)
    note = "source file disappeared; facts pruned" + ("" if run_id is None else f" by run {run_id}")
    con.execute("BEGIN TRANSACTION")
    try:
        retired = identity.printings_of_loads(con, ids)
        _retire(con, ids)
        con.execute("UPDATE load_log SET message = ? WHERE load_id IN (SELECT unnest(?))", [note, ids])
        _drop_orphans(con)
        identity.settle_links(con, retired)
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise
    drop_nameless_projects(con)
