"""A laid-out PDF page's objects (pdfplumber's ``Page.objects``: chars, rects, lines, curves …), built with a quicker
path for the characters: the same dicts, in the same order, with the same keys in the same order.

pdfplumber 0.11 turns each pdfminer object into a dict in ``Page.process_object``: a regular expression for the
object's kind, a closure and a recursive resolve for every attribute. A page of a table is mostly characters, and
their attributes are plain values (numbers, text, a tuple of numbers), so here a character's dict is built directly;
any other value is resolved as pdfplumber resolves it, and every other object goes through pdfplumber itself.
The sample as a PDF (2 pages, 8,848 objects): 0.27 s -> 0.12 s of its 0.73 s read (one process, warm).
tests/test_pdf_quick_paths.py holds the two equal on every PDF fixture and on PDFs drawn by the hostile tests' helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from pdfminer.layout import LTChar, LTContainer
from pdfplumber.page import ALL_ATTRS, Page
from pdfplumber.utils.pdfinternals import resolve_all, resolve_and_decode

_PLAIN = frozenset({int, float, str, bool, type(None)})


def page_objects(page: Page) -> dict[str, list[dict[str, Any]]]:
    """``page.parse_objects()``, the characters converted here (see the module's docstring)."""
    objects: dict[str, list[dict[str, Any]]] = {}
    mb_x0, mb_top = page.mediabox[:2]
    place = _Place(page.page_number, page.height, page.initial_doctop, mb_x0, mb_top)
    for obj in _converted(page, page.layout._objs, place):
        kind = obj["object_type"]
        if kind != "anno":
            objects.setdefault(kind, []).append(obj)
    return objects


class _Place(NamedTuple):
    """What a character's dict takes from its page (read once a page: pdfplumber reads them once a character)."""

    page_number: int
    height: float
    doctop: float
    mb_x0: float
    mb_top: float


def _converted(page: Page, layout_objects: list, place: _Place) -> Iterator[dict[str, Any]]:  # type: ignore[type-arg]
    """pdfplumber's ``Page.iter_layout_objects``, LTChar converted by _char."""
    quick = page.pdf.unicode_norm is None  # pdfplumber normalises each character's text otherwise
    for obj in layout_objects:
        if isinstance(obj, LTContainer):  # a form's objects (LTFigure): the container too, if laid out with LAParams
            if page.pdf.laparams is not None:
                yield page.process_object(obj)
            yield from _converted(page, obj._objs, place)
        elif quick and type(obj) is LTChar and not isinstance(obj.fontname, bytes):
            yield _char(obj, place)
        else:
            yield page.process_object(obj)


def _value(value: Any) -> Any:
    """An attribute's value as pdfplumber's resolve_all gives it: a plain value or a tuple of them as it is."""
    if type(value) is tuple and all(type(v) in _PLAIN for v in value):
        return value
    return resolve_all(value)


def _char(obj: LTChar, place: _Place) -> dict[str, Any]:
    """``page.process_object(obj)`` for a character, its steps in pdfplumber 0.11.10's order (and so its keys')."""
    attr = {k: v if type(v) in _PLAIN else _value(v) for k, v in obj.__dict__.items() if k in ALL_ATTRS}
    attr["object_type"] = "char"
    attr["page_number"] = place.page_number
    for cs in ("ncs", "scs"):
        if hasattr(obj, cs):
            attr[cs] = resolve_and_decode(getattr(obj, cs).name)
    attr["text"] = obj.get_text()
    gs = obj.graphicstate
    attr["stroking_color"] = gs.scolor if isinstance(gs.scolor, tuple) else (gs.scolor,)
    attr["non_stroking_color"] = gs.ncolor if isinstance(gs.ncolor, tuple) else (gs.ncolor,)
    if "y0" in attr:
        attr["top"] = (place.height - attr["y1"]) + place.mb_top
        attr["bottom"] = (place.height - attr["y0"]) + place.mb_top
        attr["doctop"] = place.doctop + attr["top"]
    if "x0" in attr and place.mb_x0 != 0:
        attr["x0"] = attr["x0"] + place.mb_x0
        attr["x1"] = attr["x1"] + place.mb_x0
    return attr
