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
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        suffix = path.suffix.lower() or "(none)"
        raise TableRefused(path, f"unsupported file type {suffix}", kind=RefusalKind.UNSUPPORTED_LAYOUT)
    return reader(path, data)
