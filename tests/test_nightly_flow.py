"""The load flow as a recorded run under Prefect (the session's test server): retries only for transient
failures, unchanged re-runs (the failed quality gate under Prefect: tests/test_gate_scenario.py)."""

from __future__ import annotations

import pytest

from etl.warehouse.connect import WarehouseBusy


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


