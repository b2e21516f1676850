"""How `jixiao load`, `jixiao serve` and `jixiao runs` run and show things (kept out of cli.py so the
commands there stay a few lines each).

Output rules: stdout carries the result (a table, or with --json one JSON document and nothing else);
progress and problems go to stderr; --quiet leaves only the problems.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from etl import progress
from etl.load_run import RunFailed, RunReport


def choose_sink(err: Console, quiet: bool, as_json: bool) -> progress.ProgressSink:
    """A progress bar on a terminal, one line per batch in a log, nothing with --quiet or --json."""
    if quiet or as_json:
        return progress.NullSink()
    return progress.RichSink() if err.is_terminal else progress.LineSink()


def run(use_prefect: bool, sink: progress.ProgressSink, **kwargs: Any) -> RunReport:
    """One load run, through the Prefect flow (a temporary local API when no server is configured) or directly."""
    with progress.reporting(sink):
        if not use_prefect:
            from etl.load_run import run_load

            return run_load(**kwargs)
        from etl import prefect_env

        prefect_env.apply()
        from flows.load_flow import load_flow

        state = load_flow(**_flow_kwargs(kwargs), return_state=True)
        result = state.result(raise_on_failure=False)
    if isinstance(result, RunFailed):
        return result.report
    if isinstance(result, BaseException):
        raise result
    return result


def _flow_kwargs(kwargs: dict[str, Any]) -> dict[str, Any]:
    out = dict(kwargs)
    out["prune"] = out.pop("prune_disappeared", False)
    return out


def show(report: RunReport, target: Path, out: Console, err: Console, quiet: bool, as_json: bool) -> None:
    if as_json:
        out.file.write(json.dumps(report.as_json(), ensure_ascii=False, default=str) + "\n")
    elif not quiet:
        _files_table(report, target, out)
        out.print(f"run {report.run_id}: {report.outcome}: {report.message()}", markup=False, highlight=False)
    _problems(report, err)


def _files_table(report: RunReport, target: Path, out: Console) -> None:
    written = [r for r in report.results if r.status != "unchanged"]
    unchanged = len(report.results) - len(written)
    if written:
        table = Table(title=f"jixiao load -> {target}")
        for col in ("file", "status", "department", "year", "projects", "targets", "rejects", "reconciled"):
            right = col in ("year", "projects", "targets", "rejects")
            table.add_column(col, justify="right" if right else "left", overflow="fold", no_wrap=col == "status")
        for r in written:
            ok = "-" if r.status == "refused" else "yes" if not r.reconciliation_failures else "NO"
            cells = (r.budget_year or "", r.n_projects, r.n_targets, r.n_rejects)
            table.add_row(Path(r.path).name, r.status, r.department_name or "", *map(str, cells), ok)
        out.print(table)
    if unchanged:
        out.print(f"{unchanged} file(s) unchanged (skipped)")


def _problems(report: RunReport, err: Console) -> None:
    for r in report.refused:
        err.print(f"refused {r.path}: {r.message}", markup=False, highlight=False)
    for r in report.unreconciled:
        err.print(f"totals do not reconcile in {r.path}: see fact_reconciliation (load_id {r.load_id})", markup=False)
    for c in report.failed_checks:
        err.print(f"quality check failed: {c.name} ({c.n_rows} rows): {c.description}", markup=False, highlight=False)
    for p in report.disappeared:
        err.print(f"source file disappeared: {p} ({'pruned' if report.pruned else 'data kept'})", markup=False)


def serve_with_server(prefect_home: Path | None, port: int, **kwargs: Any) -> None:
    """Start `prefect server start` as a child on 127.0.0.1:port, then serve the deployment against it."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from etl.prefect_server import running_server
    from flows.load_flow import serve

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
    from etl.prefect_server import wait_healthy
    from flows.load_flow import serve

    wait_healthy(url.rstrip("/"), timeout=timeout)
    serve(**kwargs)


RUN_COLUMNS = "run_id, started_at, outcome, n_files, n_loaded, n_replaced, n_unchanged, n_refused, n_disappeared"


def runs_lines(warehouse: Path, limit: int) -> list[str]:
    """One line per run, newest first, then the failed checks of the newest run with their sample rows."""
    from etl.warehouse import connect

    con = connect(warehouse, read_only=True)
    try:
        runs = con.execute(
            f"SELECT {RUN_COLUMNS}, n_check_failures, message FROM load_run ORDER BY run_id DESC LIMIT ?", [limit]
        ).fetchall()
        failed = con.execute(
            "SELECT check_name, n_rows, sample FROM load_run_check "
            "WHERE NOT passed AND run_id = (SELECT max(run_id) FROM load_run)"
        ).fetchall()
    finally:
        con.close()
    lines = [
        f"run {r[0]} {r[1]:%Y-%m-%d %H:%M:%S} {r[2]}: {r[3]} files, {r[4]} loaded, {r[5]} replaced, "
        f"{r[6]} unchanged, {r[7]} refused, {r[8]} disappeared, {r[9] if r[9] is not None else '-'} checks failed"
        f" | {r[10]}"
        for r in runs
    ]
    for name, n_rows, sample in failed:
        lines += [f"failed check {name} ({n_rows} rows):", *(f"  {s}" for s in (sample or "").splitlines())]
    return lines
