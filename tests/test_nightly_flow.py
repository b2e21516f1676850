"""The load flow as a recorded run under Prefect (the session's test server): retries only for transient
failures, a failed quality gate is a failed Prefect run with its history and artifacts, unchanged re-runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli.app import app
from etl.warehouse.connect import WarehouseBusy, connect
from tests.paths import PROJECT_ROOT

BROKEN = PROJECT_ROOT / "tests" / "fixtures" / "broken" / "2024" / "quality-gate-broken.txt"


def test_retry_condition_reads_the_exception_of_a_failed_state() -> None:
    from prefect.states import Failed

    from flows.load_flow import _transient

    assert _transient(None, None, Failed(data=WarehouseBusy("locked")))
    assert _transient(None, None, Failed(data=FileNotFoundError("share not mounted")))
    assert not _transient(None, None, Failed(data=ValueError("bad data")))


@pytest.mark.slow
def test_tasks_retry_transient_failures_only(prefect_server: None) -> None:
    from prefect import flow

    from flows.load_flow import _as_task

    calls = {"busy": 0, "bad": 0}

    def busy_once() -> str:
        calls["busy"] += 1
        if calls["busy"] == 1:
            raise WarehouseBusy("another load holds the warehouse")
        return "done"

    def bad_data() -> None:
        calls["bad"] += 1
        raise ValueError("a table that cannot be read")

    @flow
    def probe() -> str:
        result = _as_task(busy_once, "busy").with_options(retry_delay_seconds=0)()
        with pytest.raises(ValueError):
            _as_task(bad_data, "bad").with_options(retry_delay_seconds=0)()
        return result

    assert probe() == "done"
    assert calls == {"busy": 2, "bad": 1}


@pytest.mark.slow
def test_failed_gate_fails_the_prefect_run_and_is_recorded(
    prefect_server: None, sample_copy: Path, warehouse: Path
) -> None:
    from prefect.artifacts import Artifact

    from etl.load.run import RunFailed
    from flows.load_flow import load_flow

    shutil.copy(BROKEN, sample_copy.parent / BROKEN.name)
    state = load_flow([str(sample_copy.parent.parent)], str(warehouse), return_state=True)
    assert state.is_failed()
    failure = state.result(raise_on_failure=False)
    assert isinstance(failure, RunFailed)
    report = failure.report
    assert {c.name for c in report.failed_checks} == {"projects_have_targets", "totals_reconcile"}
    assert report.flow_run_id == str(state.state_details.flow_run_id)
    con = connect(warehouse, read_only=True)
    try:
        assert con.execute("SELECT outcome, flow_run_id, n_loaded, n_check_failures FROM load_run").fetchall() == [
            ("failed", report.flow_run_id, 2, 2)
        ]
    finally:
        con.close()
    artifact = Artifact.get("jixiao-load-run")
    assert artifact is not None and f"run {report.run_id}: failed" in artifact.data
    assert "projects_have_targets" in artifact.data


@pytest.mark.slow
def test_cli_through_the_flow_reports_the_gate(prefect_server: None, sample_copy: Path, warehouse: Path) -> None:
    shutil.copy(BROKEN, sample_copy.parent / BROKEN.name)
    runner = CliRunner()
    first = runner.invoke(app, ["load", str(sample_copy.parent.parent), "-w", str(warehouse), "--quiet"])
    assert first.exit_code == 4, first.output  # a table loaded now does not reconcile
    assert "quality check failed: projects_have_targets" in first.stderr
    (sample_copy.parent / BROKEN.name).unlink()
    second = runner.invoke(app, ["load", str(sample_copy.parent.parent), "-w", str(warehouse), "--prune"])
    assert second.exit_code == 0, second.output
    assert "1 file(s) unchanged" in second.stdout and "disappeared" in second.stderr
