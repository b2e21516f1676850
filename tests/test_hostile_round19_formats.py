"""Round 19, hostile input for the workbook, Word and PDF readers: GENERATED variants of the real sample
(data/raw/2024/tianhe-sfj.txt), each written into tmp_path, as real exports print or break them.

- Word: hidden text (w:vanish) inside an amount was read (14<hidden 9>.07 loaded 194.07); so was the text a tracked
  move left (w:moveFrom) or a deletion kept in w:t, and an mc:AlternateContent's fallback copy (read twice); a symbol
  inserted from the Symbol font (w:sym ≥) was lost, ≥8 read as =8; 900 content controls around a paragraph were an
  internal error (recursion);
- .xls: formulas written by a program that does not calculate (xlwt) cache the empty string, read as an empty cell:
  every total loaded as 0;
- .xlsx: rows stored out of order were skipped (one project of 22 loaded), a row number stored twice lost a project,
  cells stored right to left were lost but the first;
- PDF: a table ruled a cell at a time (each cell's four sides, as many generators draw it) was refused as too dense
  to read; invisible text (rendering mode 3) inside an amount was read.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from etl.model import SourceTable, TableRefused
from etl.transform.pipeline import process_file
from tests.fixtures.layouts_real.word import CONTENT_TYPES, NS, RELS
from tests.fixtures.make_layouts import _grid_start, _number, sample_lines

ROWS = sample_lines()
START = _grid_start(ROWS)
TOTAL = Decimal("14853400.00")  # the sample's 22 projects, in 元


def _filed(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "2024" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _loaded_whole(table: SourceTable) -> None:
    assert len(table.projects) == 22
    assert sum(p.amounts["total"] for p in table.projects) == TOTAL
    assert table.reconciled and not table.rejects


# ---- Word -------------------------------------------------------------------------------------------------------


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def _docx(path: Path, cell_xml: dict[str, str] | None = None, before: str = "") -> Path:
    """The sample as one Word table; cell_xml maps a cell's text to the runs written for it instead (first match)."""
    cell_xml = dict(cell_xml or {})
    paras = before or "".join(f"<w:p>{_run(line[0])}</w:p>" for line in ROWS[:START])
    trs = []
    for row in ROWS[START:]:
        tcs = []
        for text in row:
            runs = cell_xml.pop(text) if text in cell_xml else (_run(text) if text else "")
            tcs.append(f"<w:tc><w:p>{runs}</w:p></w:tc>")
        trs.append("<w:tr>" + "".join(tcs) + "</w:tr>")
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{NS}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>'
        f"{paras}<w:tbl>{''.join(trs)}</w:tbl><w:p>{_run('GENERATED')}</w:p></w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", xml)
    return path


HIDDEN_9 = "<w:r><w:rPr><w:vanish/></w:rPr><w:t>9</w:t></w:r>"


@pytest.mark.parametrize(
    "runs",
    [
        _run("1") + HIDDEN_9 + _run("4.07"),  # hidden text: shown 14.07
        '<w:r><w:rPr><w:vanish w:val="1"/></w:rPr><w:t>20.00</w:t></w:r>' + _run("14.07"),
        '<w:moveFrom w:id="1" w:author="a"><w:r><w:t>9</w:t></w:r></w:moveFrom>' + _run("14.07"),  # moved away
        '<w:del w:id="1" w:author="a"><w:r><w:t>20.00</w:t></w:r></w:del><w:ins w:id="2" w:author="a">'
        + _run("14.07") + "</w:ins>",  # a deletion kept in w:t (w:delText is the usual spelling)
        '<w:del w:id="1" w:author="a"><w:r><w:delText>20.00</w:delText></w:r></w:del>' + _run("14.07"),
        _run("14.07") + '<w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t></w:t></w:r>',  # vanish turned off
    ],
)
def test_word_text_not_shown_is_not_read_into_an_amount(tmp_path: Path, runs: str) -> None:
    table = process_file(_docx(_filed(tmp_path, "tianhe-sfj.docx"), {"14.07": runs}))
    _loaded_whole(table)
    assert next(p for p in table.projects if p.printed_name == "业务装备购置经费").raw_amounts["total"] == "14.07"


def test_word_alternate_content_and_text_boxes_are_read_once(tmp_path: Path) -> None:
    """mc:AlternateContent holds the same text twice (the shape, then its VML fallback); a text box's paragraphs were
    read with its anchor paragraph and again on their own."""
    both = (
        _run("业务装备购置经费")
        + '<mc:AlternateContent><mc:Choice Requires="wps"><w:r><w:t>（注）</w:t></w:r></mc:Choice>'
        "<mc:Fallback><w:r><w:t>（注）</w:t></w:r></mc:Fallback></mc:AlternateContent>"
    )
    box = _run("法制业务经费") + "<w:r><w:txbxContent><w:p>" + _run("（注）") + "</w:p></w:txbxContent></w:r>"
    table = process_file(_docx(_filed(tmp_path, "tianhe-sfj.docx"), {"业务装备购置经费": both, "法制业务经费": box}))
    _loaded_whole(table)
    names = [p.printed_name for p in table.projects]
    assert "业务装备购置经费（注）" in names and "法制业务经费（注）" in names


@pytest.mark.parametrize("code", ["F0B3", "B3"])
def test_a_symbol_font_comparison_in_word_is_read(tmp_path: Path, code: str) -> None:
    """≥ inserted from the Symbol font is a w:sym, not text: ≥8 was read as 8 (=); written without the private area's
    F000 (round 19's review), it was read as ³8, "= 8"."""
    cell = next(c for row in ROWS for c in row if "年度指标值:≥8。" in c)
    head, tail = cell.split("年度指标值:≥8", 1)
    runs = _run(head + "年度指标值:") + f'<w:r><w:sym w:font="Symbol" w:char="{code}"/></w:r>' + _run("8" + tail)
    table = process_file(_docx(_filed(tmp_path, "tianhe-sfj.docx"), {cell: runs}))
    _loaded_whole(table)
    annual = next(i.annual for p in table.projects for i in p.indicators if i.name.startswith("每月到社区"))
    assert (annual.text, annual.comparison) == ("≥8", ">=")


def test_a_wingdings_symbol_is_no_text() -> None:
    """A tick from Wingdings (FC, with or without F000) is a picture, not ü; a symbol of no symbol font is its code."""
    from lxml import etree

    from etl.extract.docx import W, _symbol

    def sym(font: str, char: str) -> etree._Element:
        node = etree.Element(f"{W}sym", {f"{W}font": font, f"{W}char": char})
        return node

    assert [_symbol(sym("Wingdings", c)) for c in ("FC", "F0FC")] == ["", ""]
    assert (_symbol(sym("Symbol", "A3")), _symbol(sym("宋体", "2265"))) == ("≤", "≥")


def test_deeply_wrapped_word_content_is_read_not_an_internal_error(tmp_path: Path) -> None:
    """900 content controls around each title paragraph (libxml2 allows 2,048 levels): the recursive walk failed."""
    wrapped = "".join(
        "<w:sdt><w:sdtContent>" * 900 + f"<w:p>{_run(line[0])}</w:p>" + "</w:sdtContent></w:sdt>" * 900
        for line in ROWS[:START]
    )
    deep = "<w:smartTag>" * 1500 + _run("14.07") + "</w:smartTag>" * 1500
    _loaded_whole(process_file(_docx(_filed(tmp_path, "tianhe-sfj.docx"), {"14.07": deep}, before=wrapped)))


# ---- .xls -------------------------------------------------------------------------------------------------------


def _xls_with_formulas(path: Path) -> Path:
    """The sample as an .xls whose 总计 cells are formulas (=C+D+E), written by xlwt, which does not compute them."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("绩效目标表")
    sheet.write(0, 0, "GENERATED")
    for i, row in enumerate(ROWS, start=1):
        for j, text in enumerate(row):
            value = _number(text) if i - 1 > START and 1 <= j <= 4 else (text or None)
            if j == 1 and i - 1 > START and row[2].strip():
                sheet.write(i, j, xlwt.Formula(f"C{i + 1}+D{i + 1}+E{i + 1}"))
            elif value is not None:
                sheet.write(i, j, value)
    book.save(str(path))
    return path


def _computed(data: bytes) -> bytes:
    """The same workbook as if a spreadsheet had computed its formulas: each FORMULA record caches C+D+E."""
    import xlrd

    book = xlrd.open_workbook(file_contents=data)
    sheet = book.sheet_by_name("绩效目标表")
    out = bytearray(data)
    for m in re.finditer(rb"\x06\x00(..)(.{2})(.{2})..\x03\x00\x00\x00\x00\x00\xff\xff", data, re.S):
        row, col = struct.unpack("<HH", m.group(2) + m.group(3))
        value = sum(float(sheet.cell_value(row, c) or 0) for c in (2, 3, 4))
        out[m.start() + 10 : m.start() + 18] = struct.pack("<d", value)
        assert col == 1
    return bytes(out)


def test_an_xls_whose_formulas_were_never_computed_is_refused(tmp_path: Path) -> None:
    path = _xls_with_formulas(_filed(tmp_path, "tianhe-sfj.xls"))
    refused = r"formula cell\(s\) without a computed value \(绩效目标表!B6, 绩效目标表!B7"
    with pytest.raises(TableRefused, match=refused):
        process_file(path)
    path.write_bytes(_computed(path.read_bytes()))  # computed: read as the values cached
    _loaded_whole(process_file(path))


# ---- .xlsx ------------------------------------------------------------------------------------------------------

ROW = re.compile(rb"<row\b[^>]*>.*?</row>", re.S)
CELL = re.compile(rb"<c\b[^>]*?(?:/>|>.*?</c>)", re.S)


def _xlsx(path: Path, rewrite: object) -> Path:
    """The sample written by openpyxl, then its sheet's XML rewritten (as another writer stores it)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "绩效目标表"
    sheet.append(["GENERATED"])
    for i, row in enumerate(ROWS):
        sheet.append([_number(c) if i > START and 1 <= j <= 4 else (c or None) for j, c in enumerate(row)])
    buf = io.BytesIO()
    book.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            out.writestr(info, rewrite(data) if info.filename == "xl/worksheets/sheet1.xml" else data)  # type: ignore[operator]
    return path


def _rows_reversed(xml: bytes) -> bytes:
    rows = ROW.findall(xml)
    head, tail = xml.split(rows[0], 1)[0], xml.rsplit(rows[-1], 1)[1]
    return head + b"".join(reversed(rows)) + tail


def _cells_reversed(xml: bytes) -> bytes:
    def reverse(row: re.Match[bytes]) -> bytes:
        return row.group().split(b">", 1)[0] + b">" + b"".join(reversed(CELL.findall(row.group()))) + b"</row>"

    return ROW.sub(reverse, xml)


@pytest.mark.parametrize("rewrite", [_rows_reversed, _cells_reversed], ids=["rows", "cells"])
def test_a_workbook_stored_out_of_order_is_read_as_shown(tmp_path: Path, rewrite: object) -> None:
    _loaded_whole(process_file(_xlsx(_filed(tmp_path, "tianhe-sfj.xlsx"), rewrite)))


def test_a_workbook_row_stored_twice_is_refused(tmp_path: Path) -> None:
    def twice(xml: bytes) -> bytes:
        return xml.replace(b'<row r="9"', b'<row r="8"').replace(b'r="A9"', b'r="A8"')

    with pytest.raises(TableRefused, match="stores row 8 twice"):
        process_file(_xlsx(_filed(tmp_path, "tianhe-sfj.xlsx"), twice))


# ---- PDF --------------------------------------------------------------------------------------------------------

WIDTHS = [150, 45, 45, 45, 45, 150, 330]


def _cell_lines(text: str, width: float, size: float) -> list[str]:
    per = max(1, int(width / size) - 1)
    return [text[i : i + per] for i in range(0, len(text), per)] or [""]


def _pdf(
    path: Path,
    draw: object = None,
    size: float = 5,
    rows_per_page: int = 12,
    header: list[list[str]] | None = None,
) -> Path:
    """The sample as a PDF ruled a cell at a time (each cell's four sides), its header (the sample's, or these rows)
    on each page; draw(canvas, text, x, y) may draw a cell's line of text itself (True when it did)."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.pdfgen import canvas

    from tests.fixtures.layouts_real.pdfs import FONT, _font

    _font()
    pdf = canvas.Canvas(str(path), pagesize=landscape(A4))
    height = landscape(A4)[1]
    body = ROWS[START + 1 :]
    for n, start in enumerate(range(0, len(body), rows_per_page)):
        y = height - 30
        pdf.setFont(FONT, 9)
        for line in ROWS[:START] if n == 0 else []:
            pdf.drawString(30, y, line[0])
            y -= 14
        for row in [*(header or [ROWS[START]]), *body[start : start + rows_per_page]]:
            lines = [_cell_lines(t, w, size) for t, w in zip(row, WIDTHS, strict=False)]
            tall = max(len(cell) for cell in lines) * (size + 1.5) + 4
            x = 30.0
            for w, cell in zip(WIDTHS, lines, strict=False):
                pdf.rect(x, y - tall, w, tall)
                pdf.setFont(FONT, size)
                for k, text in enumerate(cell):
                    tx, ty = x + 2, y - 2 - size - k * (size + 1.5)
                    if not (draw and draw(pdf, text, tx, ty)):  # type: ignore[operator]
                        pdf.drawString(tx, ty, text)
                x += w
            y -= tall
        pdf.drawString(30, 20, "GENERATED")
        pdf.showPage()
    pdf.save()
    return path


def test_a_pdf_ruled_a_cell_at_a_time_is_read_not_refused_as_too_dense(tmp_path: Path) -> None:
    """364 ruling edges a page (91 cells' sides) were counted as 182 x 182 crossings, for the 22 x 8 lines pdfplumber
    joins them into: a 15 KB file of the sample was refused as too dense to read."""
    _loaded_whole(process_file(_pdf(_filed(tmp_path, "tianhe-sfj.pdf"))))


def test_invisible_pdf_text_inside_an_amount_is_not_read(tmp_path: Path) -> None:
    from tests.fixtures.layouts_real.pdfs import FONT

    def hidden_9(pdf: object, text: str, x: float, y: float) -> bool:
        if text != "14.07":
            return False
        pdf.drawString(x, y, "1")  # type: ignore[attr-defined]
        invisible = pdf.beginText(x + 2.5, y)  # type: ignore[attr-defined]
        invisible.setFont(FONT, 5)
        invisible.setTextRenderMode(3)
        invisible.textOut("9")
        invisible.setTextRenderMode(0)
        pdf.drawText(invisible)  # type: ignore[attr-defined]
        pdf.drawString(x + 2.5, y, "4.07")  # type: ignore[attr-defined]
        return True

    table = process_file(_pdf(_filed(tmp_path, "tianhe-sfj.pdf"), hidden_9))
    _loaded_whole(table)


def _ocr_page_chars(tmp_path: Path, shown: str | None = None) -> str:
    """The text lay_out leaves of a page whose OCR layer (invisible text) reads GENERATED OCR 1485.34, and that prints
    ``shown`` at its foot (a page number) when given."""
    import pdfplumber
    from reportlab.pdfgen import canvas

    from etl.extract.pdf_bounds import LayoutBudget, lay_out

    path = _filed(tmp_path, "ocr.pdf")
    pdf = canvas.Canvas(str(path))
    text = pdf.beginText(50, 700)
    text.setTextRenderMode(3)
    text.textOut("GENERATED OCR 1485.34")
    pdf.drawText(text)
    if shown:
        pdf.drawString(290, 30, shown)
    pdf.showPage()
    pdf.save()
    with pdfplumber.open(path) as opened:
        page = opened.pages[0]
        lay_out(page, LayoutBudget(path, path.stat().st_size))
        return "".join(c["text"] for c in page.chars)


def test_a_page_of_only_invisible_text_keeps_it(tmp_path: Path) -> None:
    """A scan's OCR layer is invisible text and nothing else: it is read as before (not taken for a page without
    text)."""
    assert _ocr_page_chars(tmp_path) == "GENERATED OCR 1485.34"


def test_an_ocr_layer_beside_a_printed_page_number_is_kept(tmp_path: Path) -> None:
    """A scan's invisible OCR text on a page that also prints a page number: the whole layer was dropped for the one
    shown line (round 19's review), and the page's rows lost; only invisible text in among shown text is left out."""
    assert _ocr_page_chars(tmp_path, "- 1 -") == "GENERATED OCR 1485.34- 1 -"
