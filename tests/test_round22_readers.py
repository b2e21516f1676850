"""Round 22, the reader cases round 21 left: GENERATED variants of the real sample (data/raw/2024/tianhe-sfj.txt), or
GENERATED tables, each written into tmp_path.

- PDF: text under an opaque box of any colour drawn after it (a black bar drawn over a value, a redaction) was read,
  and so was text under a box inside a form XObject: a 9 under either inside 14.07 loaded 194.07, and a whole amount
  under a black bar loaded a value nobody can see. A viewer shows the box: the text is not read, its cell is empty
  where it was hidden, and load_log says how many characters were (not which: it may be a redaction);
- Word: a table style's shading anywhere (its header row) counted for every cell: white text on an unshaded cell was
  read (194.07); shading is read a cell at a time, as Word applies the style's parts;
- HTML: a rowspan longer than its row group ran into the next <tbody>, shifting its rows a column right (a project
  rejected, "1 cell(s) beyond the header's columns"); it is clipped at the end of its group, as a browser does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from etl.model import Refusal, SourceTable
from etl.transform.pipeline import run_file
from tests.inline_tables import DEPARTMENT, HEADER, TITLE, UNIT, filed, project_row, read_inline
from tests.paths import PROJECT_ROOT
from tests.test_hostile_round19_formats import ROWS, START, _loaded_whole, _pdf, _run
from tests.test_hostile_round20_formats import STYLES, _amount_of, _docx

NAME = "业务装备购置经费"  # the project whose 14.07 (总计 and 财政拨款) is drawn apart
COVER_NOTE = "text under opaque boxes drawn over it not read"

# ---- PDF: opaque boxes of any colour, in forms ----------------------------------------------------------------------

BLACK, RED, WHITE = (0.0, 0.0, 0.0), (0.8, 0.1, 0.1), (1.0, 1.0, 1.0)


def _box(pdf: Any, x: float, y: float, colour: tuple[float, ...], **how: Any) -> None:
    """A box filled ``colour`` over the 9 of 1 9 4.07 drawn at x, y: in a form XObject when ``how["form"]`` (its /BBox
    ``how["bbox"]``, else the page), with fill alpha ``how["alpha"]``, blend mode ``how["blend"]``, under a round clip
    holding the 9 when ``how["round_clip"]``."""
    pdf.saveState()
    if how.get("alpha"):
        pdf.setFillAlpha(how["alpha"])
    if how.get("blend"):
        pdf.setBlendMode(how["blend"])
    if how.get("round_clip"):
        path = pdf.beginPath()
        path.circle(x + 3.7, y + 1.75, 6)
        pdf.clipPath(path, stroke=0, fill=0)
    if how.get("form"):
        name = f"box{x:.0f}_{y:.0f}"
        pdf.beginForm(name, *how.get("bbox", (0, 0, None, None)))
        pdf.setFillColorRGB(*colour)
        pdf.rect(x + 2.4, y - 2, 2.6, 7.5, fill=1, stroke=0)
        pdf.endForm()
        pdf.doForm(name)
    else:
        pdf.setFillColorRGB(*colour)
        pdf.rect(x + 2.4, y - 2, 2.6, 7.5, fill=1, stroke=0)
    pdf.restoreState()


def _nine_boxed(when: str, colour: tuple[float, ...], **how: Any):  # type: ignore[no-untyped-def]
    """14.07 drawn as 1, 9, 4.07, a box over the 9 alone drawn ``when`` ("after" or "before" the 9)."""

    def draw(pdf: Any, text: str, x: float, y: float) -> bool:
        if text != "14.07":
            return False
        pdf.drawString(x, y, "1")
        if when == "before":
            _box(pdf, x, y, colour, **how)
        pdf.drawString(x + 2.5, y, "9")
        if when == "after":
            _box(pdf, x, y, colour, **how)
        pdf.drawString(x + 5, y, "4.07")
        return True

    return draw


def _table(path: Path) -> SourceTable:
    table = run_file(path)
    assert isinstance(table, SourceTable), table
    return table


@pytest.mark.parametrize(
    "drawn",
    [
        {"colour": BLACK},  # a redaction bar
        {"colour": RED},
        {"colour": WHITE, "form": True},  # a white box inside a form XObject
        {"colour": BLACK, "form": True},
    ],
    ids=["black", "red", "white-in-a-form", "black-in-a-form"],
)
def test_pdf_text_under_an_opaque_box_drawn_after_it_is_not_read(tmp_path: Path, drawn: dict[str, Any]) -> None:
    """A 9 inside 14.07 under an opaque box drawn after it, of any colour, on the page or inside a form: a viewer
    shows 1, the box, 4.07; it loaded 194.07 (the 合计 failed). Now 14.07, whole, and load_log says the 9s (of 总计 and
    财政拨款) were under a box."""
    table = _table(_pdf(filed(tmp_path, "tianhe-sfj.pdf"), _nine_boxed("after", **drawn)))
    _loaded_whole(table)
    assert _amount_of(table, NAME) == "14.07"
    assert f"{COVER_NOTE}: page 1 (2 characters)" in table.notes


@pytest.mark.parametrize(
    ("when", "drawn"),
    [
        ("before", {"colour": BLACK}),  # a dark cell background: the text drawn on it
        ("before", {"colour": RED, "form": True}),
        ("after", {"colour": BLACK, "alpha": 0.4}),  # see-through
        ("after", {"colour": BLACK, "blend": "Multiply"}),  # blended with what is under it
        ("after", {"colour": BLACK, "form": True, "alpha": 0.4}),  # a form drawn see-through: its box too
        ("after", {"colour": BLACK, "form": True, "bbox": (0, 0, 20, 20)}),  # cut away by the form's /BBox
        ("after", {"colour": BLACK, "round_clip": True}),  # under a clip that is not a rectangle: not told
    ],
    ids=["shaded-cell", "shaded-cell-form", "see-through", "blend-mode", "see-through-form", "form-bbox", "round-clip"],
)
def test_pdf_text_a_box_does_not_hide_is_read(tmp_path: Path, when: str, drawn: dict[str, Any]) -> None:
    """A box drawn before the 9 (a cell's shading: the 9 drawn on it), a see-through or blended one, on the page or
    inside a form, or one a form's /BBox cuts away, leaves the 9 read (194.07), as a viewer shows it. Under a clipping
    path that is not a rectangle (a circle) the box's area is not told: it covers nothing, and the 9 is read, as
    before (what a viewer hides there is loaded: left)."""
    table = _table(_pdf(filed(tmp_path, "tianhe-sfj.pdf"), _nine_boxed(when, **drawn)))
    assert _amount_of(table, NAME) == "194.07"
    assert not any(note.startswith(COVER_NOTE) for note in table.notes)


def test_pdf_amount_under_a_black_bar_is_an_empty_cell(tmp_path: Path) -> None:
    """14.07 drawn whole, then a black bar over it (a redaction drawn over the value): it loaded 14.07, a value no
    reader of the PDF can see. Not read now: the cells are empty where it was hidden, read as any empty amount cell
    is (the project loads with no 总计 or 财政拨款), so the 合计 fails and is reported, and load_log counts the 10
    characters hidden (two cells of 14.07), without printing them."""

    def redacted(pdf: Any, text: str, x: float, y: float) -> bool:
        if text != "14.07":
            return False
        pdf.drawString(x, y, text)
        pdf.saveState()
        pdf.setFillColorRGB(*BLACK)
        pdf.rect(x - 0.5, y - 2, 16, 7.5, fill=1, stroke=0)
        pdf.restoreState()
        return True

    table = _table(_pdf(filed(tmp_path, "tianhe-sfj.pdf"), redacted))
    project = next(p for p in table.projects if p.printed_name == NAME)
    assert project.raw_amounts["total"] == project.raw_amounts["fiscal"] == ""
    assert len(table.projects) == 22 and not table.reconciled
    assert any(not f.passed for f in table.findings)
    assert f"{COVER_NOTE}: page 1 (10 characters)" in table.notes
    assert not any("14.07" in note for note in table.notes)


def test_pdf_fill_through_text_drawn_as_a_clip_hides_nothing(tmp_path: Path) -> None:
    """Text drawn in a clipping rendering mode (4: fill, then add to the clip) and a box filled after it inside that
    clip paints inside the glyphs (the way coloured text is drawn): the 9 shows, and is read (194.07)."""

    def draw(pdf: Any, text: str, x: float, y: float) -> bool:
        if text != "14.07":
            return False
        pdf.drawString(x, y, "1")
        pdf.saveState()
        glyphs = pdf.beginText(x + 2.5, y)
        glyphs.setTextRenderMode(4)
        glyphs.textOut("9")
        pdf.drawText(glyphs)
        pdf.setFillColorRGB(*RED)
        pdf.rect(x + 2.4, y - 2, 2.6, 7.5, fill=1, stroke=0)
        pdf.restoreState()
        pdf.drawString(x + 5, y, "4.07")
        return True

    table = _table(_pdf(filed(tmp_path, "tianhe-sfj.pdf"), draw))
    assert _amount_of(table, NAME) == "194.07"


def test_form_clip_is_the_forms_bbox_on_the_page() -> None:
    """A form's /BBox through its /Matrix and the matrix it is drawn with, cut to the clip in force; a rotated one or
    a damaged one is not told (an empty clip: nothing inside covers)."""
    from etl.extract.pdf_cover import UNKNOWN, form_clip

    identity = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    form = {"BBox": [0, 0, 100, 50], "Matrix": [2, 0, 0, 2, 10, 0]}
    assert form_clip(form, identity, None) == (10.0, 0.0, 210.0, 100.0)
    assert form_clip(form, (1.0, 0.0, 0.0, 1.0, 0.0, 20.0), (0.0, 0.0, 50.0, 50.0)) == (10.0, 20.0, 50.0, 50.0)
    assert form_clip({"BBox": [0, 0, 10, 10], "Matrix": [0.7, 0.7, -0.7, 0.7, 0, 0]}, identity, None) == UNKNOWN
    assert form_clip({"BBox": "damaged"}, identity, None) == UNKNOWN


def test_fixture_pdfs_hide_nothing_under_boxes() -> None:
    """The PDFs of the fixtures (reportlab's tables, their cell backgrounds drawn before their text) have no text
    under an opaque box: nothing is left out, and nothing noted."""
    pdfs = sorted((PROJECT_ROOT / "tests" / "fixtures").rglob("*.pdf"))
    assert len(pdfs) >= 4
    for path in pdfs:
        result = run_file(path)
        notes = result.notes if isinstance(result, SourceTable) else [result.reason]
        assert not any(note.startswith(COVER_NOTE) for note in notes), path


# ---- Word: a table style's shading, a cell at a time ----------------------------------------------------------------

SHADED_STYLES = STYLES.replace(
    "</w:styles>",
    """<w:style w:type="table" w:styleId="HeaderShaded"><w:tblStylePr w:type="firstRow"><w:tcPr>
<w:shd w:val="clear" w:color="auto" w:fill="1F4E79"/></w:tcPr></w:tblStylePr></w:style>
<w:style w:type="table" w:styleId="HeaderShadedChild"><w:basedOn w:val="HeaderShaded"/></w:style>
<w:style w:type="table" w:styleId="Bands"><w:tblStylePr w:type="firstRow"><w:tcPr><w:shd w:val="clear"
w:fill="1F4E79"/></w:tcPr></w:tblStylePr><w:tblStylePr w:type="{band}"><w:pPr><w:shd w:val="clear"
w:fill="D9E2F3"/></w:pPr></w:tblStylePr></w:style>
<w:style w:type="table" w:styleId="AllShaded"><w:tcPr><w:shd w:val="clear" w:fill="D9E2F3"/></w:tcPr></w:style>
</w:styles>""",
)
WHITE_NINE = '<w:r><w:t>1</w:t></w:r><w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>9</w:t></w:r>' + _run("4.07")
HEADER_CELL = '<w:tcW w:w="0" w:type="auto"/>'  # (any w:tcPr: _docx writes the header's runs white)


def _white_docx(path: Path, style: str, look: str, band: str = "band1Horz") -> Path:
    """The sample as a Word table of style ``style`` (w:tblLook ``look``), its header row's text white, and the 9
    inside 14.07 white (the runs' own w:color); every other run black (no colour)."""
    table_pr = f'<w:tblPr><w:tblStyle w:val="{style}"/>{look}</w:tblPr>'
    styles = SHADED_STYLES.replace("{band}", band)
    return _docx(path, {"14.07": WHITE_NINE}, table_pr, header_tc_pr=HEADER_CELL, styles=styles)


@pytest.mark.parametrize(
    ("style", "look"),
    [
        ("HeaderShaded", '<w:tblLook w:firstRow="1"/>'),
        ("HeaderShadedChild", '<w:tblLook w:val="0020"/>'),  # through w:basedOn, the switches written the older way
        ("HeaderShaded", ""),  # no w:tblLook: the header may be shaded (read), the rows below are not
    ],
    ids=["first-row", "based-on-hex-look", "no-look"],
)
def test_word_white_text_off_a_style_shaded_header_is_not_read(tmp_path: Path, style: str, look: str) -> None:
    """A table style shading its header row only: the white header text on the shade is read (the table's header),
    the white 9 inside 14.07, in a row the style does not shade, is on the paper: Word shows 14.07. It loaded 194.07
    (any shading in the style counted for every cell)."""
    table = _table(_white_docx(filed(tmp_path, "tianhe-sfj.docx"), style, look))
    _loaded_whole(table)
    assert _amount_of(table, NAME) == "14.07"


def test_word_white_header_the_style_does_not_shade_is_not_read(tmp_path: Path) -> None:
    """The header row's part switched off (w:tblLook firstRow 0): its white text is on the paper, as Word shows the
    table, so no header row is read and the file is refused; it had loaded (the style shades "something")."""
    refused = run_file(_white_docx(filed(tmp_path, "tianhe-sfj.docx"), "HeaderShaded", '<w:tblLook w:firstRow="0"/>'))
    assert isinstance(refused, Refusal) and refused.reason.startswith("unsupported layout: no header row"), refused


def _band_of_nine() -> str:
    """The banded-row part (band1Horz, band2Horz) the row printing 14.07 is in, under a header row."""
    row = next(n for n, cells in enumerate(ROWS[START:]) if "14.07" in cells)
    return "band1Horz" if (row - 1) % 2 == 0 else "band2Horz"


@pytest.mark.parametrize("shaded_band", ["band1Horz", "band2Horz"])
def test_word_banded_rows_shade_their_rows_only(tmp_path: Path, shaded_band: str) -> None:
    """A style shading its header and one band of rows (its paragraphs' w:shd): the white 9 is read in a shaded band
    (194.07, seen on the shade) and not in the other (14.07)."""
    look = '<w:tblLook w:firstRow="1" w:noHBand="0"/>'
    table = _table(_white_docx(filed(tmp_path, "tianhe-sfj.docx"), "Bands", look, band=shaded_band))
    expected = "194.07" if shaded_band == _band_of_nine() else "14.07"
    assert _amount_of(table, NAME) == expected


def test_word_a_style_shading_every_cell_keeps_white_text_read(tmp_path: Path) -> None:
    """A table style shading the whole table (its own w:tcPr): white text anywhere in it is on the shade, read."""
    table = _table(_white_docx(filed(tmp_path, "tianhe-sfj.docx"), "AllShaded", '<w:tblLook w:firstRow="1"/>'))
    assert _amount_of(table, NAME) == "194.07"


def test_table_style_shading_by_place() -> None:
    """Which cells a table style shades: its parts by place and w:tblLook; a part that may apply (no w:tblLook, a
    corner cell) counts as shading."""
    from lxml import etree

    from etl.extract.docx import _shades
    from etl.extract.docx_table_style import Place, W, look, shaded, table_style

    root = etree.fromstring(SHADED_STYLES.replace("{band}", "band2Horz").encode())
    bands = table_style([s for s in root if s.get(f"{W}styleId") == "Bands"], _shades)
    assert bands.shading == {"firstRow", "band2Horz"}
    on = look(etree.fromstring(f'<w:tblPr xmlns:w="{W[1:-1]}"><w:tblLook w:firstRow="1" w:noHBand="0"/></w:tblPr>'))
    assert shaded(on, bands, Place(0, 3, False, False))  # the header
    assert not shaded(on, bands, Place(1, 3, False, False))  # band 1
    assert shaded(on, bands, Place(2, 3, False, False))  # band 2
    assert shaded(None, bands, Place(1, 3, False, False))  # no w:tblLook: the bands may apply


# ---- HTML: a rowspan clipped at the end of its row group ------------------------------------------------------------


def _tr(cells: list[str], spans: dict[int, str] | None = None) -> str:
    spans = spans or {}
    return "<tr>" + "".join(f"<td{spans.get(i, '')}>{text}</td>" for i, text in enumerate(cells)) + "</tr>"


def test_html_rowspan_past_its_tbody_is_clipped(tmp_path: Path) -> None:
    """A goal cell rowspan="3" in the last row of a <tbody>: a browser clips it at the end of the group and shows the
    next <tbody>'s 乙项目 whole. It ran into that row, which was read a column right and rejected ("1 cell(s) beyond
    the header's columns"); both projects load now."""
    total = project_row("合计", "30.00", goal="", item="")
    first, second = project_row("甲项目", "10.00"), project_row("乙项目", "20.00", goal="乙项目的目标。")
    page = (
        f"<html><body><p>{TITLE}</p><p>{DEPARTMENT}</p><p>{UNIT}</p><table><thead>{_tr(HEADER)}</thead>"
        f"<tbody>{_tr(total)}{_tr(first, {5: ' rowspan=3'})}</tbody><tbody>{_tr(second)}</tbody></table></body></html>"
    )
    table = read_inline(tmp_path, page, "table.html")
    assert isinstance(table, SourceTable), table
    assert not table.rejects
    assert [(p.printed_name, p.raw_amounts["total"], p.goal_text) for p in table.projects] == [
        ("甲项目", "10.00", first[5]),
        ("乙项目", "20.00", "乙项目的目标。"),
    ]


def test_html_row_groups_clip_rowspans_as_a_browser_does() -> None:
    """A rowspan is clipped at the end of its <thead>, <tbody> or <tfoot>, and rows the table holds itself, one after
    another, are a group of their own (a browser puts them in a <tbody>): the next group's rows are not shifted."""
    from lxml import html

    from etl.extract.html_table import table_rows

    page = (
        "<table><thead><tr><th rowspan=5>a</th><th>b</th></tr></thead>"
        "<tbody><tr><td>c</td><td rowspan=9>d</td></tr><tr><td>e</td></tr></tbody>"
        "<tr><td rowspan=4>f</td><td>g</td></tr><tr><td>h</td></tr>"
        "<tbody><tr><td>i</td><td>j</td></tr></tbody><tfoot><tr><td>k</td></tr></tfoot></table>"
    )
    rows = [list(cells) for _, cells in table_rows(html.fromstring(page))]
    assert rows == [["a", "b"], ["c", "d"], ["e", ""], ["f", "g"], ["", "h"], ["i", "j"], ["k"]]


# ---- PDF: what a form and a colour space let through (one page written by hand) -------------------------------------


def _raw_pdf(content: bytes, form: bytes = b"", form_dict: bytes = b"/BBox [0 0 300 300]") -> bytes:
    """A one-page PDF (Helvetica as /F1; graphics states /Half, fill alpha 0.4, and /Opaque, alpha 1; a separation
    colour space /None0 of the colorant None; a form /Fm of ``form_dict`` drawing ``form``) drawing ``content``."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 8 0 R /Resources << /Font << /F1 4 0 R >>"
        b" /ExtGState << /Half 6 0 R /Opaque 7 0 R >> /XObject << /Fm 5 0 R >>"
        b" /ColorSpace << /None0 [/Separation /None /DeviceGray 9 0 R] >> >> >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /XObject /Subtype /Form %s /Resources << /ExtGState << /Opaque 7 0 R >> >> /Length %d >>\n"
        b"stream\n%s\nendstream" % (form_dict, len(form), form),
        b"<< /Type /ExtGState /ca 0.4 >>",
        b"<< /Type /ExtGState /ca 1 >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /FunctionType 2 /Domain [0 1] /C0 [1] /C1 [0] /N 1 >>",
    ]
    out = bytearray(b"%PDF-1.7\n")
    where = []
    for number, body in enumerate(objects, start=1):
        where.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % at for at in where)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


TEXT = b"BT /F1 12 Tf 100 100 Td (AB) Tj ET "
BOX = b"0 g 90 90 40 30 re f"
GROUP = b"/Group << /S /Transparency >>"


def _read_text(data: bytes) -> str:
    """The page's characters as read (etl.extract.pdf_bounds.lay_out: what the PDF reader reads of a page)."""
    import io

    import pdfplumber

    from etl.extract.pdf_bounds import LayoutBudget, lay_out

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        lay_out(page, LayoutBudget(Path("page.pdf"), len(data)))
        return "".join(c["text"] for c in page.chars)


@pytest.mark.parametrize(
    ("content", "form", "form_dict", "read"),
    [
        (TEXT + BOX, b"", b"/BBox [0 0 300 300]", ""),  # a black box after the text
        (BOX + b" " + TEXT, b"", b"/BBox [0 0 300 300]", "AB"),  # before it: a cell's shading
        (TEXT + b"/None0 cs 1 sc 90 90 40 30 re f", b"", b"/BBox [0 0 300 300]", "AB"),  # the colorant None
        (TEXT + b"q /Fm Do Q", BOX, b"/BBox [0 0 300 300]", ""),  # in a form
        (TEXT + b"q /Fm Do Q", BOX, b"/BBox [0 0 50 50]", "AB"),  # cut away by its /BBox
        (TEXT + b"q /Fm Do Q", b"0 g 22.5 22.5 10 7.5 re f", b"/BBox [0 0 50 50] /Matrix [4 0 0 4 0 0]", ""),  # scaled
        (TEXT + b"q /Half gs /Fm Do Q", b"/Opaque gs " + BOX, b"/BBox [0 0 300 300]", ""),  # a form's own opaque gs
        (TEXT + b"q /Half gs /Fm Do Q", b"/Opaque gs " + BOX, b"/BBox [0 0 300 300] " + GROUP, "AB"),
        (TEXT + b"q 0 0 50 50 re W n /Fm Do Q", BOX, b"/BBox [0 0 300 300]", "AB"),  # the page's clip passed on
        (TEXT + b"q 0 0 50 50 re W n Q /Fm Do", BOX, b"/BBox [0 0 300 300]", ""),  # and restored
    ],
    ids=[
        "after",
        "before",
        "separation-none",
        "form",
        "form-bbox",
        "form-matrix",
        "form-own-gs",
        "see-through-group",
        "clip-into-form",
        "clip-restored",
    ],
)
def test_pdf_what_covers_text_on_a_page(content: bytes, form: bytes, form_dict: bytes, read: str) -> None:
    """A box filled after AB covers it, on the page or in a form (cut to the form's /BBox through its /Matrix, and to
    the clip where the form is drawn); not before it, nor in a separation of the colorant None (which paints nothing),
    nor inside a transparency group drawn see-through, whatever the group's own graphics state says (a form that is
    no group paints its opaque box opaque, as a viewer composites each object)."""
    assert _read_text(_raw_pdf(content, form, form_dict)) == read


def _repeated_header(path: Path, rows: int) -> Path:
    """The Word file with its first ``rows`` rows marked to repeat as header rows (w:trPr/w:tblHeader)."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    xml = parts["word/document.xml"].decode()
    parts["word/document.xml"] = xml.replace("<w:tr>", "<w:tr><w:trPr><w:tblHeader/></w:trPr>", rows).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("repeated", [2, 1])
def test_word_header_rows_all_take_the_first_rows_shading(tmp_path: Path, repeated: int) -> None:
    """The first row's format is for all the header rows (w:tblHeader from the first row on, ECMA-376 17.7.6): the
    合计 row marked as one, its white 1,485.34 may be on the header's shade, and is read (the table loads whole). Not
    marked, it is on the paper: not read, the 合计's 总计 is empty."""
    cells = {"14.07": WHITE_NINE, "1,485.34": '<w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>1,485.34</w:t></w:r>'}
    table_pr = '<w:tblPr><w:tblStyle w:val="HeaderShaded"/><w:tblLook w:firstRow="1"/></w:tblPr>'
    path = _docx(filed(tmp_path, "tianhe-sfj.docx"), cells, table_pr, header_tc_pr=HEADER_CELL, styles=SHADED_STYLES)
    table = _table(_repeated_header(path, repeated))
    assert _amount_of(table, NAME) == "14.07"
    grand_total = next(a for a in table.aggregates if a.kind == "grand_total")
    assert (grand_total.raw_amounts["total"] == "1,485.34") is (repeated == 2)
