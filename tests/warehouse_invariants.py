"""What must hold in the warehouse after any interruption: every table wholly in or wholly out."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb


def check_invariants(path: Path, expected: dict[str, tuple[int, int, Decimal]]) -> dict[str, int]:
    """Assert the warehouse at path is consistent; return {sha256: load_id} of the loaded tables.

    expected maps a source file's sha256 to (projects, targets, total yuan) of that file.
    """
    con = duckdb.connect(str(path), read_only=True)
    try:
        return _check(con, expected)
    finally:
        con.close()


def _check(con: duckdb.DuckDBPyConnection, expected: dict[str, tuple[int, int, Decimal]]) -> dict[str, int]:
    loaded = con.execute(
        "SELECT load_id, department_name, budget_year, source_sha256, n_projects, n_targets "
        "FROM load_log WHERE status = 'loaded'"
    ).fetchall()
    keys = [(d, y) for _, d, y, *_ in loaded]
    assert len(keys) == len(set(keys)), f"two loaded tables for one department and year: {keys}"
    facts = {
        lid: (n, t, total)
        for lid, n, t, total in con.execute("""
            SELECT b.load_id, count(*), (SELECT count(*) FROM fact_target t WHERE t.load_id = b.load_id),
                   sum(total_yuan)
            FROM fact_project_budget b GROUP BY b.load_id""").fetchall()
    }
    assert set(facts) == {lid for lid, *_ in loaded}, "facts of a load that is not current"
    for lid, _, _, sha, n_projects, n_targets in loaded:
        assert facts[lid][:2] == (n_projects, n_targets), f"load {lid}: facts do not match its log row"
        assert facts[lid] == expected[sha], f"load {lid}: {facts[lid]} != {expected[sha]}"
    orphans = con.execute(
        "SELECT count(*) FROM fact_target t LEFT JOIN fact_project_budget b USING (project_id, budget_year) "
        "WHERE b.project_id IS NULL"
    ).fetchone()[0]
    assert orphans == 0, "targets without their project"
    return {sha: lid for lid, _, _, sha, *_ in loaded}
