"""SIGKILL the loader at random moments, many times; after every kill the warehouse is consistent,
and the next run completes the work. Then: two loads and an analyst session at once.

Figures for the report: FAULT_KILLS kills (tests/test_faults.py), each followed by a full invariant
check of the working and the published warehouse.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl.extract.encoding import sha256_of
from etl.transform.pipeline import process_file
from etl.warehouse.connect import connect
from etl.warehouse.locking import writer_lock
from etl.warehouse.publish import published_path
from tests.layout_facts import LAYOUTS
from tests.paths import PROJECT_ROOT
from tests.warehouse_invariants import check_invariants

pytestmark = pytest.mark.slow
FAULT_KILLS = int(os.environ.get("JIXIAO_FAULT_KILLS", "25"))
SAMPLE = PROJECT_ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt"
AMOUNT = "业务装备购置经费\t14.07\t14.07"


def _variant(year: int, version: int) -> str:
    """The sample filed under another year, one project's amount changed per year and version (so it replaces)."""
    text = SAMPLE.read_text(encoding="utf-8")
    amount = f"{Decimal('14.07') + Decimal(version) / 100 + Decimal(year - 2020) / 1000}"
    return text.replace(AMOUNT, f"业务装备购置经费\t{amount}\t{amount}")


def write_corpus(root: Path, version: int) -> dict[str, tuple[int, int, Decimal]]:
    """raw/2021-2023: sample variants (new bytes at the same path each version: they replace); raw/2024: every
    layout fixture, all the same table: the first loaded holds it, the others are refused while it exists."""
    for year in (2021, 2022, 2023):
        (root / str(year)).mkdir(parents=True, exist_ok=True)
        (root / str(year) / "tianhe.txt").write_text(_variant(year, version), encoding="utf-8")
    if not (root / "2024").exists():
        shutil.copytree(LAYOUTS, root / "2024")
    expected = {}
    for f in sorted(root.rglob("*.*")):
        t = process_file(f)
        expected[sha256_of(f.read_bytes())] = (
            len(t.projects),
            t.n_targets,
            sum((p.amounts["total"] for p in t.projects), Decimal("0.00")),
        )
    return expected


def loader(warehouse: Path, wait: float, batch_size: int, *paths: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.loader_proc", str(warehouse), str(wait), str(batch_size), *map(str, paths)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_sigkill_at_random_points(tmp_path: Path) -> None:
    rng = random.Random(4)
    root, warehouse = tmp_path / "raw", tmp_path / "wh" / "jixiao.duckdb"
    expected: dict[str, tuple[int, int, Decimal]] = {}
    expected.update(write_corpus(root, 0))
    start = time.monotonic()
    clean = loader(warehouse, 60, 1, root)
    assert clean.wait(timeout=120) == 0, clean.stderr.read()
    full_run = time.monotonic() - start
    landed: Counter[str] = Counter()
    for kill in range(1, FAULT_KILLS + 1):
        expected.update(write_corpus(root, kill))
        proc = loader(warehouse, 60, 1, root)
        time.sleep(rng.uniform(0.2, full_run))
        alive = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        out = proc.stdout.read()
        committed = out.count("batch ")
        landed["after publishing" if "published" in out else f"after {committed} of 12 batches"] += 1
        assert alive or "published" in out, proc.stderr.read()
        check_invariants(warehouse, expected)
        if published_path(warehouse).exists():
            check_invariants(published_path(warehouse), expected)
    final = loader(warehouse, 60, 1, root)
    assert final.wait(timeout=120) == 0, final.stderr.read()
    current = {sha256_of(f.read_bytes()) for f in (root / "2021", root / "2022", root / "2023") for f in f.iterdir()}
    current.add(sha256_of(sorted((root / "2024").iterdir())[0].read_bytes()))
    assert set(check_invariants(warehouse, expected)) == current
    assert set(check_invariants(published_path(warehouse), expected)) == current
    print(f"\n{FAULT_KILLS} SIGKILLs survived (full run {full_run:.1f} s); kills landed: {dict(landed)}")


def test_two_loads_and_an_analyst_at_once(tmp_path: Path) -> None:
    root, warehouse = tmp_path / "raw", tmp_path / "wh" / "jixiao.duckdb"
    expected = write_corpus(root, 0)
    first = loader(warehouse, 60, 50, root / "2021")
    assert first.wait(timeout=120) == 0, first.stderr.read()
    analyst = connect(warehouse, read_only=True)  # the published copy, held open all along
    before = analyst.execute("SELECT count(*), sum(total_yuan) FROM fact_project_budget").fetchone()
    with writer_lock(warehouse):  # someone is loading: both new loads must wait for it
        a = loader(warehouse, 60, 1, root / "2022", root / "2024")
        b = loader(warehouse, 60, 1, root / "2023", root / "2024")
        impatient = loader(warehouse, 0, 1, root / "2023")
        assert impatient.wait(timeout=60) == 2
        message = impatient.stdout.read()
        assert message.startswith("busy: another load is writing this warehouse"), message
        time.sleep(1.0)
        assert a.poll() is None and b.poll() is None, "a load did not wait for the lock"
        assert analyst.execute("SELECT count(*) FROM fact_project_budget").fetchone()[0] == before[0]
    while a.poll() is None or b.poll() is None:  # the analyst keeps querying while both load and publish
        assert analyst.execute("SELECT count(*), sum(total_yuan) FROM fact_project_budget").fetchone() == before
        time.sleep(0.05)
    assert a.returncode == 0 and b.returncode == 0, (a.stderr.read(), b.stderr.read())
    analyst.close()
    loaded = check_invariants(published_path(warehouse), expected)
    assert len(loaded) == 4  # 2021, 2022, 2023 and 2024
    assert check_invariants(warehouse, expected) == loaded
    fresh = duckdb.connect(str(published_path(warehouse)), read_only=True)
    try:
        assert fresh.execute("SELECT count(DISTINCT budget_year) FROM fact_project_budget").fetchone() == (4,)
    finally:
        fresh.close()
