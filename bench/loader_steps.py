"""The loader's CPU by step, without the parsing workers beside it (round 26's profile of the load's other half).

A load of L keeps both cores busy: two workers parse while the loader writes, so the loader's own steps cannot be
timed apart in a real run (over L, round 26: 34-40 CPU s in real loads against 29-33 here, and its figures move
with the workers'). This parses the corpus first (two workers, the batches pickled to a temporary folder, one at a
time), then runs the one load path,
``etl.load.run.run_load``, into a new warehouse with those batches in place of the workers' and the named steps of
etl/load/writer.py and etl/load/identity.py timed in process CPU seconds. Nothing of the library is changed: the steps
are wrapped in this process only.

    .venv/bin/python -m bench.loader_steps --corpus bench/corpus/generated-10000-seed6    # L: ~1 min, then ~30 s

Prints one JSON line: ``loader_cpu_s`` (the whole run_load), ``steps_cpu_s`` (each named step, summed over its calls;
nested steps are counted in their callers too) and ``calls``.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

# (module, attribute) of each step timed, in the order the loader reaches them
STEPS: tuple[tuple[str, str], ...] = (
    ("etl.load.writer", "plan_batch"),
    ("etl.load.writer", "write_plan"),
    ("etl.load.writer", "_link_projects"),
    ("etl.load.writer", "_link_candidates"),
    ("etl.load.writer", "_candidate_indicators"),
    ("etl.load.writer", "_insert_links"),
    ("etl.load.writer", "_insert_facts"),
    ("etl.load.writer", "_insert_lineage"),
    ("etl.load.identity", "Linker.__init__"),  # the linker's preparation: candidate pools, names scored
    ("etl.load.identity", "Linker.link"),  # its comparisons and choices
)


def pickled_batches(corpus: Path, folder: Path, workers: int = 2) -> list[Path]:
    """Parse the corpus as a load does (etl.load.batches.parsed_batches) and pickle each batch to ``folder``."""
    from etl.extract.discover import discover
    from etl.load.batches import parsed_batches

    files = discover([corpus])  # absolute, as the load plans them: its record of each file's sha256 matches
    out = []
    for i, batch in enumerate(parsed_batches(files, None, workers=workers)):
        path = folder / f"batch-{i:04d}.pickle"
        path.write_bytes(pickle.dumps(batch, protocol=pickle.HIGHEST_PROTOCOL))
        out.append(path)
    return out


def _timed(spent: dict[str, float], calls: dict[str, int], name: str, step: Callable) -> Callable:
    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return step(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - start
            calls[name] = calls.get(name, 0) + 1

    return timed


def replay(corpus: Path, warehouse: Path, batches: list[Path]) -> dict[str, Any]:
    """run_load of ``corpus`` into ``warehouse`` (new), reading the pickled batches instead of parsing."""
    import importlib

    import etl.load.run as run

    def from_pickles(*_: object, **__: object) -> Iterator[tuple]:
        for path in batches:  # one batch in memory at a time, as a load holds
            yield pickle.loads(path.read_bytes())

    spent: dict[str, float] = {}
    calls: dict[str, int] = {}
    saved = [(run, "parsed_batches", run.parsed_batches)]
    run.parsed_batches = from_pickles
    for module_name, dotted in STEPS:
        owner: Any = importlib.import_module(module_name)
        *path, attribute = dotted.split(".")
        for part in path:  # a class's method: Linker.link
            owner = getattr(owner, part)
        saved.append((owner, attribute, getattr(owner, attribute)))
        setattr(owner, attribute, _timed(spent, calls, dotted, getattr(owner, attribute)))
    try:
        start = time.process_time()
        report = run.run_load([corpus], warehouse, workers=1)
        total = time.process_time() - start
    finally:
        for owner, attribute, original in saved:
            setattr(owner, attribute, original)
    return {
        "loader_cpu_s": round(total, 2),
        "steps_cpu_s": {name: round(spent.get(name, 0.0), 2) for _, name in STEPS},
        "calls": calls,
        "outcome": report.outcome,
        "targets": report.rows("n_targets"),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.loader_steps", description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--warehouse", type=Path, help="a new file (default: one in a temporary folder)")
    ap.add_argument("--workers", type=int, default=2, help="parsing workers for the first pass (default 2)")
    a = ap.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="jixiao-loader-steps-") as scratch:
        folder = Path(scratch)
        warehouse = a.warehouse or folder / "warehouse.duckdb"
        if warehouse.exists():
            ap.error(f"{warehouse} exists: the replay loads into a new warehouse")
        batches = pickled_batches(a.corpus, folder, a.workers)
        print(json.dumps({"corpus": str(a.corpus), **replay(a.corpus, warehouse, batches)}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
