"""What an .xls (BIFF8) workbook stores, read from its records before xlrd builds them: how many cells, and which
formula cells hold no computed value.

xlrd reads every sheet whole before a reader can look at a row, and with formatting_info it keeps every formatted blank
cell: one MULBLANK record of 522 bytes stands for 256 of them, so a 4 MB file held 2 million cells (3.6 s, 200 MB),
and a file at the size limit some 30 million, all built before the cell budget could refuse
it (measured: 22 MB holding 10.24 million took 10.3 s and 398 MB to refuse; counted first, 0.9 s). The records say the
count: a record is a 2-byte type and a 2-byte length, and the cell records are these.

A FORMULA record caches the formula's result; a program that writes formulas without computing them (xlwt, the one
writer of .xls on PyPI) caches "the empty string" for every one, which xlrd reads as an empty cell: an amount =C6+D6
read as 0, with nothing to say it was not printed.
"""

from __future__ import annotations

import io
import struct
from typing import NamedTuple

FORMULA = 0x0006
ONE_CELL = frozenset({FORMULA, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E})  # FORMULA … RK
MULRK, MULBLANK = 0x00BD, 0x00BE  # first column, many cells (6 and 2 bytes each), last column
BOF, BOUNDSHEET = 0x0809, 0x0085
SHOWN_REFS = 5


class Stored(NamedTuple):
    """The workbook stream's cells, its formula cells, and those of them caching the empty string (how many, and the
    first few as 'sheet!A1')."""

    cells: int
    formulas: int
    empty_formulas: int
    empty_refs: list[str]


def column_name(col: int) -> str:
    """A 0-based column's letters: 0 -> A, 27 -> AB."""
    name = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        name = chr(65 + rest) + name
    return name


def _sheet_name(record: bytes) -> str:
    """A BOUNDSHEET record's sheet name (BIFF8: position, state, type, then a short unicode string)."""
    try:
        count, high = record[6], record[7] & 1
        raw = record[8 : 8 + count * (2 if high else 1)]
        return raw.decode("utf-16-le") if high else raw.decode("latin-1")
    except (IndexError, UnicodeDecodeError):
        return ""


def _empty_result(record: bytes) -> bool:
    """A FORMULA record whose cached result is the empty string (type 3 with 0xFFFF in its last two bytes)."""
    return len(record) >= 14 and record[12:14] == b"\xff\xff" and record[6] == 3


def stored_records(data: bytes) -> Stored | None:
    """The records' count of cells and formulas; None when the file is no OLE2 container xlrd would open this way (an
    older BIFF, a damaged directory): xlrd then says what it says about it."""
    stream = _workbook_stream(data)
    if stream is None:
        return None
    count = formulas = empty = 0
    refs: list[str] = []
    names: list[str] = []
    sheet = -1  # the n-th substream after the workbook globals
    at, end = 0, len(stream) - 4
    while at <= end:
        kind, length = struct.unpack_from("<HH", stream, at)
        if kind in ONE_CELL:
            count += 1
        elif kind == MULBLANK:
            count += max(0, (length - 6) // 2)
        elif kind == MULRK:
            count += max(0, (length - 6) // 6)
        elif kind == BOUNDSHEET:
            names.append(_sheet_name(stream[at + 4 : at + 4 + length]))
        elif kind == BOF:
            sheet += 1
        if kind == FORMULA:
            formulas += 1
            record = stream[at + 4 : at + 4 + min(length, 14)]
            if _empty_result(record):
                empty += 1
                if len(refs) < SHOWN_REFS:
                    row, col = struct.unpack_from("<HH", record)
                    name = names[sheet - 1] if 0 < sheet <= len(names) else f"sheet {sheet}"
                    refs.append(f"{name}!{column_name(col)}{row + 1}")
        at += 4 + length
    return Stored(count, formulas, empty, refs)


def stored_cells(data: bytes) -> int | None:
    """The cells the workbook stream's records hold (see stored_records)."""
    stored = stored_records(data)
    return None if stored is None else stored.cells


def _workbook_stream(data: bytes) -> bytes | None:
    from xlrd import compdoc

    try:
        doc = compdoc.CompDoc(data, logfile=io.StringIO())
        for name in ("Workbook", "Book"):
            stream = doc.get_named_stream(name)
            if stream:
                return bytes(stream)
    except Exception:  # not a container this check can read: the verdict is left to xlrd
        return None
    return None
