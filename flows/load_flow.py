"""The Prefect flow that loads source tables into the warehouse. It only wires etl functions."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact

from etl.load import FileResult
from etl.report_text import summary_markdown
from etl.runner import DEFAULT_BATCH, RunSummary, chunks, discover, load_parsed, parse_files
from etl.warehouse import WarehouseBusy, upgrade


def _transient(task, task_run, state) -> bool:
    """Retry a locked warehouse or an unreadable share, never bad data."""
    try:
        state.result()
    except (WarehouseBusy, OSError):
        return True
    except Exception:
        return False
    return False


@task(name="find-sources")
def find_sources(paths: list[str]) -> list[Path]:
    return discover(paths)


@task(name="migrate-warehouse", retries=2, retry_delay_seconds=5, retry_condition_fn=_transient)
def migrate(warehouse: str | None) -> str:
    return upgrade(Path(warehouse) if warehouse else None)


@task(name="parse-and-load-batch", retries=2, retry_delay_seconds=5, retry_condition_fn=_transient)
def parse_and_load(batch: list[Path], warehouse: str | None, year: int | None, workers: int) -> list[FileResult]:
    return load_parsed(parse_files(batch, year, workers), Path(warehouse) if warehouse else None, wait_seconds=30)


@flow(name="jixiao-load", log_prints=True)
def load_flow(
    paths: list[str],
    warehouse: str | None = None,
    year: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    workers: int = 1,
) -> RunSummary:
    """Find the dumps under the paths, parse, normalise and load them, and report what was done."""
    files = find_sources(paths)
    migrate(warehouse)
    summary = RunSummary()
    for batch in chunks(files, batch_size):
        summary.results += parse_and_load(batch, warehouse, year, workers)
    create_markdown_artifact(summary_markdown(summary), key="jixiao-load-summary", description="jixiao load")
    print(f"jixiao load: {dict(summary.by_status)} from {len(files)} file(s)")
    return summary
