"""One measurement, run in a fresh process: ``python -m bench.measure KIND --corpus C --warehouse W ...``.

Prints one JSON line: seconds of the operation itself (``op_s``, after the imports), the seconds spent
importing, and memory: ``peak_rss_mib`` (this process, exact: getrusage ru_maxrss), ``peak_children_rss_mib``
(the largest worker process) and ``peak_tree_rss_mib`` (this process plus all its children: the sum of
their proportional set sizes, so pages a forked worker shares with its parent count once; sampled every
0.5 s with psutil: reading PSS walks the page tables, and sampling every 50 ms slowed a 10,000-table load
by a third).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil

from etl.settings import FILES_PER_BATCH

MIB = 1024 * 1024


class TreeSampler:
    """Peak RSS of this process and its descendants together, and the CPU seconds of the descendants,
    sampled in a background thread (and once more at the end).

    The parsing workers are started by a fork server (etl.load.batches.worker_pool), so they are the
    loader's grandchildren and outlive the operation: getrusage(RUSAGE_CHILDREN) never sees their CPU.
    """

    def __init__(self, interval: float = 0.5) -> None:
        self.interval, self.peak = interval, 0
        self.cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> int:
        """PSS, not RSS: forked workers share the parent's pages, which RSS would count once per process."""
        me = psutil.Process()
        total = me.memory_full_info().pss
        for child in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                total += child.memory_full_info().pss
                times = child.cpu_times()
                self.cpu[child.pid] = max(self.cpu.get(child.pid, 0.0), times.user + times.system)
        return total

    @property
    def descendants_cpu_s(self) -> float:
        return sum(self.cpu.values())

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._sample())
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._sample())


def _cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def _load(a: argparse.Namespace) -> dict[str, Any]:
    """A full load into an empty warehouse: the one load path (etl.load.run.run_load), as `jixiao load` runs it."""
    from etl.load.run import run_load

    sources: list[Any] = [a.corpus]
    if a.shard:  # i/n: only the departments of shard i (etl.load.shards), as one of n loaders side by side
        from etl.load.shards import shard_files

        i, n = map(int, a.shard.split("/"))
        sources = shard_files([a.corpus], i, n)
    report = run_load(sources, a.warehouse, batch_size=a.batch_size, workers=a.workers)
    return {
        "files": dict(report.by_status),
        "projects": report.rows("n_projects"),
        "targets": report.rows("n_targets"),
        "outcome": report.outcome,
    }


def _run(a: argparse.Namespace) -> dict[str, Any]:
    from etl.load.run import run_load

    report = run_load([a.corpus], a.warehouse, batch_size=a.batch_size, workers=a.workers)
    return {"files": dict(report.by_status), "skipped": report.n_skipped, "outcome": report.outcome}


def _flow(a: argparse.Namespace) -> dict[str, Any]:
    from flows import prefect_env

    prefect_env.apply()
    t0 = time.perf_counter()
    from flows.load_flow import load_flow

    imported = time.perf_counter() - t0
    report = load_flow([a.corpus], a.warehouse, None, a.batch_size, a.workers)
    return {"files": dict(report.by_status), "outcome": report.outcome, "prefect_import_s": round(imported, 3)}


def _baseline(a: argparse.Namespace) -> dict[str, Any]:
    from bench.baseline import load_with_to_sql

    return load_with_to_sql(Path(a.corpus), Path(a.warehouse), a.batch_size, a.workers)


def _views(a: argparse.Namespace) -> dict[str, Any]:
    from bench.queries import time_views

    return time_views(Path(a.warehouse), a.views.split(","))


KINDS: dict[str, Callable[[argparse.Namespace], dict[str, Any]]] = {
    "load": _load,
    "run": _run,
    "flow": _flow,
    "baseline": _baseline,
    "views": _views,
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.measure")
    ap.add_argument("kind", choices=sorted(KINDS))
    ap.add_argument("--corpus", default="")
    ap.add_argument("--warehouse", required=True)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=FILES_PER_BATCH, help=f"default {FILES_PER_BATCH}, as bench.run")
    ap.add_argument("--views", default="")
    ap.add_argument("--shard", default="", help="i/n: load only shard i of n (several loaders at once)")
    a = ap.parse_args(argv)
    t_import = time.perf_counter()
    import etl.load.batches  # noqa: F401  (the library's imports are counted apart from the operation)

    import_s = time.perf_counter() - t_import
    with TreeSampler() as sampler:
        t0 = time.perf_counter()
        extra = KINDS[a.kind](a)
        op_s = time.perf_counter() - t0
    out = {
        "kind": a.kind,
        "op_s": round(op_s, 3),
        "import_s": round(import_s, 3),
        "cpu_s": round(_cpu(resource.RUSAGE_SELF), 2),
        "workers_cpu_s": round(max(_cpu(resource.RUSAGE_CHILDREN), sampler.descendants_cpu_s), 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "peak_children_rss_mib": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1),
        "peak_tree_rss_mib": round(sampler.peak / MIB, 1),
        **extra,
    }
    print(json.dumps(out, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
