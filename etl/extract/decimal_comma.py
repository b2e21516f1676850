"""Amounts written with a decimal comma (82,60 or 1.485,34), as a European-locale Excel writes a ;-separated CSV.

Read only in a ;-separated file, and only when the file's amounts say which mark is the decimal one:
- a comma that cannot be a thousands separator (82,60, 1.485,34, 12,5) and no amount with a decimal point:
  the file writes decimal commas, and every amount is read so (1.485 is then 1485), with a note saying so;
- a decimal point (82.60, 1,485.34, 1,485,340) and no decimal comma: read as every other file (as before);
- both: refused, naming one cell of each (which convention the ambiguous cells follow cannot be told);
- neither, but an amount such as 1,485 or 1.485 (one group of three digits: a thousands separator or a decimal
  mark): refused, naming the cell; never read as 1485 when it may mean 1.485.
Amounts are the cells of the money columns (总计, 财政拨款 …) below the header row; in a file without a header
row (a form), every cell that is only a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from etl.extract.columns import header_positions, is_header_row
from etl.extract.grid_rows import NumberedRow
from etl.model import AMOUNT_COLUMNS, RefusalKind, TableRefused
from etl.text import fold, fold_number

Cell = tuple[int, int, str, str, re.Match[str]]  # row index, column index, column name, kind, the amount's match

_AMOUNT = re.compile(r"^(?P<pre>\s*[¥￥]?\s*[-+]?)(?P<num>\d[\d.,]*\d)(?P<post>\s*(?:万元|千元|元|万|千)?\s*)$")
_EITHER = re.compile(r"\d{1,3}[.,]\d{3}")
_COMMA = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d+),\d+|\d{1,3}(?:\.\d{3}){2,}")
_POINT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d+)\.\d+|\d{1,3}(?:,\d{3}){2,}")
NOTE = "amounts written with a decimal comma (82,60; 1.485,34) read as 82.60 and 1485.34"


def _kind(number: str) -> str | None:
    if _EITHER.fullmatch(number):
        return "either"
    if _COMMA.fullmatch(number):
        return "comma"
    return "point" if _POINT.fullmatch(number) else None


def _money_columns(rows: list[NumberedRow]) -> tuple[int, dict[int, str] | None]:
    """The index of the first row below the header and the money columns (index -> header), or (0, None): no
    header row, every cell counts."""
    for n, (_, cells) in enumerate(rows):
        stripped = [c.strip() for c in cells]
        if is_header_row(stripped):
            positions, _ = header_positions(stripped)
            money = {i: stripped[i] for name, i in positions.items() if name.partition("+")[0] in AMOUNT_COLUMNS}
            return n + 1, money
    return 0, None


def _amount_cells(rows: list[NumberedRow]) -> Iterator[Cell]:
    start, money = _money_columns(rows)
    for r in range(start, len(rows)):
        cells = rows[r][1]
        for c in range(len(cells)) if money is None else (i for i in money if i < len(cells)):
            if "," not in cells[c] and "." not in cells[c] and "，" not in cells[c] and "．" not in cells[c]:
                continue
            if (m := _AMOUNT.match(fold_number(fold(cells[c])))) and (kind := _kind(m["num"])):
                yield r, c, (money or {}).get(c, f"column {c + 1}"), kind, m


def _where(rows: list[NumberedRow], cell: Cell) -> str:
    r, c, column, _, _ = cell
    return f"line {rows[r][0]}, {column}: {rows[r][1][c].strip()!r}"


def read_decimal_commas(path: Path, rows: list[NumberedRow]) -> tuple[list[NumberedRow], list[str]]:
    """The rows of a ;-separated file with its decimal-comma amounts written with a point, and the notes (see the
    module's text); refuses a file whose amounts mix the two marks or cannot tell which one they use."""
    cells = list(_amount_cells(rows))
    first: dict[str, Cell] = {}
    for cell in cells:
        first.setdefault(cell[3], cell)
    if "comma" in first and "point" in first:
        reason = (
            f"amounts written with a decimal comma ({_where(rows, first['comma'])}) and with a decimal point "
            f"({_where(rows, first['point'])}) in one ;-separated file: save the table with one of them"
        )
        raise TableRefused(path, reason, rows[first["comma"][0]][0])
    if "comma" in first:
        return _rewritten(rows, cells), [NOTE]
    if "point" in first or "either" not in first:
        return rows, []
    reason = (
        f"amount {_where(rows, first['either'])} in a ;-separated file: a thousands separator or a decimal "
        "comma? No other amount tells; save the table with decimal points (82.60) and no thousands separators"
    )
    raise TableRefused(path, reason, rows[first["either"][0]][0], RefusalKind.UNSUPPORTED_LAYOUT)


def _rewritten(rows: list[NumberedRow], cells: list[Cell]) -> list[NumberedRow]:
    """The rows with every decimal-comma amount written with a point and without thousands separators."""
    out = list(rows)
    for r, c, _, _, m in cells:
        line, row = out[r]
        if row is rows[r][1]:
            row = list(row)
            out[r] = (line, row)
        row[c] = m["pre"] + m["num"].replace(".", "").replace(",", ".") + m["post"]
    return out
