"""Ctrl-C during a run: noticed whatever form it reaches the loader in.

SIGINT raises KeyboardInterrupt in Python code, but while DuckDB executes it surfaces as DuckDB's "Query
interrupted", as "Current transaction is aborted" on the next statement, or inside an Arrow scan's error text.
:func:`watching` notes the signal itself, so the run can be recorded as ``interrupted`` (not ``failed`` with
one of those texts) and the command can end with one line and exit 130. Batches committed before it stay; the
next run loads the rest.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

from etl.signals import sigint_handled_by

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command ended by Ctrl-C
_seen = threading.Event()


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    _seen.set()
    raise KeyboardInterrupt


@contextmanager
def watching() -> Iterator[None]:
    """Note SIGINT while the block runs (and still raise KeyboardInterrupt where Python code runs)."""
    _seen.clear()
    with sigint_handled_by(_on_sigint):
        yield


def was_interrupted(exc: BaseException | None = None) -> bool:
    """Whether Ctrl-C ended the run: the signal was seen, or the exception is a KeyboardInterrupt."""
    return _seen.is_set() or isinstance(exc, KeyboardInterrupt)
