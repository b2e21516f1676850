"""Word reader (.docx): the document's paragraphs and tables, read straight from word/document.xml.

Paragraphs before the first table are header lines (title, 部门名称, 单位). Every table row is a row
of cells; a cell spanning columns (w:gridSpan) or continuing a vertical merge (w:vMerge without
"restart") arrives empty but the first, like merged Excel cells. Paragraphs inside one cell are
joined with a line break, as an Excel cell's lines are (a packed indicator list often puts each item in a
paragraph of its own, without a final 。: joined without one, the items ran together).
Tables follow each other in the grid in document order (forms one after another); text between
them is dropped. An old binary .doc is not read (it is refused by its suffix).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from lxml import etree

from etl.extract.encoding import sha256_of
from etl.extract.grid_rows import Budget, NumberedRow, split_rows
from etl.model import Grid, TableRefused

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_XML_BYTES = 256 * 1024 * 1024
# tags of word/document.xml (its "<"s, counted before it is parsed: the tree costs ~250 bytes an element).
# 150 MB of one-letter paragraphs, a 440 KB .docx, took 47 s and 4.3 GB
MAX_XML_TAGS = 3_000_000


def _text(node: etree._Element) -> str:
    return "".join(t.text or "" for t in node.iter(f"{W}t"))


def _cell_text(tc: etree._Element) -> str:
    return "\n".join(_text(p) for p in tc.iter(f"{W}p")).strip()


def _span(tc: etree._Element) -> tuple[int, bool]:
    """(columns spanned, continues a vertical merge)."""
    pr = tc.find(f"{W}tcPr")
    if pr is None:
        return 1, False
    span = pr.find(f"{W}gridSpan")
    merge = pr.find(f"{W}vMerge")
    try:
        columns = max(1, min(int(span.get(f"{W}val", "1")), 1000)) if span is not None else 1
    except ValueError:
        columns = 1
    return columns, merge is not None and merge.get(f"{W}val", "continue") != "restart"


def _table_rows(table: etree._Element, start: int, budget: Budget) -> list[NumberedRow]:
    rows: list[NumberedRow] = []
    for n, tr in enumerate(table.iterfind(f"{W}tr"), start=start):
        cells: list[str] = []
        for tc in tr.iterfind(f"{W}tc"):
            columns, continued = _span(tc)
            budget.add(columns, rows=0)
            cells.append("" if continued else _cell_text(tc))
            cells.extend([""] * (columns - 1))
        budget.add(0)
        rows.append((n, cells))
    return rows


def document_rows(body: etree._Element, budget: Budget) -> list[NumberedRow]:
    """Paragraphs before the first table as one-cell rows, then every table's rows (nested tables not split)."""
    rows: list[NumberedRow] = []
    seen_table = False
    for node in body:
        if node.tag == f"{W}p" and not seen_table and (text := _text(node).strip()):
            budget.add(1)
            rows.append((len(rows) + 1, [text]))
        elif node.tag == f"{W}tbl":
            seen_table = True
            rows.extend(_table_rows(node, len(rows) + 1, budget))
    return rows


def read_docx(path: Path, data: bytes) -> Grid:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_XML_BYTES:
                raise TableRefused(path, f"word/document.xml too large ({info.file_size} bytes)")
            xml = archive.read(info)
        if (tags := xml.count(b"<")) > MAX_XML_TAGS:
            raise TableRefused(path, f"word/document.xml too large ({tags:,} tags; the limit is {MAX_XML_TAGS:,})")
        root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, huge_tree=True))
    except TableRefused:
        raise
    except (zipfile.BadZipFile, KeyError, etree.XMLSyntaxError, OSError, ValueError) as exc:
        raise TableRefused(path, f"cannot read the Word document: {type(exc).__name__}: {exc}"[:500]) from None
    body = root.find(f"{W}body")
    if body is None:
        raise TableRefused(path, "cannot read the Word document: no body")
    preamble, grid, raw = split_rows(document_rows(body, Budget(path)))
    return Grid(path, preamble, grid, encoding="binary", sha256=sha256_of(data), source_format="docx", raw_rows=raw)
