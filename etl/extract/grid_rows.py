"""Turn numbered rows of cells (from any reader) into a Grid: preamble lines, then the grid."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from etl.extract.columns import header_positions, is_header_row
from etl.model import GridRow, RefusalKind, TableRefused
from etl.text import fold

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
            # a title cell of several lines (项目支出绩效目标表 / 部门名称：… / 单位：万元 in one cell): a line each
            text = " ".join(c for c in cells if c)
            preamble.extend((line_no, line.strip()) for line in text.splitlines() if line.strip())
            kept.append(GridRow(line_no, cells))
            continue
        grid.append(GridRow(line_no, cells))
    return preamble, grid, (None if grid else kept)


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
