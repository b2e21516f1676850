"""Turn numbered rows of cells (from any reader) into a Grid: preamble lines, then the grid."""

from __future__ import annotations

from collections.abc import Iterable

from etl.extract.columns import is_header_row
from etl.model import GridRow

NumberedRow = tuple[int, list[str]]


def split_at_header(rows: Iterable[NumberedRow]) -> tuple[list[tuple[int, str]], list[GridRow]]:
    """Rows before the first header row become preamble lines; the header row and all after it the grid.

    Blank rows are dropped; a preamble row keeps its non-empty cells joined by a space.
    """
    preamble, grid, _ = split_rows(rows)
    return preamble, grid


def split_rows(rows: Iterable[NumberedRow]) -> tuple[list[tuple[int, str]], list[GridRow], list[GridRow] | None]:
    """split_at_header, plus every non-blank row as cells when no header row was found (else None).

    The layouts without a column header row (the single-project form, look-alikes to refuse) are
    recognised from those rows by the layout registry.
    """
    preamble: list[tuple[int, str]] = []
    grid: list[GridRow] = []
    kept: list[GridRow] = []
    for line_no, raw in rows:
        cells = [c.strip() for c in raw]
        if not any(cells):
            continue
        if not grid and not is_header_row(cells):
            preamble.append((line_no, " ".join(c for c in cells if c)))
            kept.append(GridRow(line_no, cells))
            continue
        grid.append(GridRow(line_no, cells))
    return preamble, grid, (None if grid else kept)


def has_header(rows: Iterable[NumberedRow]) -> bool:
    return any(is_header_row([c.strip() for c in cells]) for _, cells in rows)
