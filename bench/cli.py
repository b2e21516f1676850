"""What a person waits for: `jixiao load` as typed (fresh processes), and the floor on the same corpus.

- ``time_one_file``: the real sample loaded end to end into a new warehouse with the default command, no
  Prefect server configured (PREFECT_API_URL unset), several times: the median is the one-file wait and
  also the run's fixed start-up (interpreter, imports, creating the warehouse, plan, gate, publish).
- ``time_one_file_formats``: the same for the sample as each other format a person loads (FORMATS: the test
  fixtures that print the sample's table as a PDF, a workbook, a Word document, a web page and an .xls).
- ``time_cli_load``: the default command over a whole corpus into a new warehouse.
- ``time_floor``: ``python -m bench.floor`` over the same corpus (bench/floor.py: read, two regexes, native
  insert) in a fresh process.

Each figure is the wall time of the whole process and its CPU seconds: ``cpu_s`` of it and the children it
waited for (getrusage), ``tree_cpu_s`` of its whole process tree (sampled; parsing workers included).
"""

from __future__ import annotations

import contextlib
import json
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psutil

ROOT = Path(__file__).resolve().parents[1]
JIXIAO = ROOT / ".venv" / "bin" / "jixiao"
SAMPLE = ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt"
# the sample's table in the other formats (GENERATED from it: tests/fixtures/layouts/README.md, layouts_real/README.md)
FORMATS = {
    "pdf": ROOT / "tests" / "fixtures" / "layouts_real" / "2024" / "tianhe-sfj.pdf",
    "xlsx": ROOT / "tests" / "fixtures" / "layouts" / "2024" / "tianhe-sfj.xlsx",
    "docx": ROOT / "tests" / "fixtures" / "layouts_real" / "2024" / "tianhe-sfj.docx",
    "html": ROOT / "tests" / "fixtures" / "layouts" / "2024" / "tianhe-sfj.html",
    "xls": ROOT / "tests" / "fixtures" / "layouts" / "2024" / "tianhe-sfj.xls",
}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class TreeCPU:
    """CPU seconds of a process and every descendant, sampled every 0.2 s: parsing workers are children of
    multiprocessing's fork server, which nobody waits for, so getrusage(RUSAGE_CHILDREN) misses them."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        self.root, self.interval, self.seen = psutil.Process(pid), interval, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(psutil.Error):
                for proc in [self.root, *self.root.children(recursive=True)]:
                    with contextlib.suppress(psutil.Error):
                        t = proc.cpu_times()
                        self.seen[proc.pid] = t.user + t.system
            self._stop.wait(self.interval)

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return sum(self.seen.values())


def timed(cmd: list[str], env: dict[str, str]) -> dict[str, Any]:
    """Run a command to its end: wall seconds; CPU seconds of it and the children it waited for (exact) and of
    its whole process tree (sampled, so workers count); exit code, and stderr's tail when it failed."""
    cpu0, t0 = _children_cpu(), time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    tree = TreeCPU(proc.pid)
    _, stderr = proc.communicate()
    wall, sampled = time.perf_counter() - t0, tree.stop()
    cpu = _children_cpu() - cpu0
    out = {
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 2),
        "tree_cpu_s": round(max(cpu, sampled), 2),
        "exit_code": proc.returncode,
    }
    if proc.returncode != 0:
        out["stderr_tail"] = stderr[-1500:]
    return out


def _no_server(env: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in env.items() if k != "PREFECT_API_URL"}


def _fresh(folder: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder / "jixiao.duckdb"


def time_one_file(scratch: Path, env: dict[str, str], repeats: int = 5, path: Path = SAMPLE) -> dict[str, Any]:
    """`jixiao load <the sample> -w <new warehouse>` repeated; the median and the spread of the wall times."""
    runs = []
    for _ in range(repeats):
        warehouse = _fresh(scratch / "one_file")
        runs.append(timed([str(JIXIAO), "load", str(path), "-w", str(warehouse), "--quiet"], _no_server(env)))
    walls = [r["wall_s"] for r in runs]
    out = {
        "command": f"jixiao load {path.relative_to(ROOT)} -w <new warehouse> --quiet",
        "wall_s": round(statistics.median(walls), 3),
        "wall_min_s": min(walls),
        "wall_max_s": max(walls),
        "cpu_s": statistics.median(r["cpu_s"] for r in runs),
        "tree_cpu_s": statistics.median(r["tree_cpu_s"] for r in runs),
        "exit_codes": sorted({r["exit_code"] for r in runs}),
        "runs": runs,
    }
    print(f"  one file {path.suffix} (default command) median {out['wall_s']:.2f} s  spread {min(walls):.2f}-"
          f"{max(walls):.2f} s", file=sys.stderr, flush=True)
    return out


def time_one_file_formats(scratch: Path, env: dict[str, str], repeats: int = 5) -> dict[str, Any]:
    """time_one_file for the sample as each of FORMATS, by format; every run must load the table."""
    return {kind: time_one_file(scratch, env, repeats, path) for kind, path in FORMATS.items()}


def time_cli_load(corpus: Path, scratch: Path, env: dict[str, str], name: str) -> dict[str, Any]:
    """`jixiao load <corpus> -w <new warehouse>` with the default options; also how many files it loaded."""
    warehouse = _fresh(scratch / f"cli_{name}")
    out = timed([str(JIXIAO), "load", str(corpus), "-w", str(warehouse), "--json"], _no_server(env))
    out["command"] = f"jixiao load {corpus} -w <new warehouse> --json"
    line = f"  jixiao load {name:<10} wall {out['wall_s']:7.2f} s  CPU {out['tree_cpu_s']:7.2f} s (workers included)"
    print(line, file=sys.stderr, flush=True)
    return out


def time_floor(corpus: Path, scratch: Path, env: dict[str, str], name: str) -> dict[str, Any]:
    """``python -m bench.floor <corpus> <new file>``: the process's wall and CPU, and its own count of rows."""
    warehouse = _fresh(scratch / f"floor_{name}")
    cpu0, t0 = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bench.floor", str(corpus), str(warehouse)], cwd=ROOT, capture_output=True, text=True,
        env=env,
    )
    wall, cpu = time.perf_counter() - t0, _children_cpu() - cpu0
    if done.returncode != 0:
        raise RuntimeError(f"floor failed ({done.returncode}):\n{done.stderr[-3000:]}")
    out = {"wall_s": round(wall, 3), "cpu_s": round(cpu, 2), "tree_cpu_s": round(cpu, 2)}
    out |= json.loads(done.stdout.strip().splitlines()[-1])
    print(f"  floor       {name:<10} wall {wall:7.2f} s  CPU {cpu:7.2f} s", file=sys.stderr, flush=True)
    return out
