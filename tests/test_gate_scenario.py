"""The broken fixture (tests/fixtures/broken/) beside the real sample trips the data-quality gate, whichever
way the run is driven: the library call, the CLI without Prefect, the Prefect flow, the CLI through the flow.
One scenario, one set of assertions on what every driver must leave behind; each driver adds what only it
shows (exit code and message, Prefect state and artifact). test_serve.py replays it once more inside its
served deployment's story."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli.app import app
from etl.load.run import run_load
from etl.warehouse.connect import connect
from tests.paths import PROJECT_ROOT

BROKEN = PROJECT_ROOT / "tests" / "fixtures" / "broken" / "2024" / "quality-gate-broken.txt"
FAILED_CHECKS = {"projects_have_targets", "totals_reconcile"}
BROKEN_DEPARTMENT = "质量门测试局（故意损坏的样例）"


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = connect(warehouse, read_only=True, published=False)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def by_library(root: Path, warehouse: Path) -> None:
    report = run_load([str(root)], str(warehouse))
    assert (report.outcome, report.exit_code) == ("failed", 4)  # a table loaded now does not reconcile
    assert {c.name for c in report.failed_checks} == FAILED_CHECKS


def by_cli(root: Path, warehouse: Path, *prefect: str) -> None:
    result = CliRunner().invoke(app, ["load", str(root), "-w", str(warehouse), "--quiet", *prefect])
    assert result.exit_code == 4, result.output
    assert "quality check failed: projects_have_targets" in result.stderr


def by_flow(root: Path, warehouse: Path) -> None:
    from prefect.artifacts import Artifact

    from etl.load.run import RunFailed
    from flows.load_flow import load_flow

    state = load_flow([str(root)], str(warehouse), return_state=True)
    assert state.is_failed()
    failure = state.result(raise_on_failure=False)
    assert isinstance(failure, RunFailed)
    report = failure.report
    assert {c.name for c in report.failed_checks} == FAILED_CHECKS
    assert report.flow_run_id == str(state.state_details.flow_run_id)
    assert query(warehouse, "SELECT flow_run_id FROM load_run") == [(report.flow_run_id,)]
    artifact = Artifact.get("jixiao-load-run")
    assert artifact is not None and f"run {report.run_id}: failed" in artifact.data
    assert "projects_have_targets" in artifact.data


DRIVERS = [
    pytest.param("library", id="library"),
    pytest.param("cli", id="cli-no-prefect"),
    pytest.param("flow", id="prefect-flow", marks=pytest.mark.slow),
    pytest.param("cli-flow", id="cli-through-flow", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("driver", DRIVERS)
def test_broken_fixture_trips_the_quality_gate(
    driver: str, request: pytest.FixtureRequest, sample_copy: Path, warehouse: Path
) -> None:
    if driver in ("flow", "cli-flow"):
        request.getfixturevalue("prefect_server")
    shutil.copy(BROKEN, sample_copy.parent / BROKEN.name)
    root = sample_copy.parent.parent
    {
        "library": lambda: by_library(root, warehouse),
        "cli": lambda: by_cli(root, warehouse, "--no-prefect"),
        "flow": lambda: by_flow(root, warehouse),
        "cli-flow": lambda: by_cli(root, warehouse, "--prefect"),
    }[driver]()

    [(run_id, outcome, n_loaded, n_check_failures)] = query(
        warehouse, "SELECT run_id, outcome, n_loaded, n_check_failures FROM load_run"
    )
    assert (outcome, n_loaded, n_check_failures) == ("failed", 2, 2)
    failed = dict(
        query(warehouse, "SELECT check_name, sample FROM load_run_check WHERE NOT passed AND run_id = ?", [run_id])
    )
    assert set(failed) == FAILED_CHECKS
    assert "业务装备购置经费" in failed["projects_have_targets"]
    assert "质量门测试局" in failed["totals_reconcile"]
    # nothing is rolled back: both tables are loaded, the real one untouched
    assert query(warehouse, "SELECT department_name, count(*) FROM fact_project_budget GROUP BY 1 ORDER BY 1") == [
        ("广州市天河区司法局", 22),
        (BROKEN_DEPARTMENT, 21),
    ]
    status = query(
        warehouse, "SELECT department_name, newest_run_outcome, newest_run_check_failures FROM v_load_status ORDER BY 1"
    )
    assert status == [("广州市天河区司法局", "failed", 2), (BROKEN_DEPARTMENT, "failed", 2)]


@pytest.mark.slow
def test_after_the_broken_file_goes_a_pruning_run_is_clean(
    prefect_server: None, sample_copy: Path, warehouse: Path
) -> None:
    """Through the flow: the broken file removed, --prune takes its facts out and the run is good again."""
    shutil.copy(BROKEN, sample_copy.parent / BROKEN.name)
    root = sample_copy.parent.parent
    by_cli(root, warehouse, "--prefect")
    (sample_copy.parent / BROKEN.name).unlink()
    second = CliRunner().invoke(app, ["load", str(root), "-w", str(warehouse), "--prune", "--prefect"])
    assert second.exit_code == 0, second.output
    assert "1 file(s) unchanged" in second.stdout and "disappeared" in second.stderr
    assert query(warehouse, "SELECT DISTINCT department_name FROM fact_project_budget") == [("广州市天河区司法局",)]
