"""SIGINT (and SIGTERM) handlers swapped for a block of code, in the main thread only (elsewhere, e.g. a Prefect
flow's thread, signals are not ours to set: a no-op). Used by the load's Ctrl-C and SIGTERM handling
(etl/load/interrupt.py), the parsing
pool's fork server start (etl/load/batches.py) and the migration's close (etl/warehouse/connect.py)."""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

Handler = Callable[[int, FrameType | None], Any] | int


@contextmanager
def handled_by(signum: int, handler: Handler) -> Iterator[Handler | None]:
    """Signal ``signum`` goes to ``handler`` (a function, or signal.SIG_IGN) while the block runs, then back to what
    it was; the block gets the handler it replaced (None outside the main thread, where nothing is replaced)."""
    try:
        previous = signal.signal(signum, handler)
    except ValueError:
        yield None
        return
    try:
        yield previous
    finally:
        signal.signal(signum, previous)


def sigint_handled_by(handler: Handler) -> contextlib.AbstractContextManager[Handler | None]:
    """SIGINT goes to ``handler`` while the block runs (handled_by)."""
    return handled_by(signal.SIGINT, handler)


@contextmanager
def sigint_deferred() -> Iterator[None]:
    """Ctrl-C noted while the block runs and passed to the handler it had right after it. Closing the migration's
    connection (DuckDB checkpoints there) happens inside SQLAlchemy's pool, which logs a KeyboardInterrupt raised
    there with its whole traceback before passing it on. Not a signal mask: the kernel gives a masked thread's
    signal to another thread, and Python then runs the handler in the main thread all the same."""
    pending: list[int] = []
    with sigint_handled_by(lambda signum, frame: pending.append(signum)) as previous:
        yield
    if pending and callable(previous):
        previous(signal.SIGINT, None)  # the run's handler (or Python's): KeyboardInterrupt, here
    elif pending and previous == signal.SIG_DFL:
        signal.raise_signal(signal.SIGINT)  # what it would have done
