"""Read the warehouse in a second thread while the main one imports what writes the files (Jinja2, openpyxl).

DuckDB releases the GIL while it executes, so the queries and the imports overlap (the report and the audit of one
department on 10,000 tables: a quarter of a second each). Python runs signal handlers in the main thread only, and
DuckDB looks for Ctrl-C only in the thread that started its query: a query in the second thread would run on to its
end after a Ctrl-C (an audit of every department of L: 20 s). So whatever ends the main thread's wait (Ctrl-C,
SIGTERM) interrupts the connection's query first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from etl.warehouse.connect import connect

T = TypeVar("T")


@contextmanager
def reading_beside(read: Callable[[Any], T], warehouse: str | Path | None) -> Iterator[Future[T]]:
    """``read(con)`` on a read-only connection, run in a thread; the block gets its future. The connection is
    interrupted when the block raises (Ctrl-C while it waits), and closed after the thread is done."""
    con = connect(warehouse, read_only=True)
    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="jixiao-read") as pool:
            pending = pool.submit(read, con)
            try:
                yield pending
            except BaseException:
                if not pending.done() and hasattr(con, "interrupt"):  # DuckDB (PostgreSQL's query runs to its end)
                    con.interrupt()
                raise
    finally:
        con.close()
