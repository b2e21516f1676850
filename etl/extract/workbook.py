"""Excel readers: .xlsx through openpyxl, .xls through xlrd. Merged cells come out empty but the first."""

from __future__ import annotations

import datetime as dt
import io
import warnings
from collections.abc import Iterable
from pathlib import Path

from etl.extract.encoding import sha256_of
from etl.extract.grid_rows import NumberedRow, has_header, split_rows
from etl.model import Grid, TableRefused

SHEET_ROW_OFFSET = 100_000


def cell_text(value: object) -> str:
    """A cell value as the text a person sees: 82.6 -> '82.6', 1200.0 -> '1200', None -> ''."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _pick_sheet(path: Path, sheets: Iterable[tuple[str, list[NumberedRow]]]) -> list[NumberedRow]:
    """The first sheet that holds a header row; else every sheet's rows, one after another.

    A workbook of single-project forms (one sheet per project) has no header row: its sheets are
    read in order and the layout registry finds the forms in them. Row numbers of the n-th sheet
    are offset by n * SHEET_ROW_OFFSET, so every row keeps a distinct number.
    """
    every: list[NumberedRow] = []
    for n, (_, rows) in enumerate(sheets):
        if has_header(rows):
            return rows
        every.extend((line + n * SHEET_ROW_OFFSET, cells) for line, cells in rows)
    return every


def _xlsx_sheets(data: bytes) -> Iterable[tuple[str, list[NumberedRow]]]:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            values = sheet.iter_rows(values_only=True)
            rows = [(i, [cell_text(v) for v in row]) for i, row in enumerate(values, start=1)]
            yield sheet.title, rows
    finally:
        book.close()


def _xls_sheets(data: bytes) -> Iterable[tuple[str, list[NumberedRow]]]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data)
    for sheet in book.sheets():
        rows = [(r + 1, [cell_text(v) for v in sheet.row_values(r)]) for r in range(sheet.nrows)]
        yield sheet.name, rows


def read_workbook(path: Path, data: bytes, fmt: str) -> Grid:
    """Read the first sheet with a header row of an .xlsx or .xls workbook."""
    sheets = _xlsx_sheets(data) if fmt == "xlsx" else _xls_sheets(data)
    try:
        rows = _pick_sheet(path, sheets)
    except TableRefused:
        raise
    except Exception as exc:  # a damaged workbook raises many kinds of errors inside the libraries
        raise TableRefused(path, f"cannot read the {fmt} workbook: {type(exc).__name__}: {exc}"[:500]) from None
    preamble, grid, raw = split_rows(rows)
    return Grid(path, preamble, grid, encoding="binary", sha256=sha256_of(data), source_format=fmt, raw_rows=raw)
