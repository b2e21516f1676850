"""Turn numbered rows of cells (from any reader) into a Grid: preamble lines, then the grid."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from etl.extract.columns import canonical_column, header_positions, is_header_row
from etl.model import AMOUNT_COLUMNS, AMOUNT_UNITS_OR_SHORT, GridRow, RefusalKind, TableRefused
from etl.text import fold, fold_number

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

    Blank rows are dropped; a preamble row keeps its non-empty cells joined by a space, one line per line of text.
    """
    preamble, grid, _ = split_rows(rows)
    return preamble, grid


def split_rows(
    rows: Iterable[NumberedRow], notes: list[str] | None = None
) -> tuple[list[tuple[int, str]], list[GridRow], list[GridRow] | None]:
    """split_at_header, plus every non-blank row as cells when no header row was found (else None).

    The layouts without a column header row (the single-project form, look-alikes to refuse) are
    recognised from those rows by the layout registry. An amount merged across amount columns below the header row
    (a row of SpannedCells) is read in each of them (see Spreading.amounts), said in the notes when given.
    """
    preamble: list[tuple[int, str]] = []
    grid: list[GridRow] = []
    kept: list[GridRow] = []
    spread = Spreading()
    for line_no, raw in rows:
        cells = [c.strip() for c in raw]
        if not any(cells):
            continue
        if not grid and not is_header_row(cells):
            # a title cell of several lines (项目支出绩效目标表 / 部门名称：… / 单位：万元 in one cell): a line each
            text = " ".join(c for c in cells if c)
            preamble.extend((line_no, line.strip()) for line in text.splitlines() if line.strip())
            kept.append(GridRow(line_no, cells))
            continue
        if isinstance(raw, SpannedCells):
            if len(grid) < HEADER_ROWS:  # the spans of the header row, or of a row under it (see amount_columns)
                spread.heads[len(grid)] = raw.spans
            if grid:
                cells = spread.amounts(grid, line_no, cells, raw.spans)
        elif isinstance(raw, UnderMerge):
            cells = UnderMerge(cells)
        grid.append(GridRow(line_no, cells))
    if notes is not None and spread.said:
        notes.append(f"amounts merged across amount columns read in each column they span: {_shown(spread.said)}")
    return preamble, grid, (None if grid else kept)


class SpannedCells(list[str]):
    """A row's cells of which some span several columns (a workbook's merged range, colspan, w:gridSpan): spans, the
    column of each such cell -> the columns it covers (2 or more), the others arriving empty. The mark travels with
    the row through join_tables and the renumbering of lines, as a page's HiddenCells do."""

    spans: dict[int, int]


class UnderMerge(list[str]):
    """A row's cells lying under a cell merged down from a row above (a workbook's merged range): the row is part of
    the row the range starts on (a project's rows under its merged name), not a row of its own."""


def with_spans(cells: list[str], spans: dict[int, int]) -> list[str]:
    """The cells marked with the spans of the cells among them that cover several columns (none: as they are)."""
    if not spans:
        return cells
    row = SpannedCells(cells)
    row.spans = spans
    return row


# a printed amount (1,485.34, ¥82.6, 250万元), folded: what a merged cell must hold to stand for every column it spans
_AMOUNT = re.compile(rf"^[-+]?[¥￥]?[0-9][0-9,.\s]*(?:{AMOUNT_UNITS_OR_SHORT})?$")
MAX_NOTED = 10


class Spreading:
    """The amount columns of a grid's header (found at its first merged row), and the merged cells spread over them."""

    def __init__(self) -> None:
        self.heads: dict[int, dict[int, int]] = {}  # the spans of the header row (0) and of the rows under it (1, 2)
        self.columns: dict[int, Header] | None = None
        self.header_open = True
        self.end = 0  # the column after the last amount column
        self.said: list[str] = []

    def amounts(self, grid: list[GridRow], line_no: int, cells: list[str], spans: dict[int, int]) -> list[str]:
        """The row with each amount merged across amount columns given to every one of them (总计 merged across
        财政拨款: the part is the total; across 财政拨款 and 财政专户拨款: each is it, and the row's total does not
        reconcile, reported). A merge over any other column (a name, an empty header, a goal), or holding no
        amount, or within one column (under a header cell as wide), stays as read: its text in its first column, the
        others empty."""
        if self.columns is None or self.header_open:  # (this row may be a lower header row itself)
            rows = [row.cells for row in grid[:HEADER_ROWS]] + [cells]
            self.columns = amount_columns(rows[:HEADER_ROWS], self.heads)
            self.end = max(self.columns, default=-1) + 1
            self.header_open = len(grid) < HEADER_ROWS - 1  # a row still to come may name columns
        for at, across in spans.items():
            if across < 2 or at + across > self.end:
                continue
            text = cells[at] if at < len(cells) else ""
            named = [self.columns.get(i) for i in range(at, at + across)]
            if None in named or len(set(named)) < 2 or not _amount(text):
                continue
            cells = cells + [""] * (at + across - len(cells)) if len(cells) < at + across else cells
            cells[at + 1 : at + across] = [text] * (across - 1)  # (a value a workbook keeps under it is not shown)
            names = list(dict.fromkeys(cell[2] for cell in named if cell))
            self.said.append(f"line {line_no} {text} across {' | '.join(names)}")
        return cells


Header = tuple[int, int, str]  # an amount column's header cell: its row (0; 1, 2: lower header rows), position, text
HEADER_ROWS = 3  # a header's rows at most: 项目名称 | 资金情况 over 总计 | 其中 over 财政拨款 | 财政专户拨款 | 其他资金


def amount_columns(rows: list[list[str]], spans: dict[int, dict[int, int]]) -> dict[int, Header]:
    """The columns whose header names an amount (总计, 财政拨款, 财政专户拨款, 其他资金 and their variants), each
    with the header cell naming it: the header row's (``rows[0]``), a cell merged across columns naming each of them,
    and those of each row under it while that is a lower header row (项目资金 over 资金总额 | 财政拨款 | 其他资金:
    column names under an empty first cell, and no amount; up to HEADER_ROWS rows in all, as
    etl.transform.table.header_block reads them), which name the columns they stand over. ``spans``: each row's
    merged cells by its position in ``rows``."""
    columns = _named(rows[0], spans.get(0, {}), 0) if rows else {}
    for at, lower in enumerate(rows[1:HEADER_ROWS], start=1):
        if not lower or lower[0] or any(_amount(c) for c in lower):
            break
        columns.update(_named(lower, spans.get(at, {}), at))
    return {i: cell for i, cell in columns.items() if cell is not None}


def _named(cells: list[str], spans: dict[int, int], row: int) -> dict[int, Header | None]:
    """The positions the row's known column headers stand over -> the header cell, for an amount's (else None)."""
    out: dict[int, Header | None] = {}
    for at, cell in enumerate(cells):
        column = canonical_column(cell)[0] if cell else None
        if column is not None:
            header = (row, at, " ".join(cell.split())) if column in AMOUNT_COLUMNS else None
            out.update((i, header) for i in range(at, min(at + spans.get(at, 1), len(cells))))
    return out


def _amount(text: str) -> bool:
    return bool(_AMOUNT.match(fold_number(fold(text))))


def _shown(items: list[str]) -> str:
    more = len(items) - MAX_NOTED
    return ", ".join(items[:MAX_NOTED]) + (f" and {more} more" if more > 0 else "")


def has_header(rows: Iterable[NumberedRow]) -> bool:
    return any(is_header_row([c.strip() for c in cells]) for _, cells in rows)


# a title line that says whose table it is or in what unit its amounts are (部门名称：…, 单位：万元)
_LABELLED = re.compile(r"^(?:部门名称|单位名称|预算单位|主管部门|预算部门|填报单位|(?:金额|计量)?单位)\s*:")


_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")


def _key(cells: list[str]) -> str:
    return "".join(fold(" ".join(cells)).split())


def join_tables(path: Path, tables: list[tuple[str, list[NumberedRow]]]) -> list[NumberedRow]:
    """tables: (what to call the part in a refusal: sheet '乙单位', table 2; its rows).

    One table printed in parts, each with its own header row (a workbook's sheets, one per unit) or continuing
    the one before without one (see continues): the first part whole, then each later part from the row after
    its header. A later part whose columns differ, or whose
    title lines name another department, amount unit or year than the first part's, is another table: refused."""
    tables = target_tables(tables)
    name, first = tables[0]
    if len(tables) == 1:
        return first
    head = next(i for i, (_, cells) in enumerate(first) if is_header_row([c.strip() for c in cells]))
    columns = header_positions([c.strip() for c in first[head][1]])
    said = "".join(_key(cells) for _, cells in first[:head])
    # each looked up once, not searched again for every line of a later part (quadratic in the lines)
    said_lines, said_years = {_key(cells) for _, cells in first[:head]}, set(_YEAR.findall(said))
    rows = list(first)
    for other, part in tables[1:]:
        at = next((i for i, (_, cells) in enumerate(part) if is_header_row([c.strip() for c in cells])), None)
        if at is None:  # a continuation without a header row (see continues): every row
            rows.extend(part)
            continue
        if header_positions([c.strip() for c in part[at][1]]) != columns:
            reason = f"{name} and {other} have different column headers: load each table as its own file"
            raise TableRefused(path, reason, part[at][0], RefusalKind.UNSUPPORTED_LAYOUT)
        for line_no, cells in part[:at]:
            key = _key(cells)
            unsaid = _LABELLED.match(key) and key not in said_lines and key not in said
            if unsaid or not set(_YEAR.findall(key)) <= said_years:
                reason = (
                    f"{other} states {key!r}, which {name} does not: several tables in one file; load each "
                    "table as its own file"
                )
                raise TableRefused(path, reason, line_no, RefusalKind.UNSUPPORTED_LAYOUT)
        rows.extend(part[at + 1 :])
    return rows


TARGET_COLUMNS = frozenset({"indicators", "indicator_name", "level1", "level2"})


def _prints_targets(part: list[NumberedRow]) -> bool | None:
    """Whether a part's header row names an indicator column (None: a part without a header row)."""
    header = next((cells for _, cells in part if is_header_row([c.strip() for c in cells])), None)
    return None if header is None else bool(TARGET_COLUMNS & header_positions([c.strip() for c in header])[0].keys())


def target_tables(tables: list[tuple[str, list[NumberedRow]]]) -> list[tuple[str, list[NumberedRow]]]:
    """The parts that print targets, with the parts continuing them, when some do: a budget summary beside the
    target table (项目名称 | 总计 | 财政拨款, no indicator column: a sheet 汇总) is another table, not read; every
    part when none prints targets (join_tables then decides)."""
    kinds = [_prints_targets(part) for _, part in tables]
    if not any(kinds) or all(kind is not False for kind in kinds):
        return tables
    kept, keep = [], True
    for table, kind in zip(tables, kinds, strict=True):
        keep = keep if kind is None else kind
        if keep:
            kept.append(table)
    if not kinds[0]:  # the title lines above the first table stay the file's
        first = tables[0][1]
        head = next(i for i, (_, cells) in enumerate(first) if is_header_row([c.strip() for c in cells]))
        kept[0] = (kept[0][0], first[:head] + kept[0][1])
    return kept


MIN_CONTINUED_COLUMNS = 5


def header_width(rows: list[NumberedRow]) -> int:
    """The number of cells of the first header row among the rows (0 without one)."""
    return next((len(cells) for _, cells in rows if is_header_row([c.strip() for c in cells])), 0)


def continues(rows: list[NumberedRow], width: int) -> bool:
    """Whether a table (or sheet) without a header row continues the table before it, cut there (an HTML page
    or a workbook that split a long table): as wide as its header (5+ columns), every row at most as wide, and no
    row naming two or more known columns (the header of another table, which is not a continuation)."""
    filled = [[c.strip() for c in cells] for _, cells in rows if any(c.strip() for c in cells)]
    if width < MIN_CONTINUED_COLUMNS or not filled or max(len(cells) for cells in filled) != width:
        return False
    if sum(1 for cells in filled if sum(1 for c in cells if c) >= 3) * 2 < len(filled):
        return False  # mostly notes or titles: not rows of the table
    return not any(sum(1 for c in cells if c and header_positions([c])[0]) >= 2 for cells in filled)
