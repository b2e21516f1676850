"""Hostile inputs against round 17's parsing changes (department spelling and wrapped names, transfer documents
wherever printed, nested unit levels, a remark after a bracket value), each a wrong result found through the real
pipeline and fixed. Every table is GENERATED from the real sample (tests/paths.SAMPLE) or the GENERATED bracket
fixture (tests/fixtures/layouts_real/lists.py), with one thing changed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from etl.model import SourceTable
from etl.transform.bracket import last_parenthesised
from etl.transform.header import parse_header
from etl.transform.pipeline import run_file
from etl.transform.table import split_transfer_doc
from tests.fixtures.layouts_real import lists
from tests.paths import SAMPLE
from tests.test_three_level import DEPARTMENT, PROJECTS, failed, total_row, wan, write

NAME = "广州市天河区司法局"
LABELLED = f"部门名称：{NAME}"


def _parsed(path: Path) -> SourceTable:
    table = run_file(path)
    assert isinstance(table, SourceTable), table
    return table


# --- a line after the 部门名称 line that is no part of the name -------------------------------------------------


@pytest.mark.parametrize(
    "follows",
    [
        "本级",
        "部门本级",
        "（本级）",
        "（含转移支付项目）",
        "含转移支付项目",
        "2024",
        "表3",
        "A",
        "第一中学",
        "广州市天河区财政局",
    ],
)
def test_a_line_that_ends_no_name_is_not_joined_to_the_department(follows: str) -> None:
    """Was: 广州市天河区司法局本级, 广州市天河区司法局（含转移支付项目）, 广州市天河区司法局2024 … (a department of its
    own, each year another). A name that ends as a name does goes on only into a bracketed part or its last word."""
    for rows in ((1, 1), (1, 2)):  # the same cell's next line, the next row's
        assert parse_header([(rows[0], LABELLED), (rows[1], follows)]).department_name == NAME, (rows, follows)


@pytest.mark.parametrize(
    ("lines", "name"),
    [
        (["广州市天河区", "司法局"], NAME),
        (["广州市天河区人民政府办公室", "（区外事局）"], "广州市天河区人民政府办公室（区外事局）"),
        (["广州市天河区人民政府办", "公室（区外事局）"], "广州市天河区人民政府办公室（区外事局）"),
        (["广州市天河区人民", "政府办公室（区外", "事局）"], "广州市天河区人民政府办公室（区外事局）"),
        (["中共广州市天河区委", "员会组织部"], "中共广州市天河区委员会组织部"),
        (["井研县马踏镇", "人民政府"], "井研县马踏镇人民政府"),
        (["广州市天河区", "司法局", "本级"], NAME),
    ],
)
def test_a_name_wrapped_anywhere_is_still_read_whole(lines: list[str], name: str) -> None:
    first, *rest = lines
    preamble = [(1, f"部门名称：{first}"), *((1, part) for part in rest)]
    assert parse_header(preamble).department_name == name


def test_a_subtitle_after_the_department_line_keeps_one_department_across_years(tmp_path: Path) -> None:
    """2023 prints （含转移支付项目） on the line after 部门名称, 2024 does not: one department, both years (the
    2023 table was 广州市天河区司法局（含转移支付项目）, no year-over-year pair)."""
    text = SAMPLE.read_text(encoding="utf-8")
    assert text.count(LABELLED) == 1
    paths = {}
    for year, after in ((2023, "（含转移支付项目）"), (2024, "")):
        path = tmp_path / str(year) / "tianhe-sfj.txt"
        path.parent.mkdir()
        path.write_text(text.replace(LABELLED, f"{LABELLED}\n{after}" if after else LABELLED), encoding="utf-8")
        paths[year] = path
    assert f"{LABELLED}\n（含转移支付项目）\n" in paths[2023].read_text(encoding="utf-8")
    assert {_parsed(p).department_name for p in paths.values()} == {NAME}


# --- three levels: a department of one unit printed with its name ------------------------------------------------


def test_a_department_row_over_its_one_unit_of_the_same_name_reconciles(tmp_path: Path) -> None:
    """合计, the department row and its only unit (本级, printed with the department's name) print the same amounts.
    Was: each row counted every project, the 合计 checked against both rows (twice the total): a right table failed."""
    grand = sum(map(wan, PROJECTS), Decimal("0"))
    table = _parsed(write(tmp_path, [total_row("合计", grand), total_row(DEPARTMENT, grand), *_unit(DEPARTMENT)]))
    assert table.reconciled, failed(table)
    assert [(a.kind, a.name) for a in table.aggregates] == [
        ("grand_total", "合计"),
        ("unit_subtotal", DEPARTMENT),
        ("unit_subtotal", DEPARTMENT),
    ]
    checks = {(f.check, f.scope) for f in table.findings if f.column == "total" and not f.check.startswith("row")}
    assert checks == {
        ("unit_subtotal=sum(unit_subtotals)", DEPARTMENT),
        ("unit_subtotal=sum(projects)", DEPARTMENT),
        ("grand_total=sum(projects)", "合计"),
        ("grand_total=sum(unit_subtotals)", "合计"),
    }


def _unit(name: str, amount: Decimal | None = None) -> list[str]:
    return [total_row(name, amount if amount is not None else sum(map(wan, PROJECTS), Decimal("0"))), *PROJECTS]


def test_that_department_row_off_by_one_is_still_reported(tmp_path: Path) -> None:
    grand = sum(map(wan, PROJECTS), Decimal("0"))
    body = [total_row("合计", grand), total_row(DEPARTMENT, grand + 1), *_unit(DEPARTMENT)]
    table = _parsed(write(tmp_path, body))
    assert not table.reconciled
    assert ("grand_total=sum(unit_subtotals)", "合计", "total") in failed(table)


def test_a_unit_row_printed_again_after_its_projects_still_counts_them_all(tmp_path: Path) -> None:
    """Left as it was: the same unit row printed again further down (same name, same amounts) is not a level."""
    grand = sum(map(wan, PROJECTS), Decimal("0"))
    row = total_row(DEPARTMENT, grand)
    table = _parsed(write(tmp_path, [total_row("合计", grand), row, *PROJECTS[:11], row, *PROJECTS[11:]]))
    assert not table.reconciled  # the 合计 against two unit rows of the whole total
    assert ("grand_total=sum(unit_subtotals)", "合计", "total") in failed(table)
    assert ("unit_subtotal=sum(projects)", DEPARTMENT, "total") not in failed(table)


# --- transfer documents ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "doc", "name"),
    [
        # a PDF's letter-spaced text: was ('政〔2023〕79号', '穗 财法律援助'); before this round, not split at all
        ("穗 财 政〔2023〕79号法律援助经费", "穗 财 政〔2023〕79号", "法律援助经费"),
        ("法律援助经费（穗 财 政〔2023〕79号）", "穗 财 政〔2023〕79号", "法律援助经费"),
        # …文件精神 closing the name: was 法律援助经费精神
        ("法律援助经费—粤财社〔2023〕12号文件精神", "粤财社〔2023〕12号文件", "法律援助经费"),
        ("法律援助经费（粤财社〔2023〕12号文件精神）", "粤财社〔2023〕12号文件", "法律援助经费"),
    ],
)
def test_a_reference_printed_so_is_set_apart_whole(printed: str, doc: str, name: str) -> None:
    assert split_transfer_doc(printed) == (doc, name)


@pytest.mark.parametrize(
    "printed", ["学习贯彻会议精神经费", "法律援助 政策宣传经费", "地铁1号线沿线整治", "响应号召经费"]
)
def test_names_without_a_reference_are_kept(printed: str) -> None:
    assert split_transfer_doc(printed) == (None, printed)


def test_a_letter_spaced_reference_through_the_pipeline(tmp_path: Path) -> None:
    """The sample's transfer row printed letter-spaced (a PDF's text): the same project as the sample's row."""
    row = next(r for r in PROJECTS if r.startswith("穗财政【2023】79号专职"))
    spaced = row.replace("穗财政【2023】79号", "穗 财 政【2023】79号", 1)
    table = _parsed(write(tmp_path, [r if r != row else spaced for r in _unit(DEPARTMENT)]))
    project = next(p for p in table.projects if p.printed_name.startswith("穗 财 政"))
    assert (project.transfer_doc_no, project.project_name) == ("穗 财 政【2023】79号", "专职人民调解服务项目经费")


# --- a remark after a bracket value -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "name", "value"),
    [
        ("机柜数量(≥77台)(含2个备用)", "机柜数量(含2个备用)", "≥77台"),
        ("设备数量（10台）（不含3台备用）", "设备数量（不含3台备用）", "10台"),
        ("培训人次(≥500人次)(其中线上200人次)", "培训人次(其中线上200人次)", "≥500人次"),
        ("系统可用性(≥99.9%)(7×24小时)", "系统可用性(7×24小时)", "≥99.9%"),
        # left as they were: the last part is the value
        ("覆盖(2个街道)(≥95%)", "覆盖(2个街道)", "≥95%"),
        ("机柜数量(含2个备用)(≥77台)", "机柜数量(含2个备用)", "≥77台"),
        ("培训(2期)(每期50人)", "培训(2期)", "每期50人"),
        ("资金使用范围(含人员经费)", "资金使用范围", "含人员经费"),
    ],
)
def test_a_remark_with_a_digit_after_the_value_stays_with_the_name(body: str, name: str, value: str) -> None:
    """Was: (含2个备用) read as the target, ≥77台 lost into the name."""
    assert last_parenthesised(body) == (name, value)


def test_a_remark_with_a_digit_through_the_bracket_layout(tmp_path: Path) -> None:
    rows = [[*r[:4], r[4].replace("机柜数量(≥77台)", "机柜数量(≥77台)(含2个备用)")] for r in lists.BRACKET_ROWS]
    path = tmp_path / "2024" / "GENERATED-bracket.txt"
    path.parent.mkdir()
    path.write_text(lists.text(lists.BRACKET_LINES, lists.BRACKET_HEADER, rows), encoding="utf-8")
    assert "机柜数量(≥77台)(含2个备用)" in path.read_text(encoding="utf-8")
    table = _parsed(path)
    assert table.layout == "dept_bracket"
    first = table.projects[0].indicators[0]
    assert (first.name, first.annual.text) == ("机柜数量(含2个备用)", "≥77台")
