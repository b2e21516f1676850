"""The jixiao command line: a thin layer over the library (each command a few lines)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from etl.runner import RunSummary
from etl.settings import PROJECT_ROOT, warehouse_path

app = typer.Typer(help="jixiao: budget performance targets into a DuckDB warehouse.", no_args_is_help=True)
db_app = typer.Typer(help="Warehouse schema commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console()
err = Console(stderr=True)

WarehouseOpt = Annotated[
    Path | None,
    typer.Option("--warehouse", "-w", help="Warehouse file (default: $JIXIAO_WAREHOUSE or warehouse/jixiao.duckdb)."),
]
YearOpt = Annotated[int | None, typer.Option("--year", help="Budget year for every file (default: from its folder).")]


@app.command()
def load(
    paths: Annotated[list[Path] | None, typer.Argument(help="Files or folders (default: data/raw).")] = None,
    warehouse: WarehouseOpt = None,
    year: YearOpt = None,
    batch_size: Annotated[int, typer.Option(help="Files per transaction.")] = 200,
    workers: Annotated[int, typer.Option(help="Parsing processes.")] = 1,
) -> None:
    """Load table dumps into the warehouse through the Prefect flow (no server needed)."""
    from etl import prefect_env

    prefect_env.apply()
    from flows.load_flow import load_flow

    chosen = [str(p) for p in (paths or [PROJECT_ROOT / "data" / "raw"])]
    target = warehouse_path(warehouse)
    summary = load_flow(chosen, str(target), year, batch_size, workers)
    _print_summary(summary, target)
    raise typer.Exit(summary.exit_code)


def _print_summary(summary: RunSummary, target: Path) -> None:
    table = Table(title=f"jixiao load -> {target}")
    table.add_column("file", overflow="fold")
    table.add_column("status", no_wrap=True, min_width=9)
    table.add_column("department", overflow="fold")
    for col in ("year", "projects", "targets", "rejects", "reconciled"):
        table.add_column(col, justify="right", overflow="fold")
    for r in summary.results:
        ok = (
            "-"
            if r.status == "refused"
            else "yes"
            if not r.reconciliation_failures
            else f"NO ({r.reconciliation_failures})"
        )
        table.add_row(
            Path(r.path).name,
            r.status,
            r.department_name or "",
            str(r.budget_year or ""),
            str(r.n_projects),
            str(r.n_targets),
            str(r.n_rejects),
            ok,
        )
    console.print(table)
    for r in summary.refused:
        err.print(f"[red]refused[/red] {r.path}: {r.message}")
    for r in summary.unreconciled:
        err.print(
            f"[yellow]totals do not reconcile[/yellow] in {r.path}: see fact_reconciliation (load_id {r.load_id})"
        )


@db_app.command("upgrade")
def db_upgrade(warehouse: WarehouseOpt = None) -> None:
    """Create the warehouse or migrate it to the newest schema (alembic upgrade head)."""
    from etl.warehouse import upgrade

    target = warehouse_path(warehouse)
    console.print(f"{target}: schema at revision {upgrade(target)}")


def main() -> None:
    app()
