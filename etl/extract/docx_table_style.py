"""The text colour a Word table style gives a cell's text, and whether it shades the cell (imported by
etl.extract.docx).

Word applies a table's style (w:tblStyle, else the default table style) under the paragraph's and run's own: the
document defaults, then the table style, then the paragraph style, the character style and the run's own properties
(ECMA-376 17.7.2). A table style sets a colour for the whole table (its w:rPr) and for the parts of the table its
conditional formats name (w:tblStylePr: the first or last row or column, odd and even bands of rows or columns, the
corner cells), each applied over the one before in this order, and only those the table's w:tblLook turns on. A table
style whitening its text over no fill left the text read, unseen in Word.

What cannot be told is not taken for white: a conditional format whose switch the table does not set (no w:tblLook)
or a corner cell's (whose switches Word combines in ways not written down) may apply or not, and the text is white
only if it is white either way.

Shading is read the same way, a cell at a time: a style whose header row (firstRow) is shaded puts a colour behind the
header's text only, so white text in a row under it is on the paper (it counted for the whole table, and was read).
A cell is taken for shaded when a shaded part applies to it or may. The first row's format may apply to every row
marked to repeat as a header row (w:tblHeader) from the first on, and the bands under such a header may fall either
way: a header of two rows, its second white on the style's shade, is read.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from typing import NamedTuple

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# the conditional formats in the order Word applies them, each over the ones before
CONDITIONS = (
    "wholeTable", "band1Vert", "band2Vert", "band1Horz", "band2Horz", "firstCol", "lastCol", "firstRow", "lastRow",
    "neCell", "nwCell", "seCell", "swCell",
)  # fmt: skip
_LOOK_BITS = {"firstRow": 0x20, "lastRow": 0x40, "firstColumn": 0x80, "lastColumn": 0x100, "noHBand": 0x200,
              "noVBand": 0x400}  # fmt: skip
_TRUE = frozenset({"1", "true", "on"})


_SHADED_IN = (f"{W}rPr", f"{W}pPr", f"{W}tcPr", f"{W}tblPr")  # where a style or part of one sets shading


class TableStyle(NamedTuple):
    """A table style's text colours (condition -> w:color's w:val; only the conditions that set one), the conditions
    whose formats shade the cells they apply to, and band sizes."""

    colors: dict[str, str | None]
    row_band: int
    col_band: int
    shading: frozenset[str] = frozenset()


def table_style(chain: list[etree._Element], shades: Callable[[etree._Element | None], bool]) -> TableStyle:
    """The colours, shaded parts and band sizes of a table style, from its chain of styles (itself first, then what
    it is based on): a style's own setting over its base's. ``shades``: whether properties put a colour behind text
    (w:shd, w:highlight: etl.extract.docx); the whole table's are the style's own w:rPr, w:pPr, w:tcPr and w:tblPr, a
    conditional part's those inside it. A part shades if any style of the chain shades it (a base's shading that a
    style turns off again is still taken for shading: the text stays read, as before)."""
    colors: dict[str, str | None] = {}
    shading: set[str] = set()
    sizes = {"tblStyleRowBandSize": 1, "tblStyleColBandSize": 1}
    for style in reversed(chain):
        if (color := style.find(f"{W}rPr/{W}color")) is not None:
            colors["wholeTable"] = color.get(f"{W}val")
        if any(shades(pr) for pr in style.iterchildren(*_SHADED_IN)):
            shading.add("wholeTable")
        for part in style.iterchildren(f"{W}tblStylePr"):
            if (kind := part.get(f"{W}type")) not in CONDITIONS:
                continue
            if (color := part.find(f"{W}rPr/{W}color")) is not None:
                colors[kind] = color.get(f"{W}val")  # type: ignore[index]
            if any(shades(pr) for pr in part.iterchildren(*_SHADED_IN)):
                shading.add(kind)  # type: ignore[arg-type]
        for name in sizes:
            if (size := style.find(f"{W}tblPr/{W}{name}")) is not None:
                sizes[name] = _number(size.get(f"{W}val"), sizes[name])
    return TableStyle(colors, sizes["tblStyleRowBandSize"], sizes["tblStyleColBandSize"], frozenset(shading))


def _number(text: str | None, default: int) -> int:
    try:
        return max(1, min(int(text or ""), 1000))
    except ValueError:
        return default


def look(table_pr: etree._Element | None) -> dict[str, bool] | None:
    """The table's w:tblLook switches (its attributes, or the older hexadecimal w:val); None without one."""
    found = table_pr.find(f"{W}tblLook") if table_pr is not None else None
    if found is None:
        return None
    try:
        bits = int(found.get(f"{W}val") or "0", 16)
    except ValueError:
        bits = 0
    flags = {}
    for name, bit in _LOOK_BITS.items():
        value = found.get(f"{W}{name}")
        flags[name] = value.lower() in _TRUE if value is not None else bool(bits & bit)
    return flags


class Place(NamedTuple):
    """Where a cell is: its row and grid column, and whether it is in the table's last row, its row's last cell;
    ``headers``: the rows marked to repeat as header rows (w:tblHeader) from the table's first on (at least 1)."""

    row: int
    col: int
    last_row: bool
    last_col: bool
    headers: int = 1


def _bands(index: int, size: int, header: bool | None, off: bool | None) -> tuple[bool | None, bool | None]:
    """Whether the odd and even band (of rows or columns) apply at ``index`` (True, False, None: may or may not)."""
    if off is True:
        return False, False
    if off is None or header is None:
        return None, None
    at = index - (1 if header else 0)
    if at < 0:
        return False, False
    odd = (at // size) % 2 == 0
    return odd, not odd


def applying(
    flags: dict[str, bool] | None, style: TableStyle, place: Place, parts: Collection[str] | None = None
) -> Iterator[tuple[str, bool | None]]:
    """The conditions among ``parts`` (the style's colours when None) that apply to the cell (True) or may (None), in
    Word's order."""
    parts = style.colors if parts is None else parts

    def flag(name: str) -> bool | None:
        return None if flags is None else flags[name]

    first_row, first_col = place.row == 0, place.col == 0
    band1v, band2v = _bands(place.col, style.col_band, flag("firstColumn"), flag("noVBand"))
    # a header of several rows (w:tblHeader): the first row's format is for "all of the header rows" (ECMA-376
    # 17.7.6), how Word counts the bands under them is not written down: both may apply
    heading = None if flag("firstRow") is not False and 0 < place.row < place.headers else False
    several = place.headers > 1 and place.row > 0 and flag("firstRow") is not False
    band1h, band2h = _bands(place.row, style.row_band, None if several else flag("firstRow"), flag("noHBand"))
    positions: dict[str, tuple[bool, bool | None]] = {
        "wholeTable": (True, True),
        "band1Vert": (True, band1v),
        "band2Vert": (True, band2v),
        "band1Horz": (True, band1h),
        "band2Horz": (True, band2h),
        "firstCol": (first_col, flag("firstColumn")),
        "lastCol": (place.last_col, flag("lastColumn")),
        "firstRow": (first_row or heading is None, flag("firstRow") if first_row else heading),
        "lastRow": (place.last_row, flag("lastRow")),
        "neCell": (first_row and place.last_col, None),
        "nwCell": (first_row and first_col, None),
        "seCell": (place.last_row and place.last_col, None),
        "swCell": (place.last_row and first_col, None),
    }
    for name in CONDITIONS:
        there, on = positions[name]
        if there and on is not False and name in parts:
            yield name, on


def colors(flags: dict[str, bool] | None, style: TableStyle, place: Place) -> frozenset[str | None]:
    """The colours the table style may give the cell's text (None: it gives none, the document's default shows)."""
    found: set[str | None] = set()
    for name, on in reversed(list(applying(flags, style, place))):
        found.add(style.colors[name])
        if on:
            return frozenset(found)
    return frozenset(found | {None})


def shaded(flags: dict[str, bool] | None, style: TableStyle, place: Place) -> bool:
    """Whether the table style may shade the cell: a part that shades applies to it, or may (no w:tblLook, a corner
    cell): white text there may be on a colour, so it is read. A part that applies to other cells only (a shaded
    header row, banded rows the cell is not in) leaves it on the paper."""
    return any(True for _ in applying(flags, style, place, style.shading))
