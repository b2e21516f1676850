"""Round 21, four reader cases earlier hostile hunts left: GENERATED variants of the real sample
(data/raw/2024/tianhe-sfj.txt), or GENERATED tables, each written into tmp_path.

- PDF: text in a layer (an optional content group) that the document's default configuration switches off was read
  (a 9 in such a layer inside 14.07 loaded 194.07); a viewer does not show it;
- PDF: text under an opaque white box drawn after it was read (a 9 covered inside 14.07 loaded 194.07); a viewer
  shows the white box;
- Word: text a table style whitens (its w:rPr/w:color FFFFFF, or a conditional part's, w:tblStylePr) over no fill
  was read; a reader sees white paper;
- HTML: a table whose every cell is rowspan="0" walked every covered column of every row outside the cell budget
  (20,000 rows of one such cell, 580 KB, ran 9 s and was read, 10 million cells made); the covered columns are
  passed a stretch at a time and counted.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest
from pdfminer.pdftypes import PDFObjRef
from pdfminer.psparser import LIT

from etl.model import Refusal
from etl.transform.pipeline import process_file, run_file
from tests.inline_tables import filed, read_inline
from tests.test_hostile_round19_formats import ROWS, START, _loaded_whole, _pdf
from tests.test_hostile_round20_formats import STYLES, _amount_of, _docx, _facts

# ---- PDF: layers switched off ---------------------------------------------------------------------------------------


def _marked(inside: str | None):  # type: ignore[no-untyped-def]
    """14.07 drawn as 1, 9, 4.07, the 9 in a marked-content section of layer ``inside`` (/OC /<inside> BDC … EMC;
    None: all of 14.07 in layer /on, the 9 not drawn)."""

    def draw(pdf: Any, text: str, x: float, y: float) -> bool:
        if text != "14.07":
            return False
        if inside is None:
            pdf._code.append("/OC /on BDC")
            pdf.drawString(x, y, "14.07")
            pdf._code.append("EMC")
            return True
        pdf.drawString(x, y, "1")
        pdf._code.append(f"/Span <</MCID 0>> BDC /OC /{inside} BDC")  # (nested in another section)
        pdf.drawString(x + 2.5, y, "9")
        pdf._code.append("EMC EMC")
        pdf.drawString(x + 5, y, "4.07")
        return True

    return draw


def _objects(data: bytes) -> dict[int, bytes]:
    return {int(m.group(1)): m.group(2) for m in re.finditer(rb"\n(\d+) 0 obj\s*(<<.*?)endobj", data, re.S)}


def _with_layers(data: bytes, config: str, membership: str = "") -> bytes:
    """The reportlab PDF with two layers (optional content groups: /off and /on, objects N and N+1), named in every
    page's /Properties, and the catalog's /OCProperties default configuration ``config`` (its /D entries, the groups
    written {off} and {on}); an incremental update. ``membership``: /off names a membership dictionary (/OCMD) of
    these entries instead (the groups written alike)."""
    objects = _objects(data)
    size = int(re.findall(rb"/Size (\d+)", data)[-1])
    root = int(re.findall(rb"/Root (\d+) 0 R", data)[-1])
    prev = re.findall(rb"startxref\s+(\d+)", data)[-1]
    off, on, ocmd = size, size + 1, size + 2
    names = f"/off {ocmd if membership else off} 0 R /on {on} 0 R"
    refs = {"off": f"{off} 0 R", "on": f"{on} 0 R"}
    changed = {
        off: b"<< /Type /OCG /Name (GENERATED off) >>\n",
        on: b"<< /Type /OCG /Name (GENERATED on) >>\n",
        ocmd: f"<< /Type /OCMD {membership.format(**refs)} >>\n".encode(),
    }
    for number, body in objects.items():
        if b"/Type /Page\n" in body or b"/Type /Page " in body:
            changed[number] = body.replace(b"/Resources <<", f"/Resources << /Properties << {names} >>".encode(), 1)
    d = config.format(**refs)
    changed[root] = objects[root].replace(
        b"/Type /Catalog", f"/Type /Catalog /OCProperties << /OCGs [{off} 0 R {on} 0 R] /D << {d} >> >>".encode(), 1
    )
    return _appended(data, changed, size + 3, root, prev)


def _appended(data: bytes, objects: dict[int, bytes], size: int, root: int, prev: bytes) -> bytes:
    """An incremental update writing ``objects`` (number -> dictionary) after the file, with its cross-reference."""
    out = bytearray(data)
    where = {}
    for number, body in sorted(objects.items()):
        where[number] = len(out)
        out += b"%d 0 obj\n%sendobj\n" % (number, body)
    at_xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n"
    for number in sorted(where):
        out += b"%d 1\n%010d 00000 n \n" % (number, where[number])
    out += b"trailer\n<< /Size %d /Root %d 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, prev, at_xref)
    return bytes(out)


def _layered(tmp_path: Path, inside: str | None, config: str, membership: str = "") -> Path:
    path = _pdf(filed(tmp_path, "tianhe-sfj.pdf"), _marked(inside))
    path.write_bytes(_with_layers(path.read_bytes(), config, membership))
    return path


@pytest.mark.parametrize(
    "config",
    ["/OFF [{off}]", "/BaseState /OFF /ON [{on}]", "/ON [{on}] /OFF [{off}] /Order [{off} {on}]"],
    ids=["off-list", "base-state-off", "both-lists"],
)
def test_pdf_text_in_a_layer_switched_off_is_not_read(tmp_path: Path, config: str) -> None:
    """A 9 inside 14.07 drawn in a layer the document's default configuration switches off (/OCProperties /D /OFF,
    or /BaseState /OFF without it in /ON): a viewer shows 14.07; it loaded 194.07 (the 合计 failed)."""
    table = process_file(_layered(tmp_path, "off", config))
    _loaded_whole(table)
    assert _amount_of(table, "业务装备购置经费") == "14.07"


def test_pdf_text_in_a_layer_switched_on_is_read(tmp_path: Path) -> None:
    """Text in a layer that is on is shown, and read: 14.07 in layer /on loads whole, as the plain PDF does."""
    plain = process_file(_pdf(filed(tmp_path / "plain", "tianhe-sfj.pdf")))
    table = process_file(_layered(tmp_path / "on", None, "/OFF [{off}]"))
    _loaded_whole(table)
    assert _facts(table) == _facts(plain)


@pytest.mark.parametrize(
    ("membership", "amount"),
    [
        ("/OCGs [{off} {on}] /P /AnyOn", "194.07"),  # one of them on: shown
        ("/OCGs [{off} {on}] /P /AllOn", "14.07"),
        ("/OCGs {off} /P /AllOff", "194.07"),
        ("/OCGs [{off} {on}] /P /AnyOn /VE [/And {off} {on}]", "14.07"),  # an expression decides over /P
        ("/VE [/Not [/And {off} {on}]]", "194.07"),
        ("/VE [/Or [/Not {on}] {off}]", "14.07"),
    ],
    ids=["any-on", "all-on", "all-off", "ve-and", "ve-not", "ve-or"],
)
def test_pdf_layer_membership_dictionaries(tmp_path: Path, membership: str, amount: str) -> None:
    """The 9 in a section naming a membership dictionary (/OCMD) of /off (switched off) and /on: shown, and read,
    as its policy (/P) or visibility expression (/VE) says."""
    table = process_file(_layered(tmp_path, "off", "/OFF [{off}]", membership))
    assert _amount_of(table, "业务装备购置经费") == amount


def test_pdf_layers_of_a_damaged_configuration_hide_nothing() -> None:
    """A configuration that cannot be read, or names no group, switches nothing off; an /OC section naming a
    property list the page does not define hides nothing."""
    from etl.extract.pdf_layers import Layers, groups_off

    assert groups_off({"OCProperties": {"D": 7}}) == frozenset()
    assert groups_off({}) == frozenset()
    layers = Layers(frozenset({5}))
    layers.begin(LIT("OC"), LIT("missing"), {"Properties": {}})
    assert not layers.hiding
    layers.end()
    layers.end()  # an EMC without a section open is passed over
    assert layers.sections == []
    off = PDFObjRef(None, 5)
    assert layers.hides({"OC": off}) and not layers.hides({"OC": PDFObjRef(None, 6)}) and not layers.hides({})


def test_pdf_layer_expressions_are_counted_in_the_layout_budget() -> None:
    """A visibility expression naming the same deep list over and over (2^16 terms from a few bytes) is counted, term
    by term, in the page's layout budget, which refuses it, not read for minutes."""
    from etl.extract.pdf_layers import Layers
    from etl.model import TableRefused

    class Doc:
        def getobj(self, objid: int) -> Any:
            return [LIT("And"), PDFObjRef(self, objid + 1), PDFObjRef(self, objid + 1)] if objid < 40 else {}

    counted: list[int] = []

    def budget(n: int) -> None:
        counted.append(n)
        if len(counted) > 10_000:
            raise TableRefused(Path("x.pdf"), "PDF too large to lay out")

    layers = Layers(frozenset({99}), budget)
    with pytest.raises(TableRefused):
        layers.begin(LIT("OC"), {"Type": LIT("OCMD"), "VE": PDFObjRef(Doc(), 1)}, {})


# ---- PDF: a white box drawn over text -------------------------------------------------------------------------------


WHITE = (1.0, 1.0, 1.0)


def _boxed(when: str, alpha: float = 1, clip: bool = False, colour: tuple[float, ...] = WHITE):  # type: ignore[no-untyped-def]
    """14.07 drawn as 1, 9, 4.07 with a box filled ``colour`` over the 9 alone, drawn ``when`` ("after" or
    "before" the 9), with fill alpha ``alpha``, clipped away to a rectangle beside it when ``clip``."""

    def box(pdf: Any, x: float, y: float) -> None:
        pdf.saveState()
        if clip:
            path = pdf.beginPath()
            path.rect(x + 30, y, 5, 5)
            pdf.clipPath(path, stroke=0, fill=0)
        pdf.setFillColorRGB(*colour)
        if alpha < 1:
            pdf.setFillAlpha(alpha)
        pdf.rect(x + 2.4, y - 2, 2.6, 7.5, fill=1, stroke=0)
        pdf.restoreState()

    def draw(pdf: Any, text: str, x: float, y: float) -> bool:
        if text != "14.07":
            return False
        pdf.drawString(x, y, "1")
        if when == "before":
            box(pdf, x, y)
        pdf.drawString(x + 2.5, y, "9")
        if when == "after":
            box(pdf, x, y)
        pdf.drawString(x + 5, y, "4.07")
        return True

    return draw


def test_pdf_text_under_a_white_box_drawn_after_it_is_not_read(tmp_path: Path) -> None:
    """A 9 inside 14.07 with an opaque white box drawn over it afterwards: a viewer shows 1 4.07 over white; it loaded
    194.07 (the 合计 failed)."""
    table = process_file(_pdf(filed(tmp_path, "tianhe-sfj.pdf"), _boxed("after")))
    _loaded_whole(table)
    assert _amount_of(table, "业务装备购置经费") == "14.07"


@pytest.mark.parametrize(
    "drawn",
    [
        {"when": "before"},  # a white cell background under the text
        {"when": "after", "alpha": 0.5},  # see-through
        {"when": "after", "clip": True},  # clipped away
    ],
    ids=["before", "see-through", "clipped"],
)
def test_pdf_text_a_white_box_does_not_hide_is_read(tmp_path: Path, drawn: dict[str, Any]) -> None:
    """A white box drawn before the 9 (a cell's background), a half-transparent one, or one clipped away leave it
    read: 194.07. (A box of another colour drawn after it hides it since round 22: tests/test_round22_readers.py.)"""
    table = process_file(_pdf(filed(tmp_path, "tianhe-sfj.pdf"), _boxed(**drawn)))
    assert _amount_of(table, "业务装备购置经费") == "194.07"


def test_white_boxes_are_matched_to_characters_in_bounded_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each box is looked up among at most log2 blocks of the characters drawn before it: 4,000 characters under
    4,000 boxes (every box after every character) cost a few sweeps, not 16 million comparisons. A work counter."""
    from types import SimpleNamespace

    from etl.extract import pdf_bounds, pdf_cover

    looked = 0
    sweep = pdf_bounds.covered_points

    def counted(points: list[tuple[float, float]], boxes: list[Any]) -> list[bool]:
        nonlocal looked
        looked += len(points) + len(boxes)
        return sweep(points, boxes)

    monkeypatch.setattr(pdf_bounds, "covered_points", counted)
    n = 4096
    chars = [SimpleNamespace(x0=i * 6.0, x1=i * 6.0 + 5, y0=100.0, y1=105.0) for i in range(n)]
    boxes = [((i * 6.0 - 0.5, 99.0, i * 6.0 + 5.5, 106.0), n) for i in range(0, n, 2)]  # every other one, after all
    boxes += [((i * 6.0 - 0.5, 99.0, i * 6.0 + 5.5, 106.0), i) for i in range(1, n, 2)]  # the rest before their own
    found = pdf_cover.covered(chars, boxes)
    assert found == {id(c) for c in chars[::2]}
    assert looked <= 5 * n * 13 + len(boxes) * 13


# ---- HTML: every cell rowspan="0" ------------------------------------------------------------------------------------


def _staircase(rows: int, cells: int) -> str:
    """A table whose every cell spans the rest of its row group: each row's cells go right of all those above."""
    trs = "".join("<tr>" + "<td rowspan=0>x</td>" * cells + "</tr>" for _ in range(rows))
    return f"<html><body><table>{trs}</table></body></html>"


def test_html_rowspan_zero_everywhere_is_refused_at_the_cell_budget(tmp_path: Path) -> None:
    """3,000 rows of five cells rowspan="0" make a grid of 22 million cells (each row right of the ones above, as a
    browser lays it out): the covered columns were walked one by one without being counted, the grid read whole (9 s
    for 20,000 rows), and the file refused only for its layout. They are counted now: refused at the budget."""
    refused = read_inline(tmp_path, _staircase(3000, 5), "table.html")
    assert isinstance(refused, Refusal)
    assert refused.reason == "too large to read: more than 10,000,000 cells"


def test_html_rowspans_are_passed_in_steps_bounded_by_the_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The covered columns are passed a stretch at a time: a few steps a cell of the page until the budget refuses the
    grid (it had been a step a covered column: 20 million for 20,000 rows of one cell). A work counter."""
    from etl.extract import html_spans

    steps: list[int] = []
    start_row = html_spans.Covered.start_row

    def counted(self: Any) -> None:
        if self.row == -1:
            steps.append(0)
        steps[-1] = self.steps
        start_row(self)

    monkeypatch.setattr(html_spans.Covered, "start_row", counted)
    refused = read_inline(tmp_path, _staircase(3000, 5), "table.html")
    assert isinstance(refused, Refusal)
    assert refused.reason == "too large to read: more than 10,000,000 cells"
    assert steps and steps[0] <= 4 * 5 * 3000  # a few steps a cell of the page, not one a column covered


def test_html_rowspan_zero_in_a_small_table_reads_as_a_browser_does(tmp_path: Path) -> None:
    """Row groups of rowspan="0" cells and a rowspan past the table: the grid a browser draws."""
    from lxml import html

    from etl.extract.html_table import table_rows

    page = (
        "<table><tbody><tr><td rowspan=0>a</td><td>b</td></tr><tr><td>c</td></tr><tr><td rowspan=2>d</td>"
        "<td rowspan=0>e</td></tr><tr><td>f</td></tr></tbody><tbody><tr><td>g</td><td rowspan=3>h</td><td>i</td>"
        "</tr><tr><td>j</td></tr></tbody></table>"
    )
    rows = [list(cells) for _, cells in table_rows(html.fromstring(page))]
    assert rows == [
        ["a", "b"],
        ["", "c"],
        ["", "d", "e"],
        ["", "", "", "f"],
        ["g", "h", "i"],
        ["j", ""],
    ]


# ---- Word: white text by a table style ------------------------------------------------------------------------------

TABLE_STYLES = STYLES.replace(
    "</w:styles>",
    """<w:style w:type="table" w:styleId="Ghost"><w:rPr><w:color w:val="FFFFFF"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="GhostChild"><w:basedOn w:val="Ghost"/></w:style>
<w:style w:type="table" w:styleId="GhostRow"><w:tblStylePr w:type="firstRow"><w:rPr><w:color w:val="FFFFFF"/>
</w:rPr></w:tblStylePr></w:style>
<w:style w:type="table" w:styleId="GhostBand"><w:rPr><w:color w:val="FFFFFF"/></w:rPr>
<w:tblStylePr w:type="firstRow"><w:rPr><w:color w:val="000000"/></w:rPr></w:tblStylePr></w:style>
<w:style w:type="table" w:styleId="GhostCols"><w:tblStylePr w:type="band2Vert"><w:rPr><w:color w:val="FFFFFF"/>
</w:rPr></w:tblStylePr></w:style>
<w:style w:type="table" w:styleId="GhostShaded"><w:rPr><w:color w:val="FFFFFF"/></w:rPr>
<w:tblStylePr w:type="firstRow"><w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="1F4E79"/></w:tcPr></w:tblStylePr>
</w:style>
<w:style w:type="paragraph" w:styleId="Ink"><w:rPr><w:color w:val="000000"/></w:rPr></w:style>
</w:styles>""",
)


class _Every(dict):  # type: ignore[type-arg]
    """A cells mapping for _docx that gives a text's runs to every cell printing it (not the first only), but those
    of ``first`` to the first cell printing the text."""

    def __init__(self, runs: dict[str, str], first: dict[str, str]) -> None:
        super().__init__(runs)
        self.first = first

    def pop(self, key: Any, *default: Any) -> Any:
        return self.first.pop(key) if key in self.first else self[key]


def _black(text: str) -> str:
    return f'<w:r><w:rPr><w:color w:val="000000"/></w:rPr><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _ghost_docx(path: Path, style: str, look: str = "", styles: str = TABLE_STYLES, nine: str = "") -> Path:
    """The sample as a Word table of style ``style`` (w:tblLook ``look``), every cell's runs black of their own but
    a 9 inside 14.07, which takes its colour from the table style (``nine``: its paragraph's w:pPr)."""
    nine_inside = f"{nine}{_black('1')}<w:r><w:t>9</w:t></w:r>{_black('4.07')}"
    cells = _Every({text: _black(text) for row in ROWS[START:] for text in row if text}, {"14.07": nine_inside})
    table_pr = f'<w:tblPr><w:tblStyle w:val="{style}"/>{look}</w:tblPr>'
    return _docx(path, cells, table_pr, styles=styles)


BANDS = '<w:tblLook w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="0"/>'


@pytest.mark.parametrize(
    ("style", "look"),
    [
        ("Ghost", ""),  # the whole table's text white
        ("GhostChild", ""),  # through w:basedOn
        ("GhostCols", BANDS),  # even columns white (the 总计 column), banded columns on
        ("GhostCols", '<w:tblLook w:val="0200"/>'),  # the same switches, written the older way
        ("GhostBand", '<w:tblLook w:firstRow="1"/>'),  # white but for the first row (black)
    ],
    ids=["whole-table", "based-on", "banded-columns", "look-hex", "white-but-first-row"],
)
def test_word_text_a_table_style_whitens_is_not_read(tmp_path: Path, style: str, look: str) -> None:
    """The 9 inside 14.07 white by the table's style, over no fill: Word shows 14.07; it loaded 194.07."""
    table = process_file(_ghost_docx(filed(tmp_path, "tianhe-sfj.docx"), style, look))
    _loaded_whole(table)
    assert _amount_of(table, "业务装备购置经费") == "14.07"


@pytest.mark.parametrize(
    ("style", "look", "nine"),
    [
        ("GhostCols", '<w:tblLook w:noHBand="1" w:noVBand="1"/>', ""),  # banded columns switched off
        ("GhostCols", "", ""),  # no w:tblLook: whether the bands apply is not told
        ("Ghost", "", '<w:pPr><w:pStyle w:val="Ink"/></w:pPr>'),  # a paragraph style's colour over the table's
    ],
    ids=["bands-off", "no-look", "paragraph-style"],
)
def test_word_text_a_table_style_does_not_whiten_is_read(tmp_path: Path, style: str, look: str, nine: str) -> None:
    """Where the table style's white does not apply, or may not, the 9 is read (194.07), as before. (A style that
    shades only its header row no longer keeps a white 9 under it read: shading is read a cell at a time since round
    22, tests/test_round22_readers.py.)"""
    table = process_file(_ghost_docx(filed(tmp_path, "tianhe-sfj.docx"), style, look, nine=nine))
    assert _amount_of(table, "业务装备购置经费") == "194.07"


def test_word_header_a_table_style_colours_apart_is_read(tmp_path: Path) -> None:
    """A table style white but for its first row (black, w:tblLook firstRow on), over a table whose runs set no
    colour: the header row is read, the rows under it are white on the paper and not (no project row under the
    header), as Word shows it; with the first row's switch off, the header is white too (no header row)."""
    table_pr = '<w:tblPr><w:tblStyle w:val="GhostBand"/><w:tblLook w:firstRow="{}"/></w:tblPr>'
    for on, reason in (("1", "no project row under the header"), ("0", "unsupported layout: no header row")):
        path = _docx(filed(tmp_path / on, "tianhe-sfj.docx"), {}, table_pr.format(on), styles=TABLE_STYLES)
        refused = run_file(path)
        assert isinstance(refused, Refusal) and refused.reason.startswith(reason), refused
