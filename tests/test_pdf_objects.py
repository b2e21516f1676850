"""etl/extract/pdf_objects.py builds a laid-out page's objects as pdfplumber's Page.parse_objects does: the same
dicts, in the same order, their keys in the same order, on every PDF fixture and on PDFs drawn by the hostile
tests' helpers (text in a form, a MediaBox that does not start at 0, a separation colour space)."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest

from etl.extract.pdf_bounds import LayoutBudget, lay_out
from etl.extract.pdf_objects import page_objects
from tests.paths import PROJECT_ROOT
from tests.test_hostile_round19_formats import _pdf
from tests.test_round22_readers import BOX, TEXT, _raw_pdf

FIXTURES = sorted((PROJECT_ROOT / "tests" / "fixtures").rglob("*.pdf"))


def _same_objects(data: bytes) -> int:
    """Asserts page_objects equals pdfplumber's own on every page; the objects compared."""
    compared = 0
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            lay_out(page, LayoutBudget(Path("x.pdf"), len(data)))
            ours, theirs = page_objects(page), page.parse_objects()  # theirs: from the same laid-out page
            assert list(ours) == list(theirs)
            for kind in theirs:
                assert ours[kind] == theirs[kind]
                assert [list(o) for o in ours[kind]] == [list(o) for o in theirs[kind]]  # keys in the same order
            assert page.objects == theirs  # lay_out left ours where Page.objects reads them
            compared += sum(len(v) for v in theirs.values())
    return compared


def test_fixtures_are_here() -> None:
    assert len(FIXTURES) >= 4


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_fixture_pdf_objects_as_pdfplumber_builds_them(path: Path) -> None:
    _same_objects(path.read_bytes())


def test_the_sample_drawn_a_cell_at_a_time(tmp_path: Path) -> None:
    assert _same_objects(_pdf(tmp_path / "sample.pdf").read_bytes()) > 5_000


def test_text_in_a_form_on_a_page_whose_mediabox_does_not_start_at_zero() -> None:
    form = b"BT /F1 12 Tf 10 10 Td (CD) Tj ET"
    coloured = b"/None0 cs 1 scn BT /F1 12 Tf 50 50 Td (EF) Tj ET"
    data = _raw_pdf(BOX + b" " + TEXT + b"/Fm Do " + coloured, form=form)
    data = data.replace(b"/MediaBox [0 0 300 300]", b"/MediaBox [9 9 309 309]")  # as long: the xref holds
    assert _same_objects(data) >= 7
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        lay_out(page, LayoutBudget(Path("x.pdf"), len(data)))
        assert "".join(c["text"] for c in page.chars) == "ABCDEF"
