"""Hostile review of round 21's identities given back (etl/load/continuity.py, identity.corrected_links): sequences of
prune, restore and correction through the real entry point (etl.load.run.run_load), on DuckDB and PostgreSQL.

Real files: the sample (广州市天河区司法局 2024) and copies of it with names edited; beside it GENERATED tables of
another department (tools.synth), so that pruning the sample does not empty the folder. Every load must pass the
quality gate (a run whose checks fail is not 'succeeded').
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from etl.load import continuity, identity, writer
from etl.load.run import run_load
from etl.warehouse.connect import connect
from tests.inline_tables import HEADER, TITLE, UNIT, project_row
from tools import synth

SAMPLE_DEPARTMENT = "广州市天河区司法局"
NEIGHBOUR = "某市某区民政局"  # GENERATED
RENAMED_FROM, RENAMED_TO = "律师管理业务经费", "全新的公共法律服务平台运维项目"  # far apart: no rule links them
TYPO_FIXED = "律师管理业务费"  # fuzz.ratio 93.33 against RENAMED_FROM


def _rows(warehouse: str | Path, sql: str, args: list | None = None) -> list[tuple]:
    con = connect(warehouse, read_only=True, published=False) if isinstance(warehouse, Path) else connect(warehouse)
    try:
        return sorted(con.execute(sql, args or []).fetchall(), key=repr)
    finally:
        con.close()


def _ids(warehouse: str | Path) -> dict[str, tuple[int, int, str]]:
    """name_key -> (budget_year, project_id, link_method) of the sample department's current facts."""
    rows = _rows(
        warehouse,
        "SELECT f.name_key, f.budget_year, f.project_id, n.link_method FROM fact_project_budget f "
        f"JOIN dim_project_name n USING (name_key) WHERE f.department_name = '{SAMPLE_DEPARTMENT}'",
    )
    return {k: (y, p, m) for k, y, p, m in rows}


def _key(ids: dict, name: str) -> str:
    (found,) = [k for k in ids if k.endswith("||" + name)]
    return found


def _load(root: Path, warehouse: str | Path, **kwargs: object) -> None:
    report = run_load([str(root)], str(warehouse), **kwargs)
    assert report.outcome == "succeeded", (report.error, [c.name for c in report.failed_checks])


def _edit(path: Path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def root(sample_copy: Path) -> Path:
    """raw/: the sample under 2024, a GENERATED table of another department for 2023 and 2024 beside it."""
    synth.write_corpus(sample_copy.parent.parent, [NEIGHBOUR], (2023, 2024), 7)
    return sample_copy.parent.parent


# ---- the alias file's pairs hold across a correction -----------------------------------------------------------------


def test_a_correction_the_alias_file_pairs_keeps_the_project_id(
    root: Path, sample_copy: Path, warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The analyst wrote that the renamed project is the old one. The correction retires the old printing before the
    linker runs, so the linker's alias rule had nothing to claim, and corrected_links compared names only: the
    renamed project became a new project, against the alias file, which wins over everything."""
    after = _aliased_correction(root, sample_copy, warehouse, tmp_path, monkeypatch)
    assert len({p for _, p, _ in after.values()}) == 22


def _aliased_correction(
    root: Path, sample_copy: Path, warehouse: str | Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> dict:
    """The sample loaded, then corrected with a rename the alias file pairs with the old name: the ids after, the
    renamed project's checked to be the old one's."""
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(
        f"department_name,name,same_as,note\n{SAMPLE_DEPARTMENT},{RENAMED_TO},{RENAMED_FROM},renamed\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("JIXIAO_ALIASES", str(aliases))
    _load(root, warehouse)
    before = _ids(warehouse)
    _edit(sample_copy, RENAMED_FROM, RENAMED_TO)
    _load(root, warehouse)
    after = _ids(warehouse)
    assert after[_key(after, RENAMED_TO)][1] == before[_key(before, RENAMED_FROM)][1]  # was: a new id
    return after


def test_corrected_links_an_alias_pair_wins_over_a_nearer_name() -> None:
    """Two retired printings: the one the alias file pairs with the new name wins over a nearer one by name."""
    printings = pd.DataFrame(
        [
            (1, 2024, SAMPLE_DEPARTMENT, SAMPLE_DEPARTMENT, RENAMED_FROM, None),
            (2, 2024, SAMPLE_DEPARTMENT, SAMPLE_DEPARTMENT, "律师管理事务费", None),
        ],
        columns=list(identity.CANDIDATE_COLUMNS),
    )
    new = pd.DataFrame(
        [("k", SAMPLE_DEPARTMENT, SAMPLE_DEPARTMENT, TYPO_FIXED, None, 2024)], columns=list(identity.NEW_NAME_COLUMNS)
    )
    aliases = pd.DataFrame(
        [(SAMPLE_DEPARTMENT, TYPO_FIXED, "律师管理事务费", "")], columns=list(identity.ALIAS_COLUMNS)
    )
    assert identity.corrected_links(new, printings) == {"k": 1}
    assert identity.corrected_links(new, printings, aliases) == {"k": 2}


# ---- an id is given back only inside its department ------------------------------------------------------------------


def test_a_retired_id_of_another_departments_project_is_not_given_back(
    root: Path, sample_copy: Path, warehouse: Path
) -> None:
    """Planted: retired_project_name says the sample's corrected name had the id of a 2023 project of the
    GENERATED department (not printed in 2024). The name took it: a 司法局 fact under a 民政局 dim_project row."""
    _foreign_id_planted(root, sample_copy, warehouse)


def _foreign_id_planted(root: Path, sample_copy: Path, warehouse: str | Path) -> None:
    (root / "2024" / f"{_neighbour_file(root, 2024)}").unlink()  # the neighbour's 2024 would print its projects
    _load(root, warehouse)
    foreign = _rows(warehouse, f"SELECT min(project_id) FROM dim_project WHERE department_name = '{NEIGHBOUR}'")[0][0]
    key = _key(_ids(warehouse), RENAMED_FROM).replace(RENAMED_FROM, RENAMED_TO)
    con = connect(warehouse, published=False) if isinstance(warehouse, Path) else connect(warehouse)
    try:
        con.execute("INSERT INTO retired_project_name VALUES (?, ?, ?, now())", [key, foreign, RENAMED_TO])
    finally:
        con.close()
    _edit(sample_copy, RENAMED_FROM, RENAMED_TO)
    _load(root, warehouse)
    assert _ids(warehouse)[key][1] != foreign
    wrong = _rows(
        warehouse,
        "SELECT count(*) FROM fact_project_budget f JOIN dim_project p USING (project_id) "
        "WHERE f.department_name <> p.department_name",
    )
    assert wrong == [(0,)]


def _neighbour_file(root: Path, year: int) -> str:
    (found,) = [p.name for p in (root / str(year)).iterdir() if p.name != "tianhe-sfj.txt"]
    return found


def _pruned(root: Path, source: Path, warehouse: str | Path) -> Path:
    """``source`` moved out of the sources (a file moved within them keeps its load) and its facts pruned; where it
    is kept."""
    kept = root.parent / "kept.bak"
    shutil.move(source, kept)
    _load(root, warehouse, prune_disappeared=True)
    return kept


# ---- sequences that must keep every id -------------------------------------------------------------------------------


def test_pruned_then_restored_under_another_name_and_folder(root: Path, sample_copy: Path, warehouse: Path) -> None:
    _load(root, warehouse)
    before = _ids(warehouse)
    kept = _pruned(root, sample_copy, warehouse)
    assert _ids(warehouse) == {}
    elsewhere = root / "2024" / "sub" / "司法局-重新发布.txt"
    elsewhere.parent.mkdir()
    shutil.move(kept, elsewhere)
    _load(root, warehouse)
    assert _ids(warehouse) == before
    assert _rows(warehouse, "SELECT count(*) FROM retired_project_name") == [(0,)]


def test_pruned_then_restored_with_a_typo_fixed(root: Path, sample_copy: Path, warehouse: Path) -> None:
    """Other bytes: the same names keep their ids; the name printed otherwise is not the retired name."""
    _load(root, warehouse)
    before = _ids(warehouse)
    kept = _pruned(root, sample_copy, warehouse)
    shutil.move(kept, sample_copy)
    _edit(sample_copy, "严格落实行业监管", "严格落实行业监督")  # 律师管理业务经费's goal
    _load(root, warehouse)
    after = _ids(warehouse)
    assert {k: p for k, (_, p, _) in after.items()} == {k: p for k, (_, p, _) in before.items()}


def test_a_swap_of_near_names_gives_each_its_nearest(root: Path, sample_copy: Path, warehouse: Path) -> None:
    """Two projects of the table corrected to names near each other's old names: each takes the project its name
    is nearest (best evidence first, one name a project), nothing doubled."""
    _load(root, warehouse)
    before = _ids(warehouse)
    a, b = "法律援助补贴和业务经费", "普法宣传业务经费"
    text = sample_copy.read_text(encoding="utf-8")
    text = text.replace(a, "@A@", 1).replace(b, "普法宣传业务费", 1).replace("@A@", "法律援助补贴和业务费", 1)
    sample_copy.write_text(text, encoding="utf-8")
    _load(root, warehouse)
    after = _ids(warehouse)
    assert after[_key(after, "法律援助补贴和业务费")][1] == before[_key(before, a)][1]
    assert after[_key(after, "普法宣传业务费")][1] == before[_key(before, b)][1]
    assert len({p for _, p, _ in after.values()}) == 22


def test_renamed_to_a_name_another_project_had(root: Path, sample_copy: Path, warehouse: Path) -> None:
    """律师管理业务经费 corrected to 律师行业政策支持资金's old name, which is corrected away to another: the exact name
    keeps its project; the other, far from every retired printing, is new; no id held twice in the year."""
    _load(root, warehouse)
    before = _ids(warehouse)
    text = sample_copy.read_text(encoding="utf-8")
    text = text.replace("律师行业政策支持资金", "律师行业纾困专项资金", 1)
    text = text.replace(RENAMED_FROM, "律师行业政策支持资金", 1)
    sample_copy.write_text(text, encoding="utf-8")
    _load(root, warehouse)
    after = _ids(warehouse)
    assert after[_key(after, "律师行业政策支持资金")][1] == before[_key(before, "律师行业政策支持资金")][1]
    assert len({p for _, p, _ in after.values()}) == 22


def test_years_pruned_and_restored_in_another_order(root: Path, sample_copy: Path, warehouse: Path) -> None:
    """2023 and 2024 of the department (2023: the sample with a name three years older); both pruned; 2024 put back
    first, then 2023: every id as before."""
    older = root / "2023" / "tianhe-sfj-2023.txt"
    shutil.copy(sample_copy, older)
    _edit(older, RENAMED_FROM, RENAMED_TO)  # a name of 2023 only
    _load(root, warehouse)
    before = _ids(warehouse)
    shelf = root.parent / "shelf"
    shelf.mkdir()
    shutil.move(sample_copy, shelf / "2024.txt")
    shutil.move(older, shelf / "2023.txt")
    _load(root, warehouse, prune_disappeared=True)
    assert _ids(warehouse) == {}
    shutil.move(shelf / "2024.txt", sample_copy)
    _load(root, warehouse)
    shutil.move(shelf / "2023.txt", older)
    _load(root, warehouse)
    assert {k: (y, p) for k, (y, p, _) in _ids(warehouse).items()} == {k: (y, p) for k, (y, p, _) in before.items()}
    from etl.report import write_report

    assert write_report(SAMPLE_DEPARTMENT, 2023, 2024, root.parent / "out", warehouse)  # `jixiao report` runs


def test_a_restored_name_the_linker_links_leaves_retired_project_name(
    root: Path, sample_copy: Path, warehouse: Path
) -> None:
    """2023 prints 律师管理业务费, 2024 律师管理业务经费 (one project, fuzzy). 2023 pruned and put back: the linker
    links the name again (to the 2024 printing), so continuity never gave it back and its retired row stayed, an id
    beside a name of dim_project_name (after the multi-year equivalence run: 153 such rows of 6,802 names)."""
    older = root / "2023" / "tianhe-sfj-2023.txt"
    shutil.copy(sample_copy, older)
    _edit(older, RENAMED_FROM, TYPO_FIXED)
    _load(root, warehouse)
    before = _ids(warehouse)
    kept = _pruned(root, older, warehouse)
    assert _rows(warehouse, "SELECT count(*) FROM retired_project_name") == [(1,)]
    shutil.move(kept, older)
    _load(root, warehouse)
    assert {k: (y, p) for k, (y, p, _) in _ids(warehouse).items()} == {k: (y, p) for k, (y, p, _) in before.items()}
    stale = "SELECT count(*) FROM retired_project_name r JOIN dim_project_name n USING (name_key)"
    assert _rows(warehouse, stale) == [(0,)]  # was 1


def test_a_parser_version_change_after_a_correction(
    root: Path, sample_copy: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Everything read again by a new parser version after a name was retired: ids stay, the retired name is still
    remembered, and the correction undone afterwards gets its id back."""
    original = sample_copy.read_text(encoding="utf-8")
    _load(root, warehouse)
    before = _ids(warehouse)
    _edit(sample_copy, RENAMED_FROM, RENAMED_TO)
    _load(root, warehouse)
    corrected = _ids(warehouse)
    from etl.load import incremental
    from etl.transform import frames

    for module in (incremental, writer, frames):
        monkeypatch.setattr(module, "PARSER_VERSION", module.PARSER_VERSION + 1)
    _load(root, warehouse)
    assert {k: p for k, (_, p, _) in _ids(warehouse).items()} == {k: p for k, (_, p, _) in corrected.items()}
    remembered = "SELECT count(*) FROM retired_project_name WHERE name_key LIKE ?"
    assert _rows(warehouse, remembered, [f"%{RENAMED_FROM}"]) == [(1,)]
    sample_copy.write_text(original, encoding="utf-8")
    _load(root, warehouse)
    assert {k: p for k, (_, p, _) in _ids(warehouse).items()} == {k: p for k, (_, p, _) in before.items()}


def test_a_crash_while_ids_are_given_back_leaves_everything_as_before(
    root: Path, sample_copy: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crash_while_giving_back(root, sample_copy, warehouse, monkeypatch)


def _crash_while_giving_back(
    root: Path, sample_copy: Path, warehouse: str | Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The restoring batch fails after continuity gave the ids back and deleted their retired rows: rolled back."""
    _load(root, warehouse)
    before = _ids(warehouse)
    kept = _pruned(root, sample_copy, warehouse)
    retired = _rows(warehouse, "SELECT name_key, project_id FROM retired_project_name")
    projects = _rows(warehouse, "SELECT * FROM dim_project")
    shutil.move(kept, sample_copy)

    def crash(*args: object) -> None:
        raise RuntimeError("injected after the ids were given back")

    monkeypatch.setattr(writer, "_insert_facts", crash)
    with pytest.raises(RuntimeError, match="injected"):
        run_load([str(root)], str(warehouse))
    assert len(retired) == 22
    assert _rows(warehouse, "SELECT name_key, project_id FROM retired_project_name") == retired
    assert _rows(warehouse, "SELECT * FROM dim_project") == projects
    assert _ids(warehouse) == {}
    monkeypatch.undo()
    _load(root, warehouse)
    assert _ids(warehouse) == before


def test_the_alias_file_changed_between_prune_and_restore(
    root: Path, sample_copy: Path, warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the prune the analyst keeps 律师管理业务经费 apart and pairs 法制业务经费 with 律师行业政策支持资金 (both
    printed by the table): an exact reprint still continues its own project, nothing is held twice."""
    _load(root, warehouse)
    before = _ids(warehouse)
    kept = _pruned(root, sample_copy, warehouse)
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(
        f"department_name,name,same_as,note\n{SAMPLE_DEPARTMENT},{RENAMED_FROM},,apart\n"
        f"{SAMPLE_DEPARTMENT},法制业务经费,律师行业政策支持资金,paired\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("JIXIAO_ALIASES", str(aliases))
    shutil.move(kept, sample_copy)
    _load(root, warehouse)
    after = _ids(warehouse)
    assert {k: p for k, (_, p, _) in after.items()} == {k: p for k, (_, p, _) in before.items()}
    assert after[_key(after, RENAMED_FROM)][2] == "kept_apart"


def _generated_table(root: Path, year: int, names: list[str]) -> Path:
    """A GENERATED text table of 某区科技局 for ``year``, one project row a name (10.00 万元 each)."""
    header = "\t".join(HEADER)
    rows = ["\t".join(project_row(name, "10.00")) for name in names]
    path = root / str(year) / "keji.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([TITLE, "部门名称：某区科技局", UNIT, header, *rows]) + "\n", encoding="utf-8")
    return path


def test_two_corrected_years_in_one_batch_do_not_double_a_project_year(tmp_path: Path) -> None:
    """2023 prints 业务装备购置经费; 2024 prints it and the transfer project 穗财政【2023】18号业务装备购置经费. Both
    years corrected to 业务装备购置费 in one batch: the new name, linked at 2023, took the transfer project (its 2024
    row is a candidate: a name already known), then printed 2024 under it beside that project's own name: duplicate
    key (project, 2024), the batch refused with a traceback (also before round 21: dc947de)."""
    root, warehouse = tmp_path / "raw", tmp_path / "wh.duckdb"
    for year, names in (
        (2023, ["业务装备购置经费"]),
        (2024, ["业务装备购置经费", "穗财政【2023】18号业务装备购置经费"]),
    ):
        _generated_table(root, year, names)
    _load(root, warehouse)
    sql = "SELECT project_name, transfer_doc_no, budget_year, project_id FROM fact_project_budget ORDER BY ALL"

    def printings() -> list[tuple]:
        con = connect(warehouse, read_only=True, published=False)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    before = printings()
    for year in (2023, 2024):
        _edit(root / str(year) / "keji.txt", "业务装备购置经费\t", "业务装备购置费\t")
    _load(root, warehouse)  # it failed: duplicate key (project, 2024)
    after = printings()
    # each project keeps its id: the renamed one continues its own retired printings (the correction's), not the
    # transfer project the linker had found first
    assert [(y, p) for *_, y, p in after] == [(y, p) for *_, y, p in before]
    assert [n for n, *_ in after] == [
        n.replace("业务装备购置经费", "业务装备购置费") if d is None else n for n, d, *_ in before
    ]


# ---- cost ------------------------------------------------------------------------------------------------------------


def test_a_correction_of_5000_renamed_projects_is_answered_in_bounded_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """corrected_links scored each new name against the unit's retired printings with two rapidfuzz calls a name
    (10,000 calls for 5,000 renamed projects) and compared every printing near by the corroborated rule, which a
    retired printing (no indicators) can never pass: 5,000 look-alike names (第12号… and 第13号… are 88 alike) made
    25 million comparisons, a minute of CPU in a correction's load. Now a chunk of 256 names a call, and only the
    printings near by name alone are compared. Each renamed project keeps its own id."""
    n, dept, unit = 5_000, "某区测试局", "某区测试局"  # GENERATED
    old = [f"第{i}号社区服务站运营经费" for i in range(n)]
    printings = pd.DataFrame(
        [(i + 1, 2024, dept, unit, name, None) for i, name in enumerate(old)], columns=list(identity.CANDIDATE_COLUMNS)
    )
    new = pd.DataFrame(
        [(f"k{i}", dept, unit, name.replace("经费", "费"), None, 2024) for i, name in enumerate(old)],
        columns=list(identity.NEW_NAME_COLUMNS),
    )
    calls = {"cdist": 0, "compare": 0}

    def counted(name: str, real: Callable) -> Callable:
        def call(*args: object, **kwargs: object) -> object:
            calls[name] += 1
            return real(*args, **kwargs)

        return call

    monkeypatch.setattr(identity.process, "cdist", counted("cdist", identity.process.cdist))
    monkeypatch.setattr(identity, "compare", counted("compare", identity.compare))
    links = identity.corrected_links(new, printings)
    assert links == {f"k{i}": i + 1 for i in range(n)}
    assert calls["cdist"] <= 2 * -(-n // 256)  # was 10,000
    assert calls["compare"] <= 10 * n  # the near pairs by name (39,002 here); was 10,818,028


def test_a_correction_reads_only_the_years_printings_it_asks_about(
    root: Path, sample_copy: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once anything was retired, every batch read the ids of every project its year prints into Python (the
    GENERATED neighbour's 2024 and the sample's: a national warehouse's year, each batch); it now asks about the ids
    in question only: the retired names' and the corrected table's (at most its 22 projects)."""
    _load(root, warehouse)
    _edit(sample_copy, RENAMED_FROM, RENAMED_TO)
    _load(root, warehouse)  # 律师管理业务经费 retired: retired_project_name is no longer empty
    fetched: list[int] = []
    real = continuity.given_back

    class Counted:
        def __init__(self, con: object) -> None:
            self.con = con

        def execute(self, *args: object) -> Counted:
            self.result = self.con.execute(*args)
            return self

        def fetchall(self) -> list[tuple]:
            rows = self.result.fetchall()
            fetched.append(len(rows))
            return rows

        def __getattr__(self, name: str) -> object:
            return getattr(self.con, name)

    monkeypatch.setattr(continuity, "given_back", lambda con, *a: real(Counted(con), *a))
    _edit(sample_copy, "法制业务经费", "法治业务经费")  # a second correction of the table
    _load(root, warehouse)
    printed_2024 = _rows(warehouse, "SELECT count(*) FROM fact_project_budget WHERE budget_year = 2024")[0][0]
    assert printed_2024 > 40 and fetched and max(fetched) <= 22  # the table's own; was every project printed in 2024


# ---- PostgreSQL ------------------------------------------------------------------------------------------------------


@pytest.mark.usefixtures("pg_server")
def test_an_aliased_correction_on_postgres(
    root: Path, sample_copy: Path, pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _aliased_correction(root, sample_copy, pg_url, tmp_path, monkeypatch)


@pytest.mark.usefixtures("pg_server")
def test_a_crash_while_ids_are_given_back_on_postgres(
    root: Path, sample_copy: Path, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _crash_while_giving_back(root, sample_copy, pg_url, monkeypatch)


@pytest.mark.usefixtures("pg_server")
def test_a_foreign_id_is_not_given_back_on_postgres(root: Path, sample_copy: Path, pg_url: str) -> None:
    _foreign_id_planted(root, sample_copy, pg_url)


def test_given_back_on_a_first_load_asks_one_exists(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing retired, no correction: one EXISTS and nothing else (the first load's cost)."""
    seen: list[str] = []

    class Con:
        def execute(self, sql: str, args: object = None) -> Con:
            seen.append(sql)
            return self

        def fetchall(self) -> list[tuple]:
            return [(False,)]

    links = pd.DataFrame({"name_key": ["a"], "budget_year": [2024], "project_id": pd.array([None], dtype="Int64")})
    assert continuity.given_back(Con(), links).equals(links)  # type: ignore[arg-type]
    assert len(seen) == 1 and "EXISTS" in seen[0]
