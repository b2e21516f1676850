"""The one load path: a recorded, incremental run. The CLI, the Prefect flow, the benchmark and the tests
all call :func:`run_load`.

    begin   -> writer lock, one connection (migrated to head), a 'running' load_run row (run_id)
    plan    -> files found, skipped before parsing (same bytes already loaded/refused), disappeared
    load    -> one transaction per batch of changed files (parsed ahead in worker processes), linked to the run
    settle  -> loads whose source file disappeared (noted; their facts taken out only when asked)
    gate    -> every sql/checks/*.sql, results stored in load_run_check (carried over from the run before
               when this one changed nothing and they still hold: _gate)
    finish  -> outcome and counts in load_run; publish the analysts' copy; seal the working file (DuckDB:
               etl/warehouse/seal.py); release the lock

A run holds the writer lock and its connection for its whole length, so two runs never interleave
their batches and one run's finish never publishes another's half-done work: a second run waits for
the lock (up to wait_seconds, then raises WarehouseBusy). flows/load_flow.py is a thin adapter over
this function.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from etl import progress
from etl.extract.dispatch import SUPPORTED_SUFFIXES
from etl.load import departments, history, interrupt, names
from etl.load.batches import DEFAULT_BATCH, older_objects_frozen, parsed_batches, start_workers
from etl.load.incremental import (
    KnownFile,
    SourcePlan,
    follow_moves,
    moved_away,
    overwritten,
    plan_sources,
    record_stats,
    still_disappeared,
)
from etl.load.writer import FileResult, drop_nameless_projects, load_batch, prune_loads, rollback
from etl.warehouse import quality, seal, views
from etl.warehouse.backend import DuckDBWarehouse, Warehouse, resolve
from etl.warehouse.connect import head_revision
from etl.warehouse.publish import PublishFailed, WarehouseDamaged, is_damage, published_path
from etl.warehouse.quality import CheckResult

WAIT_SECONDS = 60.0
EXIT_ERROR, EXIT_REFUSED, EXIT_UNRECONCILED, EXIT_GATE = 1, 3, 4, 6
WRITTEN = ("loaded", "replaced")

BatchHook = Callable[[list[FileResult]], None]


@dataclass(slots=True)
class RunReport:
    """What a recorded run did: per-file results (skipped ones included), checks, outcome."""

    results: list[FileResult] = field(default_factory=list)
    run_id: int = 0
    source_paths: list[str] = field(default_factory=list)
    n_files: int = 0
    n_skipped: int = 0
    n_written: int = 0
    disappeared: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    unreadable: dict[str, str] = field(default_factory=dict)  # folder or link the walk could not read -> why
    own_outputs: list[str] = field(default_factory=list)  # jixiao's report and audit files under the sources: not read
    checks: list[CheckResult] = field(default_factory=list)
    error: str | None = None
    flow_run_id: str | None = None
    checks_from_run: int | None = None  # the run whose check results this one carried over (_gate)
    interrupted: bool = False  # Ctrl-C or SIGTERM ended it (etl.load.interrupt)
    interrupted_by: str = "Ctrl-C"
    damaged: bool = False  # DuckDB found the working file damaged: the analysts' copy is left as it was
    lookalikes: list[tuple[str, str]] = field(default_factory=list)  # departments printed two ways (load.departments)

    @property
    def by_status(self) -> Counter[str]:
        return Counter(r.status for r in self.results)

    @property
    def refused(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "refused"]

    @property
    def unreconciled(self) -> list[FileResult]:
        return [r for r in self.results if r.reconciliation_failures and r.status in WRITTEN]

    @property
    def with_rejects(self) -> list[FileResult]:
        """Written files that reconcile but left rows out (load_reject): the unreconciled say their rejects."""
        return [r for r in self.results if r.n_rejects and r.status in WRITTEN and not r.reconciliation_failures]

    def rows(self, attr: str) -> int:
        """A count (n_projects, n_targets, n_rejects) summed over the files this run wrote."""
        return sum(getattr(r, attr) for r in self.results if r.status in WRITTEN)

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    @property
    def outcome(self) -> str:
        if self.interrupted:
            return "interrupted"
        if self.error or self.failed_checks:
            return "failed"
        return "succeeded" if self.n_written or self.pruned else "unchanged"

    @property
    def exit_code(self) -> int:
        """0 good; 3 a file refused; 4 a table loaded now does not reconcile; 6 the quality gate failed; 1 error."""
        if self.interrupted:
            return interrupt.exit_code(self.interrupted_by)
        if self.error:
            return EXIT_ERROR
        if self.refused:
            return EXIT_REFUSED
        return EXIT_UNRECONCILED if self.unreconciled else EXIT_GATE if self.failed_checks else 0

    def counts(self) -> dict[str, int]:
        by = self.by_status
        return {
            "n_files": self.n_files,
            "n_loaded": by["loaded"],
            "n_replaced": by["replaced"],
            "n_unchanged": by["unchanged"],
            "n_refused": by["refused"],
            "n_disappeared": len(self.disappeared),
            "n_pruned": len(self.pruned),
            "n_projects": self.rows("n_projects"),
            "n_targets": self.rows("n_targets"),
            "n_rejects": self.rows("n_rejects"),
            "n_reconciliation_failures": sum(r.reconciliation_failures for r in self.unreconciled),
        }

    def message(self) -> str:
        parts = []
        if self.error:
            parts.append(f"error: {self.error}")
        if not self.n_files:
            kinds = " ".join(SUPPORTED_SUFFIXES)
            parts.append(f"no table files ({kinds}) found under " + ", ".join(self.source_paths))
        elif not self.n_written and not self.pruned:
            parts.append(f"nothing changed: {self.n_files} file(s), {self.n_skipped} skipped before parsing")
        else:  # what happened, also when the only outcome is refusals ("refused: 1 file", never "ok")
            done = ("loaded", "replaced", "refused")
            parts += [f"{s}: {_files(self.by_status[s])}" for s in done if self.by_status[s]]
        if self.checks_from_run is not None:
            parts.append(f"quality checks as in run {self.checks_from_run} (nothing written since)")
        if self.failed_checks:
            parts.append("quality checks failed: " + ", ".join(f"{c.name} ({c.n_rows})" for c in self.failed_checks))
        if self.disappeared:
            kept = "facts pruned" if self.pruned else "data kept"
            gone = f"{len(self.disappeared)} source file(s) disappeared or no longer hold their table ({kept}): "
            parts.append(gone + "; ".join(self.disappeared))
        if self.unreadable:  # what is recorded under them is unseen, not gone (etl.load.incremental.gone_sources)
            unread = "; ".join(f"{path} ({why})" for path, why in self.unreadable.items())
            parts.append(f"{len(self.unreadable)} folder(s) or link(s) could not be read (files kept): {unread}")
        if self.lookalikes:
            more = " …" if len(self.lookalikes) > 5 else ""
            pairs = "; ".join(f"{a} and {b}" for a, b in self.lookalikes[:5]) + more
            parts.append(f"{len(self.lookalikes)} department(s) printed two ways, kept apart: {pairs}")
        if self.own_outputs:  # said, so that nothing under the sources goes unread unsaid
            named = "; ".join(self.own_outputs[:3]) + (" …" if len(self.own_outputs) > 3 else "")
            parts.append(f"{len(self.own_outputs)} jixiao report or audit file(s) under the sources not read: {named}")
        return "; ".join(parts) or "ok"

    def as_json(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "flow_run_id": self.flow_run_id,
            "outcome": self.outcome,
            "exit_code": self.exit_code,
            "message": self.message(),
            **self.counts(),
            "checks": [{**asdict(c), "passed": c.passed} for c in self.checks],
            "checks_from_run": self.checks_from_run,
            "disappeared": self.disappeared,
            "unreadable": self.unreadable,
            "own_outputs": self.own_outputs,
            "department_lookalikes": [list(pair) for pair in self.lookalikes],
            "files": [asdict(r) for r in self.results if r.status != "unchanged"],
        }


class RunFailed(Exception):
    """The run is recorded as failed (quality gate); the report says why. Raised by the flow so Prefect shows it."""

    def __init__(self, report: RunReport) -> None:
        super().__init__(f"load run {report.run_id} failed: {report.message()}")
        self.report = report


@dataclass(slots=True, frozen=True)
class RunOptions:
    """What a run is asked to do besides which files (see run_load)."""

    year: int | None = None
    batch_size: int = DEFAULT_BATCH
    workers: int = 1
    prune_disappeared: bool = False
    full: bool = False


def run_load(
    paths: Sequence[str | Path],
    warehouse: str | Path | None = None,
    year: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    workers: int = 1,
    prune_disappeared: bool = False,
    full: bool = False,
    flow_run_id: str | None = None,
    wait_seconds: float = WAIT_SECONDS,
    on_batch: BatchHook | None = None,
) -> RunReport:
    """One recorded run: load what changed under paths, check the warehouse, record the run, publish.

    Holds the writer lock from the migration to the published copy (waits up to wait_seconds for another
    run, then raises WarehouseBusy). on_batch gets each committed batch's results. An exception is recorded
    as a failed run (and the copy published, history included), then re-raised.
    """
    target = resolve(warehouse)  # a DuckDB file or a PostgreSQL database (etl/warehouse/backend.py)
    options = RunOptions(year, batch_size, workers, prune_disappeared, full)
    sources = [str(p) for p in paths]
    with target.run_lock(wait_seconds):  # DuckDB: the writer lock; PostgreSQL: none (per-department locks)
        with target.writing(wait_seconds) as con:
            untouched_since = _sealed_run(target)  # DuckDB's lock is ours: no one writes the file meanwhile
            report = RunReport(source_paths=sources, flow_run_id=flow_run_id)
            report.run_id = history.start_run(con, sources, flow_run_id)
            with interrupt.watching():
                failure = _recorded(con, report, options, on_batch, untouched_since)
            left = _left_as(con, target)
        if not report.damaged:  # a damaged working file is never copied over the analysts' last good copy
            _publish(target, report, wait_seconds)  # the connection is closed (and checkpointed) first
            if isinstance(target, DuckDBWarehouse):
                seal.seal(target.path, report.run_id, left)  # only if the file is still as the run left it
    if failure is not None:
        failure.run_id = report.run_id  # (load --json names the run it recorded as failed)
        raise failure
    return report


def _damaged(con: duckdb.DuckDBPyConnection, report: RunReport, exc: BaseException) -> WarehouseDamaged:
    """The error of a run that found the working file damaged (etl.warehouse.publish.is_damage), saying that the
    analysts' copy, the last good state, was left as it was: run_load does not publish it over."""
    [(path,)] = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchall()
    report.damaged = True
    report.error += (
        f"; the working file is damaged: the analysts' copy {published_path(path)} was left as it was (copy it back "
        "over the working file, and the next load reads again what changed since)"
    )
    damaged = WarehouseDamaged(report.error)
    damaged.__cause__ = exc
    return damaged


def _sealed_run(target: Warehouse) -> int | None:
    """The run since which nothing wrote the working file (DuckDB), else None (PostgreSQL: never known)."""
    return seal.sealed_run(target.path) if isinstance(target, DuckDBWarehouse) else None


def _left_as(con: duckdb.DuckDBPyConnection, target: Warehouse) -> list[int] | None:
    """The working file's stat as this run leaves it: checkpointed while DuckDB's lock is still ours, so the
    close writes nothing more (None on PostgreSQL, or when the checkpoint fails)."""
    if not isinstance(target, DuckDBWarehouse):
        return None
    try:
        con.execute("CHECKPOINT")
    except duckdb.Error:
        return None
    return seal.stat_of(target.path)


def _recorded(
    con: duckdb.DuckDBPyConnection,
    report: RunReport,
    options: RunOptions,
    on_batch: BatchHook | None,
    untouched_since: int | None = None,
) -> BaseException | None:
    """Run the steps and record the outcome; an exception is recorded as a failed run and returned, Ctrl-C (in
    whatever form DuckDB passed it on) as an interrupted run and a KeyboardInterrupt."""
    try:
        _steps(con, report, options, on_batch, untouched_since)
    except (Exception, KeyboardInterrupt) as exc:
        if interrupt.was_interrupted(exc):
            report.interrupted, report.interrupted_by = True, interrupt.cause()
            report.error = f"interrupted ({report.interrupted_by}): the batches committed before it stay"
            exc = KeyboardInterrupt()
            rollback(con)  # the batch it stopped in, if DuckDB left its transaction open
        else:
            report.error = f"{type(exc).__name__}: {exc}"
            if is_damage(exc) and isinstance(con, duckdb.DuckDBPyConnection):
                exc = _damaged(con, report, exc)
        try:
            _finish(con, report)
        except Exception as also:  # the original error is the one to report
            exc.add_note(f"the failed run could not be recorded: {type(also).__name__}: {also}")
        return exc
    _finish(con, report)
    return None


def _steps(
    con: duckdb.DuckDBPyConnection,
    report: RunReport,
    options: RunOptions,
    on_batch: BatchHook | None,
    untouched_since: int | None = None,
) -> None:
    if not history.previous_ended_normally(con, report.run_id):
        drop_nameless_projects(con)  # what a run killed right after a commit left: a project without a name
    found: SourcePlan = plan_sources(
        con, report.source_paths, options.year, options.full, lambda n: start_workers(options.workers, n)
    )
    report.n_files, report.n_skipped = len(found.files) + len(found.unusable), len(found.skipped) + len(found.unusable)
    report.results += found.unusable + found.skipped
    report.unreadable, report.own_outputs = found.unreadable, found.own_outputs
    progress.current().start(report.n_files, report.n_skipped)
    if found.todo:
        _load(con, report, found, options, on_batch)
        _end_bulk_load(con)
        report.lookalikes = _lookalikes(con, report)
    gone = [*found.gone, *overwritten(found.rewritten, report.results)]
    noted = {k.load_id for k in gone}
    gone += [k for k in moved_away(found, report.results) if k.load_id not in noted]  # a tree moved elsewhere
    follow_moves(con, gone, report.results)  # before the stats: a moved file's stat goes with its new path
    record_stats(con, found)
    if gone:
        matched = {r.load_id for r in report.results if r.status == "unchanged" and r.load_id is not None}
        disappeared = _settle(con, gone, matched, report.run_id, options.prune_disappeared)
        report.disappeared = [k.path for k in disappeared]
        report.pruned = list(report.disappeared) if options.prune_disappeared else []
    changed = bool(found.todo) or bool(report.pruned)
    report.checks = _gate(con, report, None if changed else untouched_since)


def _load(
    con: duckdb.DuckDBPyConnection,
    report: RunReport,
    found: SourcePlan,
    options: RunOptions,
    on_batch: BatchHook | None,
) -> None:
    """One transaction per batch of changed files, each linked to the run; parsing runs ahead in the workers.
    The sha256 the parser read of each file goes back to the plan (files it did not hash: SourcePlan.read)."""
    with older_objects_frozen():
        for files, batch, refusals in parsed_batches(found.todo, options.year, options.batch_size, options.workers):
            found.read([(t.path, t.sha256) for t in batch.tables] + [(r.path, r.sha256) for r in refusals])
            results = load_batch(con, batch, refusals, run_id=report.run_id)
            names.forget()  # the name caches serve one batch (see there)
            report.results += results
            done = sum(r.n_projects + r.n_targets for r in results if r.status in WRITTEN)
            progress.current().advance(len(files), done)
            if on_batch:
                on_batch(results)


def _lookalikes(con: duckdb.DuckDBPyConnection, report: RunReport) -> list[tuple[str, str]]:
    """The departments this run wrote a table of that another current department's name is, places left out."""
    loaded = {r.department_name for r in report.results if r.status in WRITTEN and r.department_name}
    if not loaded:
        return []
    known = con.execute("SELECT DISTINCT department_name FROM load_log WHERE status = 'loaded'").fetchall()
    return departments.lookalikes(loaded, [name for (name,) in known])


def _end_bulk_load(con: duckdb.DuckDBPyConnection) -> None:
    """Checkpoint what the load wrote while the load's memory limit still holds, then give the quality checks
    DuckDB's usual memory back (the loader narrows threads and memory, see etl.load.writer.bulk_load_settings;
    PostgreSQL's loader changes no setting). Left to the connection's close, the checkpoint ran after the
    reset, free to fill memory: it was the load's peak (L, one run each: loader 505 MiB at the close, 446 MiB
    during the batches with this order; `jixiao load` over L took 33.1-34.8 s against 33.1-34.3 s without it,
    three alternating pairs). The threads come back first: the parsing workers are done, and the checkpoint
    compresses its row groups on every core (L, three alternating pairs: 0.64-0.66 s against 1.07-1.15 s on one
    thread, the same CPU)."""
    if getattr(con, "dialect", "duckdb") != "duckdb":
        return
    con.execute("RESET threads")
    try:
        con.execute("CHECKPOINT")
    except duckdb.OutOfMemoryException:  # the batches are committed (in the WAL): checkpoint them with more room
        con.execute("RESET memory_limit")
        con.execute("CHECKPOINT")
    for setting in ("memory_limit", "checkpoint_threshold"):
        con.execute(f"RESET {setting}")


def _settle(
    con: duckdb.DuckDBPyConnection, gone: Sequence[KnownFile], matched: set[int], run_id: int, prune: bool
) -> list[KnownFile]:
    """The loads whose source file disappeared (still current after this run's loads); pruned if asked."""
    disappeared = still_disappeared(con, gone, matched)
    if prune:
        prune_loads(con, [k.load_id for k in disappeared], run_id)
    return disappeared


def _gate(con: duckdb.DuckDBPyConnection, report: RunReport, untouched_since: int | None) -> list[CheckResult]:
    """Run every sql/checks/*.sql and record the results with the run, under the fingerprint of what they ran
    with (the checks' SQL, the schema revision and the views' build, which the connection made current).

    The same checks on the same data give the same results, so a run that changed nothing (no file parsed,
    nothing pruned) carries over the results of the run before it (0.2 s of a no-op over 10,000 tables) when
    all of these hold, else it runs the checks:
    - that run ended normally (every check passed) under the same fingerprint (history.previous_checks);
    - nothing wrote the working file since that run let go of it (``untouched_since`` is its run_id:
      etl/warehouse/seal.py): not a load (the writer lock serialises them, and an interrupted one is itself
      the run before), nor a person's or a script's DuckDB session.
    PostgreSQL's loaders write side by side and its database has no such seal: there the checks always run.
    """
    checks = quality.load_checks()
    fingerprint = quality.fingerprint(checks, head_revision(), views.fingerprint(), f"duckdb {duckdb.__version__}")
    carried = None
    if untouched_since is not None:
        carried = history.previous_checks(con, report.run_id, fingerprint)
    if carried is not None and carried[0] == untouched_since and set(carried[1]) == {c.name for c in checks}:
        report.checks_from_run, by_name = carried
        results = [by_name[c.name] for c in checks]
    else:
        results = quality.run_checks(con, checks)
    history.record_checks(con, report.run_id, results, fingerprint, report.checks_from_run)
    return results


def _finish(con: duckdb.DuckDBPyConnection, report: RunReport) -> None:
    """Record the run's outcome and counts (publishing follows, once the connection is closed)."""
    report.n_written = history.rows_written(con, report.run_id)
    n_check_failures = len(report.failed_checks) if report.checks or not report.error else None
    history.finish_run(con, report.run_id, report.outcome, report.counts(), n_check_failures, report.message())


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


def _publish(target: Warehouse, report: RunReport, wait_seconds: float) -> None:
    """Publish the analysts' copy; a run whose copy could not be published (a full disk) is a failed run,
    recorded with the first error first (the publish removed its temporary file; the old copy stays)."""
    try:
        target.publish(wait_seconds)
    except PublishFailed as exc:
        report.error = f"{report.error}; then {exc}" if report.error else str(exc)
        with target.writing(wait_seconds) as con:
            _finish(con, report)
