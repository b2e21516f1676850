"""Ctrl-C during a run: noticed whatever form it reaches the loader in.

SIGINT raises KeyboardInterrupt in Python code, but while DuckDB executes it surfaces as DuckDB's "Query
interrupted", as "Current transaction is aborted" on the next statement, or inside an Arrow scan's error text.
:func:`watching` notes the signal itself, so the run can be recorded as ``interrupted`` (not ``failed`` with
one of those texts) and the command can end with one line and exit 130. Batches committed before it stay; the
next run loads the rest.

SIGTERM (a service manager stopping the job, a scheduler cancelling it, `kill`) is taken the same way: it ended the
process at once, the run left `running` until the next run closed it, the analysts' copy not published and no word
said; now the run is recorded as ``interrupted`` ("SIGTERM"), published, and the command exits 143.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from types import FrameType

from etl.signals import handled_by, sigint_handled_by

EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command ended by Ctrl-C
EXIT_TERMINATED = 143  # 128 + SIGTERM
CAUSES = {signal.SIGINT: "Ctrl-C", signal.SIGTERM: "SIGTERM"}
_seen = threading.Event()
_cause: list[str] = ["Ctrl-C"]  # what ended the run: the first signal seen


def _on_signal(signum: int, frame: FrameType | None) -> None:
    if not _seen.is_set():
        _cause[0] = CAUSES.get(signum, "Ctrl-C")
    _seen.set()
    raise KeyboardInterrupt


def forget() -> None:
    """Forget a signal seen by an earlier command of this process (tests, a library's caller): a command starts
    with a clean slate, or its own failure is taken for an interruption (exit 130)."""
    _seen.clear()
    _cause[0] = "Ctrl-C"


@contextmanager
def watching() -> Iterator[None]:
    """Note SIGINT and SIGTERM while the block runs (and raise KeyboardInterrupt where Python code runs). SIGTERM only
    while nothing else has claimed it: a Prefect flow run's own handler (cancellation from the server) stays."""
    forget()
    ours = signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, _on_signal)
    with sigint_handled_by(_on_signal), handled_by(signal.SIGTERM, _on_signal) if ours else nullcontext():
        yield


def cause() -> str:
    """What interrupted the run: "Ctrl-C" or "SIGTERM"."""
    return _cause[0]


def exit_code(by: str) -> int:
    """The exit code of a command interrupted by ``by`` (cause()): 130 for Ctrl-C, 143 for SIGTERM."""
    return EXIT_TERMINATED if by == "SIGTERM" else EXIT_INTERRUPTED


def was_interrupted(exc: BaseException | None = None) -> bool:
    """Whether Ctrl-C ended the run: the signal was seen, or the exception is a KeyboardInterrupt."""
    return _seen.is_set() or isinstance(exc, KeyboardInterrupt)
