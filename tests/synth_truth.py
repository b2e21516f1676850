"""Ground truth of GENERATED year pairs (tools.synth manifests) in the shape the views and the report give."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from etl.text import folded
from tools import synth

SEED = 1
DEPARTMENTS = 4
YEARS = (2023, 2024)


def write_pair(root: Path, seed: int = SEED, n: int = DEPARTMENTS) -> list[synth.GeneratedTable]:
    """Generate ``n`` departments for YEARS and file them under root/<year>/; return the later tables."""
    later = []
    for profile in synth.department_profiles(n, seed):
        tables = synth.generate_department_years(profile, YEARS, seed)
        for t in tables:
            path = root / t.relpath
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(t.text, encoding="utf-8")
        later.append(tables[-1])
    return later


def project_truth(tables: list[synth.GeneratedTable]) -> dict[tuple[str, str], tuple[str, Decimal]]:
    """(department, printed name this year, or last year's when dropped) -> (status, change in yuan)."""
    return {
        (t.department, e["name_to"] or e["name_from"]): (e["status"], Decimal(e["budget_change"]) * 10000)
        for t in tables
        for e in t.manifest["transition"]["projects"]
    }


def target_truth(tables: list[synth.GeneratedTable]) -> dict[tuple[str, str, str], str]:
    """(department, printed project name, folded indicator name) -> change class."""
    return {
        (t.department, e["name_to"] or e["name_from"], folded(name)): change
        for t in tables
        for e in t.manifest["transition"]["projects"]
        for name, change in e["indicators"].items()
    }
