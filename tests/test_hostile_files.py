"""Small files that stand for a great deal (a zip bomb, a claimed dimension, spans, a run of spaces) are read in
bounded time and memory, or refused with a reason: found by a hostile-input hunt (timings before the fix in each)."""

from __future__ import annotations

import re
import time
import zipfile
from pathlib import Path

import pytest

from etl.extract import docx as docx_reader
from etl.extract import grid_rows
from etl.model import Refusal
from etl.transform.header import parse_header
from etl.transform.pipeline import process_file, run_file
from tests.layout_facts import LAYOUTS, parsed_facts
from tests.paths import PROJECT_ROOT

XLSX = LAYOUTS / "tianhe-sfj.xlsx"
DOCX = PROJECT_ROOT / "tests" / "fixtures" / "layouts_real" / "2024" / "tianhe-sfj.docx"
NOTES_SHEET, DATA_SHEET = "xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml"


def _rezip(source: Path, target: Path, member: str, edit) -> Path:  # type: ignore[no-untyped-def]
    """A copy of the archive with one member's bytes edited."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            out.writestr(info.filename, edit(data) if info.filename == member else data)
    return target


def _refusal(path: Path) -> str:
    result = run_file(path)
    assert isinstance(result, Refusal), "expected a refusal"
    return result.reason


def _dimension(ref: bytes):  # type: ignore[no-untyped-def]
    return lambda xml: re.sub(rb'<dimension ref="[^"]*"/>', b'<dimension ref="' + ref + b'"/>', xml)


def test_a_workbook_is_read_by_its_cells_not_by_the_dimension_it_claims(tmp_path: Path) -> None:
    """Read-only openpyxl stops at the last row of <dimension> and pads every row to its last column: a short one
    silently cut the table to 6 of its 22 projects; one claiming the whole sheet over a cell at XFD1048576 (13 KB)
    took 75 s and 5.6 GB before failing."""
    original = parsed_facts(process_file(XLSX))
    short = _rezip(XLSX, tmp_path / "2024" / "short.xlsx", DATA_SHEET, _dimension(b"A1:G12"))
    far_cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    whole = _rezip(
        XLSX,
        tmp_path / "2024" / "whole.xlsx",
        NOTES_SHEET,
        lambda xml: _dimension(b"A1:XFD1048576")(xml).replace(b"</sheetData>", far_cell),
    )
    for path in (short, whole):
        assert parsed_facts(process_file(path)) == original, path.name


def test_the_empty_rows_a_far_cell_leaves_are_passed_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cell at XFD1048576 makes openpyxl yield a million empty rows: each had its (no) cells read, one generator
    a row, which doubled the time of the merge of hunt-c's cell formats with hunt-d's row budget (1.2 -> 2.5 s)."""
    from etl.extract import workbook

    read = []
    cells = workbook._xlsx_cells
    monkeypatch.setattr(workbook, "_xlsx_cells", lambda row: read.append(row) or cells(row))
    far_cell = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
    path = _rezip(XLSX, tmp_path / "2024" / "far.xlsx", NOTES_SHEET, lambda xml: xml.replace(b"</sheetData>", far_cell))
    assert parsed_facts(process_file(path)) == parsed_facts(process_file(XLSX))
    assert len(read) < 1_000


def test_a_workbook_of_too_many_cells_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grid_rows, "MAX_CELLS", 5_000)
    rows = b"".join(b'<row r="%d"><c r="CV%d" t="inlineStr"><is><t>x</t></is></c></row>' % (i, i) for i in range(1, 60))
    path = _rezip(
        XLSX,
        tmp_path / "2024" / "wide.xlsx",
        NOTES_SHEET,
        lambda xml: xml.replace(b"</sheetData>", rows + b"</sheetData>"),
    )
    assert _refusal(path) == "too large to read: more than 5,000 cells"


def test_a_workbook_bomb_is_refused_before_openpyxl_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """6 M shared strings (100 MB of XML in a 260 KB workbook) took 44 s and 720 MB in openpyxl."""
    from etl.extract import workbook

    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">' + b"<si><t>x</t></si>" * 20_000
    path = _rezip(XLSX, tmp_path / "2024" / "sst.xlsx", NOTES_SHEET, lambda xml: xml)
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("xl/sharedStrings.xml", strings + b"</sst>")
    monkeypatch.setattr(workbook, "MAX_XML_TAGS", 50_000)
    assert _refusal(path) == "workbook too large: more than 50,000 XML tags"
    monkeypatch.setattr(workbook, "MAX_INFLATED", 100_000)
    assert _refusal(path).startswith("workbook too large: it inflates to ")


def test_the_uncomputed_formula_scan_is_linear(tmp_path: Path) -> None:
    """A scan from each '<c' to the end of the sheet: 1 MB of '<c r="A1" ' (a 15 KB workbook) never finished."""
    path = _rezip(
        XLSX, tmp_path / "2024" / "cells.xlsx", NOTES_SHEET, lambda _: b"<worksheet>" + b'<c r="A1" ' * 100_000
    )
    started = time.monotonic()
    assert _refusal(path).startswith("cannot read the xlsx workbook")
    assert time.monotonic() - started < 10


def test_word_spans_and_tags_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """gridSpan=1000 on 20,000 cells stood for 20 M cells; 150 MB of one-letter paragraphs (a 440 KB .docx) took
    47 s and 4.3 GB."""
    span = b'<w:tc><w:tcPr><w:gridSpan w:val="1000"/></w:tcPr><w:p/></w:tc>'
    spans = _rezip(
        DOCX,
        tmp_path / "2024" / "spans.docx",
        "word/document.xml",
        lambda xml: xml.replace(
            b"</w:body>", b"<w:tbl>" + (b"<w:tr>" + span * 100 + b"</w:tr>") * 200 + b"</w:tbl></w:body>"
        ),
    )
    assert _refusal(spans) == "too large to read: more than 10,000,000 cells"
    monkeypatch.setattr(docx_reader, "MAX_XML_TAGS", 50_000)
    paragraph = b"<w:p><w:r><w:t>x</w:t></w:r></w:p>"
    paragraphs = _rezip(
        DOCX,
        tmp_path / "2024" / "paragraphs.docx",
        "word/document.xml",
        lambda xml: xml.replace(b"<w:body>", b"<w:body>" + paragraph * 10_000),
    )
    assert _refusal(paragraphs).startswith("word/document.xml too large (")


def test_html_spans_are_linear_and_bounded(tmp_path: Path) -> None:
    """Each column left of a row's end was checked against every covered column: 40 cells colspan=rowspan=1000 over
    1,000 empty rows (10 KB) never finished; 1 MB of colspan=1000 took 15 s and 840 MB."""
    path = tmp_path / "2024" / "spans.html"
    path.parent.mkdir()
    path.write_text(
        "<table><tr>" + '<td colspan="1000" rowspan="1000">a</td>' * 40 + "</tr>" + "<tr></tr>" * 999 + "</table>"
    )
    started = time.monotonic()
    assert _refusal(path) == "too large to read: more than 10,000,000 cells"
    assert time.monotonic() - started < 30


def test_a_text_file_of_too_many_rows_is_refused(
    sample_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """4 M one-letter lines before the table (an 8 MB file) took 25 s and 1.8 GB."""
    monkeypatch.setattr(grid_rows, "MAX_ROWS", 1_000)
    path = tmp_path / "2024" / "lines.txt"
    path.parent.mkdir()
    path.write_text("x\n" * 2_000 + sample_path.read_text(encoding="utf-8"), encoding="utf-8")
    assert _refusal(path) == "too large to read: more than 1,000 rows"


@pytest.mark.parametrize(
    "line",
    ["部门名称：甲" + " " * 200_000 + "乙", "部门名称" + " " * 200_000 + "乙", "项目支出" + "2024年" * 50_000],
    ids=["spaces-in-the-name", "spaces-before-the-colon", "years-in-the-title"],
)
def test_header_lines_are_read_in_linear_time(line: str) -> None:
    """A lazy name before \\s*$, \\s* on both sides of an optional (盖章), and a lazy .*? from each year to 绩效目标:
    the first two ran for minutes on a 220 KB file, the third took 6.8 s on 96 KB."""
    started = time.monotonic()
    parse_header([(1, line)])
    assert time.monotonic() - started < 2


def test_a_department_name_is_bounded(sample_path: Path, tmp_path: Path) -> None:
    """A 10 MB 部门名称 (a 13 KB workbook) was stored in every fact row: the load failed with DuckDB out of memory,
    and every file of the run with it."""
    path = tmp_path / "2024" / "long.txt"
    path.parent.mkdir()
    path.write_text(
        sample_path.read_text(encoding="utf-8").replace("部门名称：广州市天河区司法局", "部门名称：" + "局" * 32768)
    )
    assert _refusal(path).startswith("department name of 32,768 characters (the limit is 32767): 局局")


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_external_and_expanding_entities_are_never_read(suffix: str, tmp_path: Path) -> None:
    """XXE (/etc/passwd) and a billion laughs in the document: refused or dropped, never read into a cell."""
    source, member = (DOCX, "word/document.xml") if suffix == ".docx" else (XLSX, DATA_SHEET)
    laughs = b'<!ENTITY l0 "lol">' + b"".join(
        b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10)
    )
    for name, dtd, ref in (
        ("xxe", b'<!ENTITY xxe SYSTEM "file:///etc/passwd">', b"&xxe;"),
        ("laughs", laughs, b"&l9;"),
    ):

        def edit(xml: bytes, dtd: bytes = dtd, ref: bytes = ref) -> bytes:
            xml = re.sub(rb"^<\?xml[^>]*\?>", b"", xml)
            root = re.match(rb"<(\w+:?\w*)", xml).group(1)  # type: ignore[union-attr]
            return b"<!DOCTYPE " + root + b" [" + dtd + b"]>" + re.sub(rb"(</(?:w:)?t>)", ref + rb"\1", xml, count=3)

        result = run_file(_rezip(source, tmp_path / "2024" / f"{name}{suffix}", member, edit))
        text = result.reason if isinstance(result, Refusal) else repr(parsed_facts(result))
        assert "root:" not in text and "lollol" not in text


def test_an_encrypted_pdf_says_so(tmp_path: Path) -> None:
    """It was refused as 'cannot read the PDF: PdfminerException: ' (pdfplumber wraps PDFPasswordIncorrect)."""
    from reportlab.pdfgen import canvas

    path = tmp_path / "2024" / "locked.pdf"
    path.parent.mkdir()
    pdf = canvas.Canvas(str(path), encrypt="secret")
    pdf.drawString(100, 750, "项目名称")
    pdf.save()
    assert _refusal(path) == "cannot read the PDF: it is password-protected (encrypted); load an unprotected copy"


def _grid_pdf(path: Path, pages: int, rows: int = 20, columns: int = 10) -> Path:
    """Pages that each draw one form object: a ruled grid with a letter in each cell (a small file)."""
    from reportlab.pdfgen import canvas

    path.parent.mkdir(parents=True, exist_ok=True)
    pdf = canvas.Canvas(str(path))
    pdf.beginForm("grid")
    for r in range(rows + 1):
        pdf.line(40, 800 - r * 20, 40 + columns * 40, 800 - r * 20)
    for c in range(columns + 1):
        pdf.line(40 + c * 40, 800, 40 + c * 40, 800 - rows * 20)
    for r in range(rows):
        for c in range(columns):
            pdf.drawString(45 + c * 40, 785 - r * 20, "x")
    pdf.endForm()
    for _ in range(pages):
        pdf.doForm("grid")
        pdf.showPage()
    pdf.save()
    return path


def test_a_pdf_is_read_in_bounded_work_and_never_in_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One form object drawn on every page: 20 pages of a 100 x 50 grid (24 KB) took 27 s, 2,000 would take ~45 min.
    A PDF of more than MAX_PAGES pages was read up to MAX_PAGES without a word: its table cut short."""
    from etl.extract import pdf

    monkeypatch.setattr(pdf, "MIN_WORK", 1_000)
    monkeypatch.setattr(pdf, "WORK_PER_BYTE", 0)
    dense = _grid_pdf(tmp_path / "2024" / "dense.pdf", pages=5)
    assert _refusal(dense).startswith("PDF too dense to read: more than 1,000 characters and ruling-line crossings")
    monkeypatch.setattr(pdf, "MAX_PAGES", 2)
    assert (
        _refusal(_grid_pdf(tmp_path / "2024" / "long.pdf", pages=3, rows=1, columns=1))
        == "PDF of more than 2 pages (the limit is 2)"
    )


def test_html_text_before_the_table_is_read_in_linear_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """libxml2's preceding:: axis is quadratic: 500,000 <p> before the tables (a 4.5 MB page) ran for minutes
    (40,000 took 2.5-4 s). A page of too many tags is refused before lxml builds its tree."""
    from etl.extract import html_table

    path = tmp_path / "2024" / "long.html"
    path.parent.mkdir()
    path.write_text("<html><body>" + "<p>x</p>" * 60_000 + "<table><tr><td>a</td></tr></table></body></html>")
    started = time.monotonic()
    assert "no table with a header row" in _refusal(path)
    assert time.monotonic() - started < 3
    monkeypatch.setattr(html_table, "MAX_TAGS", 1_000)
    assert _refusal(path) == "HTML too large (120,010 tags; the limit is 1,000)"


def test_a_look_alike_title_is_searched_in_linear_time(tmp_path: Path) -> None:
    """The look-alikes' title pattern (up to 40 characters before 绩效目标表/自评表) was tried from every character of
    a row without a header: one quoted cell of 3.5 MB (a .csv) took 9-19 s to refuse, against 1-2 s on hunt-d."""
    path = tmp_path / "2024" / "quoted.csv"
    path.parent.mkdir()
    path.write_text('"' + "x" * 2_000_000 + '"\n', encoding="utf-8")
    started = time.monotonic()
    assert "no header row" in _refusal(path)
    assert time.monotonic() - started < 2


def test_a_workbook_is_searched_for_its_header_row_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """has_header, header_width and join_tables each searched the rows for the header row again, join_tables also
    for a single sheet: a 10 MB title cell (hunt-d's cell10mb.xlsx, 13 KB) took 6 s to refuse, 3.6 s on hunt-d."""
    from etl.extract import workbook

    sheets = list(workbook._xlsx_sheets(XLSX, XLSX.read_bytes(), []))
    long_title = "x" * 100_000
    table = next(sheet.rows for sheet in sheets if grid_rows.has_header(sheet.rows))
    table.insert(0, (0, [long_title]))
    searched = []
    is_header_row = grid_rows.is_header_row
    monkeypatch.setattr(grid_rows, "is_header_row", lambda cells: searched.append(cells) or is_header_row(cells))
    rows, _ = workbook._pick_sheet(XLSX, iter(sheets))
    assert rows[0] == (0, [long_title])
    assert sum(1 for cells in searched if long_title in cells) == 1


def test_the_look_alikes_read_the_text_of_a_table_without_a_header_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each of the three look-alike families searched every line above the first row of cells for a title: 500,000
    <p> before a table without a header row (hunt-d's text-before.html, 4.5 MB) took 5.8 s to refuse, 4.4 s on
    hunt-d."""
    from etl.transform.layouts import not_target

    searched = []
    search_title = not_target._search_title
    monkeypatch.setattr(not_target, "_search_title", lambda text: searched.append(text) or search_title(text))
    path = tmp_path / "2024" / "long.html"
    path.parent.mkdir()
    path.write_text("<html><body>" + "<p>x</p>" * 1_000 + "<table><tr><td>a</td><td>b</td></tr></table></body></html>")
    assert "no table with a header row" in _refusal(path)
    assert len(searched) <= 1_001


def test_the_lines_before_each_joined_table_are_compared_in_linear_time(tmp_path: Path) -> None:
    """Each line before a later table (a table per unit) had the years of every line before the first searched
    again: 20,000 lines 单位：万元 before and between two tables (680 KB of HTML) took 9.5 s, 100,000 (3.4 MB) more
    than 60 s; hunt-d, which read the first table only, 1.6 and 2.6 s."""
    header = "".join(
        f"<th>{h}</th>" for h in ("项目名称", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标")
    )
    indicator = "1、1-产出指标：11-数量指标：培训人次；实施周期指标值:≥100人次；年度指标值:≥1人次。"

    def table(unit: str, project: str) -> str:
        rows = [[unit, "12.30", "12.30", "", "", "", ""], [project, "12.30", "12.30", "", "", "完成培训", indicator]]
        body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows)
        return f"<table><tr>{header}</tr>{body}</table>"

    lines = "<p>单位：万元</p>" * 20_000
    path = tmp_path / "2024" / "units.html"
    path.parent.mkdir()
    path.write_text(
        f"<html><body><p>2024年项目支出绩效目标表</p><p>部门名称：某区教育局</p>{lines}{table('甲单位', '甲项目')}"
        f"{lines}{table('乙单位', '乙项目')}</body></html>",
        encoding="utf-8",
    )
    started = time.monotonic()
    result = run_file(path)
    assert not isinstance(result, Refusal), result.reason
    assert [p.project_name for p in result.projects] == ["甲项目", "乙项目"]
    assert time.monotonic() - started < 3


def test_an_xls_of_too_many_stored_cells_is_refused_before_xlrd_builds_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Formatted blanks cost an .xls two bytes a cell (MULBLANK): xlrd built them all before the cell budget could
    look (22 MB of 10.24 million cells: 10.3 s and 398 MB to refuse; counted first, 0.9 s). GENERATED with xlwt."""
    import xlrd
    import xlwt

    book, style = xlwt.Workbook(), xlwt.easyxf("pattern: pattern solid, fore_colour yellow")
    sheet = book.add_sheet("s")
    for r in range(40):
        for c in range(256):
            sheet.row(r).set_cell_blank(c, style)
    path = tmp_path / "2024" / "GENERATED-blanks.xls"
    path.parent.mkdir()
    book.save(str(path))
    monkeypatch.setattr(grid_rows, "MAX_CELLS", 10_000)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("xlrd read the workbook")

    monkeypatch.setattr(xlrd, "open_workbook", never)
    assert _refusal(path) == "too large to read: more than 10,000 cells (10,240 stored)"


def test_a_word_document_with_damaged_compressed_data_is_bad_input_not_a_parser_bug(tmp_path: Path) -> None:
    """Bytes flipped inside word/document.xml's deflate data: zlib's error was an internal_error, which incremental
    runs never skip (the file was parsed again every night); it is the file's fault, so bad_input."""
    data = bytearray(DOCX.read_bytes())
    with zipfile.ZipFile(DOCX) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)  # the member's compressed bytes
    kinds = set()
    for at in range(start + 50, start + info.compress_size - 50, max(1, info.compress_size // 40)):
        broken = data.copy()
        broken[at : at + 4] = bytes(b ^ 0xA5 for b in broken[at : at + 4])
        (damaged := tmp_path / "2024" / f"d{at}.docx").parent.mkdir(parents=True, exist_ok=True)
        damaged.write_bytes(bytes(broken))
        result = run_file(damaged)
        kinds.add(result.kind if isinstance(result, Refusal) else "read")
    assert "internal_error" not in kinds and "bad_input" in kinds


def test_xlrd_says_nothing_on_standard_output(tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    """A cut-off .xls made xlrd print its sector-size warning on stdout, which broke `jixiao load --json`."""
    (cut := tmp_path / "2024" / "t.xls").parent.mkdir(parents=True)
    cut.write_bytes((LAYOUTS / "tianhe-sfj.xls").read_bytes()[:25940])
    assert isinstance(run_file(cut), Refusal)
    assert capfd.readouterr().out == ""
