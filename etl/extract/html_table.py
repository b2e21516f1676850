"""HTML reader: a saved page with one or more tables; the table with the header row is the grid (several
such tables, one per unit, are joined: see join_tables).

Text before that table (title, 部门名称, 单位 lines, and the page's boilerplate) is the preamble.
Cells spanning rows or columns (rowspan/colspan) are flattened like merged Excel cells: the text
stays in the first position and the others are empty (an amount spanning amount columns is read in each: see
grid_rows.Spreading).

What the page hides is treated as a workbook's hidden rows, columns and sheets (etl/extract/hidden_rows.py): a
hidden row below the header row is not loaded but rejected, a hidden cell is not read, nor hidden text inside a shown
cell, a hidden table not at all. A footnote marker after an amount (12.5<sup>1</sup>) or ending a text cell or a
part of it (合计<sup>1</sup>, 1-产出指标<sup>1</sup>：…, Word's <a href="#_ftn1">[1]</a>) is not read into it (see
_unmarked).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from lxml import etree, html

from etl.extract.encoding import decode, sha256_of
from etl.extract.grid_rows import (
    Budget,
    NumberedRow,
    continues,
    has_header,
    header_width,
    join_tables,
    split_rows,
    with_spans,
)
from etl.extract.hidden_rows import HiddenCells, PageHiding, drop_marked_rows, shown
from etl.extract.html_spans import Covered
from etl.model import AMOUNT_UNITS_OR_SHORT, Grid, RefusalKind, TableRefused

_SKIP_TEXT_IN = {"script", "style", "head", "title", "noscript"}
MAX_SPAN = 1000
MAX_DEPTH = 2048  # elements nested in elements: libxml2's limit with huge_tree (see _parsed)
MAX_TAGS = 2_000_000  # "<"s of a page, counted before it is parsed: lxml's tree costs ~350 bytes an element


# a span as a browser reads it (the HTML rules for parsing non-negative integers): the digits after spaces and a +,
# whatever follows them (colspan="2px", "2.0", "2;" span 2: read as 1, they moved the row's later cells a column left)
_SPAN_DIGITS = re.compile(r"[ \t\n\f\r]*\+?0*([0-9]+)")


def _span(cell: html.HtmlElement, attr: str, rest: int = 0) -> int:
    """The rows or columns a cell spans; rowspan="0" the rest (the rows after it in its <tbody>, <thead> or
    <tfoot>, or table) and its own, as in a browser (read as 1, the cells below moved a column left). The caller
    clips a rowspan at the end of its row group, as a browser does."""
    m = _SPAN_DIGITS.match(cell.get(attr) or "")
    if m is None:
        return 1
    digits = m.group(1)
    if digits == "0" and attr == "rowspan":
        return min(rest + 1, MAX_SPAN)
    return MAX_SPAN if len(digits) > 4 else max(1, min(int(digits), MAX_SPAN))


def _rows_after(trs: list[html.HtmlElement]) -> list[int]:
    """For each row, the rows after it in its row group: its <tbody>, <thead> or <tfoot>, or the rows the table holds
    itself one after another (a browser puts each such run in a <tbody> of its own)."""
    after, left, below = [], 0, None
    for tr in reversed(trs):
        group = row_group(tr)
        left = left + 1 if group is below else 0
        after.append(left)
        below = group
    return after[::-1]


def own_rows(table: html.HtmlElement) -> list[html.HtmlElement]:
    """The table's own rows, in order: those under it or its <thead>, <tbody> and <tfoot>, also where another element
    an export left between two rows holds them (…</tr><span><tr>…: the HTML parser puts every later row inside a stray
    <span>, <font>, <div>, <a> or <form>, where a browser moves the stray element out of the table and shows them all;
    read as children only, the table lost them, 21 projects of 22); not a nested table's rows, nor a cell's."""
    return [tr for tr in table.iter("tr") if next(tr.iterancestors("table", "td", "th"), None) is table]


def row_group(tr: html.HtmlElement) -> html.HtmlElement | None:
    """The row's <thead>, <tbody> or <tfoot>, else its table (see own_rows for what may stand between)."""
    return next(tr.iterancestors("thead", "tbody", "tfoot", "table"), None)


_BLOCKS = ("p", "div", "li")
_MARKS = ("sup", "sub")
# an amount but for what is set above or below its line (12.5<sup>1</sup>, 1,485.34<sup>注</sup>, 82.60万元<sup>*</sup>)
_AMOUNT_SHAPED = re.compile(rf"^[-+]?[¥￥]?\d[\d,，.．\s]*(?:{AMOUNT_UNITS_OR_SHORT})?$")
# what a footnote marker is: 1, 12, a, *, †, ①, [1], (1), 注, 注1
_FOOTNOTE = re.compile(
    r"^[\[(（【]?\s*(?:注\s*(?:\d{1,2}|[a-z]|[①-⑳])?|\d{1,2}|[a-z]|[*＊※†‡§#¶]{1,3}|[①-⑳])\s*[\])）】]?$", re.IGNORECASE
)
# a text a footnote marker may follow (经费<sup>1</sup>, 合计<sup>注</sup>, 100%<sup>1</sup>): it ends in a Chinese
# character, CJK or full-width punctuation, or %; not 500m<sup>2</sup> or CO<sub>2</sub>, which the marks are part of
_ENDS_AS_TEXT = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef%]$")  # (of one character: match)
# Word's footnote and endnote references: <a href="#_ftn1"><span class=MsoFootnoteReference>[1]</span></a>, raised by
# its style sheet, not by <sup>
_WORD_NOTE_LINK = ("#_ftn", "#_edn")
_BREAKS_AND_MARKS = ("br", "a", *_BLOCKS, *_MARKS)
Footnote = tuple[str, str, bool]  # (the cell with its marks, as read, whether it is an amount)


def cell_text(td: html.HtmlElement, footnotes: list[Footnote] | None = None) -> str:
    """The cell's text with a line break for each <br> and after each paragraph (<p>, <div>, <li>) inside it:
    text_content() alone runs "…100%<br>2、1-产出指标…" together, and a packed list's items with it.

    A footnote marker set above or below an amount (<sup>, <sub>) is not part of it: see _unmarked."""
    marks = []
    for node in td.iter(*_BREAKS_AND_MARKS):
        if node is td:
            continue
        if node.tag in _MARKS or (node.tag == "a" and node.get("href", "").startswith(_WORD_NOTE_LINK)):
            marks.append(node)
        elif node.tag != "a":
            node.tail = "\n" + (node.tail or "")
    text = td.text_content()
    return _unmarked(td, marks, text, footnotes) if marks else text


def _segments(td: html.HtmlElement, marks: list[html.HtmlElement]) -> list[tuple[str, html.HtmlElement | None]]:
    """The cell's texts in order, each with the outermost <sup> or <sub> it is in (None: on the line)."""
    inside: dict[html.HtmlElement, html.HtmlElement] = {}
    for mark in marks:  # (in document order: an outer mark before the marks inside it)
        if mark not in inside:
            inside.update((node, mark) for node in mark.iter())
    out = []
    for text in td.xpath(".//text()"):
        parent = text.getparent()
        out.append((str(text), inside.get(parent if text.is_text else parent.getparent())))
    return out


def _unmarked(td: html.HtmlElement, marks: list[html.HtmlElement], text: str, footnotes: list[Footnote] | None) -> str:
    """An amount's cell with <sup>/<sub> in it (12.5<sup>1</sup>, which text_content() reads as 12.51): the amount
    without its marks when they are footnote markers after it (1, *, †, ①, [1], 注1: a bare number only raised and
    after an amount with a decimal point, else 1,485<sup>34</sup> could be 1,485.34, 10<sup>4</sup> ten thousand
    and 14.0<sub>7</sub> 14.07), noted;
    otherwise the marks written ^(…) and _(…) (12^(1).5, 826000^(1)), which no amount is, so the row is rejected
    with the cell as printed. Any other cell (500m<sup>2</sup>, a name) reads as before, marks run in."""
    segments = _segments(td, marks)
    base = "".join(t for t, mark in segments if mark is None)
    if not _AMOUNT_SHAPED.match(base.strip()):
        return _text_without_footnotes(segments, footnotes) or text
    texts: dict[html.HtmlElement, str] = {}  # each mark's text
    after = False  # text after a marker: the marker is inside the amount or before it
    for t, mark in segments:
        if mark is not None:
            texts[mark] = texts.get(mark, "") + t
        elif t.strip() and any(v.strip() for v in texts.values()):
            after = True
    markers = [(mark.tag, v.strip()) for mark, v in texts.items() if v.strip()]
    if not markers:
        return text
    bare = [tag for tag, m in markers if m.isdecimal()]  # 1, 12: only raised, after an amount with a decimal point
    if after or not all(_FOOTNOTE.match(m) for _, m in markers) or (bare and ("sub" in bare or "." not in base)):
        return _marked(segments)
    if footnotes is not None:
        footnotes.append((_marked(segments).strip(), base.strip(), True))
    return base


def _text_without_footnotes(
    segments: list[tuple[str, html.HtmlElement | None]], footnotes: list[Footnote] | None
) -> str | None:
    """A text cell (a name, 合计, a packed target) without the footnote markers that end it or a part of it
    (经费<sup>1</sup>, 合计<sup>注</sup>, 1-产出指标<sup>1</sup>：11-数量指标…, …符合规范<sup>*</sup>；…: they are not
    part of it, and 合计1 was no total row), noted; None when no mark is that: read as before. A marker is one after a
    text (a Chinese character, CJK punctuation or %) and before the cell's end, a line break or a separator (： ；
    ， 。 、 or a closing bracket); one with more of its part after it (经费<sup>1</sup>（续）), after a Latin letter or
    a digit (500m<sup>2</sup>, H<sub>2</sub>O), or a number set below its line, stays, run in as before."""
    runs = _mark_runs(segments)
    following = _next_shown(runs)
    kept: list[str] = []
    last = ""  # the last character kept, but spaces
    for (text, mark), after in zip(runs, following, strict=True):
        if mark is not None and _text_marker(mark, text) and _ENDS_AS_TEXT.match(last) and _ENDS_A_PART.match(after):
            continue
        kept.append(text)
        last = text.rstrip()[-1:] or last
    if len(kept) == len(runs):
        return None
    text = "".join(kept)
    if footnotes is not None:
        footnotes.append((_marked(segments).strip(), text.strip(), False))
    return text


# what may follow a footnote marker inside a text cell: the end of the cell or of a part of it
_ENDS_A_PART = re.compile(r"[ \t\u3000\xa0]*(?:$|[\n\r：:；;，,。、）)】\]])")


def _mark_runs(segments: list[tuple[str, html.HtmlElement | None]]) -> list[tuple[str, html.HtmlElement | None]]:
    """The cell's texts with those of one mark (or of the line between two marks) joined."""
    parts: list[tuple[list[str], html.HtmlElement | None]] = []
    for text, mark in segments:
        if parts and parts[-1][1] is mark:
            parts[-1][0].append(text)
        else:
            parts.append(([text], mark))
    return [("".join(texts), mark) for texts, mark in parts]


def _next_shown(runs: list[tuple[str, html.HtmlElement | None]]) -> list[str]:
    """For each run, the next text on the line after it that is more than spaces ("" at the cell's end)."""
    following = [""] * len(runs)
    after = ""
    for i in range(len(runs) - 1, -1, -1):
        following[i] = after
        text, mark = runs[i]
        if mark is None and text.strip(" \t\u3000\xa0"):
            after = text
    return following


def _text_marker(mark: html.HtmlElement, text: str) -> bool:
    """Whether a mark's text is a footnote marker (1, *, 注1, [1]; not a number set below its line)."""
    marker = text.strip()
    return bool(marker) and bool(_FOOTNOTE.match(marker)) and not (marker.isdecimal() and mark.tag == "sub")


_WRITTEN = {"sup": "^({})", "sub": "_({})", "a": "^({})"}


def _marked(segments: list[tuple[str, html.HtmlElement | None]]) -> str:
    """The cell with its marks written as plain text does (12^(1).5, 1_(2)): as tags, the readers' strip_tags would
    leave a space, which is a thousands separator (1<sup>485</sup> read as 1,485)."""
    out: list[str] = []
    now: html.HtmlElement | None = None
    texts: list[str] = []
    for t, mark in [*segments, ("", None)]:
        if mark is not now:
            out += [_WRITTEN[now.tag].format("".join(texts).strip())] if now is not None else []
            now, texts = mark, []
        (texts if mark is not None else out).append(t)
    return "".join(out)


@dataclass(slots=True)
class Reading:
    """A page's tables being read: what the page hides (None: nothing, then nothing is looked at), the number of
    the table read, and what was left out of its cells, for the notes."""

    hiding: PageHiding | None = None
    table: int = 1
    footnotes: list[str] = field(default_factory=list)
    text_footnotes: list[str] = field(default_factory=list)
    hidden_inside: dict[html.HtmlElement, list] = field(default_factory=dict)  # see hidden_inside_cells
    hidden_text: list[str] = field(default_factory=list)
    hidden_cells: list[str] = field(default_factory=list)
    hidden_rows: int = 0
    hidden_tables: list[int] = field(default_factory=list)

    def hides_row(self, tr: html.HtmlElement) -> bool:
        """A row hidden itself or by its <tbody>, <thead> or <tfoot>."""
        if self.hiding is None:
            return False
        group = row_group(tr)
        return self.hiding.hides(tr) or (group is not None and group.tag != "table" and self.hiding.hides(group))

    def notes(self) -> list[str]:
        notes = []
        if self.footnotes:
            notes.append(f"footnote markers left out of amounts: {shown(self.footnotes)}")
        if self.text_footnotes:
            notes.append(f"footnote markers left out of text cells: {shown(self.text_footnotes)}")
        if self.hidden_tables:
            tables = shown([f"table {n}" for n in self.hidden_tables])
            notes.append(f"hidden tables not read (as a workbook's hidden sheets): {tables}")
        if self.hidden_cells:
            notes.append(f"hidden cells not read (as a workbook's hidden columns): {shown(self.hidden_cells)}")
        if self.hidden_text:
            notes.append(f"hidden text in cells not read: {shown(self.hidden_text)}")
        return notes


def collapsed_columns(table: html.HtmlElement, hiding: PageHiding | None) -> frozenset[int]:
    """The columns a table's <col> or <colgroup> takes out (visibility:collapse: a withdrawn column kept beside the
    one replacing it), counted as the columns a row's cells cover (colspan, span=). None looked for on a page that
    hides nothing (hiding is None), nor past the MAX_SPAN columns a span may say."""
    if hiding is None:
        return frozenset()
    out: set[int] = set()
    col = 0
    for group in table.xpath("./colgroup | ./col"):
        members = group.xpath("./col") if group.tag == "colgroup" else []
        whole = group.tag == "colgroup" and hiding.collapses(group)
        for element in members or [group]:
            width = _span(element, "span")
            if whole or hiding.collapses(element):
                out.update(range(col, min(col + width, MAX_SPAN)))
            col += width
            if col >= MAX_SPAN:
                return frozenset(out)
    return frozenset(out)


def _shown_columns(cells: list[str], collapsed: frozenset[int]) -> list[str]:
    """The row without its collapsed columns (they were empty, or their text went to a shown column: _place)."""
    return [c for i, c in enumerate(cells) if i not in collapsed] if collapsed else cells


def _place(col: int, across: int, collapsed: frozenset[int]) -> int | None:
    """Where a cell's text goes among the columns it covers: the first shown one (a cell over a collapsed column and
    a shown one is shown, as a browser clips it), None when every one is collapsed."""
    return next((c for c in range(col, col + across) if c not in collapsed), None)


def _row_cells(
    tr: html.HtmlElement,
    pending: Covered,
    budget: Budget,
    reading: Reading,
    collapsed: frozenset[int] = frozenset(),
    spans: dict[int, int] | None = None,
    rest: int = 0,
) -> list[str]:
    """A row's cells, the columns a rowspan above covers empty (and those right of its last cell: see
    html_spans.Covered); a cell the page hides is not read (the cells after it move left, as a browser shows them),
    nor one in collapsed columns only (left empty, the column taken out after). Each cell spanning columns is added
    to spans: the column its text is in -> the column after its last (see _shown_spans)."""
    cells: list[str] = []
    footnotes: list[Footnote] = []
    col = 0
    hiding = reading.hiding
    pending.start_row()
    for td in tr.xpath("./td | ./th"):
        if hiding is not None and hiding.hides(td):
            if text := " ".join(td.text_content().split()):
                reading.hidden_cells.append(f"line {tr.sourceline or 0} {text[:40]!r}")
            continue
        if reading.hidden_inside and (inside := reading.hidden_inside.get(td)):
            reading.hidden_text += _drop_hidden(inside, tr)
        col = pending.skip(cells, col)
        down = min(_span(td, "rowspan", rest) - 1, rest)  # (clipped at the end of its row group, as in a browser)
        across = _span(td, "colspan")
        budget.add(across, rows=0)
        at = _place(col, across, collapsed) if collapsed else col
        if at is None and (text := " ".join(td.text_content().split())):
            reading.hidden_cells.append(f"line {tr.sourceline or 0} {text[:40]!r}")
        for i in range(col, col + across):
            cells.append(cell_text(td, footnotes) if i == at else "")
        pending.cover(col, across, down)
        if across > 1 and at is not None and spans is not None:
            spans[at] = col + across
        col += across
    pending.end_row(cells)
    for marked, base, amount in footnotes:
        (reading.footnotes if amount else reading.text_footnotes).append(
            f"line {tr.sourceline or 0} {marked!r} read as {base[:40]}"
        )
    return cells


def _shown_spans(spans: dict[int, int], collapsed: list[int]) -> dict[int, int]:
    """The cells spanning columns (the column of a cell's text -> the column after its last), in the shown columns:
    each one's column once the collapsed ones are taken out -> the shown columns it covers, when 2 or more (see
    grid_rows.SpannedCells). collapsed: the collapsed columns, in order."""
    out = {}
    for at, end in spans.items():
        before, through = bisect.bisect_left(collapsed, at), bisect.bisect_left(collapsed, end)
        if (across := end - at - (through - before)) > 1:
            out[at - before] = across
    return out


_STYLED = etree.XPath("//*[@style or @class or @hidden]")


def hidden_inside_cells(doc: html.HtmlElement, hiding: PageHiding | None) -> dict[html.HtmlElement, list]:
    """The elements the page hides inside a cell (<span style="display:none">9</span> in 1<span…>9</span>4.07, shown
    14.07; a withdrawn name kept hidden beside the new one), by their cell: one look at the page's styled elements,
    not one per cell. A hidden row or cell is not among them (the nearest of table, td and th above it is its
    table: it is read and rejected, or left out, as a row or cell), nor a row of a table nested in a cell."""
    found: dict[html.HtmlElement, list] = {}
    if hiding is None:
        return found
    for element in _STYLED(doc):
        cell = next(element.iterancestors("table", "td", "th"), None) if hiding.hides(element) else None
        if cell is not None and cell.tag != "table":
            found.setdefault(cell, []).append(element)
    return found


def _drop_hidden(elements: list, tr: html.HtmlElement) -> list[str]:
    """Take the hidden elements out of their cell, the text after each kept; what was taken out, for the notes."""
    dropped: list[str] = []
    gone: set[html.HtmlElement] = set()
    for element in elements:  # (in document order: one inside another comes after it, and goes with it)
        if any(above in gone for above in element.iterancestors()):
            continue
        if text := " ".join(element.text_content().split()):
            dropped.append(f"line {tr.sourceline or 0} {text[:40]!r}")
        gone.add(element)
        element.drop_tree()
    return dropped


def table_rows(
    table: html.HtmlElement, budget: Budget | None = None, reading: Reading | None = None
) -> list[NumberedRow]:
    """The table's own rows (not those of nested tables), spans flattened; a row the page hides is read, its cells
    HiddenCells (see drop_marked_rows)."""
    budget = budget or Budget(Path("(table)"))
    reading = reading or Reading()
    rows: list[NumberedRow] = []
    pending = Covered(budget)  # the columns rowspans above cover
    collapsed = collapsed_columns(table, reading.hiding)
    order = sorted(collapsed)
    trs = own_rows(table)
    for number, (tr, rest) in enumerate(zip(trs, _rows_after(trs), strict=True), start=1):
        spans: dict[int, int] = {}
        cells = _row_cells(tr, pending, budget, reading, collapsed, spans, rest)
        budget.add(0)  # (a row)
        cells = with_spans(_shown_columns(cells, collapsed), _shown_spans(spans, order))
        if reading.hides_row(tr):
            cells = HiddenCells(cells)
            cells.where = (str(reading.table), number)
            reading.hidden_rows += 1
        rows.append((tr.sourceline or 0, cells))
    return _monotone(rows)


def _monotone(rows: list[NumberedRow]) -> list[NumberedRow]:
    """Each row's source line; rows sharing a line (a page written on one line) count on from the previous."""
    out: list[NumberedRow] = []
    for line, cells in rows:
        out.append((max(line, out[-1][0] + 1 if out else 0), cells))
    return out


def _texts_before(
    table: html.HtmlElement, hidden: set[html.HtmlElement] | None = None
) -> Iterator[tuple[html.HtmlElement, str]]:
    """The text before the table in document order, each with the element it is the text or the tail of (what
    lxml's getparent() gives for such a text), but for the text in and around a hidden table (see _Hidden). A walk:
    libxml2's preceding:: axis is quadratic (500,000 <p> before the tables, a 4.5 MB page, ran for minutes)."""
    inside = 0  # hidden elements the walk is in
    for event, element in etree.iterwalk(table.getroottree().getroot(), events=("start", "end")):
        if element is table:
            return
        if hidden and element in hidden:
            inside += 1 if event == "start" else -1
        if inside == 0 and (text := element.text if event == "start" else element.tail):
            yield element, text


def _preamble(table: html.HtmlElement, hidden: set[html.HtmlElement] | None = None) -> list[NumberedRow]:
    lines: list[NumberedRow] = []
    captions = [(node.getparent(), str(node)) for node in table.xpath("./caption//text()")]
    for parent, text in [*_texts_before(table, hidden), *captions]:
        if parent is None or parent.tag in _SKIP_TEXT_IN or not isinstance(parent.tag, str):
            continue
        for part in text.splitlines():
            if part.strip():
                lines.append((parent.sourceline or 0, [part.strip()]))
    return lines


class _TextsBetweenTables:
    """The page's text outside every table, read in one walk: before(table) gives the lines since the table asked
    for last (the paragraphs that introduce a unit's table), so a page of many tables costs one walk, not one each."""

    def __init__(self, doc: html.HtmlElement, hidden: set[html.HtmlElement] | None = None) -> None:
        self.lines: list[tuple[int, NumberedRow]] = []  # (position in the walk, line)
        self.at: dict[html.HtmlElement, int] = {}  # each table's position
        depth = 0
        for position, (event, element) in enumerate(etree.iterwalk(doc, events=("start", "end")), start=1):
            if not isinstance(element.tag, str):  # a comment or a processing instruction: its text is not shown
                text = element.tail if event == "end" else None
            elif event == "start":
                if element.tag == "table":
                    self.at[element] = position
                depth += element.tag == "table" or bool(hidden and element in hidden)  # (text in a hidden one: none)
                text = element.text
            else:
                depth -= element.tag == "table" or bool(hidden and element in hidden)
                text = element.tail
            if text and depth == 0 and not (event == "start" and element.tag in _SKIP_TEXT_IN):
                line = element.sourceline or 0
                self.lines += [(position, (line, [t.strip()])) for t in text.splitlines() if t.strip()]
        self.next = 0

    def before(self, table: html.HtmlElement) -> list[NumberedRow]:
        end = self.at.get(table, 0)
        found = []
        while self.next < len(self.lines) and self.lines[self.next][0] < end:
            found.append(self.lines[self.next][1])
            self.next += 1
        return found


class _Hidden(NamedTuple):
    """The tables a page hides, and the outermost hidden elements that hold them (a <div> with the stale table and
    its title lines: none of their text is read)."""

    tables: set[html.HtmlElement]
    around: set[html.HtmlElement]


def _hidden_tables(tables: list[html.HtmlElement], hiding: PageHiding | None) -> _Hidden:
    """The tables a page hides, themselves or by an element around them: not read, as a workbook's hidden sheet is
    not. Each table's ancestors are looked at once (what is known of one is not asked again for the next table: a
    page's depth is at most libxml2's 256, its tables many)."""
    found = _Hidden(set(), set())
    if hiding is None:
        return found
    root_of: dict[html.HtmlElement, html.HtmlElement | None] = {}  # element -> the outermost hidden one it is in
    for table in tables:
        chain, node = [], table
        while node is not None and node not in root_of:
            chain.append(node)
            node = node.getparent()
        root = root_of[node] if node is not None else None
        for element in reversed(chain):
            root = root if root is not None or not hiding.hides(element) else element
            root_of[element] = root
        if root is not None:
            found.tables.add(table)
            found.around.add(root)
    return found


def _grid(path: Path, data: bytes, encoding: str, rows: list[NumberedRow], reading: Reading, header: bool) -> Grid:
    """The Grid of the rows read, the rows the page hides left out (see drop_marked_rows)."""
    rejects, notes = [], reading.notes()
    if reading.hidden_rows:
        rows, rejects, framing = drop_marked_rows(path, rows)
        notes += framing
    preamble, grid, raw = split_rows(rows, notes)
    return Grid(
        path,
        preamble,
        grid if header else [],
        encoding=encoding,
        sha256=sha256_of(data),
        source_format="html",
        raw_rows=None if header else raw,
        notes=notes,
        rejects=rejects,
    )


def _parsed(path: Path, page: bytes) -> html.HtmlElement:
    """The page's tree, whole. libxml2 stops reading where elements nest deeper than its limit, and says so only in
    its error log (the rest of the page was lost, and the table refused as cut off, or read short): up to 2,048 deep
    here (huge_tree; 256 otherwise, which a stray <font> before each of 256 rows reaches), and refused beyond."""
    parser = html.HTMLParser(encoding="utf-8", huge_tree=True)
    try:
        doc = html.document_fromstring(page, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise TableRefused(path, f"HTML cannot be parsed: {exc}") from None
    for error in parser.error_log:
        if error.type == etree.ErrorTypes.ERR_RESOURCE_LIMIT:
            why = f"its elements nest more than {MAX_DEPTH:,} deep" if "depth" in error.message else error.message
            reason = f"HTML cannot be read whole: {why.strip()} (line {error.line})"
            raise TableRefused(path, f"{reason}; the page after that point would be lost")
    return doc


def read_html(path: Path, data: bytes) -> Grid:
    text, encoding = decode(data, path)
    if (tags := text.count("<")) > MAX_TAGS:  # 2 M <br> in one cell, an 8 MB page, took 740 MB
        raise TableRefused(path, f"HTML too large ({tags:,} tags; the limit is {MAX_TAGS:,})")
    page = text.encode("utf-8")
    doc = _parsed(path, page)
    reading = Reading(PageHiding.of(page, doc))
    reading.hidden_inside = hidden_inside_cells(doc, reading.hiding)
    numbered = list(enumerate(doc.xpath("//table"), start=1))  # (numbered among all: "table n" is the page's n-th)
    hidden = _hidden_tables([table for _, table in numbered], reading.hiding)
    tables = [(n, table) for n, table in numbered if table not in hidden.tables]
    reading.hidden_tables = [n for n, table in numbered if table in hidden.tables] if hidden.tables else []
    budget = Budget(path)
    read: dict[html.HtmlElement, list[NumberedRow]] = {}  # each table read once (cell_text marks its line breaks)
    parts: list[tuple[str, list[NumberedRow]]] = []
    width = 0
    between: _TextsBetweenTables | None = None  # walked once, for a second table with a header row
    for n, table in tables:
        reading.table = n
        rows = read[table] = table_rows(table, budget, reading)
        if has_header(rows):  # several tables with a header row (a table per unit): joined
            if parts:
                between = between or _TextsBetweenTables(doc, hidden.around)
            parts.append((f"table {n}", (between.before(table) if between else _preamble(table, hidden.around)) + rows))
            width = header_width(rows)
        elif parts and continues(rows, width):  # a long table cut into two, the second without its header
            parts.append((f"table {n}", rows))
        elif parts:
            width = 0  # another table between: what follows it continues nothing
    if parts:
        rows = _monotone(join_tables(path, parts)) if len(parts) > 1 else parts[0][1]
        return _grid(path, data, encoding, rows, reading, header=True)
    if not tables:
        shown_tables = f"{len(hidden.tables)} hidden, none shown" if hidden.tables else "no table in the page"
        reason = f"no table with a header row (项目名称 | 总计 | …) among 0 table(s): {shown_tables}"
        raise TableRefused(path, reason, kind=RefusalKind.NOT_A_TARGET_TABLE)
    # no column header row: every table's rows in order (forms one after another), text before them
    leaves = [t for _, t in tables if not t.xpath(".//table")] or [t for _, t in tables]
    rows = _preamble(leaves[0], hidden.around) + _monotone([row for table in leaves for row in read[table]])
    return _grid(path, data, encoding, rows, reading, header=False)
