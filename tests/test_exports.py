"""The real sample as other exports print it: GENERATED re-exports, built here from the real table (each
test writes its own into tmp_path), must give the same facts as the original.

- one paragraph (Word) or one <br> line (HTML) per indicator item, without the item's final 。: the items were
  run together into one, and four of five indicators of every project were lost, without a reject;
- 部门名称 and 单位 on one line (a workbook's title cells, or a text line): the unit was read into the
  department's name, a second department beside the real one.
"""

from __future__ import annotations

import html
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from etl.cli.app import app
from etl.load.run import run_load
from etl.model import SourceTable
from etl.transform.pipeline import process_file
from etl.warehouse.connect import connect
from tests.layout_facts import parsed_facts

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TITLE, DEPARTMENT, UNIT = "项目支出绩效目标表（含转移支付项目）", "部门名称：广州市天河区司法局", "单位：万元"


def _items(cell: str) -> list[str]:
    """A packed cell's items one by one, without tags and without each item's final 。."""
    text = re.sub(r"</?p>", "", cell).strip()
    return [p.strip().removesuffix("。") for p in re.split(r"(?<=。)\s*(?=\d{1,2}、\s*\d-)", text)]


def _filed(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "2024" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _docx(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    para = lambda t: f'<w:p><w:r><w:t xml:space="preserve">{html.escape(t)}</w:t></w:r></w:p>'  # noqa: E731
    cell = lambda paras: "<w:tc>" + "".join(para(p) for p in paras) + "</w:tc>"  # noqa: E731
    last = len(header) - 1
    body = "".join(
        "<w:tr>" + "".join(cell(_items(v) if i == last and v else [v]) for i, v in enumerate(r)) + "</w:tr>"
        for r in rows
    )
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>'
        + "".join(para(t) for t in (TITLE, DEPARTMENT, UNIT))
        + "<w:tbl><w:tr>" + "".join(cell([h]) for h in header) + f"</w:tr>{body}</w:tbl></w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", xml)
    return path


def _html(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    last = len(header) - 1
    cell = lambda i, v: "<br>".join(map(html.escape, _items(v))) if i == last and v else html.escape(v)  # noqa: E731
    body = "".join("<tr>" + "".join(f"<td>{cell(i, v)}</td>" for i, v in enumerate(r)) + "</tr>" for r in rows)
    head = "".join(f"<p>{t}</p>" for t in (TITLE, DEPARTMENT, UNIT))
    columns = "".join(f"<th>{h}</th>" for h in header)
    path.write_text(f"<html><body>{head}<table><tr>{columns}</tr>{body}</table></body></html>", encoding="utf-8")
    return path


def test_word_cell_with_a_paragraph_per_indicator(tmp_path: Path, grid: tuple, original: SourceTable) -> None:
    table = process_file(_docx(_filed(tmp_path, "tianhe-sfj.docx"), *grid))
    assert len(table.projects) == 22 and table.n_targets == 110 and not table.rejects
    assert parsed_facts(table)["targets"] == parsed_facts(original)["targets"]


def test_html_cell_with_a_line_break_per_indicator(tmp_path: Path, grid: tuple, original: SourceTable) -> None:
    table = process_file(_html(_filed(tmp_path, "tianhe-sfj.html"), *grid))
    assert len(table.projects) == 22 and table.n_targets == 110 and not table.rejects
    assert parsed_facts(table)["targets"] == parsed_facts(original)["targets"]


@pytest.mark.parametrize("joined", ["\t\t\t\t", " ", "    "])
def test_department_and_unit_on_one_text_line(tmp_path: Path, grid: tuple, original: SourceTable, joined: str) -> None:
    header, rows = grid
    path = _filed(tmp_path, "tianhe-sfj.txt")
    lines = [TITLE, DEPARTMENT + joined + UNIT, *("\t".join(r) for r in [header, *rows])]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = process_file(path)
    assert (table.department_name, table.source_unit) == ("广州市天河区司法局", "万元")
    assert parsed_facts(table) == parsed_facts(original)


def test_department_and_unit_in_one_workbook_row(tmp_path: Path, grid: tuple, original: SourceTable) -> None:
    header, rows = grid
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([TITLE])
    sheet.append([DEPARTMENT, None, None, None, UNIT])
    for row in [header, *rows]:
        sheet.append([v or None for v in row])
    path = _filed(tmp_path, "tianhe-sfj.xlsx")
    book.save(path)
    table = process_file(path)
    assert (table.department_name, table.source_unit) == ("广州市天河区司法局", "万元")
    assert parsed_facts(table)["projects"] == parsed_facts(original)["projects"]


def _text_table(tmp_path: Path, lines: list[list[str]]) -> Path:
    path = _filed(tmp_path, "tianhe-sfj.txt")
    path.write_text("\n".join([TITLE, DEPARTMENT, UNIT, *("\t".join(r) for r in lines)]) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("first", ["", "序号"])
def test_a_leading_empty_or_row_number_column(tmp_path: Path, grid: tuple, original: SourceTable, first: str) -> None:
    header, rows = grid
    numbers = iter(range(1, 100))
    lines = [[first, *header]] + [[str(next(numbers)) if first and r[2] else "", *r] for r in rows]
    table = process_file(_text_table(tmp_path, lines))
    assert parsed_facts(table) == parsed_facts(original)


def test_total_named_only_in_the_second_header_row(tmp_path: Path, grid: tuple, original: SourceTable) -> None:
    header, rows = grid
    top = [header[0], "资金来源", "", "", "", *header[5:]]
    second = ["", header[1], *header[2:5], "", ""]
    table = process_file(_text_table(tmp_path, [top, second, *rows]))
    assert parsed_facts(table) == parsed_facts(original)


@pytest.mark.parametrize("with_unit_row", [True, False])
def test_a_project_printed_without_goal_and_indicators_stays_a_project(
    tmp_path: Path, grid: tuple, with_unit_row: bool
) -> None:
    """Read first as a unit's subtotal (no goal, no indicators), it took the 18 projects after it into a unit
    named after it, and was itself lost; the sums show it is a project (of the unit above, or of the 合计)."""
    header, rows = grid
    blank = "区管退休干部节日慰问经费"
    lines = [header] + [
        [*r[:5], "", ""] if r[0] == blank else r for r in rows if with_unit_row or r[0] != "广州市天河区司法局"
    ]
    table = process_file(_text_table(tmp_path, lines))
    assert len(table.projects) == 22 and table.reconciled
    assert {p.unit_name for p in table.projects} == {"广州市天河区司法局"}
    [project] = [p for p in table.projects if p.project_name == blank]
    assert (project.indicators, str(project.amounts["total"])) == ([], "12000.00")
    assert [a.kind for a in table.aggregates] == ["grand_total", "unit_subtotal"][: 1 + with_unit_row]


@pytest.mark.parametrize("kept_lines", [9, 10, 11])  # the header; and 合计; and the department's unit row
def test_a_table_cut_off_before_its_projects_does_not_replace_the_loaded_one(
    sample_copy: Path, tmp_path: Path, kept_lines: int
) -> None:
    """It loaded as an empty table (exit 0) and replaced the department-year's 22 projects with none."""
    warehouse = tmp_path / "wh.duckdb"
    run_load([sample_copy.parent], warehouse)
    text = sample_copy.read_text(encoding="utf-8")
    sample_copy.write_text("\n".join(text.split("\n")[:kept_lines]) + "\n", encoding="utf-8")
    [result] = run_load([sample_copy.parent], warehouse).results
    assert result.status == "refused" and "cut off or empty" in result.message
    with connect(warehouse, read_only=True) as con:
        counts = con.execute("SELECT (SELECT count(*) FROM fact_project_budget), (SELECT count(*) FROM fact_target)")
        assert counts.fetchone() == (22, 110)


def test_check_names_a_project_with_no_targets_as_the_load_gate_would(tmp_path: Path, grid: tuple) -> None:
    """check said OK (exit 0) where the load's quality gate then failed (exit 6) on projects_have_targets."""
    header, rows = grid
    lines = [header] + [[*r[:6], ""] if r[0] == "区管退休干部节日慰问经费" else r for r in rows]
    result = CliRunner().invoke(app, ["check", str(_text_table(tmp_path, lines))])
    assert result.exit_code == 6
    assert "区管退休干部节日慰问经费: no targets (a load fails projects_have_targets)" in result.output


def test_a_workbook_whose_formulas_were_never_computed_is_refused(tmp_path: Path, grid: tuple) -> None:
    """Written by a program that does not calculate (openpyxl, a script), =B12+B13 has no stored value: it read as
    an empty cell, an amount of 0, that only the reconciliation noticed."""
    header, rows = grid
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([TITLE])
    sheet.append([DEPARTMENT])
    for row in [header, *rows]:
        sheet.append([v or None for v in row])
    sheet["B4"] = "=SUM(B6:B27)"  # the 合计 row's total
    path = _filed(tmp_path, "tianhe-sfj.xlsx")
    book.save(path)
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 3
    assert "formula cell(s) without a computed value (B4)" in result.output


def test_a_table_cut_off_at_a_row_end_does_not_replace_the_loaded_one(sample_copy: Path, tmp_path: Path) -> None:
    """Every row it keeps is complete, so only the totals tell: it replaced the 22 projects with 9 (exit 4)."""
    warehouse = tmp_path / "wh.duckdb"
    run_load([sample_copy.parent], warehouse)
    text = sample_copy.read_text(encoding="utf-8")
    sample_copy.write_text("\n".join(text.split("\n")[:20]) + "\n", encoding="utf-8")
    [result] = run_load([sample_copy.parent], warehouse).results
    assert result.status == "refused" and result.message.startswith("cut off: its 合计 (14853400.00 yuan)")
    assert "only the first 9 of its 22 projects" in result.message
    with connect(warehouse, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM fact_project_budget").fetchone() == (22,)
    first_load = process_file(sample_copy)  # alone, as a first load, it loads: nothing to compare it with
    assert len(first_load.projects) == 9 and not first_load.reconciled


def _rows_table(tmp_path: Path, name: str, rows: list[list[str]], header: str | None = None) -> SourceTable:
    head = header or "项目名称\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标"
    path = _filed(tmp_path, name)
    lines = [TITLE, "部门名称：广州市天河区测试局", UNIT, head, *("\t".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return process_file(path)


ITEM = "1、1-产出指标：11-数量指标：完成率；实施周期指标值:100%；年度指标值:100%。"


def _project(name: str, amount: str) -> list[str]:
    return [name, amount, amount, "", "", "目标", ITEM]


def _row(name: str, amount: str) -> list[str]:  # amounts, no goal, no indicators: read as a unit's subtotal
    return [name, amount, amount, "", "", "", ""]


def test_the_settle_step_leaves_rounding_and_headings_alone_and_finds_a_last_project(tmp_path: Path) -> None:
    """Found by a review: a unit off by one printed step (0.01 万元 a project) was taken for a project; a unit's
    last project without targets was missed; a heading without amounts became a reject."""
    rounded = _rows_table(tmp_path, "a.txt", [_row("合计", "100.01"), _row("单位甲", "50.01"),
                          _project("项目甲", "50.00"), _row("单位乙", "50.00"), _project("项目乙", "49.99")])
    assert [a.name for a in rounded.aggregates] == ["合计", "单位甲", "单位乙"] and len(rounded.projects) == 2
    last = _rows_table(tmp_path, "b.txt", [_row("合计", "100.00"), _row("单位甲", "100.00"),
                       _project("项目甲", "60.00"), _row("项目乙", "40.00")])
    assert [(p.unit_name, p.project_name, len(p.indicators)) for p in last.projects] == [
        ("单位甲", "项目甲", 1), ("单位甲", "项目乙", 0)
    ] and last.reconciled
    heading = _rows_table(tmp_path, "c.txt", [_row("合计", "100.00"), _row("单位甲", "100.00"),
                          _project("项目甲", "60.00"), ["其中：转移支付项目", "", "", "", "", "", ""],
                          _project("项目丙", "40.00")])
    assert {p.unit_name for p in heading.projects} == {"单位甲"} and heading.reconciled and not heading.rejects


def test_a_row_number_column_holding_the_total_and_unit_names(tmp_path: Path) -> None:
    """With 序号 first, 合计 and unit names are often printed in it, merged across 项目名称 (a review finding)."""
    header = "序号\t项目名称\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标"
    rows = [["合计", "", "100.00", "100.00", "", "", "", ""], ["一", "", "100.00", "100.00", "", "", "", ""]]
    rows[1][0] = "广州市天河区测试局"
    rows += [["1", *_project("项目甲", "60.00")], ["2", *_project("项目乙", "40.00")]]
    table = _rows_table(tmp_path, "d.txt", rows, header)
    expected = [("grand_total", "合计"), ("unit_subtotal", "广州市天河区测试局")]
    assert [(a.kind, a.name) for a in table.aggregates] == expected
    assert len(table.projects) == 2 and table.reconciled and not table.rejects


def test_a_name_wrapped_in_its_cell_keeps_no_space(tmp_path: Path, grid: tuple) -> None:
    """A Word paragraph or <br> inside a name is a wrap, not a word break (a review finding)."""
    header, rows = grid
    wrapped = [[r[0][:4] + "<br>" + r[0][4:] if r[0] and len(r[0]) > 6 else r[0], *r[1:]] for r in rows]
    path = _filed(tmp_path, "t.html")
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in wrapped)
    path.write_text(f"<p>{DEPARTMENT}</p><p>{UNIT}</p><table><tr>{''.join(f'<th>{h}</th>' for h in header)}</tr>"
                    f"{body}</table>", encoding="utf-8")
    names = sorted(p.printed_name for p in process_file(path).projects)
    assert names == sorted(r[0] for r in rows if r[0] not in ("合计", "广州市天河区司法局"))


def test_a_formula_that_computed_the_empty_string_is_kept(tmp_path: Path, grid: tuple) -> None:
    """Excel stores =IF(…,"",…) that gave "" as t="str" with an empty value: computed, not to refuse (a review)."""
    header, rows = grid
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [[TITLE], [DEPARTMENT], [UNIT], header, *rows]:
        sheet.append([v or None for v in row])
    sheet["E5"] = '=IF(B5=C5,"",B5-C5)'  # 合计's 其他资金
    path = _filed(tmp_path, "t.xlsx")
    book.save(path)
    with zipfile.ZipFile(path) as archive:
        parts = {i.filename: archive.read(i) for i in archive.infolist()}
    sheet_xml, n = re.subn(r'<c r="E5"', '<c r="E5" t="str"', parts["xl/worksheets/sheet1.xml"].decode())
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    assert n == 1 and "<f>" in sheet_xml
    assert len(process_file(path).projects) == 22
