"""Helpers the tests share to write GENERATED tables: a file filed under its year's folder, a text table of a few
rows, a cell's number as a workbook stores it, and a header on several rows as a workbook merges it or a page spans
it."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from etl.model import Refusal, SourceTable


def filed(tmp_path: Path, name: str, year: str = "2024") -> Path:
    """tmp_path/<year>/<name>, its folder made (the year comes from the folder, as in data/raw/)."""
    path = tmp_path / year / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def cell_number(text: str) -> float | str | None:
    """A printed amount as a workbook stores it (1,485.34 -> 1485.34); text stays text, "" is an empty cell."""
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return text or None


def merged_book(
    path: Path,
    lines: Sequence[str],
    header: Sequence[Sequence[str]],
    data: Sequence[Sequence[str]],
    merges: Sequence[str],
) -> Path:
    """A workbook: a line a row, then the header's rows, its labels merged over the cells they span (``merges``: A4:A6
    …), then the data rows, their amounts stored as numbers."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for line in lines:
        sheet.append([line])
    for row in header:
        sheet.append([c or None for c in row])
    for row in data:
        sheet.append([cell_number(c) for c in row])
    for merged in merges:
        sheet.merge_cells(merged)
    book.save(path)
    return path


def spanned_page(path: Path, lines: Sequence[str], head: str, data: Sequence[Sequence[str]]) -> Path:
    """A page: a paragraph a line, then a table of the header's rows as written (``head``: <tr>s spanning with rowspan
    and colspan) and the data rows."""
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in data)
    paragraphs = "".join(f"<p>{line}</p>" for line in lines)
    path.write_text(f"<html><body>{paragraphs}<table>{head}{body}</table></body></html>", encoding="utf-8")
    return path


def write_text_table(tmp_path: Path, department: str, header: str, row: str) -> Path:
    """A tab-separated 项目支出绩效目标表 in 万元 of one department, its header and one row: 2024/table.txt."""
    lines = ["项目支出绩效目标表", f"部门名称：{department}", "单位：万元", header, row]
    path = filed(tmp_path, "table.txt")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# ---- a GENERATED packed table written inline (the hostile-input tests of rounds 18 and 19) ---------------------------

LABEL = "GENERATED inline table (invented projects, not a real table)"
TITLE, DEPARTMENT, UNIT = "项目支出绩效目标表", "部门名称：某区司法局", "单位：万元"
HEADER = ["项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]
ITEM = "1、1-产出指标：11-数量指标：服务村居数；实施周期指标值:≥100个；年度指标值:≥100个。"
GOAL = "为村居提供法律服务。"
WAN = Decimal(10_000)


def project_row(name: str, total: str, goal: str = GOAL, item: str = ITEM) -> list[str]:
    """One row of HEADER's columns: the total all 财政拨款 (a row without goal and item: 合计, a unit, a page total)."""
    return [name, total, total, "", "", goal, item]


def read_inline(tmp_path: Path, content: str | bytes, name: str = "table.txt") -> SourceTable | Refusal:
    """The content filed as 2024/<name> and read through the public path (pipeline.run_file)."""
    from etl.transform.pipeline import run_file

    path = filed(tmp_path, name)
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return run_file(path)


def parsed_inline(tmp_path: Path, content: str | bytes, name: str = "table.txt") -> SourceTable:
    """read_inline's table, which must not be refused."""
    table = read_inline(tmp_path, content, name)
    assert isinstance(table, SourceTable), table
    return table


def refused_inline(tmp_path: Path, content: str | bytes, name: str = "table.txt") -> Refusal:
    """The refusal of content written as tmp_path/2024/<name> (the test fails, showing the table, if it loads)."""
    refusal = read_inline(tmp_path, content, name)
    assert isinstance(refusal, Refusal), refusal
    return refusal


def amounts_in_wan(table: SourceTable) -> list[tuple[str, dict[str, Decimal]]]:
    """Each project's and aggregate's name and its amounts in 万元 (the parts that print nothing left out)."""
    rows = [*((p.project_name, p.amounts) for p in table.projects), *((a.name, a.amounts) for a in table.aggregates)]
    return [(name, {c: v / 10_000 for c, v in amounts.items() if v}) for name, amounts in rows]
