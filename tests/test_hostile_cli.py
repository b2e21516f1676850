"""Command-line arguments a hostile tester tried: names that are not UTF-8, empty --warehouse / --out, a backslash
in the warehouse path, and read commands pointed at a file that is no jixiao warehouse. Each is a clear exit 2 (or
a refusal of that one file), never exit 1 with DuckDB's words, and nothing is written where it should not be."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from etl.cli.app import app
from etl.warehouse.backend import UnsupportedWarehouse, resolve
from etl.warehouse.connect import NotAWarehouse, connect, head_revision
from tests.paths import PROJECT_ROOT

POSIX_ONLY = pytest.mark.skipif(os.name == "nt", reason="POSIX file names are bytes; a backslash is no separator")
DEPARTMENT = "广州市天河区司法局"
REPORT = ["report", "--department", DEPARTMENT, "--from", "2023", "--to", "2024"]


def jixiao(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def _latin1_name(folder: Path, name: bytes) -> Path:
    """A path under folder whose last part is the given bytes (not UTF-8), as Python hands it on (surrogates)."""
    return Path(os.fsdecode(os.fsencode(folder) + b"/" + name))


def _said(result: object) -> str:
    """What a command printed with the wrapping of Typer's error box taken out (no spaces, no box lines)."""
    return re.sub(r"[\s│╭╮╰╯─]+", "", result.output)  # type: ignore[attr-defined]


def _entries(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


@pytest.fixture
def loaded(sample_copy: Path, tmp_path: Path) -> Path:
    """A warehouse the sample was loaded into (exit 0)."""
    warehouse = tmp_path / "wh" / "jixiao.duckdb"
    assert jixiao("load", str(sample_copy), "-w", str(warehouse), "--quiet").exit_code == 0
    return warehouse


# 1. names that are not UTF-8


@POSIX_ONLY
def test_a_file_named_on_the_command_line_that_is_not_utf8_is_refused_alone(sample_copy: Path, tmp_path: Path) -> None:
    """It failed the whole run in start_run ('cannot encode str as UTF-8', exit 1), unrecorded, nothing loaded."""
    odd = _latin1_name(tmp_path / "f" / "2024", b"lat\xe9.txt")
    odd.parent.mkdir(parents=True)
    shutil.copy(sample_copy, odd)
    warehouse = tmp_path / "wh.duckdb"
    result = jixiao("load", str(sample_copy), str(odd), "-w", str(warehouse))
    assert result.exit_code == 3, result.output
    assert "lat\\xe9.txt" in result.output and "not UTF-8" in result.output and "\udce9" not in result.output
    with connect(warehouse, read_only=True) as con:
        assert con.execute("SELECT status, source_path FROM load_log").fetchall() == [("loaded", str(sample_copy))]
        outcome, paths = con.execute("SELECT outcome, source_paths FROM load_run").fetchone()
    assert outcome == "succeeded" and paths.splitlines() == [str(sample_copy), f"{tmp_path}/f/2024/lat\\xe9.txt"]


@POSIX_ONLY
def test_check_refuses_a_file_whose_name_is_not_utf8_as_a_load_would(sample_copy: Path, tmp_path: Path) -> None:
    """`check` (a dry run of a load) said OK for it, while the load refuses it."""
    odd = _latin1_name(tmp_path / "f" / "2024", b"lat\xe9.txt")
    odd.parent.mkdir(parents=True)
    shutil.copy(sample_copy, odd)
    result = jixiao("check", str(tmp_path / "f"))
    assert result.exit_code == 3, result.output
    assert result.output.startswith("REFUSED") and "lat\\xe9.txt" in result.output and "not UTF-8" in result.output


@POSIX_ONLY
def test_a_missing_path_that_is_not_utf8_is_not_found_and_the_run_recorded(tmp_path: Path) -> None:
    """It ended in exit 1 (the run could not even be recorded), not the usual 'source path(s) not found' exit 2."""
    warehouse = tmp_path / "wh.duckdb"
    result = jixiao("load", str(_latin1_name(tmp_path, b"nope\xe9")), "-w", str(warehouse))
    assert result.exit_code == 2, result.output
    assert "source path(s) not found" in result.output and "nope\\xe9" in result.output
    with connect(warehouse, read_only=True) as con:
        outcome, message = con.execute("SELECT outcome, message FROM load_run").fetchone()
    assert outcome == "failed" and "SourceMissing" in message and "nope\\xe9" in message


@POSIX_ONLY
def test_a_folder_that_is_not_utf8_gives_a_json_summary_that_is_utf8(tmp_path: Path) -> None:
    """The message named the folder in raw bytes on stdout: the --json document was no UTF-8 JSON any more (argv
    through the OS, stdout as bytes: what CliRunner cannot show)."""
    folder = os.fsencode(tmp_path) + b"/empt\xe9"
    os.mkdir(folder)
    done = subprocess.run(
        [sys.executable, "-m", "etl.cli", "load", folder, "-w", str(tmp_path / "wh.duckdb"), "--json"],
        capture_output=True,
        cwd=PROJECT_ROOT,
        env={k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"},
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.decode("utf-8"))
    assert summary["outcome"] == "unchanged" and "empt\\xe9" in summary["message"]


@pytest.mark.parametrize("command", [[*REPORT], ["audit"]])
def test_a_department_that_is_not_utf8_is_a_wrong_argument(command: list[str], loaded: Path, tmp_path: Path) -> None:
    """Both ended in DuckDB's conversion error, exit 1."""
    result = jixiao(*command, "--department", "\udcff", "-w", str(loaded), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "notUTF-8" in _said(result) and "\\xff" in _said(result)
    assert "JIXIAO_DEBUG" not in result.output and not (tmp_path / "o").exists()


@POSIX_ONLY
@pytest.mark.parametrize("command", [["load"], ["runs"], ["db", "upgrade"], ["audit"]])
def test_a_warehouse_path_that_is_not_utf8_is_a_wrong_argument(
    command: list[str], sample_copy: Path, tmp_path: Path
) -> None:
    """'RuntimeError: std::bad_cast' (exit 1), after the lock file was made beside it."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    args = [*command, str(sample_copy)] if command == ["load"] else command
    result = jixiao(*args, "-w", str(_latin1_name(scratch, b"w\xe9.duckdb")))
    assert result.exit_code == 2 and "notUTF-8" in _said(result) and "w\\xe9.duckdb" in _said(result)
    assert _entries(scratch) == []


# 2. an empty --warehouse or --out


@pytest.mark.parametrize("command", [["load", "SRC"], ["runs"], ["db", "upgrade"], [*REPORT], ["audit"]])
def test_an_empty_warehouse_is_a_wrong_argument_not_the_default(
    command: list[str], sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--warehouse "$WH"` with WH unset wrote ./warehouse/jixiao.duckdb (exit 0): a script's typo loaded into the
    default, production, warehouse."""
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.delenv("JIXIAO_WAREHOUSE", raising=False)
    args = [str(sample_copy) if a == "SRC" else a for a in command]
    result = jixiao(*args, "--warehouse", "")
    assert result.exit_code == 2 and "anemptypath" in _said(result), result.output
    assert _entries(here) == []


@pytest.mark.parametrize("command", [[*REPORT], ["audit"]])
def test_an_empty_out_is_a_wrong_argument_not_this_folder(
    command: list[str], loaded: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--out ""` wrote the .html, .xlsx and .md files into the current folder."""
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    result = jixiao(*command, "-w", str(loaded), "--out", "")
    assert result.exit_code == 2 and "anemptypath" in _said(result)
    assert _entries(here) == []


# 3. a backslash in the warehouse path


@POSIX_ONLY
def test_a_backslash_in_the_warehouse_path_is_refused_before_anything_is_made(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB reads a backslash as a folder separator: '/x/back\\slash.duckdb' failed as 'Cannot open file
    "/x/back/slash.duckdb"' (exit 1) and left the lock file behind; with a /x/back/slash.duckdb there, DuckDB would
    have opened that one."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    odd = scratch / "back\\slash.duckdb"
    result = jixiao("load", str(sample_copy), "--warehouse", str(odd))
    assert result.exit_code == 2 and "backslash" in _said(result), result.output
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(odd))
    from_env = jixiao("runs")
    assert from_env.exit_code == 2 and "$JIXIAO_WAREHOUSE:" in _said(from_env) and "backslash" in _said(from_env)
    assert _entries(scratch) == []
    with pytest.raises(UnsupportedWarehouse, match="backslash"):  # the library refuses it too (flows, scripts)
        resolve(odd)


# 4. read commands pointed at a file that is no jixiao warehouse


def _empty(path: Path) -> None:
    duckdb.connect(str(path)).close()


def _own_load_log(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE load_log (note VARCHAR)")
        con.execute("INSERT INTO load_log VALUES ('mine')")


def _not_duckdb(path: Path) -> None:
    path.write_text("a text file, not a database\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (_empty, "run `jixiao load`"),
        (_own_load_log, "is not a jixiao warehouse: it holds tables of its own (load_log)"),
        (_not_duckdb, "is not a jixiao warehouse: not a DuckDB database file"),
    ],
)
@pytest.mark.parametrize("command", [["runs"], [*REPORT], ["audit"]])
def test_a_read_command_leaves_a_file_that_is_no_warehouse_as_it_is(
    command: list[str], make: object, said: str, tmp_path: Path
) -> None:
    """`runs` created jixiao's 14 tables in an empty or unrelated DuckDB file, and failed with 'Table with name
    load_log already exists' on one with a load_log of its own (exit 1); report and audit said 'run `jixiao load`'
    of any file, and exit 1 for one that is not DuckDB's."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    other = scratch / "other.duckdb"
    make(other)  # type: ignore[operator]
    before = other.read_bytes()
    out = [] if command == ["runs"] else ["--out", str(tmp_path / "o")]
    result = jixiao(*command, "-w", str(other), *out)
    assert result.exit_code == 2 and said in result.output.replace("\n", " "), result.output
    assert other.read_bytes() == before and _entries(scratch) == ["other.duckdb"]
    assert not (tmp_path / "o").exists()


def _newer_revision(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE alembic_version (version_num VARCHAR)")
        con.execute("INSERT INTO alembic_version VALUES ('9999_from_the_future')")


def _own_dim_project(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        con.execute("CREATE TABLE dim_project (x VARCHAR)")


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (_own_load_log, "is not a jixiao warehouse: it holds tables of its own (load_log)"),
        (_own_dim_project, "is not a jixiao warehouse: it holds tables of its own (dim_project)"),
        (_newer_revision, "its schema revision '9999_from_the_future' is none this installation knows"),
        (_not_duckdb, "is not a jixiao warehouse: not a DuckDB database file"),
    ],
)
def test_a_load_leaves_a_file_that_is_no_warehouse_as_it_is(
    sample_copy: Path, make: object, said: str, tmp_path: Path
) -> None:
    """`load` made jixiao's tables in someone else's DuckDB file, or failed on a table name it shares ("Table with
    name dim_project already exists") or on a revision it does not know (Alembic's "Can't locate revision"), exit 1.
    Now: exit 2 with what the file is, and the file's bytes as they were."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    other = scratch / "other.duckdb"
    make(other)  # type: ignore[operator]
    before = other.read_bytes()
    result = jixiao("load", str(sample_copy), "-w", str(other), "--quiet")
    assert result.exit_code == 2 and said in result.output.replace("\n", " "), result.output
    assert other.read_bytes() == before


def test_an_empty_duckdb_file_is_made_a_warehouse(sample_copy: Path, tmp_path: Path) -> None:
    """What the check keeps: a DuckDB file with nothing in it is a new warehouse."""
    target = tmp_path / "new.duckdb"
    duckdb.connect(str(target)).close()
    assert jixiao("load", str(sample_copy), "-w", str(target), "--quiet").exit_code == 0
    with connect(target, read_only=True, published=False) as con:
        assert con.execute("SELECT count(*) FROM dim_project").fetchone()[0] == 22


def test_the_demo_query_refuses_a_file_that_is_no_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """python -m etl.cli.sql (scripts/demo.sh) reads through the same check."""
    from etl.cli import sql

    other = tmp_path / "other.duckdb"
    _own_load_log(other)
    monkeypatch.setenv("JIXIAO_WAREHOUSE", str(other))
    with pytest.raises(NotAWarehouse, match="tables of its own"):
        sql.main("SELECT * FROM load_log")


def test_runs_still_brings_a_jixiao_warehouse_of_an_older_revision_to_head(loaded: Path) -> None:
    """What the check keeps: a real warehouse (it has alembic_version) is read as before, migrated when behind,
    since `runs` closes runs whose process is gone in the working copy (README: Nightly operation)."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    from etl.settings import MIGRATIONS_DIR

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = sa.create_engine(f"duckdb:///{loaded}", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0013")
            conn.commit()
    finally:
        engine.dispose()
    result = jixiao("runs", "-w", str(loaded))
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("run 1 ") and "succeeded" in result.output
    with connect(loaded, read_only=True, published=False) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head_revision()


def test_quiet_names_a_table_that_loaded_with_rows_rejected(tmp_path: Path) -> None:
    """`load -q` (problems only) said nothing of a table that reconciled but left an indicator out (load_reject)."""
    sample = PROJECT_ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt"
    (folder := tmp_path / "raw" / "2024").mkdir(parents=True)
    text = sample.read_text(encoding="utf-8").replace("实施周期指标值:≥8；年度指标值:≥8。", "坏", 1)
    (folder / "t.txt").write_text(text, encoding="utf-8")
    result = jixiao("load", str(folder.parent), "-w", str(tmp_path / "w.duckdb"), "-q")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert result.output.splitlines() == [  # type: ignore[attr-defined]
        f"1 row(s) rejected in {folder / 't.txt'}: see load_reject (load_id 1)"
    ]


def test_control_characters_and_markdown_in_names_reach_the_audit_and_report_files_harmless(tmp_path: Path) -> None:
    """A BEL in a project name (a Word .doc text dump's cell end) failed `jixiao audit` for every department (openpyxl
    refuses it); a department named with Markdown or HTML went raw into the .md files' headings and cells."""
    sample = PROJECT_ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt"
    named = "广州市<b>天河</b>区**司法**局_[x](javascript:1)"
    text = sample.read_text(encoding="utf-8").replace("业务装备购置经费", "业务装备\x07购置经费", 1)
    for year in (2023, 2024):
        (folder := tmp_path / "raw" / str(year)).mkdir(parents=True)
        (folder / "t.txt").write_text(text.replace("广州市天河区司法局", named), encoding="utf-8")
    warehouse, out = str(tmp_path / "w.duckdb"), tmp_path / "out"
    assert jixiao("load", str(tmp_path / "raw"), "-w", warehouse, "-q").exit_code == 0  # type: ignore[attr-defined]
    audit = jixiao("audit", "-w", warehouse, "--out", str(out))
    assert audit.exit_code == 0, audit.output  # type: ignore[attr-defined]
    years = ["--from", "2023", "--to", "2024"]
    report = jixiao("report", "-w", warehouse, "--department", named, *years, "--out", str(out))
    assert report.exit_code == 0, report.output  # type: ignore[attr-defined]
    assert len(list(out.glob("audit-*.xlsx"))) == 1 and len(list(out.glob("report-*.xlsx"))) == 1
    for md in out.glob("*.md"):
        text = md.read_text(encoding="utf-8")
        assert "<b>" not in text and "**司法**" not in text and "\x07" not in text
        assert not re.search(r"(?<!\\)\]\(javascript", text)  # [x](javascript:1) escaped, no link
    [report_md] = out.glob("report-*.md")
    assert report_md.read_text(encoding="utf-8").startswith(r"# 广州市&lt;b&gt;天河&lt;/b&gt;区\*\*司法\*\*局_\[x\]")
