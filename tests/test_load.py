"""Loading the real sample into a fresh DuckDB warehouse: facts, idempotence, replacement, atomicity."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.load import writer as load_module
from etl.load.run import run_load
from etl.transform import frames
from etl.transform.pipeline import process_file
from etl.warehouse.connect import connect, upgrade, writing
from etl.warehouse.schema import metadata

RUN_HISTORY = ("load_run", "load_run_check", "load_run_file")  # grows by one run each time, by design
TABLES = sorted(t for t in metadata.tables if t not in RUN_HISTORY)


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every row of every table but the run history, with load timestamps left out."""
    con = connect(warehouse, read_only=True)
    try:
        return {
            t: con.execute(
                f"SELECT * EXCLUDE (loaded_at) FROM {t} ORDER BY ALL"
                if t == "load_log"
                else f"SELECT * FROM {t} ORDER BY ALL"
            ).fetchall()
            for t in TABLES
        }
    finally:
        con.close()


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = connect(warehouse, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_sample_facts(sample_copy: Path, warehouse: Path) -> None:
    summary = run_load([sample_copy], warehouse)
    assert [r.status for r in summary.results] == ["loaded"]
    assert query(warehouse, "SELECT count(*), sum(total_wan), sum(total_yuan) FROM v_project_budget") == [
        (22, Decimal("1485.340000"), Decimal("14853400.00"))
    ]
    assert query(warehouse, "SELECT count(*) FROM v_target") == [(110,)]
    assert query(
        warehouse, "SELECT project_name, transfer_doc_no FROM v_project_budget WHERE is_transfer_payment ORDER BY 1"
    ) == [
        ("一村(社区)一法律顾问公益法律服务工作经费", "穗财政【2023】79号"),
        ("专职人民调解服务项目经费", "穗财政【2023】79号"),
    ]
    assert query(
        warehouse,
        "SELECT count(*) FROM v_target WHERE is_misparented AND level1_code = '3' AND printed_level1_code = '2'",
    ) == [(2,)]
    assert query(
        warehouse,
        "SELECT indicator_name, annual_target_text, annual_value_status FROM v_target WHERE annual_target_text IS NULL",
    ) == [("国家工作人员统一学法考试参考率、考试及格率", None, "missing")]
    assert query(warehouse, "SELECT status, reconciled, n_reconciliation_failures, grand_total_yuan FROM load_log") == [
        ("loaded", True, 0, Decimal("14853400.00"))
    ]
    assert query(warehouse, "SELECT count(*) FROM fact_reconciliation WHERE NOT passed") == [(0,)]


def test_every_fact_traces_to_file_and_line(sample_copy: Path, warehouse: Path) -> None:
    run_load([sample_copy], warehouse)
    rows = query(
        warehouse,
        "SELECT DISTINCT l.source_path, t.source_line FROM fact_target t JOIN load_log l USING (load_id) ORDER BY 2",
    )
    assert {r[0] for r in rows} == {str(sample_copy.resolve())}
    lines = sample_copy.read_text(encoding="utf-8").splitlines()
    for _, line_no in rows:
        assert "实施周期指标值" in lines[line_no - 1]


def test_loading_twice_changes_nothing(sample_copy: Path, warehouse: Path) -> None:
    run_load([sample_copy], warehouse)
    before = snapshot(warehouse)
    again = run_load([sample_copy], warehouse)
    assert [r.status for r in again.results] == ["unchanged"]
    assert (again.outcome, again.n_skipped) == ("unchanged", 1)
    assert snapshot(warehouse) == before


def test_changed_copy_replaces_never_doubles(sample_copy: Path, warehouse: Path) -> None:
    run_load([sample_copy], warehouse)
    ids_before = query(warehouse, "SELECT project_name, project_id FROM v_project_budget ORDER BY ALL")
    text = sample_copy.read_text(encoding="utf-8")
    sample_copy.write_text(
        text.replace("业务装备购置经费\t14.07\t14.07", "业务装备购置经费\t15.07\t15.07"), encoding="utf-8"
    )
    result = run_load([sample_copy], warehouse)
    assert [r.status for r in result.results] == ["replaced"]
    assert query(warehouse, "SELECT count(*), sum(total_wan) FROM v_project_budget") == [(22, Decimal("1486.340000"))]
    assert query(warehouse, "SELECT count(*) FROM fact_target") == [(110,)]
    assert query(warehouse, "SELECT project_name, project_id FROM v_project_budget ORDER BY ALL") == ids_before
    assert query(warehouse, "SELECT status FROM load_log ORDER BY load_id") == [("superseded",), ("loaded",)]
    # the corrected file no longer reconciles, and the warehouse says where
    failures = query(warehouse, "SELECT DISTINCT check_name FROM fact_reconciliation WHERE NOT passed ORDER BY 1")
    assert failures == [("grand_total=sum(projects)",), ("unit_subtotal=sum(projects)",)]
    assert result.exit_code == 4


def test_crash_mid_load_leaves_warehouse_as_it_was(
    sample_copy: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run_load([sample_copy], warehouse)
    before = snapshot(warehouse)
    sample_copy.write_text(sample_copy.read_text(encoding="utf-8").replace("82.60", "82.70"), encoding="utf-8")

    def boom(*args: object) -> None:
        raise RuntimeError("simulated crash after the facts were deleted")

    monkeypatch.setattr(load_module, "_insert_lineage", boom)
    with pytest.raises(RuntimeError):
        run_load([sample_copy], warehouse)
    assert snapshot(warehouse) == before
    assert query(warehouse, "SELECT outcome, message LIKE 'error: RuntimeError%' FROM load_run ORDER BY run_id") == [
        ("succeeded", False),
        ("failed", True),
    ]


def test_a_batch_that_would_double_a_target_is_refused_whole(sample_path: Path, warehouse: Path) -> None:
    """fact_target has no key index in DuckDB (revision 0013): the loader refuses, inside the batch's transaction,
    a batch with one project-year's item twice, and the warehouse keeps what it had."""
    upgrade(warehouse)
    before = snapshot(warehouse)
    batch = frames.to_frames([process_file(sample_path)])
    doubled = pd.concat([batch.targets, batch.targets.iloc[[7]]], ignore_index=True)
    message = r"item \d+ of the project on line \d+ .* more than once \(2 target rows"
    refused = pytest.raises(load_module.DoubledTarget, match=message)
    with writing(warehouse) as con, refused:
        load_module.load_batch(con, dataclasses.replace(batch, targets=doubled))
    assert snapshot(warehouse) == before
    with writing(warehouse) as con:  # the same batch as parsed loads
        [result] = load_module.load_batch(con, batch)
    assert result.status == "loaded" and query(warehouse, "SELECT count(*) FROM fact_target") == [(110,)]


def test_refused_file_is_logged_once(tmp_path: Path, warehouse: Path) -> None:
    bad = tmp_path / "2024" / "empty.txt"
    bad.parent.mkdir()
    bad.write_bytes(b"")
    for _ in range(2):
        summary = run_load([bad], warehouse)
        assert summary.exit_code == 3
    assert query(warehouse, "SELECT status, message FROM load_log") == [("refused", "empty file")]


def test_file_without_year_is_refused(tmp_path: Path, sample_path: Path, warehouse: Path) -> None:
    loose = tmp_path / "loose.txt"
    loose.write_bytes(sample_path.read_bytes())
    [result] = run_load([loose], warehouse).results
    assert result.status == "refused" and "no budget year" in result.message
    [result] = run_load([loose], warehouse, year=2024).results
    assert result.status == "loaded" and result.budget_year == 2024


def test_schema_matches_metadata(sample_copy: Path, warehouse: Path) -> None:
    run_load([sample_copy], warehouse)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        for name, table in metadata.tables.items():
            cols = [
                r[0]
                for r in con.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                    [name],
                ).fetchall()
            ]
            assert cols == [c.name for c in table.columns], name
    finally:
        con.close()


def test_two_files_for_one_table_never_take_turns(tmp_path: Path, sample_path: Path, warehouse: Path) -> None:
    """The table stays with the file it was loaded from while that file exists; the other is refused each run."""
    first, second = (tmp_path / d / "2024" / "t.txt" for d in ("a", "b"))
    for path, extra in ((first, ""), (second, "\n")):
        path.parent.mkdir(parents=True)
        path.write_text(sample_path.read_text(encoding="utf-8") + extra, encoding="utf-8")
    runs = [run_load([str(tmp_path)], str(warehouse)) for _ in range(3)]
    statuses = [sorted((Path(r.path).parts[-3], r.status) for r in run.results) for run in runs]
    assert statuses[0] == [("a", "loaded"), ("b", "refused")]
    assert statuses[1] == statuses[2] == [("a", "unchanged"), ("b", "refused")]
    assert "already loaded from another file" in next(r.message for r in runs[2].results if r.status == "refused")
    assert query(warehouse, "SELECT count(*), min(source_path) FROM load_log WHERE status = 'loaded'") == [
        (1, str(first.resolve()))
    ]
    first.unlink()  # the owner is gone: the other file may now take the table over
    [result] = run_load([str(tmp_path)], str(warehouse)).results
    assert (result.status, Path(result.path).parts[-3]) == ("replaced", "b")


def test_a_later_year_without_targets_links_and_loads(sample_path: Path, warehouse: Path) -> None:
    """A department list printed without its 绩效指标 column (projects, no targets) in a year after a loaded one:
    its new names are compared with the earlier year's (indicator sets asked of an empty batch of targets)."""
    import dataclasses

    from etl.transform.pipeline import run_file
    from etl.warehouse.connect import open_for_load

    con = open_for_load(warehouse)
    try:
        first = run_file(sample_path, 2024)
        assert load_module.load_batch(con, [first])[0].status == "loaded"
        later = run_file(sample_path, 2025)
        projects = [dataclasses.replace(p, indicators=[]) for p in later.projects]
        projects[0] = dataclasses.replace(projects[0], project_name=projects[0].project_name + "（2025年）")
        later = dataclasses.replace(later, projects=projects, sha256="f" * 64, path=warehouse.with_name("2025.txt"))
        [result] = load_module.load_batch(con, [later])
        assert (result.status, result.n_projects, result.n_targets) == ("loaded", 22, 0)
        [(method,)] = con.execute(
            "SELECT link_method FROM dim_project_name WHERE linked_in_year = 2025"
        ).fetchall()
    finally:
        con.close()
    assert method == "normalised"  # the period suffix set aside: the same project as in 2024


def test_a_renamed_project_links_across_a_gap_year(sample_path: Path, warehouse: Path) -> None:
    """A project printed in 2022 and, with a period suffix, in 2025 (no table between) is one project: names of
    years not adjacent are read only where their folded name starts with the new name's normalised one (the
    candidate query's same_name rows); the other projects of 2025 are printed as in 2022 but under another unit,
    so nothing else links."""
    import dataclasses

    from etl.transform.pipeline import run_file
    from etl.warehouse.connect import open_for_load

    con = open_for_load(warehouse)
    try:
        first = run_file(sample_path, 2022)
        assert load_module.load_batch(con, [first])[0].status == "loaded"
        later = run_file(sample_path, 2025)
        projects = [dataclasses.replace(p, unit_name=p.unit_name + "（新）") for p in later.projects]
        projects[0] = dataclasses.replace(
            later.projects[0], project_name=later.projects[0].project_name + "（2025年）"
        )
        later = dataclasses.replace(later, projects=projects, sha256="e" * 64, path=warehouse.with_name("2025.txt"))
        assert load_module.load_batch(con, [later])[0].status == "loaded"
        links = con.execute(
            "SELECT link_method, count(*) FROM dim_project_name WHERE linked_in_year = 2025 GROUP BY ALL ORDER BY 1"
        ).fetchall()
        [(years,)] = con.execute(
            "SELECT list(budget_year ORDER BY budget_year) FROM fact_project_budget WHERE project_id ="
            " (SELECT project_id FROM fact_project_budget WHERE budget_year = 2025 AND project_name = ?)",
            [projects[0].project_name],
        ).fetchall()
    finally:
        con.close()
    assert links == [("new", len(projects) - 1), ("normalised", 1)]
    assert years == [2022, 2025]
