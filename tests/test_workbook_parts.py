"""Workbooks and pages as exports show them (GENERATED inline, the per-row layout of
tests/fixtures/layouts_real/2024/jingyan-per-row.txt):

- a hidden column (a stale 财政拨款 kept beside the shown one) was read, and won: the project's 财政拨款 was the
  hidden 999; a column Excel does not show is not read now;
- a budget summary sheet or table beside the target table (项目名称 | 总计 | 财政拨款, no indicator column) made
  the file a refusal ("different column headers"); it is another table, and is not read."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from etl.extract.workbook import hidden_columns
from etl.model import SourceTable
from etl.transform.pipeline import run_file

HEADER = [
    "项目名称",
    "总计",
    "财政拨款",
    "年度目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
]
ROWS = [
    ["乡村道路养护", "800000", "800000", "养护村道30公里", "产出指标", "数量指标", "养护里程", "≥", "30", "公里"],
    ["", "", "", "", "满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%"],
    [
        "场镇环境卫生整治",
        "450000",
        "450000",
        "场镇保洁全覆盖",
        "产出指标",
        "数量指标",
        "保洁面积",
        "≥",
        "5",
        "万平方米",
    ],
]
SUMMARY = [["项目名称", "总计", "财政拨款", "备注"], ["乡村道路养护", "800000", "800000", ""]]
FACTS = [
    ("乡村道路养护", Decimal("800000.00"), Decimal("800000.00"), 2),
    ("场镇环境卫生整治", Decimal("450000.00"), Decimal("450000.00"), 1),
]


def _facts(path: Path) -> list[tuple]:  # type: ignore[type-arg]
    table = run_file(path)
    assert isinstance(table, SourceTable), getattr(table, "reason", table)
    return [(p.project_name, p.amounts["total"], p.amounts["fiscal"], len(p.indicators)) for p in table.projects]


def _book(path: Path, header: list[str], rows: list[list[str]], hide: str | None = None, summary: bool = False) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["马踏镇2024年项目支出绩效目标表"])
    sheet.append(["部门名称：井研县马踏镇人民政府"])
    sheet.append(["单位：元"])
    for row in [header, *rows]:
        sheet.append(row)
    if hide:
        sheet.column_dimensions[hide].hidden = True
    if summary:
        other = book.create_sheet("汇总")
        for row in SUMMARY:
            other.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def test_a_hidden_column_is_not_read(tmp_path: Path) -> None:
    header = [*HEADER[:1], "财政拨款", *HEADER[1:]]
    rows = [r[:1] + (["999"] if r[1] else [""]) + r[1:] for r in ROWS]
    assert _facts(_book(tmp_path / "2024" / "hidden.xlsx", header, rows, hide="B")) == FACTS


def test_hidden_columns_from_the_sheet_xml() -> None:
    head = (
        b'<cols><col min="1" max="1" width="9"/><col hidden="1" min="3" max="4"/>'
        b'<col max="9" min="9" hidden="true"/></cols><sheetData>'
    )
    assert hidden_columns(head) == {2, 3, 8}
    assert (
        hidden_columns(b'<sheetData><row><c r="A1"/></row></sheetData><cols><col min="1" max="1" hidden="1"/>') == set()
    )


def test_a_summary_sheet_beside_the_target_table_is_not_read(tmp_path: Path) -> None:
    assert _facts(_book(tmp_path / "2024" / "summary.xlsx", HEADER, ROWS, summary=True)) == FACTS


def _html_table(rows: list[list[str]]) -> str:
    return "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in rows) + "</table>"


def test_a_summary_table_before_the_target_table_in_a_page_is_not_read(tmp_path: Path) -> None:
    page = (
        "<html><body><p>马踏镇2024年项目支出绩效目标表</p><p>部门名称：井研县马踏镇人民政府</p><p>单位：元</p>"
        f"{_html_table(SUMMARY)}{_html_table([HEADER, *ROWS])}</body></html>"
    )
    path = tmp_path / "2024" / "page.html"
    path.parent.mkdir(parents=True)
    path.write_text(page, encoding="utf-8")
    assert _facts(path) == FACTS


ITEMS = [
    "1、1-产出指标：11-数量指标：慰问人次；实施周期指标值:12人；年度指标值:12人。",
    "2、1-产出指标：11-数量指标：慰问完成率；实施周期指标值:100%；年度指标值:100%。",
    "3、2-效益指标：31-服务对象满意度；慰问对象满意度；实施周期指标值:100%；年度指标值:100%。",
]


def test_packed_items_one_a_row_under_merged_project_cells(tmp_path: Path) -> None:
    """项目名称, the amounts and 绩效目标 merged over three rows, one 绩效指标 item in each: rows 2 and 3 were
    'row has no project name', the project kept its first indicator only. A row whose items do not number on
    (1、 again) is still a reject."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for line in ["项目支出绩效目标表", "部门名称：某区司法局", "单位：万元"]:
        sheet.append([line])
    sheet.append(["项目名称", "总计", "财政拨款", "绩效目标", "绩效指标"])
    sheet.append(["慰问经费", 1.2, 1.2, "做好慰问工作。", ITEMS[0]])
    sheet.append([None, None, None, None, ITEMS[1]])
    sheet.append([None, None, None, None, ITEMS[2]])
    sheet.append([None, None, None, None, ITEMS[0]])
    for column in range(1, 5):
        sheet.merge_cells(start_row=5, end_row=7, start_column=column, end_column=column)
    path = tmp_path / "2024" / "merged.xlsx"
    path.parent.mkdir(parents=True)
    book.save(path)
    table = run_file(path)
    assert isinstance(table, SourceTable), getattr(table, "reason", table)
    [project] = table.projects
    assert [(i.seq, i.type_key, i.name) for i in project.indicators] == [
        (1, "11", "慰问人次"),
        (2, "11", "慰问完成率"),
        (3, "31", "慰问对象满意度"),
    ]
    assert [(r.line_no, r.reason) for r in table.rejects] == [(8, "row has no project name")]
