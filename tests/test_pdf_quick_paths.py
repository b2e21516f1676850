"""The PDF reader's two quicker paths give what pdfplumber gives, on every PDF fixture and on PDFs drawn by the hostile
tests' helpers (text in a form, a MediaBox that does not start at 0, a separation colour space):

- etl/extract/pdf_objects.py builds a laid-out page's objects as Page.parse_objects does: the same dicts, in the
  same order, their keys in the same order;
- etl/extract/pdf_cells.py gives each table's cells as Table.extract() does, with the page's tables found by lines
  and by text; and on made-up characters and grids (hypothesis), boundaries, infinities and NaN included."""

from __future__ import annotations

import io
from itertools import pairwise
from pathlib import Path

import pdfplumber
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pdfplumber.table import Table

from etl.extract.pdf import TEXT_STRATEGY
from etl.extract.pdf_bounds import LayoutBudget, lay_out
from etl.extract.pdf_cells import CharIndex
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
            for strategy in ({}, TEXT_STRATEGY):
                for table in page.find_tables(strategy):
                    assert CharIndex(page.chars).table_text(table) == table.extract()
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


# ---- cells on made-up characters and grids ---------------------------------------------------------------------

_EDGES = [0.0, 10.0, 20.0, 30.0, 40.0]
_COORD = st.one_of(
    st.sampled_from(_EDGES),  # on a boundary: a middle there is in the cell after it, not before
    st.floats(min_value=-5, max_value=45, allow_nan=False),
    st.sampled_from([float("nan"), float("inf"), float("-inf")]),
)


@st.composite
def _chars(draw: st.DrawFn) -> list[dict]:
    chars = []
    for n in range(draw(st.integers(min_value=0, max_value=40))):
        x0, top = draw(_COORD), draw(_COORD)
        width, height = draw(st.sampled_from([0.0, 5.0, 10.0])), draw(st.sampled_from([0.0, 5.0, 10.0]))
        x1, bottom = x0 + width, top + height
        chars.append(
            {
                "text": "甲乙丙丁AB1 "[n % 8],
                "x0": x0,
                "x1": x1,
                "top": top,
                "bottom": bottom,
                "doctop": top,
                "upright": True,
                "size": 5.0,
                "fontname": "F",
                "width": width,
                "height": height,
                "object_type": "char",
            }
        )
    return chars


@st.composite
def _cells(draw: st.DrawFn) -> list[tuple[float, float, float, float]]:
    xs = sorted(set(draw(st.lists(st.sampled_from(_EDGES), min_size=2, max_size=5))))
    ys = sorted(set(draw(st.lists(st.sampled_from(_EDGES), min_size=2, max_size=5))))
    grid = [(a, top, b, bottom) for top, bottom in pairwise(ys) for a, b in pairwise(xs)]
    kept = [cell for cell in grid if draw(st.booleans()) or cell == grid[0]]  # some cells left out: None in a row
    return kept


class _Page:
    def __init__(self, chars: list[dict]) -> None:
        self.chars = chars


@settings(max_examples=150, deadline=None)
@given(chars=_chars(), cells=_cells())
def test_cells_of_made_up_characters_as_table_extract_gives_them(chars: list[dict], cells: list) -> None:
    table = Table(_Page(chars), cells)  # type: ignore[arg-type]
    assert CharIndex(chars).table_text(table) == table.extract()
