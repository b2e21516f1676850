"""jixiao report on a GENERATED year pair with known changes: the tables list exactly those changes, the
workbook holds the same rows as the page, every value is escaped, and the page renders in headless Chromium."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook

from etl.load.run import run_load
from etl.report import ReportFiles, write_report
from etl.text import folded
from tests.synth_truth import write_pair
from tools import synth

CHANGE = {"added": "新增", "removed": "删除", "raised": "提高", "lowered": "降低", "changed": "改变"}
SHEETS = ["概要", "新增项目", "撤销项目", "更名项目", "预算变动", "指标变动", "审核发现"]
TABLE_IDS = [
    "summary", "new-projects", "dropped-projects", "renamed-projects", "budget-changes", "target-changes", "audit"
]
HOSTILE = "<法制>业务经费&amp;\"'<'"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[ReportFiles, synth.GeneratedTable]:
    root = tmp_path_factory.mktemp("report")
    later = write_pair(root / "data")[0]
    run_load([root / "data"], root / "wh.duckdb")
    return write_report(later.department, 2023, 2024, root / "out", root / "wh.duckdb"), later


def truth(table: synth.GeneratedTable) -> dict[str, set]:
    entries = table.manifest["transition"]["projects"]
    return {
        "新增项目": {e["name_to"] for e in entries if e["status"] == "new"},
        "撤销项目": {e["name_from"] for e in entries if e["status"] == "dropped"},
        "更名项目": {(e["name_from"], e["name_to"]) for e in entries if e["status"] == "renamed"},
        "预算变动": {e["name_to"] or e["name_from"] for e in entries if Decimal(e["budget_change"])},
        "指标变动": {
            (e["name_to"] or e["name_from"], folded(name), CHANGE[change])
            for e in entries
            for name, change in e["indicators"].items()
            if change != "unchanged"
        },
    }


def listed(rows: list[tuple], sheet: str) -> set:
    """The changes a table lists, in the shape of truth()."""
    if sheet in ("新增项目", "撤销项目"):
        return {r[2] for r in rows}
    if sheet == "更名项目":
        return {(r[1], r[2]) for r in rows}
    if sheet == "预算变动":
        return {r[1] for r in rows}
    return {(r[1], folded(r[2]), r[3]) for r in rows}


def test_workbook_lists_exactly_the_known_changes(report: tuple[ReportFiles, synth.GeneratedTable]) -> None:
    files, table = report
    book = load_workbook(files.xlsx)
    assert book.sheetnames == SHEETS
    assert [c.value for c in book["新增项目"][1]] == ["年度", "单位", "项目名称", "本年总计（万元）"]
    rows = {name: list(book[name].iter_rows(min_row=2, values_only=True)) for name in SHEETS}
    for sheet, expected in truth(table).items():
        assert listed(rows[sheet], sheet) == expected, sheet
    moved = rows["预算变动"]
    assert all(isinstance(r[5], int | float) for r in moved)  # amounts are numbers, not text
    assert [abs(r[5]) for r in moved] == sorted((abs(r[5]) for r in moved), reverse=True)
    assert rows["概要"][-1][:3] == (2024, len(table.manifest["projects"]), float(table.manifest["total"]))
    assert "GENERATED" in files.markdown_text
    audit = {r[0]: r[1:] for r in rows["审核发现"]}  # jixiao audit's counts in both years
    assert [c.value for c in book["审核发现"][1]] == ["审核项", "2023", "2024"]
    assert set(audit) >= {"全部发现", "错误", "警告", "提示", "missing_level1", "vague_value", "无错误和警告的项目占比"}
    assert all(sum(audit[s][i] for s in ("错误", "警告", "提示")) == audit["全部发现"][i] for i in range(2))


def page_tables(html: str) -> dict[str, list[tuple]]:
    soup = BeautifulSoup(html, "html.parser")
    return {
        t["id"]: [tuple(td.get_text() for td in tr.find_all("td")) for tr in t.tbody.find_all("tr")]
        for t in soup.find_all("table")
    }


def test_page_holds_the_workbook_rows(report: tuple[ReportFiles, synth.GeneratedTable]) -> None:
    files, _ = report
    tables = page_tables(files.html.read_text(encoding="utf-8"))
    book = load_workbook(files.xlsx)
    assert list(tables) == TABLE_IDS
    for key, sheet in zip(TABLE_IDS, SHEETS, strict=True):
        assert len(tables[key]) == book[sheet].max_row - 1, key
    assert "<script" not in files.html.read_text(encoding="utf-8")
    assert "http://" not in files.html.read_text(encoding="utf-8").replace("http://www.w3.org/2000/svg", "")


def test_untrusted_project_name_is_escaped(sample_copy: Path, warehouse: Path, tmp_path: Path) -> None:
    text = sample_copy.read_text(encoding="utf-8")
    earlier = sample_copy.parent.parent / "2023" / sample_copy.name
    earlier.parent.mkdir()
    earlier.write_text(text.replace("法制业务经费", HOSTILE), encoding="utf-8")
    run_load([earlier, sample_copy], warehouse)
    files = write_report("广州市天河区司法局", 2023, 2024, tmp_path / "out", warehouse)
    html = files.html.read_text(encoding="utf-8")
    assert "<法制>" not in html and "&lt;法制&gt;业务经费&amp;amp;&#34;&#39;&lt;&#39;" in html
    dropped = page_tables(html)["dropped-projects"]
    assert [r[2] for r in dropped] == [HOSTILE]  # the text reads back exactly as printed


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed (scripts/test.sh installs it)")
def test_page_renders_in_headless_chromium(report: tuple[ReportFiles, synth.GeneratedTable], tmp_path: Path) -> None:
    files, table = report
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'profile'}",
    ]
    url = files.html.resolve().as_uri()
    dom = subprocess.run(
        ["chromium", *flags, "--dump-dom", url], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    tables = page_tables(dom)
    assert list(tables) == TABLE_IDS
    for key, sheet in zip(TABLE_IDS[1:-1], SHEETS[1:-1], strict=True):
        assert listed(tables[key], sheet) == truth(table)[sheet], key
    assert BeautifulSoup(dom, "html.parser").find("svg", id="budget-chart").find_all("rect")
    shot = files.html.with_suffix(".png")
    subprocess.run(
        ["chromium", *flags, "--window-size=1200,1600", f"--screenshot={shot}", url],
        capture_output=True,
        timeout=120,
        check=True,
    )
    assert shot.stat().st_size > 10_000
