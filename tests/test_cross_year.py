"""Cross-year identity and the comparison views on GENERATED year pairs whose changes are known (tools.synth)."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.load.run import run_load
from etl.text import folded
from etl.warehouse.connect import connect
from tests.synth_truth import project_truth, target_truth, write_pair
from tools import synth

PROJECT_SQL = """
    select department_name, coalesce(printed_name, previous_printed_name), status, change_yuan
    from v_project_budget_yoy where budget_year = 2024
"""
TARGET_SQL = """
    select t.department_name, coalesce(p.printed_name, p.previous_printed_name), t.indicator_name, t.change
    from v_target_yoy t join v_project_budget_yoy p using (department_name, budget_year, previous_year, project_id)
    where t.budget_year = 2024
"""


def query(warehouse: Path, sql: str) -> list[tuple]:
    con = connect(warehouse, read_only=True, published=False)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[synth.GeneratedTable]]:
    root = tmp_path_factory.mktemp("pair")
    return root, write_pair(root)


def _load(root: Path, warehouse: Path, years: tuple[int, ...]) -> None:
    for year in years:
        summary = run_load([root / str(year)], warehouse)
        assert {r.status for r in summary.results} == {"loaded"}


@pytest.mark.parametrize("order", [(2023, 2024), (2024, 2023), (2023,)], ids=["in-order", "reversed", "one-batch"])
def test_views_classify_every_project_and_target(
    pair: tuple[Path, list[synth.GeneratedTable]], tmp_path: Path, order: tuple[int, ...]
) -> None:
    root, tables = pair
    warehouse = tmp_path / "wh.duckdb"
    if order == (2023,):  # both years in one batch (one transaction)
        assert {r.status for r in run_load([root], warehouse).results} == {"loaded"}
    else:
        _load(root, warehouse, order)
    projects = {(d, n): (s, c) for d, n, s, c in query(warehouse, PROJECT_SQL)}
    assert projects == project_truth(tables)
    targets = {(d, n, folded(i)): c for d, n, i, c in query(warehouse, TARGET_SQL)}
    assert targets == target_truth(tables)


def test_truth_covers_every_kind_of_change(pair: tuple[Path, list[synth.GeneratedTable]]) -> None:
    _, tables = pair
    entries = [e for t in tables for e in t.manifest["transition"]["projects"]]
    assert {e["rename_kind"] for e in entries} >= set(synth.RENAME_KINDS)
    assert {e["status"] for e in entries} == set(synth.STATUSES)
    assert {c for e in entries for c in e["indicators"].values()} == set(synth.CHANGE_CLASSES)


def test_links_are_recorded_and_generated_loads_labelled(
    pair: tuple[Path, list[synth.GeneratedTable]], tmp_path: Path
) -> None:
    root, _ = pair
    warehouse = tmp_path / "wh.duckdb"
    _load(root, warehouse, (2023, 2024))
    methods = dict(
        query(warehouse, "select link_method, count(*) from v_project_budget_yoy where status = 'renamed' group by 1")
    )
    assert set(methods) <= {"exact", "normalised", "fuzzy"} and methods.get("fuzzy") and methods.get("normalised")
    assert query(
        warehouse,
        "select count(*) from dim_project_name where link_method = 'fuzzy' and not (link_score between 80 and 100)",
    ) == [(0,)]
    assert query(warehouse, "select distinct is_generated from load_log") == [(True,)]


def test_real_twin_projects_stay_apart(sample_copy: Path, warehouse: Path) -> None:
    """A 2023 table printing only the ordinary project: the 2024 transfer twin is new, the ordinary one continues."""
    text = sample_copy.read_text(encoding="utf-8")
    earlier = sample_copy.parent.parent / "2023" / sample_copy.name
    earlier.parent.mkdir()
    earlier.write_text(
        "\n".join(line for line in text.splitlines() if not line.startswith("穗财政【2023】79号专职人民调解")),
        encoding="utf-8",
    )
    for path in (sample_copy, earlier):  # the later year first
        run_load([path], warehouse)
    rows = query(
        warehouse,
        "select printed_name, status from v_project_budget_yoy where project_name = '专职人民调解服务项目经费'",
    )
    assert sorted(rows) == [
        ("专职人民调解服务项目经费", "continued"),
        ("穗财政【2023】79号专职人民调解服务项目经费", "new"),
    ]


def test_alias_file_overrides_the_automatic_link(
    sample_copy: Path, warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = sample_copy.read_text(encoding="utf-8")
    earlier = sample_copy.parent.parent / "2023" / sample_copy.name
    earlier.parent.mkdir()
    earlier.write_text(
        text.replace("法制业务经费", "法治业务经费").replace("律师管理业务经费", "律师业务管理经费"), encoding="utf-8"
    )
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(
        "department_name,name,same_as,note\n"
        "广州市天河区司法局,法治业务经费,,a different project\n"
        "广州市天河区司法局,律师业务管理经费,律师管理业务经费,same project\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("JIXIAO_ALIASES", str(aliases))
    run_load([earlier], warehouse)
    run_load([sample_copy], warehouse)
    rows = dict(
        query(
            warehouse,
            "select coalesce(printed_name, previous_printed_name), status || ':' || "
            "coalesce(link_method, '') from v_project_budget_yoy where status <> 'continued'",
        )
    )
    assert rows == {"法治业务经费": "dropped:", "法制业务经费": "new:", "律师管理业务经费": "renamed:alias"}


def test_targets_pair_when_a_later_year_prints_the_department_differently(tmp_path: Path, sample_path: Path) -> None:
    """The same project names under a department printed with a space from 2024 on (one name_key, the folding
    drops the space): fact_target keeps each table's own department, as fact_project_budget does, so the
    targets of 2025 pair with 2024's (a department taken from the first printing paired none)."""
    text = sample_path.read_text(encoding="utf-8")
    for year in (2023, 2024, 2025):
        table = text if year == 2023 else text.replace("部门名称：广州市天河区司法局", "部门名称：广州市天河区 司法局")
        (tmp_path / "raw" / str(year)).mkdir(parents=True)
        (tmp_path / "raw" / str(year) / sample_path.name).write_text(table, encoding="utf-8")
    warehouse = tmp_path / "wh.duckdb"
    run_load([tmp_path / "raw"], warehouse)
    stored = "select distinct budget_year, department_name from fact_target order by 1"
    name = "广州市天河区司法局"  # the space dropped when the table is read (clean_department): one spelling
    assert query(warehouse, stored) == [(2023, name), (2024, name), (2025, name)]
    pairs = query(warehouse, "select budget_year, change, count(*) from v_target_yoy group by all order by 1")
    assert pairs == [(2024, "unchanged", 109), (2025, "unchanged", 109)]  # one of 110 an exact repeat, left out


def test_a_first_load_names_every_project_new_but_what_the_alias_file_keeps_apart(
    sample_copy: Path, warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A department's first year has nothing to link to: every name is a new identity (the loader skips the
    linker then), except a name the alias file keeps apart, which the linker still marks as such."""
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(
        "department_name,name,same_as,note\n广州市天河区司法局,法制业务经费,,a project of its own\n", encoding="utf-8"
    )
    monkeypatch.setenv("JIXIAO_ALIASES", str(aliases))
    run_load([sample_copy], warehouse)
    methods = dict(query(warehouse, "SELECT link_method, count(*) FROM dim_project_name GROUP BY 1"))
    assert methods == {"new": 21, "kept_apart": 1}
    monkeypatch.delenv("JIXIAO_ALIASES")
    other = tmp_path / "w2" / "jixiao.duckdb"
    run_load([sample_copy], other)
    assert query(other, "SELECT link_method, count(*) FROM dim_project_name GROUP BY 1") == [("new", 22)]
    assert query(other, "SELECT count(*), count(DISTINCT project_id) FROM dim_project_name") == [(22, 22)]
