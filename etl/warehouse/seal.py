"""The working file's seal: its stat as the last run left it, written beside it (``<warehouse>.sealed``).

A run that changed nothing carries over the previous run's quality-check results (etl/load/run.py) only
when nothing wrote the working file in between. The loaders serialise on the writer lock, but a person or a
script can still open the file with DuckDB and change it; DuckDB then writes the file or leaves its WAL
beside it. So a run takes the file's size, modification and change times, inode and device while DuckDB's
lock on the file is still its own (after a last checkpoint), and seals them once it has published, if the
file still has them then; the next run compares once DuckDB's lock is its own again, before it writes.
Any difference, a WAL, or a missing or unreadable seal means "touched": the checks run.

A file system whose times tick in whole milliseconds or coarser (FAT, some network shares) could give a
write in the same tick the same stat, so there no seal is written. A seal that cannot be written (a
read-only folder, a full disk) is no error either: the next run runs its checks.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path

SEAL_SUFFIX = ".sealed"
WAL_SUFFIX = ".wal"
COARSE_NS = 1_000_000  # a modification time that is a whole number of milliseconds: a coarse clock


def seal_path(working: Path) -> Path:
    """warehouse/jixiao.duckdb -> warehouse/jixiao.duckdb.sealed"""
    return working.with_name(working.name + SEAL_SUFFIX)


def stat_of(working: Path) -> list[int] | None:
    """What changes when DuckDB writes the file; None when that may not show: a WAL beside it (committed
    writes not yet in the file), no file, or a coarse clock."""
    if working.with_name(working.name + WAL_SUFFIX).exists():
        return None
    try:
        st = working.stat()
    except OSError:
        return None
    if st.st_mtime_ns % COARSE_NS == 0:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev]


def seal(working: Path, run_id: int, left: list[int] | None) -> bool:
    """Seal the file as run ``run_id`` left it (``left``: stat_of while the run still held DuckDB's lock), only
    if it still is so; else take any old seal away. Returns whether it sealed. Atomic: a temporary file, then
    a rename; temporary files of a sealer that was killed are removed first."""
    target = seal_path(working)
    with contextlib.suppress(OSError):
        for stale in target.parent.glob(f".{target.name}.*.tmp"):
            stale.unlink(missing_ok=True)
    if left is None or stat_of(working) != left:
        with contextlib.suppress(OSError):
            target.unlink(missing_ok=True)
        return False
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        temp.write_text(json.dumps({"run_id": run_id, "stat": left}), encoding="utf-8")
        os.replace(temp, target)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        return False
    return True


def sealed_run(working: Path) -> int | None:
    """The run whose seal the file still matches (nothing wrote it since that run), else None. Ask while
    DuckDB's lock on the file is the caller's, so that no one can write it between this and the caller's use."""
    try:
        recorded = json.loads(seal_path(working).read_text(encoding="utf-8"))
        run_id, stat = int(recorded["run_id"]), recorded["stat"]
    except (OSError, ValueError, TypeError, KeyError, OverflowError, RecursionError):  # damaged: no seal
        return None
    current = stat_of(working)
    return run_id if current is not None and current == stat else None
