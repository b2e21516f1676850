"""PDF reader (pdfplumber): the ruled tables of a text PDF, page after page, as one grid.

- tables spanning pages are read page by page and joined; the header row repeated at the top of
  each page is dropped (it equals the first one);
- a cell's text wrapped over lines is joined: without a space between two CJK characters (or
  CJK punctuation), with one otherwise;
- the text above the first table (title, 部门名称, 单位) is the preamble;
- a PDF with no text layer (a scan) is refused: "scanned PDF: no text layer" (no OCR).

Row numbers are page * 1000 + the row's position on its page, so a reject points at its page.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from etl.extract.columns import is_header_row
from etl.extract.encoding import sha256_of
from etl.extract.grid_rows import NumberedRow, split_rows
from etl.extract.hidden_rows import shown
from etl.extract.pdf_aligned import ColumnsUnclear
from etl.extract.pdf_aligned import document_rows as aligned_rows
from etl.model import Grid, RefusalKind, TableRefused

if TYPE_CHECKING:
    from pdfplumber.page import Page
    from pdfplumber.pdf import PDF

    from etl.extract.pdf_bounds import LayoutBudget

PAGE_ROWS = 1000
MAX_PAGES = 2000
# What reading a PDF costs grows with its characters and the crossings of its ruling lines (the table finder's
# intersections; ~0.13 ms each), and a page can draw one small form object over and over: 20 pages of a 100 x 50
# grid, a 24 KB file, took 27 s (2,000 such pages: about 45 min). A PDF may hold WORK_PER_BYTE of them for each of
# its bytes (the real fixtures hold 0.1-0.7), and MIN_WORK whatever its size (~6 pages of the sample)
MIN_WORK = 30_000
WORK_PER_BYTE = 2
TEXT_STRATEGY = {"vertical_strategy": "text", "horizontal_strategy": "text"}
_LATIN_WRAP = re.compile(r"(?<=[A-Za-z])[ \t]*\n[ \t]*(?=[A-Za-z])")
_WRAP = re.compile(r"[ \t]*\n[ \t]*")


def join_wrapped(text: str | None) -> str:
    """Lines of one cell joined: 项目名称（资金\\n使用单位） -> 项目名称（资金使用单位）.

    A line break is where the PDF wrapped the cell, not a space in the text: it is dropped, except
    between two Latin letters (two words), where it becomes a space.
    """
    if not text:
        return ""
    return _WRAP.sub("", _LATIN_WRAP.sub(" ", text)).strip()


def _page_rows(page, page_no: int, settings: dict | None = None) -> tuple[list[NumberedRow], float | None]:  # type: ignore[no-untyped-def]
    from etl.extract.pdf_cells import CharIndex

    rows: list[NumberedRow] = []
    top, index = None, None
    for table in page.find_tables(settings or {}):
        top = table.bbox[1] if top is None else min(top, table.bbox[1])
        index = index or CharIndex(page.chars)  # table.extract(), the characters found through an index
        for i, row in enumerate(index.table_text(table), start=len(rows) + 1):
            rows.append((page_no * PAGE_ROWS + i, [join_wrapped(c) for c in row]))
    return rows, top


def _lines_above(page, top: float | None, page_no: int) -> list[NumberedRow]:  # type: ignore[no-untyped-def]
    region = page if top is None else page.crop((0, 0, page.width, max(top, 1)))
    text = region.extract_text() or ""
    return [(page_no * PAGE_ROWS, [line.strip()]) for line in text.splitlines() if line.strip()]


def crossings(edges: list[dict[str, Any]]) -> int:
    """How many horizontal and vertical ruling lines the table finder pairs: those it joins the edges into first (a
    table drawn a cell at a time, each cell's four sides, is the lines of its grid, not one line per side: counted
    per side, a 23-row sample in 15 KB was refused as too dense)."""
    from pdfplumber import table

    tolerance = table.DEFAULT_SNAP_TOLERANCE
    lines = table.merge_edges(edges, tolerance, tolerance, table.DEFAULT_JOIN_TOLERANCE, table.DEFAULT_JOIN_TOLERANCE)
    across = sum(1 for edge in lines if edge["orientation"] == "h")
    return across * (len(lines) - across)


class _Work:
    """Characters and ruling-line crossings of the pages read so far; past the limit the PDF is refused."""

    def __init__(self, path: Path, size: int) -> None:
        self.path, self.size, self.n = path, size, 0
        self.limit = max(MIN_WORK, WORK_PER_BYTE * size)

    def add(self, page) -> None:  # type: ignore[no-untyped-def]
        self.n += len(page.chars) + crossings(page.edges)
        if self.n > self.limit:
            raise TableRefused(
                self.path,
                f"PDF too dense to read: more than {self.limit:,} characters and ruling-line crossings "
                f"for a file of {self.size:,} bytes",
            )


def _document_rows(pages: list, work: _Work, settings: dict | None = None) -> list[NumberedRow]:  # type: ignore[type-arg]
    rows: list[NumberedRow] = []
    for page_no, page in enumerate(pages, start=1):
        work.add(page)
        found, top = _page_rows(page, page_no, settings)
        if page_no == 1 or not rows:
            rows.extend(_lines_above(page, top, page_no))
        rows.extend(found)
    return rows


def _drop_repeated_headers(rows: list[NumberedRow]) -> list[NumberedRow]:
    """The column header printed again at the top of each page is read once: its first row, and the row under it the
    first time (a two-row header: 资金情况 over 总计 | 财政拨款 …) where a page prints that row again, cell for cell
    (it was run into the page's first project, or stored as an indicator: round 33's hunt of layouts)."""
    seen: set[tuple[str, ...]] = set()
    seconds: set[tuple[str, ...]] = set()
    out: list[NumberedRow] = []
    for i, (line_no, cells) in enumerate(rows):
        key = tuple(cells)
        top = line_no % PAGE_ROWS <= 3
        if top and is_header_row(cells):
            if key in seen:
                continue
            seen.add(key)
            if i + 1 < len(rows) and any(c.strip() for c in rows[i + 1][1]):
                seconds.add(tuple(rows[i + 1][1]))
        elif top and key in seconds and out and out[-1][0] < line_no - line_no % PAGE_ROWS:
            continue  # the page's own first rows: the header's second row printed again
        out.append((line_no, cells))
    return out


def _aligned(path: Path, pages: list) -> list[NumberedRow]:  # type: ignore[type-arg]
    """A table without ruling lines, cut into the columns of its header row ([] without one)."""
    try:
        return aligned_rows([page.chars for page in pages], PAGE_ROWS)
    except ColumnsUnclear as exc:
        reason = (
            f"PDF without ruling lines whose columns cannot be told apart: {exc}; load the table as a spreadsheet or "
            "a PDF with ruled cells"
        )
        raise TableRefused(path, reason, kind=RefusalKind.UNSUPPORTED_LAYOUT) from None


@contextmanager
def _pdfminer_quiet() -> Iterator[None]:
    """pdfminer's warnings about a damaged file kept from stderr while it is read: each reached the output of `check`
    and `load` (--quiet too) as a bare line ("Refusing to execute circular reference to content stream 6", "Invalid
    MediaBox in /Page, defaulting to US Letter"), as many as a hostile file repeats them; the refusal says what
    matters."""
    logger = logging.getLogger("pdfminer")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


@contextmanager
def _opened(data: bytes) -> Iterator[Any]:
    """pdfplumber's PDF of the bytes, closed only if its pages were built: its close() builds every page to close it,
    so a PDF refused for its page count was built whole on the way out all the same."""
    import pdfplumber

    pdf = pdfplumber.open(io.BytesIO(data))
    try:
        yield pdf
    finally:
        if hasattr(pdf, "_pages"):  # pdfplumber 0.11's cache of PDF.pages
            with suppress(Exception):  # (a page it could not build fails it again: the refusal saying why is kept)
                pdf.close()


def _more_pages_than(pdf, limit: int) -> bool:  # type: ignore[no-untyped-def]
    """Whether the page tree holds more than ``limit`` pages, walked no further than that: pdfplumber's ``pages``
    builds every page first (300,000 small pages, a 32 MB file, took 40 s and 1.2 GB to refuse)."""
    from pdfminer.pdfpage import PDFPage

    return sum(1 for _ in islice(PDFPage.create_pages(pdf.doc), limit + 1)) > limit


def _laid_out(pages: list, budget: LayoutBudget, off: frozenset[int]) -> tuple[list[str], list[str]]:  # type: ignore[type-arg]
    """Each page laid out within the budget, before anything looks at it, the layers ``off`` switched off
    (etl/extract/pdf_bounds.py): the footnote markers left out, and the pages' characters under opaque boxes drawn over
    them (how many: the text itself is not told, it may be a redaction)."""
    from etl.extract.pdf_bounds import lay_out

    marks: list[str] = []
    under: list[str] = []
    for n, page in enumerate(pages, start=1):
        page_marks, covered = lay_out(page, budget, off)
        marks += [f"page {n} {mark}" for mark in page_marks]
        under += [f"page {n} ({covered} characters)"] if covered else []
    return marks, under


def _pages(path: Path, pdf: PDF) -> list[Page]:
    """The document's pages (no more than MAX_PAGES), each with a size: a page whose MediaBox (its size) is missing,
    not four numbers or of no area is refused saying so; the reason was pdfplumber's error alone ("TypeError:
    'NoneType' object is not iterable", "IndexError: list index out of range", "ValueError: Bounding box … has an
    area of zero")."""
    try:
        too_many = _more_pages_than(pdf, MAX_PAGES)
        pages = [] if too_many else pdf.pages
    except Exception as exc:  # the error itself, or pdfminer's wrapped by pdfplumber (PdfminerException)
        cause = next((e for e in (exc, *exc.args) if isinstance(e, _PAGE_ERRORS)), None)
        if cause is None:
            raise
        raise TableRefused(path, f"cannot read the PDF: {_NO_SIZE} ({type(cause).__name__}: {cause})"[:500]) from None
    if too_many:  # read only in part, the table would load cut short
        raise TableRefused(path, f"PDF of more than {MAX_PAGES:,} pages (the limit is {MAX_PAGES:,})")
    for number, page in enumerate(pages, start=1):
        if not (page.width > 0 and page.height > 0):
            raise TableRefused(path, f"cannot read the PDF: page {number} has no area (MediaBox {list(page.mediabox)})")
    return pages


_NO_SIZE = "a page's size (its MediaBox) is missing or is no rectangle, or its page tree is damaged"
_PAGE_ERRORS = (TypeError, IndexError, ValueError, AttributeError)


def read_pdf(path: Path, data: bytes) -> Grid:
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    from etl.extract.pdf_bounds import LayoutBudget
    from etl.extract.pdf_layers import groups_off

    try:
        with _pdfminer_quiet(), _opened(data) as pdf:
            pages = _pages(path, pdf)
            if not pages:  # was refused as a scanned PDF
                raise TableRefused(path, "PDF with no pages")
            marks, under = _laid_out(pages, LayoutBudget(path, len(data)), groups_off(pdf.doc.catalog))
            if not any(page.chars for page in pages):
                raise TableRefused(
                    path,
                    "scanned PDF: no text layer (no OCR is attempted)",
                    kind=RefusalKind.UNSUPPORTED_LAYOUT,
                    layout="scanned_pdf",
                )
            work = _Work(path, len(data))
            rows = _document_rows(pages, work)
            if not any(line % PAGE_ROWS for line, _ in rows):  # no ruled table anywhere: columns from the header row
                rows = _aligned(path, pages) or _document_rows(pages, work, TEXT_STRATEGY)
    except TableRefused:
        raise
    except (PDFSyntaxError, Exception) as exc:  # a damaged PDF raises many kinds of errors inside pdfminer
        if any(isinstance(e, PDFPasswordIncorrect) for e in (exc, *exc.args)):  # pdfplumber wraps it, with no text
            reason = "cannot read the PDF: it is password-protected (encrypted); load an unprotected copy"
            raise TableRefused(path, reason) from None
        detail = str(exc) or ", ".join(type(e).__name__ for e in exc.args if isinstance(e, Exception))
        raise TableRefused(path, f"cannot read the PDF: {type(exc).__name__}: {detail}"[:500]) from None
    preamble, grid, raw = split_rows(_drop_repeated_headers(rows))
    notes = [f"footnote markers left out of amounts: {shown(marks)}"] if marks else []
    notes += [f"text under opaque boxes drawn over it not read: {shown(under)}"] if under else []
    return Grid(
        path, preamble, grid, encoding="binary", sha256=sha256_of(data), source_format="pdf", raw_rows=raw, notes=notes
    )
