"""etl.report.beside: the report's and the audit's reads run in a second thread, and a Ctrl-C in the main thread
interrupts their query (DuckDB looks for signals only in the thread that started it: an audit of every department of
10,000 tables ran on for 20 s after Ctrl-C)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import duckdb
import pytest

from etl.load.run import run_load
from etl.report.beside import reading_beside
from tests.conftest import SAMPLE

LONG_QUERY = "select count(*) from range(100000000000) as t(i) where i % 7 = 3"  # minutes, unless interrupted


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    warehouse = tmp_path_factory.mktemp("beside") / "wh.duckdb"
    run_load([SAMPLE], warehouse, year=2024)
    return warehouse


def test_the_read_runs_in_another_thread_and_returns_its_rows(loaded: Path) -> None:
    def read(con: duckdb.DuckDBPyConnection) -> tuple[str, int]:
        return threading.current_thread().name, con.execute("select count(*) from fact_project_budget").fetchall()[0][0]

    with reading_beside(read, loaded) as pending:
        thread, projects = pending.result()
    assert thread.startswith("jixiao-read") and projects == 22


def test_ctrl_c_while_waiting_interrupts_the_query(loaded: Path) -> None:
    read = reading_beside(lambda con: con.execute(LONG_QUERY).fetchall(), loaded)
    with pytest.raises(KeyboardInterrupt), read as pending:
        time.sleep(0.5)  # the query has started
        raise KeyboardInterrupt
    assert pending.done()
    assert isinstance(pending.exception(), duckdb.InterruptException)
