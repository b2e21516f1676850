"""The Prefect flow that loads source tables into the warehouse, and its nightly deployment.

A thin adapter over etl.load.run.run_load, the one load path: the flow runs it as one task
("load-run"), which holds the warehouse's writer lock and its connection from the migration to
the published copy, so Prefect cannot interleave two runs' batches. Each committed batch (one
transaction) is logged to the task's run log through run_load's on_batch hook; the run's report
becomes a markdown and a table artifact. Parallelism is inside the run (parsing processes, --workers).

Retries are for transient failures only: a warehouse another load holds (the run has already waited
for its lock, up to a minute) and an unreadable or unmounted share. A retry is a new recorded run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from prefect import Task, flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from etl.load.batches import DEFAULT_BATCH
from etl.load.run import WAIT_SECONDS, RunFailed, RunReport, run_load
from etl.load.writer import FileResult
from etl.warehouse.connect import WarehouseBusy
from flows.run_text import run_markdown, run_table

TRANSIENT = (WarehouseBusy, OSError)
RETRIES, RETRY_DELAY = 2, 5
DEPLOYMENT = "nightly"
DEFAULT_CRON, DEFAULT_TIMEZONE = "0 2 * * *", "Asia/Shanghai"


def _failure(state: Any) -> BaseException | None:
    try:
        state.result()
    except BaseException as exc:
        return exc
    return None


def _transient(task: Task, task_run: Any, state: Any) -> bool:
    """Retry a locked warehouse or an unreadable share, never bad data (Prefect 3 retry_condition_fn)."""
    return isinstance(_failure(state), TRANSIENT)


def _as_task(fn: Callable[..., Any], name: str) -> Task:
    return task(
        fn,
        name=name,
        retries=RETRIES,
        retry_delay_seconds=RETRY_DELAY,
        retry_condition_fn=_transient,
        cache_policy=NO_CACHE,
    )


def _log_batch(results: list[FileResult]) -> None:
    """One line in the task's run log per committed batch (run_load's on_batch hook)."""
    by = Counter(r.status for r in results)
    get_run_logger().info("batch committed: %d file(s): %s", len(results), ", ".join(f"{n} {s}" for s, n in by.items()))


def _run(
    paths: list[str],
    warehouse: str | None,
    year: int | None,
    batch_size: int,
    workers: int,
    prune: bool,
    full: bool,
    flow_run_id: str | None,
    wait_seconds: float,
) -> RunReport:
    return run_load(
        paths, warehouse, year, batch_size, workers, prune, full, flow_run_id, wait_seconds, on_batch=_log_batch
    )


load_run_task = _as_task(_run, "load-run")


@flow(name="jixiao-load", log_prints=True)
def load_flow(
    paths: list[str],
    warehouse: str | None = None,
    year: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    workers: int = 1,
    prune: bool = False,
    full: bool = False,
    wait_seconds: float = WAIT_SECONDS,
) -> Any:
    """Load what changed under the paths, check the warehouse, record the run; fail when the gate fails."""
    from prefect.runtime import flow_run

    flow_run_id = str(flow_run.id) if flow_run.id else None
    report = load_run_task(paths, warehouse, year, batch_size, workers, prune, full, flow_run_id, wait_seconds)
    create_markdown_artifact(run_markdown(report), key="jixiao-load-run", description=f"load run {report.run_id}")
    rows = run_table(report)
    if rows:
        create_table_artifact(rows, key="jixiao-load-files", description=f"files written by run {report.run_id}")
    print(f"jixiao load run {report.run_id}: {report.outcome}: {report.message()}")
    if report.outcome == "failed":
        return _failed(report)
    return report


def _failed(report: RunReport) -> Any:
    """The flow run ends Failed (notifications and automations see it) with RunFailed as its result, without
    raising: a raised exception makes Prefect's engine log a traceback ahead of jixiao's own report of the
    problems, one line each (issue 10)."""
    from prefect.states import Failed

    failure = RunFailed(report)
    return Failed(message=str(failure), data=failure)


def serve(
    paths: list[str],
    warehouse: str | None,
    cron: str = DEFAULT_CRON,
    timezone: str = DEFAULT_TIMEZONE,
    name: str = DEPLOYMENT,
    **parameters: Any,
) -> None:
    """Register the nightly deployment with the Prefect API (PREFECT_API_URL) and run its flow runs until stopped."""
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    load_flow.serve(
        name=name,
        schedule=Cron(cron, timezone=timezone),
        parameters={"paths": paths, "warehouse": warehouse, **parameters},
        description="Nightly incremental load of the jixiao warehouse, with the data-quality gate.",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
