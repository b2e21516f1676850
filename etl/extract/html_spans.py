"""The columns an HTML table's rowspans cover, row after row: kept as the stretches of columns covered at the current
row, and the rows each cover ends at, not one entry a column.

A row's cells go to the first columns no rowspan above covers; the covered columns arrive empty. Kept a column at a
time, each row stepped over every covered column one by one: a table whose every cell is rowspan="0" (to the end of
its row group, at most 1,000 rows, as a browser reads it) steps each row's cell right of the cells above still
covering, and 20,000 rows of one such cell (580 KB) walked 20 million columns for 9 s, the empty cells left of a
row's first cell not counted in the cell budget. Here a covered stretch is passed in one step (a binary search), its
empty cells counted in the budget before they are made, and a cover is dropped once, at the row after its last: the
work is a few steps a cell of the page, besides the grid's cells themselves (made a stretch at a time), and the
budget refuses a grid too large before it is made.

A cell whose columns run over columns covered from above (a table model error: the cells overlap) covers, for its
rows, only those not covered already; where it overlaps, a browser draws both cells, as here the column stays covered
as long as the cover above says.
"""

from __future__ import annotations

import heapq
from bisect import bisect_right

from etl.extract.grid_rows import Budget


class Covered:
    """The columns covered by rowspans above the current row: stretches (starts, ends: sorted, apart, not touching)
    and, for each cover, the last row it covers (a heap). The rows are counted from 0 by start_row."""

    def __init__(self, budget: Budget) -> None:
        self.budget = budget
        self.starts: list[int] = []
        self.ends: list[int] = []
        self._last: list[tuple[int, int, int]] = []  # (last row covered, first column, column after the last)
        self.row = -1
        self.steps = 0  # binary searches and covers added or dropped, for the tests' work counters

    def start_row(self) -> None:
        """The next row: the covers that ended at the row before it are dropped."""
        self.row += 1
        while self._last and self._last[0][0] < self.row:
            _, start, end = heapq.heappop(self._last)
            self._uncover(start, end)

    def skip(self, cells: list[str], col: int) -> int:
        """The covered columns from ``col`` on, as empty cells; the column after them (``col`` when not covered)."""
        self.steps += 1
        i = bisect_right(self.starts, col) - 1
        if i < 0 or self.ends[i] <= col:
            return col
        end = self.ends[i]
        self.budget.add(end - col, rows=0)
        cells.extend([""] * (end - col))
        return end

    def cover(self, col: int, across: int, down: int) -> None:
        """A cell at ``col`` over ``across`` columns covering them for ``down`` rows after this one."""
        if down <= 0:
            return
        at, end = col, col + across
        while at < end:
            self.steps += 1
            i = bisect_right(self.starts, at) - 1
            if i >= 0 and self.ends[i] > at:  # covered already (cells overlapping): as the cover above says
                at = self.ends[i]
                continue
            stop = min(end, self.starts[i + 1]) if i + 1 < len(self.starts) else end
            heapq.heappush(self._last, (self.row + down, at, stop))
            self._add(i, at, stop)
            at = stop

    def end_row(self, cells: list[str]) -> None:
        """The covered columns right of the row's last cell, and any between them, as empty cells."""
        if self.ends and (more := self.ends[-1] - len(cells)) > 0:
            self.budget.add(more, rows=0)
            cells.extend([""] * more)

    def _add(self, i: int, start: int, end: int) -> None:
        """Columns start..end, uncovered, after stretch i (-1: before all), joined to the stretches they touch."""
        after = i + 1 < len(self.starts) and self.starts[i + 1] == end
        if i >= 0 and self.ends[i] == start:
            self.ends[i] = self.ends[i + 1] if after else end
            if after:
                del self.starts[i + 1], self.ends[i + 1]
        elif after:
            self.starts[i + 1] = start
        else:
            self.starts.insert(i + 1, start)
            self.ends.insert(i + 1, end)

    def _uncover(self, start: int, end: int) -> None:
        """Columns start..end covered no more (they lie inside one stretch)."""
        self.steps += 1
        i = bisect_right(self.starts, start) - 1
        first, last = self.starts[i], self.ends[i]
        del self.starts[i], self.ends[i]
        for a, b in ((first, start), (end, last)):
            if b > a:
                self.starts.insert(i, a)
                self.ends.insert(i, b)
                i += 1
