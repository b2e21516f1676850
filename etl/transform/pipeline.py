"""The pipeline as an ordered tuple of small named steps: path -> grid -> table -> checked table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from etl.extract import read_grid
from etl.extract.encoding import file_sha256
from etl.model import Refusal, RefusalKind, SourceTable, TableRefused
from etl.transform.dedupe import reject_duplicate_projects
from etl.transform.header import folder_year
from etl.transform.layouts import parse_table
from etl.transform.normalise import normalise_amounts
from etl.transform.reconcile import reconcile
from etl.transform.truncation import refuse_if_empty
from etl.transform.unit_rows import settle_unit_rows

Step = tuple[str, Callable[..., Any]]

STEPS: tuple[Step, ...] = (
    ("read", read_grid),
    ("parse", parse_table),
    ("normalise", normalise_amounts),
    ("settle", settle_unit_rows),
    ("nonempty", refuse_if_empty),
    ("deduplicate", reject_duplicate_projects),
    ("reconcile", reconcile),
)


def process_file(path: Path | str, year: int | None = None) -> SourceTable:
    """Run every step on one file. Raises TableRefused when the table as a whole is unusable."""
    value: Any = Path(path)
    for name, step in STEPS:
        try:
            value = step(value, year) if name == "parse" else step(value)
        except TableRefused as exc:
            if exc.sha256 is None:  # refused after the read: the grid or table carries the bytes' sha256
                exc.sha256 = getattr(value, "sha256", None) or None
            raise
    return value


def run_file(path: Path | str, year: int | None = None) -> SourceTable | Refusal:
    """process_file, with every failure turned into a Refusal that names the file, the reason and its kind.

    A TableRefused keeps its kind (bad_input unless the raiser said otherwise); any other exception is a
    bug in the parser, an ``internal_error``, which incremental runs never skip (the next release may read it).
    A refusal is logged under the sha256 of the bytes refused: hashed again after the parse, a file edited in
    between was logged as refused under its new bytes, which the next run then skipped unread.
    """
    try:
        return process_file(path, year)
    except TableRefused as exc:
        reason = exc.reason if exc.line_no is None else f"line {exc.line_no}: {exc.reason}"
        filed = _filed(path, year)
        sha = exc.sha256 if exc.sha256 is not None else file_sha256(Path(path))  # unread (too large, unreadable)
        return Refusal(str(path), sha, reason, filed, exc.kind, exc.layout, exc.layout_score)
    except Exception as exc:  # a bug must not take the other files down with it
        reason = f"internal error while parsing: {type(exc).__name__}: {exc}"
        return Refusal(str(path), file_sha256(Path(path)), reason, _filed(path, year), RefusalKind.INTERNAL_ERROR)


def _filed(path: Path | str, year: int | None) -> int | None:
    """The year a refused file is logged under: --year, else its year folder's."""
    return year if year is not None else folder_year(path)
