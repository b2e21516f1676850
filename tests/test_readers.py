"""Readers on small hand-made inputs: spans in HTML, pipe sniffing, CSV line numbers, encodings."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import html

from etl.extract.delimited import read_csv, read_delimited
from etl.extract.encoding import decode
from etl.extract.html_table import read_html, table_rows
from etl.extract.workbook import cell_text
from etl.model import TableRefused

HEADER = ["项目名称", "总计", "财政拨款", "绩效目标", "一级指标", "二级指标", "三级指标", "指标值"]


def test_html_rowspan_and_colspan_are_flattened() -> None:
    table = html.fromstring(
        "<table><tr><th>a</th><th>b</th><th>c</th></tr>"
        '<tr><td rowspan="2">p</td><td colspan="2">x</td></tr>'
        "<tr><td>y</td><td>z</td></tr></table>"
    )
    assert [cells for _, cells in table_rows(table)] == [["a", "b", "c"], ["p", "x", ""], ["", "y", "z"]]


def test_html_per_row_layout_with_merged_project_cells(tmp_path: Path) -> None:
    head = "".join(f"<th>{h}</th>" for h in HEADER)
    page = (
        "<html><body><p>部门名称：测试局</p><p>单位：元</p><table>"
        f"<tr>{head}</tr>"
        '<tr><td rowspan="2">项目甲</td><td rowspan="2">10</td><td rowspan="2">10</td><td rowspan="2">目标</td>'
        "<td>产出指标</td><td>数量指标</td><td>人数</td><td>5人</td></tr>"
        "<tr><td>满意度指标</td><td>服务对象满意度指标</td><td>满意度</td><td>≥90%</td></tr>"
        "</table></body></html>"
    )
    grid = read_html(tmp_path / "t.html", page.encode())
    assert [r.cells[0] for r in grid.rows] == ["项目名称", "项目甲", ""]
    assert grid.rows[2].cells[4:] == ["满意度指标", "服务对象满意度指标", "满意度", "≥90%"]
    assert grid.preamble[-1][1] == "单位：元"


def test_pipe_separator_is_sniffed(tmp_path: Path) -> None:
    text = "部门名称：测试局\n| 项目名称 | 总计 | 财政拨款 |\n|---|---|---|\n| 项目甲 | 1 | 1 |\n"
    grid = read_delimited(tmp_path / "t.txt", text.encode())
    assert grid.source_format == "pipe"
    assert [r.cells for r in grid.rows] == [["项目名称", "总计", "财政拨款"], ["项目甲", "1", "1"]]


def test_csv_rows_numbered_by_their_first_line(tmp_path: Path) -> None:
    text = '项目名称,总计,财政拨款\n"项目\n甲",1,1\n项目乙,2,2\n'
    grid = read_csv(tmp_path / "t.csv", text.encode())
    assert [(r.line_no, r.cells[0]) for r in grid.rows] == [(1, "项目名称"), (2, "项目\n甲"), (4, "项目乙")]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("项目名称".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "项目名称".encode(), "utf-8-sig"),
        ("项目名称，金额单位：万元".encode("gbk"), "gb18030"),
        ("项目名称".encode() + "名".encode()[:2], "utf-8"),  # cut inside the last character
        ("项目名称\t总计\n".encode("utf-16"), "utf-16"),  # Excel's "Unicode Text": a BOM, little-endian
        ("项目名称\t总计\n".encode("utf-16-be"), "utf-16"),  # no BOM: told by the table's words
    ],
)
def test_encodings(data: bytes, encoding: str) -> None:
    assert decode(data, "x")[1] == encoding


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("项目名称".encode("utf-32"), "UTF-32"),
        ("项目名称\t总计\n".encode("utf-16")[:-2] + b"\x00\xd8", "UTF-16 text with a unit that is no character"),
        (b"\x00\x01\x02\x03" * 20, "binary"),
        ("項目名稱 總計 財政撥款".encode("big5") * 5, "another encoding"),
        (b"   \n", "empty"),
    ],
)
def test_other_encodings_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(TableRefused, match=reason):
        decode(data, "x")


def test_cell_text_reads_numbers_as_printed() -> None:
    assert [cell_text(v) for v in (82.6, 1200.0, 14853400.0, None, 3, "x")] == [
        "82.6",
        "1200",
        "14853400",
        "",
        "3",
        "x",
    ]
