"""Refusals carry a kind and the parser version (load_log.refusal_kind, load_log.parser_version), and
incremental runs decide what to skip from those two, never from the refusal's message: an internal
error, a conflict and a refusal made by an older parser are parsed again; a final refusal is skipped."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

from etl.load import run as load_run
from etl.load.run import run_load
from etl.load.writer import CLAIMED_ELSEWHERE
from etl.model import Refusal, RefusalKind, TableRefused
from etl.settings import MIGRATIONS_DIR
from etl.transform import PARSER_VERSION, pipeline
from etl.transform.pipeline import run_file
from etl.warehouse.connect import connect, upgrade
from etl.warehouse.schema import metadata


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = connect(warehouse, read_only=True, published=False)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def execute(warehouse: Path, sql: str, params: list | None = None) -> None:
    con = duckdb.connect(str(warehouse))
    try:
        con.execute(sql, params or [])
    finally:
        con.close()


def test_the_kinds_are_one_list() -> None:
    assert [k.value for k in RefusalKind] == [
        "bad_input",
        "unsupported_layout",
        "not_a_target_table",
        "conflict",
        "internal_error",
    ]
    assert isinstance(PARSER_VERSION, int) and PARSER_VERSION >= 1


@pytest.mark.parametrize(
    ("name", "data", "kind", "reason"),
    [
        ("empty.txt", b"", RefusalKind.BAD_INPUT, "empty file"),
        ("binary.txt", bytes(range(256)) * 4, RefusalKind.BAD_INPUT, "not UTF-8 or GB18030 text"),
        ("table.doc", "项目名称\t总计\n".encode(), RefusalKind.UNSUPPORTED_LAYOUT, "unsupported file type .doc"),
        ("utf32.txt", "项目名称\t总计\t绩效指标\n".encode("utf-32"), RefusalKind.UNSUPPORTED_LAYOUT, "UTF-32"),
        ("notes.txt", "会议纪要\n今天讨论了预算。\n".encode(), RefusalKind.NOT_A_TARGET_TABLE, "no header row"),
        ("notes.html", "<html><p>没有表格</p></html>".encode(), RefusalKind.NOT_A_TARGET_TABLE, "no table"),
        ("cols.txt", "项目名称\t财政拨款\t绩效目标\t绩效指标\n".encode(), RefusalKind.UNSUPPORTED_LAYOUT, "lacks"),
    ],
)
def test_run_file_gives_a_refusal_its_kind(
    tmp_path: Path, name: str, data: bytes, kind: str, reason: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "2024" / name
    path.parent.mkdir()
    path.write_bytes(data)
    monkeypatch.setattr(pipeline, "file_sha256", _read_again)
    refusal = run_file(path)
    assert isinstance(refusal, Refusal)
    assert (refusal.kind, reason in refusal.reason) == (kind, True), refusal.reason
    assert refusal.sha256 == hashlib.sha256(data).hexdigest()  # of the bytes refused, not read a second time


def _read_again(path: Path) -> str:
    raise AssertionError(f"{path} was read again to log its refusal")


def test_a_refusal_is_logged_under_the_bytes_refused_when_the_file_changes_meanwhile(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Logged under the new bytes, the refusal made the next run skip them unread (as refused) though nobody had
    parsed them; under the bytes refused, the next run reads the new bytes."""
    read = sample_copy.read_bytes()

    def edited_then_refused(grid: object, year: int | None) -> None:
        sample_copy.write_bytes(read.replace("更新购置设备".encode(), "更新并购置设备".encode()))
        raise TableRefused(sample_copy, "refused by this test")

    monkeypatch.setattr(pipeline, "STEPS", (*pipeline.STEPS[:1], ("parse", edited_then_refused)))
    refusal = run_file(sample_copy)
    assert isinstance(refusal, Refusal) and refusal.reason == "refused by this test"
    assert refusal.sha256 == hashlib.sha256(read).hexdigest() != hashlib.sha256(sample_copy.read_bytes()).hexdigest()


def test_a_parser_bug_is_an_internal_error(sample_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "STEPS", (*pipeline.STEPS[:1], ("parse", _bug)))
    refusal = run_file(sample_copy)
    assert isinstance(refusal, Refusal) and refusal.kind == RefusalKind.INTERNAL_ERROR
    assert refusal.reason.startswith("internal error while parsing: ZeroDivisionError")


def _bug(*args: object) -> None:
    raise ZeroDivisionError("a parser bug")


def test_load_log_records_kind_and_version(tmp_path: Path, sample_copy: Path, warehouse: Path) -> None:
    (sample_copy.parent / "empty.txt").write_bytes(b"")
    report = run_load([sample_copy.parent], warehouse)
    assert sorted((r.status, r.refusal_kind) for r in report.results) == [("loaded", None), ("refused", "bad_input")]
    assert query(warehouse, "SELECT status, refusal_kind, parser_version FROM load_log ORDER BY status") == [
        ("loaded", None, PARSER_VERSION),
        ("refused", "bad_input", PARSER_VERSION),
    ]
    assert report.as_json()["files"][1]["refusal_kind"] == "bad_input"


def test_an_internal_error_is_never_skipped(
    sample_copy: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as m:
        m.setattr(pipeline, "STEPS", (*pipeline.STEPS[:1], ("parse", _bug)))
        first = run_load([sample_copy], warehouse)
        again = run_load([sample_copy], warehouse)
    for report in (first, again):
        assert (report.by_status, report.n_skipped, report.exit_code) == ({"refused": 1}, 0, 3)
        assert report.refused[0].refusal_kind == "internal_error"
    # logged once per bytes and parser version, though parsed again every run
    assert query(warehouse, "SELECT refusal_kind, parser_version FROM load_log") == [("internal_error", PARSER_VERSION)]
    fixed = run_load([sample_copy], warehouse)  # the next release reads it
    assert fixed.by_status == {"loaded": 1} and fixed.n_skipped == 0


def test_a_new_verdict_on_the_same_bytes_is_logged(
    sample_copy: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An internal error, then (the same parser, a passing fault) a real refusal: logged, and from then final."""
    with monkeypatch.context() as m:
        m.setattr(pipeline, "STEPS", (*pipeline.STEPS[:1], ("parse", _bug)))
        run_load([sample_copy], warehouse)
    monkeypatch.setattr(pipeline, "STEPS", (*pipeline.STEPS[:1], ("parse", _refuse)))
    assert run_load([sample_copy], warehouse).n_skipped == 0
    assert query(warehouse, "SELECT refusal_kind FROM load_log ORDER BY load_id") == [
        ("internal_error",),
        ("bad_input",),
    ]
    assert run_load([sample_copy], warehouse).n_skipped == 1


def _refuse(grid: object, year: object) -> None:
    raise TableRefused("t.txt", "a refusal")


@pytest.mark.parametrize("older", [None, PARSER_VERSION - 1], ids=["before-0007", "older-version"])
def test_a_refusal_by_an_older_parser_is_parsed_again(tmp_path: Path, warehouse: Path, older: int | None) -> None:
    bad = tmp_path / "raw" / "2024" / "empty.txt"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"")
    run_load([bad], warehouse)
    assert run_load([bad], warehouse).n_skipped == 1  # the current parser's refusal is final
    execute(warehouse, "UPDATE load_log SET parser_version = ?, refusal_kind = NULL", [older])
    again = run_load([bad], warehouse)
    assert (again.n_skipped, again.by_status) == (0, {"refused": 1})
    assert query(warehouse, "SELECT parser_version FROM load_log ORDER BY load_id") == [(older,), (PARSER_VERSION,)]
    assert run_load([bad], warehouse).n_skipped == 1


@pytest.mark.parametrize("older", [None, PARSER_VERSION - 1], ids=["before-0007", "older-version"])
def test_a_table_loaded_by_an_older_parser_is_read_again(sample_copy: Path, warehouse: Path, older: int | None) -> None:
    """An upgrade's parsing fixes reach the tables already loaded: the next run reads them again and replaces their
    facts (the project identities stay); after that the same bytes are skipped again."""
    first = run_load([sample_copy], warehouse)
    ids = query(warehouse, "SELECT project_id, name_key FROM dim_project_name ORDER BY name_key")
    counts = query(warehouse, "SELECT count(*), sum(total_yuan) FROM fact_project_budget")
    execute(warehouse, "UPDATE load_log SET parser_version = ?", [older])
    again = run_load([sample_copy], warehouse)
    assert (again.n_skipped, again.by_status) == (0, {"replaced": 1})
    assert again.results[0].message == f"read again: loaded by parser version {older}, now {PARSER_VERSION}"
    assert query(warehouse, "SELECT status, parser_version FROM load_log ORDER BY load_id") == [
        ("superseded", older),
        ("loaded", PARSER_VERSION),
    ]
    assert query(warehouse, "SELECT project_id, name_key FROM dim_project_name ORDER BY name_key") == ids
    assert query(warehouse, "SELECT count(*), sum(total_yuan) FROM fact_project_budget") == counts
    assert first.rows("n_targets") == query(warehouse, "SELECT count(*) FROM fact_target")[0][0]
    assert run_load([sample_copy], warehouse).n_skipped == 1


def test_skipping_reads_the_kind_not_the_message(tmp_path: Path, sample_path: Path, warehouse: Path) -> None:
    """A conflict is decided again whatever its message says; a bad file is skipped whatever its message says."""
    owner, other = tmp_path / "a" / "2024" / "t.txt", tmp_path / "b" / "2024" / "t.txt"
    for path, extra in ((owner, ""), (other, "\n")):
        path.parent.mkdir(parents=True)
        path.write_text(sample_path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    bad = tmp_path / "a" / "2024" / "empty.txt"
    bad.write_bytes(b"")
    run_load([tmp_path], warehouse)
    execute(warehouse, "UPDATE load_log SET message = 'reworded' WHERE refusal_kind = 'conflict'")
    execute(warehouse, "UPDATE load_log SET message = ? WHERE refusal_kind = 'bad_input'", [CLAIMED_ELSEWHERE])
    report = run_load([tmp_path], warehouse)
    assert report.n_skipped == 2  # the owner (unchanged) and the empty file (a final refusal)
    conflict = next(r for r in report.refused if r.refusal_kind == "conflict")
    assert Path(conflict.path) == other.resolve() and CLAIMED_ELSEWHERE in conflict.message


def test_a_refused_copy_does_not_shadow_an_exact_one(tmp_path: Path, sample_path: Path, warehouse: Path) -> None:
    """b (other bytes) and c (the loaded bytes) beside the loaded a, in one batch: b is refused naming a, the file
    that holds the table, and c is unchanged; b once claimed the table in the batch, so c was refused as 'another
    file of the same run' naming b, which holds nothing."""
    folder = tmp_path / "raw" / "2024"
    folder.mkdir(parents=True)
    text = sample_path.read_text(encoding="utf-8")
    (folder / "a.txt").write_text(text, encoding="utf-8")
    run_load([folder], warehouse)
    (folder / "b.txt").write_text(text + "\n", encoding="utf-8")
    (folder / "c.txt").write_text(text, encoding="utf-8")
    for _ in range(2):  # the same verdicts every run
        report = run_load([folder], warehouse)
        assert {Path(r.path).name: r.status for r in report.results} == {
            "a.txt": "unchanged",
            "b.txt": "refused",
            "c.txt": "unchanged",
        }
        (refused,) = report.refused
        assert CLAIMED_ELSEWHERE in refused.message and str((folder / "a.txt").resolve()) in refused.message


def test_an_unchanged_run_parses_nothing(sample_copy: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (sample_copy.parent / "empty.txt").write_bytes(b"")
    run_load([sample_copy.parent], warehouse)
    monkeypatch.setattr(load_run, "parsed_batches", _bug)
    again = run_load([sample_copy.parent], warehouse)
    assert (again.outcome, again.n_skipped) == ("unchanged", 2)


def _alembic(warehouse: Path, command_name: str, revision: str) -> None:
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = sa.create_engine(f"duckdb:///{warehouse}", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            config.attributes["connection"] = conn
            getattr(command, command_name)(config, revision)
            conn.commit()
    finally:
        engine.dispose()


def test_migration_0007_adds_and_drops_the_two_columns(tmp_path: Path, sample_copy: Path) -> None:
    warehouse = tmp_path / "wh" / "old.duckdb"
    warehouse.parent.mkdir()
    _alembic(warehouse, "upgrade", "0006")
    columns = "SELECT column_name FROM information_schema.columns WHERE table_name = 'load_log'"
    assert "refusal_kind" not in {c for (c,) in query(warehouse, columns)}
    upgrade(warehouse)
    assert [c for (c,) in query(warehouse, columns)] == [c.name for c in metadata.tables["load_log"].columns]
    assert run_load([sample_copy], warehouse).by_status == {"loaded": 1}
    _alembic(warehouse, "downgrade", "0006")
    assert {"refusal_kind", "parser_version"}.isdisjoint(c for (c,) in query(warehouse, columns))
    assert query(warehouse, "SELECT count(*) FROM load_log") == [(1,)]
