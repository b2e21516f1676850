"""Round 28's bad-input hunt, the warehouse side: what lies beside or inside a warehouse the commands did not expect.
Every table is the real sample (data/raw/2024/tianhe-sfj.txt), copied into the test's temporary folder.

Found (each test below failed before its fix):
- `report` and `audit` read a warehouse whose schema revision no migration here names (a newer jixiao's), which
  `load` and `runs` refuse (exit 2): the audit was written from it (exit 0), and a column the newer schema renamed
  failed the report (BinderException, exit 1);
- a seal (X.duckdb.sealed) holding a run id too large for an integer (1e999) failed every later load with
  OverflowError (exit 1) until someone deleted it: a damaged seal is no seal, as a garbled one already was;
- a folder where the warehouse's lock file goes (X.duckdb.lock) failed `load` (IsADirectoryError, exit 1) and `runs`
  (exit 1): `load` now says so (exit 2), `runs` reads the file without the lock, as for a lock it may not take.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from etl.load.run import run_load
from etl.warehouse import seal
from tests.test_hostile_round18_io import DEPARTMENT, cli, said

NEWER = "9999_future"


@pytest.fixture
def loaded(sample_copy: Path, warehouse: Path) -> Path:
    assert run_load([sample_copy.parent.parent], warehouse).exit_code == 0
    return warehouse


def _newer(warehouse: Path) -> None:
    for path in (warehouse, warehouse.with_name(warehouse.stem + ".published.duckdb")):
        con = duckdb.connect(str(path))
        try:
            con.execute("UPDATE alembic_version SET version_num = ?", [NEWER])
            con.execute("ALTER TABLE fact_project_budget RENAME COLUMN total_yuan TO total_fen")
        finally:
            con.close()


@pytest.mark.parametrize(
    "command",
    [
        ["report", "--department", DEPARTMENT, "--from", "2023", "--to", "2024"],
        ["audit", "--department", DEPARTMENT],
    ],
    ids=["report", "audit"],
)
def test_report_and_audit_refuse_a_newer_warehouse_as_load_does(loaded: Path, tmp_path: Path, command: list) -> None:
    _newer(loaded)
    out = tmp_path / "out"
    done = cli(*command, "--out", out, "-w", loaded)
    assert done.returncode == 2, said(done)
    assert f"schema revision '{NEWER}' is none this installation knows" in said(done)
    assert "upgrade jixiao" in said(done)
    assert not out.exists() or not any(out.iterdir())
    load = cli("load", loaded.parent.parent / "raw", "-w", loaded)
    assert load.returncode == 2 and NEWER in said(load)


@pytest.mark.parametrize("damage", [{"run_id": "1e999"}, {"nested": True}], ids=["huge-run-id", "deep-json"])
def test_a_damaged_seal_is_no_seal(loaded: Path, sample_copy: Path, damage: dict) -> None:
    path = seal.seal_path(loaded)
    recorded = json.loads(path.read_text(encoding="utf-8"))
    if "run_id" in damage:
        text = json.dumps(recorded).replace(f'"run_id": {recorded["run_id"]}', f'"run_id": {damage["run_id"]}')
        assert "1e999" in text
    else:
        text = "[" * 100_000 + "]" * 100_000
    path.write_text(text, encoding="utf-8")
    assert seal.sealed_run(loaded) is None
    again = run_load([sample_copy.parent.parent], loaded)
    assert again.exit_code == 0 and again.outcome == "unchanged", again.error
    assert again.checks_from_run is None  # no seal to trust: the checks ran again


def test_a_folder_where_the_lock_file_goes_is_said(loaded: Path, sample_copy: Path) -> None:
    lock = loaded.with_name(loaded.name + ".lock")
    lock.unlink()
    lock.mkdir()
    done = cli("load", sample_copy.parent.parent, "-w", loaded)
    assert done.returncode == 2, said(done)
    assert f"{lock} is in the way: it is not a file" in said(done)
    runs = cli("runs", "-w", loaded)
    assert runs.returncode == 0, said(runs)
    assert "lock cannot be taken: Is a directory" in runs.stdout.decode("utf-8")
