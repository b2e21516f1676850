"""How long reading one file takes (``etl.extract.read_grid``: bytes to a grid of cells), in this process: the first
read, which pays the reader's imports and caches (a PDF's font maps), and the median of the reads after it.

    .venv/bin/python -m bench.readers tests/fixtures/layouts_real/2024/tianhe-sfj.pdf [more files] [--repeats 5]

Prints one JSON line per file: ``first_s``, ``median_s``, ``min_s``, ``max_s`` (wall seconds), and the grid's rows.
To compare two checkouts, run it from each with ``PYTHONPATH=<checkout>`` (each compiled: ``compileall``, as
scripts/setup.sh does, or the one without bytecode pays the compiling).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any


def time_reads(path: Path, repeats: int = 5) -> dict[str, Any]:
    from etl.extract import read_grid

    start = time.perf_counter()
    grid = read_grid(path)
    first = time.perf_counter() - start
    walls = []
    for _ in range(repeats):
        start = time.perf_counter()
        read_grid(path)
        walls.append(time.perf_counter() - start)
    return {
        "file": str(path),
        "rows": len(grid.rows),
        "first_s": round(first, 4),
        "median_s": round(statistics.median(walls), 4),
        "min_s": round(min(walls), 4),
        "max_s": round(max(walls), 4),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.readers", description=__doc__.split("\n")[0])
    ap.add_argument("files", type=Path, nargs="+")
    ap.add_argument("--repeats", type=int, default=5, help="reads after the first (default 5)")
    a = ap.parse_args(argv)
    for path in a.files:
        print(json.dumps(time_reads(path, a.repeats), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
