"""The GENERATED-table generator: reproducible bytes, the sample's layout, exact totals, a complete manifest."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from tools import synth

SEED = 7
YEARS = (2023, 2024)
N_DEPARTMENTS = 6
AMOUNT_CELL = re.compile(r"(?:\d{1,3}(?:,\d{3})*\.\d{2})?")
PERIOD_SUFFIX = re.compile(r"[(（]\d{4}-\d{4}年[)）]$")
HALF_TO_FULL = str.maketrans({"(": "（", ")": "）"})


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth")
    synth.write_corpus(out, N_DEPARTMENTS, YEARS, SEED)
    return out


@pytest.fixture(scope="module")
def manifest(corpus: Path) -> dict[str, Any]:
    return json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tables() -> list[synth.GeneratedTable]:
    return synth.generate_department_years("广州市天河区司法局", (2022, 2023, 2024, 2025), SEED)


def _all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _grid(text: str) -> list[list[str]]:
    lines = text.split("\n")
    start = lines.index(synth.HEADER) + 1
    return [line.split("\t") for line in lines[start:] if line.strip()]


def _amounts(cells: list[str]) -> tuple[Decimal, ...]:
    return tuple(Decimal(c.replace(",", "")) if c else Decimal(0) for c in cells[1:5])


def _add(a: tuple[Decimal, ...], b: tuple[Decimal, ...]) -> tuple[Decimal, ...]:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _transitions(manifest: dict[str, Any]) -> list[dict[str, Any]]:
    return [t for d in manifest["departments"] for p in d["projects"] for t in p["transitions"]]


def _edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


def test_same_seed_gives_identical_bytes(corpus: Path, tmp_path: Path) -> None:
    synth.write_corpus(tmp_path, N_DEPARTMENTS, YEARS, SEED, workers=2)
    assert _all_files(tmp_path) == _all_files(corpus)


def test_other_seed_gives_other_tables() -> None:
    a = synth.generate_department_years("广州市天河区司法局", YEARS, 1)
    b = synth.generate_department_years("广州市天河区司法局", YEARS, 2)
    assert a[0].text != b[0].text


def test_first_line_labels_the_file_as_generated(corpus: Path, manifest: dict[str, Any]) -> None:
    assert manifest["n_tables"] == len(manifest["tables"]) == N_DEPARTMENTS * len(YEARS)
    for t in manifest["tables"]:
        first = (corpus / t["file"]).read_text(encoding="utf-8").split("\n", 1)[0]
        assert first.startswith(synth.LABEL_PREFIX)
        assert first == (f"# jixiao-synth: GENERATED data, not a published table "
                         f"(seed={SEED}, year={t['year']}, department={t['department']})")


def test_layout_is_the_sample_layout(corpus: Path, manifest: dict[str, Any]) -> None:
    for t in manifest["tables"]:
        lines = (corpus / t["file"]).read_text(encoding="utf-8").split("\n")
        assert lines[1:10] == ["", "", synth.TITLE, "", f"部门名称：{t['department']}", "", "单位：万元", "",
                               synth.HEADER]
        rows = _grid("\n".join(lines))
        assert rows[0][0] == "合计"
        assert all(len(cells) == 7 for cells in rows)
        assert all(AMOUNT_CELL.fullmatch(c) for cells in rows for c in cells[1:5])


def test_totals_reconcile_exactly(corpus: Path, manifest: dict[str, Any]) -> None:
    zero = (Decimal(0),) * 4
    for t in manifest["tables"]:
        rows = _grid((corpus / t["file"]).read_text(encoding="utf-8"))
        units: list[list[Any]] = []
        projects = zero
        for cells in rows[1:]:
            amounts = _amounts(cells)
            assert amounts[0] == sum(amounts[1:]) and amounts[0] > 0
            if not cells[5] and not cells[6]:
                units.append([amounts, zero])
            else:
                units[-1][1] = _add(units[-1][1], amounts)
                projects = _add(projects, amounts)
        assert units and all(subtotal == summed for subtotal, summed in units)
        grand = _amounts(rows[0])
        assert grand[0] == sum(grand[1:])
        assert grand == projects
        assert grand == tuple(sum(col) for col in zip(*(u[0] for u in units), strict=True))
        assert Decimal(t["total"]) == grand[0]


def test_project_names_are_unique_and_match_the_manifest(corpus: Path, manifest: dict[str, Any]) -> None:
    for d in manifest["departments"]:
        assert re.fullmatch(r"d\d{4}-[a-z0-9-]+", d["slug"])
        for year, rel in d["files"].items():
            assert rel == f"{year}/{d['slug']}.txt"
            rows = _grid((corpus / rel).read_text(encoding="utf-8"))
            names = [cells[0] for cells in rows[1:] if cells[5]]
            assert len(names) == len(set(names))
            assert set(names) == {p["names"][year] for p in d["projects"] if year in p["names"]}


def test_manifest_covers_every_status_rename_kind_and_change_class(manifest: dict[str, Any]) -> None:
    steps = _transitions(manifest)
    assert {s["status"] for s in steps} == set(synth.STATUSES)
    assert {s["rename_kind"] for s in steps} - {None} == set(synth.RENAME_KINDS)
    assert {c for s in steps for c in s["indicators"].values()} == set(synth.CHANGE_CLASSES)


def test_renames_are_of_the_kind_they_claim(manifest: dict[str, Any]) -> None:
    for s in _transitions(manifest):
        a, b, kind = s["name_from"], s["name_to"], s["rename_kind"]
        if s["status"] != "renamed":
            assert kind is None and (a == b or s["status"] in ("new", "dropped"))
            continue
        assert a != b
        if kind == "bracket_width":
            assert a.translate(HALF_TO_FULL) == b.translate(HALF_TO_FULL)
        elif kind == "doc_prefix_added":
            assert re.fullmatch(r"穗财政【(\d{4})】\d+号", b.removesuffix(a))
            assert int(re.search(r"【(\d{4})】", b).group(1)) == s["to_year"] - 1
        elif kind == "doc_prefix_removed":
            assert re.fullmatch(r"穗财政【\d{4}】\d+号", a.removesuffix(b))
        elif kind == "period_added":
            assert PERIOD_SUFFIX.search(b) and b.startswith(a)
        elif kind == "period_changed":
            assert PERIOD_SUFFIX.sub("", a) == PERIOD_SUFFIX.sub("", b)
        else:
            assert 1 <= _edit_distance(a, b) <= 2


def test_budget_changes_stay_within_thirty_percent(manifest: dict[str, Any]) -> None:
    for s in _transitions(manifest):
        if s["status"] in ("continued", "renamed"):
            b0, b1 = Decimal(s["budget_from"]), Decimal(s["budget_to"])
            assert Decimal(s["budget_change"]) == b1 - b0
            assert b0 * Decimal("0.7") <= b1 <= b0 * Decimal("1.3")


def _targets_by_project(table: synth.GeneratedTable) -> dict[str, dict[str, tuple[str, str | None]]]:
    return {p["id"]: {i["name"]: (i["period"], i["annual"]) for i in p["indicators"]}
            for p in table.manifest["projects"]}


def test_indicator_change_classes_match_the_tables(tables: list[synth.GeneratedTable]) -> None:
    for before, after in pairwise(tables):
        old, new = _targets_by_project(before), _targets_by_project(after)
        for s in after.manifest["transition"]["projects"]:
            o, n = old.get(s["id"], {}), new.get(s["id"], {})
            assert set(s["indicators"]) == set(o) | set(n)
            for name, cls in s["indicators"].items():
                if cls == "added":
                    assert name in n and name not in o
                elif cls == "removed":
                    assert name in o and name not in n
                elif cls == "unchanged":
                    assert o[name] == n[name] and name not in s["targets"]
                else:
                    change = s["targets"][name]
                    assert o[name] != n[name] and change["from"] != change["to"]
                    # the annual value, or the period value when the annual one is not printed
                    assert o[name][1] in (change["from"], None) and o[name][0].endswith(change["from"])
                    assert n[name][1] in (change["to"], None) and n[name][0].endswith(change["to"])


def test_targets_move_in_the_direction_claimed() -> None:
    assert synth.shift_target(synth.Target("≥{}%", 90, 1, "pct"), up=True).text == "≥95%"
    assert synth.shift_target(synth.Target("≤{}小时", 24, -1, "halve"), up=True).text == "≤12小时"
    assert synth.shift_target(synth.Target("{}人", 12, 1, "count"), up=True).text == "15人"
    assert synth.shift_target(synth.Target("{}%以下", 15, -1, "pct"), up=False).text == "20%以下"
    assert synth.shift_target(synth.Target("{}%", 100, 1, "pct"), up=False).text == "≥95%"
    assert synth.shift_target(synth.Target("{}%", 100, 1, "pct"), up=True) is None
    assert synth.shift_target(synth.Target("及时", group="timely"), up=True) is None


def test_amount_format_and_department_names() -> None:
    assert synth.format_amount(Decimal("1485.34")) == "1,485.34"
    assert synth.format_amount(Decimal("82.60")) == "82.60"
    assert synth.format_amount(Decimal("0.00")) == ""
    names = synth.department_names(3000, SEED)
    assert len(set(names)) == 3000
    assert all(re.fullmatch(r"广州市..区.+", n) for n in names)


def test_corpus_of_size_writes_exactly_n_tables(tmp_path: Path) -> None:
    path = synth.corpus_of_size(tmp_path, 7, SEED, years=YEARS, workers=1)
    m = json.loads(path.read_text(encoding="utf-8"))
    assert m["n_tables"] == 7 == len(list(tmp_path.rglob("*.txt")))
    assert len(m["departments"]) == 4


def test_cli_writes_a_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rc = synth.main([str(tmp_path), "--departments", "2", "--years", "2023", "2024", "--seed", "7",
                     "--workers", "1"])
    assert rc == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "manifest.json")
    assert len(list(tmp_path.glob("202[34]/*.txt"))) == 4


def test_the_project_parser_reads_generated_tables(corpus: Path, manifest: dict[str, Any]) -> None:
    dispatch = pytest.importorskip("etl.extract.dispatch")
    table_mod = pytest.importorskip("etl.transform.table")
    for t in manifest["tables"]:
        parsed = table_mod.parse_grid(dispatch.read_grid(corpus / t["file"]), t["year"])
        assert parsed.is_generated
        assert parsed.department_name == t["department"]
        assert not parsed.rejects
        assert len(parsed.projects) == t["n_projects"]
        assert parsed.n_targets == t["n_indicators"]
