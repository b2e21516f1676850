"""Hostile HTML and Word, round 28: GENERATED pages and documents made from the fixtures tianhe-sfj.html and
tianhe-sfj.docx (themselves the real sample drawn as a page and a document; each test writes its own variant into
tmp_path, none is a real file).

Found (bad-input hunt): one stray unclosed element between two rows (…</tr><span><tr>…, or <font>, <b>, <div>, <a>,
<form>) made every later row disappear: the HTML parser nests the rows after it inside it, and the reader took only
the rows directly under the table or its row groups. A page without 合计 rows loaded 1 project of 22 with exit 0 and
no reject. A browser moves the stray element out of the table and shows every row; the reader now does the same.
Elements nested deeper than libxml2's limit (256: a <font> before each of 256 rows reaches it) silently ended the
page there; the limit is now 2,048, and a page that passes it is refused saying so.

Found (bad-input hunt): a Word table framed by a one-column layout table (the target table inside one ruled cell, a
common way to lay out a page) was refused as run_together: the frame's one cell read as one cell of text. The frame
is now read through (etl/extract/docx.py _blocks). An amount written as an internal entity (&a;) was read as an empty
cell, the project loaded without its total: a Word document that declares entities is now refused.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from etl.model import Refusal, SourceTable
from etl.transform.pipeline import run_file
from tests.inline_tables import filed
from tests.layout_facts import parsed_facts

FIXTURE = Path(__file__).parent / "fixtures" / "layouts" / "2024" / "tianhe-sfj.html"
PROJECTS, TARGETS = 22, 110


def _page() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def _without_total_rows(page: str) -> str:
    """The page without its 合计 and department rows: nothing left to reconcile a lost row against."""
    return re.sub(r"<tr><td>(合计|广州市天河区司法局)</td>.*?</tr>\n", "", page, count=2)


def _read(tmp_path: Path, page: str) -> SourceTable | Refusal:
    path = filed(tmp_path, "t.html")
    path.write_text(page, encoding="utf-8")
    return run_file(path)


def _expected(tmp_path: Path, page: str) -> dict[str, object]:
    table = _read(tmp_path / "expected", page)
    assert isinstance(table, SourceTable)
    return parsed_facts(table)


def _after_first_project(page: str, stray: str) -> str:
    i = page.index("<tr><td>机关业务用房")
    j = page.index("</tr>", i) + len("</tr>")
    return page[:j] + stray + page[j:]


@pytest.mark.parametrize("stray", ["<span>", "<font>", "<b>", "<div>", '<a href="#x">', '<form action="x">'])
def test_a_stray_element_between_two_rows_loses_no_row(tmp_path: Path, stray: str) -> None:
    page = _without_total_rows(_page())
    table = _read(tmp_path, _after_first_project(page, stray))
    assert isinstance(table, SourceTable), table
    assert (len(table.projects), table.n_targets, len(table.rejects)) == (PROJECTS, TARGETS, 0)
    assert parsed_facts(table) == _expected(tmp_path, page)


def test_a_stray_element_before_every_row_loses_no_row(tmp_path: Path) -> None:
    """<font><tr>… each row: every row nests one deeper than the one before (a browser shows them all)."""
    page = _page()
    table = _read(tmp_path, page.replace("<tr><td>", "<font><tr><td>"))
    assert isinstance(table, SourceTable), table
    assert parsed_facts(table) == _expected(tmp_path, page)
    assert table.reconciled


def test_a_form_around_the_body_rows_loses_no_row(tmp_path: Path) -> None:
    page = _page()
    wrapped = page.replace("<tbody>", '<tbody><form action="x">', 1).replace("</tbody>", "</form></tbody>", 1)
    assert wrapped != page
    table = _read(tmp_path, wrapped)
    assert isinstance(table, SourceTable), table
    assert parsed_facts(table) == _expected(tmp_path, page)


def test_a_hidden_stray_element_hides_no_row(tmp_path: Path) -> None:
    """A browser moves the stray <span style="display:none"> out of the table: the rows after it are shown."""
    page = _without_total_rows(_page())
    table = _read(tmp_path, _after_first_project(page, '<span style="display:none">'))
    assert isinstance(table, SourceTable), table
    assert parsed_facts(table) == _expected(tmp_path, page)


def test_elements_nested_past_the_old_limit_are_read(tmp_path: Path) -> None:
    """300 unclosed <font> before the first row: deeper than libxml2's default 256, which silently ended the page."""
    page = _without_total_rows(_page())
    table = _read(tmp_path, _after_first_project(page, "<font>" * 300))
    assert isinstance(table, SourceTable), table
    assert parsed_facts(table) == _expected(tmp_path, page)


def test_elements_nested_past_the_parser_limit_are_refused_saying_so(tmp_path: Path) -> None:
    page = _page()
    i = page.index("<tr><td>机关业务用房")
    j = page.index("</tr>", i)
    refused = _read(tmp_path, page[:j] + "<div>" * 3000 + "x" + "</div>" * 3000 + page[j:])
    assert isinstance(refused, Refusal)
    assert "nest more than 2,048 deep" in refused.reason
    assert "line " in refused.reason


def test_a_nested_table_keeps_its_rows_to_itself(tmp_path: Path) -> None:
    """A table inside a cell (and a stray element around rows inside it) adds no row to the outer table."""
    page = _page()
    inner = "<table><tr><td>注</td><td>1</td></tr><span><tr><td>说明</td><td>2</td></tr></table>"
    i = page.index("<tr><td>机关业务用房")
    j = page.index("</td>", i)
    table = _read(tmp_path, page[:j] + inner + page[j:])
    assert isinstance(table, SourceTable), table
    assert len(table.projects) == PROJECTS


# ---- Word: the target table framed by a layout table --------------------------------------------------------------

DOCX = Path(__file__).parent / "fixtures" / "layouts_real" / "2024" / "tianhe-sfj.docx"


def _edited_docx(path: Path, edit: Callable[[str], str]) -> Path:
    """The fixture with its document.xml edited."""
    with zipfile.ZipFile(DOCX) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = edit(data.decode("utf-8")).encode("utf-8")
            out.writestr(item, data)
    return path


def _framed_docx(path: Path, frame: str) -> Path:
    """The fixture with its table put in a one-column layout table (``frame``: the outer table's XML, TABLE where the
    target table goes)."""

    def edit(xml: str) -> str:
        start, end = xml.index("<w:tbl>"), xml.rindex("</w:tbl>") + len("</w:tbl>")
        return xml[:start] + frame.replace("TABLE", xml[start:end]) + xml[end:]

    return _edited_docx(path, edit)


@pytest.mark.parametrize(
    "frame",
    [
        "<w:tbl><w:tr><w:tc>TABLE<w:p/></w:tc></w:tr></w:tbl>",
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>附表</w:t></w:r></w:p></w:tc></w:tr><w:tr><w:tc>TABLE<w:p/></w:tc></w:tr></w:tbl>",
        "<w:tbl><w:tr><w:tc><w:tbl><w:tr><w:tc>TABLE<w:p/></w:tc></w:tr></w:tbl><w:p/></w:tc></w:tr></w:tbl>",
    ],
    ids=["one-cell", "two-rows", "framed-twice"],
)
def test_a_word_table_framed_by_a_layout_table_is_read(tmp_path: Path, frame: str) -> None:
    expected = run_file(DOCX)
    assert isinstance(expected, SourceTable)
    table = run_file(_framed_docx(filed(tmp_path, "t.docx"), frame))
    assert isinstance(table, SourceTable), table
    assert parsed_facts(table) == parsed_facts(expected)


def test_a_word_amount_written_as_an_entity_is_refused_not_read_as_nothing(tmp_path: Path) -> None:
    """An internal entity (<!ENTITY a "82.60">, &a; as an amount's text) was read as an empty cell: the project
    loaded with no total, which only reconciliation reported. Word never writes entities: the file is refused."""

    def edit(xml: str) -> str:
        xml = xml.replace("<w:document ", '<!DOCTYPE w:document [<!ENTITY a "82.60">]><w:document ', 1)
        return xml.replace(">82.60</w:t>", ">&a;</w:t>", 1)

    refused = run_file(_edited_docx(filed(tmp_path, "t.docx"), edit))
    assert isinstance(refused, Refusal)
    assert refused.reason.startswith("word/document.xml declares XML entities, which Word never writes")


# ---- PDF: a page without a size ------------------------------------------------------------------------------------

PDF = Path(__file__).parent / "fixtures" / "layouts_real" / "2024" / "tianhe-sfj.pdf"
MEDIABOX = b"/MediaBox [ 0 0 841.8898 595.2756 ]"


@pytest.mark.parametrize(
    ("box", "said"),
    [
        (b"/MediaBox [ 0 0 0 0 ]", "page 1 has no area (MediaBox [0, 0, 0, 0])"),
        (b"/MediaBox /Foo", "a page's size (its MediaBox) is missing or is no rectangle"),
        (b"/Mediabax [ 0 0 841.8898 595.2756 ]", "a page's size (its MediaBox) is missing or is no rectangle"),
        (b"/MediaBox [ 0 0 841.8898 ]", "a page's size (its MediaBox) is missing or is no rectangle"),
    ],
    ids=["no-area", "a-name", "missing", "three-numbers"],
)
def test_a_pdf_page_without_a_size_is_refused_saying_so(tmp_path: Path, box: bytes, said: str) -> None:
    """The reason was pdfplumber's error alone ("TypeError: 'NoneType' object is not iterable", "IndexError: list
    index out of range"), and its close() raised the error again over the refusal that said it."""
    data = PDF.read_bytes()
    assert data.count(MEDIABOX) == 2
    path = filed(tmp_path, "t.pdf")
    path.write_bytes(data.replace(MEDIABOX, box.ljust(len(MEDIABOX))))
    refused = run_file(path)
    assert isinstance(refused, Refusal)
    assert refused.reason.startswith(f"cannot read the PDF: {said}")
