"""Runs over hostile files and situations stay bounded and leave a clear record: found by a hostile-input hunt. Every
input here is GENERATED in the test's temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from etl.extract import dispatch, encoding
from etl.load.run import run_load


def test_a_file_too_large_to_read_is_never_read(
    sample_copy: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It is refused whatever its bytes, yet it was hashed in full twice (the plan, then the refusal's record): a
    4 GB sparse file beside the sample took the run 18 s, 1.9 s now."""
    huge = sample_copy.with_name("huge.txt")
    with huge.open("wb") as f:
        f.truncate(encoding.MAX_FILE_BYTES + 1)  # sparse: no disk used
    read: list[int] = []
    stated = encoding.stated_bytes

    def counted(f):  # type: ignore[no-untyped-def]
        read.append(os.fstat(f.fileno()).st_size)
        return stated(f)

    monkeypatch.setattr(encoding, "stated_bytes", counted)
    monkeypatch.setattr(dispatch, "stated_bytes", counted)
    first = run_load([sample_copy.parent], warehouse)
    assert [r.message for r in first.refused] == [
        f"file too large ({encoding.MAX_FILE_BYTES + 1} bytes; the limit is {encoding.MAX_FILE_BYTES})"
    ]
    assert read and max(read) <= encoding.MAX_FILE_BYTES
    again = run_load([sample_copy.parent], warehouse)
    assert (again.n_skipped, [r.status for r in again.refused]) == (2, ["refused"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_pipe_put_where_a_file_was_found_is_refused_not_waited_on(tmp_path: Path) -> None:
    """A pipe that replaces a file between the folder's walk and the read (the walk takes regular files only) blocked
    open() in the planner's hash and in the reader until something wrote to it: the run, and its writer lock, for
    ever. Both now open without blocking and refuse what is not a regular file."""
    import threading

    from etl.model import Refusal
    from etl.transform.pipeline import run_file

    pipe = tmp_path / "2024" / "t.txt"
    pipe.parent.mkdir()
    os.mkfifo(pipe)
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.extend([encoding.file_sha256(pipe), run_file(pipe)]), daemon=True)
    worker.start()
    worker.join(timeout=5)
    if worker.is_alive():  # the old behaviour: release the blocked open() before failing
        with open(pipe, "wb"):
            pass
        worker.join(timeout=5)
        pytest.fail("blocked on a pipe")
    sha, refusal = results
    assert sha == "" and isinstance(refusal, Refusal)
    assert refusal.reason == "cannot read file: not a regular file (a pipe, socket or device)"


def test_a_department_printed_with_a_space_is_the_same_table(sample_path: Path, tmp_path: Path) -> None:
    """部门名称：广州市天河区 司法局 beside the loaded 广州市天河区司法局 was another table by its printed name,
    but the same department by the key its projects are identified by (whitespace dropped): its facts collided with
    the loaded ones ('duplicate key'), the batch failed and so did every run after it (exit 1), loading nothing
    more. It is now that table: refused as a conflict while the other file exists, a replacement when edited in
    place."""
    from etl.warehouse.connect import connect

    folder = tmp_path / "raw" / "2024"
    folder.mkdir(parents=True)
    text = sample_path.read_text(encoding="utf-8")
    spaced = text.replace("部门名称：广州市天河区司法局", "部门名称：广州市天河区 司法局")
    (folder / "a.txt").write_text(text, encoding="utf-8")

    def facts(warehouse: Path) -> tuple:
        with connect(warehouse, read_only=True) as con:
            return con.execute("SELECT count(*), count(DISTINCT department_name) FROM fact_project_budget").fetchone()

    later, together = tmp_path / "later.duckdb", tmp_path / "together.duckdb"
    assert run_load([folder], later).exit_code == 0
    (folder / "b.txt").write_text(spaced, encoding="utf-8")
    for warehouse in (later, together):  # b after a was loaded, and both in one run
        report = run_load([folder], warehouse)
        assert [(Path(r.path).name, r.refusal_kind) for r in report.refused] == [("b.txt", "conflict")]
        assert facts(warehouse) == (22, 1)
    (folder / "b.txt").unlink()
    (folder / "a.txt").write_text(spaced, encoding="utf-8")  # corrected in place
    report = run_load([folder], later)
    assert (report.exit_code, report.by_status["replaced"]) == (0, 1)
    assert facts(later) == (22, 1)


def test_a_warehouse_or_out_folder_below_a_file_is_a_wrong_argument(sample_copy: Path, tmp_path: Path) -> None:
    """Both ended in exit 1 with the library's words ('FileExistsError', 'NotADirectoryError'): a wrong argument,
    exit 2, as a warehouse that is a folder or an --out that is a file already were."""
    import re

    from typer.testing import CliRunner

    from etl.cli.app import app

    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine", encoding="utf-8")
    load = CliRunner().invoke(app, ["load", str(sample_copy), "-w", str(a_file / "wh.duckdb")])
    warehouse = tmp_path / "wh.duckdb"
    assert CliRunner().invoke(app, ["load", str(sample_copy), "-w", str(warehouse)]).exit_code == 0
    audit = CliRunner().invoke(app, ["audit", "-w", str(warehouse), "--out", str(a_file / "out")])
    for result in (load, audit):
        said = re.sub(r"[\s│╭╮╰╯─]+", "", result.output)
        assert result.exit_code == 2 and "isafile,notafolder" in said, result.output
    assert a_file.read_text(encoding="utf-8") == "mine"


TERM_AFTER_THE_FIRST_BATCH = """
import os, signal, sys
from etl.load.run import run_load
try:
    run_load([sys.argv[1]], sys.argv[2], batch_size=1, on_batch=lambda results: os.kill(os.getpid(), signal.SIGTERM))
except KeyboardInterrupt:
    sys.exit(143)
"""


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_sigterm_is_an_interrupted_run_recorded_and_published(sample_path: Path, tmp_path: Path) -> None:
    """SIGTERM (a service manager's stop, a scheduler cancelling the job) ended the loader at once: the run stayed
    'running' until the next run closed it, the analysts' copy was not published, and nothing was said. It is now
    taken as Ctrl-C is: recorded as interrupted, published with what was committed, exit 143."""
    import subprocess
    import sys

    from etl.warehouse.connect import connect

    folder, warehouse = tmp_path / "raw" / "2024", tmp_path / "wh.duckdb"
    folder.mkdir(parents=True)
    text = sample_path.read_text(encoding="utf-8")
    for i in range(3):
        (folder / f"t{i}.txt").write_text(text.replace("广州市天河区司法局", f"测试部门{i}局"), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", TERM_AFTER_THE_FIRST_BATCH, str(folder), str(warehouse)], timeout=120, check=False
    )
    assert done.returncode == 143
    with connect(warehouse, read_only=True) as con:  # the analysts' copy
        run = con.execute("SELECT outcome, n_loaded, message FROM load_run").fetchall()
        assert [(outcome, n) for outcome, n, _ in run] == [("interrupted", 1)] and "SIGTERM" in run[0][2]
        assert con.execute("SELECT count(*) FROM fact_project_budget").fetchone() == (22,)
    assert run_load([folder], warehouse).outcome == "succeeded"


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_sigterm_is_one_line_and_exit_143(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import signal

    from typer.testing import CliRunner

    from etl.cli import run_output
    from etl.cli.app import app

    def terminated(*args: object, **kwargs: object) -> None:
        if signal.getsignal(signal.SIGTERM) == signal.SIG_DFL:  # it would end pytest itself
            raise RuntimeError("SIGTERM not handled by the load")
        os.kill(os.getpid(), signal.SIGTERM)
        signal.pthread_kill(signal.pthread_self(), 0)  # let the handler run here

    monkeypatch.setattr(run_output, "run", terminated)
    result = CliRunner().invoke(app, ["load", str(sample_copy), "-w", str(tmp_path / "wh.duckdb")])
    assert result.exit_code == 143, result.output
    assert "load interrupted (SIGTERM); what was committed before it stays" in result.output


@pytest.mark.skipif(os.name == "nt", reason="POSIX signals")
def test_a_sigterm_handler_someone_else_set_is_left_alone() -> None:
    """A Prefect flow run handles SIGTERM itself (the server's cancellation): the load leaves that handler in place."""
    import signal

    from etl.load import interrupt

    def theirs(signum: int, frame: object) -> None:
        raise AssertionError("not called")

    previous = signal.signal(signal.SIGTERM, theirs)
    try:
        with interrupt.watching():
            assert signal.getsignal(signal.SIGTERM) is theirs
        with interrupt.watching(), interrupt.watching():  # nested, as the CLI and run_load nest them
            pass
    finally:
        signal.signal(signal.SIGTERM, previous)
    with interrupt.watching():
        assert signal.getsignal(signal.SIGTERM) is interrupt._on_signal
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
