"""Round 29's second bad-input hunt, the load's life cycle: files copied over, swapped, replaced by a folder or reached
by another path, and a damaged warehouse file. The tables are GENERATED (tools.synth, two departments) or the real
sample, copied into tmp_path.

Found (each test below failed before its fix):
- a file overwritten with an exact copy of another loaded file ran as "unchanged": the table it held stayed current,
  from no file any more, and --prune could not take it out (its path still existed);
- two files swapped names stayed recorded under their old paths, so a correction of either was refused for ever as a
  conflict with the other (whose path still existed), even with --full;
- a source file replaced by a folder (or a pipe) of the same name never counted as disappeared;
- a file reached by another path than it was loaded from (a linked folder) was refused as a conflict with "remove one
  of the two", of one file;
- a warehouse file damaged where it is first read (cut short, a checksum that fails) failed with DuckDB's words alone,
  exit 1; the way back was said only for damage met during a run;
- a path with .. after a linked folder (a/link/../2023) read another folder than the system found: nothing loaded,
  exit 0.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest

from etl.load.run import run_load
from tests.test_hostile_round18_io import cli, said
from tools import synth

SAMPLE = Path(__file__).parent.parent / "data" / "raw" / "2024" / "tianhe-sfj.txt"


@pytest.fixture(scope="module")
def two_tables(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Two GENERATED tables of 2024, of two departments."""
    root = tmp_path_factory.mktemp("synth")
    synth.write_corpus(root, 2, (2024,), 29)
    return sorted((root / "2024").glob("*.txt"))


def _tree(tmp_path: Path, tables: list[Path]) -> Path:
    folder = tmp_path / "raw" / "2024"
    folder.mkdir(parents=True)
    for name, table in zip(("a.txt", "b.txt"), tables, strict=True):
        shutil.copy(table, folder / name)
    return folder


def _current(warehouse: Path) -> list[tuple]:
    """(department, path, projects, targets) of each current load."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT department_name, source_path, n_projects, n_targets FROM load_log WHERE status = 'loaded' "
            "ORDER BY 1"
        ).fetchall()


def _facts(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT department_name, count(*), sum(total_yuan) FROM fact_project_budget GROUP BY 1 ORDER BY 1"
        ).fetchall()


def test_a_file_overwritten_with_a_copy_of_another_gives_its_table_up(tmp_path: Path, two_tables: list[Path]) -> None:
    folder, warehouse = _tree(tmp_path, two_tables), tmp_path / "w.duckdb"
    run_load([folder.parent], warehouse)
    shutil.copy(folder / "a.txt", folder / "b.txt")
    report = run_load([folder.parent], warehouse)
    assert report.disappeared == [str(folder / "b.txt")]  # said, its data kept until asked
    assert len(_current(warehouse)) == 2
    pruned = run_load([folder.parent], warehouse, prune_disappeared=True)
    assert pruned.pruned == [str(folder / "b.txt")]
    fresh = tmp_path / "fresh.duckdb"
    run_load([folder.parent], fresh)
    assert _facts(warehouse) == _facts(fresh) and len(_facts(fresh)) == 1
    assert not run_load([folder.parent], warehouse).disappeared  # and said once


def test_two_files_swapped_take_their_new_paths_and_a_correction_loads(tmp_path: Path, two_tables: list[Path]) -> None:
    folder, warehouse = _tree(tmp_path, two_tables), tmp_path / "w.duckdb"
    run_load([folder.parent], warehouse)
    before = {dept: path for dept, path, *_ in _current(warehouse)}
    (folder / "a.txt").rename(folder / "t")
    (folder / "b.txt").rename(folder / "a.txt")
    (folder / "t").rename(folder / "b.txt")
    swapped = run_load([folder.parent], warehouse)
    assert not swapped.disappeared and {r.status for r in swapped.results} == {"unchanged"}
    after = {dept: path for dept, path, *_ in _current(warehouse)}
    moved = {d: "b.txt" if p.endswith("a.txt") else "a.txt" for d, p in before.items()}
    assert {d: Path(p).name for d, p in after.items()} == moved
    text = (folder / "a.txt").read_text(encoding="utf-8")
    (folder / "a.txt").write_text(text.replace("≥", "＞"), encoding="utf-8")  # a correction of the one now in a.txt
    corrected = run_load([folder.parent], warehouse)
    assert [r.status for r in corrected.results if r.path.endswith("a.txt")] == ["replaced"]
    fresh = tmp_path / "fresh.duckdb"
    run_load([folder.parent], fresh)
    assert _facts(warehouse) == _facts(fresh) and len(_facts(fresh)) == 2


@pytest.mark.parametrize("kind", ["folder", "pipe"])
def test_a_source_replaced_by_a_folder_or_a_pipe_has_disappeared(
    tmp_path: Path, two_tables: list[Path], kind: str
) -> None:
    folder, warehouse = _tree(tmp_path, two_tables), tmp_path / "w.duckdb"
    run_load([folder.parent], warehouse)
    (folder / "b.txt").unlink()
    (folder / "b.txt").mkdir() if kind == "folder" else os.mkfifo(folder / "b.txt")
    assert run_load([folder.parent], warehouse).disappeared == [str(folder / "b.txt")]
    run_load([folder.parent], warehouse, prune_disappeared=True)
    assert [Path(p).name for _, p, *_ in _current(warehouse)] == ["a.txt"]


def test_the_same_file_by_another_path_is_said_to_be_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "m" / "2024"
    folder.mkdir(parents=True)
    shutil.copy(SAMPLE, folder / "x.txt")
    (tmp_path / "link").symlink_to(tmp_path / "m")
    warehouse = tmp_path / "w.duckdb"
    run_load([tmp_path / "m"], warehouse)
    (folder / "x.txt").write_text(SAMPLE.read_text(encoding="utf-8").replace("≥", "＞"), encoding="utf-8")
    (refused,) = run_load([tmp_path / "link"], warehouse).results
    assert refused.status == "refused" and "this same file reached by another path" in refused.message
    assert "remove one of the two" not in refused.message


@pytest.mark.parametrize("damage", ["cut short", "checksum"])
def test_a_warehouse_damaged_where_it_is_first_read_says_the_way_back(tmp_path: Path, damage: str) -> None:
    folder = tmp_path / "raw" / "2024"
    folder.mkdir(parents=True)
    shutil.copy(SAMPLE, folder)
    warehouse = tmp_path / "w.duckdb"
    run_load([folder.parent], warehouse)
    data = bytearray(warehouse.read_bytes())
    if damage == "cut short":
        data = data[:20_000]
    else:
        for at in range(300_000, len(data) - 10_000, 50_000):
            data[at : at + 64] = b"\xff" * 64
    warehouse.write_bytes(bytes(data))
    for command in (["load", folder.parent, "-w", warehouse], ["runs", "-w", warehouse]):
        done = cli(*command)
        assert done.returncode == 1 and "is damaged" in said(done), said(done)
        assert "w.published.duckdb back over it" in said(done) or "load the tables again" in said(done)
        assert "Traceback" not in said(done)


def test_dots_after_a_linked_folder_are_a_path_that_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "raw" / "2023").mkdir(parents=True)
    (tmp_path / "raw" / "2024").mkdir(parents=True)
    shutil.copy(SAMPLE, tmp_path / "raw" / "2023")
    (tmp_path / "s" / "L").mkdir(parents=True)
    (tmp_path / "s" / "L" / "lnk").symlink_to(tmp_path / "raw" / "2024")
    done = cli("load", tmp_path / "s" / "L" / "lnk" / ".." / "2023", "-w", tmp_path / "w.duckdb")
    assert done.returncode == 2 and "a .. after a linked folder" in said(done)


def test_runs_shows_a_path_with_a_line_break_on_one_line(tmp_path: Path, two_tables: list[Path]) -> None:
    folder = _tree(tmp_path, two_tables)
    (folder / "b.txt").rename(folder / "b\nnew.txt")
    warehouse = tmp_path / "w.duckdb"
    run_load([folder.parent], warehouse)
    (folder / "b\nnew.txt").unlink()
    assert run_load([folder.parent], warehouse).disappeared == [str(folder / "b\nnew.txt")]
    done = cli("runs", "-w", warehouse)
    lines = done.stdout.decode("utf-8").splitlines()
    assert done.returncode == 0 and len([x for x in lines if x.startswith("run ")]) == len(lines) - 1 == 2, lines
    assert "b\\nnew.txt" in lines[1]
