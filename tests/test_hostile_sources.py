"""Source folders a run cannot fully read, and a --year that stuck: found by a hostile tester. A folder or link the
walk cannot read (a link to an unmounted share, a link loop, a folder it may not list) was skipped silently, so the
files recorded under it looked deleted and --prune took their facts out; a table loaded with --year was skipped by
every plain run after it, its facts left under that year. Every input here is the real sample, copied (and given
another department's name where a second table is needed) into the test's temporary folder."""

from __future__ import annotations

import errno
import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli.app import app
from etl.extract import discover
from etl.load import incremental
from etl.load import run as load_run
from etl.load.run import run_load
from etl.warehouse.connect import connect


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    with connect(warehouse, read_only=True, published=False) as con:
        return con.execute(sql, params or []).fetchall()


def table(sample_path: Path, target: Path, department: str | None = None) -> Path:
    """The real sample at target; with a department, that department's table (another table of the warehouse)."""
    text = sample_path.read_text(encoding="utf-8")
    if department is not None:
        text = text.replace("部门名称：广州市天河区司法局", f"部门名称：{department}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


def facts_by_year(warehouse: Path) -> list[tuple]:
    return query(warehouse, "SELECT budget_year, count(*) FROM fact_project_budget GROUP BY 1 ORDER BY 1")


@pytest.fixture
def linked_share(sample_path: Path, tmp_path: Path) -> tuple[Path, Path]:
    """src/2023/{a,c}.txt (two departments) and src/2024 a link to share/2024 holding b.txt (the sample): the
    tester's layout, with a second real file so that a file really deleted still has a root holding files."""
    src, share = tmp_path / "src", tmp_path / "share"
    table(sample_path, src / "2023" / "a.txt", "广州市天河区甲局")
    table(sample_path, src / "2023" / "c.txt", "广州市天河区丙局")
    table(sample_path, share / "2024" / "b.txt")
    (src / "2024").symlink_to(share / "2024", target_is_directory=True)
    return src, share


def test_a_dangling_linked_folder_is_not_pruned_and_is_named(
    linked_share: tuple[Path, Path], tmp_path: Path, warehouse: Path
) -> None:
    """The share unmounted (here: moved away), --prune took the facts of b.txt out and said 'disappeared'. Now its
    load stays current and the run names the link it could not follow; a file really deleted beside it (c.txt, in
    a folder the walk read) is still pruned, and b.txt is unchanged once the share is back."""
    src, share = linked_share
    assert run_load([src], warehouse).by_status == {"loaded": 3}
    share.rename(tmp_path / "unmounted")
    (src / "2023" / "c.txt").unlink()
    link, gone = str(src / "2024"), str(src / "2023" / "c.txt")
    for prune in (False, True):
        report = run_load([src], warehouse, prune_disappeared=prune)
        assert report.unreadable == {link: "No such file or directory"}
        assert (report.disappeared, report.pruned) == ([gone], [gone] if prune else [])
        assert f"1 folder(s) or link(s) could not be read (files kept): {link} (No such file or directory)" in (
            report.message()
        )
    assert facts_by_year(warehouse) == [(2023, 22), (2024, 22)]
    assert query(warehouse, "SELECT status FROM load_log WHERE source_path = ?", [link + "/b.txt"]) == [("loaded",)]
    (tmp_path / "unmounted").rename(share)
    back = run_load([src], warehouse, prune_disappeared=True)
    assert (back.unreadable, back.disappeared, back.by_status) == ({}, [], {"unchanged": 2})
    assert facts_by_year(warehouse) == [(2023, 22), (2024, 22)]


def test_a_dangling_link_to_a_file_is_not_pruned(sample_path: Path, tmp_path: Path, warehouse: Path) -> None:
    """A file linked in from a share, not a folder: the link is where the recorded file was, and it cannot be read."""
    src, share = tmp_path / "src", tmp_path / "share"
    table(sample_path, src / "2024" / "a.txt", "广州市天河区甲局")
    (src / "2024" / "b.txt").symlink_to(table(sample_path, share / "b.txt"))
    run_load([src], warehouse)
    shutil.rmtree(share)
    report = run_load([src], warehouse, prune_disappeared=True)
    assert (report.unreadable, report.disappeared) == ({str(src / "2024" / "b.txt"): "No such file or directory"}, [])
    assert facts_by_year(warehouse) == [(2024, 44)]


def test_a_link_loop_is_named_and_prunes_nothing(sample_copy: Path, warehouse: Path) -> None:
    """Two links pointing at each other lead nowhere: the run says so rather than pass over them."""
    root = sample_copy.parent.parent
    (root / "loop-a").symlink_to(root / "loop-b")
    (root / "loop-b").symlink_to(root / "loop-a")
    report = run_load([root], warehouse)
    assert report.by_status == {"loaded": 1}
    assert sorted(report.unreadable) == [str(root / "loop-a"), str(root / "loop-b")]
    assert set(report.unreadable.values()) == {os.strerror(errno.ELOOP)}  # Too many levels of symbolic links


def test_a_folder_that_cannot_be_listed_keeps_its_files(
    sample_path: Path, tmp_path: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A folder the walk may not list (permissions changed, a share that answers with an error): its recorded
    files are not gone. os.scandir is made to refuse it, as root ignores a folder's permissions."""
    src = tmp_path / "src"
    table(sample_path, src / "2023" / "a.txt", "广州市天河区甲局")
    table(sample_path, src / "2024" / "b.txt")
    run_load([src], warehouse)
    listed = os.scandir

    def refused(path: str = ".") -> object:
        if os.fspath(path) == str(src / "2024"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
        return listed(path)

    monkeypatch.setattr(discover.os, "scandir", refused)
    report = run_load([src], warehouse, prune_disappeared=True)
    assert (report.unreadable, report.disappeared) == ({str(src / "2024"): "Permission denied"}, [])
    assert facts_by_year(warehouse) == [(2023, 22), (2024, 22)]


def test_the_cli_names_what_it_could_not_read(linked_share: tuple[Path, Path], tmp_path: Path) -> None:
    """On stderr one line per path (also with --quiet), and in --json."""
    src, share = linked_share
    warehouse = tmp_path / "wh.duckdb"
    runner = CliRunner()
    assert runner.invoke(app, ["load", str(src), "-w", str(warehouse), "--no-prefect", "-q"]).exit_code == 0
    share.rename(tmp_path / "unmounted")
    quiet = runner.invoke(app, ["load", str(src), "-w", str(warehouse), "--no-prefect", "-q", "--prune"])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stderr.splitlines() == [
        f"could not read {src / '2024'} (No such file or directory): files recorded under it kept"
    ]
    as_json = runner.invoke(app, ["load", str(src), "-w", str(warehouse), "--no-prefect", "--json"])
    doc = json.loads(as_json.stdout)
    assert (doc["unreadable"], doc["n_disappeared"], doc["outcome"]) == (
        {str(src / "2024"): "No such file or directory"},
        0,
        "unchanged",
    )
    [(message,)] = query(warehouse, "SELECT message FROM load_run WHERE run_id = ?", [doc["run_id"]])
    assert "could not be read" in message and str(src / "2024") in message


def test_a_year_given_once_does_not_stick(sample_copy: Path, warehouse: Path) -> None:
    """--year 2023 on a file under 2024/, then a plain run: it was skipped as unchanged and the table stayed under
    2023 until --full. The year a run would load a file under is part of 'unchanged': the plain run reads it
    again, under 2024, and the 2023 load is retired; the run after that skips it."""
    root = sample_copy.parent.parent
    assert run_load([root], warehouse, year=2023).by_status == {"loaded": 1}
    plain = run_load([root], warehouse)
    assert (plain.n_skipped, plain.by_status) == (0, {"replaced": 1})
    assert facts_by_year(warehouse) == [(2024, 22)]
    assert query(warehouse, "SELECT budget_year, status FROM load_log ORDER BY load_id") == [
        (2023, "superseded"),
        (2024, "loaded"),
    ]
    again = run_load([root], warehouse)
    assert (again.n_skipped, again.by_status, again.outcome) == (1, {"unchanged": 1}, "unchanged")


def test_a_plain_rerun_still_skips_unread(sample_copy: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The no-op run stays what it was: nothing parsed, nothing hashed (the recorded stat stands for the bytes),
    also when --year names the year its folder says."""
    monkeypatch.setattr(incremental, "RACY_SECONDS", -3600)  # the copy was just written: trust its stat anyway
    root = sample_copy.parent.parent
    run_load([root], warehouse)
    hashed: list[Path] = []
    monkeypatch.setattr(incremental, "file_sha256", lambda path: hashed.append(path) or "")
    monkeypatch.setattr(load_run, "parsed_batches", lambda *a, **k: pytest.fail("parsed"))
    for year in (None, 2024):
        report = run_load([root], warehouse, year=year)
        assert (report.n_skipped, report.by_status) == (1, {"unchanged": 1})
    assert hashed == []


def test_a_year_given_to_a_file_without_a_year_folder_stays(sample_path: Path, tmp_path: Path, warehouse: Path) -> None:
    """Without a year folder only the table can say its year, and reading it is what the skip saves: the load made
    with --year is kept by a plain run (the sample's title prints no year: a plain first run refuses it)."""
    loose = table(sample_path, tmp_path / "loose" / "t.txt")
    assert run_load([loose.parent], warehouse, year=2023).by_status == {"loaded": 1}
    assert run_load([loose.parent], warehouse).by_status == {"unchanged": 1}
    assert facts_by_year(warehouse) == [(2023, 22)]
