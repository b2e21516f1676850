"""Round 29's third bad-input hunt, workbooks as offices save them: GENERATED variants of the fixture
tests/fixtures/layouts/2024/tianhe-sfj.xlsx (the real sample as a workbook; each test writes its own into tmp_path).

Found (each test below failed before its fix):
- formulas with no stored result in a sheet whose elements carry a namespace prefix (<x:c><x:f>, as the .NET OpenXML
  SDK writes them; it computes nothing) were not found: every amount read 0, exit 0; nor were such cells with no
  r= attribute or r='B7' in single quotes, nor a sheet stored outside xl/worksheets/;
- a row of height 0 (Excel shows nothing of it), in .xlsx and .xls, loaded as a project; a column of width 0 likewise;
- a number format printing the unit (#,##0.00"千元") was not read: the table loaded in the default 万元, 10 times
  too large, exit 0;
- an .xlsx named .xls, an .xls named .xlsx, an HTML page or a CSV named .xls were refused with the library's words
  ("Expected BOF record; found b'<html xm'"); an .xlsm was an unsupported file type.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from etl.model import Refusal, SourceTable
from etl.transform.pipeline import run_file
from tests.inline_tables import filed

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts" / "2024"
BOOK = LAYOUTS / "tianhe-sfj.xlsx"
SHEET = "绩效目标表"
TOTAL_YUAN = Decimal("14853400.00")


def _total(table: SourceTable) -> Decimal:
    return sum((p.amounts["total"] for p in table.projects), Decimal(0))


def _patched(path: Path, change: Callable[[str, bytes], bytes]) -> None:
    """The workbook with each part rewritten by change(name, bytes)."""
    with zipfile.ZipFile(path) as archive:
        parts = [(info.filename, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            archive.writestr(name, change(name, data))


SHEET_PART = "xl/worksheets/sheet2.xml"  # the table's sheet (the second: a notes sheet comes first)


def _with_formulas(tmp_path: Path) -> Path:
    """The sample with every project's 总计 a formula openpyxl stores without a result."""
    book = openpyxl.load_workbook(BOOK)
    sheet = book[SHEET]
    for row in range(7, sheet.max_row + 1):
        if isinstance(sheet.cell(row, 2).value, int | float):
            sheet.cell(row, 2).value = f"=C{row}+D{row}+E{row}"
    path = filed(tmp_path, "t.xlsx")
    book.save(path)
    return path


def _prefixed(data: bytes) -> bytes:
    text = re.sub(r"<(/?)(?![?!])([A-Za-z]+)", r"<\1x:\2", data.decode("utf-8"))
    return text.replace('xmlns="http://schemas', 'xmlns:x="http://schemas', 1).encode("utf-8")


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(_prefixed, id="namespace prefix"),
        pytest.param(lambda d: re.sub(rb'(<c) r="[A-Z]+\d+"([^>]*><f>)', rb"\1\2", d), id="no r="),
        pytest.param(lambda d: re.sub(rb'r="([A-Z]+\d+)"', rb"r='\1'", d), id="r in single quotes"),
    ],
)
def test_formulas_without_a_result_are_found_however_the_xml_is_written(
    tmp_path: Path, change: Callable[[bytes], bytes]
) -> None:
    path = _with_formulas(tmp_path)
    sheet = SHEET_PART
    _patched(path, lambda name, data: change(data) if name == sheet else data)
    refused = run_file(path)
    assert isinstance(refused, Refusal) and "formula cell(s) without a computed value" in refused.reason


def test_formulas_without_a_result_in_a_sheet_stored_elsewhere_are_found(tmp_path: Path) -> None:
    path = _with_formulas(tmp_path)
    sheet = SHEET_PART
    moved = "xl/other/table.xml"

    def move(name: str, data: bytes) -> bytes:
        return (
            data.replace(b"worksheets/sheet2.xml", b"other/table.xml")
            if name.endswith(".rels") or (name == "[Content_Types].xml")
            else data
        )

    _patched(path, move)
    with zipfile.ZipFile(path) as archive:
        parts = [(moved if i.filename == sheet else i.filename, archive.read(i)) for i in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            archive.writestr(name, data)
    refused = run_file(path)
    assert isinstance(refused, Refusal) and "formula cell(s) without a computed value" in refused.reason


def test_a_row_of_no_height_is_hidden(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(BOOK)
    sheet = book[SHEET]
    old = sheet.max_row + 1
    for column, value in enumerate(["往年旧项目经费", 50, 50], start=1):
        sheet.cell(old, column).value = value
    path = filed(tmp_path, "t.xlsx")
    book.save(path)
    part = SHEET_PART
    _patched(
        path,
        lambda n, d: (
            d.replace(f'<row r="{old}"'.encode(), f'<row r="{old}" ht="0" customHeight="1"'.encode())
            if n == part
            else d
        ),
    )
    table = run_file(path)
    assert isinstance(table, SourceTable) and len(table.projects) == 22 and _total(table) == TOTAL_YUAN
    assert any("hidden" in r.reason for r in table.rejects)


def test_a_column_of_no_width_is_hidden(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(BOOK)
    sheet = book[SHEET]
    sheet.insert_cols(3)  # a stale 总计 beside the shown one, in a column of width 0
    sheet.cell(4, 3).value = "总计"
    for row in range(5, sheet.max_row + 1):
        if isinstance(sheet.cell(row, 2).value, int | float):
            sheet.cell(row, 3).value = 999
    path = filed(tmp_path, "t.xlsx")
    book.save(path)
    cols = b'<cols><col min="3" max="3" width="0" customWidth="1"/></cols><sheetData>'  # (openpyxl writes no width 0)
    part = SHEET_PART
    _patched(path, lambda n, d: d.replace(b"<sheetData>", cols, 1) if n == part else d)
    table = run_file(path)
    assert isinstance(table, SourceTable) and _total(table) == TOTAL_YUAN, table


def test_a_unit_the_number_format_prints_is_read(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(BOOK)
    sheet = book[SHEET]
    sheet.cell(3, 1).value = None  # no 单位 line: the cells show theirs
    for row in sheet.iter_rows(min_row=5, min_col=2, max_col=5):
        for cell in row:
            if isinstance(cell.value, int | float):
                cell.value = round(cell.value * 10, 2)  # 万元 -> 千元
                cell.number_format = '#,##0.00"千元"'
    path = filed(tmp_path, "t.xlsx")
    book.save(path)
    table = run_file(path)
    assert isinstance(table, SourceTable) and _total(table) == TOTAL_YUAN and table.reconciled


@pytest.mark.parametrize(
    ("source", "name", "kind"),
    [
        ("tianhe-sfj.xlsx", "t.xls", "an .xlsx workbook"),
        ("tianhe-sfj.xls", "t.xlsx", "an .xls workbook"),
        ("tianhe-sfj.html", "t.xls", "an HTML page"),
        ("tianhe-sfj.csv", "t.xls", "text"),
        ("tianhe-sfj.xlsx", "t.xlsm", None),
    ],
)
def test_a_workbook_named_for_another_kind_is_read_as_what_it_is(
    tmp_path: Path, source: str, name: str, kind: str | None
) -> None:
    path = filed(tmp_path, name)
    shutil.copy(LAYOUTS / source, path)
    table = run_file(path)
    assert isinstance(table, SourceTable), table
    assert len(table.projects) == 22 and _total(table) == TOTAL_YUAN
    if kind:
        assert any(f"the file is {kind}, though named" in note for note in table.notes)


def test_an_excel_2003_xml_or_a_word_document_named_as_a_workbook_is_refused_saying_what_it_is(
    tmp_path: Path,
) -> None:
    xml = filed(tmp_path, "t.xls")
    xml.write_text(
        '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>\n',
        encoding="utf-8",
    )
    refused = run_file(xml)
    assert isinstance(refused, Refusal) and "Excel 2003 XML spreadsheet" in refused.reason
    docx = sorted((Path(__file__).parent / "fixtures").rglob("*.docx"))[0]
    word = filed(tmp_path / "w", "t.xlsx")
    shutil.copy(docx, word)
    refused = run_file(word)
    assert isinstance(refused, Refusal) and "a Word document named .xlsx" in refused.reason


def test_an_amount_merged_down_over_two_projects_is_refused(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(BOOK)
    sheet = book[SHEET]
    names = {sheet.cell(r, 1).value: r for r in range(1, sheet.max_row + 1)}
    first, second = names["居委调委会调解员工作补贴"], names["人民调解案件补贴"]
    assert second == first + 1
    shared = round(sheet.cell(first, 2).value + sheet.cell(second, 2).value, 2)
    for column in ("B", "C"):
        sheet[f"{column}{first}"] = shared
        sheet.merge_cells(f"{column}{first}:{column}{second}")
    path = filed(tmp_path, "t.xlsx")
    book.save(path)
    refused = run_file(path)
    assert isinstance(refused, Refusal), refused  # it loaded the whole amount as the first project's, the second's 0
    assert f"in B{first} is merged down over row {second}, which prints a name of its own" in refused.reason
    per_row = run_file(LAYOUTS / "tianhe-sfj-per-row.xlsx")  # a project's rows merged down together: one project
    assert isinstance(per_row, SourceTable) and len(per_row.projects) == 22


@pytest.mark.parametrize(("unit", "scale"), [("千元", 10), ("元", 10_000)])
def test_the_lines_of_a_cover_sheet_are_read_when_the_tables_sheet_prints_no_unit(
    tmp_path: Path, unit: str, scale: int
) -> None:
    book = openpyxl.load_workbook(BOOK)
    sheet = book[SHEET]
    cover = book["说明"]
    for row in range(1, 4):  # the title, 部门名称 and 单位 lines move to the cover
        cover.cell(cover.max_row + 1, 1).value = sheet.cell(row, 1).value
    cover.cell(cover.max_row, 1).value = f"单位：{unit}"
    sheet.delete_rows(1, 3)
    for row in sheet.iter_rows(min_row=2, min_col=2, max_col=5):
        for cell in row:
            if isinstance(cell.value, int | float):
                cell.value = round(cell.value * scale, 2)
    path = filed(tmp_path, "t.xlsx")
    book.save(path)
    table = run_file(path)
    assert isinstance(table, SourceTable), table
    assert table.source_unit == unit and _total(table) == TOTAL_YUAN and table.reconciled


def test_a_row_of_no_height_is_hidden_in_an_xls_too(tmp_path: Path) -> None:
    import xlwt

    text = (Path(__file__).parent.parent / "data" / "raw" / "2024" / "tianhe-sfj.txt").read_text(encoding="utf-8")
    lines = [line.split("\t") for line in text.splitlines() if line.strip()]
    header = next(k for k, cells in enumerate(lines) if cells[0].startswith("项目名称"))
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(SHEET)
    for r, cells in enumerate([*lines, ["往年旧项目经费", "50", "50"]]):
        for c, cell in enumerate(cells):
            number = r > header and 1 <= c <= 4 and cell.strip()
            sheet.write(r, c, float(cell.replace(",", "")) if number else cell)
    sheet.row(len(lines)).height = 0  # the old project's row: Excel shows nothing of it
    sheet.row(len(lines)).height_mismatch = True
    path = filed(tmp_path, "t.xls")
    book.save(str(path))
    table = run_file(path)
    assert isinstance(table, SourceTable) and len(table.projects) == 22 and _total(table) == TOTAL_YUAN, table
    assert any("hidden" in r.reason for r in table.rejects)


@pytest.mark.parametrize("white", ["FFFFFFFF", "theme 0"])
def test_a_row_in_white_type_on_no_fill_is_hidden(tmp_path: Path, white: str) -> None:
    from openpyxl.styles import Font
    from openpyxl.styles.colors import Color

    book = openpyxl.load_workbook(BOOK)
    sheet = book[SHEET]
    old = sheet.max_row + 1
    color = Color(rgb=white) if white != "theme 0" else Color(theme=0)
    for column, value in enumerate(["往年旧项目经费", 50, 50], start=1):
        sheet.cell(old, column).value = value
        sheet.cell(old, column).font = Font(color=color)
    path = filed(tmp_path, "t.xlsx")
    book.save(path)
    table = run_file(path)
    assert isinstance(table, SourceTable) and len(table.projects) == 22 and _total(table) == TOTAL_YUAN
    assert any("hidden" in r.reason for r in table.rejects)
    shown = openpyxl.load_workbook(path)
    from openpyxl.styles import PatternFill

    for column in range(1, 4):  # white on a dark fill shows: read
        shown[SHEET].cell(old, column).fill = PatternFill("solid", fgColor="FF000080")
    shown.save(path)
    read = run_file(path)  # the row is read: as a last row of three cells, cut short
    assert isinstance(read, Refusal) and "truncated" in read.reason, read


def test_a_list_printed_a_row_per_type_numbered_from_1_again_is_the_projects(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(BOOK)
    sheet = book[SHEET]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value == "区管退休干部节日慰问经费")
    packed = sheet.cell(row, 7).value
    cut = packed.index("3、")
    first, rest = packed[:cut], re.sub(r"(?<![\d.])([34])、", lambda m: f"{int(m[1]) - 2}、", packed[cut:])
    sheet.insert_rows(row + 1)
    sheet.cell(row, 7).value, sheet.cell(row + 1, 7).value = first, rest
    for column in "ABCDEF":  # the name, amounts and goal merged over the project's two rows
        sheet.merge_cells(f"{column}{row}:{column}{row + 1}")
    path = filed(tmp_path, "t.xlsx")
    book.save(path)
    table = run_file(path)
    assert isinstance(table, SourceTable) and not table.rejects, table
    assert sum(len(p.indicators) for p in table.projects) == 110 and len(table.projects) == 22
    retirees = next(p for p in table.projects if p.project_name == "区管退休干部节日慰问经费")
    assert [i.seq for i in retirees.indicators] == [1, 2, 3, 4]


def test_a_sheet_per_unit_each_with_its_own_total_reconciles(tmp_path: Path) -> None:
    """Each sheet's 合计 is its unit's: joined as they were, each was checked against every sheet's projects."""
    book = openpyxl.load_workbook(BOOK)
    sheet = book[SHEET]
    rows = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
    header, projects = rows[0], [r for r in rows[3:] if r[0]]
    del book["说明"]
    parts = {"甲单位": projects[:10], "乙单位": projects[10:]}
    book.remove(sheet)
    for title, part in parts.items():
        unit = book.create_sheet(title)
        unit.append(["部门名称：广州市天河区司法局"])
        unit.append(["单位：万元"])
        unit.append(header)
        unit.append(["合计", round(sum(r[1] for r in part), 2), round(sum(r[2] or 0 for r in part), 2)])
        for r in part:
            unit.append(r)
    path = filed(tmp_path, "t.xlsx")
    book.save(path)
    table = run_file(path)
    assert isinstance(table, SourceTable) and table.reconciled, table
    assert len(table.projects) == 22 and _total(table) == TOTAL_YUAN
    assert {p.unit_name for p in table.projects} == {"甲单位", "乙单位"}


def test_other_tables_sheets_before_the_target_table_are_no_cover(tmp_path: Path) -> None:
    """A department's budget workbook prints other tables first, each with its 单位：元: not the target table's unit
    (the review of this round: the table loaded 10,000 times too small)."""
    book = openpyxl.load_workbook(BOOK)
    del book["说明"]
    book[SHEET].delete_rows(3)  # its 单位：万元 line
    for index, title in enumerate(["部门收支总表", "基本支出表"]):
        other = book.create_sheet(title, index)
        for line in ([title], ["单位：元"], ["项目", "金额", "备注"], ["收入", 100, "-"]):
            other.append(line)
    path = filed(tmp_path, "t.xlsx")
    book.save(path)
    table = run_file(path)
    assert isinstance(table, SourceTable) and table.source_unit == "万元" and _total(table) == TOTAL_YUAN


@pytest.mark.parametrize("merged", ["K7:K8", "N7:N9"])
def test_a_per_row_value_or_weight_merged_down_is_no_shared_amount(tmp_path: Path, merged: str) -> None:
    book = openpyxl.load_workbook(LAYOUTS / "tianhe-sfj-per-row.xlsx")
    book[SHEET].merge_cells(merged)  # the same 指标值 (100) or 权重 (20.00) for the project's indicators
    path = filed(tmp_path, "t.xlsx")
    book.save(path)
    table = run_file(path)
    assert isinstance(table, SourceTable), table
    assert len(table.projects) == 22 and sum(len(p.indicators) for p in table.projects) == 110
