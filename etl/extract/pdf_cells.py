"""The text of a PDF table's cells, as pdfplumber's ``Table.extract()`` gives it (pdfplumber 0.11.10, no options),
with the page's characters looked up through an index instead of a scan a row.

``Table.extract`` tests every character of the page against every row, then the row's against each of its cells: a
page of N rows and C characters costs N x C tests (the sample as a PDF: 187,661 on 2 pages; finding and reading its
tables took 0.11-0.18 s of the read before, 0.08-0.13 s after, three reads each). Here the characters are sorted
once a page by the middle of their height, a row takes the run between its top and bottom by bisection, and the
cells test only the row's. The same characters reach each cell in the same order
(the page's), tested by the same comparisons of the same sums, and go through the same ``utils.extract_text``;
tests/test_pdf_quick_paths.py holds the two equal on every PDF fixture and on drawn PDFs.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from pdfplumber import utils

Char = dict[str, Any]


class CharIndex:
    """A page's characters by the middle of their height (a character whose middle is not a number is in no cell,
    as in pdfplumber, and is left out of the index, which must stay sorted)."""

    def __init__(self, chars: list[Char]) -> None:
        self.chars = chars
        self.middles = [((c["top"] + c["bottom"]) / 2, (c["x0"] + c["x1"]) / 2) for c in chars]
        numbers = [i for i, (v, h) in enumerate(self.middles) if v == v and h == h]  # NaN != NaN
        self.order = sorted(numbers, key=lambda i: self.middles[i][0])
        self.heights = [self.middles[i][0] for i in self.order]

    def table_text(self, table: Any) -> list[list[str | None]]:
        """``table.extract()``: each row's cells' text, None for a cell the grid leaves out."""
        return [self._row_text(row.bbox, row.cells) for row in table.rows]

    def _row_text(self, bbox: tuple[float, ...], cells: list[Any]) -> list[str | None]:
        x0, top, x1, bottom = bbox
        if not (top == top and bottom == bottom):  # a NaN edge: every comparison is false, no character is in it
            return [None if cell is None else "" for cell in cells]
        run = self.order[bisect_left(self.heights, top) : bisect_left(self.heights, bottom)]
        in_row = sorted(i for i in run if x0 <= self.middles[i][1] < x1)  # the page's order
        return [None if cell is None else self._cell_text(cell, in_row) for cell in cells]

    def _cell_text(self, cell: tuple[float, ...], in_row: list[int]) -> str:
        x0, top, x1, bottom = cell
        middles = self.middles
        found = [self.chars[i] for i in in_row if x0 <= middles[i][1] < x1 and top <= middles[i][0] < bottom]
        return utils.extract_text(found) if found else ""
