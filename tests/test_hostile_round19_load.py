"""Round 19's hostile review of the load path: runs killed at chosen points, sequences of runs, a warehouse damaged on
disk. Every input is the real sample (data/raw/2024/tianhe-sfj.txt) or the GENERATED 2023 derived from it
(tools.prior_year), copied or changed in the test's temporary folder.

Found (each test below failed before its fix):
- a working file damaged on disk (a block whose checksum fails) was found so by the run, which was recorded as failed
  and then published: the damaged file was copied over the analysts' copy, the last good state of the data. A run that
  meets DuckDB's "Corrupt database file" or a file cut short now leaves the analysts' copy as it was and says so
  (etl.warehouse.publish.is_damage, WarehouseDamaged).
- a run killed (or failed) between the commit that pruned or replaced a year and the clean-up after it left a project
  with no name in dim_project, and in the analysts' copy, until some later run wrote something: every no-op run
  kept it. The run after one that did not end normally removes it (etl.load.run._steps).

Held (kept as tests): SIGKILL while parsing, inside a batch's transaction, while settling links, at the gate, after
the run was recorded, while the copy was written and before it replaced the old one, then a re-run: the checks pass,
the facts and identities equal a clean load's, the analysts' copy is the old or the new state, whole; a load, an edit,
a load and the edit undone give the first facts back; years in either order link alike; a new parser version reads
every table again and keeps every project id.
"""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import duckdb
import pytest

import etl.load.incremental
import etl.load.writer
import etl.transform
import etl.transform.frames
from etl.load import writer
from etl.load.run import run_load
from etl.warehouse.publish import WarehouseDamaged, published_path
from tests.paths import SAMPLE
from tests.test_hostile_round18_io import correct_2023, query, two_years

NAMELESS = "SELECT count(*) FROM dim_project WHERE project_id NOT IN (SELECT project_id FROM dim_project_name)"
# every fact and identity, with neither load ids (a table read again gets a new one) nor the clock
FACTS = {
    "fact_project_budget": "* EXCLUDE (load_id)",
    "fact_target": "* EXCLUDE (load_id)",
    "fact_table_aggregate": "* EXCLUDE (load_id)",
    "fact_reconciliation": "* EXCLUDE (load_id)",
    "dim_project": "*",
    "dim_project_name": "*",
}


def facts(warehouse: Path) -> dict[str, list[tuple]]:
    return {table: sorted(query(warehouse, f"SELECT {cols} FROM {table}"), key=repr) for table, cols in FACTS.items()}


def _damage(path: Path, seed: int = 19) -> None:
    """Random bytes over the block that holds fact_target.project_id (no other table's data: the run opens the file,
    records itself and plans, and meets the damage when the quality checks read the targets). A DuckDB file is three
    4 KiB headers, then its blocks (DuckDB's storage format)."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        block_size = con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0]
        blocks = {b for (b,) in con.execute(TARGET_BLOCKS).fetchall()}
        shared = {b for table in ("load_log", "load_run", "load_run_check", "load_run_file") for (b,) in
                  con.execute(f"SELECT block_id FROM pragma_storage_info('{table}')").fetchall()}  # fmt: skip
    finally:
        con.close()
    rng = random.Random(seed)
    with path.open("r+b") as f:
        for block in sorted(blocks - shared):
            f.seek(3 * 4096 + block * block_size + 64)
            f.write(bytes(rng.randrange(256) for _ in range(4096)))


TARGET_BLOCKS = (
    "SELECT block_id FROM pragma_storage_info('fact_target') WHERE column_name = 'project_id' AND block_id >= 0"
)


def test_a_damaged_working_file_is_never_published_over_the_analysts_copy(sample_copy: Path, tmp_path: Path) -> None:
    """Before: the run failed ('Corrupt database file') and then copied the damaged file over the analysts' copy, which
    no longer opened. Now the copy stays as the last good run left it, and the error says so."""
    warehouse = tmp_path / "wh.duckdb"
    assert run_load([sample_copy.parent], warehouse).exit_code == 0
    good = published_path(warehouse).read_bytes()
    _damage(warehouse)
    with pytest.raises(WarehouseDamaged, match=r"analysts' copy .* was left as it was"):
        run_load([sample_copy.parent], warehouse)
    assert published_path(warehouse).read_bytes() == good
    shutil.copyfile(published_path(warehouse), warehouse)  # the way back the message gives
    report = run_load([sample_copy.parent], warehouse)
    assert (report.exit_code, report.outcome) == (0, "unchanged")
    assert query(warehouse, "SELECT count(*) FROM fact_target") == [(110,)]


def test_a_run_that_stops_before_its_clean_up_leaves_no_nameless_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run killed after the commit that pruned 2023 and before the clean-up (here: failed there) left 2023's own
    projects nameless in dim_project, and every following no-op run published them. Now the next run removes them."""
    raw, warehouse = two_years(tmp_path), tmp_path / "wh.duckdb"
    assert run_load([raw], warehouse).exit_code == 0
    (raw / "2023" / "tianhe-sfj.txt").unlink()

    def killed(con: object) -> None:
        raise RuntimeError("killed here")

    monkeypatch.setattr(writer, "drop_nameless_projects", killed)
    with pytest.raises(RuntimeError, match="killed here"):
        run_load([raw], warehouse, prune_disappeared=True)
    monkeypatch.undo()
    assert query(warehouse, NAMELESS) != [(0,)]  # what the stopped run left
    report = run_load([raw], warehouse, prune_disappeared=True)
    assert report.outcome == "unchanged"
    assert query(warehouse, NAMELESS) == [(0,)] and query(published_path(warehouse), NAMELESS) == [(0,)]


@pytest.mark.parametrize("point", ["in-transaction", "settle", "before-clean-up", "publish-copy"])
def test_sigkill_at_a_chosen_point_then_a_rerun_equals_a_clean_load(tmp_path: Path, point: str) -> None:
    """A year corrected in place, the run SIGKILLed at ``point``: the analysts' copy is the state before or after,
    whole; the re-run's facts and identities are those of the same runs not killed, its checks pass, no temporary
    file is left."""
    import subprocess
    import sys

    clean = tmp_path / "clean"  # the same two runs, not killed
    assert run_load([two_years(clean)], clean / "wh.duckdb").exit_code == 0
    correct_2023(clean / "raw", None)
    assert run_load([clean / "raw"], clean / "wh.duckdb").exit_code == 0
    raw, warehouse = two_years(tmp_path), tmp_path / "wh.duckdb"
    assert run_load([raw], warehouse).exit_code == 0
    before = facts(published_path(warehouse))
    correct_2023(raw, None)
    done = subprocess.run(
        [sys.executable, "-c", KILLED_AT, str(raw), str(warehouse), point], capture_output=True, timeout=120
    )
    assert done.returncode == -9, done.stderr.decode()[-2000:]
    assert facts(published_path(warehouse)) in (before, facts(clean / "wh.duckdb"))
    report = run_load([raw], warehouse)
    assert report.exit_code == 0 and not report.failed_checks, report.message()
    assert facts(warehouse) == facts(clean / "wh.duckdb") == facts(published_path(warehouse))
    assert query(warehouse, "SELECT outcome FROM load_run ORDER BY run_id")[1] == ("interrupted",) or point.startswith(
        "publish"
    )
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]


# the child: run_load with a SIGKILL planted at a point (argv: raw, warehouse, point)
KILLED_AT = """
import os, signal, sys
from etl.load import identity, run, writer
from etl.warehouse import publish

def planted(module, name, after):
    real = getattr(module, name)
    def call(*args, **kwargs):
        out = real(*args, **kwargs) if after else None
        os.kill(os.getpid(), signal.SIGKILL)
        return out
    setattr(module, name, call)

raw, warehouse, point = sys.argv[1:4]
module, name, after = {
    "in-transaction": (writer, "_insert_facts", True),
    "settle": (identity, "settle_links", True),
    "before-clean-up": (writer, "drop_nameless_projects", False),
    "publish-copy": (publish, "_fsync", False),
}[point]
planted(module, name, after)
run.run_load([raw], warehouse, batch_size=1)
"""


def test_edit_then_undo_and_a_new_parser_version_keep_facts_and_identities(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Load; load again (nothing changes); edit a file, load, undo the edit, load (the first facts, the same ids); a
    new PARSER_VERSION reads every table again ('replaced') and keeps every project id and link."""
    raw, warehouse = two_years(tmp_path), tmp_path / "wh.duckdb"
    assert run_load([raw], warehouse).exit_code == 0
    first = facts(warehouse)
    assert run_load([raw], warehouse).outcome == "unchanged" and facts(warehouse) == first
    path = raw / "2024" / SAMPLE.name
    whole = path.read_bytes()
    path.write_bytes(whole.replace("律师管理业务经费".encode(), "律师管理业务费用".encode()))
    assert run_load([raw], warehouse).by_status["replaced"] == 1
    path.write_bytes(whole)
    assert run_load([raw], warehouse).by_status["replaced"] == 1
    assert facts(warehouse) == first
    for module in (etl.transform, etl.transform.frames, etl.load.writer, etl.load.incremental):
        monkeypatch.setattr(module, "PARSER_VERSION", etl.transform.PARSER_VERSION + 1)
    report = run_load([raw], warehouse, batch_size=1)
    assert (report.exit_code, report.by_status["replaced"]) == (0, 2)
    assert facts(warehouse) == first


def test_is_damage_reads_only_duckdbs_damage() -> None:
    from etl.warehouse.publish import is_damage

    assert is_damage(duckdb.Error("Corrupt database file: computed checksum 1 does not match stored checksum 2"))
    assert is_damage(duckdb.IOException('IO Error: Could not read enough bytes from file "x"'))
    assert not is_damage(duckdb.IOException("IO Error: No space left on device"))
    assert not is_damage(OSError("Corrupt database file"))  # not DuckDB's


def test_a_moved_file_takes_its_new_path_and_is_skipped_again(tmp_path: Path) -> None:
    """A file moved to another folder (the same bytes) was 'unchanged' under its load, which kept the old path: every
    later run read and parsed it again (never skipped by its stat), and v_load_status showed a path not there."""
    raw, warehouse = two_years(tmp_path), tmp_path / "wh.duckdb"
    assert run_load([raw], warehouse).exit_code == 0
    before = facts(warehouse)
    old = raw / "2024" / "tianhe-sfj.txt"
    new = raw / "moved" / "2024" / "tianhe-sfj.txt"
    new.parent.mkdir(parents=True)
    shutil.move(old, new)
    moved = run_load([raw], warehouse)
    assert (moved.exit_code, moved.by_status["unchanged"], moved.disappeared) == (0, 2, [])
    paths = [p for (p,) in query(warehouse, "SELECT source_path FROM load_log WHERE status = 'loaded' ORDER BY 1")]
    assert str(new) in paths and str(old) not in paths
    again = run_load([raw], warehouse)
    assert (again.exit_code, again.n_skipped, again.n_files) == (0, 2, 2)  # neither file parsed
    assert facts(warehouse) == before
