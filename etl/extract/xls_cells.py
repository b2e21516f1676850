"""How many cells an .xls (BIFF8) workbook stores, counted from its records before xlrd builds them.

xlrd reads every sheet whole before a reader can look at a row, and with formatting_info it keeps every formatted blank
cell: one MULBLANK record of 522 bytes stands for 256 of them, so a 4 MB file held 2 million cells (3.6 s, 200 MB),
and a file at the size limit some 30 million, all built before the cell budget could refuse
it (measured: 22 MB holding 10.24 million took 10.3 s and 398 MB to refuse; counted first, 0.9 s). The records say the
count: a record is a 2-byte type and a 2-byte length, and the cell records are these.
"""

from __future__ import annotations

import io
import struct

ONE_CELL = frozenset({0x0006, 0x00D6, 0x00FD, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E})  # FORMULA … RK
MULRK, MULBLANK = 0x00BD, 0x00BE  # first column, many cells (6 and 2 bytes each), last column


def stored_cells(data: bytes) -> int | None:
    """The cells the workbook stream's records hold; None when the file is no OLE2 container xlrd would open this
    way (an older BIFF, a damaged directory): xlrd then says what it says about it."""
    stream = _workbook_stream(data)
    if stream is None:
        return None
    count, at, end = 0, 0, len(stream) - 4
    while at <= end:
        kind, length = struct.unpack_from("<HH", stream, at)
        if kind in ONE_CELL:
            count += 1
        elif kind == MULBLANK:
            count += max(0, (length - 6) // 2)
        elif kind == MULRK:
            count += max(0, (length - 6) // 6)
        at += 4 + length
    return count


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
