"""HTML reader: a saved page with one or more tables; the table with the header row is the grid (several
such tables, one per unit, are joined: see join_tables).

Text before that table (title, 部门名称, 单位 lines, and the page's boilerplate) is the preamble.
Cells spanning rows or columns (rowspan/colspan) are flattened like merged Excel cells: the text
stays in the first position and the others are empty.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree, html

from etl.extract.encoding import decode, sha256_of
from etl.extract.grid_rows import (
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


def table_rows(table: html.HtmlElement) -> list[NumberedRow]:
    """The table's own rows (not those of nested tables), spans flattened."""
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
            for i in range(_span(td, "colspan")):
                cells.append(cell_text(td) if i == 0 else "")
                if down:
                    pending[col] = down
                col += 1
        while any(v > 0 for c, v in pending.items() if c >= col):
            if pending.get(col, 0) > 0:
                pending[col] -= 1
            cells.append("")
            col += 1
        rows.append((tr.sourceline or 0, cells))
    return _monotone(rows)


def _monotone(rows: list[NumberedRow]) -> list[NumberedRow]:
    """Each row's source line; rows sharing a line (a page written on one line) count on from the previous."""
    out: list[NumberedRow] = []
    for line, cells in rows:
        out.append((max(line, out[-1][0] + 1 if out else 0), cells))
    return out


def _preamble(table: html.HtmlElement, outside_tables: bool = False) -> list[NumberedRow]:
    """The text before the table (and its caption); with outside_tables, only the text that is in no table."""
    lines: list[NumberedRow] = []
    for node in table.xpath("preceding::text() | ./caption//text()"):
        parent = node.getparent()
        if parent is None or parent.tag in _SKIP_TEXT_IN or not isinstance(parent.tag, str):
            continue
        if outside_tables and (parent.tag == "table" or any(a.tag == "table" for a in parent.iterancestors())):
            continue
        for part in str(node).splitlines():
            if part.strip():
                lines.append((parent.sourceline or 0, [part.strip()]))
    return lines


def read_html(path: Path, data: bytes) -> Grid:
    text, encoding = decode(data, path)
    try:
        doc = html.document_fromstring(text.encode("utf-8"), parser=html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError) as exc:
        raise TableRefused(path, f"HTML cannot be parsed: {exc}") from None
    tables = doc.xpath("//table")
    parts: list[tuple[str, list[NumberedRow]]] = []
    width = 0
    for n, table in enumerate(tables, start=1):
        rows = table_rows(table)
        if has_header(rows):  # several tables with a header row (a table per unit): joined
            parts.append((f"table {n}", _preamble(table, outside_tables=bool(parts)) + rows))
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
    rows = _preamble(leaves[0]) + _monotone([row for table in leaves for row in table_rows(table)])
    preamble, _, raw = split_rows(rows)
    return Grid(path, preamble, [], encoding=encoding, sha256=sha256_of(data), source_format="html", raw_rows=raw)
