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


@pytest.fixture(autouse=True)
def _ctrl_c_raises() -> object:
    """SIGINT raising KeyboardInterrupt, as in a terminal: a shell's background job (`nohup … &`) starts with it
    ignored, and the run then rightly leaves it ignored (these tests asserted Python's default handler)."""
    before = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, before)


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
    from etl.signals import sigint_deferred

    with pytest.raises(KeyboardInterrupt), sigint_deferred():
        os.kill(os.getpid(), signal.SIGINT)
        reached = True  # the signal waits for the block's end
    assert reached
    assert "Traceback" not in capsys.readouterr().err


def test_a_worker_started_after_its_pool_is_gone_exits_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    """Ctrl-C while the pool starts (about a second into a load of 1,000 files: 45 of 60 sweeps) shut the pool down
    and a worker still starting printed multiprocessing's FileNotFoundError from the fork server's bootstrap. The
    fork server's preload quiets exactly that error; any other is printed as before."""
    import sys

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # the module sets it (in the fork server): restored after
    from etl.load import forkserver_preload

    space: dict = {}
    code = "def __setstate__():\n    raise FileNotFoundError(2, 'No such file')"  # as multiprocessing's own
    exec(compile(code, "/x/synchronize.py", "exec"), space)

    def raised(call: object) -> tuple:
        try:
            call()  # type: ignore[operator]
        except BaseException:
            return sys.exc_info()
        raise AssertionError("no error")

    forkserver_preload._quiet_when_the_pool_is_gone(*raised(space["__setstate__"]))
    assert capsys.readouterr().err == ""
    forkserver_preload._quiet_when_the_pool_is_gone(*raised(lambda: Path("/nonexistent/jixiao").read_bytes()))
    assert "FileNotFoundError" in capsys.readouterr().err
