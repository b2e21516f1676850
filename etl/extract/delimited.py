"""Delimited text readers: the tab-separated dump (as published), pipe-separated text, and CSV."""

from __future__ import annotations

import csv
import io
import itertools
import re
from pathlib import Path

from etl.extract.columns import canonical_column, is_header_row
from etl.extract.decimal_comma import read_decimal_commas
from etl.extract.encoding import decode, sha256_of
from etl.extract.grid_rows import Budget, NumberedRow, has_header, split_rows
from etl.model import Grid, TableRefused

_RULE = re.compile(r"^[\s|:+-]+$")
_ROW_END = re.compile(r"\r\n|\r|\n")
MAX_CSV_FIELD = 4 * 1024 * 1024
# a CSV's field separator, told by its header row. Never the full-width ，: Chinese text prints it inside cells
CSV_SEPARATORS = (",", ";", "\t", "|")
HEAD_RECORDS = 100  # records searched for the header row, for each separator


def text_lines(text: str) -> list[str]:
    """Lines ended by \\n, \\r\\n or \\r only: U+2028/U+2029, U+0085, VT, FF and the other separators
    str.splitlines honours can sit inside a cell's text, and must not end the row there."""
    lines = _ROW_END.split(text)
    return lines[:-1] if lines and lines[-1] == "" else lines


def split_lines(text: str, sep: str, path: Path) -> list[NumberedRow]:
    """One row per line; a pipe line's outer bars (| a | b |) and ruler lines (|---|) are dropped."""
    rows: list[NumberedRow] = []
    budget = Budget(path)
    for line_no, line in enumerate(text_lines(text), start=1):
        if not line or line.isspace() or (sep == "|" and _RULE.match(line) and "-" in line):
            continue  # a blank line is no row (split_rows drops it too: kept, 3 MB of them took 700 MB)
        cells = line.split(sep) if sep in line else [line]
        if sep == "|" and len(cells) > 2 and line.strip().startswith("|") and line.strip().endswith("|"):
            cells = cells[1:-1]
        budget.add(len(cells))
        rows.append((line_no, cells))
    return rejoin_broken_header(rows)


def rejoin_broken_header(rows: list[NumberedRow]) -> list[NumberedRow]:
    """A header cell holding a line break, written unquoted (项目名称（资金使用 / 单位）| 总计 | …, or … |
    绩效指标（指标名称 / 及指标值）): the header row is broken over two lines, and the file was refused (no header row),
    or its last column was unknown and every row rejected. The two lines are one row when the cell joined at the break
    is a known column its first half is not, and the joined row names more known columns than either line alone; only
    among the first lines, before or at the header row."""
    for i in range(min(len(rows) - 1, HEAD_RECORDS)):
        (line_no, first), (_, second) = rows[i], rows[i + 1]
        half, rest = first[-1].strip(), second[0].strip()
        # (an empty half, a cell beginning with the break, only before a line of no amounts: a header ending in a tab
        # took the 合计 row after it as its cells, the 合计 lost, round 32)
        known = canonical_column(half + rest)[0] if rest and len(half + rest) < 40 else None
        if known and not canonical_column(half)[0] and (half or not any(map(_AMOUNT.fullmatch, second[1:]))):
            joined = [*first[:-1], half + rest, *second[1:]]
            if _known_columns(joined) > max(_known_columns(first), _known_columns(second)):
                return [*rows[:i], (line_no, joined), *rows[i + 2 :]]
        if is_header_row([c.strip() for c in first]):
            break
    return rows


_AMOUNT = re.compile(r"\s*[-+]?[\d,，]+(?:\.\d+)?\s*")


def _known_columns(cells: list[str]) -> int:
    """How many known columns a header row names (0: the cells are no header row)."""
    stripped = [c.strip() for c in cells]
    return sum(1 for c in stripped if canonical_column(c)[0]) if is_header_row(stripped) else 0


def _sniffed(text: str, path: Path) -> tuple[str, list[NumberedRow] | None]:
    """The separator (tab when a tab-separated header row is there, else pipe when a pipe-separated one is, else
    a CSV's comma or semicolon when its header row is found so: "csv," or "csv;"), and the lines already split
    by it when sniffing did (a file is split once, not twice)."""
    for sep in ("\t", "|"):
        lines = split_lines(text, sep, path)
        if has_header(lines):
            return sep, lines
    if (found := _header_separator(text, (",", ";"))) is not None:
        return f"csv{found}", None
    if "\t" not in text and text.count("|") > text.count("\n") // 2:
        return "|", None  # a form or a look-alike dumped one cell per line ("项目名称 |")
    return "\t", None


def read_delimited(path: Path, data: bytes, sep: str | None = None) -> Grid:
    """A text dump; the separator (tab or pipe) is sniffed from the header row unless given. A .txt whose header
    row is comma- or semicolon-separated is read as a CSV (quoted cells and all)."""
    text, encoding = decode(data, path)
    lines = None
    if sep is None:
        sep, lines = _sniffed(text, path)
    if sep.startswith("csv"):
        return _csv_grid(path, data, text, encoding, sep[3:])
    notes: list[str] = []
    if sep == "\t" and (quoted := _quoted_tab_rows(text, path)) is not None:
        lines, notes = quoted, [QUOTED_TABS]
    preamble, rows, raw = split_rows(lines if lines is not None else split_lines(text, sep, path))
    fmt = "text" if sep == "\t" else "pipe"
    return Grid(
        path, preamble, rows, encoding=encoding, sha256=sha256_of(data), source_format=fmt, raw_rows=raw, notes=notes
    )


_QUOTED_CELL = re.compile(r'(?:^|\t)"', re.M)
QUOTED_TABS = "tab-separated cells quoted as Excel saves them (a cell in \"…\", its quotes doubled): read unquoted"


def _quoted_tab_rows(text: str, path: Path) -> list[NumberedRow] | None:
    """The rows of a tab-separated text that quotes its cells as Excel's 'Text (Tab delimited)' and Python's csv
    write them (a cell holding a " or a line break in "…", its " doubled), or None when it does not: no cell starts
    with a quote, or reading the quotes strictly fails (a cell "两类"人员 of a dump that quotes nothing, a quote left
    open), or finds no header row. Read as plain tabs, such a file kept its quotes as text, an item's number after
    a " was no item (every target of the cell lost), and a cell's line break cut its row ("truncated mid-row")."""
    if not _QUOTED_CELL.search(text):
        return None
    try:
        rows = csv_rows(text, path, "\t", strict=True)
    except TableRefused:
        return None
    return rows if has_header(rows) else None


def _header_at(text: str, sep: str) -> tuple[int, int] | None:
    """(the known columns the header row names, minus its record's index) when one of the first HEAD_RECORDS
    records, read as CSV with this separator, is a header row; None when none is (or the CSV cannot be read)."""
    csv.field_size_limit(MAX_CSV_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    try:
        for n, record in enumerate(itertools.islice(reader, HEAD_RECORDS)):
            cells = [c.strip() for c in record]
            if len(cells) > 2 and is_header_row(cells):
                return sum(1 for c in cells if canonical_column(c)[0]), -n
    except csv.Error:
        return None
    return None


def _header_separator(text: str, candidates: tuple[str, ...] = CSV_SEPARATORS) -> str | None:
    """The separator whose split makes a header row (项目名称 | 总计 | …) of one of the first records: the one
    naming the most known columns, then the earliest row, then the first candidate. Driven by the header row
    alone, never by guessing over the free text (goals and indicators full of commas and semicolons)."""
    found = [(at, sep) for sep in candidates if (at := _header_at(text, sep)) is not None]
    return max(found, key=lambda f: f[0])[1] if found else None


def csv_rows(text: str, path: Path, sep: str = ",", strict: bool = False) -> list[NumberedRow]:
    """CSV records numbered by the line they start on (a quoted cell may span lines)."""
    csv.field_size_limit(MAX_CSV_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=strict)
    rows: list[NumberedRow] = []
    budget = Budget(path)
    start = 1
    try:
        for record in reader:
            budget.add(len(record), rows=1 if any(record) else 0)
            rows.append((start, record))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise TableRefused(path, f"CSV cannot be read: {exc}", reader.line_num) from None
    return rows


def read_csv(path: Path, data: bytes) -> Grid:
    """A CSV whose separator (comma, semicolon, tab or pipe) is the one that makes its header row; a comma when
    no header row is found (a form, a look-alike)."""
    text, encoding = decode(data, path)
    return _csv_grid(path, data, text, encoding, _header_separator(text) or ",")


def _csv_grid(path: Path, data: bytes, text: str, encoding: str, sep: str) -> Grid:
    rows, notes = csv_rows(text, path, sep), []
    if sep == ";":  # a European-locale export: its amounts may have a decimal comma
        rows, notes = read_decimal_commas(path, rows)
    preamble, grid, raw = split_rows(rows)
    return Grid(
        path, preamble, grid, encoding=encoding, sha256=sha256_of(data), source_format="csv", raw_rows=raw, notes=notes
    )
