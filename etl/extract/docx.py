"""Word reader (.docx): the document's paragraphs and tables, read straight from word/document.xml.

Paragraphs before the first table are header lines (title, 部门名称, 单位). Every table row is a row
of cells; a cell spanning columns (w:gridSpan) or continuing a vertical merge (w:vMerge without
"restart") arrives empty but the first, like merged Excel cells; the grid columns a row leaves out before its
first cell (w:gridBefore) arrive empty. Paragraphs inside one cell are
joined with a line break, as an Excel cell's lines are (a packed indicator list often puts each item in a
paragraph of its own, without a final 。: joined without one, the items ran together).
Tables follow each other in the grid in document order (forms one after another); text between
them is dropped, and a later table's repeated column header row is read once (join_tables). An old
binary .doc is not read (it is refused by its suffix).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path

from lxml import etree

from etl.extract.encoding import sha256_of
from etl.extract.grid_rows import Budget, NumberedRow, has_header, join_tables, split_rows
from etl.model import Grid, TableRefused

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_XML_BYTES = 256 * 1024 * 1024
# tags of word/document.xml (its "<"s, counted before it is parsed: the tree costs ~250 bytes an element).
# 150 MB of one-letter paragraphs, a 440 KB .docx, took 47 s and 4.3 GB
MAX_XML_TAGS = 3_000_000


_RUN_BREAKS = {f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n"}
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# what Word does not show: a tracked deletion or the place a tracked move left (their runs read as the text was before
# the change: 9 moved away before 14.07 read 914.07), and the fallback copy of content it shows another way
# (mc:AlternateContent's VML copy of a text box: the text read twice)
_UNSHOWN = frozenset({f"{W}del", f"{W}moveFrom", f"{MC}Fallback"})
_OFF = frozenset({"0", "false", "off"})
# Word's w:sym of the Symbol font (Insert > Symbol): the character at that place of the font, for those a target value
# prints (≥8 read as 8 lost its comparison); other fonts' symbols (Wingdings ticks) are not text of a table
_SYMBOL_FONT = {0xA3: "≤", 0xB3: "≥", 0x3C: "<", 0x3E: ">", 0x3D: "=", 0xB9: "≠", 0xBB: "≈", 0xB1: "±", 0xB4: "×",
                0xB8: "÷", 0x25: "%", 0x2B: "+", 0x2D: "−", 0x2E: ".", 0x2C: ",", 0xB0: "°",
                **{c: chr(c) for c in range(0x30, 0x3A)}}


def _hidden(run: etree._Element) -> bool:
    """Whether a run is hidden text (w:rPr/w:vanish, not turned off): not shown or printed, so not read (a hidden 9
    inside 14.07 read 194.07)."""
    vanish = run.find(f"{W}rPr/{W}vanish")
    return vanish is not None and vanish.get(f"{W}val", "true").lower() not in _OFF


def _symbol(sym: etree._Element) -> str:
    """The character a w:sym stands for. In the Symbol font, the font's character at that place, whether Word wrote
    the code in the private area (F0B3) or not (B3: chr(0xB3) is ³, and ≥90% was read as ³90%, "= 90%"); another
    symbol font's (Wingdings: a tick at FC, not ü) is no text of a table; with no symbol font, the code itself."""
    try:
        code = int(sym.get(f"{W}char", ""), 16)
    except ValueError:
        return ""
    font = (sym.get(f"{W}font") or "").strip().lower()
    if font == "symbol":
        return _SYMBOL_FONT.get(code & 0xFF, "") if code <= 0xFF or 0xF000 <= code <= 0xF0FF else ""
    if font in _SYMBOL_FONTS or code >= 0xE000:
        return ""
    return chr(code)


# fonts whose places hold pictures, not the characters of their codes
_SYMBOL_FONTS = frozenset({"wingdings", "wingdings 2", "wingdings 3", "webdings", "marlett", "zapfdingbats"})


def _shown(node: etree._Element) -> Iterator[etree._Element]:
    """The node's descendants Word shows, in document order: what _UNSHOWN holds and hidden runs are left out. Walked
    with a stack, not by recursion: a cell's runs can be wrapped 2,000 deep (smart tags, fields)."""
    stack = [iter(node)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif isinstance(child.tag, str) and child.tag not in _UNSHOWN and not (child.tag == f"{W}r" and _hidden(child)):
            yield child
            stack.append(iter(child))


def _text(node: etree._Element) -> str:
    """The text of the runs Word shows: a tab (部门名称：X<tab>填报日期：…) and a line break inside a paragraph are
    kept, not run together with the text after them (a w:tab of the paragraph's properties is a tab stop, not
    text)."""
    parts = []
    for el in _shown(node):
        if el.tag == f"{W}p" and parts:  # a paragraph of a text box anchored in this one: a line of its own
            parts.append("\n")
        elif el.tag == f"{W}t":
            parts.append(el.text or "")
        elif el.tag == f"{W}sym":
            parts.append(_symbol(el))
        elif el.tag in _RUN_BREAKS and el.getparent() is not None and el.getparent().tag == f"{W}r":
            parts.append(_RUN_BREAKS[el.tag])
    return "".join(parts)


def _paragraphs(node: etree._Element) -> Iterator[etree._Element]:
    """The paragraphs of a cell, those of a table nested in it too, but not those inside a paragraph (a text box's:
    its anchor's text holds them; listed again, they were read twice). Walked with a stack, as _shown."""
    stack = [iter(node)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == f"{W}p":
            yield child
        elif isinstance(child.tag, str) and child.tag not in _UNSHOWN:
            stack.append(iter(child))


def _cell_text(tc: etree._Element) -> str:
    return "\n".join(_text(p) for p in _paragraphs(tc)).strip()


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


_WRAPPERS = frozenset({f"{W}sdt", f"{W}sdtContent", f"{W}customXml"})


def _children(node: etree._Element, *tags: str) -> Iterator[etree._Element]:
    """The node's children of those tags, in order, including those wrapped in content controls (w:sdt, a form's
    fill-in fields: a title paragraph, a row, a cell, a whole table) or w:customXml, however deep (walked with a
    stack: by recursion, 1,000 wrappers were an internal error)."""
    wanted = {f"{W}{t}" for t in tags}
    stack = [iter(node)]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag in wanted:
            yield child
        elif child.tag in _WRAPPERS:
            stack.append(iter(child))


def _grid_before(tr: etree._Element) -> int:
    """The grid columns a row leaves out before its first cell (w:trPr/w:gridBefore)."""
    before = tr.find(f"{W}trPr/{W}gridBefore")
    try:
        return max(0, min(int(before.get(f"{W}val", "0")), 1000)) if before is not None else 0
    except ValueError:
        return 0


def _table_rows(table: etree._Element, start: int, budget: Budget) -> list[NumberedRow]:
    rows: list[NumberedRow] = []
    for n, tr in enumerate(_children(table, "tr"), start=start):
        cells: list[str] = [""] * _grid_before(tr)  # a row that starts further right (w:gridBefore): empty cells
        budget.add(len(cells), rows=0)
        for tc in _children(tr, "tc"):
            columns, continued = _span(tc)
            budget.add(columns, rows=0)
            cells.append("" if continued else _cell_text(tc))
            cells.extend([""] * (columns - 1))
        budget.add(0)
        rows.append((n, cells))
    return rows


def document_parts(body: etree._Element, budget: Budget) -> list[list[NumberedRow]]:
    """Paragraphs before the first table as one-cell rows, then every table's rows (nested tables not split).

    A later table with a column header row of its own, after one that had one (a table per unit), starts a new
    part with the paragraphs just before it, for join_tables; other text after the first table is dropped."""
    parts: list[list[NumberedRow]] = [[]]
    between: list[str] = []
    seen_table = headed = False
    count = 0
    for node in _children(body, "p", "tbl"):
        if node.tag == f"{W}p" and (text := _text(node).strip()):
            lines = [line.strip() for line in text.splitlines() if line.strip()]  # a w:br ends a line
            if seen_table:
                between.extend(lines)
            else:
                for line in lines:
                    budget.add(1)
                    count += 1
                    parts[-1].append((count, [line]))
        elif node.tag == f"{W}tbl":
            rows = _table_rows(node, count + 1, budget)
            count += len(rows)
            if headed and has_header(rows):
                parts.append([(rows[0][0], [t]) for t in between] + rows)
            else:
                parts[-1].extend(rows)
            headed = headed or has_header(rows)
            seen_table, between = True, []
    return parts


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
    except (NotImplementedError, RuntimeError) as exc:  # a compression method zipfile lacks; encrypted
        raise TableRefused(path, f"cannot read the Word document: {exc}"[:500]) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, etree.XMLSyntaxError, OSError, ValueError) as exc:
        raise TableRefused(path, f"cannot read the Word document: {type(exc).__name__}: {exc}"[:500]) from None
    body = root.find(f"{W}body")
    if body is None:
        raise TableRefused(path, "cannot read the Word document: no body")
    parts = document_parts(body, Budget(path))
    rows = join_tables(path, [(f"table {i + 1}", part) for i, part in enumerate(parts)]) if len(parts) > 1 else parts[0]
    preamble, grid, raw = split_rows(rows)
    return Grid(path, preamble, grid, encoding="binary", sha256=sha256_of(data), source_format="docx", raw_rows=raw)
