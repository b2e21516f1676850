"""Optional content (PDF layers): what the document's default configuration switches off is not shown, so not read.

A PDF may put text in a layer (an optional content group, OCG) and list the group in /OCProperties /D /OFF (or leave
it out of /ON under /BaseState /OFF): a viewer does not show it (nor print it, by default), while pdfminer reads every
character drawn. A withdrawn 总计 column kept in a layer switched off, or a 9 in one inside 14.07, was read (194.07).
Content is in a layer by a marked-content section (/OC /name BDC … EMC, the name one of the page's /Properties) or by
a form or image XObject's /OC entry; the entry may name a group or a membership dictionary (/OCMD: /OCGs with a /P
policy, or a /VE expression). Anything that cannot be told (a damaged dictionary, a name the page does not define) is
shown, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pdfminer.pdftypes import PDFObjRef, PDFStream, resolve1
from pdfminer.psparser import PSLiteral

from etl.model import TableRefused

MAX_DEPTH = 16  # how deep a visibility expression (/VE) is read; deeper is shown


def _free(n: int) -> None:
    """No counting (see shown)."""


def _name(value: Any) -> str | None:
    value = resolve1(value)
    return value.name if isinstance(value, PSLiteral) else None


def _ids(value: Any) -> set[int]:
    """The object numbers of the references in a list (or of one reference)."""
    items = resolve1(value)
    items = items if isinstance(items, list) else [value]
    return {item.objid for item in items if isinstance(item, PDFObjRef)}


def groups_off(catalog: dict[str, Any]) -> frozenset[int]:
    """The object numbers of the optional content groups the default configuration (/OCProperties /D) switches off:
    its /OFF list, or, under /BaseState /OFF, every group not in its /ON list."""
    try:
        props = resolve1(catalog.get("OCProperties"))
        config = resolve1(props.get("D")) if isinstance(props, dict) else None
        if not isinstance(config, dict):
            return frozenset()
        if _name(config.get("BaseState")) == "OFF":
            return frozenset(_ids(props.get("OCGs")) - _ids(config.get("ON")))
        return frozenset(_ids(config.get("OFF")))
    except Exception:  # a damaged dictionary: nothing is taken for switched off
        return frozenset()


def shown(entry: Any, off: frozenset[int], count: Callable[[int], None] = _free) -> bool:
    """Whether content in the optional content ``entry`` (a reference to a group or membership dictionary, or the
    dictionary) is shown, the groups ``off`` switched off; ``count`` is told the terms read (the layout budget: a
    membership dictionary can name a great many)."""
    if isinstance(entry, PDFObjRef) and entry.objid in off:
        return False
    found = resolve1(entry)
    if not isinstance(found, dict) or _name(found.get("Type")) != "OCMD":
        return True
    if (expression := found.get("VE")) is not None:
        return _expression(expression, off, count, 0)
    members = [ref.objid not in off for ref in _refs(found.get("OCGs"))]
    count(len(members))
    if not members:
        return True
    policy = _name(found.get("P")) or "AnyOn"
    return {"AllOn": all(members), "AnyOff": not all(members), "AllOff": not any(members)}.get(policy, any(members))


def _refs(value: Any) -> list[PDFObjRef]:
    items = resolve1(value) if not isinstance(value, PDFObjRef) else [value]
    return [item for item in (items if isinstance(items, list) else []) if isinstance(item, PDFObjRef)]


def _expression(expression: Any, off: frozenset[int], count: Callable[[int], None], depth: int) -> bool:
    """A visibility expression: a group, or [/And …], [/Or …], [/Not x] of expressions (deeper than MAX_DEPTH, or
    not one of these: shown)."""
    count(1)
    if isinstance(expression, PDFObjRef) and expression.objid in off:
        return False
    expression = resolve1(expression)
    if not isinstance(expression, list) or not expression or depth > MAX_DEPTH:
        return True
    operator = _name(expression[0])
    terms = [_expression(t, off, count, depth + 1) for t in expression[1:]]
    if operator == "Not":
        return not terms[0] if terms else True
    return all(terms) if operator == "And" else any(terms) if operator == "Or" else True


class Layers:
    """The marked-content sections open while a page is drawn, and whether one of them is switched off."""

    def __init__(self, off: frozenset[int], count: Callable[[int], None] = _free) -> None:
        self.off, self.count = off, count
        self.sections: list[bool] = []  # for each open section, whether it hides what is in it
        self.hiding = 0

    def begin(self, tag: Any, props: Any, resources: dict[str, Any]) -> None:
        """A BMC or BDC: an /OC section naming a group switched off hides what is drawn in it."""
        hides = False
        if self.off and isinstance(tag, PSLiteral) and tag.name == "OC":
            hides = not _shown_safely(_entry(props, resources), self.off, self.count)
        self.sections.append(hides)
        self.hiding += hides

    def end(self) -> None:
        """An EMC (one without a section open is passed over)."""
        if self.sections:
            self.hiding -= self.sections.pop()

    def hides(self, xobject: Any) -> bool:
        """Whether a form or image XObject is not drawn: inside a hidden section, or in a group switched off."""
        entry = xobject.get("OC") if isinstance(xobject, PDFStream | dict) else None
        return bool(self.hiding) or (bool(self.off) and not _shown_safely(entry, self.off, self.count))


def _entry(props: Any, resources: dict[str, Any]) -> Any:
    """A BDC's property list: given inline, or named among the resources' /Properties (None when not there)."""
    if not isinstance(props, PSLiteral):
        return props
    table = resolve1(resources.get("Properties")) if isinstance(resources, dict) else None
    return table.get(props.name) if isinstance(table, dict) else None


def _shown_safely(entry: Any, off: frozenset[int], count: Callable[[int], None]) -> bool:
    """shown(), a missing or damaged entry shown (a refusal from the budget raised)."""
    try:
        return entry is None or shown(entry, off, count)
    except TableRefused:
        raise
    except Exception:
        return True
