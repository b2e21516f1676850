"""Run history writes: one load_run row per run, and the checks it ran (load_run_check).

Kept apart from the writer because none of it touches facts: a run row is written before anything
is loaded (so a crash leaves a 'running' row with no finish time behind, which is itself a record)
and finished after the quality gate. A run records its process (pid, host, start time); a 'running' row
whose process is gone (killed) is closed as 'interrupted', with the counts of what it committed, by the
next run or by `jixiao runs` (close_interrupted).
The load_log rows a run writes are linked to it by the loader, inside the batch's own transaction
(load_run_file).
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping, Sequence
from datetime import datetime

import duckdb
import psutil

from etl.warehouse.backend import storable
from etl.warehouse.quality import CheckResult
from etl.warehouse.schema import RUN_COUNTS

MESSAGE_LIMIT = 4000


def _process_start(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def start_run(con: duckdb.DuckDBPyConnection, source_paths: Sequence[str], flow_run_id: str | None = None) -> int:
    """Close the runs whose process is gone, then insert a 'running' row (with this process) and return its run_id.
    The paths are recorded storable (a name that is not UTF-8 with \\xNN escapes): as given, one such name failed
    the whole run here, before the plan could refuse that file alone."""
    close_interrupted(con)
    run_id = con.execute("SELECT nextval('seq_run_id')").fetchone()[0]
    zeros = ", ".join("0" for _ in RUN_COUNTS)
    pid, paths = os.getpid(), storable("\n".join(map(str, source_paths)))
    con.execute(
        "INSERT INTO load_run (run_id, flow_run_id, started_at, outcome, source_paths, pid, host, process_started, "
        f"{', '.join(RUN_COUNTS)}) VALUES (?, ?, ?, 'running', ?, ?, ?, ?, {zeros})",
        [run_id, flow_run_id, datetime.now(), paths, pid, HOST, _process_start(pid)],
    )
    return int(run_id)


HOST = socket.gethostname()


def _process_gone(pid: int | None, host: str | None, started: float | None) -> bool:
    """True when the run's process is certainly gone: no such pid on this host, or the pid is another
    (newer) process. A run of another host is never judged from here."""
    if host is not None and host != HOST:
        return False
    if pid is None:
        return True
    now_started = _process_start(pid)
    return now_started is None or (started is not None and abs(now_started - started) > 1.0)


# what a run committed, from the load_log rows it wrote (load_run_file): the counts an interrupted run keeps
_COMMITTED = """
    SELECT count(*),
           count(*) FILTER (WHERE l.status <> 'refused'),
           count(*) FILTER (WHERE l.status = 'refused'),
           coalesce(sum(l.n_projects), 0), coalesce(sum(l.n_targets), 0), coalesce(sum(l.n_rejects), 0),
           coalesce(sum(l.n_reconciliation_failures), 0), max(l.loaded_at)
    FROM load_run_file f JOIN load_log l USING (load_id) WHERE f.run_id = ?
"""


def close_interrupted(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Mark 'running' runs whose process is gone as 'interrupted', with the counts of what they committed
    (every batch is its own transaction, so what is linked to the run is exactly what landed)."""
    running = con.execute(
        "SELECT run_id, pid, host, process_started, started_at FROM load_run WHERE outcome = 'running'"
    )
    closed = []
    for run_id, pid, host, started, started_at in running.fetchall():
        if not _process_gone(pid, host, started):
            continue
        files, written, refused, projects, targets, rejects, unreconciled, last = con.execute(
            _COMMITTED, [run_id]
        ).fetchone()
        message = (
            f"interrupted: the run's process ({pid} on {host}) ended without finishing; "
            f"{written} table(s) and {refused} refusal(s) had been committed under this run"
        )
        con.execute(
            "UPDATE load_run SET outcome = 'interrupted', finished_at = ?, message = ?, n_files = ?, n_loaded = ?, "
            "n_refused = ?, n_projects = ?, n_targets = ?, n_rejects = ?, n_reconciliation_failures = ? "
            "WHERE run_id = ?",
            [last or started_at, message, files, written, refused, projects, targets, rejects, unreconciled, run_id],
        )
        closed.append(int(run_id))
    return closed


def record_checks(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    results: Sequence[CheckResult],
    fingerprint: str | None = None,
    from_run: int | None = None,
) -> None:
    """Every check the run ran (or carried over from run ``from_run``), passed or not, with a sample of the
    offending rows, and the fingerprint of what they ran with (etl.warehouse.quality.fingerprint)."""
    if fingerprint is not None:
        con.execute(
            "UPDATE load_run SET checks_fingerprint = ?, checks_from_run = ? WHERE run_id = ?",
            [fingerprint, from_run, run_id],
        )
    if not results:
        return
    rows = [(run_id, r.name, r.passed, r.n_rows, r.sample, r.description) for r in results]
    con.execute(  # one statement for all the checks, not one per check
        "INSERT INTO load_run_check VALUES " + ", ".join(["(?, ?, ?, ?, ?, ?)"] * len(rows)),
        [value for row in rows for value in row],
    )


CARRIED_OUTCOMES = ("succeeded", "unchanged")  # a run whose checks all passed and that ended normally


def previous_ended_normally(con: duckdb.DuckDBPyConnection, run_id: int) -> bool:
    """Whether the run before ``run_id`` ended normally (CARRIED_OUTCOMES), or there was none: a run killed or failed
    between a commit and the clean-up after it (writer.drop_nameless_projects) may have left work undone."""
    row = con.execute("SELECT outcome FROM load_run WHERE run_id < ? ORDER BY run_id DESC LIMIT 1", [run_id]).fetchone()
    return row is None or row[0] in CARRIED_OUTCOMES


def previous_checks(
    con: duckdb.DuckDBPyConnection, run_id: int, fingerprint: str
) -> tuple[int, dict[str, CheckResult]] | None:
    """The run before ``run_id`` and its check results by name, when that run ended normally with every check
    passed (CARRIED_OUTCOMES) under the same fingerprint; else None (an interrupted, failed or still running
    run before this one, or other checks, views or schema)."""
    row = con.execute(
        "SELECT run_id, outcome, checks_fingerprint FROM load_run WHERE run_id < ? ORDER BY run_id DESC LIMIT 1",
        [run_id],
    ).fetchone()
    if row is None or row[1] not in CARRIED_OUTCOMES or row[2] != fingerprint:
        return None
    rows = con.execute(
        "SELECT check_name, description, n_rows, sample FROM load_run_check WHERE run_id = ?", [row[0]]
    ).fetchall()
    return int(row[0]), {name: CheckResult(name, description or "", n, sample) for name, description, n, sample in rows}


def rows_written(con: duckdb.DuckDBPyConnection, run_id: int) -> int:
    """How many load_log rows (loads and new refusals) the run wrote."""
    return con.execute("SELECT count(*) FROM load_run_file WHERE run_id = ?", [run_id]).fetchone()[0]


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: int,
    outcome: str,
    counts: Mapping[str, int],
    n_check_failures: int | None,
    message: str,
) -> None:
    """Close the run: finish time, outcome, counts and a message a person can read in the morning (storable: it
    may name a path that is not UTF-8, 'source path(s) not found: …', and the run must still be closed)."""
    assignments = ", ".join(f"{name} = ?" for name in RUN_COUNTS)
    con.execute(
        f"UPDATE load_run SET finished_at = ?, outcome = ?, n_check_failures = ?, message = ?, {assignments} "
        "WHERE run_id = ?",
        [
            datetime.now(),
            outcome,
            n_check_failures,
            storable(message)[:MESSAGE_LIMIT],
            *(int(counts.get(name, 0)) for name in RUN_COUNTS),
            run_id,
        ],
    )
