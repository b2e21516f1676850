"""Rows a workbook or a page hides: not what it shows, so not loaded, and each one that holds text recorded as a reject.

A hidden row in a published workbook is usually a stale or withdrawn line (an old amount kept under the new one, a
project taken out), and so is a row an autofilter filters out; a page hides one the same way (a <tr> with
style="display:none", the hidden attribute, or a class its <style> sets to display:none). The table's frame is read
whether hidden or not: the title lines above the header row and the header row itself (hiding them does not change
what the columns are), said in the notes; a header row printed again inside the table is read as any repeated header.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

from lxml import html

from etl.extract.columns import is_header_row
from etl.extract.grid_rows import NumberedRow
from etl.model import Reject

Hidden = dict[int, tuple[str, int]]  # row number as read -> (sheet title, row number in the sheet)
MAX_NOTED = 10


class Wording(NamedTuple):
    """How a hidden row is named: in its reject's reason and in the note on hidden frame rows ({part}: the sheet or
    the table, {row}: the row in it)."""

    reason: str
    place: str


WORKBOOK = Wording("hidden row in the workbook (sheet {part!r}, row {row}): not loaded", "sheet {part!r} row {row}")
PAGE = Wording("hidden row in the page (table {part}, row {row}): not loaded", "table {part} row {row}")
HIDDEN_REASON = WORKBOOK.reason


class HiddenCells(list[str]):
    """A row's cells that its page hides, and where the row is: (table number, row number in the table). The mark
    travels with the row through join_tables and the renumbering of lines (a page on one line shares line numbers
    between its title lines and its rows, so a row is not told by its line)."""

    where: tuple[str, int]


def _header_index(rows: list[NumberedRow]) -> int | None:
    return next((i for i, (_, cells) in enumerate(rows) if is_header_row([c.strip() for c in cells])), None)


Where = Callable[[int, list[str]], tuple[str, int] | None]


def drop_hidden_rows(
    path: Path, rows: list[NumberedRow], hidden: Hidden, wording: Wording = WORKBOOK
) -> tuple[list[NumberedRow], list[Reject], list[str]]:
    """The rows without the hidden ones below the header row (every hidden one when there is no header row: a
    form's lines), a reject for each row left out, and a note naming the hidden rows read as the table's frame."""
    if not hidden:
        return rows, [], []
    return _drop(path, rows, lambda line, _: hidden.get(line), wording)


def drop_marked_rows(
    path: Path, rows: list[NumberedRow], wording: Wording = PAGE
) -> tuple[list[NumberedRow], list[Reject], list[str]]:
    """drop_hidden_rows for rows whose cells are HiddenCells (a page's)."""
    return _drop(path, rows, lambda _, cells: cells.where if isinstance(cells, HiddenCells) else None, wording)


def _drop(
    path: Path, rows: list[NumberedRow], where_of: Where, wording: Wording
) -> tuple[list[NumberedRow], list[Reject], list[str]]:
    head = _header_index(rows)
    kept: list[NumberedRow] = []
    rejects: list[Reject] = []
    framing: list[str] = []
    for i, (line, cells) in enumerate(rows):
        where = where_of(line, cells)
        if where is None:
            kept.append((line, cells))
        elif head is not None and (i <= head or is_header_row([c.strip() for c in cells])):
            kept.append((line, cells))
            framing.append(wording.place.format(part=where[0], row=where[1]))
        elif any(c.strip() for c in cells):
            raw = "\t".join(c.strip() for c in cells)[:2000]
            rejects.append(Reject(str(path), line, raw, wording.reason.format(part=where[0], row=where[1])))
    return kept, rejects, _notes(framing)


def _notes(framing: list[str]) -> list[str]:
    if not framing:
        return []
    return [f"hidden rows read as the table's title lines or header row: {shown(framing)}"]


def shown(items: list[str]) -> str:
    """The first MAX_NOTED items, and how many more."""
    more = len(items) - MAX_NOTED
    return ", ".join(items[:MAX_NOTED]) + (f" and {more} more" if more > 0 else "")


# ---- what a page hides --------------------------------------------------------------------------------------------

_DISPLAY = re.compile(r"display\s*:\s*([a-z-]+)", re.IGNORECASE)
_VISIBILITY = re.compile(r"visibility\s*:\s*([a-z-]+)", re.IGNORECASE)
_MAY_HIDE = (b"isplay", b"ISPLAY", b"idden", b"IDDEN", b"isibility", b"ISIBILITY")  # (visibility:collapse)
_HIDING_VISIBILITY = frozenset({"hidden", "collapse"})  # collapse: a row or column taken out, as display:none
_BRACE = re.compile(r"[{}]")
_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
# a <style media="print"> hides only on paper
_SCREEN_STYLES = "//style[not(@media) or contains(@media, 'screen') or contains(@media, 'all')]/text()"
_CLASS_SELECTOR = re.compile(r"^([a-z]*)\.([\w-]+)$", re.IGNORECASE)  # .old, tr.old: no descendant or compound


def display_none(style: str) -> bool | None:
    """Whether a style hides what it styles (None: it says nothing of it): its last display declaration is none, or
    its last visibility declaration is hidden (the row keeps its place, empty, but nothing of it is shown) or collapse
    (a row or column taken out as by display:none; elsewhere it is hidden). A style
    that declares display or visibility otherwise shows it (display:table-row over a class that hides)."""
    lowered = style.lower()
    display = _DISPLAY.findall(style) if "display" in lowered else []
    visibility = _VISIBILITY.findall(style) if "visibility" in lowered else []
    if not display and not visibility:
        return None
    return bool(display and display[-1].lower() == "none") or bool(
        visibility and visibility[-1].lower() in _HIDING_VISIBILITY
    )


def _collapses(style: str) -> bool | None:
    """Whether a style's last visibility declaration is collapse (None: it declares no visibility)."""
    visibility = _VISIBILITY.findall(style) if "isibility" in style.lower() else []
    return visibility[-1].lower() == "collapse" if visibility else None


def _rules(css: str) -> Iterator[tuple[str, str]]:
    """The (selector, declarations) of a style sheet's top-level rules: an @media block's (print, a small
    screen) hides only there, and is left out."""
    css = _COMMENT.sub("", css).replace("<!--", " ").replace("-->", " ")  # Word's and Excel's <style><!-- … -->
    depth, start, body = 0, 0, 0
    for brace in _BRACE.finditer(css):
        if brace.group() == "{":
            if depth == 0:
                selector, body = css[start : brace.start()], brace.end()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                if not selector.lstrip().startswith("@"):
                    yield selector, css[body : brace.start()]
                start = brace.end()


class PageHiding:
    """What a page hides: an element whose style says display:none (or visibility:hidden), or that has the hidden
    attribute, or a class the page's <style> sets to display:none (a class selector, .old or tr.old; the style
    attribute wins over it, and it over the hidden attribute, as in a browser; Word's and Excel's
    <style><!-- … --> are read as their rules)."""

    def __init__(self, doc: html.HtmlElement) -> None:
        self.classes: dict[str, set[str]] = {}  # class -> the tags it hides ("": any)
        self.collapsing: dict[str, set[str]] = {}  # class -> the tags it collapses (a <col>'s visibility:collapse)
        for css in doc.xpath(_SCREEN_STYLES):
            for selector, declarations in _rules(str(css)):
                said = display_none(declarations)
                collapse = _collapses(declarations)
                for part in selector.split(",") if said is not None else ():
                    if m := _CLASS_SELECTOR.match(part.strip()):
                        _rule(self.classes, m[2], m[1].lower(), said)
                        if collapse is not None:
                            _rule(self.collapsing, m[2], m[1].lower(), collapse)

    @staticmethod
    def of(page: bytes, doc: html.HtmlElement) -> PageHiding | None:
        """None for a page that hides nothing (no "display", "hidden" or "visibility" in it, in lower case, capitalised
        or upper case: six searches of its bytes, an eighth of a case-blind regex's time): nothing is looked at then."""
        return PageHiding(doc) if any(word in page for word in _MAY_HIDE) else None

    def hides(self, element: html.HtmlElement) -> bool:
        style = element.get("style")
        if style and (said := display_none(style)) is not None:
            return said
        return _by_class(self.classes, element) or element.get("hidden") is not None

    def collapses(self, column: html.HtmlElement) -> bool:
        """Whether a <col> or <colgroup> takes its columns out: visibility:collapse, in its style or by a class (the
        style wins). Only collapse: a browser shows a column's cells whatever else its <col> says (display:none,
        visibility:hidden, the hidden attribute), for the cells are not the column's children."""
        style = column.get("style")
        if style and (said := _collapses(style)) is not None:
            return said
        return _by_class(self.collapsing, column)


def _rule(rules: dict[str, set[str]], name: str, tag: str, applies: bool) -> None:
    """A class rule of the page's <style> (tag "" for .name alone): a later rule that says otherwise takes it back."""
    tags = rules.setdefault(name, set())
    (tags.add if applies else tags.discard)(tag)


def _by_class(rules: dict[str, set[str]], element: html.HtmlElement) -> bool:
    """Whether one of the element's classes has a rule (PageHiding.classes or .collapsing) for any tag or its own."""
    if rules and (names := element.get("class")):
        for name in names.split():
            tags = rules.get(name)
            if tags and ("" in tags or element.tag in tags):
                return True
    return False
