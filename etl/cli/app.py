"""The jixiao command line: a thin layer over the library (each command a few lines)."""

from __future__ import annotations

import atexit
import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from etl.load import interrupt
from etl.settings import DEFAULT_SOURCES, FILES_PER_BATCH, MAX_YEAR, MIN_YEAR
from etl.warehouse.backend import label, mask, warehouse_spec

EXIT_BUSY = 7  # another load holds the warehouse (2 is Typer's: a wrong argument or option)
EXIT_CODES = (
    "Exit codes: 0 good; 1 unexpected error (one line; JIXIAO_DEBUG=1 shows the traceback); "
    "2 wrong argument or option (or nothing to report for them); 3 a file was refused; "
    "4 a table does not reconcile; 5 (check) a row would be rejected; 6 the quality gate failed; "
    f"{EXIT_BUSY} the warehouse is busy (another load holds it); {interrupt.EXIT_INTERRUPTED} interrupted (Ctrl-C); "
    f"{interrupt.EXIT_TERMINATED} stopped by SIGTERM."
)
app = typer.Typer(
    help="jixiao: budget performance targets into a DuckDB (or PostgreSQL) warehouse.",
    epilog=EXIT_CODES,
    no_args_is_help=True,
)
db_app = typer.Typer(help="Warehouse schema commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")
console = Console()
err = Console(stderr=True)
# a command's objects are frozen as the process exits, so the interpreter's final collection does not scan them
# all (medians of five alternating runs on L: no-op load 1.96 -> 1.72 s, report 0.83 -> 0.75 s, audit 0.76 ->
# 0.65 s). Cycles left at exit are not finalised; nothing relies on that: the commands close their connections
# and files themselves, and the system takes the memory back
atexit.register(gc.freeze)


def _file_above(path: Path) -> Path | None:
    """The nearest existing folder above ``path`` that is not a folder at all (a file), else None: a warehouse or an
    --out folder under a file failed later with exit 1 and the library's words (FileExistsError, NotADirectoryError)."""
    for above in path.parents:
        if above.exists():
            return None if above.is_dir() else above
    return None


def _warehouse_file(value: str | None) -> str | None:
    """A DuckDB warehouse named by a folder, or below a file, is a wrong argument (it failed later with DuckDB's
    'Is a directory', or FileExistsError)."""
    if value and "://" not in value and Path(value).is_dir():
        example = Path(value) / "jixiao.duckdb"
        raise typer.BadParameter(f"{value} is a folder: name the warehouse file in it, e.g. {example}")
    if value and "://" not in value and (blocker := _file_above(Path(value))):
        raise typer.BadParameter(f"{value} cannot be created: {blocker} is a file, not a folder")
    return value


def _out_folder(value: Path) -> Path:
    """An --out folder below a file is a wrong argument, as an --out that is a file is (Typer's file_okay)."""
    if blocker := _file_above(value):
        raise typer.BadParameter(f"{value} cannot be created: {blocker} is a file, not a folder")
    return value


WarehouseOpt = Annotated[
    str | None,
    typer.Option(
        "--warehouse",
        "-w",
        help="Warehouse: a DuckDB file, or postgresql+psycopg://user@host:port/db "
        "(default: $JIXIAO_WAREHOUSE or warehouse/jixiao.duckdb).",
        callback=_warehouse_file,
    ),
]
OutOpt = Annotated[
    Path,
    typer.Option(
        "--out",
        help="Folder for the .html, .xlsx and .md files.",
        file_okay=False,
        dir_okay=True,
        callback=_out_folder,
    ),
]


def _source_path(value: str) -> Path:
    """A path argument as given; an empty one (an unset shell variable: jixiao load "$SRC") is a wrong argument,
    not the current folder, which Path("") is: a load walked and loaded everything below the folder it ran in."""
    if not value:
        raise typer.BadParameter("an empty path (an unset variable?); name a file or folder, or '.' for this one")
    return Path(value)


YearOpt = Annotated[
    int | None,
    typer.Option("--year", min=MIN_YEAR, max=MAX_YEAR, help="Budget year for every file (default: from its folder)."),
]


@app.command()
def load(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders (default: data/raw).", parser=_source_path)
    ] = None,
    warehouse: WarehouseOpt = None,
    year: YearOpt = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Files per transaction.")] = FILES_PER_BATCH,
    workers: Annotated[
        int, typer.Option(min=0, max=64, help="Parsing processes (0: one per CPU, up to 4, when enough files).")
    ] = 0,
    prune: Annotated[bool, typer.Option(help="Take out the facts of files that disappeared.")] = False,
    full: Annotated[bool, typer.Option(help="Parse every file again, not only new and changed ones.")] = False,
    wait: Annotated[float, typer.Option(min=0, help="Seconds to wait for another load to finish (then exit 7).")] = 60,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress and no table; problems only.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="A machine-readable summary on stdout.")] = False,
    use_prefect: Annotated[
        bool | None,
        typer.Option(
            "--prefect/--no-prefect",
            help="Run as a Prefect flow run (default: only when PREFECT_API_URL names a server).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Load new and changed table dumps, run the quality gate and record the run (no Prefect server needed).

    With PREFECT_API_URL set the run is a Prefect flow run recorded on that server; without it the same
    recorded run goes directly (Prefect is not imported); --prefect forces a flow run (a temporary server).

    Exit code: 0 good, 1 unexpected error, 2 wrong argument, 3 a file was refused, 4 a table loaded now does
    not reconcile, 6 the quality gate failed, 7 the warehouse is busy (another load holds it), 130 Ctrl-C
    (the run is recorded as interrupted; what it committed stays).
    """
    from etl.cli import run_output as cli_run
    from etl.load.children import ensure_watchdog

    if use_prefect:  # Prefect's temporary server dies with this process, even on SIGKILL (pools see to their own)
        ensure_watchdog()
    chosen = [str(p) for p in (paths or [DEFAULT_SOURCES])]
    target = warehouse_spec(warehouse)
    sink = cli_run.choose_sink(err, quiet, as_json)
    with _no_traceback("load"), interrupt.watching():
        report = cli_run.run(
            use_prefect,
            sink,
            paths=chosen,
            warehouse=target,
            year=year,
            batch_size=batch_size,
            workers=workers,
            prune_disappeared=prune,
            full=full,
            wait_seconds=wait,
        )
    cli_run.show(report, label(target), console, err, quiet, as_json)
    raise typer.Exit(report.exit_code)


@app.command()
def serve(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders (default: data/raw).", parser=_source_path)
    ] = None,
    warehouse: WarehouseOpt = None,
    cron: Annotated[str, typer.Option(help="When to run (cron, in --timezone).")] = "0 2 * * *",
    timezone: Annotated[str, typer.Option(help="Time zone of the cron schedule.")] = "Asia/Shanghai",
    name: Annotated[str, typer.Option(help="Deployment name (jixiao-load/<name>).")] = "nightly",
    workers: Annotated[int, typer.Option(min=1, max=64, help="Parsing processes.")] = 1,
    prune: Annotated[bool, typer.Option(help="Take out the facts of files that disappeared.")] = False,
    with_server: Annotated[bool, typer.Option(help="Also start a Prefect API server (127.0.0.1).")] = False,
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port of the server --with-server starts.")] = 4200,
    wait: Annotated[float, typer.Option(help="Seconds to wait for the API server to be healthy.")] = 120,
) -> None:
    """Serve the nightly deployment of the load flow: runs on schedule and on `prefect deployment run`.

    Needs a Prefect API server (PREFECT_API_URL), or --with-server to start one beside it.
    """
    from etl.load.children import ensure_watchdog
    from flows import run as flow_run
    from flows.prefect_env import apply as apply_prefect_settings

    ensure_watchdog()  # the server --with-server starts, and the served runs, die with this process
    apply_prefect_settings()
    chosen = [str(p.resolve()) for p in (paths or [DEFAULT_SOURCES])]
    options = dict(
        paths=chosen,
        warehouse=warehouse_spec(warehouse),
        cron=cron,
        timezone=timezone,
        name=name,
        workers=workers,
        prune=prune,
    )
    if with_server:
        with _no_traceback("serve"):
            flow_run.serve_with_server(None, port, **options)
        return
    if not flow_run.api_url():
        err.print(
            "serve: no Prefect API server configured. Start one (`prefect server start`) and set "
            "PREFECT_API_URL=http://127.0.0.1:4200/api, or use --with-server.",
            markup=False,
        )
        raise typer.Exit(2)
    with _no_traceback("serve"):
        flow_run.serve_when_healthy(flow_run.api_url(), wait, **options)


@app.command()
def deploy(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Source folders (the same path on every worker).", parser=_source_path),
    ] = None,
    warehouse: WarehouseOpt = None,
    shards: Annotated[int, typer.Option(min=1, max=1024, help="Shard flow runs per load.")] = 4,
    pool: Annotated[str, typer.Option(help="Prefect work pool (prefect work-pool create NAME --type process).")] = (
        "jixiao"
    ),
    cron: Annotated[str | None, typer.Option(help="Schedule (cron, in --timezone); none: run by hand.")] = None,
    timezone: Annotated[str, typer.Option(help="Time zone of the cron schedule.")] = "Asia/Shanghai",
    name: Annotated[str, typer.Option(help="Deployment name (jixiao-load-sharded/<name>).")] = "nightly-sharded",
    workers: Annotated[int, typer.Option(min=1, max=64, help="Parsing processes per shard.")] = 1,
) -> None:
    """Register the sharded load on a Prefect work pool: each shard is a flow run any worker can take.

    Needs PREFECT_API_URL and a PostgreSQL warehouse (a DuckDB file takes one writer at a time).
    """
    from flows import prefect_env, sharded

    prefect_env.apply()
    target = warehouse_spec(warehouse)
    with _no_traceback("deploy"):
        from etl.warehouse.backend import resolve

        if resolve(target).kind != "postgresql":
            raise ValueError("a sharded load needs a PostgreSQL warehouse (--warehouse postgresql+psycopg://…)")
        chosen = [str(p.resolve()) for p in (paths or [DEFAULT_SOURCES])]
        names = sharded.deploy(chosen, target, shards, name, cron, timezone, pool, workers)
    for deployment in names:
        typer.echo(f"deployment {deployment} on work pool {pool}")
    typer.echo(f"run it: prefect deployment run {names[-1]}")


@app.command()
def runs(
    warehouse: WarehouseOpt = None,
    limit: Annotated[int, typer.Option(min=1, max=1_000_000, help="How many runs.")] = 10,
) -> None:
    """The newest load runs (outcome, counts, message) and the quality checks that failed in the newest one."""
    from etl.cli import run_output as cli_run

    with _no_traceback("runs"):
        lines = cli_run.runs_lines(warehouse_spec(warehouse), limit)
    for line in lines:
        typer.echo(line)


@contextmanager
def _no_traceback(what: str) -> Iterator[None]:
    """A busy warehouse or an unexpected failure ends in one clear line, not a traceback."""
    from etl.warehouse.connect import NoWarehouse, WarehouseBusy

    try:
        yield
    except WarehouseBusy as exc:
        err.print(f"{what}: {mask(str(exc))}", markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(EXIT_BUSY) from None
    except KeyboardInterrupt:
        raise _interrupted(what) from None
    except Exception as exc:
        if os.environ.get("JIXIAO_DEBUG"):
            raise
        if interrupt.was_interrupted(exc):  # Ctrl-C, passed on by DuckDB as its own error
            raise _interrupted(what) from None
        if isinstance(exc, NoWarehouse) or type(exc).__name__ == "SourceMissing":  # a path that is not there
            err.print(f"{what}: {mask(str(exc))}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(2) from None  # (a load still records its run as failed: a share may be unmounted)
        text = mask(" ".join(f"{type(exc).__name__}: {exc}".split()))
        err.print(f"{what} failed: {text} (JIXIAO_DEBUG=1 shows the traceback)", markup=False, soft_wrap=True)
        raise typer.Exit(1) from None


def _interrupted(what: str) -> typer.Exit:
    """One line for Ctrl-C (exit 130) or SIGTERM (exit 143)."""
    done = "; what was committed before it stays: run it again to finish" if what == "load" else ""
    by = interrupt.cause()
    err.print(f"{what} interrupted ({by}){done}", markup=False, highlight=False, soft_wrap=True)
    return typer.Exit(interrupt.exit_code(by))


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to parse and validate.", parser=_source_path)],
    year: YearOpt = None,
) -> None:
    """Parse and validate files without touching the warehouse; print refusals, rejects and totals that fail.

    Exit code: 0 clean, 3 a file would be refused, 5 a row would be rejected, 4 totals do not reconcile,
    6 a project has no targets (a load's quality gate would fail).
    """
    from etl.transform.check import check_files, exit_code, report_lines

    with _no_traceback("check"):
        results = check_files(paths, year)
    for line in report_lines(results):
        typer.echo(line)
    raise typer.Exit(exit_code(results))


@app.command()
def report(
    department: Annotated[str, typer.Option("--department", help="Department name as printed (部门名称).")],
    from_year: Annotated[int, typer.Option("--from", help="First budget year.")],
    to_year: Annotated[int, typer.Option("--to", help="Last budget year.")],
    out: OutOpt = Path("out"),
    warehouse: WarehouseOpt = None,
) -> None:
    """Year-over-year diff report of one department: HTML page, Excel workbook, Markdown (also printed)."""
    from etl.load.names import link_rule  # no pandas: the report imports it in parallel (write_report)
    from etl.report import NoData, write_report

    with _no_traceback("report"):
        try:
            files = write_report(department, from_year, to_year, out, warehouse_spec(warehouse), link_rule)
        except NoData as exc:
            files, reason = None, str(exc)
    if files is None:
        err.print(reason, markup=False)
        raise typer.Exit(2)
    typer.echo(files.markdown_text)
    err.print(f"wrote {files.html}, {files.xlsx} and {files.markdown}", markup=False, highlight=False, soft_wrap=True)


@app.command()
def audit(
    department: Annotated[str | None, typer.Option("--department", help="Department (default: all).")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Budget year (default: all).")] = None,
    out: OutOpt = Path("out"),
    warehouse: WarehouseOpt = None,
) -> None:
    """Target-quality audit (绩效目标审核): findings by project and a score card, as HTML, Excel and Markdown.

    Prints the Markdown of one department (the score card and the rules' counts only for all departments).
    """
    from etl.report.audit import NoAudit, write_audit

    with _no_traceback("audit"):
        try:
            files, reason = write_audit(department, year, out, warehouse_spec(warehouse)), ""
        except NoAudit as exc:
            files, reason = None, str(exc)
    if files is None:
        err.print(reason, markup=False)
        raise typer.Exit(2)
    typer.echo(files.markdown_text if department else files.summary_text)
    err.print(f"wrote {files.html}, {files.xlsx} and {files.markdown}", markup=False, highlight=False, soft_wrap=True)


@db_app.command("upgrade")
def db_upgrade(warehouse: WarehouseOpt = None) -> None:
    """Create the warehouse or migrate it to the newest schema (alembic upgrade head)."""
    from etl.warehouse.connect import upgrade

    target = warehouse_spec(warehouse)
    with _no_traceback("db upgrade"):
        revision = upgrade(target)
    console.print(f"{label(target)}: schema at revision {revision}", markup=False, highlight=False)


@db_app.command("grant-reader")
def db_grant_reader(
    name: Annotated[str, typer.Argument(help="Role to create or update (letters, digits, underscores).")],
    warehouse: WarehouseOpt = None,
    password_env: Annotated[
        str | None, typer.Option(help="Name of an environment variable holding the role's password.")
    ] = None,
) -> None:
    """PostgreSQL only: a read-only login role for analysts (SELECT on every table and view, now and later)."""
    from etl.warehouse.backend import resolve
    from etl.warehouse.postgres import grant_reader

    target = warehouse_spec(warehouse)
    password = os.environ.get(password_env) if password_env else None
    if password_env and not password:
        err.print(f"db grant-reader: ${password_env} is empty or not set", markup=False)
        raise typer.Exit(2)
    with _no_traceback("db grant-reader"):
        backend = resolve(target)
        if backend.kind != "postgresql":
            raise ValueError("a DuckDB file has no roles: analysts open the published copy read-only")
        with backend.writing() as con:
            statements = grant_reader(con, name, password)
    for statement in statements:
        typer.echo(statement)
    console.print(f"{label(target)}: {name} can read every table and view", markup=False, highlight=False)


def main() -> None:
    app()


if __name__ == "__main__":  # python -m etl.cli.app
    main()
