"""Round 19's hostile review of the I/O side: the command line as typed against locales, folders, paths, pipes and
signals that are not what it expects. Every input is the real sample (data/raw/2024/tianhe-sfj.txt) or the GENERATED
2023 derived from it (tools.prior_year), copied, renamed or changed in the test's temporary folder.

Found (each test below failed before its fix; the report of round 19 gives the details):
- `check` under a C locale refused a Chinese file name as 'not UTF-8' (exit 3) instead of saying the locale;
- `check` of a path that is not there said 'REFUSED … cannot read file' (exit 3), a load says 'not found' (exit 2);
  a folder it could not walk, and a walk that found nothing, were silent; a name's ESC or line break went raw to
  the terminal;
- a warehouse in a folder this user cannot write failed on its lock file (PermissionError, exit 1), the same for
  `db upgrade`; --out into such a folder failed after the warehouse was read (exit 1); -w or --out below a folder
  that may not be searched was a traceback; a name longer than the file system takes, exit 1;
- the report's and the audit's files written into a folder that loads walk were refused on every later load (exit 3);
- a file that is no DuckDB database given as the warehouse had a .lock file made beside it;
- `runs` said 'no warehouse' of a warehouse a load was creating;
- SIGTERM during report or audit left their temporary files in --out;
- a reader that went away (| head) failed a load that had committed (exit 1, recorded failed when it was the
  progress lines' reader); stdout on a full disk was a traceback;
- PREFECT_API_URL that is no URL failed after Prefect was imported (exit 1).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from etl.extract.discover import discover, is_own_output
from etl.load.incremental import SourceMissing
from etl.load.run import run_load
from etl.warehouse import backend
from etl.warehouse.connect import WarehouseUnwritable, refuse_before_writing
from tests.paths import PROJECT_ROOT
from tests.test_hostile_round18_io import (
    _LOCALE_VARIABLES,
    C_LOCALE,
    DEPARTMENT,
    POSIX_ONLY,
    cli,
    department_table,
    query,
    said,
    two_years,
    unprivileged,
)


def cli_as_user(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """cli() with file modes in force (root's override of them dropped: see round 18's unprivileged)."""
    prefix = unprivileged()
    command = [sys.executable, "-m", "etl.cli", *map(str, args)]
    base = {k: v for k, v in os.environ.items() if k not in _LOCALE_VARIABLES and not k.startswith("JIXIAO_")}
    full = [*prefix, " ".join(f"'{c}'" for c in command)] if prefix else command
    return subprocess.run(full, capture_output=True, cwd=PROJECT_ROOT, env={**base, **(env or {})}, timeout=120)


def shell(script: str) -> subprocess.CompletedProcess:
    """A bash pipeline with `jixiao` as python -m etl.cli (for pipes and redirections)."""
    base = {k: v for k, v in os.environ.items() if k not in _LOCALE_VARIABLES and not k.startswith("JIXIAO_")}
    jixiao = f"{sys.executable} -m etl.cli"
    return subprocess.run(["bash", "-c", script.replace("jixiao ", jixiao + " ")], capture_output=True,
                          cwd=PROJECT_ROOT, env=base, timeout=120)  # fmt: skip


def no_traceback(done: subprocess.CompletedProcess) -> bool:
    return b"Traceback" not in done.stderr and b"Traceback" not in done.stdout


# ---- check under a locale that misreads names ----------------------------------------------------------------------


@POSIX_ONLY
def test_check_under_a_c_locale_says_the_locale_not_that_a_chinese_name_is_not_utf8(tmp_path: Path) -> None:
    """It printed 'REFUSED …/天河区司法局.txt: its name is not UTF-8 text … rename the file' (exit 3) of a name in
    UTF-8, the same for the file named alone; now one line saying the locale and what to run, exit 2, nothing read."""
    raw = tmp_path / "raw"
    chinese = department_table(raw / "2024", "天河区司法局.txt")
    department_table(raw / "2024", "b.txt", "广州市天河区乙局")
    for target in (raw, chinese):
        done = cli("check", target, env=C_LOCALE)
        assert done.returncode == 2 and no_traceback(done), said(done)
        assert "reads file names as ascii" in said(done) or "reads names as ascii" in said(done)
        assert "PYTHONUTF8=1" in said(done)
        assert b"not UTF-8" not in done.stdout and b"REFUSED" not in done.stdout
    done = cli("check", raw / "2024" / "b.txt", env=C_LOCALE)  # ASCII names only: as ever
    assert done.returncode == 0, said(done)


@POSIX_ONLY
def test_a_chinese_path_argument_under_a_c_locale_is_a_wrong_argument_for_every_command(tmp_path: Path) -> None:
    """`serve` and `deploy` pass their folders on as text (to Prefect): a misread name went with them."""
    folder = tmp_path / "数据"
    department_table(folder / "2024", "a.txt")
    for command in (["check", folder], ["load", folder, "-w", tmp_path / "wh.duckdb"], ["serve", folder]):
        done = cli(*command, env=C_LOCALE)
        assert done.returncode == 2 and "this process reads names as ascii" in said(done), said(done)
    assert not (tmp_path / "wh.duckdb").exists()


# ---- check as a load sees the files --------------------------------------------------------------------------------


@POSIX_ONLY
def test_check_of_paths_that_are_not_there_is_a_wrong_argument_as_for_a_load(tmp_path: Path) -> None:
    """'REFUSED /x (bad_input): cannot read file: No such file or directory', exit 3: a typo read as a bad table."""
    (tmp_path / "loop").symlink_to("loop")
    long_name = tmp_path / ("x" * 300)
    for path, words in (
        (tmp_path / "nope", "source path(s) not found"),
        (tmp_path / "loop", "Too many levels of symbolic links"),
        (long_name, "File name too long"),
    ):
        done = cli("check", path)
        assert (done.returncode, words in said(done), done.stdout) == (2, True, b""), said(done)
        done = cli("load", path, "-w", tmp_path / "wh.duckdb", "-q")  # Path.exists raised on the last: exit 1
        assert done.returncode == 2 and words in said(done) and no_traceback(done), said(done)


def test_run_load_names_a_path_it_cannot_look_at(tmp_path: Path) -> None:
    with pytest.raises(SourceMissing, match=r"cannot be read: .*File name too long"):
        run_load([tmp_path / ("x" * 300)], tmp_path / "wh.duckdb")


@POSIX_ONLY
def test_check_says_what_it_could_not_walk_and_that_it_found_nothing(tmp_path: Path) -> None:
    """Both were silent, exit 0: an empty mount point, or a share linked in and gone, checked clean."""
    raw = tmp_path / "raw"
    department_table(raw / "2024", "a.txt")
    (raw / "2024" / "share").symlink_to(tmp_path / "unmounted")
    done = cli("check", raw)
    assert done.returncode == 0 and f"could not read {raw / '2024' / 'share'} (No such file or directory)" in said(done)
    (tmp_path / "empty").mkdir()
    done = cli("check", tmp_path / "empty")
    assert done.returncode == 0 and "no table files (.txt" in said(done) and str(tmp_path / "empty") in said(done)


@POSIX_ONLY
def test_check_shows_a_name_s_control_characters_escaped(tmp_path: Path) -> None:
    """A file named with ESC ] 0 ; … BEL retitled the terminal, one with a line break split its line in two."""
    raw = tmp_path / "raw"
    department_table(raw / "2024", "esc\x1b]0;owned\x07.txt")
    department_table(raw / "2024", "new\nline.txt", "广州市天河区乙局")
    done = cli("check", raw)
    assert done.returncode == 0, said(done)
    lines = done.stdout.decode("utf-8").splitlines()
    assert len(lines) == 2 and b"\x1b" not in done.stdout and b"\x07" not in done.stdout
    assert "esc\\x1b]0;owned\\x07.txt" in lines[0] and "new\\nline.txt" in lines[1]


# ---- a warehouse that cannot be written ----------------------------------------------------------------------------


@POSIX_ONLY
def test_a_warehouse_in_a_folder_that_cannot_be_written_is_a_wrong_argument(tmp_path: Path) -> None:
    """It failed on its lock file: 'load failed: PermissionError: … .lock' (exit 1), `db upgrade` alike; now one line
    naming the folder, exit 2, before anything is made (a missing folder below it, the run's record)."""
    raw, folder = two_years(tmp_path), tmp_path / "wh"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        for command in (["load", raw, "-q"], ["db", "upgrade"]):
            for warehouse in (folder / "wh.duckdb", folder / "new" / "wh.duckdb"):
                done = cli_as_user(*command, "-w", warehouse)
                assert done.returncode == 2 and no_traceback(done), said(done)
                assert f"the folder {folder} is not writable (Permission denied)" in said(done)
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


def test_an_unwritable_warehouse_is_refused_before_the_lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The library's own check (run_load, upgrade), whatever runs it: a read-only mount or another user's file."""
    raw = two_years(tmp_path)
    monkeypatch.setattr(backend.os, "access", lambda path, mode: False)
    for warehouse in (tmp_path / "wh.duckdb", tmp_path / "sub" / "wh.duckdb"):
        with pytest.raises(WarehouseUnwritable, match=f"the folder {tmp_path} is not writable"):
            run_load([raw], warehouse)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]
    monkeypatch.undo()
    assert run_load([raw], tmp_path / "wh.duckdb").exit_code == 0
    monkeypatch.setattr(backend.os, "access", lambda path, mode: Path(path) != tmp_path / "wh.duckdb")
    with pytest.raises(WarehouseUnwritable, match=r"wh\.duckdb cannot be written"):
        refuse_before_writing(tmp_path / "wh.duckdb")


def test_a_file_that_is_no_warehouse_gets_no_lock_file_beside_it(tmp_path: Path) -> None:
    """-w notes.txt (a file of someone's): exit 2 'not a DuckDB database file', and a notes.txt.lock left beside it."""
    notes = tmp_path / "notes.txt"
    notes.write_text("not a warehouse", encoding="utf-8")
    done = cli("load", two_years(tmp_path / "src"), "-w", notes, "-q")
    assert done.returncode == 2 and "not a DuckDB database file" in said(done)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt", "src"]


@POSIX_ONLY
def test_out_and_warehouse_paths_that_cannot_be_used_are_wrong_arguments(tmp_path: Path) -> None:
    """Each failed after the warehouse was read (exit 1) or, below a folder that may not be searched, in the option's
    parser with a traceback."""
    warehouse = tmp_path / "wh.duckdb"
    assert cli("load", two_years(tmp_path), "-w", warehouse, "-q").returncode == 0
    read_only, closed = tmp_path / "ro", tmp_path / "closed"
    read_only.mkdir()
    (closed / "inner").mkdir(parents=True)
    (tmp_path / "gone").symlink_to(tmp_path / "nothing-here")
    cases = [
        (["--out", read_only / "out"], f"the folder {read_only} is not writable (Permission denied)"),
        (["--out", read_only], f"the folder {read_only} is not writable"),
        (["--out", closed / "inner" / "out"], "cannot be looked at: Permission denied"),
        (["--out", tmp_path / "gone"], "which is not there (or a link loop)"),
        (["--out", tmp_path / ("o" * 300)], "is longer than the 255 bytes a name can have"),
        (["--out", tmp_path / "out", "-w", closed / "inner" / "wh.duckdb"], "cannot be looked at: Permission denied"),
        (["-w", tmp_path / ("w" * 300 + ".duckdb")], "is longer than the 255 bytes a name can have"),
    ]
    read_only.chmod(0o555)
    closed.chmod(0)
    try:
        for given, words in cases:
            options = given if "-w" in given else [*given, "-w", warehouse]
            done = cli_as_user("audit", *options)
            assert done.returncode == 2 and no_traceback(done) and words in said(done), (given, said(done))
    finally:
        read_only.chmod(0o755)
        closed.chmod(0o755)
    assert list(read_only.iterdir()) == [] and not (tmp_path / "nothing-here").exists()


def test_a_warehouse_variable_naming_a_folder_is_a_wrong_argument(tmp_path: Path) -> None:
    """$JIXIAO_WAREHOUSE=/srv/data (a folder) was not checked as -w is: DuckDB's error, exit 1."""
    done = cli("runs", env={"JIXIAO_WAREHOUSE": str(tmp_path)})
    assert done.returncode == 2 and f"$JIXIAO_WAREHOUSE: {tmp_path} is a folder" in said(done)


# ---- jixiao's own outputs in a folder that loads walk --------------------------------------------------------------


def test_reports_written_into_a_source_folder_are_not_loaded_as_tables(tmp_path: Path) -> None:
    """They were refused on every later load ('not_a_target_table', exit 3) and by check. Now a walk passes over the
    files report and audit write (by their whole name); a file named on the command line is still read."""
    raw, warehouse = two_years(tmp_path), tmp_path / "wh.duckdb"
    assert cli("load", raw, "-w", warehouse, "-q").returncode == 0
    report = ["report", "--department", DEPARTMENT, "--from", "2023", "--to", "2024", "--out", raw / "2024"]
    for command in (report, ["audit", "--out", raw], ["audit", "--department", DEPARTMENT, "--out", raw / "2023"]):
        assert cli(*command, "-w", warehouse).returncode == 0
    written = sorted(p for p in raw.rglob("*") if p.suffix in (".html", ".xlsx"))
    assert len(written) == 6 and all(is_own_output(p.name) for p in written)
    done = cli("load", raw, "-w", warehouse, "-q")
    assert (done.returncode, said(done)) == (0, ""), said(done)
    assert query(warehouse, "SELECT count(*) FROM load_log WHERE status = 'refused'") == [(0,)]
    done = cli("load", raw, "-w", warehouse, "--json")  # passed over, but said: nothing under the sources goes unsaid
    run = json.loads(done.stdout)
    assert run["own_outputs"] == [str(p) for p in written]
    assert "6 jixiao report or audit file(s) under the sources not read" in run["message"]
    assert [p.name for p in discover([raw])] == ["tianhe-sfj.txt", "tianhe-sfj.txt"]
    assert cli("check", raw).returncode == 0
    assert cli("check", written[0]).returncode == 3  # named: read, and refused as what it is


@pytest.mark.parametrize(
    "name",
    ["report-x-1234567-2023-2024.html", "report-x-12345678-2023-2024.txt", "report-_x-12345678-2023-2024.html",
     "audit-all-2024.csv", "report-2023.html", "my-report-x-12345678-2023-2024.html", "audit-x-12345678-24.xlsx"],
)  # fmt: skip
def test_only_jixiaos_own_output_names_are_passed_over(name: str) -> None:
    assert not is_own_output(name)


def test_every_name_report_and_audit_write_is_recognised() -> None:
    from etl.settings import audit_stem as _stem
    from etl.settings import report_stem

    for department in (DEPARTMENT, "a.b c", "", "!!!", "区" * 100, "x_y", "广州市<script>局"):
        for stem in (report_stem(department, 2023, 2024), _stem(department, 2024), _stem(department, None)):
            assert is_own_output(stem + ".html") and is_own_output(stem + ".xlsx"), stem
    assert is_own_output(_stem(None, None) + ".xlsx") and is_own_output(_stem(None, 2024) + ".html")


# ---- runs, pipes and signals ---------------------------------------------------------------------------------------


def test_runs_while_a_load_creates_the_warehouse_says_busy_not_missing(tmp_path: Path) -> None:
    """'no warehouse at X: load some tables first' (exit 2) while a load held X and had not published it yet."""
    from etl.warehouse.connect import writing

    warehouse = tmp_path / "wh.duckdb"
    with writing(warehouse, 0):
        done = cli("runs", "-w", warehouse)
    assert done.returncode == 7 and "has no published copy yet" in said(done), said(done)


@POSIX_ONLY
def test_runs_in_a_read_only_folder_without_a_published_copy_reads_the_working_file(tmp_path: Path) -> None:
    """'no warehouse at X' (exit 2) of a warehouse that was there, its lock file not this user's to open."""
    folder = tmp_path / "wh"
    assert cli("load", two_years(tmp_path), "-w", folder / "wh.duckdb", "-q").returncode == 0
    (folder / "wh.published.duckdb").unlink()
    (folder / "wh.duckdb.lock").chmod(0o444)  # another user's lock file: it cannot be opened to take the lock
    folder.chmod(0o555)
    try:
        done = cli_as_user("runs", "-w", folder / "wh.duckdb")
    finally:
        folder.chmod(0o755)
    assert done.returncode == 0 and b"run 1 " in done.stdout and b"read-only" in done.stdout, said(done)


SLOW_WORKBOOK = """
import sys, time
from etl.report import audit, render
def slow(*args, **kwargs):
    print("writing", file=sys.stderr, flush=True)
    time.sleep(60)
render.workbook = audit.workbook = slow
from etl.cli.app import main
if __name__ == "__main__":
    sys.argv = ["jixiao", *sys.argv[1:]]
    main()
"""


@POSIX_ONLY
@pytest.mark.parametrize("command", ["report", "audit"])
def test_sigterm_while_a_report_is_written_leaves_no_temporary_file(tmp_path: Path, command: str) -> None:
    """SIGTERM (a scheduler's cancel) ended the process at once: .report-….html.<pid>.<hex>.tmp stayed in --out."""
    warehouse, out, script = tmp_path / "wh.duckdb", tmp_path / "out", tmp_path / "slow.py"
    assert cli("load", two_years(tmp_path), "-w", warehouse, "-q").returncode == 0
    script.write_text(textwrap.dedent(SLOW_WORKBOOK), encoding="utf-8")
    options = {"report": ["--department", DEPARTMENT, "--from", "2023", "--to", "2024"], "audit": []}[command]
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    with subprocess.Popen([sys.executable, script, command, *options, "-w", warehouse, "--out", out], cwd=tmp_path,
                          env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:  # fmt: skip
        assert process.stderr.readline() == b"writing\n"
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 143 and f"{command} interrupted (SIGTERM)".encode() in stderr
    assert list(out.iterdir()) == []


@POSIX_ONLY
def test_a_reader_that_goes_away_fails_no_load_and_keeps_exit_codes(tmp_path: Path) -> None:
    """`jixiao load … 2>&1 | head -1`: the progress line after head left raised BrokenPipeError inside the run, which
    was recorded failed (exit 1) with its tables committed; `| head` on stdout made a clean load exit 1 (Rich's
    SystemExit) and a check that found a refusal exit 1."""
    raw, warehouse = tmp_path / "raw", tmp_path / "wh.duckdb"
    for i in range(6):
        department_table(raw / "2024", f"t{i}.txt", f"广州市天河区局{i}")
    done = shell(f"jixiao load {raw} -w {warehouse} --batch-size 1 --workers 1 2>&1 | head -1; "
                 "exit ${PIPESTATUS[0]}")  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert query(warehouse, "SELECT outcome, n_loaded FROM load_run") == [("succeeded", 6)]
    (raw / "2024" / "t9.txt").write_text("项目名称\n", encoding="utf-8")
    done = shell(f"jixiao load {raw} -w {warehouse} --full 2>/dev/null | head -1; exit ${{PIPESTATUS[0]}}")
    assert done.returncode == 3, done.stderr
    done = shell(f"jixiao check {raw} | head -1; exit ${{PIPESTATUS[0]}}")
    assert done.returncode == 3 and no_traceback(done), done.stderr


@POSIX_ONLY
def test_output_to_a_full_disk_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    raw, warehouse = two_years(tmp_path), tmp_path / "wh.duckdb"
    assert cli("load", raw, "-w", warehouse, "-q").returncode == 0
    for command in (f"jixiao runs -w {warehouse}", f"jixiao check {raw}", f"jixiao load {raw} -w {warehouse} --json"):
        done = shell(command + " > /dev/full")
        assert done.returncode == 1 and no_traceback(done), done.stderr
        assert b"could not write the output: [Errno 28] No space left on device" in done.stderr


# ---- the environment -----------------------------------------------------------------------------------------------


def test_a_prefect_api_url_that_is_no_url_is_a_wrong_setting(tmp_path: Path) -> None:
    """'load failed: RuntimeError: Failed to reach API at garbage/' (exit 1), after importing Prefect."""
    done = cli("load", two_years(tmp_path), "-w", tmp_path / "wh.duckdb", env={"PREFECT_API_URL": "garbage"})
    assert done.returncode == 2 and "PREFECT_API_URL=garbage is not an http(s) URL" in said(done), said(done)
    assert not (tmp_path / "wh.duckdb").exists()


@pytest.mark.slow
def test_a_prefect_api_url_that_answers_nothing_says_how_to_run_without_it(tmp_path: Path) -> None:
    done = cli(
        "load", two_years(tmp_path), "-w", tmp_path / "wh.duckdb", env={"PREFECT_API_URL": "http://127.0.0.1:9/api"}
    )
    assert done.returncode == 1 and "Failed to reach API" in said(done) and "--no-prefect" in said(done), said(done)


def test_markdown_printed_shows_c1_controls_escaped(tmp_path: Path) -> None:
    """A project printed with U+009B (C1's CSI: ESC [ to a terminal reading 8-bit controls) went raw to stdout."""
    raw, warehouse = two_years(tmp_path), tmp_path / "wh.duckdb"
    path = raw / "2024" / "tianhe-sfj.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("律师管理业务经费", "律师管理\x9b31m业务经费"), "utf-8")
    assert cli("load", raw, "-w", warehouse, "-q").returncode == 0
    done = cli("report", "--department", DEPARTMENT, "--from", "2023", "--to", "2024", "-w", warehouse,
               "--out", tmp_path / "out")  # fmt: skip
    assert done.returncode == 0 and "\x9b".encode() not in done.stdout and b"\\x9b31m" in done.stdout
    assert "\x9b" in next((tmp_path / "out").glob("*.md")).read_text(encoding="utf-8")  # the file keeps the name


def test_ordinary_names_are_never_own_outputs() -> None:
    """The walk asks is_own_output of every supported name; a table's name never is one (its cost is the benchmark's
    to measure: the no-op re-run over L, not a timed test)."""
    names = [f"tianhe-{i}.txt" for i in range(1_000)] + ["report.html", "audit.xlsx", "report-2024.html"]
    assert not any(map(is_own_output, names))


def test_a_signal_an_earlier_command_noted_is_not_this_command_s(tmp_path: Path) -> None:
    """In one process (the tests, a caller of the CLI), Ctrl-C noted by an earlier load stayed noted: `runs` of a
    warehouse that is not there said 'runs interrupted (Ctrl-C)', exit 130 (test_postgres failed so, by order)."""
    from typer.testing import CliRunner

    from etl.cli.app import app
    from etl.load import interrupt

    interrupt._seen.set()  # as _on_signal leaves it after a load's Ctrl-C
    result = CliRunner().invoke(app, ["runs", "-w", str(tmp_path / "nowhere.duckdb")])
    assert result.exit_code == 2 and "no warehouse at" in result.output, result.output
