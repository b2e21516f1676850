"""A new DuckDB warehouse is a copy of the empty warehouse at head (etl/warehouse/template.py): the same schema, seeds
and revision as one migrated in place, Alembic run once per template, and a migration in place wherever no template
can be had."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from etl.load.run import run_load
from etl.warehouse import connect, template
from etl.warehouse.connect import head_revision, open_for_load

CATALOG = {
    "tables": "SELECT table_name, sql FROM duckdb_tables() ORDER BY ALL",
    "views": "SELECT view_name, sql FROM duckdb_views() WHERE NOT internal ORDER BY ALL",
    "macros": "SELECT function_name, macro_definition FROM duckdb_functions() "
    "WHERE function_type LIKE '%macro%' AND NOT internal ORDER BY ALL",
    "sequences": "SELECT sequence_name, start_value, increment_by, last_value FROM duckdb_sequences() ORDER BY ALL",
    "indexes": "SELECT table_name, index_name, sql FROM duckdb_indexes() ORDER BY ALL",
    "constraints": "SELECT table_name, constraint_type, constraint_text FROM duckdb_constraints() ORDER BY ALL",
}


def _everything(path: Path) -> dict[str, list[tuple]]:
    """The file's catalog and every row of every table."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        found = {name: con.execute(sql).fetchall() for name, sql in CATALOG.items()}
        for (table,) in con.execute("SELECT table_name FROM duckdb_tables() ORDER BY 1").fetchall():
            found[f"rows of {table}"] = con.execute(f'SELECT * FROM "{table}" ORDER BY ALL').fetchall()
        return found
    finally:
        con.close()


def _new(path: Path) -> Path:
    open_for_load(path).close()
    return path


def _templates(folder: Path) -> list[Path]:
    return sorted(folder.glob("empty-warehouse-*.duckdb"))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(folder))
    return folder


def test_a_new_warehouse_from_the_template_is_one_migrated_in_place(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copied = _new(tmp_path / "copied" / "w.duckdb")
    assert len(_templates(cache)) == 1
    monkeypatch.setenv("JIXIAO_CACHE_DIR", "")  # templates off: Alembic migrates the new file itself
    migrated = _new(tmp_path / "migrated" / "w.duckdb")
    assert _everything(copied) == _everything(migrated)
    assert _everything(copied)["rows of alembic_version"] == [(head_revision(),)]
    assert _everything(copied)["rows of dim_indicator_type"]  # the type tree's seed rows are there


def test_alembic_runs_once_a_template_and_the_copies_load(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch, sample_copy: Path
) -> None:
    _new(tmp_path / "first" / "w.duckdb")

    def no_migration(path: Path) -> None:
        raise AssertionError(f"Alembic ran for {path}")

    monkeypatch.setattr(connect, "_alembic_upgrade", no_migration)
    warehouses = [tmp_path / name / "w.duckdb" for name in ("second", "third")]
    for warehouse in warehouses:
        report = run_load([sample_copy], warehouse)
        assert report.by_status["loaded"] == 1 and report.exit_code == 0
    counts = [_everything(w)["rows of fact_target"] for w in warehouses]
    assert len(counts[0]) > 100
    assert [len(c) for c in counts] == [len(counts[0])] * 2
    assert len(_templates(cache)) == 1


def test_a_changed_schema_names_another_template_and_old_ones_are_pruned(
    tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for i in range(template.KEPT + 2):
        monkeypatch.setattr(template, "template_key", lambda i=i: f"{i:032x}")
        _new(tmp_path / f"w{i}" / "w.duckdb")
        os.utime(_templates(cache)[-1], (1e9 + i, 1e9 + i))  # the newest built last
    kept = _templates(cache)
    assert len(kept) == template.KEPT
    assert kept[-1].name == f"empty-warehouse-{template.KEPT + 1:032x}.duckdb"


def test_the_key_changes_with_a_migration_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = template.template_key()
    migrations = tmp_path / "migrations"
    (migrations / "versions").mkdir(parents=True)
    (migrations / "versions" / "0001.py").write_text("revision = '0001'\n", encoding="utf-8")
    monkeypatch.setattr(template, "MIGRATIONS_DIR", migrations)
    assert template.template_key() != before


def test_without_a_writable_cache_the_new_file_is_migrated_in_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("JIXIAO_CACHE_DIR", str(blocker / "cache"))  # cannot be made: a file is in the way
    warehouse = _new(tmp_path / "w" / "w.duckdb")
    assert _everything(warehouse)["rows of alembic_version"] == [(head_revision(),)]
    assert not list(tmp_path.glob("w/.*.new"))


def test_an_existing_empty_database_is_migrated_not_replaced(tmp_path: Path, cache: Path) -> None:
    warehouse = tmp_path / "w" / "w.duckdb"
    warehouse.parent.mkdir()
    duckdb.connect(str(warehouse)).close()  # a DuckDB file with nothing in it, made by someone else
    inode = warehouse.stat().st_ino
    _new(warehouse)
    assert warehouse.stat().st_ino == inode  # the same file, migrated where it is
    assert _everything(warehouse)["rows of alembic_version"] == [(head_revision(),)]
    assert not _templates(cache)


@pytest.mark.parametrize("damage", ["cut short", "not a database", "another revision"])
def test_a_damaged_template_is_not_copied_and_is_built_again(tmp_path: Path, cache: Path, damage: str) -> None:
    _new(tmp_path / "first" / "w.duckdb")
    [built] = _templates(cache)
    if damage == "cut short":
        built.write_bytes(built.read_bytes()[:100_000])
    elif damage == "not a database":
        built.write_text("garbage", encoding="utf-8")
    else:
        con = duckdb.connect(str(built))
        con.execute("UPDATE alembic_version SET version_num = '0001'")
        con.close()
    warehouse = _new(tmp_path / "second" / "w.duckdb")  # migrated in place, the damaged template removed
    assert _everything(warehouse)["rows of alembic_version"] == [(head_revision(),)]
    assert not _templates(cache)
    assert not [p.name for p in warehouse.parent.iterdir() if p.name.endswith(".new")]
    _new(tmp_path / "third" / "w.duckdb")  # and the next new warehouse builds it again
    assert [p.name for p in _templates(cache)] == [built.name]
