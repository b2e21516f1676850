"""Rows a workbook hides: not what it shows, so not loaded, and each one that holds text recorded as a reject.

A hidden row in a published workbook is usually a stale or withdrawn line (an old amount kept under the new one, a
project taken out), and so is a row an autofilter filters out. The table's frame is read whether hidden or not:
the title lines above the header row and the header row itself (hiding them does not change what the columns
are), said in the notes; a header row printed again inside the table is read as any repeated header.
"""

from __future__ import annotations

from pathlib import Path

from etl.extract.columns import is_header_row
from etl.extract.grid_rows import NumberedRow
from etl.model import Reject

Hidden = dict[int, tuple[str, int]]  # row number as read -> (sheet title, row number in the sheet)
HIDDEN_REASON = "hidden row in the workbook (sheet {sheet!r}, row {row}): not loaded"
MAX_NOTED = 10


def _header_index(rows: list[NumberedRow]) -> int | None:
    return next((i for i, (_, cells) in enumerate(rows) if is_header_row([c.strip() for c in cells])), None)


def drop_hidden_rows(
    path: Path, rows: list[NumberedRow], hidden: Hidden
) -> tuple[list[NumberedRow], list[Reject], list[str]]:
    """The rows without the hidden ones below the header row (every hidden one when there is no header row: a
    form's lines), a reject for each row left out, and a note naming the hidden rows read as the table's frame."""
    if not hidden:
        return rows, [], []
    head = _header_index(rows)
    kept: list[NumberedRow] = []
    rejects: list[Reject] = []
    framing: list[str] = []
    for i, (line, cells) in enumerate(rows):
        where = hidden.get(line)
        if where is None:
            kept.append((line, cells))
        elif head is not None and (i <= head or is_header_row([c.strip() for c in cells])):
            kept.append((line, cells))
            framing.append(f"sheet {where[0]!r} row {where[1]}")
        else:
            raw = "\t".join(c.strip() for c in cells)[:2000]
            rejects.append(Reject(str(path), line, raw, HIDDEN_REASON.format(sheet=where[0], row=where[1])))
    return kept, rejects, _notes(framing)


def _notes(framing: list[str]) -> list[str]:
    if not framing:
        return []
    more = len(framing) - MAX_NOTED
    shown = ", ".join(framing[:MAX_NOTED]) + (f" and {more} more" if more > 0 else "")
    return [f"hidden rows read as the table's title lines or header row: {shown}"]
