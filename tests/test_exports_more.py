"""Workbooks, pages and documents as people save them: GENERATED re-exports of the real sample (each test writes
its own into tmp_path) must give the same facts as the original, or be refused with a reason, never load other data.

Found by a correctness hunt (hunt-c):
- a table printed one sheet per unit (or continued on a second sheet): only the first sheet with a header row
  was read, the other sheets' projects were lost with exit 0 and a table that still reconciled; the same with
  an HTML page of one table per unit (a Word document read them all, but each repeated header row was a reject);
- a hidden sheet (an old version kept in the workbook) holding a header row was read instead of the visible one;
- a cell formatted as a percentage (stored 0.95, shown 95%) was read as 0.95: targets ≥0.95 instead of ≥95%,
  weights 0.2 instead of 20;
- a text export that leaves out a merged range's cells (a continuation row shorter, its cells the rightmost
  columns), re-saved as .xlsx or .xls: every row read as wide as the sheet, so the short rows were not aligned
  and their level-2 types became projects with 0 yuan;
- a per-row export printing the project on every row, the last project of one unit and the first of the next
  with the same name (党建工作经费): one project, the second unit's money and targets filed under the first;
- a =SUM() of 万元 amounts with four decimals (fen in 万元) caches 10606.752199999999: read as printed by repr, it
  was "finer than one fen" and refused the table (a 合计) or rejected the project; Excel shows 15 digits;
- a per-row export whose two-row header prints 绩效指标 over 一级指标 | 二级指标 | 三级指标 …: read as a packed
  绩效指标 column (the department-list layout), every project loaded without targets;
- a bracket list printing the level-1 type as a heading of its own (【产出指标】【数量指标】指标1:…): the indicators
  were read into the goal text, the project loaded without targets;
- a Word row that leaves grid columns out before its first cell (w:gridBefore, as converters write a row whose
  序号 cell is missing): its cells moved one column left, the amount read as the project's name;
- a 单位名称 column merged over its unit's projects (printed on the first only): the unit's other projects were
  filed under the department;
- a per-row weight printed with 分 (20分): every indicator row was a reject;
- 单位：万元 above the table and 总计（元） in its header: the line won silently (one of the two is wrong, and a
  table that reconciles in either unit cannot say which): refused now;
- Word content controls (w:sdt: a template's fill-in fields) around a title paragraph, rows or a cell: what they
  held was not read (the 部门名称 line, projects, a cell: the row's cells moved left);
- a Word tab (部门名称：X<w:tab/>填报日期：…) or line break (w:br) inside a paragraph was dropped, the texts run
  together: the department read as X填报日期：2024年1月15日;
- a workbook's title cell of several lines (项目支出绩效目标表 / 部门名称：… / 单位：万元 merged across the
  table): one header line, its 部门名称 not read (the department taken from the first unit row);
- a workbook whose <dimension> understates the sheet (A1, as streaming writers put it, or a stale range): only
  that rectangle was read, the table refused as no target table or cut (A1:F15: 8 projects, no targets);
- a saved page whose navigation lists other years' tables (2023年项目支出绩效目标表) above the title: the first
  such line was the title, the table filed under 2023 (or refused in a 2024 folder as a year disagreement);
- a page of single-project forms whose navigation links 2023年部门决算, …绩效自评表 or 预算执行完成情况: refused
  as a 决算 completion table or a self-evaluation (the look-alikes read every line of the page);
- a file of single-project forms of two departments (主管部门 A, then B): every project filed under A;
- a per-row export with 实施周期指标值 and 年度指标值 columns beside one 指标性质 and one 计量单位: the period
  value was kept bare (300, not ≥300人次: no comparison, no unit);
- a long table cut into two HTML tables, or continued on a second sheet, the second part without its header
  row: only the first part was read (13 of 22 projects lost);
- 小计 rows closing each unit's projects: read as units named 小计 (the 合计 then failed against twice the units);
- a placeholder for an empty amount other than - or — (——, /, –) refused the table or lost the project, and so
  did an amount in Excel's currency format (¥1,485.34, as Excel saves it to CSV).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from etl.extract import read_grid
from etl.extract.workbook import cell_text
from etl.model import SourceTable, TableRefused
from etl.transform.normalise import to_yuan
from etl.transform.pipeline import process_file
from tests.inline_tables import cell_number, filed
from tests.layout_facts import parsed_facts

TITLE, DEPARTMENT, UNIT = "项目支出绩效目标表（含转移支付项目）", "部门名称：广州市天河区司法局", "单位：万元"
LABEL = "GENERATED from data/raw/2024/tianhe-sfj.txt (not a real table)"


def _sheet(book: openpyxl.Workbook, title: str, header: list[str], rows: list[list[str]], lines: list[str]):
    sheet = book.create_sheet(title)
    sheet.append([LABEL])
    for line in lines:
        sheet.append([line])
    sheet.append(header)
    for row in rows:
        sheet.append([row[0], *(cell_number(c) for c in row[1:5]), *(c or None for c in row[5:])])
    return sheet


def test_a_table_continued_on_a_second_sheet_is_read_whole(tmp_path: Path, grid: tuple, original: SourceTable) -> None:
    header, rows = grid
    book = openpyxl.Workbook()
    book.remove(book.active)
    _sheet(book, "第一页", header, rows[:10], [TITLE, DEPARTMENT, UNIT])
    _sheet(book, "第二页", header, rows[10:], [TITLE, DEPARTMENT, UNIT])
    book.create_sheet("填报说明").append(["注：本表金额单位为万元。"])
    path = filed(tmp_path, "tianhe-sfj.xlsx")
    book.save(path)
    table = process_file(path)
    assert len(table.projects) == 22 and table.n_targets == 110
    assert parsed_facts(table) == parsed_facts(original)
    assert len({p.line_no for p in table.projects}) == 22  # the second sheet's rows keep distinct numbers


def test_sheets_of_two_departments_are_refused_not_joined(tmp_path: Path, grid: tuple) -> None:
    header, rows = grid
    book = openpyxl.Workbook()
    book.remove(book.active)
    _sheet(book, "司法局", header, rows[:10], [TITLE, DEPARTMENT, UNIT])
    _sheet(book, "民政局", header, rows[10:], [TITLE, "部门名称：广州市天河区民政局", UNIT])
    path = filed(tmp_path, "two.xlsx")
    book.save(path)
    with pytest.raises(TableRefused, match="民政局"):
        process_file(path)


def test_sheets_of_two_years_are_refused_not_joined(tmp_path: Path, grid: tuple) -> None:
    header, rows = grid
    book = openpyxl.Workbook()
    book.remove(book.active)
    _sheet(book, "2024年", header, rows[:10], ["2024年项目支出绩效目标表", DEPARTMENT, UNIT])
    _sheet(book, "2023年", header, rows[10:], ["2023年项目支出绩效目标表", DEPARTMENT, UNIT])
    path = filed(tmp_path, "two-years.xlsx")
    book.save(path)
    with pytest.raises(TableRefused, match="2023"):
        process_file(path)


def test_a_hidden_sheet_is_not_read(tmp_path: Path, grid: tuple, original: SourceTable) -> None:
    header, rows = grid
    book = openpyxl.Workbook()
    book.remove(book.active)
    old = _sheet(book, "旧版", header, rows[:3], [TITLE, DEPARTMENT, UNIT])
    old.sheet_state = "hidden"
    _sheet(book, "绩效目标表", header, rows, [TITLE, DEPARTMENT, UNIT])
    book.active = 1
    path = filed(tmp_path, "tianhe-sfj.xlsx")
    book.save(path)
    assert parsed_facts(process_file(path)) == parsed_facts(original)


def test_percent_formatted_cells_read_as_shown(tmp_path: Path) -> None:
    """An export's 指标值 and 权重 cells formatted 0% (stored 0.95, shown 95%) read as the text file prints them."""
    text = Path(__file__).parent / "fixtures" / "layouts_real" / "2024" / "jingyan-per-row.txt"
    lines = [line.split("\t") for line in text.read_text(encoding="utf-8").splitlines()]
    width = len(lines[2])
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([LABEL])
    for line in lines:
        if len(line) < width and len(line) > 3:  # a continuation row: the merged cells on its left left empty
            line = [""] * (width - len(line)) + line
        sheet.append([int(c) if c.isdigit() else (c or None) for c in line])
        row = sheet.max_row
        if len(line) == width and line[9] == "%" and line[8].isdigit():  # 指标值 95 | 计量单位 %
            sheet.cell(row, 9, int(line[8]) / 100).number_format = "0%"
            sheet.cell(row, 10).value = None
        if len(line) == width and line[10].isdigit():  # 权重 20 -> 20%
            sheet.cell(row, 11, int(line[10]) / 100).number_format = "0.0%"
    path = filed(tmp_path, "jingyan-per-row.xlsx")
    book.save(path)
    table, printed = process_file(path), process_file(text, 2024)
    assert parsed_facts(table) == parsed_facts(printed)
    weights = [i.weight for p in table.projects for i in p.indicators]
    assert weights == [i.weight for p in printed.projects for i in p.indicators] and Decimal(20) in weights


def test_cell_text_shows_percentages_and_dates_as_printed() -> None:
    assert cell_text(0.95, "0%") == "95%"
    assert cell_text(0.125, "0.0%") == "12.5%"
    assert cell_text(1, "0%") == "100%"
    assert cell_text(0.9500000000000001, "0.00%") == "95%"
    assert cell_text(dt.datetime(2024, 12, 31)) == "2024-12-31"
    assert cell_text(dt.datetime(2024, 12, 31, 17, 30)) == "2024-12-31T17:30:00"


@pytest.mark.parametrize("nil", ["——", "—", "-", "–", "/", "－－", " —— "])
def test_a_dash_or_slash_for_an_empty_amount_is_zero(nil: str) -> None:
    assert to_yuan(nil, "万元") == Decimal("0.00")


@pytest.mark.parametrize("cell", ["¥1,485.34", "￥1,485.34", "¥ 1,485.34"])
def test_an_amount_in_excels_currency_format(cell: str) -> None:
    """What Excel writes to a CSV (or a page) for a cell formatted as currency."""
    assert to_yuan(cell, "万元") == Decimal("14853400.00")


def test_an_xls_shows_percentages_and_dates_as_printed(tmp_path: Path) -> None:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("表")
    sheet.write(0, 0, 0.95, xlwt.easyxf(num_format_str="0%"))
    sheet.write(0, 1, dt.datetime(2024, 12, 31), xlwt.easyxf(num_format_str="yyyy-mm-dd"))
    sheet.write(0, 2, 12.3)
    path = tmp_path / "fmt.xls"
    book.save(str(path))
    assert read_grid(path).preamble == [(1, "95% 2024-12-31 12.3")]


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _html_table(header: list[str], rows: list[list[str]]) -> str:
    cells = lambda tag, r: "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in r)  # noqa: E731
    return f"<table><tr>{cells('th', header)}</tr>" + "".join(f"<tr>{cells('td', r)}</tr>" for r in rows) + "</table>"


def _word_table(header: list[str], rows: list[list[str]]) -> str:
    para = lambda t: f'<w:p><w:r><w:t xml:space="preserve">{html.escape(t)}</w:t></w:r></w:p>'  # noqa: E731
    cells = lambda r: "".join(f"<w:tc>{para(c)}</w:tc>" for c in r)  # noqa: E731
    return "<w:tbl>" + "".join(f"<w:tr>{cells(r)}</w:tr>" for r in [header, *rows]) + "</w:tbl>"


def _word(path: Path, body: str) -> Path:
    xml = f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>'
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", xml)
    return path


def _para(text: str) -> str:
    return f"<w:p><w:r><w:t>{html.escape(text)}</w:t></w:r></w:p>"


@pytest.mark.parametrize("suffix", ["html", "docx"])
def test_a_table_in_two_parts_each_with_its_header_is_read_whole(
    tmp_path: Path, grid: tuple, original: SourceTable, suffix: str
) -> None:
    header, rows = grid
    path = filed(tmp_path, f"tianhe-sfj.{suffix}")
    lines = [LABEL, TITLE, DEPARTMENT, UNIT]
    if suffix == "html":
        first, second = _html_table(header, rows[:10]), _html_table(header, rows[10:])
        head = "".join(f"<p>{t}</p>" for t in lines)
        path.write_text(f"<html><body>{head}{first}<p>{UNIT}</p>{second}</body></html>", encoding="utf-8")
    else:
        first, second = _word_table(header, rows[:10]), _word_table(header, rows[10:])
        _word(path, "".join(map(_para, lines)) + first + _para(UNIT) + second)
    table = process_file(path)
    assert parsed_facts(table) == parsed_facts(original)
    assert len({p.line_no for p in table.projects}) == 22


@pytest.mark.parametrize("suffix", ["html", "docx"])
def test_tables_of_two_departments_in_one_page_are_refused(tmp_path: Path, grid: tuple, suffix: str) -> None:
    header, rows = grid
    path = filed(tmp_path, f"two.{suffix}")
    other = "部门名称：广州市天河区民政局"
    if suffix == "html":
        first, second = _html_table(header, rows[:10]), _html_table(header, rows[10:])
        head = "".join(f"<p>{t}</p>" for t in (TITLE, DEPARTMENT, UNIT))
        path.write_text(f"<html><body>{head}{first}<p>{other}</p>{second}</body></html>", encoding="utf-8")
    else:
        first, second = _word_table(header, rows[:10]), _word_table(header, rows[10:])
        _word(path, "".join(map(_para, (TITLE, DEPARTMENT, UNIT))) + first + _para(other) + second)
    with pytest.raises(TableRefused, match="民政局"):
        process_file(path)


@pytest.mark.parametrize(
    ("lines", "unit"),
    [
        (["预算单位：元谋县司法局", "单位：万元"], "万元"),  # a place named 元… after 预算单位 is no unit
        (["填报单位：元氏县司法局  金额单位：万元"], "万元"),
        (["部门名称：广州市天河区司法局", "单位：人民币元"], "元"),
        (["部门名称：广州市天河区司法局", "单位（元）"], "元"),
        (["部门名称：广州市天河区司法局", "金额单位：人民币万元"], "万元"),
    ],
)
def test_the_amount_unit_line_as_printed(tmp_path: Path, grid: tuple, lines: list[str], unit: str) -> None:
    header, rows = grid
    if unit == "元":  # the amounts printed in yuan
        yuan = lambda c: f"{Decimal(c.replace(',', '')) * 10000:,.2f}" if c else ""  # noqa: E731
        rows = [[r[0], *map(yuan, r[1:5]), *r[5:]] for r in rows]
    path = filed(tmp_path, "t.txt")
    text = "\n".join([LABEL, TITLE, *lines, *("\t".join(r) for r in [header, *rows])])
    path.write_text(text + "\n", encoding="utf-8")
    table = process_file(path)
    assert table.source_unit == unit and table.reconciled
    assert sum(p.amounts["total"] for p in table.projects) == Decimal("14853400.00")  # 1,485.34 万元


@pytest.mark.parametrize("suffix", ["（单位：元）", "（人民币元）", "(金额单位:元)"])
def test_the_amount_unit_in_a_header_cell(tmp_path: Path, grid: tuple, suffix: str) -> None:
    header, rows = grid
    header = [header[0], *(h + suffix for h in header[1:5]), *header[5:]]
    yuan = lambda c: f"{Decimal(c.replace(',', '')) * 10000:,.2f}" if c else ""  # noqa: E731
    rows = [[r[0], *map(yuan, r[1:5]), *r[5:]] for r in rows]
    path = filed(tmp_path, "t.txt")
    path.write_text("\n".join([LABEL, TITLE, DEPARTMENT, *("\t".join(r) for r in [header, *rows])]) + "\n", "utf-8")
    table = process_file(path)
    assert table.source_unit == "元" and table.reconciled and len(table.projects) == 22
    assert sum(p.amounts["total"] for p in table.projects) == Decimal("14853400.00")


@pytest.mark.parametrize("suffix", ["xlsx", "xls"])
def test_a_per_row_export_with_short_rows_resaved_as_a_workbook(tmp_path: Path, suffix: str) -> None:
    """jingyan-per-row.txt leaves out the merged cells (shorter continuation rows); Excel opens it and saves it."""
    import xlwt

    text = Path(__file__).parent / "fixtures" / "layouts_real" / "2024" / "jingyan-per-row.txt"
    lines = [[int(c) if c.isdigit() else c for c in line.split("\t")] for line in text.read_text("utf-8").splitlines()]
    path = filed(tmp_path, f"jingyan-per-row.{suffix}")
    if suffix == "xlsx":
        book = openpyxl.Workbook()
        for line in [[LABEL], *lines]:
            book.active.append([c if c != "" else None for c in line])
        book.save(path)
    else:
        xbook = xlwt.Workbook(encoding="utf-8")
        sheet = xbook.add_sheet("Sheet1")
        for r, line in enumerate([[LABEL], *lines]):
            for c, value in enumerate(line):
                if value != "":
                    sheet.write(r, c, value)
        xbook.save(str(path))
    table, printed = process_file(path), process_file(text, 2024)
    assert parsed_facts(table) == parsed_facts(printed)
    assert [p.project_name for p in table.projects] == ["乡村道路养护", "场镇环境卫生整治"]


def test_per_row_projects_of_the_same_name_in_two_units(tmp_path: Path) -> None:
    lines = [
        LABEL,
        "某县2024年部门预算项目支出绩效目标表",
        "单位:元",
        "单位名称\t项目名称\t项目资金\t年度目标\t一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位",
        "820-某镇部门",
        "820001-某镇人民政府\t党建工作经费\t50000\t开展党建活动\t产出指标\t数量指标\t活动场次\t≥\t12\t场",
        "820001-某镇人民政府\t党建工作经费\t50000\t开展党建活动\t满意度指标\t服务对象满意度指标\t党员满意度\t≥\t90\t%",
        "820002-某镇卫生院\t党建工作经费\t30000\t开展党建学习\t产出指标\t数量指标\t学习次数\t≥\t6\t次",
        "820002-某镇卫生院\t党建工作经费\t30000\t开展党建学习\t满意度指标\t服务对象满意度指标\t职工满意度\t≥\t90\t%",
    ]
    path = filed(tmp_path, "same-name.txt")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = process_file(path)
    got = [(p.unit_name, p.project_name, p.amounts["total"], [i.name for i in p.indicators]) for p in table.projects]
    assert got == [
        ("某镇人民政府", "党建工作经费", Decimal("50000.00"), ["活动场次", "党员满意度"]),
        ("某镇卫生院", "党建工作经费", Decimal("30000.00"), ["学习次数", "职工满意度"]),
    ]


def test_a_sum_of_wan_amounts_with_four_decimals(tmp_path: Path) -> None:
    header = ["项目名称", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]
    item = "1、1-产出指标：11-数量指标：道路硬化里程；实施周期指标值:≥20公里；年度指标值:≥8公里。"
    book = openpyxl.Workbook()
    sheet = book.active
    for line in (LABEL, "项目支出绩效目标表", "部门名称：宁乡市坝塘镇人民政府", "单位：万元"):
        sheet.append([line])
    sheet.append(header)
    sheet.append(["合计", 10606.7522, 10606.7522])
    sheet.append(["镇域内基础设施建设", 6923.3552, 6923.3552, None, None, "改善基础设施", item])
    sheet.append(["乡村振兴项目", 3683.397, 3683.397, None, None, "振兴乡村", item])
    path = filed(tmp_path, "ningxiang.xlsx")
    book.save(path)
    # what Excel stores for =SUM(B7:B8) (17 digits; openpyxl writes the short form): 6923.3552 + 3683.397
    assert repr(6923.3552 + 3683.397) == "10606.752199999999"
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].replace(b"<v>10606.7522</v>", b"<v>10606.752199999999</v>")
    assert sheet_xml.count(b"10606.752199999999") == 2
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in {**parts, "xl/worksheets/sheet1.xml": sheet_xml}.items():
            archive.writestr(name, data)
    table = process_file(path)
    assert table.reconciled and not table.rejects
    assert [a.amounts["total"] for a in table.aggregates] == [Decimal("106067522.00")]
    assert [p.amounts["total"] for p in table.projects] == [Decimal("69233552.00"), Decimal("36833970.00")]
    assert any("10606.7522" in n for n in table.notes)


def test_a_two_row_header_with_a_label_over_the_indicator_columns(tmp_path: Path) -> None:
    text = Path(__file__).parent / "fixtures" / "layouts_real" / "2024" / "jingyan-two-row-header.txt"
    lines = [line.split("\t") for line in text.read_text(encoding="utf-8").splitlines()]
    first, second = lines[2], lines[3]
    at = first.index("一级指标")
    lines[2] = first[:at] + ["绩效指标"] + [""] * (len(first) - at - 1)
    lines[3] = second[:at] + first[at:]
    path = filed(tmp_path, "two-row.txt")
    path.write_text("\n".join([LABEL, *("\t".join(r) for r in lines)]) + "\n", encoding="utf-8")
    table, printed = process_file(path), process_file(text, 2024)
    assert table.layout == "per_row_export" and table.n_targets == 3
    assert parsed_facts(table) == parsed_facts(printed)


def test_bracket_headings_with_the_level_1_type_on_its_own(tmp_path: Path) -> None:
    text = Path(__file__).parent / "fixtures" / "layouts_real" / "2024" / "jxj-bracket.txt"

    def split_headings(line: str) -> str:
        seen = {"": ""}

        def one(m: re.Match[str]) -> str:
            level1, level2 = m.group(1), m.group(2)
            out = ("" if seen[""] == level1 else f"【{level1}】") + f"【{level2}】"
            seen[""] = level1
            return out

        return re.sub(r"【([^】-]+指标)-([^】]+)】", one, line)

    path = filed(tmp_path, "jxj-bracket.txt")
    changed = [split_headings(line) for line in text.read_text(encoding="utf-8").splitlines()]
    assert "【产出指标】【数量指标】指标1:机柜数量(≥77台)" in "\n".join(changed)
    path.write_text("\n".join([LABEL, *changed]) + "\n", encoding="utf-8")
    table, printed = process_file(path), process_file(text, 2024)
    assert table.n_targets == printed.n_targets == 13
    assert parsed_facts(table) == parsed_facts(printed)


def test_a_word_row_starting_further_right(tmp_path: Path, grid: tuple, original: SourceTable) -> None:
    header, rows = grid
    para = lambda t: f'<w:p><w:r><w:t xml:space="preserve">{html.escape(t)}</w:t></w:r></w:p>'  # noqa: E731
    cells = lambda r: "".join(f"<w:tc>{para(c)}</w:tc>" for c in r)  # noqa: E731
    body = f"<w:tr>{cells(['序号', *header])}</w:tr>"
    for n, row in enumerate(rows):  # 合计 and the unit row print no 序号: their rows start one column to the right
        if n < 2:
            body += f'<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>{cells(row)}</w:tr>'
        else:
            body += f"<w:tr>{cells([str(n - 1), *row])}</w:tr>"
    lines = "".join(map(_para, (TITLE, DEPARTMENT, UNIT)))
    path = _word(filed(tmp_path, "tianhe-sfj.docx"), f"{lines}<w:tbl>{body}</w:tbl>")
    assert parsed_facts(process_file(path)) == parsed_facts(original)


def test_a_unit_column_merged_over_its_projects(tmp_path: Path, grid: tuple, original: SourceTable) -> None:
    header, rows = grid
    unit = "广州市天河区司法局本级"
    projects = [r for r in rows[2:]]  # without 合计 and the unit row
    lines = [["单位名称", *header], ["", *rows[0]]]
    lines += [[unit if n == 0 else "", *r] for n, r in enumerate(projects)]
    path = filed(tmp_path, "unit-column.txt")
    path.write_text("\n".join([LABEL, TITLE, DEPARTMENT, UNIT, *("\t".join(r) for r in lines)]) + "\n", "utf-8")
    table = process_file(path)
    assert len(table.projects) == 22 and {p.unit_name for p in table.projects} == {unit}
    assert table.n_targets == original.n_targets and table.reconciled


def test_per_row_weights_printed_with_points(tmp_path: Path) -> None:
    text = Path(__file__).parent / "fixtures" / "layouts_real" / "2024" / "jingyan-per-row.txt"
    lines = [line.split("\t") for line in text.read_text(encoding="utf-8").splitlines()]
    lines = [[*r[:-2], f"{r[-2]}分", r[-1]] if r[-1] in ("正向", "反向") else r for r in lines]
    path = filed(tmp_path, "points.txt")
    path.write_text("\n".join([LABEL, *("\t".join(r) for r in lines)]) + "\n", encoding="utf-8")
    table, printed = process_file(path), process_file(text, 2024)
    assert parsed_facts(table) == parsed_facts(printed) and not table.rejects
    assert [i.weight for p in table.projects for i in p.indicators] == [
        i.weight for p in printed.projects for i in p.indicators
    ]


def test_amount_units_that_disagree_are_refused(tmp_path: Path, grid: tuple) -> None:
    header, rows = grid
    header = [header[0], *(h + "（元）" for h in header[1:5]), *header[5:]]
    path = filed(tmp_path, "t.txt")
    text = "\n".join([LABEL, TITLE, DEPARTMENT, UNIT, *("\t".join(r) for r in [header, *rows])])
    path.write_text(text + "\n", "utf-8")
    with pytest.raises(TableRefused, match="amount unit disagrees"):
        process_file(path)


def test_word_content_controls_are_read_through(tmp_path: Path, grid: tuple, original: SourceTable) -> None:
    header, rows = grid
    para = lambda t: f'<w:p><w:r><w:t xml:space="preserve">{html.escape(t)}</w:t></w:r></w:p>'  # noqa: E731
    sdt = lambda xml: f"<w:sdt><w:sdtPr><w:tag w:val='f'/></w:sdtPr><w:sdtContent>{xml}</w:sdtContent></w:sdt>"  # noqa: E731
    tc = lambda c: f"<w:tc>{para(c)}</w:tc>"  # noqa: E731
    body = f"<w:tr>{''.join(map(tc, header))}</w:tr>"
    for n, row in enumerate(rows):
        if n == 3:  # a cell in a content control
            body += "<w:tr>" + tc(row[0]) + sdt(tc(row[1])) + "".join(map(tc, row[2:])) + "</w:tr>"
        elif n in (5, 6):  # rows in a content control (a repeating section)
            body += sdt(f"<w:tr>{''.join(map(tc, row))}</w:tr>")
        else:
            body += f"<w:tr>{''.join(map(tc, row))}</w:tr>"
    lines = para(TITLE) + sdt(para(DEPARTMENT)) + para(UNIT)
    path = _word(filed(tmp_path, "tianhe-sfj.docx"), f"{lines}<w:tbl>{body}</w:tbl>")
    assert parsed_facts(process_file(path)) == parsed_facts(original)


@pytest.mark.parametrize("between", ["<w:tab/>", "<w:br/>"])
def test_word_tabs_and_line_breaks_inside_a_paragraph(
    tmp_path: Path, grid: tuple, original: SourceTable, between: str
) -> None:
    header, rows = grid
    para = lambda t: f'<w:p><w:r><w:t xml:space="preserve">{html.escape(t)}</w:t></w:r></w:p>'  # noqa: E731
    # tab stops in the paragraph's properties are not text
    dept = (
        '<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="6000"/></w:tabs></w:pPr>'
        f"<w:r><w:t>{DEPARTMENT}</w:t>{between}<w:t>填报日期：2024年1月15日</w:t></w:r></w:p>"
    )
    cell = lambda i, c: (  # noqa: E731
        f"<w:tc>{para(c)}</w:tc>"
        if i != len(header) - 1 or not c
        else "<w:tc><w:p>" + "<w:r><w:br/></w:r>".join(  # the items one per line, in one paragraph
            f"<w:r><w:t>{html.escape(item)}</w:t></w:r>" for item in re.split(r"(?<=。)(?=\d{1,2}、)", c)
        ) + "</w:p></w:tc>"
    )
    body = "".join("<w:tr>" + "".join(cell(i, c) for i, c in enumerate(r)) + "</w:tr>" for r in [header, *rows])
    path = _word(filed(tmp_path, "tianhe-sfj.docx"), para(TITLE) + dept + para(UNIT) + f"<w:tbl>{body}</w:tbl>")
    table = process_file(path)
    assert table.department_name == "广州市天河区司法局"
    assert parsed_facts(table) == parsed_facts(original)


def test_a_title_cell_of_several_lines(tmp_path: Path, grid: tuple, original: SourceTable) -> None:
    header, rows = grid
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([LABEL])
    sheet.append(["\n".join([TITLE, "部门名称：广州市天河区司法局（本级）", UNIT])])
    sheet.merge_cells("A2:G2")
    for row in [header, *rows]:
        sheet.append([c or None for c in row])
    path = filed(tmp_path, "title.xlsx")
    book.save(path)
    table = process_file(path)
    assert (table.department_name, table.title) == ("广州市天河区司法局（本级）", TITLE)
    assert parsed_facts(table) == {**parsed_facts(original), "department": "广州市天河区司法局（本级）"}


@pytest.mark.parametrize("dimension", ["A1", "A1:F15"])
def test_a_workbook_whose_dimension_understates_the_sheet(
    tmp_path: Path, grid: tuple, original: SourceTable, dimension: str
) -> None:
    header, rows = grid
    book = openpyxl.Workbook()
    book.remove(book.active)
    _sheet(book, "绩效目标表", header, rows, [TITLE, DEPARTMENT, UNIT])
    path = filed(tmp_path, "tianhe-sfj.xlsx")
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    stated = f'<dimension ref="{dimension}"/>'.encode()
    xml, n = re.subn(rb'<dimension ref="[^"]*"/>', stated, parts["xl/worksheets/sheet1.xml"])
    assert n == 1
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in {**parts, "xl/worksheets/sheet1.xml": xml}.items():
            archive.writestr(name, data)
    assert parsed_facts(process_file(path)) == parsed_facts(original)


@pytest.mark.parametrize("folder", ["2024", "undated"])
def test_a_page_listing_other_years_tables_above_the_title(
    tmp_path: Path, grid: tuple, original: SourceTable, folder: str
) -> None:
    header, rows = grid
    side = "".join(f"<li><a href='{y}.html'>{y}年项目支出绩效目标表</a></li>" for y in (2023, 2022))
    head = f"<h1>2024年{TITLE}</h1><p>{DEPARTMENT}</p><p>{UNIT}</p>"
    path = tmp_path / folder / "tianhe-sfj.html"
    path.parent.mkdir(parents=True)
    page = f"<p>{LABEL}</p><ul>{side}</ul>{head}{_html_table(header, rows)}"
    path.write_text(f"<html><body>{page}</body></html>", "utf-8")
    table = process_file(path)
    assert (table.budget_year, table.title) == (2024, f"2024年{TITLE}")
    assert parsed_facts(table) == parsed_facts(original)


@pytest.mark.parametrize("link", ["2023年部门决算</a><a>预算执行完成情况", "2023年项目支出绩效自评表"])
def test_a_page_of_forms_whose_navigation_links_look_alikes(tmp_path: Path, link: str) -> None:
    from tests.fixtures.layouts_real import forms

    page = forms.to_html([forms.FORM_A, forms.FORM_B], "GENERATED")
    plain = filed(tmp_path, "forms.html")
    plain.write_text(page, encoding="utf-8")
    linked = filed(tmp_path, "linked/forms.html")
    linked.write_text(page.replace("<p>GENERATED fixture</p>", f"<p>GENERATED fixture</p><a>{link}</a>"), "utf-8")
    assert parsed_facts(process_file(linked, 2024)) == parsed_facts(process_file(plain, 2024))


def test_forms_of_two_departments_in_one_file_are_refused(tmp_path: Path) -> None:
    from tests.fixtures.layouts_real import forms

    other = forms._replace(forms.FORM_G_2, {"嘉峪关市文化和旅游局": "嘉峪关市教育局"})
    path = filed(tmp_path, "forms.html")
    path.write_text(forms.to_html([forms.FORM_G, other], "GENERATED"), encoding="utf-8")
    with pytest.raises(TableRefused, match="嘉峪关市教育局"):
        process_file(path, 2023)
    path.write_text(forms.to_html([forms.FORM_G, forms.FORM_G_2], "GENERATED"), encoding="utf-8")
    assert len(process_file(path, 2023).projects) == 2  # one department: read


def test_per_row_period_values_take_the_comparison_and_the_unit(tmp_path: Path) -> None:
    lines = [
        LABEL,
        "某县2024年部门预算项目支出绩效目标表",
        "部门名称：某县教育局",
        "单位:元",
        "项目名称\t项目资金\t年度目标\t一级指标\t二级指标\t三级指标\t指标性质\t实施周期指标值\t年度指标值\t计量单位",
        "教师培训\t50000\t培训教师\t产出指标\t数量指标\t培训人次\t≥\t300\t100\t人次",
        "\t\t\t满意度指标\t服务对象满意度指标\t满意度\t≥\t90\t95\t%",
        "\t\t\t效益指标\t社会效益指标\t教学质量\t≥\t长期\t5\t%",
    ]
    path = filed(tmp_path, "period.txt")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    [project] = process_file(path).projects
    got = [(i.period.text, i.period.comparison, i.period.unit, i.annual.text) for i in project.indicators]
    assert got == [("≥300人次", ">=", "人次", "≥100人次"), ("≥90%", ">=", "%", "≥95%"), ("长期", None, None, "≥5%")]


@pytest.mark.parametrize("suffix", ["html", "xlsx"])
def test_a_table_continued_without_its_header(tmp_path: Path, grid: tuple, original: SourceTable, suffix: str) -> None:
    header, rows = grid
    path = filed(tmp_path, f"tianhe-sfj.{suffix}")
    other = [["序号", "说明"], ["1", "本表金额单位为万元"]]  # a notes table or sheet after: not a continuation
    if suffix == "html":
        head = "".join(f"<p>{t}</p>" for t in (LABEL, TITLE, DEPARTMENT, UNIT))
        rest = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows[12:])
        notes = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in other)
        page = f"{head}{_html_table(header, rows[:12])}<p>- 2 -</p><table>{rest}</table><table>{notes}</table>"
        path.write_text(f"<html><body>{page}</body></html>", encoding="utf-8")
    else:
        book = openpyxl.Workbook()
        book.remove(book.active)
        _sheet(book, "Sheet1", header, rows[:12], [TITLE, DEPARTMENT, UNIT])
        second = book.create_sheet("Sheet2")
        for row in rows[12:]:
            second.append([row[0], *(cell_number(c) for c in row[1:5]), *(c or None for c in row[5:])])
        notes = book.create_sheet("说明")
        for row in other:
            notes.append(row)
        book.save(path)
    table = process_file(path)
    assert parsed_facts(table) == parsed_facts(original)


@pytest.mark.parametrize("headings", [False, True])
def test_subtotal_rows_after_each_units_projects(tmp_path: Path, headings: bool) -> None:
    item = "1、1-产出指标：11-数量指标：培训人次；实施周期指标值:≥100人次；年度指标值:≥100人次。"
    units = [("某区教育局机关", "57.90", [("教师培训经费", "12.30"), ("校园安保经费", "45.60")]),
             ("某区第一中学", "100.50", [("实验室建设经费", "60.50"), ("图书购置经费", "40.00")])]
    lines = [LABEL, "项目支出绩效目标表", "部门名称：某区教育局", UNIT, "项目名称\t总计\t财政拨款\t绩效目标\t绩效指标"]
    lines.append("合计\t158.40\t158.40\t\t")
    for unit, total, projects in units:
        lines.append(f"{unit}\t\t\t\t" if headings else f"{unit}\t{total}\t{total}\t\t")
        lines += [f"{name}\t{amount}\t{amount}\t目标\t{item}" for name, amount in projects]
        lines.append(f"小计\t{total}\t{total}\t\t")
    path = filed(tmp_path, "subtotals.txt")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = process_file(path)
    assert table.reconciled and not table.rejects
    assert [(a.kind, a.name, a.amounts["total"]) for a in table.aggregates] == [
        ("grand_total", "合计", Decimal("1584000.00")),
        ("unit_subtotal", "某区教育局机关", Decimal("579000.00")),
        ("unit_subtotal", "某区第一中学", Decimal("1005000.00")),
    ]
    assert [p.unit_name for p in table.projects] == ["某区教育局机关"] * 2 + ["某区第一中学"] * 2
