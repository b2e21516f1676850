"""Round 20, hostile input: an amount printed across several amount columns (a workbook's merged range, an .xls merged
cell, HTML colspan, Word w:gridSpan). GENERATED tables (invented projects, tests/inline_tables.py), each written into
tmp_path in every format that merges cells.

The readers gave a merged cell's text to its first column and left the others empty: 总计 merged across 财政拨款 loaded
财政拨款 = 0, and the checks passed (a row printing only its total has no split to check), while the printed table
shows the amount spanning both. An amount merged across amount columns now stands for each of them: 财政拨款 = 总计,
and a merge across two parts (财政拨款 and 财政专户拨款) gives both the amount, so the row's total does not reconcile
and `jixiao check` reports it. A merge over any other column, or of text, is read as before.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pytest

from etl.model import Refusal, SourceTable
from etl.transform.check import EXIT_REJECTED, EXIT_UNRECONCILED, check_files, exit_code, report_lines
from tests.fixtures.layouts_real.word import CONTENT_TYPES, NS, RELS
from tests.inline_tables import (
    DEPARTMENT,
    GOAL,
    HEADER,
    ITEM,
    TITLE,
    UNIT,
    WAN,
    cell_number,
    filed,
    parsed_inline,
    project_row,
)

Cell = str | tuple[str, int]  # a cell's text, or (its text, the columns it spans)
Row = list[Cell]
MERGED_NOTE = "amounts merged across amount columns read in each column they span"

# 总计 merged across 财政拨款 (甲), a plain row (乙), and the 合计 of both
GOOD: list[Row] = [
    HEADER,
    ["甲项目", ("100", 2), "", "", GOAL, ITEM],
    ["乙项目", "50", "30", "", "20", GOAL, ITEM],
    ["合计", "150", "130", "", "20", "", ""],
]
# 财政拨款 merged across 财政专户拨款 (乙): each part 50, the total 50
BAD: list[Row] = [
    HEADER,
    ["甲项目", "100", "100", "", "", GOAL, ITEM],
    ["乙项目", "50", ("50", 2), "", GOAL, ITEM],
]


def _columns(row: Row) -> list[tuple[int, str, int]]:
    """(first column, text, columns spanned) of each cell of a row."""
    out, col = [], 0
    for cell in row:
        text, across = cell if isinstance(cell, tuple) else (cell, 1)
        out.append((col, text, across))
        col += across
    return out


def _titled_book() -> tuple[Any, Any]:
    """A workbook whose sheet starts with the table's title, department and unit lines (rows 1-3)."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for line in (TITLE, DEPARTMENT, UNIT):
        sheet.append([line])
    return book, sheet


def _merged_by_hand(path: Path, ranges: list[str]) -> Path:
    """The saved workbook with these merged ranges written into its sheet's XML (openpyxl's merge_cells would clear
    the cells under a range, which these tests keep)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    cells = "".join(f'<mergeCell ref="{r}"/>' for r in ranges)
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(
        b"</sheetData>", f'</sheetData><mergeCells count="{len(ranges)}">{cells}</mergeCells>'.encode()
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def _xlsx(path: Path, rows: list[Row], hidden: int | None = None) -> Path:
    """The table as a workbook (openpyxl, ws.merge_cells), the amounts as numbers; a hidden column inserted at
    ``hidden`` (a stale one, holding 999 in every row)."""
    import openpyxl

    book, sheet = _titled_book()
    for r, row in enumerate(rows, start=4):
        for col, text, across in _columns(row):
            col += 1 + (hidden is not None and col >= hidden)
            sheet.cell(r, col, cell_number(text) if r > 4 else text)
            if across > 1:
                sheet.merge_cells(start_row=r, start_column=col, end_row=r, end_column=col + across - 1)
        if hidden is not None:
            sheet.cell(r, hidden + 1, "旧总计" if r == 4 else 999)
    if hidden is not None:
        letter = openpyxl.utils.get_column_letter(hidden + 1)
        sheet.column_dimensions[letter].hidden = True
    book.save(path)
    return path


def _xls(path: Path, rows: list[Row]) -> Path:
    """The table as an .xls (xlwt, write_merge), the amounts as numbers."""
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("表")
    for r, line in enumerate((TITLE, DEPARTMENT, UNIT)):
        sheet.write(r, 0, line)
    for r, row in enumerate(rows, start=3):
        for col, text, across in _columns(row):
            value = cell_number(text) if r > 3 else text
            if across > 1:
                sheet.write_merge(r, r, col, col + across - 1, value)
            elif value is not None:
                sheet.write(r, col, value)
    book.save(str(path))
    return path


def _html(path: Path, rows: list[Row], head: str = "") -> Path:
    """The table as a page, a merged cell with colspan; head: header rows written instead of the first row's."""
    trs = [head] if head else []
    for row in rows[1:] if head else rows:
        tag = "th" if row is rows[0] else "td"
        spans = [(f" colspan={across}" if across > 1 else "", escape(text)) for _, text, across in _columns(row)]
        tds = "".join(f"<{tag}{span}>{text}</{tag}>" for span, text in spans)
        trs.append(f"<tr>{tds}</tr>")
    lines = "".join(f"<p>{line}</p>" for line in (TITLE, DEPARTMENT, UNIT))
    path.write_text(f"<html><body>{lines}<table>{''.join(trs)}</table></body></html>", encoding="utf-8")
    return path


def _docx(path: Path, rows: list[Row]) -> Path:
    """The table as a Word document, a merged cell with w:gridSpan."""

    def tc(text: str, across: int) -> str:
        span = f'<w:tcPr><w:gridSpan w:val="{across}"/></w:tcPr>' if across > 1 else ""
        return f"<w:tc>{span}<w:p><w:r><w:t>{escape(text)}</w:t></w:r></w:p></w:tc>"

    paras = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in (TITLE, DEPARTMENT, UNIT))
    trs = "".join("<w:tr>" + "".join(tc(t, a) for _, t, a in _columns(row)) + "</w:tr>" for row in rows)
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{NS}"><w:body>{paras}<w:tbl>{trs}</w:tbl>'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", xml + "</w:body></w:document>")
    return path


WRITERS: dict[str, Callable[[Path, list[Row]], Path]] = {"xlsx": _xlsx, "xls": _xls, "html": _html, "docx": _docx}


def _checked(tmp_path: Path, fmt: str, rows: list[Row]) -> tuple[SourceTable, list[str], int]:
    """The table written as 2024/table.<fmt> and checked as `jixiao check` does: the table, the report, the exit."""
    path = WRITERS[fmt](filed(tmp_path, f"table.{fmt}"), rows)
    results = check_files([path])
    (table,) = results
    assert isinstance(table, SourceTable), table
    return table, list(report_lines(results)), exit_code(results)


def _amounts(table: SourceTable, name: str) -> dict[str, Decimal]:
    (project,) = [p for p in table.projects if p.project_name == name]
    return {column: amount / WAN for column, amount in project.amounts.items()}


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_total_merged_across_fiscal_is_the_fiscal_amount(tmp_path: Path, fmt: str) -> None:
    """总计 100 merged across 财政拨款: 财政拨款 is 100 (it loaded 0), the row and the 合计 reconcile, noted."""
    table, report, code = _checked(tmp_path, fmt, GOOD)
    assert _amounts(table, "甲项目") == {"total": 100, "fiscal": 100, "special_account": 0, "other": 0}
    assert _amounts(table, "乙项目") == {"total": 50, "fiscal": 30, "special_account": 0, "other": 20}
    assert table.reconciled and not table.rejects and code == 0, report
    rows_checked = [f for f in table.findings if f.check == "row_total=sum(funding)" and f.scope == "甲项目"]
    assert rows_checked and rows_checked[0].passed  # (a row printing only its total had no split to check)
    assert any(MERGED_NOTE in note and "100 across 总计 | 财政拨款" in note for note in table.notes), table.notes


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_amount_merged_across_two_parts_fails_the_row_check(tmp_path: Path, fmt: str) -> None:
    """财政拨款 50 merged across 财政专户拨款 under a 总计 of 50: both parts are 50, the row does not reconcile and
    check reports it (it loaded 财政专户拨款 0 and passed, whichever part the 50 was)."""
    table, report, code = _checked(tmp_path, fmt, BAD)
    assert _amounts(table, "乙项目") == {"total": 50, "fiscal": 50, "special_account": 50, "other": 0}
    (failed,) = [f for f in table.findings if not f.passed]
    assert (failed.check, failed.scope, failed.expected_yuan, failed.actual_yuan) == (
        "row_total=sum(funding)",
        "乙项目",
        Decimal("500000.00"),
        Decimal("1000000.00"),
    )
    assert code == EXIT_UNRECONCILED
    said = "row_total=sum(funding) 乙项目 total: expected 500000.00 yuan, found 1000000.00"
    assert any(said in line for line in report), report
    assert any("50 across 财政拨款 | 财政专户拨款" in note for note in table.notes), table.notes


@pytest.mark.parametrize("fmt", sorted(WRITERS))
def test_merges_over_other_columns_read_as_before(tmp_path: Path, fmt: str) -> None:
    """An amount merged across 其他资金 and 绩效目标 (not only amount columns) stays in 其他资金 alone; a text merged
    across 总计 and 财政拨款 is no amount: the row is rejected naming it, as before; nothing is noted."""
    rows: list[Row] = [
        HEADER,
        ["甲项目", "20", "", "", ("20", 2), ITEM],
        ["乙项目", ("详见附表", 2), "", "", GOAL, ITEM],
        ["丙项目", "10", "10", "", "", GOAL, ITEM],
    ]
    table, _, code = _checked(tmp_path, fmt, rows)
    assert _amounts(table, "甲项目") == {"total": 20, "fiscal": 0, "special_account": 0, "other": 20}
    assert [p.project_name for p in table.projects] == ["甲项目", "丙项目"]
    (reject,) = table.rejects
    assert "详见附表" in reject.reason and code == EXIT_REJECTED
    assert not any(MERGED_NOTE in note for note in table.notes)


def test_merged_range_beside_a_hidden_column(tmp_path: Path) -> None:
    """A hidden column before the merged range (a stale 旧总计 kept beside the shown one): the range is counted in
    the columns read, so 总计 across 财政拨款 still lands on 总计 and 财政拨款."""
    path = _xlsx(filed(tmp_path, "table.xlsx"), GOOD, hidden=1)
    (table,) = check_files([path])
    assert isinstance(table, SourceTable), table
    assert _amounts(table, "甲项目") == {"total": 100, "fiscal": 100, "special_account": 0, "other": 0}
    assert table.reconciled and not table.rejects


def test_colspan_over_a_collapsed_column(tmp_path: Path) -> None:
    """A page whose <col> takes a column out (visibility:collapse) before the amounts: a colspan over 总计 and
    财政拨款 is counted in the columns shown."""
    cols = '<colgroup><col><col style="visibility:collapse"><col span="6"></colgroup>'
    rows = [[row[0], "999", *row[1:]] for row in GOOD]
    page = _html(filed(tmp_path, "table.html"), rows).read_text(encoding="utf-8").replace("<table>", f"<table>{cols}")
    table = parsed_inline(tmp_path, page, "table.html")
    assert _amounts(table, "甲项目") == {"total": 100, "fiscal": 100, "special_account": 0, "other": 0}
    assert table.reconciled and not table.rejects


TWO_ROW_HEAD = (
    "<tr><th rowspan=2>项目名称</th><th rowspan=2>总计</th><th colspan=3>资金来源</th><th rowspan=2>绩效目标</th>"
    "<th rowspan=2>绩效指标</th></tr><tr><th>财政拨款</th><th>财政专户拨款</th><th>其他资金</th></tr>"
)


def test_two_row_header_merged_amounts(tmp_path: Path) -> None:
    """A header on two rows (资金来源 over 财政拨款 | 财政专户拨款 | 其他资金, 总计 beside it over both rows): the
    columns the second row names are amount columns too; the 资金来源 colspan is a header, not an amount."""
    table = parsed_inline(tmp_path, _html(filed(tmp_path, "t.html"), GOOD, TWO_ROW_HEAD).read_bytes(), "table.html")
    assert _amounts(table, "甲项目") == {"total": 100, "fiscal": 100, "special_account": 0, "other": 0}
    assert _amounts(table, "乙项目") == {"total": 50, "fiscal": 30, "special_account": 0, "other": 20}
    assert table.reconciled and not table.rejects


def test_merged_down_and_across_in_the_per_row_layout(tmp_path: Path) -> None:
    """One indicator per row, the project's name and amounts merged down its rows and its 总计 across 财政拨款: the
    first row's amount is read in both columns, the rows below inherit the project as before."""
    book, sheet = _titled_book()
    sheet.append(PER_ROW_HEADER)
    for i, item in enumerate(PER_ROW_ITEMS[:2]):
        sheet.append(["甲项目" if i == 0 else None, 80 if i == 0 else None, None, None, *item])
    sheet.merge_cells("A5:A6")
    sheet.merge_cells("B5:C6")
    sheet.merge_cells("D5:D6")
    path = filed(tmp_path, "table.xlsx")
    book.save(path)
    (table,) = check_files([path])
    assert isinstance(table, SourceTable), table
    assert _amounts(table, "甲项目") == {"total": 80, "fiscal": 80, "special_account": 0, "other": 0}
    assert len(table.projects[0].indicators) == 2 and table.reconciled and not table.rejects


def test_docx_merged_down_keeps_the_first_rows_amount(tmp_path: Path) -> None:
    """Word: a cell across 总计 and 财政拨款 that also starts a vertical merge (w:vMerge restart, which no row below
    continues): the amount is read in both columns, as a cell that starts none."""
    path = _docx(filed(tmp_path, "table.docx"), GOOD)
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    span, restart = '<w:gridSpan w:val="2"/>', '<w:vMerge w:val="restart"/>'
    xml = xml.replace(f"{span}</w:tcPr><w:p><w:r><w:t>100", f"{span}{restart}</w:tcPr><w:p><w:r><w:t>100")
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", xml)
    table = parsed_inline(tmp_path, data.getvalue(), "table.docx")
    assert _amounts(table, "甲项目") == {"total": 100, "fiscal": 100, "special_account": 0, "other": 0}


def test_value_kept_under_a_merged_range_is_not_read(tmp_path: Path) -> None:
    """A workbook written by a program can keep a value under a merged range (C5 = 60 under B5:C5 = 100): Excel
    shows 100 across 总计 and 财政拨款, not the 60; the part is 100 (it loaded 60, and the row did not reconcile)."""
    path = _xlsx(filed(tmp_path, "table.xlsx"), [HEADER, ["甲项目", "100", "60", "", "", GOAL, ITEM]])
    (table,) = check_files([_merged_by_hand(path, ["B5:C5"])])
    assert isinstance(table, SourceTable), table
    assert _amounts(table, "甲项目") == {"total": 100, "fiscal": 100, "special_account": 0, "other": 0}
    assert table.reconciled and not table.rejects


@pytest.mark.parametrize("span", ["2px", "2.0", "2;"])
def test_colspan_read_as_a_browser_reads_it(tmp_path: Path, span: str) -> None:
    """A 合计 over 序号 and 项目名称 with colspan="2px" (or 2.0, 2;), which a browser reads as 2: read as 1, the
    row's later cells moved a column left (150 read as the name, the 合计 lost and the row rejected)."""
    rows: list[Row] = [["序号", *HEADER], ["1", *GOOD[1]], ["2", *GOOD[2]], [("合计", 2), *GOOD[3][1:]]]
    page = _html(filed(tmp_path, "t.html"), rows).read_text(encoding="utf-8")
    page = page.replace("<td colspan=2>合计", f'<td colspan="{span}">合计')
    table = parsed_inline(tmp_path, page, "table.html")
    assert [(a.kind, a.name, a.amounts["total"] / WAN) for a in table.aggregates] == [("grand_total", "合计", 150)]
    assert len(table.projects) == 2 and table.reconciled and not table.rejects


def _wide_total(path: Path, merges: list[str]) -> Path:
    """总计 printed two grid columns wide (B4:C4 merged, as a form's layout columns make it), 财政拨款 in D."""
    book, sheet = _titled_book()
    sheet.append([HEADER[0], HEADER[1], None, *HEADER[2:]])
    sheet.append(["甲项目", 100, None, None, None, None, GOAL, ITEM])
    sheet.append(["乙项目", 50, None, 50, None, None, GOAL, ITEM])
    for ref in ["B4:C4", "B6:C6", *merges]:
        sheet.merge_cells(ref)
    book.save(path)
    return path


def test_merge_across_a_wide_header_and_the_next_column(tmp_path: Path) -> None:
    """总计 two grid columns wide (its header merged B4:C4): 100 merged across B5:D5 covers 总计 and 财政拨款, and is
    read in both; 乙's 总计 merged B6:C6, within the one column, stays 总计 alone, and is not noted."""
    (table,) = check_files([_wide_total(filed(tmp_path, "table.xlsx"), ["B5:D5"])])
    assert isinstance(table, SourceTable), table
    assert _amounts(table, "甲项目") == {"total": 100, "fiscal": 100, "special_account": 0, "other": 0}
    assert _amounts(table, "乙项目") == {"total": 50, "fiscal": 50, "special_account": 0, "other": 0}
    assert table.reconciled and not table.rejects
    (note,) = [note for note in table.notes if MERGED_NOTE in note]
    assert note.endswith("line 5 100 across 总计 | 财政拨款"), note


PER_ROW_HEADER = ["项目名称", "总计", "财政拨款", "其他资金", "一级指标", "二级指标", "三级指标", "指标值"]
PER_ROW_ITEMS = [
    ("产出指标", "数量指标", "服务村居数", "≥100个"),
    ("效益指标", "社会效益指标", "群众满意度", "≥90%"),
    ("产出指标", "质量指标", "合格率", "100%"),
]


def _per_row_under_merges(path: Path, under: str) -> Path:
    """One indicator per row, 甲项目 and its amounts merged down its three rows (A5:A7 …), with ``under`` left in
    A6, under the range (as a program that writes every cell, then merges, leaves it), and 丙项目 after it."""
    book, sheet = _titled_book()
    sheet.append(PER_ROW_HEADER)
    for i, item in enumerate(PER_ROW_ITEMS):
        sheet.append(["甲项目" if i == 0 else under if i == 1 else None, 80 if i == 0 else None, None, None, *item])
    sheet.append(["丙项目", 20, 20, None, "产出指标", "数量指标", "次数", "≥1次"])
    book.save(path)
    return _merged_by_hand(path, ["A5:A7", "B5:B7", "C5:C7", "D5:D7"])


@pytest.mark.parametrize("under", ["乙项目", "甲项目"])
def test_value_under_a_range_merged_down_is_not_read(tmp_path: Path, under: str) -> None:
    """A stale 乙项目 kept in A6, under 甲项目 merged down A5:A7: Excel shows 甲项目 over the three rows; it loaded a
    project 乙项目 of 0 yuan holding two of 甲's indicators, and every check passed. Not read, and noted; the same name
    kept there (a program that fills every cell of a range) is read as before, and not noted."""
    (table,) = check_files([_per_row_under_merges(filed(tmp_path, "table.xlsx"), under)])
    assert isinstance(table, SourceTable), table
    assert [(p.project_name, len(p.indicators)) for p in table.projects] == [("甲项目", 3), ("丙项目", 1)]
    assert _amounts(table, "甲项目") == {"total": 80, "fiscal": 0, "special_account": 0, "other": 0}
    notes = [note for note in table.notes if "values under merged cells not read" in note]
    said = f"values under merged cells not read (the merged cell's own is shown): sheet 'Sheet' A6 {under!r}"
    assert notes == ([said] if under != "甲项目" else [])


def test_value_under_an_xls_merged_cell_is_not_read(tmp_path: Path) -> None:
    """.xls: 60 written into C5 under B5:C5 merged (100): Excel shows 100 across 总计 and 财政拨款; 财政拨款 is 100."""
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    sheet = book.add_sheet("表", cell_overwrite_ok=True)
    for r, line in enumerate((TITLE, DEPARTMENT, UNIT)):
        sheet.write(r, 0, line)
    for c, text in enumerate(HEADER):
        sheet.write(3, c, text)
    for c, value in enumerate(["甲项目", None, None, None, None, GOAL, ITEM]):
        if value is not None:
            sheet.write(4, c, value)
    sheet.write_merge(4, 4, 1, 2, 100)
    sheet.write(4, 2, 60)
    path = filed(tmp_path, "table.xls")
    book.save(str(path))
    (table,) = check_files([path])
    assert isinstance(table, SourceTable), table
    assert _amounts(table, "甲项目") == {"total": 100, "fiscal": 100, "special_account": 0, "other": 0}
    assert any("C5 '60'" in note for note in table.notes), table.notes


def test_overlapping_merged_ranges_are_refused(tmp_path: Path) -> None:
    """A damaged sheet listing one range many times (A1:XFD1048576, 2,000 times): refused as damaged, at once, not
    cleared a million rows at a time."""
    path = _xlsx(filed(tmp_path, "table.xlsx"), GOOD)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    ranges = '<mergeCell ref="A1:XFD1048576"/>' * 2000
    sheet_xml = "xl/worksheets/sheet1.xml"
    parts[sheet_xml] = re.sub(rb"<mergeCells.*</mergeCells>", b"", parts[sheet_xml]).replace(
        b"</sheetData>", f'</sheetData><mergeCells count="2000">{ranges}</mergeCells>'.encode()
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    (refusal,) = check_files([path])
    assert isinstance(refusal, Refusal), refusal
    assert "merged ranges that overlap (a damaged file)" in refusal.reason


@pytest.mark.parametrize(("rows", "fiscal"), [(GOOD, 100), (BAD, 50)])
def test_word_cells_merged_the_older_way(tmp_path: Path, rows: list[Row], fiscal: int) -> None:
    """Word cells merged across with w:hMerge (restart, then continue: Word 2003's way, as converters still write
    it) instead of w:gridSpan: one merged cell, as with gridSpan (its continued cell was read as a cell of its own, the
    part 0); a continued cell's text is not shown, and not read."""
    path = _docx(filed(tmp_path, "t.docx"), rows)
    xml = zipfile.ZipFile(path).read("word/document.xml").decode()
    restart, hidden = '<w:tcPr><w:hMerge w:val="restart"/></w:tcPr>', "<w:r><w:t>999</w:t></w:r>"
    xml = re.sub(
        r'<w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr>(<w:p>.*?</w:p>)</w:tc>',
        rf"<w:tc>{restart}\1</w:tc><w:tc><w:tcPr><w:hMerge/></w:tcPr><w:p>{hidden}</w:p></w:tc>",
        xml,
    )
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("word/document.xml", xml)
    table = parsed_inline(tmp_path, data.getvalue(), "table.docx")
    name = "甲项目" if rows is GOOD else "乙项目"
    assert _amounts(table, name)["fiscal"] == fiscal and "999" not in repr(table.projects)
    assert table.reconciled is (rows is GOOD)


def test_rowspan_zero_spans_the_rest_of_its_row_group(tmp_path: Path) -> None:
    """Each unit a <tbody> of its own, its 单位名称 cell rowspan="0", which a browser spans over the rest of the
    <tbody>: read as 1, the unit's second row moved a column left (乙项目 read as the unit, its goal as 其他资金: the
    row rejected)."""
    head = "<thead><tr><th>单位名称</th>" + "".join(f"<th>{h}</th>" for h in HEADER) + "</tr></thead>"

    def unit(name: str, projects: list[tuple[str, str]]) -> str:
        trs = [
            f"<tr>{f'<td rowspan=0>{name}</td>' if i == 0 else ''}"
            + "".join(f"<td>{t}</td>" for t in project_row(project, total))
            + "</tr>"
            for i, (project, total) in enumerate(projects)
        ]
        return f"<tbody>{''.join(trs)}</tbody>"

    body = unit("甲单位", [("甲项目", "10"), ("乙项目", "20")]) + unit("乙单位", [("丙项目", "30")])
    lines = "".join(f"<p>{line}</p>" for line in (TITLE, DEPARTMENT, UNIT))
    table = parsed_inline(tmp_path, f"<html><body>{lines}<table>{head}{body}</table></body></html>", "table.html")
    assert [(p.project_name, p.unit_name, p.amounts["total"] / WAN) for p in table.projects] == [
        ("甲项目", "甲单位", 10),
        ("乙项目", "甲单位", 20),
        ("丙项目", "乙单位", 30),
    ]
    assert table.reconciled and not table.rejects
