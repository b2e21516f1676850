"""Find source files, parse them (in parallel when asked) and load them in batches.

This is the library's load path; flows/load_flow.py wires the same functions into Prefect tasks.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from etl.load import FileResult, load_batch
from etl.model import Refusal, SourceTable
from etl.pipeline import run_file
from etl.read.dispatch import SUPPORTED_SUFFIXES
from etl.warehouse import open_for_load

DEFAULT_BATCH = 200


def discover(paths: Sequence[Path | str]) -> list[Path]:
    """Every supported file named or found under the named folders, sorted; missing paths are refused later."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += [f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES]
        else:
            found.append(p)
    return sorted({f.resolve() for f in found})


def chunks(items: Sequence[Path], size: int) -> Iterator[list[Path]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


def parse_files(paths: Sequence[Path], year: int | None = None, workers: int = 1) -> list[SourceTable | Refusal]:
    """Parse each file; a pool of processes when workers > 1 (parsing never touches the database)."""
    if workers <= 1 or len(paths) < 2 * workers:
        return [run_file(p, year) for p in paths]
    with ProcessPoolExecutor(workers) as pool:
        return list(pool.map(run_file, paths, [year] * len(paths), chunksize=max(1, len(paths) // (workers * 4))))


def load_parsed(
    parsed: Sequence[SourceTable | Refusal], warehouse: Path | None = None, wait_seconds: float = 0
) -> list[FileResult]:
    tables = [p for p in parsed if isinstance(p, SourceTable)]
    refusals = [p for p in parsed if isinstance(p, Refusal)]
    con = open_for_load(warehouse, wait_seconds=wait_seconds)
    try:
        return load_batch(con, tables, refusals)
    finally:
        con.close()


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
) -> RunSummary:
    """Discover, parse and load; one transaction per batch of files."""
    summary = RunSummary()
    for batch in chunks(discover(paths), batch_size):
        results = load_parsed(parse_files(batch, year, workers), warehouse)
        summary.results += results
        if on_batch:
            on_batch(results)
    return summary
