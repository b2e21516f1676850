"""The real Prefect flow, once, against a temporary warehouse; and the CLI over it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli.app import app
from etl.warehouse.connect import connect, head_revision

pytestmark = pytest.mark.slow


def test_flow_loads_the_sample(prefect_server: None, sample_copy: Path, warehouse: Path) -> None:
    from flows.load_flow import load_flow

    state = load_flow([str(sample_copy.parent.parent)], str(warehouse), return_state=True)
    assert state.is_completed()
    summary = state.result()
    assert summary.by_status == {"loaded": 1}
    con = connect(warehouse, read_only=True)
    try:
        assert con.execute("SELECT count(*), sum(total_wan) FROM v_project_budget").fetchone() == (
            22, Decimal("1485.340000"))
        assert con.execute("SELECT count(*) FROM v_target").fetchone() == (110,)
    finally:
        con.close()


def test_the_flow_is_one_task_over_the_run(prefect_server: None, tmp_path: Path, sample_path: Path) -> None:
    """The flow is a thin adapter: one load-run task, in which the run holds the writer lock throughout."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.load_flow import load_flow

    for year in (2023, 2024):
        (tmp_path / "raw" / str(year)).mkdir(parents=True)
        (tmp_path / "raw" / str(year) / "t.txt").write_bytes(sample_path.read_bytes())
    state = load_flow([str(tmp_path / "raw")], str(tmp_path / "wh.duckdb"), batch_size=1, return_state=True)
    assert state.is_completed() and state.result().by_status == {"loaded": 2}
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(
            flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id]))
        )
    assert [r.name.rsplit("-", 1)[0] for r in runs] == ["load-run"]


def test_cli_load_then_reload(prefect_server: None, sample_copy: Path, warehouse: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["load", str(sample_copy), "--warehouse", str(warehouse), "--prefect"])
    assert first.exit_code == 0, first.output
    assert "loaded" in first.output
    second = runner.invoke(app, ["load", str(sample_copy), "--warehouse", str(warehouse), "--prefect"])
    assert second.exit_code == 0 and "unchanged" in second.output


def test_cli_refused_file_exit_code(prefect_server: None, tmp_path: Path, warehouse: Path) -> None:
    junk = tmp_path / "2024" / "junk.txt"
    junk.parent.mkdir()
    junk.write_bytes(bytes(range(256)) * 10)
    result = CliRunner().invoke(app, ["load", str(junk), "--warehouse", str(warehouse), "--prefect"])
    assert result.exit_code == 3
    assert "refused" in result.output and "not UTF-8 or GB18030 text" in " ".join(result.output.split())
    assert isinstance(result.exception, SystemExit)  # ended by typer.Exit, not by an uncaught error


def test_cli_db_upgrade(warehouse: Path) -> None:
    result = CliRunner().invoke(app, ["db", "upgrade", "--warehouse", str(warehouse)])
    assert result.exit_code == 0, result.output
    assert f"schema at revision {head_revision()}" in " ".join(result.output.split())
    con = connect(warehouse, read_only=True, published=False)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (head_revision(),)
    finally:
        con.close()
