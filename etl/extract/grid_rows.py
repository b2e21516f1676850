"""Turn numbered rows of cells (from any reader) into a Grid: preamble lines, then the grid."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from etl.extract.columns import is_header_row
from etl.model import GridRow, TableRefused

NumberedRow = tuple[int, list[str]]

MAX_ROWS = 500_000  # rows of one file, blank ones not counted
MAX_CELLS = 10_000_000  # cells of one file, the empty ones a span or a padded row stands for included


class Budget:
    """The rows and cells a reader has made of one file: past MAX_ROWS or MAX_CELLS the file is refused, not read.

    A small file can stand for a great many: a 13 KB workbook whose <dimension> claims the whole sheet (1,048,576
    rows padded to 16,384 columns) took 75 s and 5.6 GB, 1 MB of HTML colspan="1000" 15 s and 840 MB, 8 MB of
    one-letter lines 25 s and 1.8 GB.
    """

    def __init__(self, path: Path) -> None:
        self.path, self.rows, self.cells = path, 0, 0

    def add(self, cells: int, rows: int = 1) -> None:
        self.rows += rows
        self.cells += cells
        if self.rows > MAX_ROWS:
            raise TableRefused(self.path, f"too large to read: more than {MAX_ROWS:,} rows")
        if self.cells > MAX_CELLS:
            raise TableRefused(self.path, f"too large to read: more than {MAX_CELLS:,} cells")


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
