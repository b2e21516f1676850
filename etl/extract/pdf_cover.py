"""Text covered by a white box drawn over it: a viewer shows the white box, so the text under it is not read.

pdfminer reads every character drawn, and keeps the page's objects in the order they are drawn: a white rectangle
filled after a 9 inside 14.07, over the 9 alone, shows 1 4.07 (read 194.07). A character is covered when a rectangle
filled white (the paper's colour: gray 1, RGB 1 1 1, CMYK 0 0 0 0, as for white text), opaque (no fill alpha under 1,
no soft mask, no blend mode but Normal), drawn after it, covers its whole box: its four corners, a tenth of its size
inside, and its centre each lie under one drawn after it. What cannot be told is taken as not covering, so the text is
read as before: a box inside a form XObject, or under a clipping path that is not a rectangle (a rectangular clip cuts
the box to it).
"""

from __future__ import annotations

from typing import Any

from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSLiteral

Box = tuple[float, float, float, float]
UNKNOWN: Box = (0.0, 0.0, 0.0, 0.0)  # a clip that cannot be told (an empty box: it covers nothing)
INSET = 0.1  # of a character's width and height: where its corners are looked at


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
