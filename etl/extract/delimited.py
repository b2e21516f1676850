"""Delimited text readers: the tab-separated dump (as published), pipe-separated text, and CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from etl.extract.encoding import decode, sha256_of
from etl.extract.grid_rows import Budget, NumberedRow, has_header, split_rows
from etl.model import Grid, TableRefused

_RULE = re.compile(r"^[\s|:+-]+$")
_ROW_END = re.compile(r"\r\n|\r|\n")
MAX_CSV_FIELD = 4 * 1024 * 1024


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
    return rows


def _sniffed(text: str, path: Path) -> tuple[str, list[NumberedRow] | None]:
    """The separator (tab when a tab-separated header row is there, else pipe when a pipe-separated one is),
    and the lines already split by it when sniffing did (a file is split once, not twice)."""
    for sep in ("\t", "|"):
        lines = split_lines(text, sep, path)
        if has_header(lines):
            return sep, lines
    if "\t" not in text and text.count("|") > text.count("\n") // 2:
        return "|", None  # a form or a look-alike dumped one cell per line ("项目名称 |")
    return "\t", None


def read_delimited(path: Path, data: bytes, sep: str | None = None) -> Grid:
    """A text dump; the separator (tab or pipe) is sniffed from the header row unless given."""
    text, encoding = decode(data, path)
    lines = None
    if sep is None:
        sep, lines = _sniffed(text, path)
    preamble, rows, raw = split_rows(lines if lines is not None else split_lines(text, sep, path))
    fmt = "text" if sep == "\t" else "pipe"
    return Grid(path, preamble, rows, encoding=encoding, sha256=sha256_of(data), source_format=fmt, raw_rows=raw)


def csv_rows(text: str, path: Path) -> list[NumberedRow]:
    """CSV records numbered by the line they start on (a quoted cell may span lines)."""
    csv.field_size_limit(MAX_CSV_FIELD)
    reader = csv.reader(io.StringIO(text, newline=""))
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
    text, encoding = decode(data, path)
    preamble, rows, raw = split_rows(csv_rows(text, path))
    return Grid(path, preamble, rows, encoding=encoding, sha256=sha256_of(data), source_format="csv", raw_rows=raw)
