"""A load spread over machines: shards of the source files, each its own flow run on a Prefect work pool.

Two flows, two deployments on the work pool ``jixiao`` (``prefect work-pool create jixiao --type process``;
``prefect worker start --pool jixiao`` on every machine that has the source folder mounted at the
same path and jixiao installed):

- ``jixiao-load-shard/shard``: one recorded run (etl.load.run.run_load) over the files of one shard
  (etl.load.shards: a stable hash of each department's file name), into the shared warehouse;
- ``jixiao-load-sharded/<name>``: the fan-out, on a schedule or by hand: one shard flow run per shard,
  submitted at once so that the workers take them in parallel, then waits for all; it fails when a
  shard failed.

Only PostgreSQL takes many writers: a DuckDB file has one writer, so shards would queue on its lock.
Deployments use module entrypoints (``flows.sharded:…``), so workers import the code from their own
installation of jixiao: no image and no code storage to set up.
"""

from __future__ import annotations

import time
from typing import Any

from prefect import flow, get_run_logger

from etl.load.batches import DEFAULT_BATCH
from etl.load.run import RunFailed, run_load
from etl.load.shards import shard_files
from etl.warehouse.backend import label, mask

POOL = "jixiao"
SHARD_DEPLOYMENT = "shard"
SHARD_FLOW = "jixiao-load-shard"
FINAL_POLL_SECONDS = 2.0


@flow(name=SHARD_FLOW, log_prints=True)
def load_shard(
    paths: list[str],
    warehouse: str,
    shard: int,
    n_shards: int,
    year: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    workers: int = 1,
    full: bool = False,
) -> dict[str, Any]:
    """Load the files of one shard (a recorded run of its own); fail when its quality gate fails."""
    from prefect.runtime import flow_run

    files = shard_files(paths, shard, n_shards)
    if not files:
        print(f"shard {shard}/{n_shards}: no files")
        return {"shard": shard, "outcome": "unchanged", "n_files": 0}
    flow_run_id = str(flow_run.id) if flow_run.id else None
    report = run_load(files, warehouse, year, batch_size, workers, False, full, flow_run_id)
    print(f"shard {shard}/{n_shards} -> {label(warehouse)}: run {report.run_id} {report.outcome}: {report.message()}")
    if report.outcome == "failed":
        raise RunFailed(report)
    return {"shard": shard, "run_id": report.run_id, "outcome": report.outcome, **report.counts()}


@flow(name="jixiao-load-sharded", log_prints=True)
def load_sharded(
    paths: list[str],
    warehouse: str,
    n_shards: int = 4,
    year: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    workers: int = 1,
    full: bool = False,
    shard_deployment: str = f"{SHARD_FLOW}/{SHARD_DEPLOYMENT}",
) -> list[dict[str, Any]]:
    """Submit one shard flow run per shard to the work pool, wait for all, and sum up."""
    from prefect.deployments import run_deployment

    common = dict(paths=paths, warehouse=warehouse, n_shards=n_shards, year=year, batch_size=batch_size)
    submitted = [
        run_deployment(
            shard_deployment,
            parameters={**common, "shard": i, "workers": workers, "full": full},
            flow_run_name=f"shard-{i}-of-{n_shards}",
            timeout=0,
        )
        for i in range(n_shards)
    ]
    finished = _wait(submitted)
    states = [{"flow_run": run.name, "state": run.state.name if run.state else "unknown"} for run in finished]
    failed = [run.name for run in finished if not run.state or not run.state.is_completed()]
    get_run_logger().info("%d shard(s) done, %d failed", len(finished) - len(failed), len(failed))
    if failed:
        raise RuntimeError(f"shard flow run(s) failed: {', '.join(failed)}")
    return states


def _wait(runs: list[Any]) -> list[Any]:
    """Poll the API until every submitted flow run is in a final state."""
    from prefect import get_client

    pending = {run.id: run for run in runs}
    done: dict[Any, Any] = {}
    with get_client(sync_client=True) as client:
        while pending:
            for run_id in list(pending):
                run = client.read_flow_run(run_id)
                if run.state and run.state.is_final():
                    done[run_id] = run
                    del pending[run_id]
            if pending:
                time.sleep(FINAL_POLL_SECONDS)
    return [done[run.id] for run in runs]


def deploy(
    paths: list[str],
    warehouse: str,
    n_shards: int,
    name: str = "nightly-sharded",
    cron: str | None = None,
    timezone: str = "Asia/Shanghai",
    pool: str = POOL,
    workers: int = 1,
) -> list[str]:
    """Register both deployments on the work pool (PREFECT_API_URL); returns their names.

    Prefect stores parameters in its database and shows them in its UI, so a warehouse URL that holds
    a password is refused: give each worker the password in ~/.pgpass or PGPASSWORD instead.
    """
    if mask(warehouse) != warehouse:
        raise ValueError("the warehouse URL holds a password: put it in ~/.pgpass or PGPASSWORD on each worker")
    from prefect import deploy as prefect_deploy
    from prefect.deployments.runner import EntrypointType
    from prefect.schedules import Cron

    shard = load_shard.to_deployment(name=SHARD_DEPLOYMENT, entrypoint_type=EntrypointType.MODULE_PATH)
    fan_out = load_sharded.to_deployment(
        name=name,
        parameters={"paths": paths, "warehouse": warehouse, "n_shards": n_shards, "workers": workers},
        schedule=Cron(cron, timezone=timezone) if cron else None,
        description="Nightly load of the shared warehouse, one flow run per shard on the work pool.",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
    prefect_deploy(shard, fan_out, work_pool_name=pool, build=False, push=False, print_next_steps_message=False)
    return [f"{SHARD_FLOW}/{SHARD_DEPLOYMENT}", f"jixiao-load-sharded/{name}"]
