"""Smoke test: the benchmark runs end to end at a tiny size (no timings are asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_benchmark_runs_at_a_tiny_size(tmp_path: Path) -> None:
    out = tmp_path / "latest.json"
    cmd = [sys.executable, "-m", "bench.run", "--small", "10", "--large", "20", "--batch-size", "8", "--no-flow"]
    cmd += ["--copies", "5", "--repeats", "1"]
    cmd += ["--corpus-root", str(tmp_path / "corpus"), "--scratch", str(tmp_path / "scratch"), "--out", str(out)]
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    doc = json.loads(out.read_text(encoding="utf-8"))
    results = doc["results"]
    assert results["load_S"]["files"] == {"loaded": 10}
    assert results["load_L"]["files"] == {"loaded": 20}
    assert results["noop_L"]["files"] == {"unchanged": 20}
    assert results["floor_copies"]["files"] == 5 and results["floor_copies"]["targets"] == 5 * 110
    assert results["cli_load_copies"]["exit_code"] == 0
    assert len(results["rounds"]) == 3 and all(x["cli_load"]["exit_code"] == 0 for x in results["rounds"])
    assert len(doc["figures"]["cli_minus_start_over_floor_rounds"]) == 3  # the spread of the ratio
    assert results["baseline_S"]["rows_written"] > 0
    formats = results["one_file_formats"]  # the sample as a PDF, a workbook … each loaded whole
    assert set(formats) == {"pdf", "xlsx", "docx", "html", "xls"}
    assert all(x["exit_codes"] == [0] and len(x["runs"]) == 1 for x in formats.values())
    assert set(doc["figures"]["one_file_formats_s"]) == set(formats)
    assert results["views_L"]["views"]["v_target"]["rows"] > 0
    assert results["audit_L"]["exit_code"] == 0 and results["audit_L"]["query_s"] > 0
    for command in ("report_L", "audit_L"):  # each timed three times, the median read
        timed = results[command]
        assert len(timed["walls_s"]) == 3 and timed["wall_min_s"] <= timed["wall_s"] <= timed["wall_max_s"]
    assert {t["target"] for t in doc["targets"]} >= {"full load of L, s (no Prefect)", "time(L) / time(S)"}
    assert "GENERATED" in next((tmp_path / "corpus").rglob("*.txt")).read_text(encoding="utf-8")


def test_the_renaming_benchmark_loads_what_it_generates(tmp_path: Path) -> None:
    """bench.renaming's corpus: labelled GENERATED, most names new each year, and a load of it reconciles and links
    the names kept (the loader's CPU it prints is of a real load)."""
    from bench.renaming import loader_cpu, renamed_corpus
    from etl.warehouse.connect import connect

    folder = renamed_corpus(60, [2023, 2024, 2025], root=tmp_path)
    files = sorted(folder.rglob("*.txt"))
    assert len(files) == 3 and all(f.read_text(encoding="utf-8").startswith("# jixiao-synth: GENERATED") for f in files)
    assert loader_cpu([files[-1]], tmp_path / "w.duckdb", before=files[:-1]) > 0
    con = connect(tmp_path / "w.duckdb", read_only=True)
    try:
        counts = con.execute(
            "select count(*) filter (where status = 'continued'), count(*) filter (where status = 'new') "
            "from v_project_budget_yoy where budget_year = 2025"
        ).fetchone()
        failed = con.execute("select count(*) from fact_reconciliation where not passed").fetchone()[0]
    finally:
        con.close()
    assert failed == 0
    assert 0 < counts[0] < counts[1]  # most names new, the rest continued under the same name


def test_the_loader_steps_replay_loads_the_parsed_batches_and_restores_the_library(tmp_path: Path) -> None:
    """bench.loader_steps: the batches parsed first load through run_load as a real load does (every file, the
    same rows as a load that parses), each named step timed, and nothing of the library left wrapped."""
    import etl.load.identity as identity
    import etl.load.run as run
    import etl.load.writer as writer
    from bench.loader_steps import STEPS, pickled_batches, replay
    from bench.renaming import renamed_corpus
    from etl.warehouse.connect import connect

    folder = renamed_corpus(40, [2023, 2024, 2025], root=tmp_path)
    originals = (run.parsed_batches, writer._insert_facts, identity.Linker.link)
    batches = pickled_batches(folder, tmp_path, workers=1)
    got = replay(folder, tmp_path / "w.duckdb", batches)
    assert (run.parsed_batches, writer._insert_facts, identity.Linker.link) == originals
    assert got["outcome"] == "succeeded" and got["loader_cpu_s"] > 0
    assert set(got["steps_cpu_s"]) == {name for _, name in STEPS}
    assert got["calls"]["write_plan"] == len(batches) and got["calls"]["Linker.link"] >= 2  # 2024 and 2025 linked
    con = connect(tmp_path / "w.duckdb", read_only=True)
    try:
        loaded = con.execute("select count(*) from load_log where status = 'loaded'").fetchone()[0]
        targets = con.execute("select count(*) from fact_target").fetchone()[0]
    finally:
        con.close()
    assert loaded == 3 and targets == got["targets"] > 0


def test_the_readers_benchmark_times_each_file() -> None:
    pdf = ROOT / "tests" / "fixtures" / "layouts_real" / "2024" / "tianhe-sfj.pdf"
    cmd = [sys.executable, "-m", "bench.readers", str(pdf), str(ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt")]
    done = subprocess.run([*cmd, "--repeats", "2", "--against-pdfplumber"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert [Path(x["file"]).suffix for x in lines] == [".pdf", ".txt"]
    assert all(x["rows"] > 20 and 0 <= x["min_s"] <= x["median_s"] <= x["max_s"] for x in lines)
    assert lines[0]["pdfplumber_median_s"] > 0 and "pdfplumber_median_s" not in lines[1]  # the PDF paired, same grid
