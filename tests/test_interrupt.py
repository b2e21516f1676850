"""Ctrl-C during a load: the run is recorded as interrupted, what it committed stays, the command says so in one
line and exits 130, and the next run loads the rest. Found by a hostile-input hunt: the outcome was exit 1 with
DuckDB's "Query interrupted" or "transaction is aborted", or a traceback, and the run recorded as failed."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli import run_output
from etl.cli.app import app
from etl.load.run import run_load
from etl.warehouse.connect import connect

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGINT") or os.name == "nt", reason="POSIX signals")


def _departments(sample: Path, folder: Path, n: int) -> Path:
    text = sample.read_text(encoding="utf-8")
    (folder / "2024").mkdir(parents=True)
    for i in range(n):
        (folder / "2024" / f"t{i}.txt").write_text(text.replace("广州市天河区司法局", f"测试部门{i}局"), "utf-8")
    return folder


def _ctrl_c(results: list) -> None:
    os.kill(os.getpid(), signal.SIGINT)  # as the terminal sends it, after the first committed batch


def test_an_interrupted_run_is_recorded_and_the_next_one_finishes(sample_path: Path, tmp_path: Path) -> None:
    folder, warehouse = _departments(sample_path, tmp_path / "raw", 4), tmp_path / "wh.duckdb"
    with pytest.raises(KeyboardInterrupt):
        run_load([folder], warehouse, batch_size=1, on_batch=_ctrl_c)
    with connect(warehouse, read_only=True) as con:
        assert con.execute("SELECT outcome, n_loaded FROM load_run").fetchall() == [("interrupted", 1)]
        assert con.execute("SELECT count(*) FROM fact_project_budget").fetchone() == (22,)
    assert run_load([folder], warehouse).outcome == "succeeded"
    with connect(warehouse, read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT department_name) FROM fact_project_budget").fetchone() == (
            88,
            4,
        )
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # the run's handler is gone


def test_ctrl_c_passed_on_by_duckdb_is_one_line_and_exit_130(
    sample_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted_query(*args: object, **kwargs: object) -> None:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            signal.pthread_kill(signal.pthread_self(), 0)  # let the handler run here
        except KeyboardInterrupt:
            raise RuntimeError("Query interrupted") from None  # what DuckDB raises when SIGINT stops a query

    monkeypatch.setattr(run_output, "run", interrupted_query)
    shutil.copy(sample_path, tmp_path / "t.txt")
    result = CliRunner().invoke(app, ["load", str(tmp_path / "t.txt"), "-w", str(tmp_path / "wh.duckdb")])
    assert result.exit_code == 130
    assert "load interrupted (Ctrl-C)" in result.output and "Query interrupted" not in result.output


def test_ctrl_c_while_the_migration_closes_waits_for_the_close(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """Closing the migration's connection happens inside SQLAlchemy's pool, which logged a KeyboardInterrupt there
    with its whole traceback (a Ctrl-C about a second into a load of a new warehouse): the close now holds the
    signal back and it arrives, once, right after."""
    from etl.warehouse.connect import sigint_deferred

    with pytest.raises(KeyboardInterrupt), sigint_deferred():
        os.kill(os.getpid(), signal.SIGINT)
        reached = True  # the signal waits for the block's end
    assert reached
    assert "Traceback" not in capsys.readouterr().err
