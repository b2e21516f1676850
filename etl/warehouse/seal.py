"""The working file's seal: its stat when a run last let go of it, written beside it (``jixiao.duckdb.sealed``).

A run that changed nothing carries over the previous run's quality-check results (etl/load/run.py) only
when nothing wrote the working file in between. The loaders serialise on the writer lock, but a person or a
script can still open the file with DuckDB and change it; DuckDB then writes the file or leaves its WAL
beside it. So each run records, once it has published (the publish's checkpoint is its last write), the
file's size, modification and change times, inode and device, and the next run, before it opens the file,
compares. Any difference, a WAL, or a missing or unreadable seal means "touched": the checks run.

A seal that cannot be written (a read-only folder, a full disk) is no error: the next run runs its checks.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

SEAL_SUFFIX = ".sealed"
WAL_SUFFIX = ".wal"


def seal_path(working: Path) -> Path:
    """warehouse/jixiao.duckdb -> warehouse/jixiao.duckdb.sealed"""
    return working.with_name(working.name + SEAL_SUFFIX)


def _stat(working: Path) -> list[int] | None:
    """What changes when DuckDB writes the file; None when it has a WAL (committed writes not yet in it)."""
    if working.with_name(working.name + WAL_SUFFIX).exists():
        return None
    try:
        st = working.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def seal(working: Path, run_id: int) -> None:
    """Record the file's stat as run ``run_id`` left it (atomically: a temporary file, then a rename)."""
    stat = _stat(working)
    target = seal_path(working)
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    with contextlib.suppress(OSError):
        if stat is None:
            target.unlink(missing_ok=True)
            return
        temp.write_text(json.dumps({"run_id": run_id, "stat": stat}), encoding="utf-8")
        os.replace(temp, target)
    with contextlib.suppress(OSError):
        temp.unlink(missing_ok=True)


def sealed_run(working: Path) -> int | None:
    """The run whose seal the file still matches (nothing wrote it since that run), else None."""
    try:
        recorded = json.loads(seal_path(working).read_text(encoding="utf-8"))
        run_id, stat = int(recorded["run_id"]), recorded["stat"]
    except (OSError, ValueError, TypeError, KeyError):
        return None
    current = _stat(working)
    return run_id if current is not None and current == stat else None
