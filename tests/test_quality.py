"""The data-quality checks (sql/checks/*.sql): silent on the real sample, and each one catches the fault
it is written for when that fault is planted in a loaded warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.load.run import run_load
from etl.warehouse.connect import connect
from etl.warehouse.quality import load_checks, run_checks

PLANTED = {
    "facts_have_dimensions": ["UPDATE fact_target SET indicator_type_id = 999999 WHERE seq = 1"],
    "totals_reconcile": ["UPDATE fact_reconciliation SET passed = false WHERE check_no = 1"],
    "amounts_non_negative": ["UPDATE fact_table_aggregate SET other_yuan = -1 WHERE row_kind = 'grand_total'"],
    "budget_parts_add_up": ["UPDATE fact_project_budget SET other_yuan = 5 WHERE project_id = 1"],
    "projects_have_targets": ["DELETE FROM fact_target WHERE project_id = 1"],
    "targets_have_budget": ["DELETE FROM fact_project_budget WHERE project_id = 2"],
    "one_current_load_per_table": [
        "INSERT INTO load_log SELECT * REPLACE (load_id + 100 AS load_id, source_path || '.copy' AS source_path) "
        "FROM load_log"
    ],
    "one_current_load_per_source": [  # issue 10: a file corrected in place must not leave two current loads
        "INSERT INTO load_log SELECT * REPLACE (load_id + 100 AS load_id, department_name || 'X' AS department_name) "
        "FROM load_log"
    ],
    "facts_match_load_log": ["UPDATE load_log SET n_targets = n_targets + 1"],
}


def test_every_check_file_is_covered_here() -> None:
    assert sorted(c.name for c in load_checks()) == sorted(PLANTED)
    assert all(c.description for c in load_checks()), "each check file starts with a comment saying what it checks"


@pytest.fixture
def loaded(sample_copy: Path, warehouse: Path) -> Path:
    run_load([sample_copy], warehouse)
    return warehouse


def test_the_real_sample_passes_every_check(loaded: Path) -> None:
    con = connect(loaded, published=False)
    try:
        assert [(r.name, r.n_rows) for r in run_checks(con) if not r.passed] == []
    finally:
        con.close()


@pytest.mark.parametrize("name", [n for n, sql in PLANTED.items() if sql])
def test_each_check_catches_its_fault(loaded: Path, name: str) -> None:
    con = connect(loaded, published=False)
    try:
        for statement in PLANTED[name]:
            con.execute(statement)
        failed = {r.name: r for r in run_checks(con) if not r.passed}
    finally:
        con.close()
    assert name in failed
    assert failed[name].n_rows >= 1 and failed[name].sample
