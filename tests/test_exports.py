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

from etl.model import SourceTable
from etl.transform.pipeline import process_file
from tests.layout_facts import parsed_facts

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
TITLE, DEPARTMENT, UNIT = "项目支出绩效目标表（含转移支付项目）", "部门名称：广州市天河区司法局", "单位：万元"


@pytest.fixture(scope="module")
def original(sample_path: Path) -> SourceTable:
    return process_file(sample_path)


@pytest.fixture(scope="module")
def grid(sample_path: Path) -> tuple[list[str], list[list[str]]]:
    """The sample's header and rows (the lines with tabs), padded to the header's width."""
    rows = [line.split("\t") for line in sample_path.read_text(encoding="utf-8").splitlines() if "\t" in line]
    return rows[0], [r + [""] * (len(rows[0]) - len(r)) for r in rows[1:]]


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
