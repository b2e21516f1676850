"""The PostgreSQL side of the writer: one transaction per batch, serialised per department.

Many loaders write one PostgreSQL warehouse at once (processes on one machine, Prefect workers on
many). Each batch is one transaction that first takes a transaction-scoped advisory lock for every
department it holds (``pg_advisory_xact_lock``, in a fixed order so two batches never deadlock), then
plans and writes exactly as on DuckDB (etl/load/writer.py: ``plan_batch``, ``write_plan``, the same
SQL; rows arrive by ``COPY`` into temporary tables and go on with set-based ``INSERT … SELECT``):

- a department's years are linked to one project identity, so two loads of one department
  (whatever the year) take turns: the second plans after the first committed and sees its rows,
  so the same bytes again are ``unchanged`` and other bytes replace the table whole; nothing is
  doubled or interleaved;
- loads of different departments do not wait for each other: their name keys (department first)
  and project ids (a sequence) cannot collide; an indicator type new to both is inserted
  ``ON CONFLICT DO NOTHING``, before the batch's transaction;
- a crash or a failed statement rolls the batch back: the previous state stays, and the locks go
  with the session.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from etl.load import writer
from etl.model import Refusal
from etl.transform import frames
from etl.warehouse.locking import WarehouseBusy
from etl.warehouse.postgres import DEPARTMENT_LOCK_CLASS as LOCK_CLASS
from etl.warehouse.postgres import PgConnection, department_lock_key

LOCK_WAIT_SECONDS = 600  # a batch waits this long for another loader's department, then the run says busy


def lock_departments(con: PgConnection, departments: set[str], wait_seconds: float | None = None) -> None:
    """Wait for, then hold until commit, the advisory lock of each department (sorted: no deadlock)."""
    wait = LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds
    con.execute(f"SET LOCAL lock_timeout = '{int(wait * 1000)}ms'")
    for key in sorted({department_lock_key(d) for d in departments}):
        con.execute("SELECT pg_advisory_xact_lock(CAST(? AS INTEGER), CAST(? AS INTEGER))", [LOCK_CLASS, key])


def load_batch(
    con: PgConnection, batch: frames.FrameBatch, refusals: Sequence[Refusal] = (), run_id: int | None = None
) -> list[writer.FileResult]:
    """Lock the batch's departments, plan and write in one transaction; return per-file results.

    Indicator types the tree does not know are added first, each in its own short transaction: a type is
    a dimension row that is never deleted, and inside the batch a type new to two loaders would make the
    second wait for the first's whole batch."""
    if not batch.targets.empty:
        writer._insert_unknown_types(con, batch.targets)
    con.execute("BEGIN")
    try:
        lock_departments(con, {t.department_name for t in batch.tables})
        plan = writer.plan_batch(con, batch, refusals)
        if not plan.batch.tables and not plan.refusals:
            con.execute("ROLLBACK")
            return plan.results
        load_ids = writer.write_plan(con, plan, run_id)
        if plan.replaced_ids:  # only a replacement can leave a project without names; in the same transaction
            writer.drop_nameless_projects(con)
        con.execute("COMMIT")
    except BaseException as exc:
        _rollback(con)
        if type(exc).__name__ == "LockNotAvailable":
            raise WarehouseBusy(
                f"another load holds a department of this batch in {con.label}: waited {LOCK_WAIT_SECONDS} s"
            ) from None
        raise
    return writer.with_load_ids(plan, load_ids)


def _rollback(con: PgConnection) -> None:
    """Roll back what the batch did; a lost connection has rolled back already (keep the first error)."""
    with contextlib.suppress(Exception):
        con.execute("ROLLBACK")
