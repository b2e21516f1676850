"""Time ``jixiao report`` for one department over two years and ``jixiao audit`` for one department-year, as an
analyst runs them (a fresh process), and the audit's queries alone (in this process)."""

from __future__ import annotations

import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
JIXIAO = ROOT / ".venv" / "bin" / "jixiao"
REPEATS = 3  # each command timed three times, the median read: one run of a second moved by up to 0.3 s (round 25)


def _timed(cmd: list[str], env: dict[str, str], repeats: int = REPEATS) -> dict[str, Any]:
    """The command run ``repeats`` times: the median wall time, the spread, and the last run's exit and output."""
    walls, done = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
        walls.append(round(time.perf_counter() - t0, 3))
    assert done is not None
    return {
        "wall_s": round(statistics.median(walls), 3),
        "wall_min_s": min(walls),
        "wall_max_s": max(walls),
        "walls_s": walls,
        "exit_code": done.returncode,
        "stdout_chars": len(done.stdout),
        "stderr_tail": done.stderr[-500:],
    }


def busiest_department(warehouse: str | Path) -> tuple[str, int, int]:
    """The department with the most projects in the last two years of the warehouse (a DuckDB file, read
    as the working file, or a PostgreSQL URL), and those years."""
    from etl.warehouse.connect import connect

    con = connect(warehouse, read_only=True, published=False)
    try:
        last = con.execute("SELECT max(budget_year) FROM fact_project_budget").fetchone()[0]
        row = con.execute(
            "SELECT department_name FROM fact_project_budget WHERE budget_year >= ? "
            "GROUP BY department_name ORDER BY count(*) DESC, department_name LIMIT 1",
            [last - 1],
        ).fetchone()
    finally:
        con.close()
    return row[0], last - 1, last


def time_report(warehouse: str | Path, env: dict[str, str], out: Path | None = None) -> dict[str, Any]:
    """Wall seconds of the whole ``jixiao report`` process, the median of REPEATS runs (None and the reason when
    there is no such command)."""
    probe = subprocess.run([str(JIXIAO), "report", "--help"], capture_output=True, text=True, env=env, cwd=ROOT)
    if probe.returncode != 0:
        return {"present": False, "note": "jixiao has no report command yet"}
    department, first, last = busiest_department(warehouse)
    cmd = [str(JIXIAO), "report", "--department", department, "--from", str(first), "--to", str(last)]
    cmd += ["--warehouse", str(warehouse), "--out", str(out or Path(warehouse).parent / "report")]
    timed = _timed(cmd, env)
    timed["output_chars"] = timed.pop("stdout_chars")
    return {"present": True, "command": " ".join(cmd[1:]), **timed}


def time_audit(warehouse: Path, env: dict[str, str]) -> dict[str, Any]:
    """``jixiao audit`` of the busiest department's last year: the whole process (the median of REPEATS runs), and
    its queries alone."""
    probe = subprocess.run([str(JIXIAO), "audit", "--help"], capture_output=True, text=True, env=env, cwd=ROOT)
    if probe.returncode != 0:
        return {"present": False, "note": "jixiao has no audit command yet"}
    department, _, year = busiest_department(warehouse)
    cmd = [str(JIXIAO), "audit", "--department", department, "--year", str(year)]
    cmd += ["--warehouse", str(warehouse), "--out", str(warehouse.parent / "audit")]
    timed = _timed(cmd, env)
    timed.pop("stdout_chars")
    return {
        "present": True,
        "command": " ".join(cmd[1:]),
        **timed,
        "query_s": round(audit_query_seconds(warehouse, department, year), 3),
    }


def audit_query_seconds(warehouse: Path, department: str, year: int) -> float:
    """Seconds to open the warehouse read-only and read one department-year's findings and score card."""
    from etl.report.audit import read_audit

    t0 = time.perf_counter()
    read_audit(department, year, warehouse)
    return time.perf_counter() - t0
