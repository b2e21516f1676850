"""The jixiao command line: a thin layer over the library (each command a few lines)."""

from __future__ import annotations

import atexit
import contextlib
import errno
import gc
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from etl.cli.run_output import QuietOnBrokenPipe
from etl.load import interrupt
from etl.settings import DEFAULT_SOURCES, FILES_PER_BATCH, MAX_YEAR, MIN_YEAR
from etl.warehouse.backend import (
    home_problem,
    label,
    locale_hint,
    mask,
    spec_problem,
    storable,
    too_long,
    warehouse_spec,
)

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
console = QuietOnBrokenPipe()
err = QuietOnBrokenPipe(stderr=True)
# a command's objects are frozen as the process exits, so the interpreter's final collection does not scan them
# all (medians of five alternating runs on L: no-op load 1.96 -> 1.72 s, report 0.83 -> 0.75 s, audit 0.76 ->
# 0.65 s). Cycles left at exit are not finalised; nothing relies on that: the commands close their connections
# and files themselves, and the system takes the memory back
atexit.register(gc.freeze)


@app.callback()
def _tolerant_streams() -> None:
    """Every command's output in any locale: a character the terminal's encoding cannot hold (Chinese names under
    LC_ALL=C with PYTHONUTF8=0, PYTHONIOENCODING=ascii, a cp1252 console) is written \\uXXXX, not a traceback
    (UnicodeEncodeError) after a load had already committed and published, its exit code lost."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError, OSError):  # not a text stream of its own (a test's)
            stream.reconfigure(errors="backslashreplace")


def _file_above(path: Path) -> Path | None:
    """The nearest existing folder above ``path`` that is not a folder at all (a file), else None: a warehouse or an
    --out folder under a file failed later with exit 1 and the library's words (FileExistsError, NotADirectoryError)."""
    for above in path.parents:
        if above.exists():
            return None if above.is_dir() else above
    return None


EMPTY_PATH = "an empty path (an unset variable?)"


def _utf8_text(value: str | None) -> str | None:
    """A text argument with bytes that are not UTF-8 (the shell passes them on as lone surrogates) is a wrong one:
    it failed deep in DuckDB ('cannot encode str as UTF-8', exit 1) once it reached a query. UTF-8 that this process
    reads in another encoding (a C locale with PYTHONUTF8=0) is refused saying so: it said 'not UTF-8' of Chinese
    typed in UTF-8 (and a department names the report's files, which such a process cannot create)."""
    if value is not None and (shown := storable(value)) != value:
        if hint := locale_hint(value):
            raise typer.BadParameter(f"{shown}: cannot be read as given{hint}")
        raise typer.BadParameter(f"{shown}: not UTF-8 text (shown with \\xNN escapes); check the script's encoding")
    return value


def _department(value: str | None) -> str | None:
    """A department as the parser stores it (etl.transform.department.clean_department: no control or format character,
    no stamp's place): a name typed as printed, ESC or zero-width space included, finds its department."""
    from etl.transform.department import clean_department

    text = _utf8_text(value)
    if text is None:
        return None
    if not (name := clean_department(text)):  # '' or spaces: it read as no department ('any department' in audit)
        raise typer.BadParameter("an empty name (an unset variable?); name the department as printed (部门名称)")
    return name


def _warehouse_file(value: str | None) -> str | None:
    """The warehouse, checked before anything is opened or created beside it: an empty one (an unset variable: it
    silently meant the default warehouse), one no engine can open (spec_problem: checked on what --warehouse,
    $JIXIAO_WAREHOUSE or the default resolves to), a name too long to make, a folder, a pipe, a path below a file or
    below a folder this user may not search (those failed later with DuckDB's 'Is a directory', FileExistsError or
    'File name too long', or here with a traceback: PermissionError) are wrong arguments."""
    if value == "":
        raise typer.BadParameter(f"{EMPTY_PATH}; name the warehouse file, or leave the option out for the default")
    if problem := home_problem(value) or spec_problem(spec := warehouse_spec(value)):
        raise typer.BadParameter(_warehouse_source(value) + mask(problem))
    if "://" not in spec and (problem := _folder_meant(value or os.environ.get("JIXIAO_WAREHOUSE") or "", spec)):
        raise typer.BadParameter(_warehouse_source(value) + problem)
    if "://" not in spec and (problem := _path_problem(spec, _warehouse_file_problem)):
        raise typer.BadParameter(_warehouse_source(value) + problem)
    return value


def _folder_meant(given: str, spec: str) -> str | None:
    """Why a warehouse given as a folder's name (ending in /, /. or /..) is refused even when no folder is there yet:
    the path made of it lost the slash, and `-w newfolder/` made a FILE named newfolder (an existing folder was
    refused as one)."""
    last = given.replace(os.sep, "/").replace(os.altsep or "/", "/").rsplit("/", 1)
    if len(last) == 2 and last[1] in ("", ".", ".."):
        example = Path(spec) / "jixiao.duckdb"
        return f"{storable(given)} names a folder: name the warehouse file in it, e.g. {storable(str(example))}"
    return None


def _path_problem(path: str, problem: Callable[[str], str | None]) -> str | None:
    """problem(path), or the system's words when a folder on the way cannot be searched (Path.exists and is_dir
    raise on it: a traceback, exit 1)."""
    try:
        return problem(path)
    except OSError as exc:
        return f"{storable(path)} cannot be looked at: {exc.strerror or type(exc).__name__}"


def _warehouse_file_problem(path: str) -> str | None:
    """Why a DuckDB warehouse cannot be at path (see _warehouse_file), else None."""
    if problem := too_long(path):
        return problem
    if Path(path).is_dir():
        return f"{path} is a folder: name the warehouse file in it, e.g. {Path(path) / 'jixiao.duckdb'}"
    if Path(path).exists() and not Path(path).is_file():  # a pipe: it blocked
        return f"{path} is not a regular file (a pipe, socket or device): name the warehouse file"
    if blocker := _file_above(Path(path)):
        return f"{path} cannot be created: {blocker} is a file, not a folder"
    return None


def _warehouse_source(value: str | None) -> str:
    """Where a warehouse that was not given came from, for a message about it."""
    if value:
        return ""
    return "$JIXIAO_WAREHOUSE: " if os.environ.get("JIXIAO_WAREHOUSE") else "the default warehouse, below this folder: "


def _out_path(value: str | Path) -> Path:
    """An --out as given: an empty one (an unset variable) is a wrong argument, not the current folder, which
    Path("") is (the files were written where the command ran); so is a file, a path below one, and a folder the
    files cannot be written to (_out_problem). Typer's file_okay said the first, before this parser took its place:
    only a parser tells "" from "."."""
    if value == "":
        raise typer.BadParameter(f"{EMPTY_PATH}; name a folder for the files, or '.' for this one")
    if problem := _path_problem(str(value), _out_problem):
        raise typer.BadParameter(problem)
    return Path(value)


def _out_problem(value: str) -> str | None:
    """Why the report's files cannot be written into the folder value, asked before the warehouse is read (each
    failed after it, exit 1: FileExistsError for a file, /dev/null or a link to a folder that is not there, 'File
    name too long', PermissionError for a folder this user cannot write or a read-only mount)."""
    from etl.warehouse.backend import unwritable_folder

    out, shown = Path(value), storable(value)
    if problem := too_long(value):  # (before Path.exists, which raises on it)
        return problem
    if out.exists() and not out.is_dir():
        return f"{shown} is a file, not a folder: name a folder for the files"
    if out.is_symlink() and not out.exists():
        return f"{shown} is a link to {storable(os.readlink(out))}, which is not there (or a link loop): name a folder"
    if blocker := _file_above(out):  # below a file: as a file itself
        return f"{shown} cannot be created: {storable(str(blocker))} is a file, not a folder"
    if why := unwritable_folder(out):
        return f"{shown} cannot be written: {why}: name a folder for the files that you can write"
    return None


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
        parser=_out_path,
        metavar="FOLDER",
    ),
]


def _source_path(value: str) -> Path:
    """A path argument as given; an empty one (an unset shell variable: jixiao load "$SRC") is a wrong argument,
    not the current folder, which Path("") is: a load walked and loaded everything below the folder it ran in."""
    if not value:
        raise typer.BadParameter(f"{EMPTY_PATH}; name a file or folder, or '.' for this one")
    if (shown := storable(value)) != value and (hint := locale_hint(value)):  # (serve and deploy pass it on as text)
        raise typer.BadParameter(f"{shown}: cannot be read as given{hint}")
    return Path(value)


TimezoneOpt = typer.Option(help="Time zone of the cron schedule.", callback=_utf8_text)
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

    chosen = [str(p) for p in (paths or [DEFAULT_SOURCES])]
    target = warehouse_spec(warehouse)
    sink = cli_run.choose_sink(err, quiet, as_json)
    with _no_traceback("load", as_json), interrupt.watching():
        if use_prefect:  # Prefect's temporary server dies with this process, even on SIGKILL (pools: their own)
            ensure_watchdog()  # (one that cannot start: one line, exit 1; it was a traceback)
        _writable(target, cli_run.wants_prefect(use_prefect))  # before a flow run, its server, or anything
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
    with _printing():  # the run is recorded: a reader gone (| head) leaves its exit code as it is
        cli_run.show(report, label(target), console, err, quiet, as_json)
    raise typer.Exit(report.exit_code)


@app.command()
def serve(
    paths: Annotated[
        list[Path] | None, typer.Argument(help="Files or folders (default: data/raw).", parser=_source_path)
    ] = None,
    warehouse: WarehouseOpt = None,
    cron: Annotated[str, typer.Option(help="When to run (cron, in --timezone).", callback=_utf8_text)] = "0 2 * * *",
    timezone: Annotated[str, TimezoneOpt] = "Asia/Shanghai",
    name: Annotated[str, typer.Option(help="Deployment name (jixiao-load/<name>).", callback=_utf8_text)] = "nightly",
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

    with _no_traceback("serve"):  # (a watchdog that cannot start: one line, exit 1; it was a traceback)
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
    pool: Annotated[
        str,
        typer.Option(help="Prefect work pool (prefect work-pool create NAME --type process).", callback=_utf8_text),
    ] = "jixiao",
    cron: Annotated[
        str | None, typer.Option(help="Schedule (cron, in --timezone); none: run by hand.", callback=_utf8_text)
    ] = None,
    timezone: Annotated[str, TimezoneOpt] = "Asia/Shanghai",
    name: Annotated[
        str, typer.Option(help="Deployment name (jixiao-load-sharded/<name>).", callback=_utf8_text)
    ] = "nightly-sharded",
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
    with _printing():
        for line in lines:
            typer.echo(cli_run.printable(line))


def _writable(target: str, prefect: bool = False) -> None:
    """A DuckDB warehouse this process cannot write (a read-only folder or mount, a file or lock of another user's),
    a file that is no warehouse, and a PREFECT_API_URL that is no URL are refused before any work (exit 2): the first
    failed on the lock file (PermissionError, exit 1), the last after Prefect was imported ('Failed to reach API at
    garbage/', exit 1)."""
    from etl.warehouse.backend import is_url
    from etl.warehouse.connect import refuse_before_writing

    if not is_url(target):
        refuse_before_writing(Path(target))
    api = os.environ.get("PREFECT_API_URL", "").strip()
    if prefect and api and not api.lower().startswith(("http://", "https://")):
        raise WrongSetting(
            f"PREFECT_API_URL={storable(api)} is not an http(s) URL of a Prefect server: set it to one "
            "(http://127.0.0.1:4200/api), or unset it (or --no-prefect) to run without Prefect"
        )


class WrongSetting(ValueError):
    """An environment variable that cannot mean anything: a wrong argument given another way (exit 2)."""


_UNREACHABLE_API = "Failed to reach API at"


@contextmanager
def _no_traceback(what: str, as_json: bool = False) -> Iterator[None]:
    """A busy warehouse or an unexpected failure ends in one clear line, not a traceback; with ``as_json`` (load
    --json) also one JSON document on stdout: the exit code, that line, and the id of the run recorded (else null)."""
    from etl.warehouse.backend import NamesMisread
    from etl.warehouse.connect import NoWarehouse, WarehouseBusy, WarehouseUnwritable

    def failed(code: int, line: str, exc: BaseException) -> typer.Exit:
        err.print(line, markup=False, highlight=False, soft_wrap=True)
        if as_json:
            from etl.cli.run_output import failure_json

            with _printing():
                failure_json(console, code, line, getattr(exc, "run_id", None))
        return typer.Exit(code)

    # a signal noted by an earlier command of this process (tests, a library's caller) is forgotten: `runs` failing on
    # an unreachable server said 'interrupted', exit 130
    interrupt.forget()
    try:
        yield
    except typer.Exit:  # a command's own exit code, said already (a RuntimeError: not an unexpected failure)
        raise
    except WarehouseBusy as exc:
        raise failed(EXIT_BUSY, f"{what}: {_said(exc)}", exc) from None
    except KeyboardInterrupt as exc:
        raise failed(*_interrupted(what), exc) from None
    except Exception as exc:
        if os.environ.get("JIXIAO_DEBUG"):
            raise
        if interrupt.was_interrupted(exc):  # Ctrl-C, passed on by DuckDB as its own error
            raise failed(*_interrupted(what), exc) from None
        usage = NoWarehouse | WarehouseUnwritable | WrongSetting | NamesMisread
        if isinstance(exc, usage) or type(exc).__name__ == "SourceMissing":
            # (a load still records its run as failed: a share may be unmounted)
            raise failed(2, f"{what}: {_said(exc)}", exc) from None
        text = " ".join(f"{type(exc).__name__}: {_said(exc)}".split())
        if _UNREACHABLE_API in text:  # PREFECT_API_URL names no server that answers
            text += "; start the server PREFECT_API_URL names, or run without Prefect: unset it, or --no-prefect"
        raise failed(1, f"{what} failed: {text} (JIXIAO_DEBUG=1 shows the traceback)", exc) from None


@contextmanager
def _printing() -> Iterator[None]:
    """A command's result written to stdout (and flushed, so that a failure shows here, not at the interpreter's
    exit): a reader that went away (`jixiao check … | grep -m1 REFUSED`, `| head`) ends the output silently and the
    command's exit code stands (Click made it 1, "an unexpected failure", of a load that had committed, or of a
    check that had found a refusal); stdout that cannot be written (a full disk: `> /dev/full`) is one line and exit
    1 (it was a traceback)."""
    try:
        yield
        sys.stdout.flush()
    except OSError as exc:
        with contextlib.suppress(OSError, ValueError):  # the interpreter's own flush at exit writes nowhere now
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        if exc.errno != errno.EPIPE:
            with contextlib.suppress(OSError):  # (stderr may be as full)
                err.print(f"could not write the output: {_said(exc)}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1) from None


def _said(exc: BaseException) -> str:
    """An error's words as printed: any URL's password masked, bytes that are not UTF-8 (a path's) as \\xNN."""
    return storable(mask(str(exc)))


def _interrupted(what: str) -> tuple[int, str]:
    """The exit code and the line for Ctrl-C (exit 130) or SIGTERM (exit 143)."""
    done = "; what was committed before it stays: run it again to finish" if what == "load" else ""
    by = interrupt.cause()
    return interrupt.exit_code(by), f"{what} interrupted ({by}){done}"


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to parse and validate.", parser=_source_path)],
    year: YearOpt = None,
) -> None:
    """Parse and validate files without touching the warehouse; print refusals, rejects and totals that fail.

    Exit code: 0 clean, 3 a file would be refused, 5 a row would be rejected, 4 totals do not reconcile,
    6 a project has no targets (a load's quality gate would fail).
    """
    from etl.cli.run_output import one_line
    from etl.transform.check import check_files, exit_code, report_lines

    with _no_traceback("check"), interrupt.watching():  # SIGTERM as Ctrl-C: one line, exit 143
        files = _files_to_check(paths)
        results = check_files(files, year)
    with _printing():  # (a name's line break, ESC or bytes that are not UTF-8 escaped, as a load shows them)
        for line in report_lines(results):
            typer.echo(one_line(line))
    raise typer.Exit(exit_code(results))


def _files_to_check(paths: list[Path]) -> list[str]:
    """The files check reads, found as a load finds them (etl.extract.discover.discover_tree), or exit 2 as a load
    exits: a path that is not there was a refused file (exit 3); under a locale that misreads names a Chinese file
    name was refused as 'not UTF-8'. What the walk could not read, and a walk that found nothing, are said (they
    were silent: an empty mount point checked clean)."""
    from etl.cli.run_output import one_line
    from etl.extract.discover import discover_tree, missing_message, unreachable
    from etl.extract.dispatch import SUPPORTED_SUFFIXES
    from etl.warehouse.backend import misread_name

    if missing := unreachable(paths):
        _usage_error("check", missing_message(missing))
    found = discover_tree(paths)
    if said := misread_name([*map(str, paths), *found.files]):
        _usage_error("check", said)
    for path, why in found.unreadable.items():
        err.print(one_line(f"could not read {path} ({why}): files under it not checked"), markup=False, soft_wrap=True)
    if not found.files:
        where = ", ".join(map(str, paths))
        err.print(one_line(f"no table files ({' '.join(SUPPORTED_SUFFIXES)}) found under {where}"), markup=False)
    return found.files


def _usage_error(what: str, message: str) -> NoReturn:
    """One line and exit 2: the command cannot run as it was given."""
    from etl.cli.run_output import one_line

    err.print(f"{what}: {one_line(message)}", markup=False, highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@app.command()
def report(
    department: Annotated[
        str, typer.Option("--department", help="Department name as printed (部门名称).", callback=_department)
    ],
    from_year: Annotated[int, typer.Option("--from", min=MIN_YEAR, max=MAX_YEAR, help="First budget year.")],
    to_year: Annotated[int, typer.Option("--to", min=MIN_YEAR, max=MAX_YEAR, help="Last budget year.")],
    out: OutOpt = Path("out"),
    warehouse: WarehouseOpt = None,
) -> None:
    """Year-over-year diff report of one department: HTML page, Excel workbook, Markdown (also printed)."""
    from etl.load.names import link_rule  # no pandas: the report imports it in parallel (write_report)
    from etl.report import NoData, UnwritableFolder, write_report
    from etl.warehouse.connect import reading

    if from_year > to_year:  # it said "no two loaded years to compare between 2024 and 2023 (loaded: none)"
        raise typer.BadParameter(f"--from {from_year} is after --to {to_year}", param_hint="'--from' / '--to'")
    target = warehouse_spec(warehouse)
    # SIGTERM as Ctrl-C (exit 143): it ended the process at once, the report's temporary files left in --out
    with _no_traceback("report"), interrupt.watching(), reading(target):  # a jixiao warehouse, or a clear no
        try:
            files = write_report(department, from_year, to_year, out, target, link_rule)
        except (NoData, UnwritableFolder) as exc:
            files, reason = None, str(exc)
    if files is None:
        err.print(reason, markup=False, highlight=False, soft_wrap=True)  # (one line, as wide as it is)
        raise typer.Exit(2)
    _show_written(files.markdown_text, files)


@app.command()
def audit(
    department: Annotated[
        str | None, typer.Option("--department", help="Department (default: all).", callback=_department)
    ] = None,
    year: Annotated[
        int | None, typer.Option("--year", min=MIN_YEAR, max=MAX_YEAR, help="Budget year (default: all).")
    ] = None,
    out: OutOpt = Path("out"),
    warehouse: WarehouseOpt = None,
) -> None:
    """Target-quality audit (绩效目标审核): findings by project and a score card, as HTML, Excel and Markdown.

    Prints the Markdown of one department (the score card and the rules' counts only for all departments).
    """
    from etl.report import UnwritableFolder
    from etl.report.audit import NoAudit, write_audit
    from etl.warehouse.connect import reading

    target = warehouse_spec(warehouse)
    with _no_traceback("audit"), interrupt.watching(), reading(target):  # (as report's)
        try:
            files, reason = write_audit(department, year, out, target), ""
        except (NoAudit, UnwritableFolder) as exc:
            files, reason = None, str(exc)
    if files is None:
        err.print(reason, markup=False, highlight=False, soft_wrap=True)  # (one line, as wide as it is)
        raise typer.Exit(2)
    _show_written(files.markdown_text if department else files.summary_text, files)


def _show_written(text: str, files: Any) -> None:
    """The Markdown on stdout and the files written on stderr, as the terminal shows them, not acts on them: a
    control character the Markdown keeps (C1's CSI, U+009B, which terminals read as ESC [) escaped, as in a load's
    table."""
    from etl.cli.run_output import one_line, printable

    with _printing():
        typer.echo(printable(text))
    wrote = f"wrote {files.html}, {files.xlsx} and {files.markdown}"
    err.print(one_line(wrote), markup=False, highlight=False, soft_wrap=True)  # a path's line break as \n


@db_app.command("upgrade")
def db_upgrade(warehouse: WarehouseOpt = None) -> None:
    """Create the warehouse or migrate it to the newest schema (alembic upgrade head)."""
    from etl.warehouse.connect import upgrade

    target = warehouse_spec(warehouse)
    with _no_traceback("db upgrade"):
        _writable(target)
        revision = upgrade(target)
    with _printing():
        console.print(f"{label(target)}: schema at revision {revision}", markup=False, highlight=False)


@db_app.command("grant-reader")
def db_grant_reader(
    name: Annotated[
        str, typer.Argument(help="Role to create or update (letters, digits, underscores).", callback=_utf8_text)
    ],
    warehouse: WarehouseOpt = None,
    password_env: Annotated[
        str | None,
        typer.Option(help="Name of an environment variable holding the role's password.", callback=_utf8_text),
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
