"""Hidden rows of a workbook: GENERATED workbooks of the real sample (each test writes its own into tmp_path; none is
a real file).

Found (fix-h2): a row the workbook hides (by hand, or filtered out by an autofilter) was read like any other: a
stale line kept hidden under its replacement (an old amount, a withdrawn project) loaded beside it. Hidden columns
were already left out. Now a hidden row below the header row is not loaded and each one holding text is a reject
(file, line, the sheet and its row); a hidden empty row is nothing; hidden title lines and a hidden header row are
still the table's frame (a note says so).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from etl.cli.app import app
from etl.load.run import run_load
from etl.model import SourceTable
from etl.transform.pipeline import process_file
from etl.warehouse.connect import connect
from tests.inline_tables import cell_number, filed
from tests.layout_facts import parsed_facts

LABEL = "GENERATED from the real sample tianhe-sfj.txt (not a real table)"
TITLE, DEPARTMENT, UNIT = "项目支出绩效目标表（含转移支付项目）", "部门名称：广州市天河区司法局", "单位：万元"
STALE = ["业务装备购置经费", "20.00", "20.00", "", "", "旧的绩效目标（已撤回）", ""]
STALE_RAW = "业务装备购置经费\t20\t20\t\t\t旧的绩效目标（已撤回）"  # as read: the workbook stores 20.0
REASON = "hidden row in the workbook (sheet {!r}, row {}): not loaded"


def _append(sheet: openpyxl.worksheet.worksheet.Worksheet, row: list[str]) -> int:
    sheet.append([row[0], *(cell_number(c) for c in row[1:5]), *(c or None for c in row[5:])])
    return sheet.max_row


def _workbook(path: Path, grid: tuple, autofilter: bool = False) -> dict[str, int]:
    """The sample on one sheet, its title and header rows hidden, a stale project row hidden above the one that
    replaces it and a hidden empty row; the row numbers of what was hidden."""
    header, rows = grid
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "绩效目标表"
    for line in [LABEL, TITLE, DEPARTMENT, UNIT]:
        sheet.append([line])
    at = {"title": 2, "header": _append(sheet, header)}
    for row in rows:
        if row[0] == STALE[0]:
            at["stale"] = _append(sheet, STALE)
        _append(sheet, row)
    at["empty"] = sheet.max_row + 1
    sheet.cell(at["empty"], 3).number_format = "0.00"  # a styled cell, no value
    for key in ("title", "header", "stale", "empty"):
        sheet.row_dimensions[at[key]].hidden = True
    if autofilter:  # rows an autofilter filters out are stored hidden, as Excel stores them
        sheet.auto_filter.ref = f"A{at['header']}:G{at['empty']}"
        sheet.auto_filter.add_filter_column(5, ["保障局办公大楼"])
    book.save(path)
    return at


@pytest.mark.parametrize("autofilter", [False, True])
def test_a_hidden_row_is_not_loaded_and_is_recorded(
    tmp_path: Path, grid: tuple, original: SourceTable, autofilter: bool
) -> None:
    path = filed(tmp_path, "tianhe-sfj.xlsx")
    at = _workbook(path, grid, autofilter)
    table = process_file(path)
    assert [(r.line_no, r.reason, r.raw_text) for r in table.rejects] == [
        (at["stale"], REASON.format("绩效目标表", at["stale"]), STALE_RAW)
    ]
    facts = parsed_facts(table)
    assert facts.pop("rejects") == [(REASON.format("绩效目标表", at["stale"]), STALE_RAW)]
    expected = parsed_facts(original)
    expected.pop("rejects")
    assert facts == expected  # the stale 20.00 is not loaded: 14.07 is, and the table reconciles
    assert f"sheet '绩效目标表' row {at['title']}, sheet '绩效目标表' row {at['header']}" in table.notes[-1]


def test_a_hidden_row_of_an_xls_is_not_loaded_and_is_recorded(tmp_path: Path, grid: tuple) -> None:
    import xlwt

    header, rows = grid
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("表")
    lines = [[LABEL], [TITLE], [DEPARTMENT], [UNIT], header, *rows[:4], STALE, *rows[4:]]
    for r, line in enumerate(lines):
        for c, value in enumerate(line):
            if value:
                sheet.write(r, c, cell_number(value) if 1 <= c <= 4 else value)
    sheet.row(9).hidden = True  # the stale row (row 10)
    sheet.row(len(lines)).hidden = True  # an empty row
    path = filed(tmp_path, "tianhe-sfj.xls")
    book.save(str(path))
    table = process_file(path)
    assert [(r.line_no, r.reason) for r in table.rejects] == [(10, REASON.format("表", 10))]
    assert (len(table.projects), table.n_targets, table.reconciled) == (22, 110, True)


def test_an_xls_whose_formatting_cannot_be_read_says_its_hidden_rows_were_read(
    tmp_path: Path, grid: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An old .xls whose formats xlrd cannot read gives no row or column info: what it hides is read, and the notes
    say so instead of nothing (found by the round's review)."""
    import xlrd
    import xlwt

    from etl.extract.workbook import NO_FORMATS_NOTE

    header, rows = grid
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("表")
    for r, line in enumerate([[LABEL], [TITLE], [DEPARTMENT], [UNIT], header, *rows]):
        for c, value in enumerate(line):
            if value:
                sheet.write(r, c, cell_number(value) if 1 <= c <= 4 else value)
    path = filed(tmp_path, "tianhe-sfj.xls")
    book.save(str(path))
    opened = xlrd.open_workbook

    def no_formats(*args: object, **kwargs: object) -> object:
        if kwargs.get("formatting_info"):
            raise xlrd.XLRDError("formatting_info=True not yet implemented")  # as xlrd says for an old BIFF
        return opened(*args, **kwargs)

    monkeypatch.setattr(xlrd, "open_workbook", no_formats)
    table = process_file(path)
    assert NO_FORMATS_NOTE in table.notes
    assert (len(table.projects), table.reconciled) == (22, True)


def test_a_hidden_row_on_a_second_sheet_is_named_by_its_sheet(tmp_path: Path, grid: tuple) -> None:
    header, rows = grid
    book = openpyxl.Workbook()
    first = book.active
    first.title = "第一页"
    second = book.create_sheet("第二页")
    for sheet, part in ((first, rows[:10]), (second, rows[10:])):
        for line in [LABEL, TITLE, DEPARTMENT, UNIT]:
            sheet.append([line])
        for row in [header, *part]:
            _append(sheet, row)
    hidden = _append(second, STALE)
    second.row_dimensions[hidden].hidden = True
    path = filed(tmp_path, "tianhe-sfj.xlsx")
    book.save(path)
    table = process_file(path)
    assert [(r.line_no, r.reason) for r in table.rejects] == [(100_000 + hidden, REASON.format("第二页", hidden))]
    assert (len(table.projects), table.n_targets, table.reconciled) == (22, 110, True)


def test_the_reject_reaches_the_warehouse_and_check(tmp_path: Path, grid: tuple) -> None:
    path = filed(tmp_path / "raw", "tianhe-sfj.xlsx")
    at = _workbook(path, grid)
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 5
    assert f"reject   line {at['stale']}: {REASON.format('绩效目标表', at['stale'])} [业务装备购置经费 | 20 | 20" in (
        result.output
    )
    warehouse = tmp_path / "wh" / "w.duckdb"
    run_load([path], warehouse)
    con = connect(warehouse, read_only=True)
    try:
        rejects = con.execute("SELECT source_path, source_line, reason FROM load_reject").fetchall()
        logged = con.execute("SELECT status, n_projects, n_rejects FROM load_log").fetchall()
    finally:
        con.close()
    assert rejects == [(str(path), at["stale"], REASON.format("绩效目标表", at["stale"]))]
    assert logged == [("loaded", 22, 1)]


def test_totals_short_of_a_hidden_project_point_at_its_reject(tmp_path: Path, grid: tuple) -> None:
    """A project row hidden while the shown 合计 still counts it: the row is rejected, the totals do not reconcile
    (exit 4), and the line saying so points at the rejected row (found by the round's review)."""
    header, rows = grid
    path = filed(tmp_path / "raw", "tianhe-sfj.xlsx")
    book = openpyxl.Workbook()
    sheet = book.active
    for line in [LABEL, TITLE, DEPARTMENT, UNIT]:
        sheet.append([line])
    _append(sheet, header)
    for row in rows:
        _append(sheet, row)
    sheet.row_dimensions[sheet.max_row].hidden = True  # the last project, which the 合计 above counts
    book.save(path)
    result = CliRunner().invoke(app, ["load", str(path), "-w", str(tmp_path / "wh" / "w.duckdb")])
    assert result.exit_code == 4, result.output
    assert "1 rejected row in load_reject may hold the difference" in result.output


def test_hidden_rows_are_found_in_the_one_read_of_the_sheet(
    tmp_path: Path, grid: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sheet's XML is parsed once: the hidden flags come from the pass that reads the cells."""
    from openpyxl.worksheet._reader import WorkSheetParser

    path = filed(tmp_path, "tianhe-sfj.xlsx")
    _workbook(path, grid)
    parses = []
    parse = WorkSheetParser.parse
    monkeypatch.setattr(WorkSheetParser, "parse", lambda self: parses.append(1) or parse(self))
    assert len(process_file(path).rejects) == 1
    assert len(parses) == 1


def test_a_hidden_unit_line_that_disagrees_is_refused_not_read(tmp_path: Path) -> None:
    """(review-r) GENERATED: a stale 单位：元 hidden above the shown 单位：万元 was read as the table's unit (the
    first one wins): every amount / 10,000, loaded and reconciled. Two units above one table are now refused."""
    path = filed(tmp_path, "two-units.xlsx")
    book = openpyxl.Workbook()
    sheet = book.active
    indicator = "1、1-产出指标：11-数量指标：人数；实施周期指标值:5人；年度指标值:5人。"
    for row in [
        [LABEL],
        [TITLE],
        [DEPARTMENT],
        ["单位：元"],
        [UNIT],
        ["项目名称", "总计", "财政拨款", "绩效目标", "绩效指标"],
        ["合计", 30, 30],
        ["项目甲", 10, 10, "目标", indicator],
        ["项目乙", 20, 20, "目标", indicator],
    ]:
        sheet.append(row)
    sheet.row_dimensions[4].hidden = True
    book.save(path)
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 3, result.output
    assert "amount unit disagrees: the lines above the table say 单位：元 and 单位：万元" in " ".join(
        result.output.split()
    )
