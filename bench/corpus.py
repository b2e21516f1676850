"""GENERATED corpora for the benchmark, made once per (size, seed, years) and reused while unchanged."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

from etl.transform.header import GENERATED_MARK
from tools.synth import corpus_of_size

CORPUS_ROOT = Path(__file__).resolve().parent / "corpus"
DECADE = tuple(range(2016, 2026))


def corpus_dir(n_tables: int, seed: int, root: Path = CORPUS_ROOT) -> Path:
    """bench/corpus/generated-<n>-seed<seed>: the name says what it is (never under data/raw)."""
    return root / f"generated-{n_tables}-seed{seed}"


def _head(manifest: Path) -> dict:
    """The manifest's leading fields only: the whole manifest of L is ~300 MB of JSON, and loading it would
    inflate this process and, through fork, every measured child's ru_maxrss."""
    with manifest.open(encoding="utf-8") as fh:
        text = fh.read(4096)
    found = {k: re.search(rf'"{k}":\s*(\[[^\]]*\]|\d+)', text) for k in ("seed", "years", "n_tables")}
    return {k: json.loads(m.group(1)) for k, m in found.items() if m}


def _complete(folder: Path, n_tables: int, seed: int, years: Sequence[int]) -> bool:
    manifest = folder / "manifest.json"
    if not manifest.is_file():
        return False
    head = _head(manifest)
    return head.get("n_tables") == n_tables and head.get("seed") == seed and head.get("years") == list(years)


def ensure_corpus(
    n_tables: int, seed: int, years: Sequence[int] = DECADE, root: Path = CORPUS_ROOT, workers: int = 2
) -> tuple[Path, float]:
    """The corpus folder and the seconds it took to generate (0.0 when it was already there)."""
    folder = corpus_dir(n_tables, seed, root)
    if _complete(folder, n_tables, seed, years):
        return folder, 0.0
    shutil.rmtree(folder, ignore_errors=True)
    t0 = time.perf_counter()
    corpus_of_size(folder, n_tables, seed, years, workers=workers)
    return folder, time.perf_counter() - t0


SAMPLE = Path(__file__).resolve().parent.parent / "data" / "raw" / "2024" / "tianhe-sfj.txt"
SAMPLE_DEPARTMENT = "广州市天河区司法局"


def ensure_copies(n_tables: int, root: Path = CORPUS_ROOT) -> Path:
    """bench/corpus/generated-copies-<n>/2024: the real sample n times, each under another department name
    (GENERATED: the same 22 projects and 110 targets per table; a manifest says so). The shape of an independent
    check of the ratio to the floor: one year, no history to link, every table read the same way."""
    folder = root / f"generated-copies-{n_tables}"
    manifest = folder / "manifest.json"
    if manifest.is_file() and json.loads(manifest.read_text(encoding="utf-8")).get("n_tables") == n_tables:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "2024").mkdir(parents=True)
    text = SAMPLE.read_text(encoding="utf-8")
    for i in range(n_tables):
        label = f"{GENERATED_MARK} GENERATED data, not a published table (renamed copy {i} of the real sample)\n"
        copy = label + text.replace(SAMPLE_DEPARTMENT, f"广州市样例区第{i:04d}局")
        (folder / "2024" / f"copy-{i:04d}.txt").write_text(copy, encoding="utf-8")
    note = {"generated": True, "from": "data/raw/2024/tianhe-sfj.txt", "n_tables": n_tables,
            "how": f"{SAMPLE_DEPARTMENT} replaced by 广州市样例区第NNNN局 in each copy"}
    manifest.write_text(json.dumps(note, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder
