"""What the CLI asks of Prefect: a load run as a flow run, and the nightly deployment served.

Kept in flows/ because it imports Prefect; etl/ never does.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from etl.load.run import RunFailed, RunReport
from flows import prefect_env


def run_as_flow(**kwargs: Any) -> RunReport:
    """One load run as a Prefect flow run (a temporary local API when no server is configured)."""
    prefect_env.apply()
    from flows.load_flow import load_flow

    _no_tracebacks_on_the_console()
    state = load_flow(**_flow_kwargs(kwargs), return_state=True)
    result = state.result(raise_on_failure=False)
    if isinstance(result, RunFailed):
        return result.report
    if isinstance(result, BaseException):
        raise result
    return result


class _NoPrefectTraceback(logging.Filter):
    """Drop Prefect's records that carry a traceback from the console: the CLI reports every problem itself,
    one line each. The flow run's own log (the API handler, on Prefect's loggers) still gets them whole."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and record.name.startswith("prefect"))


def _no_tracebacks_on_the_console() -> None:
    from prefect.logging.configuration import setup_logging
    from prefect.logging.handlers import PrefectConsoleHandler

    setup_logging()  # idempotent; the console handler must exist before a filter can be put on it
    for handler in logging.getLogger().handlers:
        if isinstance(handler, PrefectConsoleHandler) and not any(
            isinstance(f, _NoPrefectTraceback) for f in handler.filters
        ):
            handler.addFilter(_NoPrefectTraceback())


def _flow_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    out = dict(kwargs)
    out["prune"] = out.pop("prune_disappeared", False)
    return out


def serve_with_server(prefect_home: Path | None, port: int, **kwargs: Any) -> None:
    """Start `prefect server start` as a child on 127.0.0.1:port, then serve the deployment against it."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from flows.load_flow import serve
    from flows.prefect_server import running_server

    home = prefect_home or Path(os.environ.get("PREFECT_HOME", "~/.prefect")).expanduser()
    with running_server(home, port=port) as server, temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        os.environ["PREFECT_API_URL"] = server.api_url  # the flow-run subprocesses inherit it
        serve(**kwargs)


def api_url() -> str | None:
    """The Prefect API the current settings point at (env or profile), if any."""
    from prefect.settings import get_current_settings

    return get_current_settings().api.url


def serve_when_healthy(url: str, timeout: float, **kwargs: Any) -> None:
    """Wait for the API server (a service starting beside this one), then serve the deployment."""
    from flows.load_flow import serve
    from flows.prefect_server import wait_healthy

    wait_healthy(url.rstrip("/"), timeout=timeout)
    serve(**kwargs)
