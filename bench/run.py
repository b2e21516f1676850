"""The benchmark: ``.venv/bin/python -m bench.run`` (``--help`` for sizes and options).

Generates (once) the GENERATED corpora S and L with the seeded generator under bench/corpus/, then
measures, each in a fresh process, everything through the one load path (etl.load.run.run_load, a
recorded run): the full load of S and L into an empty warehouse, a no-op re-run over L (skip before
parsing by content hash), the same S load again and through the Prefect flow (the difference is
Prefect's fixed cost), the pandas ``to_sql`` baseline on S, the report for one department over two
years, the audit of one department-year and every view read in full on the L warehouse; and, side by
side in the same run, ``jixiao load`` as typed over one corpus (default L) and the floor script
(bench/floor.py) over the same corpus, and the one-file wait (the real sample, default command, no
Prefect server). Prints a table with the targets and writes bench/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import cli, postgres, report, targets
from bench.corpus import CORPUS_ROOT, ensure_copies, ensure_corpus
from bench.queries import VIEWS
from etl.settings import FILES_PER_BATCH

ROOT = Path(__file__).resolve().parents[1]
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"


def child(
    kind: str, scratch: Path, warehouse: str, corpus: Path | None = None, fresh: bool = True, **opts: Any
) -> dict:
    """Run ``python -m bench.measure KIND`` in a fresh process; its JSON plus the process's wall time."""
    wh = scratch / f"{warehouse}.duckdb"
    if fresh:
        for f in scratch.glob(f"{warehouse}.*"):
            f.unlink()
    cmd = [sys.executable, "-m", "bench.measure", kind, "--warehouse", str(wh)]
    cmd += ["--corpus", str(corpus)] if corpus else []
    for k, v in opts.items():
        cmd += [f"--{k.replace('_', '-')}", str(v)]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=_env(scratch))
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(f"{kind} failed ({done.returncode}):\n{done.stderr[-4000:]}")
    out = json.loads(done.stdout.strip().splitlines()[-1])
    out["wall_s"] = round(wall, 3)
    print(
        f"  {kind:<9} {warehouse:<12} wall {wall:7.2f} s  op {out['op_s']:7.2f} s  "
        f"peak tree {out['peak_tree_rss_mib']:7.1f} MiB",
        file=sys.stderr,
        flush=True,
    )
    return out


def _env(scratch: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str(scratch / "prefect-home"))
    env.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    env.pop("JIXIAO_WAREHOUSE", None)
    return env


def machine() -> dict[str, Any]:
    import duckdb
    import pandas

    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "git_head": commit.stdout.strip(),
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    ap.add_argument("--small", type=int, default=1000, help="tables in S (default 1000)")
    ap.add_argument("--large", type=int, default=10000, help="tables in L (default 10000)")
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--workers", type=int, default=2, help="parsing processes (default 2)")
    ap.add_argument(
        "--batch-size", type=int, default=FILES_PER_BATCH, help=f"files per transaction (default {FILES_PER_BATCH})"
    )
    ap.add_argument("--corpus-root", type=Path, default=CORPUS_ROOT)
    ap.add_argument("--scratch", type=Path, default=Path("/tmp/jixiao-bench"), help="warehouses go here")
    ap.add_argument("--out", type=Path, default=RESULTS, help="JSON results (default bench/results/latest.json)")
    ap.add_argument("--no-flow", action="store_true", help="skip the Prefect flow run")
    ap.add_argument("--no-baseline", action="store_true", help="skip the to_sql baseline")
    ap.add_argument(
        "--postgres", choices=("off", "S", "L"), default="L", help="corpus of the PostgreSQL row (default L)"
    )
    ap.add_argument("--only-postgres", action="store_true", help="measure only the PostgreSQL row")
    ap.add_argument(
        "--floor-on", choices=("S", "L"), default="L", help="corpus of `jixiao load` beside the floor (default L)"
    )
    ap.add_argument("--repeats", type=int, default=5, help="runs of each one-file load (default 5)")
    ap.add_argument(
        "--copies", type=int, default=2000, help="renamed copies of the sample, loaded beside the floor (0: none)"
    )
    # three: the median then sets one slow round aside (round 24, this machine: one run's two rounds read 2.14 and 3.28)
    ap.add_argument(
        "--rounds", type=int, default=3, help="rounds of the floor and `jixiao load` side by side (default 3)"
    )
    return ap.parse_args(argv)


def side_by_side(a: argparse.Namespace, corpus: Path, copies: Path | None) -> dict[str, Any]:
    """One round: the floor then `jixiao load` on the corpus, and the same on the renamed copies."""
    env = _env(a.scratch)
    out = {
        "floor": {"corpus": a.floor_on, **cli.time_floor(corpus, a.scratch, env, a.floor_on)},
        "cli_load": {"corpus": a.floor_on, **cli.time_cli_load(corpus, a.scratch, env, a.floor_on)},
    }
    if copies is not None:
        name = f"copies-{a.copies}"
        out["floor_copies"] = {"corpus": name, **cli.time_floor(copies, a.scratch, env, "copies")}
        out["cli_load_copies"] = {"corpus": name, **cli.time_cli_load(copies, a.scratch, env, "copies")}
    return out


def measure(a: argparse.Namespace) -> dict[str, Any]:
    opts = {"workers": a.workers, "batch_size": a.batch_size}
    s_dir, s_gen = ensure_corpus(a.small, a.seed, root=a.corpus_root, workers=a.workers)
    l_dir, l_gen = (
        ensure_corpus(a.large, a.seed, root=a.corpus_root, workers=a.workers)
        if not a.only_postgres or a.postgres == "L"
        else (s_dir, 0.0)
    )
    r: dict[str, Any] = {
        "corpus": {
            "S": {"path": str(s_dir), "tables": a.small, "generate_s": round(s_gen, 2)},
            "L": {"path": str(l_dir), "tables": a.large, "generate_s": round(l_gen, 2)},
        }
    }
    if a.postgres != "off":
        corpus, n = (s_dir, a.small) if a.postgres == "S" else (l_dir, a.large)
        r[f"postgres_{a.postgres}"] = postgres.measure(corpus, n, _env(a.scratch), a.batch_size, a.scratch)
    if a.only_postgres:
        return r
    r["one_file"] = cli.time_one_file(a.scratch, _env(a.scratch), a.repeats)
    r["one_file_formats"] = cli.time_one_file_formats(a.scratch, _env(a.scratch), a.repeats)
    side = s_dir if a.floor_on == "S" else l_dir
    copies = ensure_copies(a.copies, a.corpus_root) if a.copies else None
    r["rounds"] = [side_by_side(a, side, copies) for _ in range(max(1, a.rounds))]
    r |= r["rounds"][0]  # the first round's figures under the usual keys; the ratios below take every round
    r["load_S"] = child("load", a.scratch, "load_S", s_dir, **opts)
    r["load_L"] = child("load", a.scratch, "load_L", l_dir, **opts)
    r["noop_L"] = child("run", a.scratch, "load_L", l_dir, fresh=False, **opts)
    r["views_L"] = child("views", a.scratch, "load_L", fresh=False, views=",".join(VIEWS))
    r["report_L"] = report.time_report(a.scratch / "load_L.duckdb", _env(a.scratch))
    r["audit_L"] = report.time_audit(a.scratch / "load_L.duckdb", _env(a.scratch))
    r["run_S"] = child("run", a.scratch, "run_S", s_dir, **opts)
    if not a.no_flow:
        r["flow_S"] = child("flow", a.scratch, "flow_S", s_dir, **opts)
    if not a.no_baseline:
        r["baseline_S"] = child("baseline", a.scratch, "baseline_S", s_dir, **opts)
    return r


def main(argv: list[str] | None = None) -> int:
    a = parse_args(argv)
    a.scratch.mkdir(parents=True, exist_ok=True)
    info = machine()
    t0 = time.perf_counter()
    results = measure(a)
    info["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    info["bench_total_s"] = round(time.perf_counter() - t0, 1)
    doc = {
        "command": "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:]),
        "settings": {k: v for k, v in vars(a).items() if isinstance(v, int | bool | str)},
        "machine": info,
        "results": results,
        **targets.evaluate(results),
    }
    print(targets.table(doc))
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\nwritten {a.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
