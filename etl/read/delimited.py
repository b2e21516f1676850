"""The text-dump reader: a tab-separated grid under a few header lines, as published."""

from __future__ import annotations

from pathlib import Path

from etl.model import Grid, GridRow
from etl.parse.columns import is_header_row
from etl.read.encoding import decode, sha256_of


def grid_from_lines(lines: list[str], path: Path, sep: str = "\t") -> tuple[list, list[GridRow]]:
    """Split lines into the preamble (before the header row) and grid rows (from it on)."""
    preamble: list[tuple[int, str]] = []
    rows: list[GridRow] = []
    in_grid = False
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        cells = [c.strip() for c in line.split(sep)] if sep in line else [line.strip()]
        if not in_grid and is_header_row(cells):
            in_grid = True
        if in_grid:
            rows.append(GridRow(line_no, cells))
        else:
            preamble.append((line_no, line.strip()))
    return preamble, rows


def read_delimited(path: Path, data: bytes, sep: str = "\t") -> Grid:
    text, encoding = decode(data, path)
    preamble, rows = grid_from_lines(text.splitlines(), path, sep)
    fmt = "text" if sep == "\t" else "pipe"
    return Grid(path, preamble, rows, encoding=encoding, sha256=sha256_of(data), source_format=fmt)
