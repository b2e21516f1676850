"""A project keeps its id when its printing comes back (round 21): a file pruned and restored, a correction undone,
a typo fixed in a republished table (etl.load.continuity).

Before retired_project_name (migration 0015) a project whose only printing was pruned left dim_project, and the same
table loaded again gave every such project a new project_id: the analysts' saved ids pointed at nothing. Real files:
the sample, and the sample with one project renamed out of the linker's reach (a correction), on DuckDB and on
PostgreSQL; beside it a GENERATED table of another department (tools.synth), so that pruning the sample does not
empty the folder (a folder with no table at all is taken for an unmounted share, and nothing is pruned).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from etl.load.run import run_load
from etl.warehouse.connect import connect
from tools import synth

RENAMED_FROM, RENAMED_TO = "律师管理业务经费", "全新的公共法律服务平台运维项目"
SAMPLE_DEPARTMENT = "广州市天河区司法局"
NEIGHBOUR = "某市某区民政局"  # GENERATED


@pytest.fixture
def sample_copy(sample_copy: Path) -> Path:
    """The real sample under raw/2024, and a GENERATED table of another department beside it."""
    synth.write_corpus(sample_copy.parent.parent, [NEIGHBOUR], (2024,), 7)
    return sample_copy


def _rows(warehouse: str | Path, sql: str) -> list[tuple]:
    con = connect(warehouse, read_only=True, published=False) if isinstance(warehouse, Path) else connect(warehouse)
    try:
        return sorted(con.execute(sql).fetchall(), key=repr)
    finally:
        con.close()


def _ids(warehouse: str | Path) -> list[tuple]:
    """Each printed name of the current facts with its project id, year and link."""
    return _rows(
        warehouse,
        "SELECT f.name_key, f.budget_year, f.project_id, n.link_method FROM fact_project_budget f "
        f"JOIN dim_project_name n USING (name_key) WHERE f.department_name = '{SAMPLE_DEPARTMENT}'",
    )


def _load(root: Path, warehouse: str | Path, **kwargs: object) -> str:
    return run_load([str(root)], str(warehouse), **kwargs).outcome


def _prune_and_restore(sample_copy: Path, warehouse: str | Path) -> tuple[list[tuple], list[tuple]]:
    """Load the table, prune it (its file gone), put the file back and load again: the ids before and after."""
    root = sample_copy.parent.parent
    assert _load(root, warehouse) == "succeeded"
    before = _ids(warehouse)
    kept = root.parent / "kept.bak"  # outside the sources: a file moved within them keeps its load
    shutil.move(sample_copy, kept)
    assert _load(root, warehouse, prune_disappeared=True) == "succeeded"
    mine = f"WHERE department_name = '{SAMPLE_DEPARTMENT}'"
    assert _rows(warehouse, f"SELECT count(*) FROM fact_project_budget {mine}") == [(0,)]
    assert _rows(warehouse, f"SELECT count(*) FROM dim_project {mine}") == [(0,)]  # the projects are gone meanwhile
    assert _rows(warehouse, "SELECT count(*) FROM retired_project_name") == [(22,)]
    shutil.move(kept, sample_copy)
    assert _load(root, warehouse) == "succeeded"
    return before, _ids(warehouse)


def test_a_pruned_table_put_back_keeps_its_project_ids(sample_copy: Path, warehouse: Path) -> None:
    before, after = _prune_and_restore(sample_copy, warehouse)
    assert len(before) == 22 and after == before  # was: 22 new ids, 23 … 44
    assert _rows(warehouse, "SELECT count(*) FROM retired_project_name") == [(0,)]  # given back, not remembered twice
    assert _rows(warehouse, f"SELECT count(*) FROM dim_project WHERE department_name = '{SAMPLE_DEPARTMENT}'") == [
        (22,)
    ]


def test_a_correction_undone_gives_the_name_its_id_back(sample_copy: Path, warehouse: Path) -> None:
    root = sample_copy.parent.parent
    original = sample_copy.read_text(encoding="utf-8")
    assert _load(root, warehouse) == "succeeded"
    before = _ids(warehouse)
    old_id = [pid for key, _, pid, _ in before if key.endswith(RENAMED_FROM)]
    assert len(old_id) == 1
    sample_copy.write_text(original.replace(RENAMED_FROM, RENAMED_TO, 1), encoding="utf-8")
    assert _load(root, warehouse) == "succeeded"
    corrected = _ids(warehouse)
    assert [pid for key, _, pid, _ in corrected if key.endswith(RENAMED_TO)] != old_id  # a stranger: a new project
    assert _rows(warehouse, f"SELECT project_id FROM retired_project_name WHERE name_key LIKE '%{RENAMED_FROM}'") == [
        (old_id[0],)
    ]
    sample_copy.write_text(original, encoding="utf-8")  # the correction undone
    assert _load(root, warehouse) == "succeeded"
    assert _ids(warehouse) == before


def test_an_id_printed_that_year_already_is_not_given_twice(sample_copy: Path, warehouse: Path) -> None:
    """A retired name's id goes back only while no printing of that year holds it: a project holds one printing a year.
    Planted: the warehouse remembers the correction's new name as 法制业务经费's, which the same table prints."""
    root = sample_copy.parent.parent
    assert _load(root, warehouse) == "succeeded"
    held = [pid for key, _, pid, _ in _ids(warehouse) if key.endswith("||法制业务经费")]
    assert len(held) == 1
    key = next(k for k, *_ in _ids(warehouse) if k.endswith(RENAMED_FROM)).replace(RENAMED_FROM, RENAMED_TO)
    con = connect(warehouse, published=False)
    try:
        con.execute("INSERT INTO retired_project_name VALUES (?, ?, ?, now())", [key, held[0], RENAMED_TO])
    finally:
        con.close()
    text = sample_copy.read_text(encoding="utf-8")
    sample_copy.write_text(text.replace(RENAMED_FROM, RENAMED_TO, 1), encoding="utf-8")
    assert _load(root, warehouse) == "succeeded"
    now = {key: pid for key, _, pid, _ in _ids(warehouse)}
    assert now[key] != held[0] and len(set(now.values())) == 22
    assert _rows(warehouse, f"SELECT project_id FROM retired_project_name WHERE name_key = '{key}'") == [(held[0],)]


TYPO_FIXED = "律师管理业务费"  # 律师管理业务经费 corrected: fuzz.ratio 93.33, the linker's fuzzy threshold is 90


def test_a_typo_fixed_in_a_republished_table_keeps_the_project_id(sample_copy: Path, warehouse: Path) -> None:
    """The correction retires the printing it corrects before linking, so the linker saw nothing to continue: the
    corrected name was a new project and the old one was gone."""
    _fix_a_typo(sample_copy, warehouse)


@pytest.mark.usefixtures("pg_server")
def test_a_typo_fixed_keeps_the_project_id_on_postgres(sample_copy: Path, pg_url: str) -> None:
    _fix_a_typo(sample_copy, pg_url)


def _fix_a_typo(sample_copy: Path, warehouse: str | Path) -> None:
    root = sample_copy.parent.parent
    assert _load(root, warehouse) == "succeeded"
    before = {key: pid for key, _, pid, _ in _ids(warehouse)}
    old_key = next(k for k in before if k.endswith("||" + RENAMED_FROM))
    text = sample_copy.read_text(encoding="utf-8")
    sample_copy.write_text(text.replace(RENAMED_FROM, TYPO_FIXED, 1), encoding="utf-8")
    assert _load(root, warehouse) == "succeeded"
    after = {key: (pid, method) for key, _, pid, method in _ids(warehouse)}
    new_key = old_key.replace(RENAMED_FROM, TYPO_FIXED)
    assert after[new_key] == (before[old_key], "new")  # its project's only printing: nothing else links it
    assert {k: p for k, (p, _) in after.items() if k != new_key} == {k: p for k, p in before.items() if k != old_key}
    assert _rows(warehouse, f"SELECT project_name FROM dim_project WHERE project_id = {before[old_key]}") == [
        (TYPO_FIXED,)
    ]
    mine = f"SELECT count(*) FROM dim_project WHERE department_name = '{SAMPLE_DEPARTMENT}'"
    assert _rows(warehouse, mine) == [(22,)]  # was 23: the corrected name a new project


def test_a_corrected_name_the_alias_file_keeps_apart_is_a_new_project(
    sample_copy: Path, warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(
        f"department_name,name,same_as,note\n{SAMPLE_DEPARTMENT},{TYPO_FIXED},,never link it\n", encoding="utf-8"
    )
    monkeypatch.setenv("JIXIAO_ALIASES", str(aliases))
    root = sample_copy.parent.parent
    assert _load(root, warehouse) == "succeeded"
    old = [pid for key, _, pid, _ in _ids(warehouse) if key.endswith("||" + RENAMED_FROM)]
    text = sample_copy.read_text(encoding="utf-8")
    sample_copy.write_text(text.replace(RENAMED_FROM, TYPO_FIXED, 1), encoding="utf-8")
    assert _load(root, warehouse) == "succeeded"
    now = [(pid, method) for key, _, pid, method in _ids(warehouse) if key.endswith("||" + TYPO_FIXED)]
    assert len(old) == 1 and len(now) == 1 and now[0][0] != old[0] and now[0][1] == "kept_apart"


@pytest.mark.usefixtures("pg_server")
def test_a_pruned_table_put_back_keeps_its_ids_on_postgres(sample_copy: Path, pg_url: str) -> None:
    before, after = _prune_and_restore(sample_copy, pg_url)
    assert len(before) == 22 and after == before


def test_the_identity_accuracy_tool_runs(capsys: pytest.CaptureFixture[str]) -> None:
    """README's identity figures come from `python -m tools.identity_accuracy 300 11`: it had stopped running (it
    asked etl.load.identity for a name that module no longer holds). Ten GENERATED departments here."""
    from tools import identity_accuracy

    identity_accuracy.main(10, 11, reverse=False)
    assert capsys.readouterr().out.endswith("split projects 0\n")


def _earlier_year_loaded_after(sample_copy: Path, warehouse: str | Path) -> None:
    """The real 2024 table loaded, then its GENERATED prior year (tools.prior_year): dim_project had kept each
    project's 2024 printing and first_year 2024 though 2023 prints it (43 of 44 printings under such a project)."""
    from tools.prior_year import derive_prior_year

    root = sample_copy.parent.parent
    assert _load(root, warehouse) == "succeeded"
    earlier = root / "2023" / sample_copy.name
    earlier.parent.mkdir()
    earlier.write_text(derive_prior_year(sample_copy.read_text(encoding="utf-8")), encoding="utf-8")
    assert _load(root, warehouse) == "succeeded"
    wrong = (
        "SELECT count(*) FROM dim_project d WHERE first_year <> (SELECT min(budget_year) FROM fact_project_budget f"
        " WHERE f.project_id = d.project_id) OR project_name <> (SELECT f.project_name FROM fact_project_budget f"
        " WHERE f.project_id = d.project_id AND f.budget_year = d.first_year)"
    )
    assert _rows(warehouse, wrong) == [(0,)]
    assert _rows(
        warehouse, f"SELECT min(first_year) FROM dim_project WHERE department_name = '{SAMPLE_DEPARTMENT}'"
    ) == [(2023,)]


def test_a_year_loaded_after_a_later_one_is_its_projects_first(sample_copy: Path, warehouse: Path) -> None:
    _earlier_year_loaded_after(sample_copy, warehouse)


@pytest.mark.usefixtures("pg_server")
def test_a_year_loaded_after_a_later_one_is_its_projects_first_on_postgres(sample_copy: Path, pg_url: str) -> None:
    _earlier_year_loaded_after(sample_copy, pg_url)
