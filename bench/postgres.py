"""The PostgreSQL row of the benchmark: a full load into a shared PostgreSQL warehouse, by one loader
process and by two loader processes at once (each loading half of the departments, as two Prefect
workers would), on a durable throwaway server (tools/pg_server.py: PostgreSQL 15 of the Debian package,
default fsync and commit settings, on a free loopback port).

Each loader parses in its own process (``--workers 1``), so "two workers" is two processes writing at
once, on the same 2 cores.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import report

ROOT = Path(__file__).resolve().parents[1]


def _loader(corpus: Path, url: str, env: dict[str, str], batch_size: int, shard: str = "") -> subprocess.Popen:
    cmd = [sys.executable, "-m", "bench.measure", "load", "--warehouse", url, "--corpus", str(corpus)]
    cmd += ["--workers", "1", "--batch-size", str(batch_size)] + (["--shard", shard] if shard else [])
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _finish(procs: list[subprocess.Popen]) -> list[dict[str, Any]]:
    outs = []
    for p in procs:
        out, err = p.communicate()
        if p.returncode != 0:
            raise RuntimeError(f"PostgreSQL loader failed ({p.returncode}):\n{err[-4000:]}")
        outs.append(json.loads(out.strip().splitlines()[-1]))
    return outs


def _facts(server: Any, database: str) -> dict[str, int]:
    import psycopg

    with psycopg.connect(host="127.0.0.1", port=server.port, user="jixiao", dbname=database) as con:
        projects, targets = con.execute(
            "SELECT (SELECT count(*) FROM fact_project_budget), (SELECT count(*) FROM fact_target)"
        ).fetchone()
        size = con.execute("SELECT pg_database_size(current_database())").fetchone()[0]
    return {"projects": projects, "targets": targets, "database_mib": round(size / 2**20, 1)}


def server_cpu_s(server: Any) -> float:
    """CPU seconds of the PostgreSQL server so far: the postmaster and the backends it has reaped
    (utime + stime + cutime + cstime of /proc/<postmaster>/stat), plus the backends still running."""
    import os

    import psutil

    pid = int((server.data / "postmaster.pid").read_text().split()[0])
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))
    return ticks / os.sysconf("SC_CLK_TCK") + sum(_cpu_s(c, psutil) for c in psutil.Process(pid).children())


def _cpu_s(process: Any, psutil: Any) -> float:
    """A running backend's user + system seconds; 0 when it ended since it was listed (a race, not an error)."""
    try:
        return sum(process.cpu_times()[:2])
    except psutil.NoSuchProcess:
        return 0.0


def measure(corpus: Path, n_tables: int, env: dict[str, str], batch_size: int, scratch: Path) -> dict[str, Any]:
    """Full load of the corpus into an empty database with 1 loader, then into another with 2 at once;
    then `jixiao report` of the busiest department's last two years against the second."""
    from tools import pg_server

    if not pg_server.available():
        return {"skipped": f"no PostgreSQL binaries in {pg_server.PG_BIN}"}
    server = pg_server.start(durable=True)
    try:
        results: dict[str, Any] = {"tables": n_tables}
        for loaders in (1, 2):
            url = server.create_database(f"bench{loaders}")
            from etl.warehouse.connect import upgrade

            upgrade(url)  # the schema first, so both loaders start writing at once
            t0, cpu0 = time.perf_counter(), server_cpu_s(server)
            shards = [f"{i}/{loaders}" for i in range(loaders)] if loaders > 1 else [""]
            outs = _finish([_loader(corpus, url, env, batch_size, s) for s in shards])
            wall = time.perf_counter() - t0
            server_cpu = server_cpu_s(server) - cpu0
            results[f"loaders_{loaders}"] = {
                "wall_s": round(wall, 2),
                "tables_per_s": round(n_tables / wall, 1),
                "cpu_s": [o["cpu_s"] for o in outs],
                "server_cpu_s": round(server_cpu, 2),
                "server_cpu_ms_per_table": round(1000 * server_cpu / n_tables, 2),
                "loader_cpu_ms_per_table": round(1000 * sum(o["cpu_s"] for o in outs) / n_tables, 2),
                "peak_rss_mib": [o["peak_tree_rss_mib"] for o in outs],
                **_facts(server, f"bench{loaders}"),
            }
            print(f"  postgres  {loaders} loader(s)  wall {wall:7.2f} s", file=sys.stderr, flush=True)
        results["report"] = report.time_report(url, env, scratch / "report-postgres")
        return results
    finally:
        server.stop()
