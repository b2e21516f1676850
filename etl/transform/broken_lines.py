"""A text dump whose cells hold line breaks written unquoted (a page or a workbook copied into a .txt): a goal or a
packed 绩效指标 of several lines ends its row on the first of them, and the next lines, one cell each (no separator in
them), became rows of their own: unit rows of no amounts named 实施周期指标值:≥100个, which took the projects after
them, and a project whose indicators lost their targets ("no 实施周期指标值 or 年度指标值"). Such lines are joined
back to the cell they break, with a line break, as a quoted cell would have kept them.

Two shapes tell a broken cell, and only in a text dump (a CSV, a workbook or a page keeps its cells whole):
- the row stops in a goal or indicator cell short of the header's width, and a later line completes it exactly
  (its cells, the first continuing the broken one, fill the columns left): the lines between, one cell each, are
  that cell's too;
- the row is whole and its last cell is the packed 绩效指标: lines of one cell after it are its lines when they read
  as more of its items (more items, more targets, fewer errors); a line that adds nothing (a unit's heading printed
  without separators, 其中：…) stays a row.
"""

from __future__ import annotations

import re

from etl.model import AMOUNT_COLUMNS, GridRow, Indicator
from etl.transform.indicators import parse_indicators

MAX_BROKEN_LINES = 50  # lines one cell is looked for over: a cell of a project's targets is not longer
_TEXT_COLUMNS = ("goal", "indicators")
_AMOUNT_LIKE = re.compile(r"^[-+]?[\d,]+(?:\.\d+)?\s*(?:万元|元|万)?$")


def join_broken_lines(rows: list[GridRow], positions: dict[str, int], width: int) -> list[GridRow]:
    """The rows with each cell broken over lines joined back (see the module's docstring)."""
    broken_at = {positions[c] for c in _TEXT_COLUMNS if c in positions}
    if not broken_at or all(len(r.cells) >= width for r in rows):
        return rows  # (the common case: every line holds every cell)
    out: list[GridRow] = []
    i = 0
    while i < len(rows):
        row, taken = rows[i], 0
        if len(row.cells) - 1 in broken_at and row.cells[-1].strip():
            taken = _completed(rows, i, width, positions) if len(row.cells) < width else _more_items(rows, i, positions)
        elif 1 < len(row.cells) < width and row.cells[-1].strip():
            taken = _completed(rows, i, width, positions, joined_fits=True)
        out.append(_joined(rows[i : i + taken + 1]) if taken else row)
        i += taken + 1
    return out


def _one_cell_lines(rows: list[GridRow], start: int) -> int:
    """How many rows from ``start`` on are lines of one cell (no separator in them), at most MAX_BROKEN_LINES."""
    n = 0
    while start + n < len(rows) and n < MAX_BROKEN_LINES and len(rows[start + n].cells) == 1:
        n += 1
    return n


def _completed(rows: list[GridRow], i: int, width: int, positions: dict[str, int], joined_fits: bool = False) -> int:
    """The lines after the short row i that complete it: lines of one cell, then one whose cells fill the columns
    left exactly, each a cell its column can hold (0: none does; a row that leaves out its empty cells, followed by a
    short row of its own, 调解经费 | 2.00, puts an amount where the indicators go). With ``joined_fits`` (a cell
    other than a goal or indicators broken: a name, 社区矫正和安置 / 帮教经费, or an amount, 82. / 60) the broken cell
    joined must fit its column too: a row of amounts that leaves out its empty cells (司法局 | 83.60), followed by a
    short row, would put that row's name in an amount."""
    lines = _one_cell_lines(rows, i + 1)
    last = i + 1 + lines
    if last >= len(rows) or len(rows[i].cells) + len(rows[last].cells) - 1 != width:
        return 0
    start = len(rows[i].cells)  # the columns the last line fills after the broken cell
    placed = {at: rows[last].cells[at - start + 1] for at in range(start, width)}
    if joined_fits:
        placed[start - 1] = "".join(_joined(rows[i : last + 1]).cells[start - 1].split())
    return lines + 1 if all(_fits(column, placed.get(at, "")) for column, at in positions.items()) else 0


def _fits(column: str, text: str) -> bool:
    """Whether a cell the last line puts in a column can be that column's: an amount under an amount's header, and
    text, not an amount, under 绩效目标 or 绩效指标."""
    text = text.strip()
    if not text:
        return True
    is_amount = bool(_AMOUNT_LIKE.match(text))
    return is_amount if column in AMOUNT_COLUMNS else not (is_amount and column in _TEXT_COLUMNS)


def _more_items(rows: list[GridRow], i: int, positions: dict[str, int]) -> int:
    """How many lines of one cell after the whole row i are more of its packed 绩效指标 (the last cell): the count
    whose joined cell reads best, the fewest on a tie (0: none adds to it)."""
    if positions.get("indicators") != len(rows[i].cells) - 1 or not _named(rows[i], positions):
        return 0
    lines = _one_cell_lines(rows, i + 1)
    if not lines:
        return 0
    text, best, taken = rows[i].cells[-1], _reading(rows[i].cells[-1]), 0
    for n in range(1, lines + 1):
        text += "\n" + rows[i + n].cells[0]
        if (score := _reading(text)) > best:
            best, taken = score, n
    return taken


def _named(row: GridRow, positions: dict[str, int]) -> bool:
    at = positions.get("project_name", 0)
    return at < len(row.cells) and bool(row.cells[at].strip())


def _reading(cell: str) -> tuple[int, int, int]:
    """How well a packed cell reads: (fewer errors, more indicators, more targets)."""
    errors = indicators = targets = 0
    for item in parse_indicators(cell):
        if isinstance(item, Indicator):
            indicators += 1
            targets += (item.period.text is not None) + (item.annual.text is not None)
        else:
            errors += 1
    return -errors, indicators, targets


def _joined(rows: list[GridRow]) -> GridRow:
    """One row of a row and the lines that go on its last cell: each line's first cell continues the cell before,
    after a line break; the last line's other cells are the row's next columns."""
    cells = list(rows[0].cells)
    for row in rows[1:]:
        cells[-1] = f"{cells[-1]}\n{row.cells[0]}"
        cells += row.cells[1:]
    return GridRow(rows[0].line_no, cells)
