"""HTML reader: a saved page with one or more tables; the table with the header row is the grid (several
such tables, one per unit, are joined: see join_tables).

Text before that table (title, 部门名称, 单位 lines, and the page's boilerplate) is the preamble.
Cells spanning rows or columns (rowspan/colspan) are flattened like merged Excel cells: the text
stays in the first position and the others are empty.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from lxml import etree, html

from etl.extract.encoding import decode, sha256_of
from etl.extract.grid_rows import (
    Budget,
    NumberedRow,
    continues,
    has_header,
    header_width,
    join_tables,
    split_at_header,
    split_rows,
)
from etl.model import Grid, RefusalKind, TableRefused

_SKIP_TEXT_IN = {"script", "style", "head", "title", "noscript"}
MAX_SPAN = 1000
MAX_TAGS = 2_000_000  # "<"s of a page, counted before it is parsed: lxml's tree costs ~350 bytes an element


def _span(cell: html.HtmlElement, attr: str) -> int:
    try:
        return max(1, min(int(cell.get(attr, "1")), MAX_SPAN))
    except ValueError:
        return 1


_BLOCKS = ("p", "div", "li")


def cell_text(td: html.HtmlElement) -> str:
    """The cell's text with a line break for each <br> and after each paragraph (<p>, <div>, <li>) inside it:
    text_content() alone runs "…100%<br>2、1-产出指标…" together, and a packed list's items with it."""
    for node in td.iter("br", *_BLOCKS):
        if node is not td:
            node.tail = "\n" + (node.tail or "")
    return td.text_content()


def table_rows(table: html.HtmlElement, budget: Budget | None = None) -> list[NumberedRow]:
    """The table's own rows (not those of nested tables), spans flattened."""
    budget = budget or Budget(Path("(table)"))
    rows: list[NumberedRow] = []
    pending: dict[int, int] = {}  # column -> rows still covered by a rowspan above
    for tr in table.xpath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"):
        cells: list[str] = []
        col = 0
        for td in tr.xpath("./td | ./th"):
            while pending.get(col, 0) > 0:
                cells.append("")
                pending[col] -= 1
                col += 1
            down = _span(td, "rowspan") - 1
            across = _span(td, "colspan")
            budget.add(across, rows=0)
            for i in range(across):
                cells.append(cell_text(td) if i == 0 else "")
                if down:
                    pending[col] = down
                col += 1
        # columns to the right still covered from above (found once a row: a scan of them for each column was
        # quadratic, and 40 cells colspan=rowspan=1000 over 1,000 empty rows, 10 KB, ran for ever)
        last = max((c for c, v in pending.items() if v > 0), default=-1)
        budget.add(max(0, last + 1 - col))
        for c in range(col, last + 1):
            if pending.get(c, 0) > 0:
                pending[c] -= 1
            cells.append("")
        pending = {c: v for c, v in pending.items() if v > 0}
        rows.append((tr.sourceline or 0, cells))
    return _monotone(rows)


def _monotone(rows: list[NumberedRow]) -> list[NumberedRow]:
    """Each row's source line; rows sharing a line (a page written on one line) count on from the previous."""
    out: list[NumberedRow] = []
    for line, cells in rows:
        out.append((max(line, out[-1][0] + 1 if out else 0), cells))
    return out


def _texts_before(table: html.HtmlElement) -> Iterator[tuple[html.HtmlElement, str]]:
    """The text before the table in document order, each with the element it is the text or the tail of (what
    lxml's getparent() gives for such a text). A walk: libxml2's preceding:: axis is quadratic (500,000 <p> before
    the tables, a 4.5 MB page, ran for minutes)."""
    for event, element in etree.iterwalk(table.getroottree().getroot(), events=("start", "end")):
        if element is table:
            return
        if text := element.text if event == "start" else element.tail:
            yield element, text


def _preamble(table: html.HtmlElement) -> list[NumberedRow]:
    lines: list[NumberedRow] = []
    captions = [(node.getparent(), str(node)) for node in table.xpath("./caption//text()")]
    for parent, text in [*_texts_before(table), *captions]:
        if parent is None or parent.tag in _SKIP_TEXT_IN or not isinstance(parent.tag, str):
            continue
        for part in text.splitlines():
            if part.strip():
                lines.append((parent.sourceline or 0, [part.strip()]))
    return lines


class _TextsBetweenTables:
    """The page's text outside every table, read in one walk: before(table) gives the lines since the table asked
    for last (the paragraphs that introduce a unit's table), so a page of many tables costs one walk, not one each."""

    def __init__(self, doc: html.HtmlElement) -> None:
        self.lines: list[tuple[int, NumberedRow]] = []  # (position in the walk, line)
        self.at: dict[html.HtmlElement, int] = {}  # each table's position
        depth = 0
        for position, (event, element) in enumerate(etree.iterwalk(doc, events=("start", "end")), start=1):
            if not isinstance(element.tag, str):  # a comment or a processing instruction: its text is not shown
                text = element.tail if event == "end" else None
            elif event == "start":
                if element.tag == "table":
                    self.at[element] = position
                    depth += 1
                text = element.text
            else:
                depth -= element.tag == "table"
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


def read_html(path: Path, data: bytes) -> Grid:
    text, encoding = decode(data, path)
    if (tags := text.count("<")) > MAX_TAGS:  # 2 M <br> in one cell, an 8 MB page, took 740 MB
        raise TableRefused(path, f"HTML too large ({tags:,} tags; the limit is {MAX_TAGS:,})")
    try:
        doc = html.document_fromstring(text.encode("utf-8"), parser=html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError) as exc:
        raise TableRefused(path, f"HTML cannot be parsed: {exc}") from None
    tables = doc.xpath("//table")
    budget = Budget(path)
    read: dict[html.HtmlElement, list[NumberedRow]] = {}  # each table read once (cell_text marks its line breaks)
    parts: list[tuple[str, list[NumberedRow]]] = []
    width = 0
    between: _TextsBetweenTables | None = None  # walked once, for a second table with a header row
    for n, table in enumerate(tables, start=1):
        rows = read[table] = table_rows(table, budget)
        if has_header(rows):  # several tables with a header row (a table per unit): joined
            if parts:
                between = between or _TextsBetweenTables(doc)
            parts.append((f"table {n}", (between.before(table) if between else _preamble(table)) + rows))
            width = header_width(rows)
        elif parts and continues(rows, width):  # a long table cut into two, the second without its header
            parts.append((f"table {n}", rows))
        elif parts:
            width = 0  # another table between: what follows it continues nothing
    if parts:
        preamble, grid = split_at_header(_monotone(join_tables(path, parts)) if len(parts) > 1 else parts[0][1])
        return Grid(path, preamble, grid, encoding=encoding, sha256=sha256_of(data), source_format="html")
    if not tables:
        reason = "no table with a header row (项目名称 | 总计 | …) among 0 table(s): no table in the page"
        raise TableRefused(path, reason, kind=RefusalKind.NOT_A_TARGET_TABLE)
    # no column header row: every table's rows in order (forms one after another), text before them
    leaves = [t for t in tables if not t.xpath(".//table")] or tables
    rows = _preamble(leaves[0]) + _monotone([row for table in leaves for row in read[table]])
    preamble, _, raw = split_rows(rows)
    return Grid(path, preamble, [], encoding=encoding, sha256=sha256_of(data), source_format="html", raw_rows=raw)
