"""Round 33, the command line's hunt (each test failed before its fix).

- report's and audit's three files: a folder named as one of them (an old ``audit-all-all.xlsx/``) failed the third
  rename after the first two had replaced the old files (exit 1, a mixed set); it is now exit 2 before anything is
  written, and a rename that fails puts back the files already replaced.
- ``load --prefect`` and ``serve`` whose watchdog process could not start (a process limit, an interpreter this user
  may not run) printed a traceback: one line, exit 1.
- a cache folder that exists but cannot be written (a read-only mount) failed every load of a new warehouse (DuckDB's
  IO Error, exit 1): the new file is migrated where it is, as when the folder cannot be made.
- ``-w newfolder/`` (a folder not there yet) made a FILE named newfolder: exit 2, as for a folder that is there.
- ``load --json`` that ended in an error (a source path not there, a file that is no warehouse, a busy warehouse, an
  unexpected failure) wrote nothing on stdout: one JSON document now, its exit code, its line and the run's id.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli.app import app
from etl.load.run import run_load
from tests.paths import SAMPLE


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("loaded")
    raw = folder / "raw" / "2024"
    raw.mkdir(parents=True)
    (raw / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    warehouse = folder / "wh.duckdb"
    assert run_load([folder / "raw"], warehouse).exit_code == 0
    return warehouse


def flat(text: str) -> str:
    """stderr as one line (Typer's error box and its wrapping taken out)."""
    return " ".join(re.sub(r"[│╭╮╰╯─]+", " ", text).split())


def one_line(text: str) -> bool:
    return len(text.strip().splitlines()) == 1 and "Traceback" not in text


# ---- 1. the report's and the audit's files are replaced together, or not at all -----------------------------------


def test_a_folder_named_as_an_output_is_a_wrong_out_and_the_old_set_stays(loaded: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / "audit-all-all.xlsx").mkdir(parents=True)
    for suffix in ("html", "md"):
        (out / f"audit-all-all.{suffix}").write_text("OLD", encoding="utf-8")
    result = CliRunner().invoke(app, ["audit", "-w", str(loaded), "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert "audit-all-all.xlsx is a folder, not a file" in result.stderr and one_line(result.stderr)
    assert [(out / f"audit-all-all.{s}").read_text(encoding="utf-8") for s in ("html", "md")] == ["OLD", "OLD"]
    assert sorted(p.name for p in out.iterdir()) == ["audit-all-all.html", "audit-all-all.md", "audit-all-all.xlsx"]


def test_a_rename_that_fails_half_way_puts_back_the_files_it_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from etl.report import render

    old, new, last = tmp_path / "a.html", tmp_path / "a.xlsx", tmp_path / "a.md"
    old.write_text("OLD html", encoding="utf-8")
    last.write_text("OLD md", encoding="utf-8")
    replace, calls = os.replace, []

    def third_fails(source: str | Path, target: str | Path) -> None:
        calls.append(target)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        replace(source, target)

    monkeypatch.setattr(render.os, "replace", third_fails)
    with pytest.raises(OSError, match="No space left"), render.saved_together(old, new, last) as parts:
        for part in parts:
            part.write_text("NEW", encoding="utf-8")
    assert old.read_text(encoding="utf-8") == "OLD html" and last.read_text(encoding="utf-8") == "OLD md"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.html", "a.md"]  # the new one gone, no backup left


# ---- 2. a watchdog that cannot start -------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["load", "--prefect", "-q"], ["serve"]], ids=["load-prefect", "serve"])
def test_a_watchdog_that_cannot_start_is_one_line_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    from etl.load import children

    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", sys.executable)

    monkeypatch.setattr(children, "_started", {})
    monkeypatch.delenv("JIXIAO_NO_WATCHDOG", raising=False)
    monkeypatch.delenv(children.MARK, raising=False)
    monkeypatch.setattr(children.subprocess, "Popen", refused)
    raw = tmp_path / "raw" / "2024"
    raw.mkdir(parents=True)
    (raw / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    result = CliRunner().invoke(app, [*command, str(tmp_path / "raw"), "-w", str(tmp_path / "wh.duckdb")])
    assert (result.exit_code, type(result.exception)) == (1, SystemExit), result.exception
    assert "the watchdog process could not start (Permission denied)" in result.stderr and one_line(result.stderr)
    assert children.MARK not in os.environ and not (tmp_path / "wh.duckdb").exists()


# ---- 3. a cache folder that cannot be written ----------------------------------------------------------------------


def _read_only(path: Path) -> Exception:
    import duckdb

    return duckdb.IOException(f'IO Error: Cannot open file "{path}": Read-only file system')


@pytest.mark.parametrize("wrapped", [True, False], ids=["sqlalchemy", "duckdb"])
def test_a_cache_folder_that_cannot_be_written_migrates_the_new_warehouse_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wrapped: bool
) -> None:
    """The tests run as root, whom a mode of 0o555 does not stop: the build in the cache fails as DuckDB fails on a
    read-only mount (through SQLAlchemy's engine, as the migrations open it)."""
    import sqlalchemy as sa

    from etl.warehouse import connect

    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(cache))
    migrate, built = connect._alembic_upgrade, []

    def read_only_cache(path: Path) -> None:
        built.append(path)
        if path.parent == cache:
            error = _read_only(path)
            raise sa.exc.OperationalError("connect", {}, error) if wrapped else error
        migrate(path)

    monkeypatch.setattr(connect, "_alembic_upgrade", read_only_cache)
    raw = tmp_path / "raw" / "2024"
    raw.mkdir(parents=True)
    (raw / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    warehouse = tmp_path / "wh.duckdb"
    result = CliRunner().invoke(app, ["load", str(tmp_path / "raw"), "-w", str(warehouse), "-q"])
    assert result.exit_code == 0, result.output
    assert [p.parent for p in built] == [cache, tmp_path] and list(cache.iterdir()) == []


# ---- 4. a warehouse named as a folder ------------------------------------------------------------------------------


@pytest.mark.parametrize("ending", ["/", "/."])
def test_a_warehouse_named_as_a_folder_not_there_yet_is_a_wrong_argument(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ending: str
) -> None:
    raw = tmp_path / "raw" / "2024"
    raw.mkdir(parents=True)
    (raw / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    given = f"{tmp_path / 'wh'}{ending}"
    result = CliRunner().invoke(app, ["load", str(tmp_path / "raw"), "-w", given, "-q"])
    assert result.exit_code == 2 and "names a folder: name the warehouse file in it" in flat(result.stderr), (
        result.output
    )
    monkeypatch.setenv("JIXIAO_WAREHOUSE", given)
    result = CliRunner().invoke(app, ["runs"])
    assert result.exit_code == 2 and "$JIXIAO_WAREHOUSE:" in flat(result.stderr), result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["raw"]


# ---- 5. load --json on an error exit -------------------------------------------------------------------------------


def _raw(tmp_path: Path) -> Path:
    raw = tmp_path / "raw" / "2024"
    raw.mkdir(parents=True)
    (raw / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    return tmp_path / "raw"


def test_load_json_that_fails_is_one_json_document_naming_its_run(loaded: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["load", str(tmp_path / "nowhere"), "-w", str(loaded), "--json"])
    document = json.loads(result.stdout)
    assert (result.exit_code, document["exit_code"]) == (2, 2)
    assert document["message"] == "load: source path(s) not found: " + str(tmp_path / "nowhere")
    assert one_line(result.stderr) and document["message"] in result.stderr
    runs = CliRunner().invoke(app, ["runs", "-w", str(loaded), "--limit", "1"])
    assert f"run {document['run_id']}" in runs.stdout and isinstance(document["run_id"], int), runs.stdout


def test_load_json_refused_before_a_run_names_no_run(tmp_path: Path) -> None:
    junk = tmp_path / "junk.duckdb"
    junk.write_bytes(b"not a database " * 400)
    result = CliRunner().invoke(app, ["load", str(_raw(tmp_path)), "-w", str(junk), "--json"])
    assert json.loads(result.stdout) == {
        "exit_code": 2,
        "message": f"load: {junk} is not a jixiao warehouse: not a DuckDB database file; pass --warehouse",
        "run_id": None,
    }
    assert result.exit_code == 2 and one_line(result.stderr)


@pytest.mark.parametrize(("error", "code"), [("busy", 7), ("unexpected", 1)])
def test_load_json_busy_or_failed_unexpectedly_is_one_json_document(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: str, code: int
) -> None:
    from etl.cli import run_output
    from etl.warehouse.locking import WarehouseBusy

    def fails(*args: object, **kwargs: object) -> None:
        raise WarehouseBusy("the warehouse is in use by another process") if error == "busy" else RuntimeError("boom")

    monkeypatch.setattr(run_output, "run", fails)
    result = CliRunner().invoke(app, ["load", str(_raw(tmp_path)), "-w", str(tmp_path / "wh.duckdb"), "--json"])
    document = json.loads(result.stdout)
    assert (result.exit_code, document["exit_code"], document["run_id"]) == (code, code, None)
    assert document["message"] in result.stderr and one_line(result.stderr)
