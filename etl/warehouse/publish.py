"""Publish a read-only copy of the warehouse for analysts, atomically.

DuckDB allows one writer process per file, and a reader holding the file blocks the writer. So the
loader writes the working file (``jixiao.duckdb``) alone and, after a successful run, publishes
``jixiao.published.duckdb``: checkpoint the working file, copy it to a temporary file in the same
folder, fsync, and ``os.replace`` it over the published name. An analyst session that has the old
copy open keeps reading that snapshot (the old inode lives until it is closed); a new connection
sees the new one; nobody ever sees half a load, and no analyst can block the load.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

import duckdb

from etl.settings import warehouse_path
from etl.warehouse.locking import writer_lock

PUBLISH_WAIT_SECONDS = 60


def published_path(working: Path | str | None = None) -> Path:
    """warehouse/jixiao.duckdb -> warehouse/jixiao.published.duckdb (where analysts connect)."""
    w = warehouse_path(working)
    return w.with_name(f"{w.stem}.published{w.suffix}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_copies(target: Path) -> None:
    """Temporary copies left by a publisher that was killed mid-copy (we hold the lock, so none is live)."""
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


def publish(working: Path | str | None = None, wait_seconds: float = PUBLISH_WAIT_SECONDS) -> Path | None:
    """Publish the analysts' copy where the engine needs one (DuckDB); return its path, or None (PostgreSQL:
    analysts read the shared database itself, MVCC gives them whole batches only)."""
    from etl.warehouse.backend import resolve

    return resolve(working).publish(wait_seconds)


def publish_duckdb(working: Path | str | None = None, wait_seconds: float = PUBLISH_WAIT_SECONDS) -> Path:
    """Replace the analysts' copy with the working warehouse as it is now; return the copy's path."""
    source = warehouse_path(working)
    target = published_path(source)
    if not source.exists():
        return target
    with writer_lock(source, wait_seconds):
        con = duckdb.connect(str(source))
        try:
            con.execute("CHECKPOINT")
        finally:
            con.close()
        _remove_stale_copies(target)
        temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        shutil.copyfile(source, temp)
        _fsync(temp)
        os.replace(temp, target)
        _fsync(target.parent)
    return target
