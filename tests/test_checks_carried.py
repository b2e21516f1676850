"""A run that changed nothing carries over the previous run's quality-check results (etl.load.run._gate) only
while they still hold: the same checks, views and schema, a previous run that ended normally, and a working
file that nothing wrote in between (etl/warehouse/seal.py). Every other run runs the checks."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from etl.load import run as load_run
from etl.load.run import EXIT_GATE, run_load
from etl.warehouse import publish, quality, seal
from etl.warehouse.connect import connect

PLANTED = "UPDATE fact_project_budget SET other_yuan = 5 WHERE project_id = 1"  # budget_parts_add_up


@pytest.fixture
def check_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per time a run ran the checks."""
    calls: list[int] = []
    real = quality.run_checks

    def counted(con: object, checks: list[quality.Check] | None = None) -> list[quality.CheckResult]:
        calls.append(1)
        return real(con, checks)  # type: ignore[arg-type]

    monkeypatch.setattr(quality, "run_checks", counted)
    return calls


def recorded(warehouse: Path, run_id: int) -> tuple[list[tuple], str | None]:
    con = connect(warehouse, read_only=True, published=False)
    try:
        checks = con.execute(
            "SELECT check_name, passed, n_rows, sample, description FROM load_run_check WHERE run_id = ? "
            "ORDER BY check_name",
            [run_id],
        ).fetchall()
        fingerprint = con.execute("SELECT checks_fingerprint FROM load_run WHERE run_id = ?", [run_id]).fetchone()
        return checks, fingerprint[0]
    finally:
        con.close()


def test_a_no_op_carries_the_previous_runs_results(sample_copy: Path, warehouse: Path, check_calls: list[int]) -> None:
    first = run_load([sample_copy], warehouse)
    assert len(check_calls) == 1 and first.checks_from_run is None
    again = run_load([sample_copy], warehouse)
    assert len(check_calls) == 1, "the no-op ran the checks"
    assert (again.outcome, again.exit_code, again.checks_from_run) == ("unchanged", 0, first.run_id)
    assert [c.name for c in again.checks] == [c.name for c in quality.load_checks()]
    assert recorded(warehouse, again.run_id) == recorded(warehouse, first.run_id)  # rows and fingerprint
    assert recorded(warehouse, again.run_id)[1] is not None
    assert again.as_json()["checks_from_run"] == first.run_id
    assert f"quality checks as in run {first.run_id}" in again.message()
    con = connect(warehouse, read_only=True, published=False)
    try:
        sql = "SELECT checks_from_run, message FROM load_run WHERE run_id = ?"
        stored = con.execute(sql, [again.run_id]).fetchone()
    finally:
        con.close()
    assert stored[0] == first.run_id and f"as in run {first.run_id}" in stored[1]
    third = run_load([sample_copy], warehouse)  # carried from a run that carried
    assert (len(check_calls), third.checks_from_run) == (1, again.run_id)


@pytest.mark.parametrize("leave_wal", [False, True], ids=["checkpointed", "left-in-the-wal"])
def test_a_fault_planted_by_hand_is_caught_by_the_next_no_op(
    sample_copy: Path, warehouse: Path, check_calls: list[int], leave_wal: bool
) -> None:
    """A person's DuckDB session between two runs changes the file (or leaves its WAL): the checks run."""
    run_load([sample_copy], warehouse)
    con = duckdb.connect(str(warehouse))
    if leave_wal:
        con.execute("PRAGMA disable_checkpoint_on_shutdown")
    con.execute(PLANTED)
    con.close()
    assert warehouse.with_name(warehouse.name + ".wal").exists() == leave_wal
    again = run_load([sample_copy], warehouse)
    assert len(check_calls) == 2 and again.checks_from_run is None
    assert (again.exit_code, [c.name for c in again.failed_checks]) == (EXIT_GATE, ["budget_parts_add_up"])
    again = run_load([sample_copy], warehouse)  # the fault stays: a failed run's results are never carried
    assert len(check_calls) == 3 and again.exit_code == EXIT_GATE


def _other_checks(monkeypatch: pytest.MonkeyPatch, warehouse: Path) -> None:
    extra = quality.Check("zz_nothing", "returns no rows", "SELECT 1 AS one WHERE false")
    checks = [*quality.load_checks(), extra]
    monkeypatch.setattr(quality, "load_checks", lambda: checks)


def _no_seal(monkeypatch: pytest.MonkeyPatch, warehouse: Path) -> None:
    seal.seal_path(warehouse).unlink()


def _a_garbled_seal(monkeypatch: pytest.MonkeyPatch, warehouse: Path) -> None:
    seal.seal_path(warehouse).write_text("{not json", encoding="utf-8")


def _another_runs_seal(monkeypatch: pytest.MonkeyPatch, warehouse: Path) -> None:
    path = seal.seal_path(warehouse)
    recorded_seal = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**recorded_seal, "run_id": recorded_seal["run_id"] - 1}), encoding="utf-8")


def _a_failed_run(monkeypatch: pytest.MonkeyPatch, warehouse: Path) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("planted")

    with monkeypatch.context() as patched:
        patched.setattr(load_run, "record_stats", broken)
        with pytest.raises(RuntimeError, match="planted"):
            run_load([warehouse.parent.parent / "raw"], warehouse)


@pytest.mark.parametrize(
    "change", [_other_checks, _no_seal, _a_garbled_seal, _another_runs_seal, _a_failed_run], ids=lambda f: f.__name__
)
def test_the_checks_run_again_when_the_results_may_not_hold(
    sample_copy: Path, warehouse: Path, check_calls: list[int], monkeypatch: pytest.MonkeyPatch, change: object
) -> None:
    run_load([sample_copy.parent.parent], warehouse)
    change(monkeypatch, warehouse)  # type: ignore[operator]
    before = len(check_calls)
    again = run_load([sample_copy.parent.parent], warehouse)
    assert again.outcome == "unchanged" and again.checks_from_run is None
    assert len(check_calls) == before + 1 and again.exit_code == 0


def test_a_run_that_wrote_runs_the_checks(sample_copy: Path, warehouse: Path, check_calls: list[int]) -> None:
    run_load([sample_copy], warehouse)
    sample_copy.write_text(sample_copy.read_text(encoding="utf-8").replace("。", "；", 1), encoding="utf-8")
    again = run_load([sample_copy], warehouse)
    assert again.by_status["replaced"] == 1 and again.checks_from_run is None and len(check_calls) == 2


def test_a_seal_matches_only_the_file_as_the_run_left_it(tmp_path: Path) -> None:
    working = tmp_path / "w.duckdb"
    assert seal.sealed_run(working) is None and seal.stat_of(working) is None  # no file, no seal
    working.write_bytes(b"x" * 10)
    assert seal.seal(working, 7, seal.stat_of(working)) and seal.sealed_run(working) == 7
    working.write_bytes(b"y" * 10)  # the same size, written again (later: a file's times tick in milliseconds)
    st = working.stat()
    os.utime(working, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_001))
    assert seal.sealed_run(working) is None
    left = seal.stat_of(working)
    working.write_bytes(b"z" * 11)  # written after the run let go, before it sealed: no seal at all
    assert not seal.seal(working, 8, left) and not seal.seal_path(working).exists()
    assert seal.seal(working, 8, seal.stat_of(working))
    working.with_name("w.duckdb.wal").write_bytes(b"")
    assert seal.sealed_run(working) is None  # a WAL: writes not yet in the file
    assert not seal.seal(working, 9, seal.stat_of(working)) and not seal.seal_path(working).exists()


def test_no_seal_where_the_files_times_tick_coarsely(tmp_path: Path) -> None:
    """A write in the same tick could keep the stat: on a file system whose times are whole milliseconds or
    coarser (FAT, some network shares) nothing is sealed, so the checks always run."""
    working = tmp_path / "w.duckdb"
    working.write_bytes(b"x")
    st = working.stat()
    os.utime(working, ns=(st.st_atime_ns, 1_700_000_000 * 10**9))
    assert seal.stat_of(working) is None and not seal.seal(working, 1, [1, 2, 3, 4, 5])


def test_a_leftover_temporary_seal_is_removed(tmp_path: Path) -> None:
    working = tmp_path / "w.duckdb"
    working.write_bytes(b"x")
    leftover = tmp_path / ".w.duckdb.sealed.12345.tmp"
    leftover.write_text("{}", encoding="utf-8")
    seal.seal(working, 1, seal.stat_of(working))
    assert not leftover.exists() and seal.sealed_run(working) in (1, None)  # None only on a coarse clock


def test_a_session_the_run_waited_for_is_seen(sample_copy: Path, warehouse: Path, check_calls: list[int]) -> None:
    """Someone has the working file open with DuckDB when a run starts; the run waits for DuckDB's lock while
    they change a row and close. The seal is compared once the lock is the run's, so the checks run."""
    first = run_load([sample_copy], warehouse)
    script = (
        "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('open', flush=True); time.sleep(1.5); "
        f"con.execute({PLANTED!r}); con.close()"
    )
    person = subprocess.Popen([sys.executable, "-c", script, str(warehouse)], stdout=subprocess.PIPE, text=True)
    try:
        assert person.stdout is not None and person.stdout.readline().strip() == "open"
        assert seal.sealed_run(warehouse) == first.run_id  # opening alone does not change the file
        again = run_load([sample_copy], warehouse, wait_seconds=30)
    finally:
        person.wait(30)
    assert again.checks_from_run is None and len(check_calls) == 2
    assert (again.exit_code, [c.name for c in again.failed_checks]) == (EXIT_GATE, ["budget_parts_add_up"])


def test_a_write_while_the_run_publishes_is_seen(
    sample_copy: Path, warehouse: Path, check_calls: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DuckDB session writes the working file after the run let go of it, while it copies it for the
    analysts: the run does not seal, so the next no-op runs the checks."""
    first = run_load([sample_copy], warehouse)
    real_copy = shutil.copyfile

    def copy_after_a_write(source: object, target: object, *args: object, **kwargs: object) -> object:
        if Path(str(source)) == warehouse:
            con = duckdb.connect(str(warehouse))
            con.execute(PLANTED)
            con.close()
        return real_copy(source, target, *args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patched:
        patched.setattr(publish.shutil, "copyfile", copy_after_a_write)
        second = run_load([sample_copy], warehouse)
    assert second.checks_from_run == first.run_id and not seal.seal_path(warehouse).exists()
    third = run_load([sample_copy], warehouse)
    assert third.checks_from_run is None and len(check_calls) == 2
    assert (third.exit_code, [c.name for c in third.failed_checks]) == (EXIT_GATE, ["budget_parts_add_up"])
