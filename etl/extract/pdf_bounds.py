"""What laying out a PDF's pages may cost, counted while pdfminer interprets them (imported by etl.extract.pdf when
it reads a PDF, never at start-up: it imports pdfminer).

The per-page work check of etl.extract.pdf comes after a page's layout is built, and building it was the cost: a
content stream that inflates a thousandfold runs pdfminer for minutes and fills memory before any page is done (a
20 KB page of 20 M characters took 38 s and 2.5 GB, then a MemoryError; 82 KB of 3 M tiny lines, 3 KB drawing a
form of 1,000 lines 2,000 times, 195 KB of 50 M no-op operators each ran past 60 s; 1,999 pages sharing one content
stream of 20,000 lines (314 KB) failed `jixiao check` with a MemoryError traceback). So each page is laid out here,
counting as it goes:

- the bytes of content streams executed (a form drawn N times counts N times), inflated no further than the limit;
- the characters, path segments and images drawn.

Past either limit the file is refused ("PDF too large to lay out: …"), part-way through the page.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

from pdfminer.layout import LTChar, LTContainer
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream, stream_value
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent

from etl.model import TableRefused

CONTENT_PER_BYTE = 32  # content streams inflate 2-5 times in the fixtures (reportlab), ~10 at most in practice
MIN_CONTENT = 4 * 1024 * 1024
MAX_CONTENT = 128 * 1024 * 1024  # ~30-60 s of pdfminer
OBJECTS_PER_BYTE = 2  # the fixtures draw 0.1-0.7 per byte; each object costs pdfminer 1.6-3.5 KB and 20-70 µs
MIN_OBJECTS = 30_000
MAX_OBJECTS = 1_000_000
_INFLATE_CHUNK = 1 << 20


class LayoutBudget:
    """The content bytes and drawn objects of one PDF so far; past a limit the file is refused."""

    def __init__(self, path: Path, size: int) -> None:
        self.path, self.size = path, size
        self.content_limit = min(MAX_CONTENT, max(MIN_CONTENT, CONTENT_PER_BYTE * size))
        self.object_limit = min(MAX_OBJECTS, max(MIN_OBJECTS, OBJECTS_PER_BYTE * size))
        self.content = self.objects = 0

    def execute(self, streams: list[object]) -> None:
        for obj in streams:
            stream = stream_value(obj)
            self.content += inflated_size(stream, self.content_limit - self.content)
            if self.content > self.content_limit:
                self._refuse(f"more than {self.content_limit:,} bytes of page content")

    def draw(self, n: int) -> None:
        self.objects += n
        if self.objects > self.object_limit:
            self._refuse(f"more than {self.object_limit:,} characters, lines and images")

    def _refuse(self, what: str) -> None:
        raise TableRefused(self.path, f"PDF too large to lay out: {what} for a file of {self.size:,} bytes")


def inflated_size(stream: PDFStream, left: int) -> int:
    """The stream's decoded length, or a number past ``left`` once it is clear it decodes to more: a Flate stream
    is inflated a chunk at a time and thrown away, so a bomb never sits in memory whole."""
    if stream.data is not None:
        return len(stream.data)
    filters = stream.get_filters() if stream.rawdata is not None else []
    if stream.decipher is None and len(filters) == 1 and filters[0][0] in LITERALS_FLATE_DECODE:
        inflater, data, n = zlib.decompressobj(), stream.rawdata, 0
        try:
            while data and n <= left:
                n += len(inflater.decompress(data, _INFLATE_CHUNK))
                data = inflater.unconsumed_tail
        except zlib.error:
            pass  # a damaged stream: pdfminer inflates what it can, no more than was counted here
        if n > left:
            return n
    return len(stream.get_data())


INVISIBLE = frozenset({3, 7})  # text rendering modes that paint nothing (neither fill nor stroke; clip only)


class _CountingDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's page device, counting what it is given to draw, and which characters it draws invisibly."""

    def __init__(self, budget: LayoutBudget, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.budget = budget
        self.hiding = False
        self.invisible: set[int] = set()  # id() of the characters drawn in an invisible rendering mode
        self.shown = 0

    def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
        """Counted a string at a time, before its characters are drawn (one call per character cost the reading of
        a PDF 3-5%): a byte a character, two in a multi-byte (CID) font."""
        width = 2 if textstate.font is not None and textstate.font.is_multibyte() else 1
        self.budget.draw(sum(len(s) for s in seq if isinstance(s, bytes)) // width)
        self.hiding = textstate.render in INVISIBLE
        try:
            super().render_string(textstate, seq, ncs, graphicstate)
        finally:
            self.hiding = False

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        adv: float = super().render_char(*args, **kwargs)
        if self.hiding:
            self.invisible.add(id(self.cur_item._objs[-1]))
        else:
            self.shown += 1
        return adv

    def paint_path(self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Any) -> None:
        self.budget.draw(max(1, len(path)))
        super().paint_path(gstate, stroke, fill, evenodd, path)

    def render_image(self, name: str, stream: PDFStream) -> None:
        self.budget.draw(1)
        super().render_image(name, stream)


class _CountingInterpreter(PDFPageInterpreter):
    """Counts the content streams it executes; a form's sub-interpreter is the same class (dup) on the same device."""

    device: _CountingDevice

    def execute(self, streams: Any) -> None:
        self.device.budget.execute(list(streams))
        super().execute(streams)


def _drop(layout: LTContainer, unwanted: set[int]) -> None:
    """Take the objects of those id()s out of the layout tree (a form's objects sit in an LTFigure)."""
    stack = [layout]
    while stack:
        container = stack.pop()
        container._objs = [obj for obj in container._objs if id(obj) not in unwanted]
        stack.extend(obj for obj in container._objs if isinstance(obj, LTContainer))


def lay_out(page: Page, budget: LayoutBudget) -> None:
    """Build the page's layout as pdfplumber's Page.layout does (pdfplumber 0.11), within the budget, and leave it
    where Page.layout finds it (its cache, ``_layout``): every later look at the page uses it.

    Text drawn invisibly (rendering mode 3) in among shown text is left out, as a viewer shows it: a hidden 9 inside
    14.07 read 194.07. Invisible text elsewhere is kept: a scan's OCR layer, on a page that also prints a page number
    or a stamp (dropped whole for one shown character, the page's rows were lost)."""
    device = _CountingDevice(budget, page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    _CountingInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    layout = device.get_result()
    if device.invisible and device.shown:
        _drop(layout, _among_shown(layout, device.invisible))
    page._layout = layout


def _chars(layout: LTContainer) -> list[LTChar]:
    found, stack = [], [layout]
    while stack:
        for obj in stack.pop()._objs:
            if isinstance(obj, LTChar):
                found.append(obj)
            elif isinstance(obj, LTContainer):
                stack.append(obj)
    return found


def _among_shown(layout: LTContainer, invisible: set[int]) -> set[int]:
    """The invisible characters (id()s) that overlap shown text on its line or touch it (a gap under a character's
    width): what would read as part of a shown word or number. Shown characters are bucketed by their line's height
    band, so a page of both kinds is not compared pairwise."""
    chars = _chars(layout)
    bands: dict[int, list[LTChar]] = {}
    for c in chars:
        if id(c) not in invisible:
            for band in range(int(c.y0 // _BAND), int(c.y1 // _BAND) + 1):
                bands.setdefault(band, []).append(c)
    hidden = set()
    for h in (c for c in chars if id(c) in invisible):
        near = {id(s): s for b in range(int(h.y0 // _BAND), int(h.y1 // _BAND) + 1) for s in bands.get(b, ())}
        if any(_beside(h, s) for s in near.values()):
            hidden.add(id(h))
    return hidden


_BAND = 4.0  # points: the height of a bucket of shown characters


def _beside(a: LTChar, b: LTChar) -> bool:
    """On one line (vertical overlap of half the shorter one's height) and touching or overlapping across."""
    overlap = min(a.y1, b.y1) - max(a.y0, b.y0)
    if overlap < 0.5 * min(a.height, b.height):
        return False
    gap = max(a.x0, b.x0) - min(a.x1, b.x1)
    return gap < max(a.width, b.width)
