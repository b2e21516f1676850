"""The Prefect flow that loads source tables into the warehouse, and its nightly deployment.

It only wires etl functions: etl.load.run.run_load is the orchestration, and gets Prefect-task
versions of its steps. The grain is one task per batch of files (one warehouse transaction each):
a Prefect task costs tens of milliseconds of API calls, which per file would be minutes on 10,000
files, and the warehouse takes one writer at a time anyway, so a batch is where a retry and a
transaction coincide. Parallelism is inside a batch (parsing processes, --workers).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prefect import Task, flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from etl.load import run as load_run
from etl.load.batches import DEFAULT_BATCH
from etl.load.run import RunFailed, RunReport, Steps, run_load
from etl.report.run_text import run_markdown, run_table
from etl.warehouse.connect import WarehouseBusy

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


_finish = _as_task(load_run.finish, "finish-run-and-publish")
_settle = _as_task(load_run.settle_disappeared, "note-or-prune-disappeared")


def _finish_quoted(warehouse: str | None, report: RunReport) -> RunReport:
    """quote(): Prefect would otherwise walk every one of 10,000 file results looking for upstream futures."""
    return _finish(warehouse, quote(report))


def _settle_quoted(warehouse: str | None, gone: list, matched: set[int], run_id: int, prune: bool) -> list:
    return _settle(warehouse, quote(gone), quote(matched), run_id, prune)


STEPS = Steps(
    migrate=_as_task(load_run.migrate, "migrate-warehouse"),
    begin=_as_task(load_run.begin, "begin-run"),
    plan=_as_task(load_run.plan, "find-changed-sources"),
    load=_as_task(load_run.load_files_in_run, "parse-and-load-batch"),
    settle=_settle_quoted,
    gate=_as_task(load_run.gate, "quality-gate"),
    finish=_finish_quoted,
)


@flow(name="jixiao-load", log_prints=True)
def load_flow(
    paths: list[str],
    warehouse: str | None = None,
    year: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    workers: int = 1,
    prune: bool = False,
    full: bool = False,
) -> RunReport:
    """Load what changed under the paths, check the warehouse, record the run; fail when the gate fails."""
    from prefect.runtime import flow_run

    flow_run_id = str(flow_run.id) if flow_run.id else None
    report = run_load(paths, warehouse, year, batch_size, workers, prune, full, flow_run_id, steps=STEPS)
    create_markdown_artifact(run_markdown(report), key="jixiao-load-run", description=f"load run {report.run_id}")
    rows = run_table(report)
    if rows:
        create_table_artifact(rows, key="jixiao-load-files", description=f"files written by run {report.run_id}")
    print(f"jixiao load run {report.run_id}: {report.outcome}: {report.message()}")
    if report.outcome == "failed":
        raise RunFailed(report)
    return report


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
