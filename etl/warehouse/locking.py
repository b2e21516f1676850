"""One loader at a time: an OS file lock (fcntl.flock) on a lock file beside the warehouse.

DuckDB itself allows one writer process and fails a second one at once. The lock turns that into
a bounded wait with a clear message, and covers the whole critical section (migration, the batch
transaction, publishing the analysts' copy), not only the moment the file is open. The lock is
re-entrant within a process (a load that migrates takes it twice) and the OS drops it when the
holder dies, so a killed loader never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_held: dict[str, int] = {}
_guard = threading.RLock()


class WarehouseBusy(RuntimeError):
    """Another process holds the warehouse (its lock file or DuckDB's own lock)."""


def lock_path(working: Path) -> Path:
    return working.with_name(working.name + ".lock")


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="ascii").strip()
    except OSError:
        return ""
    return f" (pid {text})" if text.isdigit() else ""


def _acquire(fd: int, path: Path, wait_seconds: float) -> None:
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"another load is writing this warehouse{_holder(path)}: waited {wait_seconds:g} s for {path}; "
                    "run again when it has finished"
                ) from None
            time.sleep(0.1)


@contextmanager
def writer_lock(working: Path, wait_seconds: float = 0) -> Iterator[None]:
    """Hold the warehouse's writer lock; wait up to wait_seconds for another process's load."""
    path = lock_path(working)
    key = str(path)
    with _guard:
        if _held.get(key):
            _held[key] += 1
            try:
                yield
            finally:
                _held[key] -= 1
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _acquire(fd, path, wait_seconds)
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode("ascii"))
            _held[key] = 1
            try:
                yield
            finally:
                _held.pop(key, None)
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
