"""Progress of a load run: files done of total, rows written, time elapsed.

The library reports to whatever sink is installed (none by default, so flows and tests stay
silent); the CLI installs a Rich progress bar on a terminal, or one plain line per batch when the
output is a log file. A process-wide sink, because Prefect runs a flow's tasks in the caller's process
and a callback cannot travel as a flow parameter.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol, TextIO


class ProgressSink(Protocol):
    def start(self, total: int, done: int) -> None: ...

    def advance(self, files: int, rows: int) -> None: ...

    def stop(self) -> None: ...


class NullSink:
    def start(self, total: int, done: int) -> None:
        pass

    def advance(self, files: int, rows: int) -> None:
        pass

    def stop(self) -> None:
        pass


class LineSink:
    """One line per batch, for logs: `jixiao load: 400/10000 files, 88000 rows, 12.3 s`."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream: TextIO | None = stream or sys.stderr
        self.total = self.done = self.rows = 0
        self.started = time.monotonic()

    def start(self, total: int, done: int) -> None:
        self.total, self.done, self.started = total, done, time.monotonic()
        if done:
            self._line(f"{done} unchanged file(s) skipped")

    def advance(self, files: int, rows: int) -> None:
        self.done += files
        self.rows += rows
        self._line(f"{self.done}/{self.total} files, {self.rows} rows")

    def stop(self) -> None:
        pass

    def _line(self, text: str) -> None:
        """A progress line is never worth the load: a reader gone (`| head`), a full disk or a stream that cannot
        encode the line is not the run's failure, and its later lines are dropped."""
        if self.stream is None:
            return
        try:
            print(f"jixiao load: {text}, {time.monotonic() - self.started:.1f} s", file=self.stream, flush=True)
        except (OSError, ValueError, UnicodeError):  # ValueError: the stream was closed
            self.stream = None


class RichSink:
    """A Rich progress bar on the terminal (stderr, so --json output on stdout stays clean)."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.rows = 0
        self.progress = Progress(
            TextColumn("[bold]loading"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("files"),
            TextColumn("{task.fields[rows]} rows"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.task = self.progress.add_task("load", total=None, rows=0)

    def start(self, total: int, done: int) -> None:
        self.progress.start()
        self.progress.update(self.task, total=total, completed=done)

    def advance(self, files: int, rows: int) -> None:
        self.rows += rows
        self.progress.update(self.task, advance=files, rows=self.rows)

    def stop(self) -> None:
        self.progress.stop()


_sink: ProgressSink = NullSink()


def current() -> ProgressSink:
    return _sink


@contextmanager
def reporting(sink: ProgressSink) -> Iterator[ProgressSink]:
    """Install a sink for the duration of a run (restores the previous one afterwards)."""
    global _sink
    previous, _sink = _sink, sink
    try:
        yield sink
    finally:
        sink.stop()
        _sink = previous
