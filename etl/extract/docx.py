"""Word reader (.docx): the document's paragraphs and tables, read straight from word/document.xml.

Paragraphs before the first table are header lines (title, 部门名称, 单位). Every table row is a row
of cells; a cell spanning columns (w:gridSpan) or continuing a vertical merge (w:vMerge without
"restart") arrives empty but the first, like merged Excel cells; the grid columns a row leaves out before its
first cell (w:gridBefore) arrive empty; an amount spanning amount columns is read in each (grid_rows.Spreading).
Paragraphs inside one cell are joined with a line break, as an Excel cell's lines are (a packed indicator list often
puts each item in a paragraph of its own, without a final 。: joined without one, the items ran together).
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
from typing import NamedTuple

from lxml import etree

from etl.extract import docx_table_style
from etl.extract.docx_table_style import TableStyle
from etl.extract.encoding import sha256_of
from etl.extract.grid_rows import Budget, NumberedRow, has_header, join_tables, split_rows, with_spans
from etl.extract.hidden_rows import shown
from etl.extract.invisible import AMOUNT_SHAPED, AMOUNT_WITH_POINT, FOOTNOTE_MARK, is_white_rgb
from etl.model import Grid, TableRefused

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_XML_BYTES = 256 * 1024 * 1024
# tags of word/document.xml (its "<"s, counted before it is parsed: the tree costs ~250 bytes an element).
# 150 MB of one-letter paragraphs, a 440 KB .docx, took 47 s and 4.3 GB
MAX_XML_TAGS = 3_000_000


# what a run's marks print: a tab, a line break, and a non-breaking hyphen (Ctrl+Shift+-, which keeps -5% or
# 2023-2025 on one line: left out, ≥-5% read ≥5%)
_RUN_BREAKS = {f"{W}tab": "\t", f"{W}br": "\n", f"{W}cr": "\n", f"{W}noBreakHyphen": "-"}
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


def _continues_across(tc: etree._Element) -> bool:
    """Whether a cell continues the one before it, merged across the two the older way (w:hMerge without "restart",
    as Word 2003 and converters write it, not w:gridSpan): its text is not shown, as a continued w:vMerge's is not."""
    merge = tc.find(f"{W}tcPr/{W}hMerge")
    return merge is not None and merge.get(f"{W}val", "continue") != "restart"


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
        spans: dict[int, int] = {}  # a cell across grid columns (w:gridSpan): see grid_rows.SpannedCells
        last = -1  # where the cell before begins
        for tc in _children(tr, "tc"):
            columns, continued = _span(tc)
            budget.add(columns, rows=0)
            if last >= 0 and _continues_across(tc):  # the cell before merged across this one (w:hMerge): one cell
                spans[last] = len(cells) + columns - last
                cells.extend([""] * columns)
                continue
            last = len(cells)
            if columns > 1 and not continued:
                spans[last] = columns
            cells.append("" if continued else _cell_text(tc))
            cells.extend([""] * (columns - 1))
        budget.add(0)
        rows.append((n, with_spans(cells, spans)))
    return rows


MAX_FRAMES = 8  # layout tables inside layout tables read through (see _blocks); deeper, a table as any other


def _blocks(node: etree._Element, depth: int = 0) -> Iterator[etree._Element]:
    """The paragraphs and tables of the body in order, a layout table's content in its place: a table of one column
    whose cells hold a table (Word's way to frame a page, the target table in one ruled cell) is read as what its
    cells hold. Read as a table, its one cell ran the target table's text together (refused as run_together)."""
    for block in _children(node, "p", "tbl"):
        cells = _frame_cells(block) if block.tag == f"{W}tbl" and depth < MAX_FRAMES else None
        if cells is None:
            yield block
        else:
            for tc in cells:
                yield from _blocks(tc, depth + 1)


def _frame_cells(table: etree._Element) -> list[etree._Element] | None:
    """The cells of a table that frames others: one cell a row, a table in one of them at least; else None."""
    cells = []
    for tr in _children(table, "tr"):
        row = list(_children(tr, "tc"))
        if len(row) != 1 or _grid_before(tr):
            return None
        cells += row
    return cells if any(next(_children(tc, "tbl"), None) is not None for tc in cells) else None


def document_parts(body: etree._Element, budget: Budget) -> list[list[NumberedRow]]:
    """Paragraphs before the first table as one-cell rows, then every table's rows (nested tables not split).

    A later table with a column header row of its own, after one that had one (a table per unit), starts a new
    part with the paragraphs just before it, for join_tables; other text after the first table is dropped."""
    parts: list[list[NumberedRow]] = [[]]
    between: list[str] = []
    seen_table = headed = False
    count = 0
    for node in _blocks(body):
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


def _part(path: Path, archive: zipfile.ZipFile, name: str) -> etree._Element | None:
    """A part of the package parsed (None when absent), within the size and tag limits, entities not expanded."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        if name == "word/document.xml":
            raise
        return None
    if info.file_size > MAX_XML_BYTES:
        raise TableRefused(path, f"{name} too large ({info.file_size} bytes)")
    xml = archive.read(info)
    if (tags := xml.count(b"<")) > MAX_XML_TAGS:
        raise TableRefused(path, f"{name} too large ({tags:,} tags; the limit is {MAX_XML_TAGS:,})")
    root = etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, huge_tree=True))
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and next(dtd.iterentities(), None) is not None:  # never expanded: its text was read as nothing
        raise TableRefused(path, f"{name} declares XML entities, which Word never writes: their text would be lost")
    return root


def read_docx(path: Path, data: bytes) -> Grid:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            root = _part(path, archive, "word/document.xml")
            styles = _part(path, archive, "word/styles.xml")
    except TableRefused:
        raise
    except (NotImplementedError, RuntimeError) as exc:  # a compression method zipfile lacks; encrypted
        raise TableRefused(path, f"cannot read the Word document: {exc}"[:500]) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, etree.XMLSyntaxError, OSError, ValueError) as exc:
        raise TableRefused(path, f"cannot read the Word document: {type(exc).__name__}: {exc}"[:500]) from None
    body = root.find(f"{W}body") if root is not None else None
    if body is None:
        raise TableRefused(path, "cannot read the Word document: no body")
    hide_styled(root, body, styles)
    marks = raised_runs(body)
    parts = document_parts(body, Budget(path))
    rows = join_tables(path, [(f"table {i + 1}", part) for i, part in enumerate(parts)]) if len(parts) > 1 else parts[0]
    notes: list[str] = []
    preamble, grid, raw = split_rows(rows, notes)
    notes += [f"footnote markers left out of amounts: {shown(marks)}"] if marks else []
    return Grid(
        path, preamble, grid, encoding="binary", sha256=sha256_of(data), source_format="docx", raw_rows=raw, notes=notes
    )


# ---- text hidden by a style, and white text ---------------------------------------------------------------------


def _on(el: etree._Element | None) -> bool | None:
    """A toggle property's value (w:vanish): None when not set."""
    return None if el is None else el.get(f"{W}val", "true").lower() not in _OFF


def _white(color: str | None) -> bool:
    """Whether a w:color value (RRGGBB, or auto) prints as white."""
    if not color or len(color) != 6:
        return False
    try:
        return is_white_rgb(tuple(int(color[i : i + 2], 16) / 255 for i in (0, 2, 4)))
    except ValueError:
        return False


def _shades(pr: etree._Element | None) -> bool:
    """Whether run, paragraph, cell or table properties put a colour behind the text (w:shd filled or patterned,
    w:highlight): white text on it is seen."""
    if pr is None:
        return False
    for shd in pr.iterchildren(f"{W}shd"):
        fill, pattern = (shd.get(f"{W}fill") or "auto").lower(), (shd.get(f"{W}val") or "clear").lower()
        if (fill != "auto" and not _white(fill)) or pattern not in {"clear", "nil"} or shd.get(f"{W}themeFill"):
            return True
    highlight = pr.find(f"{W}highlight")
    return highlight is not None and (highlight.get(f"{W}val") or "none").lower() not in {"none", "white"}


def _on_attr(style: etree._Element) -> bool:
    return (style.get(f"{W}default") or "").lower() in {"1", "true", "on"}


class _Own(NamedTuple):
    """What one style sets itself (see _Styles.own)."""

    vanish: bool | None
    colored: bool  # (a w:color of its own: its w:val, color, may be None)
    color: str | None
    shades: bool
    based: str | None


class _Styles:
    """word/styles.xml as it bears on what is shown: for a style, its w:vanish, its w:color and whether it shades its
    text, each its own or from the styles it is based on (w:basedOn); the default paragraph style; the defaults."""

    def __init__(self, root: etree._Element | None) -> None:
        styles = root.iterchildren(f"{W}style") if root is not None else ()
        # (a style without an id is no style a paragraph or run can name: keyed None, it was taken for the paragraphs
        # naming none when no default paragraph style was set, and its w:vanish hid every paragraph of the document)
        self.by_id = {sid: s for s in styles if (sid := s.get(f"{W}styleId"))}
        first = {s.get(f"{W}type"): k for k, s in reversed(self.by_id.items()) if _on_attr(s)}  # the first of each type
        self.default_paragraph, self.default_table = first.get("paragraph"), first.get("table")
        defaults = root.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr") if root is not None else None
        self.vanish = bool(_on(defaults.find(f"{W}vanish"))) if defaults is not None else False
        color = defaults.find(f"{W}color") if defaults is not None else None
        self.color = color.get(f"{W}val") if color is not None else None
        self._cache: dict[tuple[str | None, str], object] = {}
        self._own: dict[str, _Own] = {}

    def own(self, sid: str) -> _Own:
        """A style's own w:vanish, w:color and shading, and the style it is based on: each style's XML is read once
        (read again for every style based on it, 64 deep, 4,000 styles of 20 properties each took 23 s)."""
        if (found := self._own.get(sid)) is None:
            style = self.by_id[sid]
            color, based = style.find(f"{W}rPr/{W}color"), style.find(f"{W}basedOn")
            found = self._own[sid] = _Own(
                _on(style.find(f"{W}rPr/{W}vanish")),
                color is not None,
                color.get(f"{W}val") if color is not None else None,
                any(_shades(pr) for pr in style.iter(f"{W}rPr", f"{W}pPr", f"{W}tcPr", f"{W}tblPr")),
                based.get(f"{W}val") if based is not None else None,
            )
        return found

    def _chain(self, sid: str | None) -> Iterator[_Own]:
        seen: set[str] = set()
        while sid is not None and sid in self.by_id and sid not in seen and len(seen) < 64:
            seen.add(sid)
            own = self.own(sid)
            yield own
            sid = own.based

    def vanish_of(self, sid: str | None) -> bool:
        if (sid, "vanish") not in self._cache:
            found = (s.vanish for s in self._chain(sid))
            self._cache[sid, "vanish"] = next((v for v in found if v is not None), False)
        return bool(self._cache[sid, "vanish"])

    def color_of(self, sid: str | None) -> str | None:
        if (sid, "color") not in self._cache:
            self._cache[sid, "color"] = next((s.color for s in self._chain(sid) if s.colored), None)
        return self._cache[sid, "color"]  # type: ignore[return-value]

    def table_style(self, sid: str | None) -> TableStyle:
        """A table style's text colours and band sizes (docx_table_style), read once."""
        if (sid, "table") not in self._cache:
            chain, seen, at = [], set(), sid
            while at is not None and at in self.by_id and at not in seen and len(seen) < 64:
                seen.add(at)
                chain.append(self.by_id[at])
                at = self.own(at).based
            self._cache[sid, "table"] = docx_table_style.table_style(chain, _shades)
        return self._cache[sid, "table"]  # type: ignore[return-value]

    def shades(self, sid: str | None) -> bool:
        """Whether the paragraph or character style (or one it is based on) shades anything (a table style's shading
        is read a cell at a time: table_style)."""
        if (sid, "shades") not in self._cache:
            self._cache[sid, "shades"] = any(s.shades for s in self._chain(sid))
        return bool(self._cache[sid, "shades"])


_WALKED = (f"{W}p", f"{W}tc", f"{W}tr", f"{W}tbl", f"{W}txbxContent", f"{W}r")
_PROPERTIES = {f"{W}tc": f"{W}tcPr", f"{W}tr": f"{W}tblPrEx", f"{W}tbl": f"{W}tblPr"}


def _style_id(pr: etree._Element | None, tag: str) -> str | None:
    el = pr.find(f"{W}{tag}") if pr is not None else None
    return el.get(f"{W}val") if el is not None else None


def hide_styled(root: etree._Element, body: etree._Element, styles_xml: etree._Element | None) -> None:
    """Mark as hidden (a w:vanish of its own, which _hidden reads) each run Word does not show though its own
    properties do not say so:

    - hidden by its character style (w:rStyle) or its paragraph's style (w:pStyle, else the default paragraph
      style), directly or through w:basedOn: a toggle property, so the two (and the document's defaults) cancel when
      both set it; a run's own w:vanish, on or off, decides alone;
    - white (w:color FFFFFF, its own or its styles') with nothing coloured behind it: no shading or highlight of the
      run, its paragraph, a cell, row or table around it, no part of its table's style that shades its cell (a
      shaded header row shades the header only), not in a text box, no page background colour;
    - a content control's placeholder text (_placeholders).

    Nothing is walked when neither a style hides text nor anything is white (the common document)."""
    styles = _Styles(styles_xml)
    background = root.find(f"{W}background")
    dark_page = background is not None and not _white(background.get(f"{W}color"))
    any_hidden = styles_xml is not None and styles_xml.find(f".//{W}vanish") is not None
    any_white = not dark_page and any(
        _white(c.get(f"{W}val")) for x in (root, styles_xml) if x is not None for c in x.iter(f"{W}color")
    )
    unshown = _placeholders(body) + (list(_unshown_runs(body, styles, any_white)) if any_hidden or any_white else [])
    for run in unshown:
        _vanish(run)


def _vanish(run: etree._Element) -> None:
    pr = run.find(f"{W}rPr")
    if pr is None:
        pr = etree.SubElement(run, f"{W}rPr")
        run.insert(0, pr)
    etree.SubElement(pr, f"{W}vanish")


def _placeholders(body: etree._Element) -> list[etree._Element]:
    """The runs of the content controls that show their placeholder text (w:showingPlcHdr: 单击或点击此处输入文字。,
    a form's field left empty): read, a target's value or a unit's name was that sentence; the field is empty."""
    found = []
    for sdt in body.iter(f"{W}sdt"):
        if _on(sdt.find(f"{W}sdtPr/{W}showingPlcHdr")) and (content := sdt.find(f"{W}sdtContent")) is not None:
            found += content.iter(f"{W}r")
    return found


def _unshown_runs(body: etree._Element, styles: _Styles, any_white: bool) -> Iterator[etree._Element]:
    """The runs hide_styled hides, found in one walk of the body (a stack of the paragraphs, cells and tables around
    each run)."""
    paragraphs: list[_Paragraph] = []  # the paragraphs around, innermost last
    shaded = [False]  # whether a cell or table around shades its text
    tables = _Tables(styles)
    for event, el in etree.iterwalk(body, events=("start", "end"), tag=_WALKED):
        if el.tag == f"{W}r":
            if event == "start" and paragraphs and _unshown(el, paragraphs[-1], shaded[-1], styles, any_white):
                yield el
        elif event == "end":
            (paragraphs if el.tag == f"{W}p" else shaded).pop()
            tables.leave(el)
        elif el.tag == f"{W}p":
            pr = el.find(f"{W}pPr")
            sid = _style_id(pr, "pStyle") or styles.default_paragraph
            paragraphs.append(_Paragraph(sid, _shades(pr) or styles.shades(sid), tables.colors[-1]))
        else:
            styled = tables.enter(el)
            shaded.append(shaded[-1] or styled or _container_shades(el))


class _Paragraph(NamedTuple):
    style: str | None
    shaded: bool
    table_colors: frozenset[str | None] | None  # what its table's style may colour it (None: in no table)


class _Table:
    """A table being walked: its style's colours and w:tblLook, its rows, where the walk is."""

    def __init__(self, table: etree._Element, styles: _Styles) -> None:
        pr = table.find(f"{W}tblPr")
        sid = _style_id(pr, "tblStyle") or styles.default_table
        self.style = styles.table_style(sid)
        self.flags = docx_table_style.look(pr)
        rows = list(_children(table, "tr"))
        self.rows, self.headers = len(rows), max(1, _header_rows(rows))
        self.row, self.col = -1, 0


def _header_rows(rows: list[etree._Element]) -> int:
    """How many rows from the first on are marked to repeat as header rows (w:trPr/w:tblHeader)."""
    n = 0
    while n < len(rows) and _on(rows[n].find(f"{W}trPr/{W}tblHeader")):
        n += 1
    return n


class _Tables:
    """The tables around the walk, and the colours their styles may give the cells around it (docx_table_style)."""

    def __init__(self, styles: _Styles) -> None:
        self.styles = styles
        self.tables: list[_Table] = []
        self.colors: list[frozenset[str | None] | None] = [None]

    def enter(self, el: etree._Element) -> bool:
        """Take in a table, row, cell or text box the walk enters: whether the table's style shades it (a cell)."""
        if el.tag == f"{W}tbl":
            self.tables.append(_Table(el, self.styles))
        elif el.tag == f"{W}tr" and self.tables:
            table = self.tables[-1]
            table.row, table.col = table.row + 1, _grid_before(el)
        elif el.tag == f"{W}tc" and self.tables:
            table = self.tables[-1]
            last = next(el.itersiblings(f"{W}tc"), None) is None
            place = docx_table_style.Place(table.row, table.col, table.row == table.rows - 1, last, table.headers)
            table.col += _span(el)[0]
            found = docx_table_style.colors(table.flags, table.style, place) if table.style.colors else None
            self.colors.append(found)
            return bool(table.style.shading) and docx_table_style.shaded(table.flags, table.style, place)
        elif el.tag == f"{W}txbxContent":
            self.colors.append(None)
        return False

    def leave(self, el: etree._Element) -> None:
        if el.tag == f"{W}tbl" and self.tables:
            self.tables.pop()
        elif (el.tag == f"{W}tc" and self.tables) or el.tag == f"{W}txbxContent":
            self.colors.pop()


def _container_shades(el: etree._Element) -> bool:
    """Whether a cell, a row (w:tblPrEx) or a table (its own w:shd) shades the text in it (its table style's shading
    is the cell's: _Tables.enter); a text box counts as shaded (its shape's fill, white text on a dark banner, is not
    read)."""
    if el.tag == f"{W}txbxContent":
        return True
    return _shades(el.find(_PROPERTIES[el.tag]))


def _unshown(run: etree._Element, paragraph: _Paragraph, shaded: bool, styles: _Styles, any_white: bool) -> bool:
    pr = run.find(f"{W}rPr")
    own = _on(pr.find(f"{W}vanish")) if pr is not None else None
    if own:
        return False  # hidden already (_hidden)
    psid, pshaded, table_colors = paragraph
    rsid = _style_id(pr, "rStyle")
    if own is None and styles.vanish ^ styles.vanish_of(psid) ^ (rsid is not None and styles.vanish_of(rsid)):
        return True  # a run's own w:vanish, on or off, decides alone
    if not any_white or shaded or pshaded or _shades(pr) or (rsid is not None and styles.shades(rsid)):
        return False
    own = pr.find(f"{W}color") if pr is not None else None
    color = own.get(f"{W}val") if own is not None else None
    for source in (rsid, psid):
        color = color or (styles.color_of(source) if source is not None else None)
    if color is None and table_colors:  # under the paragraph's and run's colours, the table style's (if it sets one)
        return all(_white(option or styles.color) for option in table_colors)
    return _white(color or styles.color)


# ---- raised marks -----------------------------------------------------------------------------------------------

_RAISED = {"superscript": "^({})", "subscript": "_({})"}


def raised_runs(body: etree._Element) -> list[str]:
    """Runs set above or below the line (w:vertAlign) right after a digit, taken as HTML's <sup> and <sub> are: a
    footnote marker (1, *, ①, [1], 注1) raised after an amount with a decimal point, the last thing in its paragraph,
    is hidden (14.07¹ read 14.071, a wrong amount loaded without a word), and noted (returned: "14.07^(1) read as
    14.07"); any other such run after an amount is written ^(…) or _(…) (10^(4), 14.0_(7)), which no amount is, so
    its row is rejected naming the cell as printed. In a text (500m², 经费¹, 年度指标值:100¹) it reads as before.
    Each paragraph holding such runs is read once."""
    notes: list[str] = []
    paragraphs: dict[etree._Element, list[tuple[etree._Element, str]]] = {}
    for align in body.iter(f"{W}vertAlign"):
        run, where = _run_of(align), (align.get(f"{W}val") or "").lower()
        paragraph = next(run.iterancestors(f"{W}p"), None) if run is not None and where in _RAISED else None
        if paragraph is not None:
            paragraphs.setdefault(paragraph, []).append((run, where))  # type: ignore[arg-type]
    for paragraph, runs in paragraphs.items():
        text, spans = _spans(paragraph)
        last = len(text.rstrip())  # the end of the paragraph's last text
        for run, where in runs:
            if run not in spans:  # hidden, or no text
                continue
            start, end = spans[run]
            mark, number = text[start:end].strip(), text[:start].strip() if start <= 64 else ""
            if not AMOUNT_SHAPED.match(number) or not text[start - 1 : start].isdigit() or not mark:
                continue  # in a name or a target (年度指标值:100¹): as before
            if where == "superscript" and last <= end and AMOUNT_WITH_POINT.match(number) and FOOTNOTE_MARK.match(mark):
                _vanish(run)
                notes.append(f"{number}^({mark}) read as {number}")
                continue
            texts = run.findall(f"{W}t")
            for t in texts:
                t.text = ""
            texts[0].text = _RAISED[where].format(mark)
    return notes


def _run_of(align: etree._Element) -> etree._Element | None:
    """The run whose own properties (w:r/w:rPr) hold the w:vertAlign, not a style's or a paragraph mark's."""
    pr = align.getparent()
    run = pr.getparent() if pr is not None and pr.tag == f"{W}rPr" else None
    return run if run is not None and run.tag == f"{W}r" else None


def _spans(paragraph: etree._Element) -> tuple[str, dict[etree._Element, tuple[int, int]]]:
    """The paragraph's shown text (of its w:t), and where each run's text lies in it."""
    parts: list[str] = []
    spans: dict[etree._Element, tuple[int, int]] = {}
    at = 0
    for el in _shown(paragraph):
        if el.tag == f"{W}t" and el.text:
            run = el.getparent()
            start = spans[run][0] if run in spans else at
            parts.append(el.text)
            at += len(el.text)
            spans[run] = (start, at)
    return "".join(parts), spans
