"""What the parsing pool's fork server imports before it forks any worker (etl.load.batches.worker_pool).

The parser (pandas, pyarrow, numpy: etl.load.batches) is imported once there, so its workers share those pages.
And a worker forked after its pool is gone exits without a traceback: a Ctrl-C while the pool starts shuts the
pool down, its semaphores with it, and a worker still starting then fails to open them in the fork server's
own bootstrap code (FileNotFoundError in multiprocessing.synchronize), which prints the error through
sys.excepthook before the worker's code runs. The loader has already said what happened, in one line. Only this
process (the fork server, and the workers it forks) takes the hook; any other error is printed as before.
"""

from __future__ import annotations

import sys
import traceback
from types import TracebackType

import etl.load.batches  # noqa: F401 (imported for the workers: the point of the preload)

_printed = sys.excepthook


def _pool_gone(kind: type[BaseException], tb: TracebackType | None) -> bool:
    """The error is a worker's start reading its pool's semaphores, which the pool's shutdown removed."""
    if not issubclass(kind, FileNotFoundError):
        return False
    return any(
        frame.f_code.co_name == "__setstate__" and frame.f_code.co_filename.endswith("synchronize.py")
        for frame, _ in traceback.walk_tb(tb)
    )


def _quiet_when_the_pool_is_gone(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
    if not _pool_gone(kind, tb):
        _printed(kind, error, tb)


sys.excepthook = _quiet_when_the_pool_is_gone
