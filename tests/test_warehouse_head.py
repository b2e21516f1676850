"""A warehouse at head has this installation's views, macros and type seed: every load re-creates them
(in one transaction), and the migrations go down to base and up to head again."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from etl.load import writer
from etl.settings import MIGRATIONS_DIR
from etl.transform.pipeline import process_file
from etl.warehouse import views
from etl.warehouse.audit_views import audit_views
from etl.warehouse.connect import connect, head_revision, open_for_load, upgrade, writing


def _views(warehouse: Path) -> dict[str, str]:
    con = connect(warehouse, read_only=True, published=False)
    try:
        return dict(con.execute("SELECT view_name, sql FROM duckdb_views() WHERE NOT internal").fetchall())
    finally:
        con.close()


@pytest.fixture
def edited_views(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of sql/views/ that the code reads instead of the real one."""
    folder = tmp_path / "views"
    shutil.copytree(views.VIEWS_DIR, folder)
    monkeypatch.setattr(views, "VIEWS_DIR", folder)
    return folder


def test_a_load_applies_an_edited_view(edited_views: Path, warehouse: Path, sample_path: Path) -> None:
    upgrade(warehouse)
    assert "edited_marker" not in _views(warehouse)["v_target"]
    path = edited_views / "v_target.sql"
    path.write_text(path.read_text(encoding="utf-8").replace("select\n", "select\n    'yes' as edited_marker,\n", 1))
    (edited_views / "v_load_status.sql").unlink()
    with writing(warehouse) as con:
        writer.load_batch(con, [process_file(sample_path)])
    got = _views(warehouse)
    assert "edited_marker" in got["v_target"] and "v_load_status" not in got
    con = connect(warehouse, read_only=True, published=False)
    try:
        assert con.execute("SELECT DISTINCT edited_marker, count(*) FROM v_target GROUP BY ALL").fetchall() == [
            ("yes", 110)
        ]
    finally:
        con.close()


def test_views_are_rebuilt_only_when_their_files_changed(
    edited_views: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    upgrade(warehouse)
    builds: list[int] = []
    real = views.rebuild
    monkeypatch.setattr(views, "rebuild", lambda conn: builds.append(1) or real(conn))
    open_for_load(warehouse).close()
    assert builds == []  # current: the fingerprint macro says so
    (edited_views / "v_target.sql").write_text(
        (edited_views / "v_target.sql").read_text(encoding="utf-8") + "\n-- a comment\n", encoding="utf-8"
    )
    open_for_load(warehouse).close()
    open_for_load(warehouse).close()
    assert builds == [1]


def test_a_broken_view_leaves_the_old_ones(edited_views: Path, warehouse: Path) -> None:
    upgrade(warehouse)
    before = _views(warehouse)
    (edited_views / "v_target.sql").write_text("select no_such_column from fact_target", encoding="utf-8")
    with pytest.raises(duckdb.BinderException):
        open_for_load(warehouse)
    assert _views(warehouse) == before


def _alembic(warehouse: Path, action: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = sa.create_engine(f"duckdb:///{warehouse}", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            config.attributes["connection"] = conn
            getattr(command, action)(config, revision)
            conn.commit()
    finally:
        engine.dispose()


def _tables(warehouse: Path) -> set[str]:
    con = connect(warehouse, read_only=True, published=False)
    try:
        return {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    finally:
        con.close()


def test_downgrade_to_base_and_upgrade_to_head(warehouse: Path, sample_path: Path) -> None:
    upgrade(warehouse)
    with writing(warehouse) as con:
        writer.load_batch(con, [process_file(sample_path)])
    _alembic(warehouse, "downgrade", "base")
    assert _tables(warehouse) == {"alembic_version"} and _views(warehouse) == {}
    _alembic(warehouse, "upgrade", "head")
    assert set(_views(warehouse)) == set(views.view_files()) | set(audit_views())
    with writing(warehouse) as con:
        [result] = writer.load_batch(con, [process_file(sample_path)])
        assert result.status == "loaded"
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (head_revision(),)
        assert con.execute("SELECT count(*), sum(weight) FROM v_target").fetchone() == (110, None)


def test_revision_0011_fills_the_target_keys_of_facts_loaded_before_it(warehouse: Path, sample_path: Path) -> None:
    """Facts loaded before 0011 get department_name, indicator_key and occurrence from the migration, equal to
    what the loader writes (two years, so v_target_yoy pairs them), and the view gives the same rows."""
    from etl.load.run import run_load
    from tools.prior_year import derive_prior_year

    raw = warehouse.parent / "raw"
    text = sample_path.read_text(encoding="utf-8")
    for year, table in ((2023, derive_prior_year(text)), (2024, text)):  # 2023: GENERATED from the sample
        (raw / str(year)).mkdir(parents=True)
        (raw / str(year) / sample_path.name).write_text(table, encoding="utf-8")
    run_load([raw], warehouse)
    query = "SELECT * EXCLUDE (load_id) FROM fact_target ORDER BY project_id, budget_year, seq"
    con = connect(warehouse, read_only=True, published=False)
    try:
        loaded, pairs = con.execute(query).fetchall(), con.execute("SELECT * FROM v_target_yoy ORDER BY ALL").fetchall()
    finally:
        con.close()
    assert len(loaded) > 200 and len(pairs) > 100
    _alembic(warehouse, "downgrade", "0010")  # the three columns go
    _alembic(warehouse, "upgrade", "head")  # and come back filled
    con = connect(warehouse, read_only=True, published=False)
    try:
        assert con.execute(query).fetchall() == loaded
        assert con.execute("SELECT * FROM v_target_yoy ORDER BY ALL").fetchall() == pairs
    finally:
        con.close()


def _constraints(warehouse: Path, table: str) -> list[tuple]:
    con = connect(warehouse, read_only=True, published=False)
    try:
        return con.execute(
            "SELECT constraint_type, constraint_column_names FROM duckdb_constraints() "
            "WHERE table_name = ? AND constraint_type <> 'NOT NULL'",
            [table],
        ).fetchall()
    finally:
        con.close()


def _not_null(warehouse: Path, table: str) -> list[str]:
    con = connect(warehouse, read_only=True, published=False)
    try:
        query = (
            "SELECT column_name FROM duckdb_columns() WHERE table_name = ? AND NOT is_nullable ORDER BY column_index"
        )
        return [r[0] for r in con.execute(query, [table]).fetchall()]
    finally:
        con.close()


def test_revision_0013_drops_the_target_key_index_and_keeps_every_row(warehouse: Path, sample_path: Path) -> None:
    """DuckDB's fact_target loses its primary-key index, nothing else: rows in order, types, NOT NULL, the views;
    the downgrade puts the key back; fact_project_budget keeps its key (what refuses a doubled project-year)."""
    upgrade(warehouse)
    with writing(warehouse) as con:
        writer.load_batch(con, [process_file(sample_path)])
    assert _constraints(warehouse, "fact_target") == []
    assert _constraints(warehouse, "fact_project_budget") == [("PRIMARY KEY", ["project_id", "budget_year"])]
    required = _not_null(warehouse, "fact_target")
    assert {"project_id", "budget_year", "seq", "indicator_type_id", "raw_text"} <= set(required)
    query = "SELECT * FROM fact_target"  # insertion order: the copy keeps it
    con = connect(warehouse, read_only=True, published=False)
    try:
        rows, types = con.execute(query).fetchall(), con.execute(f"DESCRIBE {query}").fetchall()
        in_view = con.execute("SELECT count(*) FROM v_target").fetchone()
    finally:
        con.close()
    _alembic(warehouse, "downgrade", "0012")
    assert _constraints(warehouse, "fact_target") == [("PRIMARY KEY", ["project_id", "budget_year", "seq"])]
    _alembic(warehouse, "upgrade", "head")
    assert _constraints(warehouse, "fact_target") == [] and _not_null(warehouse, "fact_target") == required
    con = connect(warehouse, read_only=True, published=False)
    try:
        assert con.execute(query).fetchall() == rows and con.execute(f"DESCRIBE {query}").fetchall() == types
        assert con.execute("SELECT count(*) FROM v_target").fetchone() == in_view == (110,)
    finally:
        con.close()


def test_the_writer_attaches_the_file_with_small_row_groups(warehouse: Path) -> None:
    """The write connection's default database is the warehouse file, attached with row groups of
    WRITE_ROW_GROUP_SIZE rows (a batch's full ones go straight to the file), spilling beside it."""
    from etl.warehouse.connect import WRITE_ROW_GROUP_SIZE

    upgrade(warehouse)
    with writing(warehouse) as con:
        assert con.execute("SELECT current_database(), current_setting('temp_directory')").fetchone() == (
            warehouse.stem,
            f"{warehouse}.tmp",
        )
        con.execute("CREATE TABLE scratch AS SELECT range AS n FROM range(40000)")
        counts = con.execute(
            "SELECT DISTINCT row_group_id, count FROM pragma_storage_info('scratch') ORDER BY ALL"
        ).fetchall()
        con.execute("DROP TABLE scratch")
    assert WRITE_ROW_GROUP_SIZE == 16_384
    assert [n for _, n in counts] == [16_384, 16_384, 40_000 - 2 * 16_384]
    assert _tables(warehouse) >= {"fact_target", "load_log"} and "scratch" not in _tables(warehouse)



def _row_groups(path: Path, table: str) -> list[int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        sql = f"SELECT DISTINCT row_group_id, count FROM pragma_storage_info('{table}') ORDER BY ALL"
        return [n for _, n in con.execute(sql).fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize("then", ["migrate", "publish a WAL"])
def test_migrations_and_publishing_keep_the_loaders_row_groups(warehouse: Path, then: str) -> None:
    """DuckDB's vacuum, at the checkpoint of a connection with its default row groups (122,880 rows), merged the
    loader's 16,384-row ones and left the old blocks free in the file: L's warehouse 221 -> 309 MiB after an
    upgrade (a CREATE VIEW alone set it off). Migrations and the publisher's checkpoint run without it."""
    from etl.warehouse.publish import publish_duckdb

    upgrade(warehouse)
    with writing(warehouse) as con:
        con.execute("INSERT INTO load_run_file SELECT range, 1 FROM range(40000)")
    assert _row_groups(warehouse, "load_run_file") == [16_384, 16_384, 40_000 - 2 * 16_384]
    if then == "migrate":
        con = duckdb.connect(str(warehouse), config={"max_vacuum_tasks": "0"})  # this close must not merge them
        con.execute("DELETE FROM alembic_version")  # one revision behind: the next upgrade migrates
        con.execute("INSERT INTO alembic_version VALUES ('0013')")
        con.close()
        upgrade(warehouse)
    else:
        con = duckdb.connect(str(warehouse), config={"max_vacuum_tasks": "0"})
        con.execute("PRAGMA disable_checkpoint_on_shutdown")
        con.execute("CREATE OR REPLACE VIEW v_scratch AS SELECT 1 AS one")  # a write left in the WAL
        con.close()
        assert warehouse.with_name(warehouse.name + ".wal").exists()
        publish_duckdb(warehouse)
    assert _row_groups(warehouse, "load_run_file") == [16_384, 16_384, 40_000 - 2 * 16_384]

PROGRESS_BAR = """
import sys
from etl.warehouse.connect import connect
con = connect(sys.argv[1], read_only=sys.argv[2] == "1", published=False)
print(con.execute("SELECT current_setting('enable_progress_bar')").fetchall()[0][0])
"""


@pytest.mark.parametrize("read_only", [False, True])
def test_no_progress_bar_reaches_stdout(warehouse: Path, read_only: bool) -> None:
    """DuckDB draws a progress bar on stdout for a statement over progress_bar_time (2 s; seen when a load of
    10,000 tables published its copy): jixiao's connections switch it off, so it cannot break `jixiao load --json`.
    Checked in a plain process (under pytest DuckDB starts with it off) by the setting itself (setting
    progress_bar_time to provoke the bar would switch it on again)."""
    with writing(warehouse):
        pass
    done = subprocess.run(
        [sys.executable, "-c", PROGRESS_BAR, str(warehouse), "1" if read_only else "0"],
        capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
