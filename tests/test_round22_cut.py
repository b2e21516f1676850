"""Round 22, files cut off (a truncated download or copy: the file ends mid-row, mid-cell or mid-item) in the layouts
other than the packed one (whose check is etl.transform.truncation): the per-row export, the bracket list and the
single-project form (etl/transform/cut_rows.py). Each is refused "truncated mid-row: …" with the line, never loaded
as if whole ("nothing half-loaded").

The cut files are the layout fixtures (the real sample rewritten per layout, tests/fixtures/layouts/, and the real
layouts' fixtures, tests/fixtures/layouts_real/), cut at EVERY character of their last rows, read through the public
path (etl.transform.pipeline.run_file). A cut either is refused as truncated or loads exactly what the file whole up
to that row loads (a cut at the end of an item: the row as a whole row with fewer items), and a cut exactly at a row's
end, a shorter whole file, is never refused as truncated. Tests marked "before:" failed on the code before the fix.
"""

from __future__ import annotations

import csv
import dataclasses
import html
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl.model import Refusal, SourceTable
from etl.transform.pipeline import run_file
from tests.inline_tables import filed
from tests.paths import PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "tests" / "fixtures"
LAYOUTS = FIXTURES / "layouts" / "2024"
REAL = FIXTURES / "layouts_real"
CUT = "truncated mid-row"
NO_GRID = "no indicator grid (一级指标 | 二级指标 | 三级指标 | 指标值) follows it: the form is cut off"  # (round 19)


def _read(tmp_path: Path, name: str, text: str) -> SourceTable | Refusal:
    """The text filed as 2024/<name> (or <year>/<name> for a name "<year>/<name>") and read."""
    year, _, name = name.rpartition("/")
    path = filed(tmp_path, name, year or "2024")
    path.write_text(text, encoding="utf-8")
    return run_file(path)


def _row_starts(text: str, html: bool) -> list[int]:
    """Where each row begins (a line, or a page's <tr>), and the end of the last row."""
    if html:
        return [m.start() for m in re.finditer("<tr", text)] + [text.rfind("</table>")]
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _indicator(ind: object) -> tuple:
    return tuple(
        v for f, v in zip(dataclasses.fields(ind), dataclasses.astuple(ind), strict=True) if f.name != "raw_text"
    )


def _facts(table: SourceTable) -> tuple:
    """What loads: each project (its indicators without their raw text), aggregate, reject and check."""
    projects = [(dataclasses.replace(p, indicators=[]), [_indicator(i) for i in p.indicators]) for p in table.projects]
    return (
        [(dataclasses.astuple(p), inds) for p, inds in projects],
        [dataclasses.astuple(a) for a in table.aggregates],
        [(r.line_no, r.reason) for r in table.rejects],
    )


def _as_whole(cut: SourceTable, whole: SourceTable) -> bool:
    """The cut loads what the whole file up to its row loads, its last project with the first of its items only (a
    cut at an item's end: a whole row of fewer items)."""
    (projects, aggregates, rejects), (wprojects, waggregates, wrejects) = _facts(cut), _facts(whole)
    if (aggregates, rejects) != (waggregates, wrejects) or len(projects) != len(wprojects):
        return False
    if projects[:-1] != wprojects[:-1] or projects[-1][0] != wprojects[-1][0]:
        return False
    return projects[-1][1] == wprojects[-1][1][: len(projects[-1][1])]


def _cuts(text: str, rows: int, html: bool = False) -> Iterator[tuple[int, int, int]]:
    """(row start, cut, row end) for every character of the last ``rows`` rows at which a cut leaves more than
    whitespace of the row and drops more than whitespace of it."""
    starts = _row_starts(text, html)
    for start, end in zip(starts[-rows - 1 : -1], starts[-rows:], strict=True):
        for cut in range(start + 1, end):
            if text[start:cut].strip() and text[cut:end].strip():
                yield start, cut, end


def _outcomes(tmp_path: Path, source: Path, rows: int, name: str | None = None) -> list[str]:
    """Every cut of the last ``rows`` rows that is neither refused as truncated nor loaded as a whole file's rows."""
    text = source.read_text(encoding="utf-8-sig")
    html, name = source.suffix == ".html", name or source.name
    wrong, wholes = [], {}
    for start, cut, end in _cuts(text, rows, html):
        for at in (start, end):  # the file whole up to the row's start and its end
            if at not in wholes:
                wholes[at] = _read(tmp_path, name, text[:at])
        got, whole, before = _read(tmp_path, name, text[:cut]), wholes[end], wholes[start]
        if isinstance(got, Refusal):
            if CUT not in got.reason and NO_GRID not in got.reason:
                wrong.append(f"{text[start:cut][-25:]!r}: refused {got.reason}")
        elif not (isinstance(whole, SourceTable) and _as_whole(got, whole)) and not (
            isinstance(before, SourceTable) and _facts(got) == _facts(before)  # (<tr><t: no row of it yet)
        ):
            wrong.append(f"{text[start:cut][-25:]!r}: loaded as if whole")
    return wrong


def _boundaries(tmp_path: Path, source: Path, rows: int, name: str | None = None) -> list[str]:
    """The cuts exactly at the end of one of the last ``rows`` rows refused as truncated (a shorter whole file)."""
    text = source.read_text(encoding="utf-8-sig")
    starts = _row_starts(text, source.suffix == ".html")
    suffix = "</table></body></html>" if source.suffix == ".html" else ""
    wrong = []
    for end in starts[-rows - 1 :]:
        got = _read(tmp_path, name or source.name, text[:end] + suffix)
        if isinstance(got, Refusal) and CUT in got.reason:
            wrong.append(f"{text[:end][-30:]!r}: {got.reason}")
    return wrong


CUT_FILES = [
    pytest.param(LAYOUTS / "tianhe-sfj-per-row.csv", 3, None, id="per-row-csv"),
    pytest.param(REAL / "2024" / "jingyan-per-row.txt", 4, None, id="per-row-txt-cells-left-out"),
    pytest.param(REAL / "2024" / "jxj-bracket.txt", 4, None, id="bracket-txt"),
    pytest.param(REAL / "2024" / "jxj-bracket.html", 2, None, id="bracket-html"),
    pytest.param(REAL / "2024" / "jinzhai-national.txt", 4, None, id="form-txt"),
    pytest.param(REAL / "undated" / "culture-forms.txt", 4, "2023/culture-forms.txt", id="forms-txt"),
]


@pytest.mark.parametrize(("source", "rows", "name"), CUT_FILES)
def test_a_file_cut_inside_its_last_rows_is_refused_or_reads_as_whole(
    tmp_path: Path, source: Path, rows: int, name: str | None
) -> None:
    """before: cuts loaded as if whole (or refused for another reason): per-row CSV 52 of 132, per-row text 144 of
    147 (the direction cut to 正 read as 正向, a project cut after its amounts read as a unit, a short row
    right-aligned into the target columns), bracket text 258 of 277 and page 150 of 223 (a goal cell cut inside an
    item or a heading, a project cut before its headings read as a category), form 105 of 136 and forms 18 of 82
    (an indicator's value cut off, or a form without its grid left out)."""
    assert _outcomes(tmp_path, source, rows, name) == []


NO_ROWS = "the last form ends at its indicator grid's header, before its rows"
# the cuts at a row's end refused all the same: a form left without its indicator grid or its rows (cut off there too),
# and a per-row dump leaving out its merged cells whose only short row is its last, left as it was (below)
REFUSED_AT_A_ROWS_END = {
    "per-row-txt-cells-left-out": ["line 7: truncated mid-row: the last row has 7 cell(s), the header 9 or more"],
    "form-txt": [f"line 10: {CUT}: {NO_ROWS}"],
    "forms-txt": [
        *(
            f"line {n}: {CUT}: the last form stops before its indicator grid (一级指标 | 二级指标 | … | 指标值)"
            for n in range(11, 16)
        ),
        f"line 16: {CUT}: {NO_ROWS}",
    ],
}


@pytest.mark.parametrize(("source", "rows", "name"), CUT_FILES)
def test_a_file_cut_at_a_rows_end_is_no_cut_row(
    request: pytest.FixtureRequest, tmp_path: Path, source: Path, rows: int, name: str | None
) -> None:
    """A shorter whole file: loaded (its totals then tell what is missing), unless what is left is cut by the
    layout's own rules. The per-row case is round 19's check (table.right_align_short_rows leaves a short last row
    to it), not this round's."""
    refused = [r.split(": ", 1)[1] for r in _boundaries(tmp_path, source, rows + 4, name)]
    assert refused == REFUSED_AT_A_ROWS_END.get(request.node.callspec.id, [])


@pytest.mark.parametrize(("source", "name"), [(p.values[0], p.values[2]) for p in CUT_FILES])
def test_the_whole_files_load_as_before(tmp_path: Path, source: Path, name: str | None) -> None:
    table = _read(tmp_path, name or source.name, source.read_text(encoding="utf-8-sig"))
    assert isinstance(table, SourceTable), table
    assert table.projects and all(p.indicators for p in table.projects)
    assert not any(CUT in r.reason for r in table.rejects)


# --- each way a cut shows, named --------------------------------------------------------------------------------------


def _refusal(tmp_path: Path, source: Path, cut_after: str, name: str | None = None) -> Refusal:
    """The file cut right after the last occurrence of ``cut_after``."""
    text = source.read_text(encoding="utf-8-sig")
    got = _read(tmp_path, name or source.name, text[: text.rindex(cut_after) + len(cut_after)])
    assert isinstance(got, Refusal), _facts(got) if isinstance(got, SourceTable) else got
    return got


PER_ROW_CSV, PER_ROW_TXT = LAYOUTS / "tianhe-sfj-per-row.csv", REAL / "2024" / "jingyan-per-row.txt"
BRACKET, FORM = REAL / "2024" / "jxj-bracket.txt", REAL / "2024" / "jinzhai-national.txt"


@pytest.mark.parametrize(
    ("source", "cut_after", "reason"),
    [
        # a CSV row prints every cell: one cut short prints fewer
        (
            PER_ROW_CSV,
            "调解服务满意度,≥,85",
            "line 117: truncated mid-row: the last row has 11 cell(s), every other row 15",
        ),
        # the direction cut to its first character (read as 正向 before), or cut off before it
        (
            PER_ROW_CSV,
            "≥85%,25.00,正",
            "line 117: truncated mid-row: the last row ends in '正': the start of a value other rows end in",
        ),
        (
            PER_ROW_TXT,
            "群众满意度\t≥\t90\t%\t20",
            "line 14: truncated mid-row: the last row ends in '20': a number, where every other row ends in words",
        ),
        (
            PER_ROW_TXT,
            "\t服务对象满意度",
            "line 14: truncated mid-row: the last row ends in '服务对象满意度': no direction, where every",
        ),
        # a project cut after its amounts: read as a unit of no projects
        (
            PER_ROW_TXT,
            "场镇环境卫生整治\t450000",
            "line 11: truncated mid-row: the last row ends in '450000': a number, where every other row ends in words",
        ),
    ],
)
def test_a_per_row_export_cut_in_its_last_row_is_refused(
    tmp_path: Path, source: Path, cut_after: str, reason: str
) -> None:
    """before: loaded, the last indicator's cells misread or the project read as a unit."""
    assert _refusal(tmp_path, source, cut_after).reason.startswith(reason)


@pytest.mark.parametrize(
    ("cut_after", "reason"),
    [
        ("报告按时报送率(10", "the last row's goal cell stops inside an item's bracketed value"),
        ("指标2:监测报", "the last row's goal cell stops inside an item, before its value"),
        ("【产出指标-时效", "the last row's goal cell stops inside a heading"),
        ("【产出指标-时效指标】", "the last row's goal cell stops after a heading, before its items"),
        (
            "(≥500户) 指标",
            "the last row's goal cell stops short of a bracketed value, where every other project's ends in one",
        ),
        ("【总体目标】按月监测规上", "the last row prints a project's content or goal but no indicator heading"),
        (
            "\t工业运行监测\t100.00\t监测工业运行\t",
            "the last row prints a project's content or goal but no indicator heading",
        ),
        ("\t工业运行监测\t100.", "the last row has 3 cell(s), every other row 5 or more"),
    ],
)
def test_a_bracket_list_cut_in_its_last_row_is_refused(tmp_path: Path, cut_after: str, reason: str) -> None:
    """before: loaded, the last value read short (10 for 100%), the item or heading lost, or the project read as
    a category."""
    assert _refusal(tmp_path, BRACKET, cut_after).reason == f"line 13: {CUT}: {reason}"


@pytest.mark.parametrize(
    ("cut_after", "reason"),
    [
        (
            "行政争议实质化解率\t≥80%\t社会效益指标\t行政争议实质化解率\t≥7",
            "the last row ends in the value '≥7', a number",
        ),
        (
            "行政争议实质化解率\t≥80%\t社会效益指标\t行政争议实质化解率\t≥",
            "the last row names an indicator but not its",
        ),
        ("行政争议实质化解率\t≥80%\t社会效益指标\t行政争", "the last row has 7 cell(s), every other row 8"),
    ],
)
def test_a_form_cut_in_its_last_row_is_refused(tmp_path: Path, cut_after: str, reason: str) -> None:
    """before: loaded, the last indicator's annual target read as ≥7 (≥75%), or as none."""
    assert _refusal(tmp_path, FORM, cut_after).reason.startswith(f"line 13: {CUT}: {reason}")


def test_a_form_page_cut_inside_a_closing_tag_is_refused(tmp_path: Path) -> None:
    """A page cut inside the last cell's closing tag (…≤30万元</): the cell's text is whole, the tag not. before:
    loaded, the annual target read as ≤30万元< (a text of no number)."""
    got = _refusal(tmp_path, REAL / "2024" / "jinzhai-forms.html", "≤30万元</")
    assert got.reason == f"line 35: {CUT}: the last cell stops inside an HTML tag"


def _per_row_page(tmp_path: Path) -> Path:
    """The per-row fixture as a saved page: its lines before the header as paragraphs, then one <tr> a row."""
    rows = list(csv.reader(PER_ROW_CSV.read_text(encoding="utf-8-sig").splitlines()))
    at = next(i for i, r in enumerate(rows) if "三级指标" in r)
    lines = "".join(f"<p>{html.escape(','.join(r).strip(','))}</p>" for r in rows[:at])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows[at:])
    path = tmp_path / "source" / "per-row.html"
    path.parent.mkdir()
    path.write_text(f"<html><body>{lines}<table>{body}</table></body></html>", encoding="utf-8")
    return path


def test_a_per_row_page_cut_inside_its_last_rows_is_refused_or_reads_as_whole(tmp_path: Path) -> None:
    """before: 124 of its 522 cuts in the last 3 rows loaded as if whole (the direction cut to 正, a row's last cells
    missing); the last 2 rows read here."""
    source = _per_row_page(tmp_path)
    assert _outcomes(tmp_path, source, 2) == []
    assert _boundaries(tmp_path, source, 7) == []


def test_a_form_dump_leaving_out_empty_cells_cut_before_a_value_is_refused(tmp_path: Path) -> None:
    """A dump that leaves out a row's empty cells (no rectangle to tell by): the last row names its indicator but
    prints no value column. before: loaded with the indicator's target missing."""
    lines = FORM.read_text(encoding="utf-8").splitlines()
    stripped = "\n".join(line.rstrip("\t") for line in lines[:-1]) + "\n\t效益指标\t社会效益指标\t行政争议实质化解率"
    got = _read(tmp_path, "form.txt", stripped)
    assert isinstance(got, Refusal), got
    assert got.reason.startswith(f"line 14: {CUT}: the last row names an indicator but not its value (4 cell(s)")


def test_a_note_under_the_last_row_shows_the_file_went_on(tmp_path: Path) -> None:
    """A last row unlike the others with a note printed under it is whole as printed: read, not refused."""
    text = PER_ROW_TXT.read_text(encoding="utf-8")
    text = text[: text.rindex("\t正向")] + "\n注：权重为百分制。\n"
    table = _read(tmp_path, PER_ROW_TXT.name, text)
    assert isinstance(table, SourceTable), table
    assert table.projects[-1].indicators[-1].name == "群众满意度"
