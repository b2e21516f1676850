"""PDFs whose few bytes make pdfminer lay out a great deal are refused part-way through a page, in bounded time and
memory (etl/extract/pdf_bounds.py): found by a hostile-input hunt. Every PDF here is GENERATED, written by hand."""

from __future__ import annotations

import time
import zlib
from pathlib import Path

import pytest

from etl.extract import pdf_bounds
from etl.model import Refusal
from etl.transform.pipeline import run_file

FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
TEXT = b"BT /F1 10 Tf 10 10 Td (x) Tj ET\n"


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of the given objects (1 0 obj is the catalog), with a correct cross-reference table."""
    body, offsets = b"%PDF-1.4\n", []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, obj)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return body + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def _stream(data: bytes, attrs: bytes = b"") -> bytes:
    packed = zlib.compress(data, 9)
    return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n%s\nendstream" % (len(packed), attrs, packed)


def _one_page(path: Path, content: bytes, form: bytes | None = None) -> Path:
    """One page drawing ``content``; ``form`` (a form XObject's content) is /X1 to it."""
    xobjects = b"/XObject << /X1 6 0 R >>" if form is not None else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 5 0 R /Resources << /Font << /F1 4 0 R >> "
        + xobjects
        + b" >> >>",
        FONT,
        _stream(content),
    ]
    if form is not None:
        objects.append(_stream(form, b"/Type /XObject /Subtype /Form /BBox [0 0 600 800] "))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_pdf(objects))
    return path


def _refused_quickly(path: Path) -> str:
    started = time.monotonic()
    result = run_file(path)
    assert isinstance(result, Refusal), "expected a refusal"
    assert time.monotonic() - started < 3
    return result.reason


def test_a_page_of_content_that_inflates_a_thousandfold_is_refused_part_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """20 M characters in one Tj (a 20 KB file) took 38 s and 2.5 GB, then pdfminer's MemoryError; 50 M no-op
    operators (195 KB) ran past 60 s: the work check came after the page was laid out."""
    monkeypatch.setattr(pdf_bounds, "MIN_CONTENT", 200_000)
    chars = _one_page(tmp_path / "2024" / "chars.pdf", b"BT /F1 1 Tf 0 0 Td (" + b"x" * 1_000_000 + b") Tj ET\n")
    noops = _one_page(tmp_path / "2024" / "noops.pdf", TEXT + b"q Q\n" * 300_000)
    for path in (chars, noops):
        reason = _refused_quickly(path)
        assert reason.startswith("PDF too large to lay out: more than 200,000 bytes of page content"), reason


def test_a_form_drawn_over_and_over_is_counted_each_time(tmp_path: Path) -> None:
    """A form of 1,000 lines drawn 2,000 times (3 KB) ran past 60 s and 1.7 GB; here 100 times stand for 100,000."""
    form = b"".join(b"%d 0 m %d 100 l S\n" % (i % 500, i % 500) for i in range(1_000))
    path = _one_page(tmp_path / "2024" / "forms.pdf", TEXT + b"/X1 Do\n" * 100, form)
    chars = _one_page(tmp_path / "2024" / "chars.pdf", b"BT /F1 1 Tf 0 0 Td (" + b"x" * 40_000 + b") Tj ET\n")
    for drawn in (path, chars):  # within the content limit (4 MiB), past the objects'
        assert _refused_quickly(drawn).startswith("PDF too large to lay out: more than 30,000 characters, lines and")


def test_a_flate_bomb_is_measured_without_being_inflated_whole() -> None:
    from pdfminer.psparser import LIT

    stream = pdf_bounds.PDFStream({"Filter": LIT("FlateDecode")}, zlib.compress(b"0" * 50_000_000))
    assert pdf_bounds.inflated_size(stream, 1_000) > 1_000
    assert stream.data is None  # pdfminer's decode (the whole 50 MB at once) never ran
    small = pdf_bounds.PDFStream({"Filter": LIT("FlateDecode")}, zlib.compress(b"0 0 m 1 1 l S\n"))
    assert pdf_bounds.inflated_size(small, 1_000) == 14


def test_the_pages_are_counted_no_further_than_the_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pdfplumber's ``pages`` builds every page before the count was compared: 300,000 small pages (32 MB) took 40 s
    and 1.2 GB to refuse. The page tree is now walked to the limit, and pdfplumber's pages never built."""
    import pdfplumber

    from etl.extract import pdf

    n = 50
    kids = b" ".join(b"%d 0 R" % (6 + i) for i in range(n))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 600 800] /Contents 5 0 R "
    page += b"/Resources << /Font << /F1 4 0 R >> >> >>"
    head = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, n), b"null"]
    path = tmp_path / "2024" / "pages.pdf"
    path.parent.mkdir()
    path.write_bytes(_pdf([*head, FONT, _stream(TEXT)] + [page] * n))
    monkeypatch.setattr(pdf, "MAX_PAGES", 10)
    monkeypatch.setattr(pdfplumber.PDF, "pages", property(lambda self: pytest.fail("every page built")))
    assert _refused_quickly(path) == "PDF of more than 10 pages (the limit is 10)"


def test_a_pdf_without_pages_says_so_and_pdfminer_stays_quiet(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    """No pages was refused as 'scanned PDF: no text layer'; pdfminer's warnings about a damaged file (here a form
    that draws itself) reached stderr as bare lines, as many as the file repeats them."""
    empty = tmp_path / "2024" / "empty.pdf"
    empty.parent.mkdir(parents=True)
    empty.write_bytes(_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]))
    assert _refused_quickly(empty) == "PDF with no pages"
    selfish = b"0 0 m 1 1 l S /X1 Do\n"
    path = _one_page(tmp_path / "2024" / "loop.pdf", TEXT + b"/X1 Do\n", selfish)
    itself = b"/BBox [0 0 600 800] /Resources << /XObject << /X1 6 0 R >> >> "  # the form's resources name the form
    path.write_bytes(path.read_bytes().replace(b"/BBox [0 0 600 800] ", itself))
    run_file(path)
    assert "circular" not in capsys.readouterr().err
