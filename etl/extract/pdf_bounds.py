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

import math
import re
import unicodedata
import zlib
from bisect import bisect_left
from pathlib import Path
from typing import Any

from pdfminer.layout import LTChar, LTContainer, LTCurve, LTImage
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream, resolve1, stream_value
from pdfminer.psparser import literal_name
from pdfplumber.page import Page, PDFPageAggregatorWithMarkedContent

from etl.extract.invisible import AMOUNT_SHAPED, AMOUNT_WITH_POINT, FOOTNOTE_MARK, is_white_rgb
from etl.extract.pdf_cover import UNKNOWN, Box, clipped, covered, form_clip, opaque_paint, rectangle, see_through
from etl.extract.pdf_layers import Layers, groups_off
from etl.extract.pdf_objects import page_objects
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


FILLED = frozenset({0, 2, 4, 6})  # text rendering modes that fill the glyph (with the non-stroking colour)
STROKED = frozenset({1, 2, 5, 6})  # and those that stroke its outline (with the stroking colour)
CLIPPING = frozenset({4, 5, 6, 7})  # and those that add it to the clipping path


class _CountingDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's page device, counting what it is given to draw, and which characters it draws invisibly or in
    white."""

    def __init__(self, budget: LayoutBudget, layers: Layers, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.budget, self.layers = budget, layers
        self.hiding = self.whitening = False
        self.invisible: set[int] = set()  # id() of the characters drawn in an invisible rendering mode
        self.white: set[int] = set()  # id() of those painted white only (what shows them is decided later)
        self.unseen: set[int] = set()  # id() of those drawn in a layer switched off (etl/extract/pdf_layers.py)
        self.drawn: list[LTChar] = []  # the characters drawn, in order, and the opaque boxes drawn after them
        self.covers: list[tuple[Box, int]] = []  # (etl/extract/pdf_cover.py)
        self.over: tuple[bool, Box | None] = (False, None)  # what fills paint through (see-through, clip): _Interpreter
        self.entering: tuple[bool, Box | None] = (False, None)  # the same where a form is drawn, cut to its /BBox
        self.group_through = False  # a form drawn see-through is a transparency group: nothing in it is opaque
        self.in_form = self._painting = 0
        self.shown = 0

    def render_string(self, textstate: Any, seq: Any, ncs: Any, graphicstate: Any) -> None:
        """Counted a string at a time, before its characters are drawn (one call per character cost the reading of
        a PDF 3-5%): a byte a character, two in a multi-byte (CID) font."""
        width = 2 if textstate.font is not None and textstate.font.is_multibyte() else 1
        self.budget.draw(sum(len(s) for s in seq if isinstance(s, bytes)) // width)
        self.hiding = textstate.render in INVISIBLE
        self.whitening = not self.hiding and _painted_white(graphicstate, textstate.render)
        try:
            super().render_string(textstate, seq, ncs, graphicstate)
        finally:
            self.hiding = self.whitening = False

    def render_char(self, *args: Any, **kwargs: Any) -> float:
        adv: float = super().render_char(*args, **kwargs)
        if self.layers.hiding:
            self.unseen.add(id(self.cur_item._objs[-1]))
        elif self.hiding:
            self.invisible.add(id(self.cur_item._objs[-1]))
        else:
            self.shown += 1
            self.drawn.append(self.cur_item._objs[-1])
            if self.whitening:
                self.white.add(id(self.cur_item._objs[-1]))
        return adv

    def paint_path(self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Any) -> None:
        self.budget.draw(max(1, len(path)))
        if self.layers.hiding:
            return
        self._painting += 1  # (pdfminer paints a path of several parts a part at a time, through this method)
        try:
            super().paint_path(gstate, stroke, fill, evenodd, path)
        finally:
            self._painting -= 1
        if fill and not self._painting and (box := self._cover(gstate, path)) is not None:
            self.covers.append((box, len(self.drawn)))

    def _cover(self, gstate: Any, path: Any) -> Box | None:
        """The box a filled path covers what was drawn before with: a rectangle filled opaque, in any colour, cut to
        the clip; None for any other (pdf_cover)."""
        through, clip = self.over
        if through or not opaque_paint(gstate) or (box := rectangle(path, self.ctm)) is None:
            return None
        return None if (box := clipped(box, clip)) == UNKNOWN else box

    def render_image(self, name: str, stream: PDFStream) -> None:
        self.budget.draw(1)
        if not self.layers.hiding:
            super().render_image(name, stream)


class _CountingInterpreter(PDFPageInterpreter):
    """Counts the content streams it executes; a form's sub-interpreter is the same class (dup) on the same device.
    Tells the device the marked-content sections of layers (etl/extract/pdf_layers.py) and what a fill paints over
    (etl/extract/pdf_cover.py), which pdfminer does not follow: the graphics state's alpha, soft mask and blend mode
    (gs) and its clipping path (W, or text drawn in a clipping mode: its glyphs, not told), saved and restored with it
    (q, Q), and passed on to a form drawn (Do), cut to the form's /BBox."""

    device: _CountingDevice
    clipping_text = False  # text shown in a clipping rendering mode (4-7) since BT: the clip at ET is its glyphs

    def execute(self, streams: Any) -> None:
        self.device.budget.execute(list(streams))
        super().execute(streams)

    def init_state(self, ctm: Any) -> None:
        super().init_state(ctm)
        inside = self.device.in_form > 0
        self.over: tuple[bool, Box | None] = self.device.entering if inside else (False, None)
        self.floor = inside and self.device.group_through  # see-through whatever the form's own gs say
        self.saved: list[tuple[bool, Box | None]] = []
        self.device.over = self.over

    def _set(self, see_through: bool, clip: Box | None) -> None:
        self.over = self.device.over = (see_through, clip)

    def do_q(self) -> None:
        super().do_q()
        self.saved.append(self.over)

    def do_Q(self) -> None:
        super().do_Q()
        if self.saved:
            self._set(*self.saved.pop())

    def do_gs(self, name: Any) -> None:
        if (through := see_through(self.resources, name)) is not None:
            self._set(through or self.floor, self.over[1])

    def do_W(self) -> None:
        box = rectangle(self.curpath, self.ctm)
        self._set(self.over[0], UNKNOWN if box is None else clipped(box, self.over[1]))

    do_W_a = do_W

    def do_BT(self) -> None:
        self.clipping_text = False
        super().do_BT()

    def do_TJ(self, seq: Any) -> None:
        self.clipping_text = self.clipping_text or self.textstate.render in CLIPPING
        super().do_TJ(seq)

    def do_ET(self) -> None:
        if self.clipping_text:  # the glyphs' outlines are added to the clip: a fill after paints inside them
            self._set(self.over[0], UNKNOWN)
            self.clipping_text = False
        super().do_ET()

    def do_BMC(self, tag: Any) -> None:
        self.device.layers.begin(tag, None, self.resources)
        super().do_BMC(tag)

    def do_BDC(self, tag: Any, props: Any) -> None:
        self.device.layers.begin(tag, props, self.resources)
        super().do_BDC(tag, props)

    def do_EMC(self) -> None:
        self.device.layers.end()
        super().do_EMC()

    def do_Do(self, xobjid: Any) -> None:
        xobject = self.xobjmap.get(literal_name(xobjid))
        if self.device.layers.hiding or (xobject is not None and self.device.layers.hides(resolve1(xobject))):
            return
        self.device.entering = self._entering(xobject)
        self.device.in_form += 1
        try:
            super().do_Do(xobjid)
        finally:
            self.device.in_form -= 1
            self.device.over = self.over

    def _entering(self, xobject: Any) -> tuple[bool, Box | None]:
        """What fills inside the form XObject paint through: the state here, the clip cut to the form's /BBox."""
        form = resolve1(xobject)
        if not isinstance(form, PDFStream):
            return self.over
        self.device.group_through = self.floor or (self.over[0] and form.get("Group") is not None)
        return self.over[0], form_clip(form, self.ctm, self.over[1])


def _drop(layout: LTContainer, unwanted: set[int]) -> None:
    """Take the objects of those id()s out of the layout tree (a form's objects sit in an LTFigure)."""
    stack = [layout]
    while stack:
        container = stack.pop()
        container._objs = [obj for obj in container._objs if id(obj) not in unwanted]
        stack.extend(obj for obj in container._objs if isinstance(obj, LTContainer))


def lay_out(page: Page, budget: LayoutBudget, off: frozenset[int] | None = None) -> tuple[list[str], int]:
    """Build the page's layout as pdfplumber's Page.layout does (pdfplumber 0.11), within the budget, and leave it
    where Page.layout finds it (its cache, ``_layout``), and its objects where Page.objects does (``_objects``, built by
    etl/extract/pdf_objects.py): every later look at the page uses them.

    Text drawn invisibly (rendering mode 3) in among shown text is left out, as a viewer shows it: a hidden 9 inside
    14.07 read 194.07. Invisible text elsewhere is kept: a scan's OCR layer, on a page that also prints a page number
    or a stamp (dropped whole for one shown character, the page's rows were lost). Text painted white over no
    coloured fill or image is left out too (white on the paper), and a character drawn again over itself (fake bold)
    is read once; a Kangxi radical or compatibility ideograph a font's ToUnicode map gives for an ideograph is read
    as that ideograph (fold_radicals); a footnote marker raised after an amount is left out, and noted (the notes are
    returned), or written ^(…) (mark_raised). Text in a layer the document switches off (``off``: its groups, read
    from the catalog when not given) is not read, nor text under an opaque box drawn over it (pdf_cover): how many
    characters that hid is returned with the notes."""
    layers = Layers(groups_off(page.pdf.doc.catalog) if off is None else off, budget.draw)
    device = _CountingDevice(budget, layers, page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
    _CountingInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    layout = device.get_result()
    under = covered(device.drawn, device.covers) if device.covers else set()
    if unread := device.unseen | under:
        _drop(layout, unread)
    if device.invisible and device.shown:
        _drop(layout, _among_shown(layout, device.invisible))
    if device.white:
        _drop(layout, _unbacked(layout, device.white))
    chars = _chars(layout)
    fold_radicals(chars)
    again = doubled(chars)
    markers, notes = mark_raised([c for c in chars if id(c) not in again] if again else chars)
    if unread := again | markers:
        _drop(layout, unread)
    page._layout = layout
    page._objects = page_objects(page)  # Page.objects' cache: its characters built quicker (pdf_objects)
    return notes, len(under)


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


# ---- radicals ----------------------------------------------------------------------------------------------------


def _radical(text: str) -> bool:
    """Whether a character's text begins with a Kangxi radical or CJK radical (U+2E80-U+2FDF) or a CJK compatibility
    ideograph (U+F900-U+FAFF, U+2F800-U+2FA1F)."""
    return bool(text) and (
        "\u2e80" <= text[0] <= "\u2fdf" or "\uf900" <= text[0] <= "\ufaff" or "\U0002f800" <= text[0] <= "\U0002fa1f"
    )


def fold_radicals(chars: list[LTChar]) -> None:
    """Characters that a font maps to a Kangxi radical or a compatibility ideograph (项⽬ with U+2F6C for 目, ⼈员 with
    U+2F08 for 人, as many Chinese PDFs' fonts do; a reader sees 项目, 人员) read as the ideograph NFKC folds them
    to: the header cell 项⽬名称 was no header, a project 法律援助⼯作经费 another name than last year's, ⽣态效益 an
    unknown type. Radicals NFKC keeps (⺠) stay."""
    for c in chars:
        if _radical(c._text):
            c._text = unicodedata.normalize("NFKC", c._text)


# ---- raised marks -----------------------------------------------------------------------------------------------

RAISED = 0.25  # of the size of the character before: a smaller one whose bottom is this much higher is set above it
RAISED_MAX = 0.7  # of that size: at most this much higher (a line above is higher still)
SMALLER = 0.8  # of that size: at most this big
_MARK_CHAR = re.compile(r"^[\d*＊※†‡§#①-⑳a-z\[\]()（）注]$")


def _raised_after(c: LTChar, before: LTChar) -> bool:
    """Set as a superscript right after ``before``: smaller, its bottom raised RAISED to RAISED_MAX of the size, its
    top not far over, and no wider gap than a third of the size (a cell beside in a smaller font is further)."""
    size = before.size
    return (
        c.size <= SMALLER * size
        and RAISED * size <= c.y0 - before.y0 <= RAISED_MAX * size
        and c.y1 <= before.y1 + 0.5 * size
        and -0.2 * size <= c.x0 - before.x1 <= 0.3 * size
    )


def _touching(a: LTChar, b: LTChar, size: float) -> bool:
    """b right after a on a's line: no wider gap than a third of ``size`` (a space is wider)."""
    return abs(a.y0 - b.y0) < 0.3 * size and -0.2 * size <= b.x0 - a.x1 < 0.3 * size


def _number_before(chars: list[LTChar], i: int) -> str:
    """The text of the word that ends at chars[i - 1]: the characters drawn before it, touching, on its line."""
    start = i - 1
    while start > 0 and _touching(chars[start - 1], chars[start], chars[start].size):
        start -= 1
        if i - start > 40:  # no amount is that long: a text's
            return ""
    return "".join(c._text for c in chars[start:i])


def mark_raised(chars: list[LTChar]) -> tuple[set[int], list[str]]:
    """Footnote markers set above a number's line right after it (14.07¹, drawn smaller and raised: read 14.071, a
    wrong amount loaded without a word), taken as HTML's <sup> are: after an amount with a decimal point and with
    nothing touching it after, a marker (1, 12, *, †, ①, [1], 注1) is left out and noted (returned: the characters'
    id()s and the notes); any other raised mark after an amount is written ^(…) (10^(4), 14^(07)), which no amount
    is, so such a row is rejected naming the cell as printed; after a number inside a text (年度指标值:100¹), after a
    letter (500m²) or a name, it reads as before. Characters are taken in the order drawn; a mark is raised at least
    RAISED of the number's size and at most SMALLER of it."""
    left_out: set[int] = set()
    notes: list[str] = []
    i = 1
    while i < len(chars):
        before = chars[i - 1]
        if not (before._text[-1:].isdigit() and _MARK_CHAR.match(chars[i]._text) and _raised_after(chars[i], before)):
            i += 1
            continue
        end = i + 1
        while end < len(chars) and _MARK_CHAR.match(chars[end]._text) and _touching(chars[end - 1], chars[end], 1.0):
            end += 1
        number, mark = _number_before(chars, i), "".join(c._text for c in chars[i:end])
        followed = end < len(chars) and _touching(before, chars[end], before.size)
        if not AMOUNT_SHAPED.match(number):  # in a name or a target (年度指标值:100¹): as before
            pass
        elif AMOUNT_WITH_POINT.match(number) and FOOTNOTE_MARK.match(mark) and not followed:
            left_out.update(id(c) for c in chars[i:end])
            notes.append(f"{number}^({mark}) read as {number}")
        else:
            chars[i]._text = "^(" + chars[i]._text
            chars[end - 1]._text += ")"
        i = end + 1
    return left_out, notes


# ---- white text -------------------------------------------------------------------------------------------------

_RGB_SPACES = frozenset({"DeviceGray", "CalGray", "DeviceRGB", "CalRGB", "DeviceCMYK", "ICCBased"})


def _rgb(color: Any, space: str | None) -> tuple[float, ...] | None:
    """A colour as (r, g, b) in 0..1, from its components in a gray, RGB or CMYK space (``space`` None: told by the
    number of components, as pdfminer keeps no space for paths); None for any other space (a pattern, a separation
    or an index, whose look is not its numbers)."""
    values = color if isinstance(color, tuple | list) else (color,)
    if (space is not None and space not in _RGB_SPACES) or not all(isinstance(v, int | float) for v in values):
        return None
    if len(values) == 1:
        return (values[0],) * 3
    if len(values) == 3:
        return tuple(values)
    if len(values) == 4:
        c, m, y, k = values
        return ((1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k))
    return None


def is_white(color: Any, space: str | None) -> bool:
    rgb = _rgb(color, space)
    return rgb is not None and is_white_rgb(rgb)


def _painted_white(state: Any, mode: int) -> bool:
    """Whether a character is painted in white only: its fill (rendering modes 0, 2, 4, 6) and its outline (1, 2, 5,
    6) each white where drawn."""
    fill = mode not in FILLED or is_white(state.ncolor, getattr(state.ncs, "name", None))
    stroke = mode not in STROKED or is_white(state.scolor, getattr(state.scs, "name", None))
    return fill and stroke


def _backgrounds(layout: LTContainer) -> list[tuple[float, float, float, float]]:
    """The boxes of what can show white text: filled shapes not white, and images."""
    found, stack = [], [layout]
    while stack:
        for obj in stack.pop()._objs:
            coloured = isinstance(obj, LTCurve) and obj.fill and not is_white(obj.non_stroking_color, None)
            if coloured or isinstance(obj, LTImage):
                found.append(obj.bbox)
            elif isinstance(obj, LTContainer):
                stack.append(obj)
    return found


def _unbacked(layout: LTContainer, white: set[int]) -> set[int]:
    """The white characters (id()s) whose centre no coloured fill or image lies under: white on the paper, which a
    reader does not see (a white 9 inside 14.07 read 194.07). White text on a dark cell (a header row) is kept."""
    chars = [c for c in _chars(layout) if id(c) in white]
    points = [((c.x0 + c.x1) / 2, (c.y0 + c.y1) / 2) for c in chars]
    covered = covered_points(points, _backgrounds(layout))
    return {id(c) for c, on in zip(chars, covered, strict=True) if not on}


def covered_points(points: list[tuple[float, float]], boxes: list[tuple[float, float, float, float]]) -> list[bool]:
    """For each point, whether a box (x0, y0, x1, y1) holds it (edges too): a sweep up the page with a Fenwick tree
    of the boxes open at each x, O((points + boxes) log), never points x boxes."""
    xs = sorted({x for x0, _, x1, _ in boxes for x in (x0, x1)})
    tree = [0] * (2 * len(xs) + 2)

    def place(x: float) -> int:  # 1-based: an edge's x odd places apart from the runs between edges
        i = bisect_left(xs, x)
        return 2 * i + (2 if i < len(xs) and xs[i] == x else 1)

    def add(i: int, n: int) -> None:
        while i < len(tree):
            tree[i] += n
            i += i & -i

    def open_at(i: int) -> int:  # the boxes open over place i: the tree's sum up to it
        n = 0
        while i > 0:
            n, i = n + tree[i], i - (i & -i)
        return n

    events = [(y, kind, i) for i, (_, y0, _, y1) in enumerate(boxes) for y, kind in ((y0, 0), (y1, 2))]
    events += [(y, 1, i) for i, (_, y) in enumerate(points)]
    covered = [False] * len(points)
    for _, kind, i in sorted(events):  # at one height: boxes open, then points, then boxes close (edges hold)
        if kind == 1:
            covered[i] = open_at(place(points[i][0])) > 0
        else:
            x0, _, x1, _ = boxes[i]
            sign = 1 if kind == 0 else -1
            add(place(x0), sign)
            add(place(x1) + 1, -sign)
    return covered


# ---- fake bold ----------------------------------------------------------------------------------------------------

_AROUND = (0, -1, 1)
SAME_PLACE = 0.2  # of the font size, at most 1 pt: a copy nearer than this in both directions is the same glyph


def doubled(chars: list[LTChar]) -> set[int]:
    """The characters (id()s) drawn again over one drawn before (fake bold: each character painted twice, a fraction
    of a point apart; 14.07 read 1144..0077): same text and size, both corners within SAME_PLACE of the size. Two
    printed characters are a width apart (11, 100: never a fifth of the size), so they are never taken for one.
    Linear: the kept characters are bucketed by text, size and a grid of the tolerance's side, so each is compared
    with those of its cell and the eight around it (a cell holds at most one kept character of a text and size)."""
    kept: dict[tuple[str, float], dict[tuple[int, int], LTChar]] = {}
    again = set()
    for c in chars:
        tol = min(1.0, SAME_PLACE * c.size)
        if tol <= 0:
            continue
        cells = kept.setdefault((c.get_text(), round(c.size, 1)), {})
        gx, gy = math.floor(c.x0 / tol), math.floor(c.y0 / tol)
        if any(_same_place(cells.get((gx + dx, gy + dy)), c, tol) for dx in _AROUND for dy in _AROUND):
            again.add(id(c))
        else:
            cells.setdefault((gx, gy), c)
    return again


def _same_place(kept: LTChar | None, c: LTChar, tol: float) -> bool:
    return kept is not None and abs(kept.x0 - c.x0) < tol and abs(kept.y0 - c.y0) < tol
