"""How long reading one file takes (``etl.extract.read_grid``: bytes to a grid of cells), in this process: the first
read, which pays the reader's imports and caches (a PDF's font maps), and the median of the reads after it.

    .venv/bin/python -m bench.readers tests/fixtures/layouts_real/2024/tianhe-sfj.pdf [more files] [--repeats 5]

Prints one JSON line per file: ``first_s``, ``median_s``, ``min_s``, ``max_s`` (wall seconds), ``cpu_median_s`` (this
process's CPU seconds, the median of the reads after the first: steadier than the wall on a shared machine), and the
grid's rows.
To compare two checkouts, run it from each with ``PYTHONPATH=<checkout>`` (each compiled: ``compileall``, as
scripts/setup.sh does, or the one without bytecode pays the compiling).

``--against-pdfplumber``: for a PDF, each read after the first is paired with one through pdfplumber's own paths (its
Page.parse_objects for the characters, Table.extract for the cells: what etl/extract/pdf_objects.py and pdf_cells.py
replace), the two alternating read by read, so the machine's speed, which moves within seconds on a shared machine,
weighs on both alike. Adds ``pdfplumber_median_s`` and ``pdfplumber_cpu_median_s``; the grids must be equal.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def time_reads(path: Path, repeats: int = 5, against_pdfplumber: bool = False) -> dict[str, Any]:
    from etl.extract import read_grid

    start = time.perf_counter()
    grid = read_grid(path)
    first = time.perf_counter() - start
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    pair = against_pdfplumber and path.suffix.lower() == ".pdf"
    for _ in range(repeats):
        ours.append(_timed(read_grid, path))
        if pair:
            with _pdfplumber_paths():
                theirs.append(_timed(read_grid, path, expect=grid))
    out = {
        "file": str(path),
        "rows": len(grid.rows),
        "first_s": round(first, 4),
        "median_s": round(statistics.median(w for w, _ in ours), 4),
        "min_s": round(min(w for w, _ in ours), 4),
        "max_s": round(max(w for w, _ in ours), 4),
        "cpu_median_s": round(statistics.median(c for _, c in ours), 4),
    }
    if theirs:
        out["pdfplumber_median_s"] = round(statistics.median(w for w, _ in theirs), 4)
        out["pdfplumber_cpu_median_s"] = round(statistics.median(c for _, c in theirs), 4)
    return out


def _timed(read: Callable[[Path], Any], path: Path, expect: Any = None) -> tuple[float, float]:
    start, cpu = time.perf_counter(), time.process_time()
    grid = read(path)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    if expect is not None and (grid.rows, grid.preamble) != (expect.rows, expect.preamble):
        raise AssertionError(f"{path}: pdfplumber's own paths read another grid")
    return wall, cpu


@contextmanager
def _pdfplumber_paths() -> Iterator[None]:
    """pdfplumber's Page.parse_objects and Table.extract in place of etl's quicker paths, in this process only."""
    from etl.extract import pdf_bounds, pdf_cells

    saved = pdf_bounds.page_objects, pdf_cells.CharIndex.table_text
    pdf_bounds.page_objects = lambda page: page.parse_objects()
    pdf_cells.CharIndex.table_text = lambda self, table: table.extract()
    try:
        yield
    finally:
        pdf_bounds.page_objects, pdf_cells.CharIndex.table_text = saved


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.readers", description=__doc__.split("\n")[0])
    ap.add_argument("files", type=Path, nargs="+")
    ap.add_argument("--repeats", type=int, default=5, help="reads after the first (default 5)")
    ap.add_argument("--against-pdfplumber", action="store_true", help="pair each PDF read with pdfplumber's own paths")
    a = ap.parse_args(argv)
    for path in a.files:
        print(json.dumps(time_reads(path, a.repeats, a.against_pdfplumber), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
