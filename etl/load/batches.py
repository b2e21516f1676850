"""Find source files, parse them (in parallel when asked) and load them in batches.

This is the library's load path; flows/load_flow.py wires the same functions into Prefect tasks.
"""

from __future__ import annotations

import atexit
import gc
import multiprocessing
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from math import ceil
from pathlib import Path

from etl.extract.discover import discover
from etl.load.writer import FileResult, load_batch
from etl.model import Refusal, SourceTable
from etl.transform.frames import FrameBatch, concat, to_frames
from etl.transform.pipeline import run_file
from etl.warehouse.connect import writing
from etl.warehouse.publish import publish

DEFAULT_BATCH = 200


def chunks(items: Sequence[Path], size: int) -> Iterator[list[Path]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a burst of many small acyclic objects (parsed tables,
    frame rows): its repeated scans of the growing heap cost 10-40% of parsing. Reference counting still
    frees everything; the collector resumes afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_chunk(paths: Sequence[Path], year: int | None = None) -> tuple[FrameBatch, list[Refusal]]:
    """Parse files into load-ready frames (runs in a worker process: frames pickle far cheaper than objects)."""
    with no_cyclic_gc():
        parsed = [run_file(p, year) for p in paths]
        tables = [p for p in parsed if isinstance(p, SourceTable)]
        return to_frames(tables), [p for p in parsed if isinstance(p, Refusal)]


def parsed_batches(
    paths: Sequence[Path], year: int | None = None, batch_size: int = DEFAULT_BATCH, workers: int = 1
) -> Iterator[tuple[FrameBatch, list[Refusal]]]:
    """Yield parsed batches in order; with workers > 1 a process pool parses ahead of the loader,
    keeping at most 2 x workers batches in flight so memory stays bounded whatever the corpus size."""
    batches = list(chunks(paths, batch_size))
    if workers <= 1 or len(batches) < 2:
        yield from (parse_chunk(b, year) for b in batches)
        return
    with ProcessPoolExecutor(workers) as pool:
        pending: deque[Future] = deque()
        for batch in batches:
            pending.append(pool.submit(parse_chunk, batch, year))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


_POOLS: dict[int, ProcessPoolExecutor] = {}


def worker_pool(workers: int) -> ProcessPoolExecutor:
    """One process pool per size, kept for the life of the process (starting one costs ~1 s of imports), its
    workers started by a fork server so they never inherit the locks of a threaded parent (Prefect, DuckDB)."""
    pool = _POOLS.get(workers)
    if pool is None:
        pool = _POOLS[workers] = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("forkserver"))
        atexit.register(pool.shutdown, cancel_futures=True)
    return pool


def parse_parallel(
    files: Sequence[Path], year: int | None = None, workers: int = 1
) -> tuple[FrameBatch, list[Refusal]]:
    """One batch of files parsed over the workers and gathered again, so it still loads in one transaction."""
    if workers <= 1 or len(files) < 2:
        return parse_chunk(files, year)
    parts = list(chunks(list(files), ceil(len(files) / workers)))
    done = list(worker_pool(workers).map(parse_chunk, parts, [year] * len(parts)))
    return concat([batch for batch, _ in done]), [r for _, refusals in done for r in refusals]


@dataclass(slots=True)
class RunSummary:
    """What a run did, per file and in total."""

    results: list[FileResult] = field(default_factory=list)

    @property
    def by_status(self) -> Counter[str]:
        return Counter(r.status for r in self.results)

    @property
    def refused(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "refused"]

    @property
    def unreconciled(self) -> list[FileResult]:
        return [r for r in self.results if r.reconciliation_failures and r.status in ("loaded", "replaced")]

    def rows(self, attr: str) -> int:
        return sum(getattr(r, attr) for r in self.results if r.status in ("loaded", "replaced"))

    @property
    def exit_code(self) -> int:
        """0 all good; 3 a file was refused; 4 a loaded table does not reconcile."""
        return 3 if self.refused else 4 if self.unreconciled else 0


def load_files(
    paths: Sequence[Path | str],
    warehouse: Path | None = None,
    year: int | None = None,
    batch_size: int = DEFAULT_BATCH,
    workers: int = 1,
    on_batch: Callable[[list[FileResult]], None] | None = None,
    wait_seconds: float = 60,
) -> RunSummary:
    """Discover, parse and load (one transaction per batch of files), then publish the analysts' copy.

    One writer lock and one connection for the whole run: reopening per batch cost a checkpoint and a
    schema check each time.
    """
    summary = RunSummary()
    with writing(warehouse, wait_seconds) as con:
        for batch, refusals in parsed_batches(discover(paths), year, batch_size, workers):
            results = load_batch(con, batch, refusals)
            summary.results += results
            if on_batch:
                on_batch(results)
    publish(warehouse, wait_seconds)
    return summary
