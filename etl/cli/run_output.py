"""How `jixiao load` and `jixiao runs` run and show things (kept out of cli.py so the
commands there stay a few lines each).

Output rules: stdout carries the result (a table, or with --json one JSON document and nothing else);
progress and problems go to stderr; --quiet leaves only the problems.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from etl import progress

if TYPE_CHECKING:
    from etl.load.run import RunReport


def choose_sink(err: Console, quiet: bool, as_json: bool) -> progress.ProgressSink:
    """A progress bar on a terminal, one line per batch in a log, nothing with --quiet or --json."""
    if quiet or as_json:
        return progress.NullSink()
    return progress.RichSink() if err.is_terminal else progress.LineSink()


def wants_prefect(use_prefect: bool | None) -> bool:
    """--prefect / --no-prefect when given; else a flow run only when PREFECT_API_URL names a server to record it
    (a temporary server costs 8-10 s and `import prefect` 1.7 s, for a run nobody could look at afterwards)."""
    return bool(os.environ.get("PREFECT_API_URL", "").strip()) if use_prefect is None else use_prefect


def run(use_prefect: bool | None, sink: progress.ProgressSink, **kwargs: Any) -> RunReport:
    """One load run, through the Prefect flow (flows/run.py) or directly (see wants_prefect)."""
    with progress.reporting(sink):
        if not wants_prefect(use_prefect):
            from etl.load.run import run_load

            return run_load(**kwargs)
        from flows.run import run_as_flow

        return run_as_flow(**kwargs)


def show(report: RunReport, target: str, out: Console, err: Console, quiet: bool, as_json: bool) -> None:
    if as_json:
        out.file.write(json.dumps(report.as_json(), ensure_ascii=False, default=str) + "\n")
    elif not quiet:
        _files_table(report, target, out)
        out.print(f"run {report.run_id}: {report.outcome}: {report.message()}", markup=False, highlight=False)
    _problems(report, err)


def _files_table(report: RunReport, target: str, out: Console) -> None:
    written = [r for r in report.results if r.status != "unchanged"]
    unchanged = len(report.results) - len(written)
    if written:
        from rich.table import Table

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
        kind = f" ({r.refusal_kind})" if r.refusal_kind else ""
        err.print(f"refused {r.path}{kind}: {r.message}", markup=False, highlight=False)
    for r in report.unreconciled:
        err.print(f"totals do not reconcile in {r.path}: see fact_reconciliation (load_id {r.load_id})", markup=False)
    for c in report.failed_checks:
        err.print(f"quality check failed: {c.name} ({c.n_rows} rows): {c.description}", markup=False, highlight=False)
    for p in report.disappeared:
        err.print(f"source file disappeared: {p} ({'pruned' if report.pruned else 'data kept'})", markup=False)


RUN_COLUMNS = "run_id, started_at, outcome, n_files, n_loaded, n_replaced, n_unchanged, n_refused, n_disappeared"


def runs_lines(warehouse: str | Path, limit: int) -> list[str]:
    """One line per run, newest first, then the failed checks of the newest run with their sample rows."""
    from etl.warehouse.connect import connect

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
