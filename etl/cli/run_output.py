"""How `jixiao load` and `jixiao runs` run and show things (kept out of cli.py so the
commands there stay a few lines each).

Output rules: stdout carries the result (a table, or with --json one JSON document and nothing else);
progress and problems go to stderr; --quiet leaves only the problems.
"""

from __future__ import annotations

import codecs
import errno
import json
import os
import re
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console

from etl import progress
from etl.warehouse.backend import storable

if TYPE_CHECKING:
    from etl.load.run import RunReport


def choose_sink(err: Console, quiet: bool, as_json: bool) -> progress.ProgressSink:
    """A progress bar on a terminal, one line per batch in a log (a line it cannot write stops the lines, never the
    run: progress.LineSink), nothing with --quiet or --json."""
    if quiet or as_json:
        return progress.NullSink()
    return progress.RichSink() if err.is_terminal else progress.LineSink(sys.stderr)


class QuietOnBrokenPipe(Console):
    """A Console whose reader may go away (| head): Rich's own answer, SystemExit(1), ended a load after it had
    committed with exit 1, skipped its problems' lines, and wrote stdout's further lines to /dev/null. Now stdout
    raises BrokenPipeError for the command to end its output (etl.cli.app._printing) with its own exit code;
    stderr (the problems) just goes quiet."""

    def on_broken_pipe(self) -> None:
        self.quiet = True
        if not self.stderr:
            raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


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
    try:
        if as_json:  # \uXXXX where stdout cannot hold the text (a C locale): the same JSON, never a UnicodeEncodeError
            document = json.dumps(_storable(report.as_json()), ensure_ascii=not _utf8(out.file), default=str)
            out.file.write(document + "\n")
        elif not quiet:
            _files_table(report, target, out)
            said = printable(report.message())
            out.print(f"run {report.run_id}: {report.outcome}: {said}", markup=False, highlight=False)
    finally:  # the problems, on stderr, also when stdout's reader went away
        _problems(report, err)


def failure_json(out: Console, exit_code: int, message: str, run_id: int | None) -> None:
    """load --json's document for a load that ended in an error instead of a report (its line is on stderr too):
    the exit code, the line, and the id of the run it recorded as failed or interrupted (null: none was)."""
    document = {"exit_code": exit_code, "message": message, "run_id": run_id}
    out.file.write(json.dumps(_storable(document), ensure_ascii=not _utf8(out.file)) + "\n")


def _utf8(stream: Any) -> bool:
    """Whether a text stream writes UTF-8 (a stream without an encoding, a test's buffer, is taken as UTF-8)."""
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name == "utf-8"
    except LookupError:
        return False


def _storable(value: Any) -> Any:
    """The JSON summary's strings storable: a path that is not UTF-8 (a folder named on the command line, in
    the message) went out as raw bytes, and the document was no UTF-8 JSON any more."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, dict):
        return {storable(k) if isinstance(k, str) else k: _storable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_storable(v) for v in value]
    return value


def _files_table(report: RunReport, target: str, out: Console) -> None:
    """The files the run wrote, grouped under their department (named once, on its own row), readable at
    80 columns: a name too long for its column ends in an ellipsis (the problems below name every path in
    full), never wraps mid-word."""
    written = [r for r in report.results if r.status != "unchanged"]
    unchanged = len(report.results) - len(written)
    if written:
        from rich.table import Table
        from rich.text import Text

        out.print(f"jixiao load -> {target}", markup=False, highlight=False, soft_wrap=True)
        others = {"status": 8, "year": 4, "projects": 8, "targets": 7, "rejects": 7, "ok": 3}
        width = max(12, out.width - sum(others.values()) - 2 * len(others))  # 2: the gap between two columns
        table = Table(box=None, pad_edge=False, header_style="bold")
        table.add_column("file", width=width, no_wrap=True, overflow="ellipsis")
        for col, w in others.items():
            table.add_column(col, width=w, no_wrap=True, justify="left" if col in ("status", "ok") else "right")
        for department, rows in _by_department(written):
            name = Text(one_line(department), style="bold")
            name.truncate(width, overflow="ellipsis")
            table.add_row(name)
            for r in rows:
                ok = "-" if r.status == "refused" else "yes" if not r.reconciliation_failures else "NO"
                cells = (r.budget_year or "", r.n_projects, r.n_targets, r.n_rejects)
                table.add_row(Text("  " + one_line(Path(r.path).name)), r.status, *map(str, cells), ok)
        out.print(table)
    if unchanged:
        out.print(f"{unchanged} file(s) unchanged (skipped)")


def _by_department(results: list) -> list[tuple[str, list]]:
    groups: dict[str, list] = {}
    for r in sorted(results, key=lambda r: (r.department_name is None, r.department_name or "", r.path)):
        groups.setdefault(r.department_name or "(refused)", []).append(r)  # a conflict's department was read
    return list(groups.items())


_LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
# the other control characters a name may hold (ESC, BEL: a terminal acts on ESC ] 0 ; … BEL, retitling the window),
# shown escaped (\x1b) wherever a name is printed
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f]+")


def printable(text: str) -> str:
    """Text as the terminal shows it, not acts on it: control characters escaped; bytes that are not UTF-8 as \\xNN."""
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), storable(text))


def one_line(text: str) -> str:
    """A name as one table row: a line break in it (a file named with a newline) shown escaped, as \\n, not
    splitting its row over two lines; bytes that are not UTF-8 as \\xNN."""
    return _LINE_BREAKS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), printable(text))


def _rejected(n_rejects: int) -> str:
    """Rows the table rejected (a hidden row, an unreadable one) may be what the totals miss: say where they are."""
    if not n_rejects:
        return ""
    return f"; {n_rejects} rejected row{'s' if n_rejects > 1 else ''} in load_reject may hold the difference"


def _problems(report: RunReport, err: Console) -> None:
    """One line per problem (never wrapped: a line is a problem, for people and for grep)."""
    lines = [f"refused {r.path}{f' ({r.refusal_kind})' if r.refusal_kind else ''}: {r.message}" for r in report.refused]
    lines += [
        f"totals do not reconcile in {r.path}: see fact_reconciliation (load_id {r.load_id}){_rejected(r.n_rejects)}"
        for r in report.unreconciled
    ]
    lines += [  # --quiet said nothing of them
        f"{r.n_rejects} row(s) rejected in {r.path}: see load_reject (load_id {r.load_id})" for r in report.with_rejects
    ]
    lines += [f"quality check failed: {c.name} ({c.n_rows} rows): {c.description}" for c in report.failed_checks]
    kept = "pruned" if report.pruned else "data kept"
    lines += [f"source file disappeared: {p} ({kept})" for p in report.disappeared]
    lines += [f"could not read {p} ({why}): files recorded under it kept" for p, why in report.unreadable.items()]
    if report.error:
        lines.append(f"run {report.run_id} failed: {report.error}")
    for line in lines:
        err.print(_LINE_BREAKS.sub(" ", printable(line)), markup=False, highlight=False, soft_wrap=True)


RUN_COLUMNS = "run_id, started_at, outcome, n_files, n_loaded, n_replaced, n_unchanged, n_refused, n_disappeared"


def runs_lines(warehouse: str | Path, limit: int) -> list[str]:
    """Which copy was read, one line per run (newest first), then the failed checks of the newest run.

    The working copy is the truth: when no load holds it, it is read (and runs whose process is gone are
    closed as 'interrupted' first, which may migrate a jixiao warehouse of an older revision); while a load runs,
    the analysts' copy is read and the first line says so. A file or database that is no jixiao warehouse is
    refused (NotAWarehouse) before anything is written to it or beside it.
    """
    from etl.load.history import close_interrupted
    from etl.warehouse.backend import is_url, label
    from etl.warehouse.connect import NoWarehouse, WarehouseBusy, connect_existing, writing
    from etl.warehouse.publish import published_path

    if is_url(warehouse):  # PostgreSQL: the shared database is the one copy
        connect_existing(warehouse).close()
        with writing(warehouse, 0) as con:
            close_interrupted(con)
            return [f"read from the shared database {label(warehouse)}", *_runs_lines(con, limit)]
    warehouse = Path(warehouse)
    note = _LOAD_HOLDS_IT
    if warehouse.is_file():
        try:
            with _lock_if_any(warehouse):
                connect_existing(warehouse, published=False).close()
                with writing(warehouse, 0) as con:  # (the lock is re-entrant)
                    close_interrupted(con)
                    return [f"read from the working copy {warehouse}", *_runs_lines(con, limit)]
        except NoWarehouse:
            raise
        except WarehouseBusy:
            pass
        except OSError as exc:  # a read-only folder, or another user's: its lock file cannot be taken (it failed)
            if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM, errno.EISDIR):  # (EISDIR: a folder as lock)
                raise
            note = f"the working copy's lock cannot be taken: {exc.strerror}"
    copy = published_path(warehouse)
    if not copy.is_file():
        return _without_copy(warehouse, note, limit)
    con = connect_existing(copy, published=False)
    try:
        note += "; runs after the last publish are not shown"
        return [f"read from the analysts' copy {copy} ({note})", *_runs_lines(con, limit)]
    finally:
        con.close()


_LOAD_HOLDS_IT = "a load holds the working copy now"


def _without_copy(warehouse: Path, note: str, limit: int) -> list[str]:
    """The runs when the working file could not be read under its lock and there is no published copy. It said 'no
    warehouse at X' (exit 2) of a warehouse a load was creating, or of one in a folder this user cannot write: now a
    load that holds it is said as such (WarehouseBusy, exit 7), and a lock that cannot be taken for want of rights
    reads the working file read-only (DuckDB's own lock says whether another user's load writes it)."""
    from etl.warehouse.connect import NoWarehouse, WarehouseBusy, connect_existing

    if not warehouse.is_file():
        raise NoWarehouse(f"no warehouse at {warehouse}: load some tables first (jixiao load) or pass --warehouse")
    if note == _LOAD_HOLDS_IT:
        raise WarehouseBusy(
            f"a load holds the warehouse {warehouse}, which has no published copy yet: run again when it has finished"
        )
    con = connect_existing(warehouse, published=False)
    try:
        return [f"read from the working copy {warehouse} ({note}; read-only)", *_runs_lines(con, limit)]
    finally:
        con.close()


def _lock_if_any(working: Path) -> AbstractContextManager[None]:
    """The writer lock for runs' look at the working file, when there is a lock file to take (jixiao made it: a
    warehouse it loaded or migrated), so that look never holds DuckDB's lock while a load opens or migrates the
    file (a load with --wait 0, or a migration, would fail on it); no lock for a file without one, which may be
    anyone's: taking it left a .lock file beside a file runs then refused."""
    from etl.warehouse.locking import lock_path, writer_lock

    return writer_lock(working, 0) if lock_path(working).exists() else nullcontext()


def _runs_lines(con: Any, limit: int) -> list[str]:
    runs = con.execute(
        f"SELECT {RUN_COLUMNS}, n_check_failures, message FROM load_run ORDER BY run_id DESC LIMIT ?", [limit]
    ).fetchall()
    failed = con.execute(
        "SELECT check_name, n_rows, sample FROM load_run_check "
        "WHERE NOT passed AND run_id = (SELECT max(run_id) FROM load_run)"
    ).fetchall()
    lines = [
        f"run {r[0]} {r[1]:%Y-%m-%d %H:%M:%S} {r[2]}: {r[3]} files, {r[4]} loaded, {r[5]} replaced, "
        f"{r[6]} unchanged, {r[7]} refused, {r[8]} disappeared, {r[9] if r[9] is not None else '-'} checks failed"
        f" | {one_line(r[10] or '')}"  # a path's line break (a file named with one) as \n: one line a run
        for r in runs
    ]
    for name, n_rows, sample in failed:
        lines += [f"failed check {name} ({n_rows} rows):", *(f"  {s}" for s in (sample or "").splitlines())]
    return lines
