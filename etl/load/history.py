"""Run history writes: one load_run row per run, and the checks it ran (load_run_check).

Kept apart from the writer because none of it touches facts: a run row is written before anything
is loaded (so a crash leaves a 'running' row with no finish time behind, which is itself a record)
and finished after the quality gate. A run holds the writer lock for its whole length, so a 'running'
row that the next run finds belongs to a process that died: that run marks it failed (interrupted).
The load_log rows a run writes are linked to it by the loader, inside the batch's own transaction
(load_run_file).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

import duckdb

from etl.warehouse.quality import CheckResult
from etl.warehouse.schema import RUN_COUNTS

MESSAGE_LIMIT = 4000


INTERRUPTED = "interrupted: the process ended before the run finished (its committed batches stay)"


def close_interrupted(con: duckdb.DuckDBPyConnection) -> int:
    """Mark runs left 'running' by a process that died as failed; call it holding the writer lock."""
    rows = con.execute(
        "UPDATE load_run SET outcome = 'failed', message = ? WHERE outcome = 'running' RETURNING run_id", [INTERRUPTED]
    ).fetchall()
    return len(rows)


def start_run(con: duckdb.DuckDBPyConnection, source_paths: Sequence[str], flow_run_id: str | None = None) -> int:
    """Insert a 'running' row and return its run_id (runs an earlier process left 'running' are closed first)."""
    close_interrupted(con)
    run_id = con.execute("SELECT nextval('seq_run_id')").fetchone()[0]
    zeros = ", ".join("0" for _ in RUN_COUNTS)
    con.execute(
        f"INSERT INTO load_run (run_id, flow_run_id, started_at, outcome, source_paths, {', '.join(RUN_COUNTS)}) "
        f"VALUES (?, ?, ?, 'running', ?, {zeros})",
        [run_id, flow_run_id, datetime.now(), "\n".join(map(str, source_paths))],
    )
    return int(run_id)


def record_checks(con: duckdb.DuckDBPyConnection, run_id: int, results: Sequence[CheckResult]) -> None:
    """Every check the run ran, passed or not, with a sample of the offending rows."""
    con.executemany(
        "INSERT INTO load_run_check VALUES (?, ?, ?, ?, ?, ?)",
        [(run_id, r.name, r.passed, r.n_rows, r.sample, r.description) for r in results],
    )


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
    """Close the run: finish time, outcome, counts and a message a person can read in the morning."""
    assignments = ", ".join(f"{name} = ?" for name in RUN_COUNTS)
    con.execute(
        f"UPDATE load_run SET finished_at = ?, outcome = ?, n_check_failures = ?, message = ?, {assignments} "
        "WHERE run_id = ?",
        [
            datetime.now(),
            outcome,
            n_check_failures,
            message[:MESSAGE_LIMIT],
            *(int(counts.get(name, 0)) for name in RUN_COUNTS),
            run_id,
        ],
    )
