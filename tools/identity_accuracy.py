"""How well etl.load.identity links GENERATED departments across years (no database; names + indicators only).

Usage: .venv/bin/python scripts/identity_accuracy.py [DEPARTMENTS] [SEED] [--reverse]
Prints projects, distinct projects merged into one identity, and projects split over several identities.
"""

from __future__ import annotations

import sys

import pandas as pd

from etl.load import identity
from etl.text import folded
from etl.transform.frames import name_key
from tools import synth

COLUMNS = [*identity.CANDIDATE_COLUMNS[1:], "indicators"]


def _names(department: str, table: synth.GeneratedTable) -> list[dict]:
    rows = []
    for p in table.manifest["projects"]:
        doc = p["doc_number"]
        name = p["name"].removeprefix(doc or "")
        rows.append(
            {
                "name_key": name_key(department, p["unit"], doc, name),
                "department_name": department,
                "unit_name": p["unit"],
                "project_name": name,
                "transfer_doc_no": doc,
                "budget_year": table.year,
                "truth": p["id"],
                "indicators": frozenset(folded(i["name"]) for i in p["indicators"]),
            }
        )
    return rows


def link_department(tables: list[synth.GeneratedTable]) -> dict[str, set[int]]:
    """Link year by year like etl/load.py does; return truth id -> identities given."""
    ids: dict[str, int] = {}
    seen: list[dict] = []
    given: dict[str, set[int]] = {}
    for table in tables:
        names = _names(table.department, table)
        known = [
            {"project_id": ids[n["name_key"]], **{c: n[c] for c in COLUMNS}} for n in names if n["name_key"] in ids
        ]
        new = pd.DataFrame([n for n in names if n["name_key"] not in ids])
        if not new.empty:
            candidates = pd.DataFrame(seen + known, columns=["project_id", *COLUMNS])
            for r in identity.link_names(new, candidates).itertuples():
                ids[r.name_key] = len(set(ids.values())) + 1 if pd.isna(r.project_id) else int(r.project_id)
        for n in names:
            seen.append({"project_id": ids[n["name_key"]], **{c: n[c] for c in COLUMNS}})
            given.setdefault(n["truth"], set()).add(ids[n["name_key"]])
    return given


def main(n: int, seed: int, reverse: bool) -> None:
    projects = merged = split = 0
    for profile in synth.department_profiles(n, seed):
        tables = synth.generate_department_years(profile, synth.DEFAULT_YEARS, seed)
        given = link_department(tables[::-1] if reverse else tables)
        owners: dict[int, set[str]] = {}
        for truth, idents in given.items():
            split += len(idents) > 1
            for i in idents:
                owners.setdefault(i, set()).add(truth)
        merged += sum(len(t) > 1 for t in owners.values())
        projects += len(given)
    print(f"projects {projects}, merged identities {merged}, split projects {split}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--reverse"]
    main(int(args[0]) if args else 300, int(args[1]) if len(args) > 1 else 11, "--reverse" in sys.argv)
