"""Round 20, hostile input against the round's new reader code (merged ranges, Word styles). GENERATED tables
(invented projects, tests/inline_tables.py) written into tmp_path.

- A workbook's merged ranges were each walked over every row they span, clearing what lay under them: a range to the
  right of a row's cells clears nothing in it, yet was walked all the same, so one range repeated (Z1:Z4000 4,000
  times, 90 KB) took 14 s, growing with the square of the file. A range right of every cell read is now skipped, and
  the rows the ranges pass over are bounded as the cells they clear are: past that, the sheet's ranges overlap and the
  file is refused as damaged, at once.
- A Word style without a w:styleId (which no paragraph can name) was taken for the style of every paragraph naming
  none when the document set no default paragraph style: its w:vanish hid the whole document, refused as having no
  table.
- A Word style's properties were read again for every style based on it, 64 deep: 4,000 chained styles of 20
  properties each (a 46 KB file) took 23 s. Each style is read once.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest

from etl.model import Refusal, SourceTable
from etl.transform.check import check_files
from tests.fixtures.layouts_real.word import NS
from tests.inline_tables import GOAL, HEADER, ITEM, filed
from tests.test_hostile_round20_merged import GOOD, _docx, _xlsx

OVERLAP = "merged ranges that overlap (a damaged file)"


def _with_merges(path: Path, ranges: list[str]) -> Path:
    """The workbook with its sheet's <mergeCells> replaced by the given ranges."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_xml = "xl/worksheets/sheet1.xml"
    merged = "".join(f'<mergeCell ref="{ref}"/>' for ref in ranges)
    parts[sheet_xml] = re.sub(rb"<mergeCells.*</mergeCells>", b"", parts[sheet_xml]).replace(
        b"</sheetData>", f'</sheetData><mergeCells count="{len(ranges)}">{merged}</mergeCells>'.encode()
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _rows_walked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The rows each merged range is walked over (workbook._Covered.clear's work), one entry a range, as they come:
    a work counter, not a clock."""
    from etl.extract import workbook

    walked: list[int] = []
    clear = workbook._Covered.clear

    def counted(self: workbook._Covered, top: int, bottom: int, at: int, end: int) -> None:
        before = self.visits
        walked.append(0)
        try:
            clear(self, top, bottom, at, end)
        finally:
            walked[-1] = before - self.visits

    monkeypatch.setattr(workbook._Covered, "clear", counted)
    return walked


def _many_rows(tmp_path: Path, n: int, header: list[str]) -> Path:
    rows = [header] + [[f"项目{i}经费", "10", "10", "", "", GOAL, ITEM] for i in range(n)]
    return _xlsx(filed(tmp_path, "table.xlsx"), rows)  # type: ignore[arg-type]


def test_merged_ranges_right_of_every_cell_are_not_walked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """3,000 rows under one range Z4:Z3003 listed 3,000 times, right of every cell read: nothing to clear, read at
    once (it took 8 s, the square of the rows), every project loaded."""
    n = 3000
    path = _with_merges(_many_rows(tmp_path, n, HEADER), [f"Z4:Z{n + 4}"] * n)
    walked = _rows_walked(monkeypatch)
    (table,) = check_files([path])
    assert walked == [0] * n  # each range passed by, none walked over its 3,000 rows
    assert isinstance(table, SourceTable), table
    assert len(table.projects) == n


def test_merged_ranges_walked_past_the_rows_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same, the header row holding a cell under the range (备注 in Z): the range passes over every row, clearing
    nothing but the header's neighbour. Past the rows the cells read allow, the ranges overlap: refused as damaged,
    at once (it was read for as long as rows x ranges)."""
    n = 400
    header = HEADER + [""] * (25 - len(HEADER)) + ["备注"]
    path = _with_merges(_many_rows(tmp_path, n, header), [f"Z4:Z{n + 4}"] * n)
    walked = _rows_walked(monkeypatch)
    (refusal,) = check_files([path])
    assert len(walked) < n // 4  # refused after a few ranges, not walked for every one of the 400
    assert isinstance(refusal, Refusal), refusal
    assert OVERLAP in refusal.reason


def test_a_style_without_an_id_hides_nothing(tmp_path: Path) -> None:
    """word/styles.xml holding a paragraph style with no w:styleId that hides its text, and no default paragraph style:
    no paragraph can name it, Word applies it to none; the table loads (it was taken for every paragraph naming no
    style, and the whole document hidden: refused as having no table)."""
    path = _docx(filed(tmp_path, "t.docx"), GOOD)
    styles = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:styles xmlns:w="{NS}">'
        '<w:style w:type="paragraph"><w:rPr><w:vanish/></w:rPr></w:style></w:styles>'
    )
    with zipfile.ZipFile(path, "a") as archive:
        archive.writestr("word/styles.xml", styles)
    (table,) = check_files([path])
    assert isinstance(table, SourceTable), table
    assert {p.project_name for p in table.projects} == {"甲项目", "乙项目"}


def test_word_styles_are_each_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """1,000 paragraph styles, each based on the next and holding 20 run properties, each named by a paragraph (a
    white style among them, so the styles are looked at): every style's properties were read again for each style
    based on it, 64 deep (46 KB, 4,000 styles: 23 s). Each is read once; the table loads."""
    import etl.extract.docx as docx

    n, k = 1000, 20
    path = _docx(filed(tmp_path, "t.docx"), GOOD)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    inner = "<w:rPr><w:b/></w:rPr>" * k
    chained = "".join(
        f'<w:style w:type="paragraph" w:styleId="s{i}"><w:basedOn w:val="s{i + 1}"/>{inner}</w:style>' for i in range(n)
    )
    white = '<w:style w:type="character" w:styleId="white"><w:rPr><w:color w:val="FFFFFF"/></w:rPr></w:style>'
    parts["word/styles.xml"] = f'<w:styles xmlns:w="{NS}">{chained}{white}</w:styles>'.encode()
    styled = '<w:p><w:pPr><w:pStyle w:val="s{}"/></w:pPr><w:r><w:t>注</w:t></w:r></w:p>'
    paragraphs = "".join(styled.format(i) for i in range(n))
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"<w:body>", f"<w:body>{paragraphs}".encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    calls = 0
    shades = docx._shades

    def counted(pr: Any) -> bool:
        nonlocal calls
        calls += 1
        return shades(pr)

    monkeypatch.setattr(docx, "_shades", counted)
    (table,) = check_files([path])
    assert isinstance(table, SourceTable), table
    assert {p.project_name for p in table.projects} == {"甲项目", "乙项目"}
    assert calls < 2 * n * (k + 2)  # each style's properties once, and each paragraph's and cell's (64 times: 1.3M)
