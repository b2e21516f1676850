"""Files a run cannot read or record are refused one by one, never the run: found by a hostile-input hunt."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from etl.load.run import run_load
from etl.warehouse.connect import connect


def _counts(warehouse: Path) -> tuple[int, int]:
    with connect(warehouse, read_only=True) as con:
        sql = "SELECT (SELECT count(*) FROM fact_project_budget), (SELECT count(*) FROM load_log)"
        return con.execute(sql).fetchone()


@pytest.mark.skipif(os.name == "nt", reason="POSIX file names are bytes")
def test_a_file_name_that_is_not_utf8_is_refused_and_the_others_load(sample_copy: Path, tmp_path: Path) -> None:
    """It failed every run with DuckDB's 'cannot encode str as UTF-8', loading nothing (exit 1)."""
    folder = os.fsencode(sample_copy.parent)
    shutil.copy(sample_copy, folder + b"/bad\xff\xfename.txt")
    os.rename(sample_copy, sample_copy.with_name("good.txt"))
    warehouse = tmp_path / "wh.duckdb"
    for _ in range(2):
        report = run_load([sample_copy.parent], warehouse)
        refused = [r for r in report.results if r.status == "refused"]
        assert [(r.path.endswith("bad\\xff\\xfename.txt"), "not UTF-8" in r.message) for r in refused] == [(True, True)]
    assert _counts(warehouse) == (22, 1)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_pipe_named_on_the_command_line_is_refused_not_read(sample_copy: Path, tmp_path: Path) -> None:
    """Reading it blocked the run for ever, and with it the writer lock every other load waits for."""
    pipe = sample_copy.with_name("pipe.txt")
    os.mkfifo(pipe)
    report = run_load([pipe, sample_copy], tmp_path / "wh.duckdb")
    assert [(r.status, r.message) for r in report.results if r.path == str(pipe)] == [
        ("refused", "not a regular file (a pipe, socket or device)")
    ]
    assert _counts(tmp_path / "wh.duckdb") == (22, 1)


def test_blank_lines_are_no_rows(sample_path: Path, tmp_path: Path) -> None:
    """Blank lines were kept as rows until the grid dropped them: 3 MB of line ends took 5 s and 700 MB."""
    from etl.transform.pipeline import process_file
    from tests.layout_facts import parsed_facts

    lines = sample_path.read_text(encoding="utf-8").split("\n")
    padded = tmp_path / "2024" / sample_path.name
    padded.parent.mkdir()
    padded.write_text(("\n" * 1000).join(lines) + "\r" * 100_000, encoding="utf-8")
    original, table = parsed_facts(process_file(sample_path)), parsed_facts(process_file(padded))
    assert table == original


def test_report_on_a_warehouse_without_the_views_says_what_to_run(tmp_path: Path) -> None:
    """It ended in 'CatalogException: … v_department_year does not exist' (exit 1)."""
    import duckdb
    from typer.testing import CliRunner

    from etl.cli.app import app

    warehouse = tmp_path / "old.duckdb"
    duckdb.connect(str(warehouse)).close()
    args = ["report", "--department", "某局", "--from", "2023", "--to", "2024", "-w", str(warehouse)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "run `jixiao load`" in result.output


def test_a_stray_byte_is_named_by_its_line(sample_path: Path, tmp_path: Path) -> None:
    """The message gave the offset where the GB18030 attempt failed, not where the bad UTF-8 byte is."""
    from etl.transform.pipeline import run_file

    lines = sample_path.read_bytes().split(b"\n")
    lines[11] = lines[11][:30] + b"\xff" + lines[11][30:]
    path = tmp_path / "2024" / "t.txt"
    path.parent.mkdir()
    path.write_bytes(b"\n".join(lines))
    refusal = run_file(path)
    assert "byte 0xff at line 12" in refusal.reason and refusal.budget_year == 2024  # the folder's year, logged


def test_a_missing_path_or_warehouse_is_a_wrong_argument_not_an_unexpected_error(tmp_path: Path) -> None:
    """Both ended in 'load failed: SourceMissing: …' / 'NoWarehouse' with exit 1, which reads as a bug."""
    from typer.testing import CliRunner

    from etl.cli.app import app

    missing = CliRunner().invoke(app, ["load", str(tmp_path / "nowhere"), "-w", str(tmp_path / "wh.duckdb")])
    assert missing.exit_code == 2 and "source path(s) not found" in missing.output
    assert "JIXIAO_DEBUG" not in missing.output
    none = CliRunner().invoke(app, ["runs", "-w", str(tmp_path / "none.duckdb")])
    assert none.exit_code == 2 and "no warehouse at" in none.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_check_refuses_a_pipe_too(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from etl.cli.app import app

    pipe = tmp_path / "2024" / "p.txt"
    pipe.parent.mkdir()
    os.mkfifo(pipe)
    result = CliRunner().invoke(app, ["check", str(pipe)])
    assert result.exit_code == 3 and "not a regular file" in result.output


@pytest.mark.parametrize("command", ["load", "check"])
def test_an_empty_path_argument_is_a_wrong_argument_not_the_current_folder(
    command: str, sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Path("") is ".": `jixiao load "$SRC"` with SRC unset walked and loaded every file below the folder it ran in."""
    from typer.testing import CliRunner

    from etl.cli.app import app

    monkeypatch.chdir(sample_copy.parent)
    args = [command, str(sample_copy), ""] + (["-w", str(tmp_path / "wh.duckdb")] if command == "load" else [])
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2 and "an empty path" in result.output
    assert not (tmp_path / "wh.duckdb").exists()


def test_runs_on_a_read_only_folder_reads_the_analysts_copy(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its lock file could not be opened on a read-only mount: 'runs failed: OSError: [Errno 30] …' (exit 1)."""
    import errno

    from typer.testing import CliRunner

    from etl.cli.app import app
    from etl.warehouse import locking

    warehouse = tmp_path / "wh.duckdb"
    run_load([sample_copy], warehouse)
    real_open = locking.os.open

    def read_only_open(path, flags, *args):  # type: ignore[no-untyped-def]
        if str(path).endswith(".lock"):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return real_open(path, flags, *args)

    monkeypatch.setattr(locking.os, "open", read_only_open)
    result = CliRunner().invoke(app, ["runs", "-w", str(warehouse)])
    assert result.exit_code == 0, result.output
    first, run = result.output.splitlines()[:2]
    assert first.startswith("read from the analysts' copy") and "Read-only file system" in first
    assert run.startswith("run 1 ") and "succeeded" in run
    huge = CliRunner().invoke(app, ["runs", "-w", str(warehouse), "--limit", "99999999999999999999"])
    assert huge.exit_code == 2  # was 'runs failed: ConversionException' (exit 1)


def test_a_deep_folder_tree_is_walked_in_reasonable_time(sample_copy: Path) -> None:
    """os.path.realpath of every folder (a pure-Python walk of each component) made a 1,500-deep tree take 33 s."""
    import time

    from etl.extract.discover import discover_paths

    levels = [sample_copy.parent]
    for _ in range(1000):  # one at a time: Path.mkdir(parents=True) recurses once a level
        levels.append(levels[-1] / "d")
        levels[-1].mkdir()
    deep = levels[-1] / "t.txt"
    shutil.copy(sample_copy, deep)
    try:
        started = time.monotonic()
        assert discover_paths([sample_copy.parent.parent]) == sorted([str(sample_copy), str(deep)])
        assert time.monotonic() - started < 3
    finally:  # bottom up: pytest's recursive clean-up of old temporary folders fails on a tree this deep
        deep.unlink()
        for level in reversed(levels[1:]):
            level.rmdir()


@pytest.mark.skipif(not os.path.exists("/proc/self/status"), reason="no /proc")
def test_a_file_is_read_no_further_than_its_size(tmp_path: Path) -> None:
    """A pseudo-file says 0 bytes and may never end: /proc/kmsg linked into a source folder blocked `check` and
    `load` (with the writer lock) for ever, in the planner's hashing and in the reader. /proc/self/status says 0
    bytes too, but ends: it reads as the empty file its size says."""
    import hashlib

    from etl.extract.encoding import file_sha256
    from etl.transform.pipeline import run_file

    link = tmp_path / "2024" / "status.txt"
    link.parent.mkdir()
    link.symlink_to("/proc/self/status")
    assert file_sha256(link) == hashlib.sha256(b"").hexdigest()
    assert run_file(link).reason == "empty file"


def test_a_folder_for_the_warehouse_or_a_file_for_out_is_a_wrong_argument(sample_copy: Path, tmp_path: Path) -> None:
    """Both ended in exit 1 with the library's words ('IO Error: … Is a directory', 'FileExistsError'): they are
    wrong arguments, exit 2 with what to give instead, and nothing is written."""
    from typer.testing import CliRunner

    from etl.cli.app import app

    folder = tmp_path / "wh"
    folder.mkdir()
    def said(result: object) -> str:  # the error box's text, unwrapped
        return "".join(re.sub(r"[\s│╭╮╰╯─]+", "", result.output))  # type: ignore[attr-defined]

    load = CliRunner().invoke(app, ["load", str(sample_copy), "-w", str(folder)])
    assert load.exit_code == 2 and "isafolder" in said(load) and "jixiao.duckdb" in said(load)
    assert list(folder.iterdir()) == []
    warehouse = tmp_path / "wh.duckdb"
    assert CliRunner().invoke(app, ["load", str(sample_copy), "-w", str(warehouse)]).exit_code == 0
    a_file = tmp_path / "out.txt"
    a_file.write_text("mine", encoding="utf-8")
    for args in (["audit"], ["report", "--department", "广州市天河区司法局", "--from", "2023", "--to", "2024"]):
        result = CliRunner().invoke(app, [*args, "-w", str(warehouse), "--out", str(a_file)])
        assert result.exit_code == 2 and "isafile" in said(result), result.output
    assert a_file.read_text(encoding="utf-8") == "mine"


def test_a_file_name_with_a_newline_keeps_its_row_on_one_line(sample_copy: Path, tmp_path: Path) -> None:
    """A file named 'new<newline>line.txt' split its row of the files table over two lines; the name is shown with
    the break escaped (the problems below print every path on one line already)."""
    from typer.testing import CliRunner

    from etl.cli.app import app

    odd = sample_copy.with_name("new\nline.txt")
    sample_copy.rename(odd)
    result = CliRunner().invoke(app, ["load", str(odd.parent), "-w", str(tmp_path / "wh.duckdb")])
    assert result.exit_code == 0, result.output
    row = next(line for line in result.output.splitlines() if "line.txt" in line)
    assert "new\\nline.txt" in row and "loaded" in row
