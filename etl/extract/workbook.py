"""Excel readers: .xlsx through openpyxl, .xls through xlrd. Merged cells come out empty but the first."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import warnings
import zipfile
from collections.abc import Iterable
from pathlib import Path

from etl.extract.encoding import sha256_of
from etl.extract.grid_rows import Budget, NumberedRow, has_header, split_rows
from etl.model import Grid, TableRefused

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


def cell_text(value: object) -> str:
    """A cell value as the text a person sees: 82.6 -> '82.6', 1200.0 -> '1200', None -> ''.

    A number within 1e-6 of a fen amount reads as that amount (see to_fen; the reader notes it)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        fen = to_fen(value)
        value = value if fen is None else fen
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


def _row_texts(row_no: int, values: Iterable[object], notes: list[str]) -> list[str]:
    """A row's cells as text; a number rounded to fen is noted (row, column, the value as stored)."""
    texts = []
    for col, value in enumerate(values, start=1):
        if isinstance(value, float) and to_fen(value) is not None and len(notes) < 20:
            notes.append(
                f"row {row_no} column {col}: {value!r} read as {to_fen(value):.2f} (binary double rounded to fen)"
            )
        texts.append(cell_text(value))
    return texts


def _padded(rows: list[NumberedRow], budget: Budget) -> list[NumberedRow]:
    """A sheet's rows, each as wide as the widest (the shape the sheet has in Excel)."""
    width = max((len(cells) for _, cells in rows), default=0)
    budget.add(sum(width - len(cells) for _, cells in rows), rows=0)
    return [(i, cells + [""] * (width - len(cells))) for i, cells in rows]


def _xlsx_sheets(path: Path, data: bytes, notes: list[str]) -> Iterable[tuple[str, list[NumberedRow]]]:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    budget = Budget(path)
    try:
        for sheet in book.worksheets:
            # the cells themselves, not the <dimension> the writer claims: read-only openpyxl stops at its last row
            # (a short one cut rows off silently) and pads every row to its last column
            sheet.reset_dimensions()
            notes.clear()
            rows = []
            for i, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                blank = all(value is None for value in row)
                budget.add(len(row) or 1, rows=0 if blank else 1)
                if not blank:
                    rows.append((i, _row_texts(i, row, notes)))
            yield sheet.title, _padded(rows, budget)
    finally:
        book.close()


def _xls_sheets(path: Path, data: bytes, notes: list[str]) -> Iterable[tuple[str, list[NumberedRow]]]:
    import xlrd

    book = xlrd.open_workbook(file_contents=data, ragged_rows=True)  # a row as long as its last cell, unpadded
    budget = Budget(path)
    for sheet in book.sheets():
        notes.clear()
        rows = []
        for r in range(sheet.nrows):
            values = sheet.row_values(r)
            budget.add(len(values) or 1)
            rows.append((r + 1, _row_texts(r + 1, values, notes)))
        yield sheet.name, _padded(rows, budget)


# a formula cell with no computed value (<f>…</f> and no <v>, or an empty one): openpyxl's data_only reads None
# (a formula whose result is the empty string is stored as t="str" with an empty <v>: computed, and kept).
# No part of it can run past a "<": a scan from each "<c" to the end of the sheet made 1 MB of '<c r="A1" '
# (a 15 KB workbook) take for ever
_FORMULA_CELL = re.compile(rb"<c\b([^<>]*)>\s*<f\b[^<>]*(?:/>|>[^<]*</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>")
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3}\d+)"')
_COMPUTED_STR = re.compile(rb'\bt="str"')


def _uncomputed(sheet_xml: bytes) -> list[bytes]:
    """The references of the sheet's formula cells that hold no computed value."""
    refs = []
    for cell in _FORMULA_CELL.finditer(sheet_xml):
        attributes = cell.group(1)
        if not _COMPUTED_STR.search(attributes) and (ref := _CELL_REF.search(attributes)):
            refs.append(ref.group(1))
    return refs


def _refuse_uncomputed_formulas(path: Path, data: bytes) -> None:
    """Refuse a workbook whose formulas were never computed (written by a program that does not calculate, such
    as a script): their cells would read as empty, an amount as 0, with nothing to say it was not printed."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                    continue
                cells = _uncomputed(archive.read(info)) if info.file_size <= MAX_SHEET_XML else []
                if cells:
                    shown = ", ".join(c.decode() for c in cells[:5]) + (" …" if len(cells) > 5 else "")
                    raise TableRefused(
                        path,
                        f"formula cell(s) without a computed value ({shown}): open the workbook in Excel or "
                        "LibreOffice and save it, so that the values are stored",
                    )
    except TableRefused:
        raise
    except Exception:
        return


def _refuse_bombs(path: Path, data: bytes) -> None:
    """Refuse a workbook that inflates to more than MAX_INFLATED bytes, or whose sheets and shared strings hold more
    than MAX_XML_TAGS tags, before openpyxl reads it: openpyxl spends ~6 µs on each element (a 260 KB workbook of
    6 M shared strings took 44 s and 720 MB), and the sizes a zip declares are what it inflates to."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception:
        return  # not a zip: openpyxl says so
    with archive:
        infos = archive.infolist()
        if (inflated := sum(info.file_size for info in infos)) > MAX_INFLATED:
            reason = f"workbook too large: it inflates to {inflated:,} bytes (the limit is {MAX_INFLATED:,})"
            raise TableRefused(path, reason)
        tags = 0
        for info in infos:
            if info.filename.startswith("xl/worksheets/") or info.filename == "xl/sharedStrings.xml":
                try:
                    with archive.open(info) as part:
                        while (chunk := part.read(1 << 24)) and tags <= MAX_XML_TAGS:
                            tags += chunk.count(b"<")
                except Exception:
                    return  # a damaged part: openpyxl says what is wrong with it
                if tags > MAX_XML_TAGS:
                    raise TableRefused(path, f"workbook too large: more than {MAX_XML_TAGS:,} XML tags")


def read_workbook(path: Path, data: bytes, fmt: str) -> Grid:
    """Read the first sheet with a header row of an .xlsx or .xls workbook."""
    if fmt == "xlsx":
        _refuse_bombs(path, data)
        _refuse_uncomputed_formulas(path, data)
    notes: list[str] = []
    sheets = _xlsx_sheets(path, data, notes) if fmt == "xlsx" else _xls_sheets(path, data, notes)
    try:
        rows = _pick_sheet(path, sheets)
    except TableRefused:
        raise
    except Exception as exc:  # a damaged workbook raises many kinds of errors inside the libraries
        raise TableRefused(path, f"cannot read the {fmt} workbook: {type(exc).__name__}: {exc}"[:500]) from None
    preamble, grid, raw = split_rows(rows)
    return Grid(
        path, preamble, grid, encoding="binary", sha256=sha256_of(data), source_format=fmt, raw_rows=raw,
        notes=list(notes),
    )
