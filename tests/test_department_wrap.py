"""A department name wrapped in its cell (Alt+Enter in Excel, a quoted cell of a CSV or a text dump, <br> in a page)
is the whole name, its lines joined with nothing between (GENERATED: the real sample's rows, only its 部门名称 line
wrapped). Before, only the first line was read: 广州市天河区, a department of its own beside 广州市天河区司法局.
The title lines after a wrapped name (the year, 单位：万元, the table's title) are never read as a part of it."""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from etl.model import SourceTable, TableRefused
from etl.transform.header import department_in_row, parse_header
from etl.transform.pipeline import process_file, run_file
from tests.fixtures.make_layouts import SAMPLE, sample_lines, write_csv, write_html, write_xlsx

NAME = "广州市天河区司法局"
LABELLED = f"部门名称：{NAME}"
TITLE = "项目支出绩效目标表（含转移支付项目）"
PROJECTS = 22  # the sample's projects


def _rows(*preamble: list[str]) -> list[list[str]]:
    """The sample's rows with its title lines (title, 部门名称, 单位) replaced by ``preamble``."""
    rows = sample_lines()
    start = next(i for i, r in enumerate(rows) if len(r) > 1)
    assert rows[:start] == [[TITLE], [LABELLED], ["单位：万元"]]
    return [*preamble, *rows[start:]]


def _parsed(path: Path) -> SourceTable:
    table = run_file(path)
    assert isinstance(table, SourceTable), table
    assert len(table.projects) == PROJECTS
    return table


@pytest.fixture
def year_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "2024"
    folder.mkdir()
    return folder


@pytest.mark.parametrize(
    "preamble",
    [
        [[TITLE], ["部门名称：广州市天河区\n司法局"], ["单位：万元"]],
        [[TITLE], ["部门名称：", "广州市天河区\n司法局"], ["单位：万元"]],
        [[TITLE], ["部门名称：广州市天河区\n司法局", "", "", "", "", "单位：万元"]],
        [[f"{TITLE}\n部门名称：广州市天河区\n司法局\n单位：万元"]],  # one title cell of four lines
    ],
    ids=["name-cell", "label-and-name-cells", "unit-in-the-row", "one-title-cell"],
)
def test_xlsx_cell_with_a_line_break(year_dir: Path, preamble: list[list[str]]) -> None:
    path = year_dir / "GENERATED-wrapped.xlsx"
    write_xlsx(path, _rows(*preamble))
    table = _parsed(path)
    assert (table.department_name, table.source_unit, table.title) == (NAME, "万元", TITLE)


def test_csv_quoted_cell_with_a_line_break(year_dir: Path) -> None:
    path = year_dir / "GENERATED-wrapped.csv"
    write_csv(path, _rows([TITLE], ["部门名称：广州市天河区\r\n司法局"], ["单位：万元"]))
    assert '"部门名称：广州市天河区\r\n司法局"' in path.read_bytes().decode("utf-8")  # quoted, as csv writes it
    assert _parsed(path).department_name == NAME


@pytest.mark.parametrize(
    "lines",
    [
        ['"部门名称：广州市天河区', '司法局"'],  # Excel's copy of the cell: quoted, as a text dump keeps it
        ['部门名称：\t"广州市天河区', '司法局"'],  # the name's cell quoted
        ['部门名称：\t"广州市天河区', "", '司法局"'],  # a blank line inside the quoted cell
    ],
    ids=["quoted-cell", "quoted-name", "blank-line-inside"],
)
def test_text_dump_quoted_cell_with_a_line_break(year_dir: Path, lines: list[str]) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace(LABELLED, "\n".join(lines))
    path = year_dir / "GENERATED-wrapped.txt"
    path.write_text(text, encoding="utf-8")
    assert _parsed(path).department_name == NAME


def test_wrap_on_separate_lines_keeps_the_title_lines_that_follow(tmp_path: Path) -> None:
    """The wrap printed as two lines (a dump without the quotes), the year and the unit on the very next lines:
    the name takes 司法局 and nothing else; the year and the unit are still read (no folder year: the title's)."""
    text = SAMPLE.read_text(encoding="utf-8").replace(
        f"{LABELLED}\n\n单位：万元", "部门名称：广州市天河区\n司法局\n（2024年度）\n单位：万元"
    )
    assert "司法局\n（2024年度）\n单位：万元" in text
    path = tmp_path / "GENERATED-wrapped.txt"
    path.write_text(text, encoding="utf-8")
    table = _parsed(path)
    assert (table.department_name, table.budget_year, table.source_unit) == (NAME, 2024, "万元")


@pytest.mark.parametrize(
    "follows",
    [
        "单位：万元",
        "（2024年度）",
        "2024年",
        TITLE,
        "项目支出绩效目标表",
        "万元",
        "金额单位：元",
        "填报日期：2024年1月",
    ],
)
def test_a_title_line_after_the_name_is_not_swallowed(follows: str) -> None:
    for rows in ((1, 1), (1, 2)):  # the same cell's next line, the next row's
        header = parse_header([(rows[0], LABELLED), (rows[1], follows)])
        assert header.department_name == NAME, (rows, follows)
    header = parse_header([(1, "部门名称：广州市天河区"), (1, "司法局"), (1, follows)])
    assert header.department_name == NAME


def test_a_line_further_down_is_not_a_part_of_the_name() -> None:
    """Only the same row's next line or the very next row continues a name: a line after a blank one is not."""
    assert parse_header([(3, "部门名称：广州市天河区"), (5, "司法局")]).department_name == "广州市天河区"


def test_html_br_in_the_title_lines(year_dir: Path) -> None:
    path = year_dir / "GENERATED-wrapped.html"
    write_html(path, _rows([TITLE], [LABELLED], ["单位：万元"]))
    page = path.read_text(encoding="utf-8")
    assert f"<p>{html.escape(LABELLED)}</p>" in page
    path.write_text(page.replace(LABELLED, "部门名称：广州市天河区<br>司法局"), encoding="utf-8")
    assert _parsed(path).department_name == NAME


def test_html_br_in_a_title_cell_of_the_table(year_dir: Path) -> None:
    path = year_dir / "GENERATED-wrapped.html"
    write_html(path, _rows([TITLE], ["单位：万元"]))
    page = path.read_text(encoding="utf-8")
    title_row = '<tr><td colspan="7">部门名称：广州市天河区<br/>\n司法局</td></tr>'
    path.write_text(page.replace('<table border="1">\n<thead>', f'<table border="1">\n{title_row}\n<thead>'), "utf-8")
    assert _parsed(path).department_name == NAME


def test_a_second_tables_wrapped_department_row_is_read_whole() -> None:
    assert department_in_row(["部门名称：广州市越秀区\n司法局", "", ""]) == "广州市越秀区司法局"
    assert department_in_row(["部门名称：广州市越秀区\n司法局\n单位：万元"]) == "广州市越秀区司法局"
    assert department_in_row(["部门名称：广州市越秀区", "司法局"]) is None  # two cells: no title line


def test_a_second_table_under_a_wrapped_department_row_is_refused(year_dir: Path) -> None:
    """A CSV holding a second department's table below the first, its 部门名称 cell wrapped: refused as two
    tables (the wrapped cell did not read as a title line, and its projects loaded under the first department)."""
    rows = _rows([TITLE], [LABELLED], ["单位：万元"])
    second = [row for row in rows[3:] if row[0] != "合计"]
    path = year_dir / "GENERATED-two-tables.csv"
    write_csv(path, [*rows, ["部门名称：广州市越秀区\n司法局"], *second])
    with pytest.raises(TableRefused, match=r"several tables in one file: line .* names 广州市越秀区司法局"):
        process_file(path)
