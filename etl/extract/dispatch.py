"""Pick the reader for a file by its suffix (and, for text, by its content)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from etl.extract.delimited import read_csv, read_delimited
from etl.extract.docx import read_docx
from etl.extract.encoding import MAX_FILE_BYTES, open_regular, sha256_of, stated_bytes
from etl.extract.html_table import read_html
from etl.extract.pdf import read_pdf
from etl.extract.workbook import read_workbook
from etl.model import Grid, RefusalKind, TableRefused

Reader = Callable[[Path, bytes], Grid]
READERS: dict[str, Reader] = {
    ".txt": read_delimited,
    ".tsv": read_delimited,
    ".psv": lambda p, d: read_delimited(p, d, "|"),
    ".csv": read_csv,
    ".xlsx": lambda p, d: read_workbook(p, d, "xlsx"),
    ".xlsm": lambda p, d: read_workbook(p, d, "xlsx"),  # a workbook with macros: its cells read as an .xlsx's
    ".xls": lambda p, d: read_workbook(p, d, "xls"),
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
    ".docx": read_docx,
}
SUPPORTED_SUFFIXES = tuple(READERS)


def read_grid(path: Path) -> Grid:
    """Read one source file into a grid; refuse (never crash on) what cannot be read."""
    try:
        with open_regular(path) as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise TableRefused(path, f"file too large ({size} bytes; the limit is {MAX_FILE_BYTES})")
            data = b"".join(stated_bytes(f))  # no more than stat says: a pseudo-file may never end
    except OSError as exc:
        raise TableRefused(path, f"cannot read file: {exc.strerror or exc}") from None
    try:
        return _grid_of(path, data)
    except TableRefused as exc:
        if exc.sha256 is None:  # the bytes refused, not whatever the file holds by the time it is logged
            exc.sha256 = sha256_of(data)
        raise


def _grid_of(path: Path, data: bytes) -> Grid:
    if not data.strip():
        raise TableRefused(path, "empty file")
    suffix = path.suffix.lower()
    reader = READERS.get(suffix)
    if reader is None:
        raise TableRefused(path, f"unsupported file type {suffix or '(none)'}", kind=RefusalKind.UNSUPPORTED_LAYOUT)
    if suffix in _WORKBOOKS and (actual := _actual_kind(data)) is not None and actual != _WORKBOOKS[suffix]:
        return _misnamed(path, data, actual)
    return reader(path, data)


_WORKBOOKS = {".xls": "xls", ".xlsx": "xlsx", ".xlsm": "xlsx"}
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPREADSHEET_2003 = b"urn:schemas-microsoft-com:office:spreadsheet"


def _actual_kind(data: bytes) -> str | None:
    """What a workbook's bytes are: xls (an OLE2 file), xlsx or docx (a zip holding xl/ or word/), html (a page: many
    systems export "Excel" so), xml2003 (Excel 2003's XML), text (a CSV or tab dump), or None (unknown: the
    workbook reader says what is wrong with it)."""
    if data.startswith(_OLE2):
        return "xls"
    if data.startswith(b"PK\x03\x04"):
        head = data[: 1 << 16]
        return "docx" if b"word/" in head and b"xl/" not in head else "xlsx" if b"xl/" in head else None
    start = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<"):
        if _SPREADSHEET_2003 in data[: 1 << 16]:
            return "xml2003"
        return "html" if b"<table" in data[: 1 << 20].lower() or start.startswith((b"<html", b"<!doctype")) else None
    if b"\x00" not in data[:4096]:
        return "text"
    return None


def _misnamed(path: Path, data: bytes, actual: str) -> Grid:
    """A workbook whose bytes are another kind of file, read as what it is, and said in the notes (an HTML page, a CSV
    or an .xlsx named .xls were refused with the library's words: "Expected BOF record; found b'<html xm'")."""
    if actual == "xml2003":
        reason = "an Excel 2003 XML spreadsheet, not a workbook of its suffix: open it in Excel and save it as .xlsx"
        raise TableRefused(path, reason, kind=RefusalKind.UNSUPPORTED_LAYOUT)
    if actual == "docx":
        raise TableRefused(path, f"a Word document named {path.suffix}: rename it .docx", kind=RefusalKind.BAD_INPUT)
    readers: dict[str, Reader] = {
        "xls": READERS[".xls"],
        "xlsx": READERS[".xlsx"],
        "html": read_html,
        "text": read_csv,
    }
    grid = readers[actual](path, data)
    grid.notes.append(f"the file is {_KIND_NAMES[actual]}, though named {path.suffix}: read as what it is")
    return grid


_KIND_NAMES = {"xls": "an .xls workbook", "xlsx": "an .xlsx workbook", "html": "an HTML page", "text": "text"}
