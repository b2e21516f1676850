"""Round 20, hostile input for the PDF and Word readers: GENERATED variants of the real sample
(data/raw/2024/tianhe-sfj.txt), each written into tmp_path, as real exports print or hide their text.

- PDF: fake bold, each character drawn twice a fraction of a point apart (14.07 read 1144..0077, the header row
  项项目目名名称称: the table was refused), is read once; text painted white on the paper (a white 9 inside 14.07)
  is not read, while white text on a coloured cell (a dark header row) is;
- Word: text hidden by a character style (w:rStyle, its w:vanish its own or through w:basedOn) or by its paragraph's
  style (w:pStyle) was read (14<hidden 9>.07 loaded 194.07); so was white text (w:color FFFFFF) with nothing
  coloured behind it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from etl.model import SourceTable
from etl.transform.pipeline import process_file
from tests.fixtures.layouts_real.pdfs import FONT
from tests.fixtures.layouts_real.word import CONTENT_TYPES, NS, RELS
from tests.inline_tables import filed
from tests.test_hostile_round19_formats import ROWS, START, WIDTHS, _cell_lines, _loaded_whole, _pdf, _run


def _facts(table: SourceTable) -> list[tuple[Any, ...]]:
    """What a table loads: each project's name, amounts, goal and indicators (names, values, types)."""
    return [
        (
            p.printed_name,
            p.raw_amounts,
            p.goal_text,
            [(i.level1_name, i.level2_name, i.name, i.annual, i.period) for i in p.indicators],
        )
        for p in table.projects
    ]


def _amount_of(table: SourceTable, name: str) -> str:
    return next(p for p in table.projects if p.printed_name == name).raw_amounts["total"]


# ---- PDF: fake bold -------------------------------------------------------------------------------------------


def _drawn_again(offsets: list[tuple[float, float]]):  # type: ignore[no-untyped-def]
    def draw(pdf: Any, text: str, x: float, y: float) -> bool:
        pdf.drawString(x, y, text)
        for dx, dy in offsets:
            pdf.drawString(x + dx, y + dy, text)
        return True

    return draw


@pytest.mark.parametrize(
    "offsets",
    [[(0.3, 0)], [(0.5, 0)], [(0.4, -0.4)], [(0.3, 0), (0, 0.3), (0.3, 0.3)]],
    ids=["0.3pt", "0.5pt", "diagonal", "four-times"],
)
def test_fake_bold_pdf_text_is_read_once(tmp_path: Path, offsets: list[tuple[float, float]]) -> None:
    """Every cell's text drawn again over itself, as generators embolden a font that has no bold: the header row read
    项项目目名名称称 (no header: refused), an amount 1144..0077. Read as the plain PDF is, 100% and 11-数量指标
    whole."""
    plain = process_file(_pdf(filed(tmp_path / "plain", "tianhe-sfj.pdf")))
    bold = process_file(_pdf(filed(tmp_path / "bold", "tianhe-sfj.pdf"), _drawn_again(offsets)))
    _loaded_whole(bold)
    assert _facts(bold) == _facts(plain)
    assert _amount_of(bold, "业务装备购置经费") == "14.07"


def _char(text: str, x0: float, y0: float, size: float) -> Any:
    return SimpleNamespace(get_text=lambda: text, x0=x0, y0=y0, size=size)


def test_repeated_digits_are_never_taken_for_fake_bold() -> None:
    """11, 100 and .. are a glyph's width apart (a fifth of the size at the least): kept even in a 2 pt font, tracked
    tight; a copy 0.3 pt over the first is dropped, one a point away in a 20 pt font too."""
    from etl.extract.pdf_bounds import doubled

    tiny = [_char("1", 10 + 0.6 * i, 50, 2) for i in range(3)]  # 2 pt digits 0.6 pt apart (width ~1 pt)
    assert doubled(tiny) == set()
    copy = [_char("1", 10, 50, 5), _char("1", 12.5, 50, 5), _char("1", 10.3, 50, 5), _char("1", 12.8, 50.2, 5)]
    assert doubled(copy) == {id(copy[2]), id(copy[3])}
    big = [_char("项", 10, 50, 20), _char("项", 10.9, 50.9, 20), _char("项", 30, 50, 20)]
    assert doubled(big) == {id(big[1])}
    other = [_char("1", 10, 50, 5), _char("7", 10.3, 50, 5), _char("1", 10.3, 50, 6)]  # another text or size
    assert doubled(other) == set()


def test_fake_bold_search_is_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each character is compared with at most the nine grid cells around it, whatever the page holds (pdfplumber's
    dedupe_chars compares through list.index: quadratic). A work counter, not a clock."""
    from etl.extract import pdf_bounds

    compared = 0
    same_place = pdf_bounds._same_place

    def counted(kept: Any, c: Any, tol: float) -> bool:
        nonlocal compared
        compared += 1
        return same_place(kept, c, tol)

    monkeypatch.setattr(pdf_bounds, "_same_place", counted)
    for n in (10_000, 40_000):
        chars = [_char(str(i % 10), 30 + (i % 100) * 5.0, 20 + (i // 100) * 7.0, 5) for i in range(n)]
        chars += [_char(c.get_text(), c.x0 + 0.4, c.y0, 5) for c in chars]
        compared = 0
        assert len(pdf_bounds.doubled(chars)) == n
        assert compared <= 9 * len(chars)


# ---- PDF: white text ------------------------------------------------------------------------------------------


def _white_9(colour: str, fill_under: tuple[float, ...] | None = None):  # type: ignore[no-untyped-def]
    """A white 9 printed between the 1 and the 4 of 14.07 (over a filled box of ``fill_under`` when given)."""

    def draw(pdf: Any, text: str, x: float, y: float) -> bool:
        if text != "14.07":
            return False
        if fill_under is not None:
            pdf.setFillColorRGB(*fill_under)
            pdf.rect(x - 1, y - 1, 30, 7, fill=1, stroke=0)
            pdf.setFillColorRGB(0, 0, 0)
        pdf.drawString(x, y, "1")
        {
            "rgb": lambda: pdf.setFillColorRGB(1, 1, 1),
            "gray": lambda: pdf.setFillGray(1),
            "cmyk": lambda: pdf.setFillColorCMYK(0, 0, 0, 0),
        }[colour]()
        pdf.drawString(x + 2.5, y, "9")
        pdf.setFillColorRGB(0, 0, 0)
        pdf.drawString(x + 5, y, "4.07")
        return True

    return draw


@pytest.mark.parametrize("colour", ["rgb", "gray", "cmyk"])
def test_white_pdf_text_inside_an_amount_is_not_read(tmp_path: Path, colour: str) -> None:
    """A 9 painted white (RGB 1 1 1, gray 1, CMYK 0 0 0 0) between the digits of 14.07: a reader sees 14.07; it
    loaded 194.07 (and the 合计 failed)."""
    table = process_file(_pdf(filed(tmp_path, "tianhe-sfj.pdf"), _white_9(colour)))
    _loaded_whole(table)
    assert _amount_of(table, "业务装备购置经费") == "14.07"


def test_white_pdf_text_on_a_white_fill_is_not_read(tmp_path: Path) -> None:
    """A cell filled white is the paper still: the white 9 on it is not seen."""
    table = process_file(_pdf(filed(tmp_path, "tianhe-sfj.pdf"), _white_9("rgb", (1, 1, 1))))
    assert _amount_of(table, "业务装备购置经费") == "14.07"


def test_white_pdf_text_on_a_dark_fill_is_read(tmp_path: Path) -> None:
    """The header row printed white on dark blue cells, as many reports print it: read (the table is found)."""
    header = {line for text, w in zip(ROWS[START], WIDTHS, strict=False) for line in _cell_lines(text, w, 5)}

    def on_dark(pdf: Any, text: str, x: float, y: float) -> bool:
        if text not in header:
            return False
        pdf.setFillColorRGB(0.12, 0.3, 0.47)
        pdf.rect(x - 1, y - 1.5, pdf.stringWidth(text, FONT, 5) + 2, 6.5, fill=1, stroke=0)
        pdf.setFillColorRGB(1, 1, 1)
        pdf.drawString(x, y, text)
        pdf.setFillColorRGB(0, 0, 0)
        return True

    _loaded_whole(process_file(_pdf(filed(tmp_path, "tianhe-sfj.pdf"), on_dark)))


def test_points_under_boxes() -> None:
    from etl.extract.pdf_bounds import covered_points

    boxes = [(0.0, 0.0, 10.0, 10.0), (20.0, 5.0, 30.0, 8.0)]
    points = [(5.0, 5.0), (15.0, 5.0), (25.0, 6.0), (25.0, 9.0), (10.0, 10.0), (-1.0, 5.0)]
    assert covered_points(points, boxes) == [True, False, True, False, True, False]
    assert covered_points([(1.0, 1.0)], []) == [False]


# ---- Word -----------------------------------------------------------------------------------------------------

STYLES = f"""<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{NS}">
<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>
<w:style w:type="character" w:styleId="Secret"><w:name w:val="Secret"/><w:rPr><w:vanish/></w:rPr></w:style>
<w:style w:type="character" w:styleId="Secret2"><w:basedOn w:val="Secret"/><w:rPr><w:i/></w:rPr></w:style>
<w:style w:type="character" w:styleId="Loop"><w:basedOn w:val="Loop2"/></w:style>
<w:style w:type="character" w:styleId="Loop2"><w:basedOn w:val="Loop"/></w:style>
<w:style w:type="paragraph" w:styleId="Note"><w:basedOn w:val="Normal"/><w:rPr><w:vanish/></w:rPr></w:style>
<w:style w:type="paragraph" w:styleId="NoteChild"><w:basedOn w:val="Note"/></w:style>
<w:style w:type="character" w:styleId="Paper"><w:rPr><w:color w:val="FFFFFF"/></w:rPr></w:style>
<w:style w:type="table" w:styleId="Banded"><w:tblStylePr w:type="firstRow"><w:tcPr>
<w:shd w:val="clear" w:color="auto" w:fill="1F4E79"/></w:tcPr></w:tblStylePr></w:style>
</w:styles>"""


def _docx(path: Path, cells: dict[str, str], table_pr: str = "", header_tc_pr: str = "", **parts: str) -> Path:
    """The sample as one Word table with word/styles.xml; ``cells`` maps a cell's text to the paragraph content
    written for it instead (its w:pPr and runs); a header cell gets ``header_tc_pr`` and runs of white text, the
    header row ``parts["header_row"]``; ``parts["styles"]`` replaces STYLES, ``parts["title"]`` the title's
    paragraph content."""
    lines = [parts.get("title", _run(ROWS[0][0])), *(_run(line[0]) for line in ROWS[1:START])]
    paras = "".join(f"<w:p>{line}</w:p>" for line in lines)
    trs = []
    for n, row in enumerate(ROWS[START:]):
        tcs = [parts.get("header_row", "")] if n == 0 else []
        for text in row:
            if n == 0 and header_tc_pr:
                runs = f'<w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>{text}</w:t></w:r>'
                tcs.append(f"<w:tc><w:tcPr>{header_tc_pr}</w:tcPr><w:p>{runs}</w:p></w:tc>")
                continue
            runs = cells.pop(text) if text in cells else (_run(text) if text else "")
            tcs.append(f"<w:tc><w:p>{runs}</w:p></w:tc>")
        trs.append("<w:tr>" + "".join(tcs) + "</w:tr>")
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{NS}"><w:body>'
        f"{paras}<w:tbl>{table_pr}{''.join(trs)}</w:tbl><w:p>{_run('GENERATED')}</w:p></w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", xml)
        archive.writestr("word/styles.xml", parts.get("styles", STYLES))
    return path


def _styled(style: str, text: str = "9", tag: str = "rStyle") -> str:
    return f'<w:r><w:rPr><w:{tag} w:val="{style}"/></w:rPr><w:t>{text}</w:t></w:r>'


@pytest.mark.parametrize(
    "paragraph",
    [
        _run("1") + _styled("Secret") + _run("4.07"),  # a character style with w:vanish
        _run("1") + _styled("Secret2") + _run("4.07"),  # one based on it
        '<w:pPr><w:pStyle w:val="Note"/></w:pPr>'
        + _run("20.00")
        + '<w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>14.07</w:t></w:r>',  # a hiding paragraph style, a shown run
        '<w:pPr><w:pStyle w:val="NoteChild"/></w:pPr><w:r><w:rPr><w:vanish w:val="false"/></w:rPr><w:t>1</w:t></w:r>'
        + '<w:r><w:rPr><w:rStyle w:val="Secret"/><w:vanish w:val="false"/></w:rPr><w:t>4.07</w:t></w:r>'
        + _run("9"),  # based on a hiding style; a run's own w:vanish off wins over both styles
        _run("1") + '<w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>9</w:t></w:r>' + _run("4.07"),  # white
        _run("1") + _styled("Paper") + _run("4.07"),  # white by its character style
    ],
    ids=["char-style", "based-on", "para-style", "para-based-on", "white", "white-style"],
)
def test_word_text_a_style_hides_is_not_read(tmp_path: Path, paragraph: str) -> None:
    table = process_file(_docx(filed(tmp_path, "tianhe-sfj.docx"), {"14.07": paragraph}))
    _loaded_whole(table)
    assert _amount_of(table, "业务装备购置经费") == "14.07"


def test_word_hidden_styles_toggle(tmp_path: Path) -> None:
    """w:vanish is a toggle property: set by the paragraph's style and again by the run's character style, the two
    cancel and Word shows the run (ECMA-376 17.7.3); a style looping back on itself (w:basedOn) hides nothing."""
    paragraph = '<w:pPr><w:pStyle w:val="Note"/></w:pPr>' + _styled("Secret", "14.07") + _styled("Loop", "9")
    table = process_file(_docx(filed(tmp_path, "tianhe-sfj.docx"), {"14.07": paragraph}))
    assert _amount_of(table, "业务装备购置经费") == "14.07"
    looped = process_file(_docx(filed(tmp_path / "b", "tianhe-sfj.docx"), {"14.07": _styled("Loop", "14.07")}))
    assert _amount_of(looped, "业务装备购置经费") == "14.07"


SHADED = '<w:shd w:val="clear" w:color="auto" w:fill="1F4E79"/>'
NO_FILL = "<w:tcW w:w='0'/>"


@pytest.mark.parametrize(
    ("table_pr", "header_tc_pr", "parts"),
    [
        ("", SHADED, {}),  # the cells shaded
        ('<w:tblPr><w:tblStyle w:val="Banded"/></w:tblPr>', NO_FILL, {}),  # by the table's style
        ("", NO_FILL, {"styles": STYLES.replace('w:styleId="Banded"', 'w:default="1" w:styleId="Banded"')}),
        ("", '<w:shd w:val="solid" w:color="auto" w:fill="auto"/>', {}),  # a solid pattern: black behind
        ("", NO_FILL, {"header_row": f"<w:tblPrEx>{SHADED}</w:tblPrEx>"}),  # the row's exceptions
    ],
    ids=["cell-fill", "table-style", "default-table-style", "solid", "row"],
)
def test_white_word_text_on_a_shaded_cell_is_read(
    tmp_path: Path, table_pr: str, header_tc_pr: str, parts: dict[str, str]
) -> None:
    """The header row in white on dark cells: read (dropped, the table had no header row)."""
    _loaded_whole(process_file(_docx(filed(tmp_path, "tianhe-sfj.docx"), {}, table_pr, header_tc_pr, **parts)))


def test_white_word_text_in_a_text_box_is_read(tmp_path: Path) -> None:
    """A title in white in a text box (a dark banner: the shape's fill is not read) is kept; white text on the page
    is not: the title is then the lines left."""
    white = '<w:r><w:rPr><w:color w:val="FFFFFF"/></w:rPr><w:t>2024年项目支出绩效目标表</w:t></w:r>'
    box = f"<w:r><w:txbxContent><w:p>{white}</w:p></w:txbxContent></w:r>"
    table = process_file(_docx(filed(tmp_path, "tianhe-sfj.docx"), {}, title=box))
    assert table.title == "2024年项目支出绩效目标表"
    bare = process_file(_docx(filed(tmp_path / "b", "tianhe-sfj.docx"), {}, title=white))
    assert bare.title != "2024年项目支出绩效目标表"


def test_a_word_non_breaking_hyphen_is_a_minus(tmp_path: Path) -> None:
    """A non-breaking hyphen (w:noBreakHyphen, Ctrl+Shift+-: keeps -8 on one line) printed before a target's number
    was left out: ≥-8 read ≥8, the sign lost without a word."""
    cell = next(c for row in ROWS for c in row if "年度指标值:≥8。" in c)
    head, tail = cell.split("年度指标值:≥8", 1)
    runs = _run(head + "年度指标值:≥") + "<w:r><w:noBreakHyphen/></w:r>" + _run("8" + tail)
    table = process_file(_docx(filed(tmp_path, "tianhe-sfj.docx"), {cell: runs}))
    _loaded_whole(table)
    annual = next(i.annual for p in table.projects for i in p.indicators if i.name.startswith("每月到社区"))
    assert (annual.text, annual.comparison, annual.number) == ("≥-8", ">=", -8)


# ---- PDF: Kangxi radicals -----------------------------------------------------------------------------------------

RADICALS = {"目": "\u2f6c", "人": "\u2f08", "工": "\u2f2f", "生": "\u2f63", "用": "\u2f64", "金": "\uf90a"}


def _to_unicode(data: bytes, text: str) -> bytes:
    """The PDF with a ToUnicode map on its STSong-Light font (an incremental update), giving each ideograph its code
    point, but RADICALS' Kangxi radical (or compatibility ideograph) for theirs, as many Chinese PDFs' fonts do."""
    import re

    from pdfminer.cmapdb import CMapDB

    cmap = CMapDB.get_cmap("UniGB-UCS2-H")
    pairs = {
        next(iter(cmap.decode(ch.encode("utf-16-be")))): RADICALS.get(ch, ch) for ch in set(text) if ch.isprintable()
    }
    entries = "".join(f"<{cid:04X}> <{u.encode('utf-16-be').hex().upper()}>\n" for cid, u in pairs.items())
    stream = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap /CMapName /GENERATED def /CMapType 2 def\n"
        f"1 begincodespacerange <0000> <FFFF> endcodespacerange\n{len(pairs)} beginbfchar\n{entries}endbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    font = re.search(rb"\n(\d+) 0 obj\s*(<<\s*/BaseFont /STSong-Light.*?)endobj", data, re.S)
    size = int(re.findall(rb"/Size (\d+)", data)[-1])
    root = re.findall(rb"/Root (\d+ 0 R)", data)[-1]
    prev = re.findall(rb"startxref\s+(\d+)", data)[-1]
    assert font is not None
    body = font.group(2).replace(b"/Encoding /UniGB-UCS2-H", b"/Encoding /UniGB-UCS2-H /ToUnicode %d 0 R" % size, 1)
    out = bytearray(data)
    at_font = len(out)
    out += b"%s 0 obj\n%sendobj\n" % (font.group(1), body)
    at_map = len(out)
    out += b"%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (size, len(stream) + 1, stream)
    at_xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n%s 1\n%010d 00000 n \n%d 1\n%010d 00000 n \n" % (
        font.group(1),
        at_font,
        size,
        at_map,
    )
    out += b"trailer\n<< /Size %d /Root %s /Prev %s >>\nstartxref\n%d\n%%%%EOF\n" % (size + 1, root, prev, at_xref)
    return bytes(out)


def test_kangxi_radicals_in_a_pdf_read_as_ideographs(tmp_path: Path) -> None:
    """A font whose ToUnicode map gives ⽬ (U+2F6C) for 目, ⼈ for 人, ⽣ for 生 …: the header cell 项⽬名称 was no
    header (the table refused), and a project's name would be another name than the same project's in a workbook. Read
    as a reader sees it, the PDF loads what the plain one does."""
    plain = process_file(_pdf(filed(tmp_path / "plain", "tianhe-sfj.pdf")))
    path = _pdf(filed(tmp_path, "tianhe-sfj.pdf"))
    text = "".join(c for row in ROWS for c in row) + "GENERATED"
    path.write_bytes(_to_unicode(path.read_bytes(), text))
    import pdfplumber

    with pdfplumber.open(path) as pdf:  # the file does give the radicals
        assert "\u2f6c" in "".join(c["text"] for c in pdf.pages[0].chars)
    table = process_file(path)
    _loaded_whole(table)
    assert _facts(table) == _facts(plain)


# ---- PDF: raised footnote markers ----------------------------------------------------------------------------------


def _raised(base: str, mark: str):  # type: ignore[no-untyped-def]
    """14.07 printed as ``base`` with ``mark`` after it, smaller and raised (a footnote marker, as a PDF draws it)."""

    def draw(pdf: Any, text: str, x: float, y: float) -> bool:
        if text != "14.07":
            return False
        pdf.drawString(x, y, base)
        pdf.setFont(FONT, 3)
        pdf.drawString(x + pdf.stringWidth(base, FONT, 5) + 0.2, y + 2.2, mark)
        pdf.setFont(FONT, 5)
        return True

    return draw


@pytest.mark.parametrize("mark", ["1", "*", "注1"])
def test_a_raised_footnote_marker_after_a_pdf_amount_is_left_out(tmp_path: Path, mark: str) -> None:
    """14.07¹ was read 14.071 (the 合计 then failed, the project loaded 14.071); left out and noted, as HTML's <sup>."""
    table = process_file(_pdf(filed(tmp_path, "tianhe-sfj.pdf"), _raised("14.07", mark)))
    _loaded_whole(table)
    assert _amount_of(table, "业务装备购置经费") == "14.07"
    assert any(n.startswith("footnote markers left out of amounts: page 1 14.07^(") for n in table.notes)


def test_raised_digits_that_may_be_the_number_reject_the_row(tmp_path: Path) -> None:
    """14 with 07 raised after it (no decimal point: 14.07? 1407?) was read 1407 and loaded, a hundred times too
    much; written 14^(07), which no amount is, its row is rejected naming the cell."""
    table = process_file(_pdf(filed(tmp_path, "tianhe-sfj.pdf"), _raised("14", "07")))
    assert [r.reason for r in table.rejects] == ["total: amount '14^(07)' is not a number"]
    assert "业务装备购置经费" not in [p.printed_name for p in table.projects]


PLACEHOLDER = (
    '<w:sdt><w:sdtPr><w:alias w:val="绩效目标"/><w:showingPlcHdr/></w:sdtPr><w:sdtContent><w:r><w:rPr>'
    '<w:rStyle w:val="PlaceholderText"/></w:rPr><w:t>单击或点击此处输入文字。</w:t></w:r></w:sdtContent></w:sdt>'
)


def test_a_word_content_control_showing_its_placeholder_is_empty(tmp_path: Path) -> None:
    """A form's field left empty shows its placeholder (单击或点击此处输入文字。, w:showingPlcHdr): it was read as the
    project's goal; it is no text. A filled content control is read."""
    row = next(r for r in ROWS if r[0] == "业务装备购置经费")
    filled = "<w:sdt><w:sdtPr/><w:sdtContent>" + _run("14.07") + "</w:sdtContent></w:sdt>"
    table = process_file(_docx(filed(tmp_path, "tianhe-sfj.docx"), {row[5]: PLACEHOLDER, "14.07": filled}))
    project = next(p for p in table.projects if p.printed_name == "业务装备购置经费")
    assert (project.goal_text, project.raw_amounts["total"]) == ("", "14.07")
    assert len(project.indicators) == 5


def test_a_smaller_number_beside_an_amount_is_no_footnote_marker() -> None:
    """Only a mark set right after a number, raised as a superscript is, is one: a smaller 20 in the next cell (4 pt
    further, top-aligned) or a line above stays as drawn."""
    from etl.extract.pdf_bounds import mark_raised

    def ch(text: str, x0: float, y0: float, size: float) -> Any:
        return SimpleNamespace(_text=text, x0=x0, x1=x0 + 0.5 * size, y0=y0, y1=y0 + 0.9 * size, size=size)

    amount = [ch(t, 100 + 4.5 * i, 50, 9) for i, t in enumerate("82.60")]
    beside = [ch("2", amount[-1].x1 + 4, 53, 6), ch("0", amount[-1].x1 + 7, 53, 6)]
    above = [ch("1", amount[-1].x1 + 0.5, 62, 6)]
    for after in (beside, above):
        chars = amount + after
        assert mark_raised(chars) == (set(), [])
        assert "".join(c._text for c in chars) == "82.60" + "".join(c._text for c in after)
    sup = [ch("1", amount[-1].x1 + 0.3, 53, 6)]
    assert mark_raised(amount + sup) == ({id(sup[0])}, ["82.60^(1) read as 82.60"])


def _raised_run(text: str, where: str = "superscript") -> str:
    return f'<w:r><w:rPr><w:vertAlign w:val="{where}"/></w:rPr><w:t>{text}</w:t></w:r>'


def test_a_raised_footnote_marker_after_a_word_amount_is_left_out(tmp_path: Path) -> None:
    """14.07 with a superscript 1 typed after it (w:vertAlign, not a footnote reference) was read 14.071; left out and
    noted, as HTML's <sup>."""
    table = process_file(_docx(filed(tmp_path, "tianhe-sfj.docx"), {"14.07": _run("14.07") + _raised_run("1")}))
    _loaded_whole(table)
    assert _amount_of(table, "业务装备购置经费") == "14.07"
    assert "footnote markers left out of amounts: 14.07^(1) read as 14.07" in table.notes


@pytest.mark.parametrize(
    ("runs", "printed"),
    [
        (_run("14") + _raised_run("07"), "14^(07)"),  # 14.07? 1407?
        (_run("14.0") + _raised_run("7", "subscript"), "14.0_(7)"),
        (_run("14.07") + _raised_run("1") + _run("0"), "14.07^(1)0"),  # something after the marker
    ],
)
def test_raised_digits_in_a_word_amount_reject_the_row(tmp_path: Path, runs: str, printed: str) -> None:
    """Raised or lowered digits that may be part of the number: 14 with 07 raised was read 1407 and loaded, a hundred
    times too much; written as HTML's are, the row is rejected naming the cell."""
    table = process_file(_docx(filed(tmp_path, "tianhe-sfj.docx"), {"14.07": runs}))
    assert [r.reason for r in table.rejects] == [f"total: amount '{printed}' is not a number"]
