"""Text covered by an opaque box drawn over it: a viewer shows the box, so the text under it is not read.

pdfminer reads every character drawn, and keeps the page's objects in the order they are drawn: a white rectangle
filled after a 9 inside 14.07, over the 9 alone, shows 1 4.07 (read 194.07); a black one over a whole amount (a
redaction drawn over the value) shows a black bar, and the amount under it was loaded, a value nobody can see. A
character is covered when a rectangle filled opaque, in any colour of a gray, RGB, CMYK, calibrated, ICC or indexed
space (no pattern, separation or DeviceN, whose look is not its numbers; no fill alpha under 1, no soft mask, no blend
mode but Normal), drawn after it, covers its whole box: its four corners, a tenth of its size inside, and its centre
each lie under one drawn after it. A box inside a form XObject counts, cut to the form's /BBox and to the clip and
see-through state in force where the form is drawn (a transparency group drawn see-through stays so, whatever its
own graphics states say). What cannot be told is taken as not covering, so the text is read as before: a box under
a clipping path that is not a rectangle (a rectangular clip cuts the box to it) or under text that clips (rendering
modes 4-7: the fill then paints inside the glyphs), a path that is not one rectangle, an image.
"""

from __future__ import annotations

from typing import Any

from pdfminer.pdftypes import list_value, resolve1
from pdfminer.psparser import PSLiteral
from pdfminer.utils import MATRIX_IDENTITY, mult_matrix

Box = tuple[float, float, float, float]
UNKNOWN: Box = (0.0, 0.0, 0.0, 0.0)  # a clip that cannot be told (an empty box: it covers nothing)
INSET = 0.1  # of a character's width and height: where its corners are looked at
# the colour spaces whose fill is paint of the colour its numbers give (pdfminer's names; None: its default, gray)
OPAQUE_SPACES = frozenset(
    {None, "DeviceGray", "CalGray", "DeviceRGB", "CalRGB", "Lab", "DeviceCMYK", "ICCBased", "Indexed"}
)


def opaque_paint(state: Any) -> bool:
    """Whether a fill in the graphics state ``state`` paints a colour (its colour space one of OPAQUE_SPACES): a
    pattern may leave gaps, a separation or DeviceN may name the colorant None, which paints nothing."""
    return getattr(state.ncs, "name", None) in OPAQUE_SPACES


def form_clip(xobject: Any, ctm: tuple[float, ...], clip: Box | None) -> Box | None:
    """The clip inside a form XObject drawn with ``ctm`` where ``clip`` is in force: cut to the form's /BBox (through
    its /Matrix), UNKNOWN when that is not an upright rectangle or cannot be read."""
    try:
        x0, y0, x1, y1 = (float(resolve1(v)) for v in list_value(resolve1(xobject.get("BBox"))))
        matrix = tuple(float(resolve1(v)) for v in list_value(resolve1(xobject.get("Matrix", MATRIX_IDENTITY))))
        path = [("m", x0, y0), ("l", x1, y0), ("l", x1, y1), ("l", x0, y1), ("h",)]
        box = rectangle(path, mult_matrix(matrix, ctm))  # type: ignore[arg-type]
    except (TypeError, ValueError, AttributeError):  # a damaged /BBox or /Matrix
        return UNKNOWN
    return UNKNOWN if box is None else clipped(box, clip)


def see_through(resources: dict[str, Any], name: Any) -> bool | None:
    """What the graphics state parameters ``name`` (gs) say of painting over: True for a fill alpha under 1, a soft
    mask or a blend mode other than Normal/Compatible, False when they set none of these to see through, None when
    they say nothing of it."""
    table = resolve1(resources.get("ExtGState")) if isinstance(resources, dict) else None
    params = resolve1(table.get(getattr(name, "name", name))) if isinstance(table, dict) else None
    if not isinstance(params, dict) or not {"ca", "SMask", "BM"} & set(params):
        return None
    alpha = resolve1(params.get("ca", 1))
    mask = resolve1(params.get("SMask"))
    blend = resolve1(params.get("BM"))
    blend = resolve1(blend[0]) if isinstance(blend, list) and blend else blend
    return (
        not isinstance(alpha, int | float)
        or alpha < 1
        or not (mask is None or (isinstance(mask, PSLiteral) and mask.name == "None"))
        or not (blend is None or (isinstance(blend, PSLiteral) and blend.name in {"Normal", "Compatible"}))
    )


def rectangle(path: list[tuple[Any, ...]], ctm: tuple[float, ...]) -> Box | None:
    """The box on the page of a path that is one rectangle (re, or m l l l h along the axes), drawn with a matrix
    that keeps rectangles upright; None for another path."""
    if [seg[0] for seg in path] not in (["m", "l", "l", "l", "h"], ["m", "l", "l", "l"]):
        return None
    a, b, c, d, e, f = ctm
    if not (b == c == 0 or a == d == 0):
        return None
    try:
        points = [(a * x + c * y + e, b * x + d * y + f) for _, x, y in (seg[:3] for seg in path[:4])]
    except (TypeError, ValueError):  # a point pdfminer could not read as numbers
        return None
    xs, ys = sorted({round(x, 6) for x, _ in points}), sorted({round(y, 6) for _, y in points})
    if len(xs) != 2 or len(ys) != 2:
        return None
    return (xs[0], ys[0], xs[1], ys[1])


def clipped(box: Box, clip: Box | None) -> Box:
    """The box cut to the clip (None: no clip)."""
    if clip is None:
        return box
    x0, y0, x1, y1 = max(box[0], clip[0]), max(box[1], clip[1]), min(box[2], clip[2]), min(box[3], clip[3])
    return (x0, y0, x1, y1) if x0 < x1 and y0 < y1 else UNKNOWN


def _points(c: Any) -> list[tuple[float, float]]:
    dx, dy = INSET * (c.x1 - c.x0), INSET * (c.y1 - c.y0)
    return [
        (c.x0 + dx, c.y0 + dy),
        (c.x1 - dx, c.y0 + dy),
        (c.x0 + dx, c.y1 - dy),
        (c.x1 - dx, c.y1 - dy),
        ((c.x0 + c.x1) / 2, (c.y0 + c.y1) / 2),
    ]


def covered(chars: list[Any], covers: list[tuple[Box, int]]) -> set[int]:
    """The characters (id()s; ``chars`` in the order drawn) wholly under boxes drawn after them (``covers``: each
    box with the number of characters drawn before it). Each box is given to the aligned blocks of characters that
    make up those before it (a Fenwick tree's prefix: at most log2 of them), and each block's points are looked up
    among its boxes in one sweep (covered_points): O((characters + boxes) log² ), never characters x boxes."""
    from etl.extract.pdf_bounds import covered_points  # (it imports this module)

    blocks: dict[tuple[int, int], list[Box]] = {}
    for box, before in covers:
        end = min(before, len(chars))
        while end > 0:
            size = end & -end
            blocks.setdefault((end - size, end), []).append(box)
            end -= size
    under = [[False] * 5 for _ in chars]
    for (start, end), boxes in blocks.items():
        points = [p for c in chars[start:end] for p in _points(c)]
        for k, on in enumerate(covered_points(points, boxes)):
            if on:
                under[start + k // 5][k % 5] = True
    return {id(c) for c, flags in zip(chars, under, strict=True) if all(flags)}
