"""Round 18's hostile hunt on the parser: GENERATED tables (invented projects in the sample's columns, none a real
table), each written the way real exports print them, read through the public path (etl.transform.pipeline.run_file).

Found and fixed (each test below failed before its fix):
- a transfer document's issuer glued to the name before it (法律援助穗财政【2023】79号经费) took the name's words into
  the document (法律援助穗财政【2023】79号) and left the name 经费;
- a year in round brackets with a number after it, in a name (小区(2023)3号楼改造), was split as a document;
- HTML: visibility:collapse did not hide a row or a cell; a footnote marker inside a packed 绩效指标 cell
  (1-产出指标<sup>1</sup>：…) was run into the type's name;
- a character that prints nothing (U+200B) in an amount rejected the row, in a name made another project, in a
  header cell lost the header row, in a target lost its number;
- a title printing the unit (项目支出绩效目标表（元）) was read in the default 万元: every amount x 10,000;
- page numbers other than 第1页，共3页 (第1页/共3页, 共3页, Page 2 of 3, 2/3) refused the table as cut off, or became
  a unit that took the projects after it; so did the title lines printed again at a page break;
- the second row of a two-row header printed again at a page break was a rejected row;
- a cell's line breaks written unquoted in a text dump made rows of its lines (units named 年度指标值:…);
- an Arabic-Indic digit (٣) was read as 3; a spreadsheet's error value (#N/A) was "not a number" with no more said;
- ≥95%（含）, ⩾95% and ±5% lost their number, read ⩾ as =, read ±5% as = 5%; a per-row 指标值 95（含） beside the
  计量单位 % lost its unit;
- 合计： and 合计（万元） were a unit named so, the table without its grand total.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from etl.model import Refusal, SourceTable
from etl.transform.pipeline import run_file
from etl.transform.table import split_transfer_doc
from etl.transform.target_values import parse_target_value
from tests.inline_tables import (
    DEPARTMENT,
    GOAL,
    HEADER,
    ITEM,
    LABEL,
    TITLE,
    UNIT,
    WAN,
    filed,
)
from tests.inline_tables import parsed_inline as _table
from tests.inline_tables import project_row as _row
from tests.inline_tables import read_inline as _read


def _unit(name: str, total: str) -> list[str]:
    return _row(name, total, "", "")


def _rows(*projects: tuple[str, str]) -> list[list[str]]:
    """合计, the unit, then the projects: (name, total in 万元)."""
    total = str(sum(Decimal(t) for _, t in projects))
    return [_row("合计", total, "", ""), _unit("某区司法局", total), *(_row(n, t) for n, t in projects)]


def _text(rows: list[list[str]] | list[str], preamble: tuple[str, ...] = (LABEL, TITLE, DEPARTMENT, UNIT)) -> str:
    lines = [*preamble, "\t".join(HEADER)]
    lines += [r if isinstance(r, str) else "\t".join(r) for r in rows]
    return "\n".join(lines) + "\n"


def _projects(table: SourceTable) -> dict[str, Decimal]:
    """project name -> total in 万元 (exact)."""
    return {p.project_name: p.amounts["total"] / WAN for p in table.projects}


def _whole(table: SourceTable, projects: dict[str, str]) -> None:
    """Every project read once with its amount, nothing rejected, the sums reconciled, one unit under the 合计."""
    assert table.rejects == [], table.rejects
    assert _projects(table) == {n: Decimal(t) for n, t in projects.items()}
    assert [(a.kind, a.name) for a in table.aggregates] == [("grand_total", "合计"), ("unit_subtotal", "某区司法局")]
    assert table.reconciled


# --- part 1: transfer documents ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "doc", "name"),
    [
        # was ('法律援助穗财政【2023】79号', '经费'): the name's words before the issuer went with the document
        ("法律援助穗财政【2023】79号经费", "穗财政【2023】79号", "法律援助经费"),
        ("法律援助穗财教〔2023〕12号经费", "穗财教〔2023〕12号", "法律援助经费"),
        ("深化改革穗财政【2023】79号经费", "穗财政【2023】79号", "深化改革经费"),
        ("法律援助粤财社〔2022〕5号补助资金", "粤财社〔2022〕5号", "法律援助补助资金"),
        # issuers as before: four characters or fewer whole, a longer one of no place whole, round brackets with one
        ("粤教高函〔2023〕5号法律援助经费", "粤教高函〔2023〕5号", "法律援助经费"),
        ("中共中央办公厅〔2023〕5号法律援助经费", "中共中央办公厅〔2023〕5号", "法律援助经费"),
        ("中办发(2023)5号法律援助经费", "中办发(2023)5号", "法律援助经费"),
        ("财预(2021)101号法律援助经费", "财预(2021)101号", "法律援助经费"),
        ("穗财政（2023）第79号法律援助经费", "穗财政（2023）第79号", "法律援助经费"),
        # a name beginning with a word of a place after a document's number: the issuer says it is a document
        ("穗财政【2023】185号院前急救场所维修维护费", "穗财政【2023】185号", "院前急救场所维修维护费"),
        ("穗财政【2023】79号线上培训经费", "穗财政【2023】79号", "线上培训经费"),
    ],
)
def test_an_issuer_glued_to_the_name_before_it_is_set_apart(printed: str, doc: str, name: str) -> None:
    assert split_transfer_doc(printed) == (doc, name)


@pytest.mark.parametrize(
    "printed",
    [
        "小区(2023)3号楼改造",  # was ('小区(2023)3号', '楼改造')
        "小区（2023）3号楼改造",
        "小区(2023)3号改造",  # a year in round brackets after no issuer: a name's
        "社区(2023)5号院改造",
        "中心（2023）第3号楼维修",
        "学校【2023】3号楼改造",  # a number then 楼: an address whatever the bracket
        "购置(2023)2号设备",
    ],
)
def test_a_number_of_a_building_or_after_no_issuer_is_no_document(printed: str) -> None:
    assert split_transfer_doc(printed) == (None, printed)


def test_documents_and_addresses_through_the_pipeline(tmp_path: Path) -> None:
    """The glued issuer and the building number in one table: the projects as named, the amounts exact."""
    table = _table(tmp_path, _text(_rows(("法律援助穗财政【2023】79号经费", "1.25"), ("小区(2023)3号楼改造", "2.50"))))
    _whole(table, {"法律援助经费": "1.25", "小区(2023)3号楼改造": "2.50"})
    assert [(p.transfer_doc_no, p.printed_name) for p in table.projects] == [
        ("穗财政【2023】79号", "法律援助穗财政【2023】79号经费"),
        (None, "小区(2023)3号楼改造"),
    ]


# --- part 1: HTML ------------------------------------------------------------------------------------------------


def _page(rows: list[list[str]], style: str = "", row_attrs: dict[str, str] | None = None) -> str:
    """The rows as one HTML table under the title lines; row_attrs: a project's name -> the <tr>'s attributes."""
    body = []
    for row in [HEADER, *rows]:
        attrs = (row_attrs or {}).get(row[0], "")
        body.append(f"<tr{attrs}>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>")
    head = "".join(f"<p>{t}</p>" for t in (LABEL, TITLE, DEPARTMENT, UNIT))
    return f"<html><head><style>{style}</style></head><body>{head}<table>{''.join(body)}</table></body></html>"


@pytest.mark.parametrize(
    ("style", "attrs"),
    [
        ("", ' style="visibility: collapse"'),
        ("", ' style="VISIBILITY:Collapse"'),
        ("tr.old { visibility: collapse }", ' class="old"'),
    ],
)
def test_a_row_collapsed_is_hidden(tmp_path: Path, style: str, attrs: str) -> None:
    """visibility:collapse takes a row out as display:none does: was loaded beside the row replacing it."""
    rows = [*_rows(("法律援助经费", "1.00"), ("调解经费", "2.00")), _row("旧调解经费", "9.00")]
    table = _table(tmp_path, _page(rows, style, {"旧调解经费": attrs}), "table.html")
    assert _projects(table) == {"法律援助经费": 1, "调解经费": 2} and table.reconciled
    assert [r.reason for r in table.rejects] == ["hidden row in the page (table 1, row 6): not loaded"]


def test_a_cell_collapsed_is_not_read(tmp_path: Path) -> None:
    """A collapsed <td> (a withdrawn amount kept before the shown one) is not read, as a hidden column."""
    page = _page(_rows(("法律援助经费", "1.00"), ("调解经费", "2.00"))).replace(
        "<td>1.00</td>", '<td style="visibility:collapse">9.00</td><td>1.00</td>', 1
    )
    table = _table(tmp_path, page, "table.html")
    _whole(table, {"法律援助经费": "1.00", "调解经费": "2.00"})
    assert any(n.startswith("hidden cells not read") for n in table.notes)


def test_a_footnote_marker_inside_a_packed_cell_is_left_out(tmp_path: Path) -> None:
    """1-产出指标<sup>1</sup>：… was read 产出指标1, a type the tree does not know; ≥100个<sup>*</sup>；… a value
    ≥100个* of no number. A marker after a Chinese character or %, before a separator or a line break, is left out."""
    marked = (
        "1、1-产出指标<sup>1</sup>：11-数量指标：服务村居数；实施周期指标值:≥100个<sup>*</sup>；"
        "年度指标值:≥100个<sup>※</sup><br>2、3-满意度指标：31-服务对象满意度指标：群众满意度<sup>注1</sup>；"
        "年度指标值:≥90%<sup>2</sup>"
    )
    page = _page(_rows(("法律援助经费", "1.00"))).replace(f"<td>{ITEM}</td>", f"<td>{marked}</td>", 1)
    table = _table(tmp_path, page, "table.html")
    _whole(table, {"法律援助经费": "1.00"})
    read = [(i.level1_name, i.name, i.annual.comparison, i.annual.number) for i in table.projects[0].indicators]
    assert read == [("产出指标", "服务村居数", ">=", 100), ("满意度指标", "群众满意度", ">=", 90)]
    assert any(n.startswith("footnote markers left out of text cells") for n in table.notes)


def test_marks_that_may_be_part_of_the_text_stay_run_in() -> None:
    """A marker with more of its part after it, after a Latin letter or a digit, or a number set below its line,
    reads as before (the end-of-cell rule of round 17); in a cell with such a mark, a marker after a Chinese character
    that ends the cell or a part of it is still left out (was: the whole cell read as before)."""
    from lxml import html as lxml_html

    from etl.extract.html_table import cell_text

    cells = lxml_html.fromstring(
        "<table><tr><td>经费<sup>1</sup>（续）</td><td>面积500m<sup>2</sup>；满意度<sup>注1</sup></td>"
        "<td>H<sub>2</sub>O含量<sup>1</sup></td><td>经费<sub>2</sub>，其他</td><td>满意度<sup>1</sup>≥90%</td>"
        "</tr></table>"
    ).xpath("//td")
    assert [cell_text(td) for td in cells] == [
        "经费1（续）",
        "面积500m2；满意度",
        "H2O含量",
        "经费2，其他",
        "满意度1≥90%",
    ]


# --- characters that print nothing ---------------------------------------------------------------------------------


def test_zero_width_characters_are_read_as_shown(tmp_path: Path) -> None:
    """U+200B after an amount was 'not a number' (the row rejected, the sums off); inside a name another project
    (法律援助<U+200B>经费 beside next year's 法律援助经费); inside a value no number; a BOM before a row its name."""
    zw = "\u200b"
    rows = _rows(("法律援助经费", "1.00"), ("调解经费", "2.00"))
    rows[2] = [f"法律援助{zw}经费", f"1.00{zw}", f"{zw}1.00", "", "", GOAL, ITEM.replace("≥100个。", f"≥{zw}100个。")]
    rows[3][0] = f"\ufeff{rows[3][0]}"
    table = _table(tmp_path, _text(rows))
    _whole(table, {"法律援助经费": "1.00", "调解经费": "2.00"})
    annual = table.projects[0].indicators[0].annual
    assert (annual.text, annual.comparison, annual.number, annual.unit) == (f"≥{zw}100个", ">=", 100, "个")


def test_an_indicator_name_of_only_an_invisible_character_stays_for_the_audit() -> None:
    from etl.extract.invisible import visible_name

    assert visible_name("工程量\u200b完成率") == "工程量完成率"
    assert visible_name("\u200b") == "\u200b"


def test_a_header_cell_with_an_invisible_character_is_the_header(tmp_path: Path) -> None:
    """项目名称<U+200B> (a page's editor) or a BOM before it (files joined end to end): no header row was found."""
    text = _text(_rows(("法律援助经费", "1.00"))).replace("项目名称（资金使用单位）", "\ufeff项目名称\u200b", 1)
    _whole(_table(tmp_path, text), {"法律援助经费": "1.00"})


# --- units ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "unit"),
    [
        ("项目支出绩效目标表（元）", "元"),
        ("项目支出绩效目标表(万元)", "万元"),
        ("2024年项目支出绩效目标表（千元）", "千元"),
    ],
)
def test_a_unit_closing_the_title_is_the_tables(tmp_path: Path, title: str, unit: str) -> None:
    """Was: the unit printed nowhere, read in 万元: 3000 元 loaded as 3000 万元 (10,000 times too large)."""
    text = _text(_rows(("法律援助经费", "1000.00"), ("调解经费", "2000.00")), (LABEL, title, DEPARTMENT))
    table = _table(tmp_path, text)
    assert table.source_unit == unit and table.reconciled and table.rejects == []
    assert "amount unit not printed: read in 万元, the default" not in table.notes


def test_a_title_unit_and_a_column_unit_that_disagree_are_refused(tmp_path: Path) -> None:
    text = _text(_rows(("法律援助经费", "1.00")), (LABEL, "项目支出绩效目标表（万元）", DEPARTMENT)).replace(
        "\t总计\t", "\t总计（元）\t", 1
    )
    refusal = _read(tmp_path, text)
    assert isinstance(refusal, Refusal) and "amount unit disagrees" in refusal.reason


# --- page breaks -------------------------------------------------------------------------------------------------

PAGE_LINES = ["第1页/共3页", "共3页 第2页", "Page 2 of 3", "2/3", "共3页", "第二页", "第 1 页 共 3 页", "- 2 -"]


@pytest.mark.parametrize("footer", PAGE_LINES)
@pytest.mark.parametrize("where", ["inside", "last"])
def test_a_page_number_is_no_row(tmp_path: Path, footer: str, where: str) -> None:
    """第1页/共3页 inside the table was a unit of no amounts that took the projects after it; last, the table was
    refused as cut off mid-row."""
    rows: list = _rows(("法律援助经费", "1.00"), ("调解经费", "2.00"), ("普法经费", "3.00"))
    rows.insert(3, footer) if where == "inside" else rows.append(footer)
    _whole(_table(tmp_path, _text(rows)), {"法律援助经费": "1.00", "调解经费": "2.00", "普法经费": "3.00"})


def test_the_title_lines_printed_again_at_a_page_break_are_no_rows(tmp_path: Path) -> None:
    """The title, 部门名称 and 单位 lines and the header again, as a multi-page export prints them: the title and
    单位 lines were units of no amounts, the projects after them theirs (unit_subtotal=sum(projects) failed)."""
    rows: list = _rows(("法律援助经费", "1.00"), ("调解经费", "2.00"))
    rows[3:3] = ["第 1 页 共 2 页", TITLE, DEPARTMENT, UNIT, "\t".join(HEADER)]
    _whole(_table(tmp_path, _text(rows)), {"法律援助经费": "1.00", "调解经费": "2.00"})


def test_a_two_row_header_printed_again_is_read_once(tmp_path: Path) -> None:
    """Its second row (财政拨款 | 财政专户拨款 | 其他资金 under 资金来源) was 'row has no project name'."""
    first = "\t".join(["项目名称（资金使用单位）", "总计", "资金来源", "", "", "绩效目标", "绩效指标"])
    second = "\t".join(["", "", "财政拨款", "财政专户拨款", "其他资金", "", ""])
    rows: list = _rows(("法律援助经费", "1.00"), ("调解经费", "2.00"))
    rows[3:3] = [first, second]
    text = (
        "\n".join(
            [LABEL, TITLE, DEPARTMENT, UNIT, first, second, *(r if isinstance(r, str) else "\t".join(r) for r in rows)]
        )
        + "\n"
    )
    _whole(_table(tmp_path, text), {"法律援助经费": "1.00", "调解经费": "2.00"})


# --- a cell's line breaks written unquoted -----------------------------------------------------------------------


def test_a_packed_cell_broken_over_lines_is_joined(tmp_path: Path) -> None:
    """A text dump of a cell of several lines, unquoted: its lines were units named 实施周期指标值:≥100个 …, the
    project had no target and the next project went under the last such unit."""
    lines = "1、1-产出指标：11-数量指标：服务村居数\n实施周期指标值:≥100个\n年度指标值:≥100个\n"
    lines += "2、3-满意度指标：31-服务对象满意度指标：群众满意度\n实施周期指标值:≥90%\n年度指标值:≥90%"
    rows: list = _rows(("法律援助经费", "1.00"), ("调解经费", "2.00"))
    rows[2] = "\t".join(_row("法律援助经费", "1.00", item=lines))
    table = _table(tmp_path, _text(rows).replace("\n", "\r\n"))
    _whole(table, {"法律援助经费": "1.00", "调解经费": "2.00"})
    read = [(i.name, i.period.text, i.annual.text) for i in table.projects[0].indicators]
    assert read == [("服务村居数", "≥100个", "≥100个"), ("群众满意度", "≥90%", "≥90%")]


def test_a_goal_broken_over_lines_is_joined(tmp_path: Path) -> None:
    rows: list = _rows(("法律援助经费", "1.00"), ("调解经费", "2.00"))
    rows[2] = "\t".join(_row("法律援助经费", "1.00", goal="为村居提供\n法律服务，\n办理援助案件。"))
    table = _table(tmp_path, _text(rows))
    _whole(table, {"法律援助经费": "1.00", "调解经费": "2.00"})
    assert table.projects[0].goal_text == "为村居提供 法律服务， 办理援助案件。"  # as a cell's <br> reads
    assert len(table.projects[0].indicators) == 1


def test_a_line_that_adds_nothing_to_the_cell_stays_a_row(tmp_path: Path) -> None:
    """A heading printed without separators after a project (其中：…) is not joined to its indicators."""
    rows: list = _rows(("法律援助经费", "1.00"), ("调解经费", "2.00"))
    rows.insert(3, "其中：某所")
    table = _table(tmp_path, _text(rows))
    assert "其中：某所" in [a.name for a in table.aggregates]
    assert [i.annual.text for i in table.projects[0].indicators] == ["≥100个"]


# --- amounts -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "reason"),
    [
        ("٣", "total: amount '٣' is not a number"),  # an Arabic-Indic 3: was read as 3
        ("#N/A", "total: amount '#N/A' is a spreadsheet's error value (its formula failed)"),
        ("#REF!", "total: amount '#REF!' is a spreadsheet's error value (its formula failed)"),
        ("1.234,50", "total: amount '1.234,50' is not a number"),  # a decimal comma in a tab-separated file
        ("（1.00）", "total: amount '（1.00）' is not a number"),  # an accountant's negative
        ("－1.00", "total: amount '－1.00' is negative"),
    ],
)
def test_an_amount_that_is_no_amount_is_a_reject_naming_it(tmp_path: Path, printed: str, reason: str) -> None:
    rows = _rows(("法律援助经费", "1.00"), ("调解经费", "2.00"))
    rows[2][1] = rows[2][2] = printed
    table = _table(tmp_path, _text(rows))
    assert [(r.line_no, r.reason) for r in table.rejects] == [(8, reason)]
    assert _projects(table) == {"调解经费": 2} and not table.reconciled


@pytest.mark.parametrize(
    "printed",
    ["1\u00a0234.50", "1 234.50", "1\u3000234.50", "1,234.50", "１，２３４．５０", "¥1,234.50", "1234.50\u00a0"],
)
def test_an_amount_printed_with_spaces_or_full_width_is_exact(tmp_path: Path, printed: str) -> None:
    rows = _rows(("法律援助经费", "1234.50"), ("调解经费", "2.00"))
    rows[2][1] = rows[2][2] = printed
    _whole(_table(tmp_path, _text(rows)), {"法律援助经费": "1234.50", "调解经费": "2.00"})


def test_bom_and_mixed_line_ends(tmp_path: Path) -> None:
    text = _text(_rows(("法律援助经费", "1.00"), ("调解经费", "2.00")))
    mixed = "\ufeff" + text.replace("\n", "\r\n", 3).replace("调解经费", "\r调解经费".lstrip("\r"))
    _whole(_table(tmp_path, mixed.encode("utf-8")), {"法律援助经费": "1.00", "调解经费": "2.00"})
    _whole(_table(tmp_path, text.replace("\n", "\r\n").encode("gb18030")), {"法律援助经费": "1.00", "调解经费": "2.00"})


def test_a_grand_total_not_last(tmp_path: Path) -> None:
    rows = _rows(("法律援助经费", "1.00"), ("调解经费", "2.00"))
    rows = [rows[1], rows[2], rows[0], rows[3]]
    table = _table(tmp_path, _text(rows))
    assert table.rejects == [] and table.reconciled
    assert _projects(table) == {"法律援助经费": 1, "调解经费": 2}


# --- a workbook whose table starts at row 5, column C ----------------------------------------------------------------


def _workbook(tmp_path: Path, rows: list[list[str]]) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for r, line in enumerate((LABEL, TITLE, DEPARTMENT, UNIT), start=1):
        sheet.cell(row=r, column=3, value=line)
    for r, cells in enumerate([HEADER, *rows], start=5):
        for c, text in enumerate(cells, start=3):
            try:
                value: object = float(text.replace(",", ""))
            except ValueError:
                value = text or None
            sheet.cell(row=r, column=c, value=value)
    path = filed(tmp_path, "table.xlsx")
    book.save(path)
    return path


def test_a_workbook_table_at_row_5_column_c(tmp_path: Path) -> None:
    path = _workbook(tmp_path, _rows(("法律援助经费", "1.25"), ("调解经费", "2000.10")))
    table = run_file(path)
    assert isinstance(table, SourceTable)
    _whole(table, {"法律援助经费": "1.25", "调解经费": "2000.10"})


def test_a_workbook_error_value_is_a_reject_with_its_row(tmp_path: Path) -> None:
    rows = _rows(("法律援助经费", "1.00"), ("调解经费", "2.00"))
    rows[2][1] = "#DIV/0!"
    table = run_file(_workbook(tmp_path, rows))
    assert isinstance(table, SourceTable)
    assert [(r.line_no, r.reason) for r in table.rejects] == [
        (8, "total: amount '#DIV/0!' is a spreadsheet's error value (its formula failed)")
    ]


# --- a CSV with quoted line breaks and a decimal comma ---------------------------------------------------------------


def test_a_semicolon_csv_with_decimal_commas_and_quoted_line_breaks(tmp_path: Path) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for line in (LABEL, TITLE, DEPARTMENT, UNIT):
        writer.writerow([line])
    rows = _rows(("法律援助经费", "1234.50"), ("调解经费", "2.00"))
    for row in [HEADER, *rows]:
        cells = [c.replace(".", ",") if c[:1].isdigit() else c for c in row]
        writer.writerow([c.replace("；", "\n") for c in cells])
    table = _table(tmp_path, "\ufeff" + out.getvalue(), "table.csv")
    _whole(table, {"法律援助经费": "1234.50", "调解经费": "2.00"})
    assert [i.annual.text for i in table.projects[0].indicators] == ["≥100个"]


# --- target values -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "comparison", "number", "unit"),
    [
        ("≥95%（含）", ">=", 95, "%"),  # was qualitative: the remark after it
        ("≥90%(含本数)。", ">=", 90, "%"),
        ("⩾95%", ">=", 95, "%"),  # was = 95 %
        ("⩽5%", "<=", 5, "%"),
        ("≥95%；", ">=", 95, "%"),
        ("≥\u200b100个", ">=", 100, "个"),
        ("±5%", None, None, None),  # was = 5 %
        ("≈95%", None, None, None),
        ("≥95%（含95%）", ">=", 95, "%"),  # round 31: a remark repeating the number says it is included
        ("≥100个(含20个新建)", None, None, None),  # a remark with another number: kept as text
    ],
)
def test_target_values_printed_so(printed: str, comparison: str | None, number: int | None, unit: str | None) -> None:
    value = parse_target_value(printed)
    assert (value.text, value.comparison, value.number, value.unit) == (printed, comparison, number, unit)


def test_levels_printed_as_labels_and_half_width_separators(tmp_path: Path) -> None:
    item = (
        "1、一级指标:产出指标；二级指标:数量指标；三级指标:服务村居数；实施周期指标值:≥100个；年度指标值:≥100个。"
        "2、3-满意度指标:31-服务对象满意度指标:群众满意度;实施周期指标值:≥90%（含）;年度指标值:≥90%（含）"
    )
    rows = _rows(("法律援助经费", "1.00"))
    rows[2][6] = item
    table = _table(tmp_path, _text(rows))
    _whole(table, {"法律援助经费": "1.00"})
    read = [(i.type_key, i.name, i.annual.comparison, i.annual.number) for i in table.projects[0].indicators]
    assert read == [("11", "服务村居数", ">=", 100), ("31", "群众满意度", ">=", 90)]


@pytest.mark.parametrize("printed", ["合计：", "合计（万元）", "合 计:", "总合计", "合\u3000\u3000计", "合\u200b计"])
def test_a_grand_total_printed_with_a_colon_or_its_unit(tmp_path: Path, printed: str) -> None:
    """合计： and 合计（万元） were units (a level over the department's unit): the table had no 合计."""
    rows = _rows(("法律援助经费", "1.00"), ("调解经费", "2.00"))
    rows[0][0] = printed
    table = _table(tmp_path, _text(rows))
    assert [a.kind for a in table.aggregates] == ["grand_total", "unit_subtotal"]
    assert table.reconciled and table.rejects == [] and _projects(table) == {"法律援助经费": 1, "调解经费": 2}


def test_a_per_row_value_with_a_remark_keeps_its_unit(tmp_path: Path) -> None:
    """指标性质 ≥ | 指标值 95（含） | 计量单位 %: was ≥95（含）, read as ≥ 95 of no unit (the % lost)."""
    header = "项目名称,总计,财政拨款,财政专户拨款,其他资金,年度绩效目标,一级指标,二级指标,三级指标,指标性质,指标值,"
    header += "计量单位"
    lines = [LABEL, TITLE, DEPARTMENT, UNIT, header, "合计,1.00,1.00,,,,,,,,,", "某区司法局,1.00,1.00,,,,,,,,,"]
    lines += ["法律援助经费,1.00,1.00,,,办理援助案件。,产出指标,质量指标,结案率,≥,95（含）,%"]
    lines += [",,,,,,满意度指标,服务对象满意度指标,群众满意度,≥,90,%"]
    table = _table(tmp_path, "\n".join(lines) + "\n", "table.csv")
    _whole(table, {"法律援助经费": "1.00"})
    read = [(i.annual.text, i.annual.comparison, i.annual.number, i.annual.unit) for i in table.projects[0].indicators]
    assert read == [("≥95%（含）", ">=", 95, "%"), ("≥90%", ">=", 90, "%")]


def test_a_short_row_then_a_short_row_of_its_own_are_not_joined(tmp_path: Path) -> None:
    """A row that leaves out its empty last cell, then a unit row of two cells: 6 + 2 - 1 cells are the header's 7,
    but the unit's amount would stand under 绩效指标; they stay two rows."""
    rows: list = [_row("合计", "3.00", "", ""), "某区司法局\t3.00", "\t".join(_row("法律援助经费", "1.00")[:6])]
    rows += ["调解所\t2.00", "\t".join(_row("调解经费", "2.00"))]
    table = _table(tmp_path, _text(rows))
    assert [a.name for a in table.aggregates] == ["合计", "某区司法局", "调解所"]
    assert _projects(table) == {"法律援助经费": 1, "调解经费": 2}


def test_a_goal_broken_over_two_lines_is_joined(tmp_path: Path) -> None:
    rows: list = _rows(("法律援助经费", "1.00"), ("调解经费", "2.00"))
    rows[2] = "\t".join(_row("法律援助经费", "1.00", goal="为村居提供法律服务，\n办理援助案件。"))
    table = _table(tmp_path, _text(rows))
    _whole(table, {"法律援助经费": "1.00", "调解经费": "2.00"})
    assert table.projects[0].goal_text == "为村居提供法律服务， 办理援助案件。"
    assert [i.annual.text for i in table.projects[0].indicators] == ["≥100个"]
