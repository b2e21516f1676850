"""A recorded, incremental load run: plan, load what changed, prune if asked, check, record.

    begin   -> a 'running' load_run row (run_id)
    plan    -> files found, skipped before parsing (same bytes already loaded/refused), disappeared
    load    -> one step per batch of changed files: parse, then one transaction linked to the run
    settle  -> loads whose source file disappeared (noted; their facts taken out only when asked)
    gate    -> every sql/checks/*.sql, results stored in load_run_check
    finish  -> outcome and counts in load_run; publish the analysts' copy

Each step is a plain function here; flows/load_flow.py hands Prefect-task versions of the same
functions to :func:`run_load`, so the library path and the flow path are one orchestration.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from etl import progress
from etl.extract.dispatch import SUPPORTED_SUFFIXES
from etl.load import history
from etl.load.batches import DEFAULT_BATCH, RunSummary, chunks, parse_parallel
from etl.load.incremental import KnownFile, SourcePlan, plan_sources, still_disappeared
from etl.load.writer import FileResult, load_batch, prune_loads
from etl.settings import warehouse_path
from etl.warehouse.connect import current_revision, writing
from etl.warehouse.publish import publish
from etl.warehouse.quality import CheckResult, run_checks

WAIT_SECONDS = 60.0
EXIT_ERROR, EXIT_GATE = 1, 6


def migrate(warehouse: str | None) -> str | None:
    """Bring the schema to head (Alembic runs only when the warehouse is behind: 0.6 s saved per run)."""
    with writing(warehouse) as con:
        return current_revision(con)


def begin(warehouse: str | None, paths: Sequence[str], flow_run_id: str | None = None) -> int:
    with writing(warehouse) as con:
        return history.start_run(con, paths, flow_run_id)


def plan(warehouse: str | None, paths: Sequence[str], year: int | None = None, full: bool = False) -> SourcePlan:
    with writing(warehouse) as con:
        return plan_sources(con, paths, year, full)


def load_files_in_run(
    files: Sequence[Path], warehouse: str | None, run_id: int, year: int | None = None, workers: int = 1
) -> list[FileResult]:
    """Parse a batch of files (split over worker processes) and load it in one transaction, linked to the run."""
    batch, refusals = parse_parallel(files, year, workers)
    with writing(warehouse) as con:
        results = load_batch(con, batch, refusals, run_id=run_id)
    progress.current().advance(len(files), sum(r.n_projects + r.n_targets for r in results if _written(r)))
    return results


def settle_disappeared(
    warehouse: str | None, gone: Sequence[KnownFile], matched: set[int], run_id: int, prune: bool = False
) -> list[KnownFile]:
    """The loads whose source file disappeared (still current after this run's loads); pruned if asked."""
    with writing(warehouse) as con:
        disappeared = still_disappeared(con, gone, matched)
        if prune:
            prune_loads(con, [k.load_id for k in disappeared], run_id)
    return disappeared


def gate(warehouse: str | None, run_id: int) -> list[CheckResult]:
    """Run the data-quality checks and store their results with the run."""
    with writing(warehouse) as con:
        results = run_checks(con)
        history.record_checks(con, run_id, results)
    return results


def _written(r: FileResult) -> bool:
    return r.status in ("loaded", "replaced")


@dataclass(slots=True)
class RunReport(RunSummary):
    """What a recorded run did: per-file results (skipped ones included), checks, outcome."""

    run_id: int = 0
    source_paths: list[str] = field(default_factory=list)
    n_files: int = 0
    n_skipped: int = 0
    n_written: int = 0
    disappeared: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    error: str | None = None
    flow_run_id: str | None = None

    @property
    def failed_checks(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    @property
    def outcome(self) -> str:
        if self.error or self.failed_checks:
            return "failed"
        return "succeeded" if self.n_written or self.pruned else "unchanged"

    @property
    def exit_code(self) -> int:
        """0 good; 3 a file refused; 4 a table loaded now does not reconcile; 6 the quality gate failed; 1 error."""
        if self.error:
            return EXIT_ERROR
        return RunSummary.exit_code.fget(self) or (EXIT_GATE if self.failed_checks else 0)

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
        if self.failed_checks:
            parts.append("quality checks failed: " + ", ".join(f"{c.name} ({c.n_rows})" for c in self.failed_checks))
        if self.disappeared:
            kept = "facts pruned" if self.pruned else "data kept"
            parts.append(f"{len(self.disappeared)} source file(s) disappeared ({kept}): " + "; ".join(self.disappeared))
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
            "disappeared": self.disappeared,
            "files": [asdict(r) for r in self.results if r.status != "unchanged"],
        }


def finish(warehouse: str | None, report: RunReport) -> RunReport:
    """Record the run's outcome and counts, then publish the analysts' copy (history included)."""
    with writing(warehouse) as con:
        report.n_written = history.rows_written(con, report.run_id)
        n_check_failures = len(report.failed_checks) if report.checks or not report.error else None
        history.finish_run(con, report.run_id, report.outcome, report.counts(), n_check_failures, report.message())
    publish(warehouse_path(warehouse), WAIT_SECONDS)
    return report


class RunFailed(Exception):
    """The run is recorded as failed (quality gate); the report says why. Raised by the flow so Prefect shows it."""

    def __init__(self, report: RunReport) -> None:
        super().__init__(f"load run {report.run_id} failed: {report.message()}")
        self.report = report


@dataclass(slots=True, frozen=True)
class Steps:
    """The run's steps; the flow passes Prefect-task versions of these same functions."""

    migrate: Callable[..., Any] = migrate
    begin: Callable[..., Any] = begin
    plan: Callable[..., Any] = plan
    load: Callable[..., Any] = load_files_in_run
    settle: Callable[..., Any] = settle_disappeared
    gate: Callable[..., Any] = gate
    finish: Callable[..., Any] = finish


def run_load(
    paths: Sequence[str],
    warehouse: str | None = None,
    year: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    workers: int = 1,
    prune_disappeared: bool = False,
    full: bool = False,
    flow_run_id: str | None = None,
    steps: Steps = Steps(),
) -> RunReport:
    """One recorded run. An exception is recorded as a failed run, then re-raised."""
    steps.migrate(warehouse)
    report = RunReport(run_id=steps.begin(warehouse, list(paths), flow_run_id), source_paths=list(paths))
    report.flow_run_id = flow_run_id
    try:
        _load_and_check(report, paths, warehouse, year, batch_size, workers, prune_disappeared, full, steps)
    except Exception as exc:
        report.error = f"{type(exc).__name__}: {exc}"
        steps.finish(warehouse, report)
        raise
    return steps.finish(warehouse, report)


def _load_and_check(
    report: RunReport,
    paths: Sequence[str],
    warehouse: str | None,
    year: int | None,
    batch_size: int,
    workers: int,
    prune_disappeared: bool,
    full: bool,
    steps: Steps,
) -> None:
    found: SourcePlan = steps.plan(warehouse, list(paths), year, full)
    report.n_files, report.n_skipped = len(found.files), len(found.skipped)
    report.results += found.skipped
    progress.current().start(len(found.files), len(found.skipped))
    for batch in chunks(found.todo, batch_size):
        report.results += steps.load(batch, warehouse, report.run_id, year, workers)
    if found.gone:
        matched = {r.load_id for r in report.results if r.status == "unchanged" and r.load_id is not None}
        disappeared = steps.settle(warehouse, found.gone, matched, report.run_id, prune_disappeared)
        report.disappeared = [k.path for k in disappeared]
        report.pruned = list(report.disappeared) if prune_disappeared else []
    report.checks = steps.gate(warehouse, report.run_id)
