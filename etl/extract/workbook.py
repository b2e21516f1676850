"""Excel readers: .xlsx through openpyxl, .xls through xlrd. Merged cells come out empty but the first (a value kept
under a merged range is not shown, and not read); an amount merged across amount columns is read in each (see
with_merges and grid_rows.Spreading)."""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import io
import itertools
import math
import re
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

from etl.extract import grid_rows
from etl.extract.columns import canonical_column, is_header_row
from etl.extract.encoding import sha256_of
from etl.extract.grid_rows import (
    Budget,
    NumberedRow,
    UnderMerge,
    continues,
    header_width,
    join_tables,
    split_rows,
    with_spans,
)
from etl.extract.hidden_rows import Hidden, drop_hidden_rows, shown
from etl.extract.xls_cells import Stored, column_name, stored_records
from etl.model import AMOUNT_UNITS_OR_SHORT, Grid, TableRefused

SHEET_ROW_OFFSET = 100_000

FEN_TOLERANCE = 1e-6
MAX_SHEET_XML = 256 * 1024 * 1024  # a sheet's XML larger than this is not searched for uncomputed formulas
MAX_INFLATED = 1024 * 1024 * 1024  # bytes of an .xlsx's parts, inflated (a real one is 5-15 times its file)
MAX_XML_TAGS = 12_000_000  # "<"s of its sheets and shared strings: about 3 M cells (~20 s of openpyxl)


def to_fen(value: float) -> float | None:
    """A binary double that is a fen amount plus float noise (1485.3400000000001, what a =SUM() cell
    caches) -> that fen amount; None when the value is not within 1e-6 (or a few ulps) of a fen."""
    fen = round(value, 2)
    if fen != value and math.isclose(value, fen, rel_tol=4 * 2**-52, abs_tol=FEN_TOLERANCE):
        return fen
    return None


# a number format that shows the value times 100 with a % sign (0%, 0.00%), not a quoted or escaped "%"
_LITERALS = re.compile(r'"[^"]*"|\\.')


def is_percent_format(number_format: str | None) -> bool:
    return bool(number_format) and "%" in _LITERALS.sub("", number_format)


# a number format's scaler: commas after its last digit placeholder divide the value shown by 1,000 each
# (#,##0.00, shows 826000 as 826.00: a table in 千元 whose cells hold 元; it loaded 1,000 times too large)
_SCALER = re.compile(r"[0#?](,+)(?=[^0#?]*$)")


@lru_cache(maxsize=256)  # asked of every number cell; a workbook holds a handful of formats
def format_scale(number_format: str | None) -> int:
    """How many times a number format divides the value shown by 1,000 (0: none). A scaler beside a character the
    format prints among the digits (0!.0, shows 826000 as 82.6: 万 by a trick) is refused, never read 10 times off."""
    numeric = _LITERALS.sub("", (number_format or "").split(";")[0])
    if (m := _SCALER.search(numeric)) is None:
        return 0
    if "!" in numeric:
        raise ValueError(f"a number format that scales values and prints a character among the digits: {number_format}")
    return len(m.group(1))


# an amount unit a number format prints after the number (#,##0.00"千元", 0.00"万元", 0\元): Excel shows 826.00千元, so
# the cell reads so (it read 826 in the table's unit, or in the default 万元: 10 times too large, exit 0)
_FORMAT_UNIT = re.compile(rf'[0#?.,]\s*(?:"\s*({AMOUNT_UNITS_OR_SHORT})\s*"|\\({AMOUNT_UNITS_OR_SHORT}))\s*$')


@lru_cache(maxsize=256)
def format_unit(number_format: str | None) -> str:
    """The amount unit the format's first (positive) section prints after the number, else ''."""
    m = _FORMAT_UNIT.search((number_format or "").split(";")[0])
    return (m.group(1) or m.group(2)) if m else ""


def excel_digits(value: float) -> str:
    """A double to at most 15 significant digits, as Excel shows it, without an exponent: 1200.0 -> '1200'."""
    if not math.isfinite(value):
        return repr(value)
    return f"{Decimal(f'{value:.15g}').normalize():f}"


def cell_text(value: object, number_format: str | None = None) -> str:
    """A cell value as the text a person sees: 82.6 -> '82.6', 1200.0 -> '1200', None -> '', 0.95 formatted as a
    percentage -> '95%', a date (at midnight) -> '2024-12-31'.

    A number within 1e-6 of a fen amount reads as that amount (see to_fen; the reader notes it); any other number
    as Excel shows it, to 15 significant digits (10606.752199999999, a =SUM() of 万元 amounts with four decimals,
    reads 10606.7522)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, int | float) and is_percent_format(number_format):
        shown = (Decimal(repr(value)) * 100).quantize(Decimal("1e-9")).normalize()
        return f"{shown:f}%"
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        value = value.date()
    if isinstance(value, int | float) and number_format and (unit := format_unit(number_format)):
        return _number_text(value, number_format) + unit
    return _number_text(value, number_format)


def _number_text(value: object, number_format: str | None) -> str:
    if isinstance(value, int | float) and (scale := format_scale(number_format)):  # as Excel shows it: / 1,000
        return f"{Decimal(excel_digits(float(value))).scaleb(-3 * scale).normalize():f}"
    if isinstance(value, float):
        fen = to_fen(value)
        return excel_digits(value if fen is None else fen)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


class Sheet(NamedTuple):
    """A sheet as read: its title, whether it is shown, its rows holding text, and which of them (row numbers) the
    sheet hides (hidden by hand or filtered out by an autofilter)."""

    title: str
    visible: bool
    rows: list[NumberedRow]
    hidden: frozenset[int] = frozenset()


def _pick_sheet(path: Path, sheets: Iterable[Sheet]) -> tuple[list[NumberedRow], Hidden]:
    """The visible sheets that hold a header row, joined (a table printed one sheet per unit), with a sheet that
    continues one without its header (see continues); else every
    visible sheet's rows, one after another. A hidden sheet (an old version, a template, a lookup list) is
    not what the workbook shows, and is not read.

    A workbook of single-project forms (one sheet per project) has no header row: its sheets are
    read in order and the layout registry finds the forms in them. Row numbers of the n-th sheet
    are offset by n * SHEET_ROW_OFFSET, so every row keeps a distinct number. Also returned: the hidden rows among
    them, by the number they are read under -> (sheet, row in the sheet).
    """
    every: list[NumberedRow] = []
    tables: list[tuple[str, list[NumberedRow]]] = []
    hidden_every: Hidden = {}
    hidden_tables: Hidden = {}
    width = shown = 0
    for n, (title, visible, rows, hidden) in enumerate(sheets):
        if not visible:
            continue
        shown += 1
        numbered = [(line + n * SHEET_ROW_OFFSET, cells) for line, cells in rows]
        hidden_every.update((row + n * SHEET_ROW_OFFSET, (title, row)) for row in hidden)
        if sheet_width := header_width(rows):  # (has_header: the rows searched once, a title cell can be 10 MB)
            cover = [] if tables or _states_unit(rows) or not _cover(every, shown - 1) else every  # a cover before it
            offset = n * SHEET_ROW_OFFSET if tables or cover else 0
            hidden_tables.update((row + offset, (title, row)) for row in hidden)
            tables.append((f"sheet {title!r}", [*cover, *numbered] if tables or cover else rows))
            width = sheet_width
        elif tables and continues(rows, width):  # a long table continued on the next sheet without its header
            hidden_tables.update((row + n * SHEET_ROW_OFFSET, (title, row)) for row in hidden)
            tables.append((f"sheet {title!r}", numbered))
        elif tables:
            width = 0
        every.extend(numbered)
    if not tables:
        return every, hidden_every
    return (join_tables(path, _totals_as_units(tables)) if len(tables) > 1 else tables[0][1]), hidden_tables


_SHEET_TOTAL = re.compile(r"^\s*[合总]\s*计\s*[:：]?\s*$")
_SHEET_TITLE = re.compile(r"^sheet '(.*)'$", re.S)
_DEFAULT_TITLE = re.compile(r"^\s*(?:sheet|工作表|表)\s*\d*\s*$", re.IGNORECASE)


def _totals_as_units(tables: list[tuple[str, list[NumberedRow]]]) -> list[tuple[str, list[NumberedRow]]]:
    """A workbook printed a sheet per unit, each sheet's table starting with its own 合计 (totals that differ): each
    合计 is its sheet's unit total, named by the sheet's title. Joined as they were, every sheet's 合计 was checked
    against every sheet's projects, and a table that adds up failed reconciliation. Totals printed alike on every sheet
    (the whole table's, repeated) stay the table's."""
    firsts = []
    for label, rows in tables:
        head = next((i for i, (_, cells) in enumerate(rows) if is_header_row([c.strip() for c in cells])), None)
        start = len(rows) if head is None else head + 1
        after = next((i for i in range(start, len(rows)) if any(c.strip() for c in rows[i][1])), None)
        title = _SHEET_TITLE.match(label)
        if after is None or title is None or _DEFAULT_TITLE.match(title.group(1)):
            return tables  # (Sheet1, 工作表2: no unit's name to give it)
        cells = rows[after][1]
        at = next(i for i, c in enumerate(cells) if c.strip())
        if not _SHEET_TOTAL.match(cells[at]):
            return tables
        firsts.append((after, at, title.group(1), tuple(c.strip() for c in cells[at + 1 :])))
    if len({amounts for *_, amounts in firsts}) < 2:
        return tables
    out = []
    for (label, rows), (after, at, title, _) in zip(tables, firsts, strict=True):
        line, cells = rows[after]
        rows = [*rows[:after], (line, [*cells[:at], title, *cells[at + 1 :]]), *rows[after + 1 :]]
        out.append((label, rows))
    return out


def _cover(rows: list[NumberedRow], sheets_before: int) -> bool:
    """Whether the rows of the sheets before the table's are one cover: one sheet of a few lines, none of them a
    table's row (three cells or more), one of them a unit line. A department's budget workbook prints other tables
    first (部门收支总表, 单位：元): their lines are not the target table's, and were read as its unit."""
    lines = [cells for _, cells in rows if any(c.strip() for c in cells)]
    return (
        sheets_before == 1
        and 0 < len(lines) <= 12
        and all(sum(1 for c in cells if c.strip()) <= 2 for cells in lines)
        and any("单位" in c for cells in lines for c in cells)
    )


def _states_unit(rows: list[NumberedRow]) -> bool:
    """Whether a table's sheet prints a 单位 line (or cell) above its header row. One that does not reads the lines of
    the sheets before it (a cover: 2024年项目支出绩效目标表 / 部门名称：… / 单位：千元) as the lines above its table:
    they were not read, and the table loaded in the default 万元, 10 times too large, exit 0."""
    for _, cells in rows:
        if is_header_row([c.strip() for c in cells]):
            return any("元" in c for c in cells)  # a unit in the column titles: 总计（元）
        if any("单位" in c for c in cells):
            return True
    return False


def _row_texts(sheet: str, row_no: int, cells: Iterable[tuple[object, str | None]], notes: list[str]) -> list[str]:
    """A row's (value, number format) cells as text; a number rounded to fen is noted (sheet, row, column, the
    value as stored)."""
    texts = []
    for col, (value, number_format) in enumerate(cells, start=1):
        text = cell_text(value, number_format)
        if isinstance(value, float) and not text.endswith("%") and len(notes) < 20 and math.isfinite(value):
            where = f"sheet {sheet!r} row {row_no} column {col}: {value!r} read as"
            if format_scale(number_format):
                notes.append(f"{where} {text} (its number format {number_format} shows it in thousands)")
            elif to_fen(value) is not None:
                notes.append(f"{where} {to_fen(value):.2f} (binary double rounded to fen)")
            elif Decimal(text.removesuffix(format_unit(number_format))) != Decimal(repr(value)):
                notes.append(f"{where} {text} (binary double shown to 15 digits, as Excel shows it)")
        texts.append(text)
    return texts


def _xlsx_cells(row: tuple[object, ...]) -> Iterable[tuple[object, str | None]]:
    """A row's stored cells: openpyxl pads every row to the sheet's width with EmptyCell, a cell the file does not
    hold; those at the end are left out, as a text export leaves out the cells of a merged range (a short
    continuation row of the per-row layout, re-saved by Excel, stays short). An empty cell the file holds (a
    styled one, as in a merged range) stays."""
    from openpyxl.cell.read_only import EmptyCell

    end = len(row)
    while end and isinstance(row[end - 1], EmptyCell):
        end -= 1
    for c in row[:end]:
        value = getattr(c, "value", None)
        yield value, (getattr(c, "number_format", None) if isinstance(value, int | float) else None)


_COL = re.compile(rb"<col\b[^<>]*>")
_HIDDEN = re.compile(rb'\bhidden="(?:1|true)"|\bwidth="0*(?:\.0*)?"')  # hidden, or a width of 0: not shown
_SPAN = re.compile(rb'\bmin="(\d+)"[^<>]*?\bmax="(\d+)"|\bmax="(\d+)"[^<>]*?\bmin="(\d+)"')
HEAD_BYTES = 1 << 20  # <cols> stands before <sheetData>, near the start of the sheet's part


def hidden_columns(head: bytes) -> set[int]:
    """The 0-based indexes of the columns a sheet's <cols> hides (<col min="2" max="2" hidden="1"/>): not shown
    in Excel, so not read (a stale 财政拨款 kept beside the shown one)."""
    cols = head.split(b"<sheetData", 1)[0]
    hidden: set[int] = set()
    for tag in _COL.finditer(cols):
        if _HIDDEN.search(tag.group()) and (m := _SPAN.search(tag.group())):
            low, high = (int(m[1]), int(m[2])) if m[1] else (int(m[4]), int(m[3]))
            hidden.update(range(low - 1, min(high, 16384)))
    return hidden


def _sheet_head(archive: zipfile.ZipFile | None, part: str | None) -> bytes:
    if archive is None or not part:
        return b""
    try:
        with archive.open(part.lstrip("/")) as fh:
            return fh.read(HEAD_BYTES)
    except (KeyError, OSError, zipfile.BadZipFile):
        return b""


def _stored_rows(sheet: Any, merges: list[Merge] | None = None) -> Iterator[tuple[int, tuple[Any, ...], bool]]:
    """A read-only sheet's stored rows, (row number, cells, hidden), in the one pass over its XML that openpyxl's
    iter_rows makes (read-only iter_rows with the dimensions reset, openpyxl 3.1.5, pinned), plus each <row>'s
    hidden="1" (hidden by hand, or filtered out by an autofilter), which read-only mode does not keep: its parser
    holds a row's attributes in row_dimensions as it reads the row. Every row is given, in the order stored (iter_rows
    skips a row numbered at or before the one before it: a row stored out of order was lost, see _sheet_rows), each
    as wide as its rightmost cell (iter_rows ends a row at its last cell stored: cells stored right to left were
    lost but the first). Once every row is given, the sheet's merged ranges (its <mergeCells>, after the rows) are
    added to merges."""
    from openpyxl.worksheet._reader import WorkSheetParser

    book = sheet.parent
    with sheet._get_source() as src:
        parser = WorkSheetParser(
            src, sheet._shared_strings, data_only=book.data_only, epoch=book.epoch,
            date_formats=book._date_formats, timedelta_formats=book._timedelta_formats,
        )
        for number, cells in parser.parse():
            attributes = parser.row_dimensions.pop(str(number), None) or {}
            width = max((cell["column"] for cell in cells), default=0)
            yield number, sheet._get_row(cells, max_col=width), _hidden_row(attributes)
        if merges is not None and parser.merged_cells is not None:
            ranges = parser.merged_cells.mergeCell
            merges += [
                (m.min_row, m.max_row, m.min_col - 1, m.max_col - 1)
                for m in ranges
                if m.max_row > m.min_row or m.max_col > m.min_col
            ]


_WHITE = frozenset({"FFFFFFFF", "00FFFFFF"})


def _white_row(row: tuple[Any, ...]) -> bool:
    """Whether every value of the row is written in white on no fill: nothing of it shows (a withdrawn project kept in
    white type loaded, as a PDF's or a Word table's invisible text is not). One cell in a visible colour ends the look:
    the first, in nearly every row."""
    seen = False
    for cell in row:
        if getattr(cell, "value", None) in (None, ""):
            continue
        if not _invisible(cell):
            return False
        seen = True
    return seen


def _invisible(cell: Any) -> bool:
    try:
        color, fill = cell.font.color, cell.fill
    except (AttributeError, IndexError, TypeError):  # no style to read: shown
        return False
    if color is None or getattr(fill, "patternType", None) not in (None, "none"):
        return False
    if getattr(color, "type", None) == "rgb":
        return color.rgb in _WHITE
    return getattr(color, "type", None) == "theme" and color.theme == 0 and not color.tint  # Background 1: white


def _hidden_row(attributes: dict[str, str]) -> bool:
    """A <row> Excel does not show: hidden="1", or a height of 0 (ht="0": a row 50万 of an old project loaded)."""
    return attributes.get("hidden") in ("1", "true") or _zero(attributes.get("ht"))


def _zero(size: str | bytes | None) -> bool:
    try:
        return size is not None and float(size) == 0
    except ValueError:
        return False


def _in_row_order(sheet: str, rows: list[NumberedRow], path: Path) -> list[NumberedRow]:
    """Rows stored out of order, as Excel shows them: by their numbers. A number stored twice with text in both is
    refused: which of them the sheet shows is not for the reader to guess."""
    rows = sorted(rows, key=lambda row: row[0])
    for (before, _), (number, _) in itertools.pairwise(rows):
        if number == before:
            reason = f"sheet {sheet!r} stores row {number} twice (a damaged file): open it in Excel and save it"
            raise TableRefused(path, reason, number)
    return rows


def _sheet_rows(
    sheet: Any, hidden_columns: set[int], budget: Budget, notes: list[str]
) -> tuple[list[NumberedRow], frozenset[int]]:
    """A visible sheet's rows holding a value (each as text), and those of them the sheet hides. Every stored row
    and cell is read, not the rectangle the sheet's <dimension> claims (streaming writers put A1, or a stale range;
    read-only openpyxl stopped at its last row and padded every row to its last column: a 13 KB claim of the whole
    sheet took 75 s and 5.6 GB); the rows the file does not hold count against the budget."""
    rows: list[NumberedRow] = []
    hidden: set[int] = set()
    merges: list[Merge] = []
    last, ordered = 0, True
    for i, row, row_hidden in _stored_rows(sheet, merges):
        budget.add(max(0, i - last - 1), rows=0)  # rows the file does not hold (a million of them before XFD1048576)
        ordered, last = ordered and i > last, max(last, i)
        if not row:
            budget.add(1, rows=0)
            continue
        cells = list(_xlsx_cells(row))
        if hidden_columns:
            cells = [cell for col, cell in enumerate(cells) if col not in hidden_columns]
        blank = all(value is None for value, _ in cells)
        budget.add(len(row) or 1, rows=0 if blank else 1)
        if not blank:  # (split_rows drops it; a sheet can claim a million of them)
            rows.append((i, _row_texts(sheet.title, i, cells, notes)))
            if row_hidden or _white_row(row):
                hidden.add(i)
    if not ordered:
        rows = _in_row_order(sheet.title, rows, budget.path)
    return with_merges((budget.path, sheet.title), rows, merges, hidden_columns, notes), frozenset(hidden)


MERGES_PER_ROW = 64  # merged ranges a row may lie in beyond one a cell (see _Covered)
Merge = tuple[int, int, int, int]  # a merged range: its first and last row (1-based), first and last column (0-based)


def with_merges(
    where: tuple[Path, str], rows: list[NumberedRow], merges: list[Merge], hidden_columns: set[int], notes: list[str]
) -> list[NumberedRow]:
    """The rows as the sheet shows its merged ranges (where: the file and the sheet's title). A range shows its first
    cell's value: a value a program left under it (a stale 乙项目 under 甲项目 merged down three rows, read as a
    project of its own) is not read, noted when it differs from the range's. A row whose cell begins a range across
    columns is marked with its span (grid_rows.SpannedCells: an amount merged across amount columns is read in each),
    counted in the columns read (a hidden one left out). A range whose first column is hidden is left as it is."""
    if not merges:
        return rows
    hidden = sorted(hidden_columns)
    spans: dict[int, dict[int, int]] = {}
    covered = _Covered(where, rows, hidden)
    for top, bottom, first, last in merges:
        before, through = bisect.bisect_left(hidden, first), bisect.bisect_right(hidden, last)
        if before < len(hidden) and hidden[before] == first:
            continue
        at, end = first - before, last + 1 - through  # in the columns read
        if end - at > 1:
            spans.setdefault(top, {})[at] = end - at
        covered.clear(top, bottom, at, end)
    down = [(top, bottom, first) for top, bottom, first, _ in merges if bottom > top and first not in hidden_columns]
    if down:
        by_number, amounts = dict(rows), _amount_columns(rows)  # once a sheet, not once a range
        for top, bottom, first in down:
            at = first - bisect.bisect_left(hidden, first)
            if at in amounts:
                _refuse_a_number_merged_over_rows(where, by_number, (top, bottom), at, hidden)
    if covered.unread:
        notes.append(
            f"values under merged cells not read (the merged cell's own is shown): sheet {where[1]!r} "
            + shown(covered.unread)
        )
    under = {n for top, bottom, *_ in merges for n in range(top + 1, bottom + 1)}  # rows a range covers from above
    return [
        (n, with_spans(cells, spans[n])) if n in spans else (n, UnderMerge(cells) if n in under else cells)
        for n, cells in rows
    ]


_NUMBER = re.compile(r"^\s*[\d,，]+(?:\.\d+)?\s*$")
_NAMED = re.compile(r"[^\W\d_]")


def _refuse_a_number_merged_over_rows(
    where: tuple[Path, str], by_number: dict[int, list[str]], span: tuple[int, int], at: int, hidden: list[int]
) -> None:
    """Refuse a number (an amount) merged down over rows that print a name of their own left of it: two projects
    sharing one amount cell. It was read as the first one's, the others' 0, with every total still adding up; which
    project holds it, or how it is shared, the sheet does not say. (A project's rows merged down together, its name
    merged too, are one project: the rows under the name are empty there.)"""
    top, bottom = span
    first = by_number.get(top, [])
    if at <= 0 or at >= len(first) or not _NUMBER.match(first[at]):
        return
    for n in range(top + 1, bottom + 1):
        cells = by_number.get(n, [])
        if any(_NAMED.search(cell) for cell in cells[:at]):
            reason = (
                f"sheet {where[1]!r}: the number {first[at].strip()} in {_ref(at, hidden)}{top} is merged down over "
                f"row {n}, which prints a name of its own: which project holds it is not known (unmerge it, and print "
                "each project's amount)"
            )
            raise TableRefused(where[0], reason, n)


_AMOUNT_COLUMNS = frozenset({"total", "fiscal", "special_account", "other"})


def _amount_columns(rows: list[NumberedRow]) -> frozenset[int]:
    """The amount columns (总计, 财政拨款 …) of the sheet's header row: only a number merged down in one of them is
    an amount shared (a per-row layout's 指标值 or 权重 merged over its indicators is the same number for each)."""
    header = next((cells for _, cells in rows if is_header_row([c.strip() for c in cells])), [])
    return frozenset(i for i, c in enumerate(header) if canonical_column(c.strip())[0] in _AMOUNT_COLUMNS)


class _Covered:
    """Clears the cells a sheet's merged ranges cover, noting those that held a value of their own. The ranges of a
    sound file do not overlap, so they cover at most every cell read: past that, the file is refused as damaged
    (Excel repairs it by dropping them), not read for as long as the ranges say (A1:XFD1048576 a million times); so is
    one whose ranges pass over more rows than its cells and MERGES_PER_ROW a row allow (a range right of every cell
    read is passed by, as it clears nothing)."""

    def __init__(self, where: tuple[Path, str], rows: list[NumberedRow], hidden: list[int]) -> None:
        self.where, self.rows, self.hidden = where, rows, hidden
        self.numbers = [n for n, _ in rows]  # (in order: _in_row_order sorted them)
        self.room = sum(len(cells) for _, cells in rows)
        self.widest = max((len(cells) for _, cells in rows), default=0)
        # the rows the ranges may pass over (one each, as many as the cells, and MERGES_PER_ROW more a row): past the
        # cells read, a range to the right of a row's cells clears nothing in it but was walked over all the same (the
        # same Z1:Z4000 4,000 times, 90 KB, took 14 s, growing with the square)
        self.visits = self.room + MERGES_PER_ROW * len(rows)
        self.unread: list[str] = []

    def clear(self, top: int, bottom: int, at: int, end: int) -> None:
        """Clear the range's columns at … end - 1 (as read) of its rows top … bottom, but its first cell."""
        if at >= self.widest:  # right of every cell read: nothing to clear
            return
        k, stop_at = bisect.bisect_left(self.numbers, top), bisect.bisect_right(self.numbers, bottom)
        first = self.rows[k][1] if k < len(self.rows) and self.numbers[k] == top else []
        value = first[at] if at < len(first) else ""
        self.visits -= max(0, stop_at - k)
        if self.visits < 0:
            self._refuse()
        for n, cells in self.rows[k:stop_at]:
            start, stop = at + (n == top), min(end, len(cells))
            self.room -= max(0, stop - start)
            if self.room < 0:
                self._refuse()
            for c in range(start, stop):
                if cells[c] not in ("", value):
                    self.unread.append(f"{_ref(c, self.hidden)}{n} {cells[c]!r}")
            cells[start:stop] = [""] * max(0, stop - start)

    def _refuse(self) -> NoReturn:
        reason = f"sheet {self.where[1]!r} has merged ranges that overlap (a damaged file): open it in Excel"
        raise TableRefused(self.where[0], reason + " and save it")


def _ref(column: int, hidden: list[int]) -> str:
    """The letters of the sheet's column read as the given one (the hidden ones, in order, left out)."""
    original = column
    while (now := column + bisect.bisect_right(hidden, original)) != original:
        original = now
    return column_name(original)


def _xlsx_sheets(path: Path, data: bytes, notes: list[str]) -> Iterable[Sheet]:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    budget = Budget(path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        archive = None
    try:
        for sheet in book.worksheets:
            if sheet.sheet_state != "visible":
                yield Sheet(sheet.title, False, [])
                continue
            hidden = hidden_columns(_sheet_head(archive, getattr(sheet, "_worksheet_path", None)))
            yield Sheet(sheet.title, True, *_sheet_rows(sheet, hidden, budget, notes))
    finally:
        book.close()
        if archive is not None:
            archive.close()


NO_FORMATS_NOTE = (
    "the workbook's formatting could not be read (an old .xls): hidden rows and columns were read as shown, "
    "numbers without their formats"
)


def _refuse_xls_before_reading(path: Path, stored: Stored | None) -> None:
    """Before xlrd builds the cells: too many of them, or formulas never computed (see etl/extract/xls_cells.py).

    Every formula caching the empty string is what a writer that does not calculate leaves (xlwt); a workbook that
    computed some of them to the empty string (=IF(…,"",…)) computed others to something."""
    if stored is None:
        return
    if stored.cells > (limit := grid_rows.MAX_CELLS):
        raise TableRefused(path, f"too large to read: more than {limit:,} cells ({stored.cells:,} stored)")
    if stored.formulas and stored.empty_formulas == stored.formulas:
        shown = ", ".join(stored.empty_refs) + (" …" if stored.formulas > len(stored.empty_refs) else "")
        raise TableRefused(
            path,
            f"formula cell(s) without a computed value ({shown}): open the workbook in Excel or LibreOffice and "
            "save it, so that the values are stored",
        )


def _xls_sheets(path: Path, data: bytes, notes: list[str]) -> Iterable[Sheet]:
    import xlrd

    _refuse_xls_before_reading(path, stored_records(data))
    # ragged_rows: a row ends at its last stored cell (formatted blanks count), as _xlsx_cells ends it
    quiet = io.StringIO()  # xlrd prints its warnings (a cut-off file's sector size) to stdout: not into --json
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, ragged_rows=True, logfile=quiet)
        formats = True
    except Exception:  # formats xlrd cannot read (an old BIFF version): the values without them
        book = xlrd.open_workbook(file_contents=data, ragged_rows=True, logfile=quiet)
        formats = False
        notes.append(NO_FORMATS_NOTE)

    def number_format(sheet: xlrd.sheet.Sheet, r: int, c: int) -> str | None:
        fmt = book.format_map.get(book.xf_list[sheet.cell_xf_index(r, c)].format_key) if formats else None
        return fmt.format_str if fmt else None

    def cells(sheet: xlrd.sheet.Sheet, r: int, hidden: set[int]) -> Iterable[tuple[object, str | None]]:
        for c, (value, kind) in enumerate(zip(sheet.row_values(r), sheet.row_types(r), strict=True)):
            if c in hidden:  # a column Excel does not show (see hidden_columns)
                continue
            if kind == xlrd.XL_CELL_DATE:
                with contextlib.suppress(ValueError, OverflowError, xlrd.xldate.XLDateError):
                    value = xlrd.xldate_as_datetime(value, book.datemode)
            yield value, (number_format(sheet, r, c) if kind == xlrd.XL_CELL_NUMBER else None)

    budget = Budget(path)
    for sheet in book.sheets():
        visible = sheet.visibility == 0
        rows, hidden = [], set()
        # hidden, or of no height or width (a row of height 0 loaded, though Excel shows nothing of it)
        hides = {r for r, info in sheet.rowinfo_map.items() if info.hidden or info.height == 0} if formats else set()
        columns = {c for c, info in sheet.colinfo_map.items() if info.hidden or info.width == 0} if formats else set()
        for r in range(sheet.nrows if visible else 0):
            budget.add(sheet.row_len(r) or 1)
            rows.append((r + 1, _row_texts(sheet.name, r + 1, cells(sheet, r, columns), notes)))
            if r in hides and any(text.strip() for text in rows[-1][1]):
                hidden.add(r + 1)  # a hidden row holding text (see _stored_rows)
        # (xlrd keeps a sheet's merged ranges only with formatting_info: none without the formats)
        merges = [(top + 1, bottom, left, right - 1) for top, bottom, left, right in sheet.merged_cells]
        rows = with_merges((path, sheet.name), rows, merges, columns, notes)
        yield Sheet(sheet.name, visible, rows, frozenset(hidden))


# a formula cell with no computed value (<f>…</f> and no <v>, or an empty one): openpyxl's data_only reads None
# (a formula whose result is the empty string is stored as t="str" with an empty <v>: computed, and kept).
# No part of it can run past a "<": a scan from each "<c" to the end of the sheet made 1 MB of '<c r="A1" '
# (a 15 KB workbook) take for ever
# An element may carry a namespace prefix (<x:c><x:f>, as the .NET OpenXML SDK writes it, which computes nothing: it
# was missed, and every amount read 0, exit 0).
_NS = rb"(?:[A-Za-z_][\w.-]{0,15}:)?"
_FORMULA_CELL = re.compile(
    rb"<" + _NS + rb"c\b([^<>]*)>\s*<" + _NS + rb"f\b[^<>]*(?:/>|>[^<]*</" + _NS + rb"f>)\s*"
    rb"(?:<" + _NS + rb"v\s*/>|<" + _NS + rb"v>\s*</" + _NS + rb"v>)?\s*</" + _NS + rb"c>"
)
_CELL_REF = re.compile(rb"""\br=["']([A-Z]{1,3}\d+)["']""")
_COMPUTED_STR = re.compile(rb'\bt="str"')


def _uncomputed(sheet_xml: bytes) -> list[bytes]:
    """The references of the sheet's formula cells that hold no computed value."""
    refs = []
    for cell in _FORMULA_CELL.finditer(sheet_xml):
        attributes = cell.group(1)
        if not _COMPUTED_STR.search(attributes):
            ref = _CELL_REF.search(attributes)
            refs.append(ref.group(1) if ref else b"a cell with no reference")  # r= may be left out: still one
    return refs


def _refuse_before_reading(path: Path, data: bytes) -> None:
    """One pass over the workbook's parts before openpyxl reads it, each part inflated once:

    - a bomb: more than MAX_INFLATED bytes inflated, or more than MAX_XML_TAGS tags in its sheets and shared strings
      (openpyxl spends ~6 µs on each element: a 260 KB workbook of 6 M shared strings took 44 s and 720 MB; the
      sizes a zip declares are what it inflates to);
    - formulas never computed (written by a program that does not calculate, such as a script): their cells would
      read as empty, an amount as 0, with nothing to say it was not printed.
    A damaged zip or part ends the pass: openpyxl says what is wrong with it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:
        return  # not a zip: openpyxl says so
    uncomputed: list[bytes] = []
    with archive:
        infos = archive.infolist()
        if (inflated := sum(info.file_size for info in infos)) > MAX_INFLATED:
            reason = f"workbook too large: it inflates to {inflated:,} bytes (the limit is {MAX_INFLATED:,})"
            raise TableRefused(path, reason)
        tags = 0
        for info in infos:
            if not (_sheet_part(archive, info) or info.filename == "xl/sharedStrings.xml"):
                continue
            try:
                part_tags, refs = _scan_part(archive, info, MAX_XML_TAGS - tags)
            except Exception:
                break
            tags += part_tags
            if tags > MAX_XML_TAGS:
                raise TableRefused(path, f"workbook too large: more than {MAX_XML_TAGS:,} XML tags")
            uncomputed += refs
    if uncomputed:
        shown = ", ".join(c.decode() for c in uncomputed[:5]) + (" …" if len(uncomputed) > 5 else "")
        raise TableRefused(
            path,
            f"formula cell(s) without a computed value ({shown}): open the workbook in Excel or LibreOffice and "
            "save it, so that the values are stored",
        )


def _sheet_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """A worksheet's part: under xl/worksheets/, or any other XML part whose root is a worksheet (the relationships
    may put a sheet anywhere: one stored elsewhere was not searched, its amounts read 0)."""
    if info.filename.startswith("xl/worksheets/"):
        return True
    if not info.filename.endswith(".xml") or info.filename.startswith(("xl/theme/", "docProps/", "_rels/")):
        return False
    try:
        with archive.open(info) as part:
            head = part.read(4096)
    except Exception:
        return False
    return re.search(rb"<" + _NS + rb"worksheet\b", head) is not None


def _scan_part(archive: zipfile.ZipFile, info: zipfile.ZipInfo, room: int) -> tuple[int, list[bytes]]:
    """The part's tags (counted no further than past ``room``) and, for a sheet no larger than MAX_SHEET_XML, the
    references of its uncomputed formula cells."""
    if info.filename.endswith(".xml") and info.filename != "xl/sharedStrings.xml" and info.file_size <= MAX_SHEET_XML:
        xml = archive.read(info)
        tags = xml.count(b"<")
        return tags, (_uncomputed(xml) if tags <= room else [])
    tags = 0
    with archive.open(info) as part:
        while (chunk := part.read(1 << 24)) and tags <= room:
            tags += chunk.count(b"<")
    return tags, []


def read_workbook(path: Path, data: bytes, fmt: str) -> Grid:
    """Read an .xlsx or .xls workbook: its visible sheets with a header row, joined (see _pick_sheet)."""
    if fmt == "xlsx":
        _refuse_before_reading(path, data)
    notes: list[str] = []
    sheets = _xlsx_sheets(path, data, notes) if fmt == "xlsx" else _xls_sheets(path, data, notes)
    try:
        rows, hidden = _pick_sheet(path, sheets)
    except TableRefused:
        raise
    except Exception as exc:  # a damaged workbook raises many kinds of errors inside the libraries
        raise TableRefused(path, f"cannot read the {fmt} workbook: {type(exc).__name__}: {exc}"[:500]) from None
    rows, rejects, hidden_notes = drop_hidden_rows(path, rows, hidden)
    preamble, grid, raw = split_rows(rows, notes)
    return Grid(
        path, preamble, grid, encoding="binary", sha256=sha256_of(data), source_format=fmt, raw_rows=raw,
        notes=notes + hidden_notes, rejects=rejects,
    )
