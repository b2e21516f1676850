"""`jixiao check`: parse and validate files without touching the warehouse, and say what a load would.

The findings are those a load records: refusals (load_log), rejected rows (load_reject) and
reconciliation failures (fact_reconciliation). Pure: no database is opened.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from etl.extract.discover import discover, not_regular_files
from etl.extract.encoding import NOT_REGULAR, NOT_UTF8_NAME, shown_if_not_utf8
from etl.model import Refusal, RefusalKind, SourceTable
from etl.transform.pipeline import run_file

EXIT_OK, EXIT_REFUSED, EXIT_UNRECONCILED, EXIT_REJECTED, EXIT_GATE = 0, 3, 4, 5, 6
_RAW_CHARS = 120


def check_files(paths: Sequence[Path | str], year: int | None = None) -> list[SourceTable | Refusal]:
    pipes = not_regular_files(paths)
    return [_checked(p, year, pipes) for p in discover(paths)]


def _checked(path: Path, year: int | None, pipes: set[str]) -> SourceTable | Refusal:
    """What a load makes of one file (etl.load.incremental._usable refuses the first two before parsing)."""
    if shown := shown_if_not_utf8(str(path)):
        return Refusal(shown, "", NOT_UTF8_NAME, year, RefusalKind.BAD_INPUT)
    if str(path) in pipes:
        return Refusal(str(path), "", NOT_REGULAR, year, RefusalKind.BAD_INPUT)
    return run_file(path, year)


def _table_lines(t: SourceTable) -> Iterator[str]:
    failures = [f for f in t.findings if not f.passed]
    bare = _without_targets(t)
    state = "ok" if not t.rejects and not failures and not bare else "findings"
    yield (
        f"{state.upper():8} {t.path}: layout {_layout(t.layout, t.layout_score)}, "
        f"{t.department_name} {t.budget_year}, {t.source_format}/{t.encoding}, "
        f"unit {t.source_unit}, {len(t.projects)} projects, {t.n_targets} targets, {len(t.rejects)} rejected, "
        f"{len(failures)} reconciliation failure(s)"
    )
    for r in t.rejects:
        raw = r.raw_text.replace("\t", " | ")
        raw = raw if len(raw) <= _RAW_CHARS else raw[:_RAW_CHARS] + "…"
        yield f"  reject   line {r.line_no}: {r.reason} [{raw}]"
    for f in failures:
        yield (
            f"  totals   line {f.line_no}: {f.check} {f.scope} {f.column}: expected {f.expected_yuan} yuan, "
            f"found {f.actual_yuan} (difference {f.difference_yuan})"
        )
    for p in bare:
        yield f"  targets  line {p.line_no}: {p.printed_name}: no targets (a load fails projects_have_targets)"


def _without_targets(t: SourceTable) -> list:
    """Projects a load would write with no target: the quality gate's projects_have_targets fails on them."""
    return [p for p in t.projects if not p.indicators]


def _layout(name: str | None, score: float | None) -> str:
    """The layout family and its score, as check prints them: single_project_form (1.00)."""
    if not name:
        return "none"
    return f"{name} ({score:.2f})" if score is not None else name


def report_lines(results: Sequence[SourceTable | Refusal]) -> Iterator[str]:
    for r in results:
        if isinstance(r, Refusal):
            yield f"REFUSED  {r.path} ({r.kind}): layout {_layout(r.layout, r.layout_score)}: {r.reason}"
        else:
            yield from _table_lines(r)


def exit_code(results: Sequence[SourceTable | Refusal]) -> int:
    """3 a file would be refused; else 5 a row would be rejected; else 4 totals do not reconcile; else 6 a
    project has no targets (the load's quality gate would fail); else 0."""
    tables = [r for r in results if isinstance(r, SourceTable)]
    if len(tables) < len(results):
        return EXIT_REFUSED
    if any(t.rejects for t in tables):
        return EXIT_REJECTED
    if not all(t.reconciled for t in tables):
        return EXIT_UNRECONCILED
    if any(_without_targets(t) for t in tables):
        return EXIT_GATE
    return EXIT_OK
