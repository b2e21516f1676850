"""Amount columns as other exports name and split them (GENERATED inline tables, derived from the real sample's layout).

Before: 其中：财政拨款, 一般公共预算拨款, 纳入财政专户管理的收入, 单位自有资金 … were unknown columns, so a
project's parts loaded as 0 (and budget_parts_add_up skips all-zero parts: nothing said so); a second column of
one part (一般公共预算拨款 | 政府性基金预算拨款) was dropped."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from etl.extract.columns import canonical_column, header_positions
from etl.model import SourceTable
from etl.transform.pipeline import run_file
from tests.inline_tables import write_text_table

INDICATORS = "1、1-产出指标：11-数量指标：慰问人次；实施周期指标值:12人；年度指标值:12人。"


def _table(tmp_path: Path, header: list[str], rows: list[list[str]]) -> SourceTable:
    lines = ["项目支出绩效目标表", "部门名称：某区司法局", "单位：万元", "\t".join(header)]
    lines += ["\t".join([*row, "保障工作正常开展。", INDICATORS]) for row in rows]
    path = tmp_path / "2024" / "table.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = run_file(path)
    assert isinstance(table, SourceTable), getattr(table, "reason", table)
    return table


def _parts(table: SourceTable) -> list[tuple[str, Decimal, Decimal, Decimal, Decimal]]:
    return [
        (p.project_name, p.amounts["total"], p.amounts["fiscal"], p.amounts["special_account"], p.amounts["other"])
        for p in table.projects
    ]


W = Decimal("10000")


def test_qizhong_names_a_part_of_the_total(tmp_path: Path) -> None:
    header = ["项目名称", "合计", "其中：财政拨款", "其他资金", "年度绩效目标", "绩效指标"]
    table = _table(tmp_path, header, [["慰问经费", "1.20", "1.00", "0.20"]])
    assert _parts(table) == [("慰问经费", Decimal("1.20") * W, Decimal("1.00") * W, 0, Decimal("0.20") * W)]


def test_two_columns_of_one_part_add_up(tmp_path: Path) -> None:
    header = [
        "项目名称",
        "合计",
        "一般公共预算拨款",
        "政府性基金预算拨款",
        "财政专户管理资金",
        "单位资金",
        "绩效目标",
        "绩效指标",
    ]
    rows = [["慰问经费", "10.00", "6.00", "3.00", "", "1.00"], ["调解补贴", "5.00", "5.00", "", "", ""]]
    assert _parts(_table(tmp_path, header, rows)) == [
        ("慰问经费", 10 * W, 9 * W, 0, 1 * W),
        ("调解补贴", 5 * W, 5 * W, 0, 0),
    ]


def test_a_breakdown_of_a_part_is_not_counted_twice(tmp_path: Path) -> None:
    """财政拨款 | 一般公共预算 | 政府性基金: the last two are 财政拨款's breakdown (the total counts them once)."""
    header = ["项目名称", "总计", "财政拨款", "一般公共预算", "政府性基金", "其他资金", "绩效目标", "绩效指标"]
    rows = [["慰问经费", "10.00", "9.00", "6.00", "3.00", "1.00"]]
    assert _parts(_table(tmp_path, header, rows)) == [("慰问经费", 10 * W, 9 * W, 0, 1 * W)]
    header[3] = "其中：一般公共预算"
    assert header_positions(header)[0]["fiscal"] == 2 and "fiscal+3" not in header_positions(header)[0]


def test_other_wordings_of_the_columns() -> None:
    wordings = {
        "预算项目名称": "project_name",
        "本年预算数": "total",
        "一般公共预算拨款": "fiscal",
        "财政拨款（补助）": "fiscal",
        "纳入财政专户管理的收入": "special_account",
        "单位自有资金": "other",
        "事业收入": "other",
        "绩效目标（年度）": "goal",
        "年度绩效指标": "indicators",
        "其中:财政拨款": "fiscal",
    }
    assert {w: canonical_column(w)[0] for w in wordings} == wordings


def test_a_header_row_repeated_inside_the_table_is_read_once(tmp_path: Path) -> None:
    """A table printed over pages and copied back to text, Word or HTML: its header row again mid-table (also in
    another wording) was a row without amounts, two rejects."""
    header = "项目名称（资金使用单位）\t总计\t财政拨款\t其他资金\t绩效目标\t绩效指标"
    row = "\t{}\t{}\t\t保障工作正常开展。\t" + INDICATORS
    lines = ["项目支出绩效目标表", "部门名称：某区司法局", "单位：万元", header]
    lines += ["慰问经费" + row.format("1.20", "1.20")]
    lines += ["", "项目支出绩效目标表（续）", header, "调解补贴" + row.format("5.00", "5.00")]
    lines += ["项目名称\t总计\t财政拨款\t其他资金\t绩效目标\t绩效指标", "律师经费" + row.format("2.00", "2.00")]
    path = tmp_path / "2024" / "table.txt"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = run_file(path)
    assert isinstance(table, SourceTable), getattr(table, "reason", table)
    assert [p.project_name for p in table.projects] == ["慰问经费", "调解补贴", "律师经费"]
    assert table.rejects == []


UNIT_LINES = {
    "单位为元": "元",
    "单位/元": "元",
    "单位 元": "元",
    "（元）": "元",
    "元": "元",
    "单位：万": "万元",
    "万元": "万元",
    "单位：千元": "千元",
    "预算单位：元谋县司法局": None,
    "单位 元谋县": None,
    "单位：万人次": None,
}


def test_the_amount_unit_in_other_wordings() -> None:
    """A table in 元 whose unit line read 单位为元, 单位/元 or just （元） was read in 万元: every amount x 10,000."""
    from etl.transform.header import parse_header

    got = {line: parse_header([(1, "项目支出绩效目标表"), (2, line)]).source_unit for line in UNIT_LINES}
    assert got == UNIT_LINES


def test_a_table_in_yuan_says_so_in_its_own_words(tmp_path: Path) -> None:
    path = tmp_path / "2024" / "table.txt"
    path.parent.mkdir(parents=True)
    header = "项目名称\t总计\t财政拨款\t其他资金\t绩效目标\t绩效指标"
    body = f"慰问经费\t12,000.00\t12,000.00\t\t保障工作正常开展。\t{INDICATORS}"
    lines = ["项目支出绩效目标表", "部门名称：某区司法局", "（单位为元）", header, body]
    path.write_text("\n".join(lines), encoding="utf-8")
    table = run_file(path)
    assert isinstance(table, SourceTable), getattr(table, "reason", table)
    assert table.source_unit == "元" and table.projects[0].amounts["total"] == Decimal("12000.00")


def test_a_part_split_in_a_two_row_header(tmp_path: Path) -> None:
    """财政拨款 over 一般公共预算 | 政府性基金: the second row was not a sub-header (one known column name twice), so
    it was a row without a name (a reject) and 政府性基金 was dropped."""
    lines = [
        "项目支出绩效目标表",
        "部门名称：某区司法局",
        "单位：万元",
        "项目名称\t总计\t财政拨款\t\t其他资金\t绩效目标\t绩效指标",
        "\t\t一般公共预算\t政府性基金\t\t\t",
        f"慰问经费\t10.00\t6.00\t3.00\t1.00\t保障工作正常开展。\t{INDICATORS}",
    ]
    path = tmp_path / "2024" / "table.txt"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = run_file(path)
    assert isinstance(table, SourceTable), getattr(table, "reason", table)
    assert (table.rejects, _parts(table)) == ([], [("慰问经费", 10 * W, 9 * W, 0, 1 * W)])


def _refusal(tmp_path: Path, header: str, row: str) -> str | None:
    path = write_text_table(tmp_path, "某区司法局", header, f"{row}\t保障工作正常开展。\t{INDICATORS}")
    return getattr(run_file(path), "reason", None)


def test_an_unknown_money_column_holding_the_parts_is_refused_by_name(tmp_path: Path) -> None:
    """A wording the column map lacks (自有资金来源) held the project's money: the parts loaded as 0, silently."""
    reason = _refusal(tmp_path, "项目名称\t总计\t自有资金来源\t绩效目标\t绩效指标", "慰问经费\t10.00\t10.00")
    assert reason == (
        "line 5: column '自有资金来源' holds amounts (慰问经费: 10.00) but is no known part of the total: add its name "
        "to etl/extract/columns.csv"
    )
    # a period amount beside a total printed alone is no part of it; nor is a column the map knows
    assert _refusal(tmp_path, "项目名称\t年度预算\t中期资金\t绩效目标\t绩效指标", "慰问经费\t10.00\t30.00") is None
    assert _refusal(tmp_path, "项目名称\t总计\t单位资金\t绩效目标\t绩效指标", "慰问经费\t10.00\t10.00") is None


def test_per_row_and_funding_wordings() -> None:
    wordings = {
        "目标值": "value",
        "比较符号": "comparison",
        "一级": "level1",
        "二级": "level2",
        "三级": "indicator_name",
        "分值（%）": "weight",
        "实施期目标值": "period_value",
        "支出项目名称": "project_name",
        "本级财政资金": "fiscal",
        "上级补助资金": "fiscal",
        "自有资金": "other",
    }
    assert {w: canonical_column(w)[0] for w in wordings} == wordings


def test_two_fiscal_sources_add_up(tmp_path: Path) -> None:
    """财政拨款 printed as 本级财政资金 | 上级补助资金 (宁乡's 财政拨款(上级/本级)): both are 财政拨款."""
    header = ["项目名称", "年度预算数", "本级财政资金", "上级补助资金", "自有资金", "绩效目标", "绩效指标"]
    assert _parts(_table(tmp_path, header, [["慰问经费", "10.00", "4.00", "5.00", "1.00"]])) == [
        ("慰问经费", 10 * W, 9 * W, 0, 1 * W)
    ]


def test_the_2021_template_funding_columns(tmp_path: Path) -> None:
    """The 2021 财政支出绩效目标申报表's sources (real fragment gxglmes_template_2021): three 财政拨款 columns, the
    财政专户 one, and two others; 未纳入财政专户管理的收入 and 上年结余收入 were unknown (dropped)."""
    header = ["项目名称", "合计", "一般公共预算拨款", "政府性基金预算拨款", "国有资本经营预算拨款"]
    header += ["纳入财政专户管理的收入", "未纳入财政专户管理的收入", "上年结余收入", "绩效目标", "绩效指标"]
    rows = [["慰问经费", "21.00", "6.00", "5.00", "4.00", "3.00", "2.00", "1.00"]]
    assert _parts(_table(tmp_path, header, rows)) == [("慰问经费", 21 * W, 15 * W, 3 * W, 3 * W)]


def test_signature_lines_under_the_table_are_notes(tmp_path: Path) -> None:
    """填报人：… under the last project was read as a row of one cell: the table was refused as 'truncated mid-row'."""
    header = "项目名称\t总计\t财政拨款\t其他资金\t绩效目标\t绩效指标"
    body = f"慰问经费\t1.20\t1.20\t\t保障工作正常开展。\t{INDICATORS}"
    lines = [
        "项目支出绩效目标表",
        "部门名称：某区司法局",
        "单位：万元",
        header,
        body,
        "",
        "填报人：张三",
        "单位负责人：李四",
        "填报人：张三\t审核人：李四\t\t填报日期：2024年1月10日",
    ]
    path = tmp_path / "2024" / "table.txt"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = run_file(path)
    assert isinstance(table, SourceTable), getattr(table, "reason", table)
    assert [p.project_name for p in table.projects] == ["慰问经费"] and table.rejects == []


@pytest.mark.parametrize(
    "footer",
    ["单位（盖章）：", "（公章）", "2024年1月10日", "填表说明：金额单位为万元", "附件：1.项目明细", "第1页，共1页"],
)
def test_a_footer_line_is_no_row_cut_short(tmp_path: Path, footer: str) -> None:
    """A stamp, date, page number or attachment line under the last project was a one-cell last row: the table
    was refused as 'truncated mid-row'. A name cut short (12348广东法网) still is."""
    header = "项目名称\t总计\t财政拨款\t其他资金\t绩效目标\t绩效指标"
    body = f"慰问经费\t1.20\t1.20\t\t保障工作正常开展。\t{INDICATORS}"
    lines = ["项目支出绩效目标表", "部门名称：某区司法局", "单位：万元", header, body, "", footer]
    path = tmp_path / "2024" / "table.txt"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert isinstance(run_file(path), SourceTable)
    path.write_text("\n".join([*lines[:-1], "12348广东法网"]) + "\n", encoding="utf-8")
    assert "truncated mid-row" in getattr(run_file(path), "reason", "")


def test_the_total_row_printed_last_with_its_empty_cells_left_out(tmp_path: Path) -> None:
    """合计 | 1.20 | 1.20 under the projects (a text dump drops a row's trailing empty cells) was refused as
    'truncated mid-row'; it is the grand total. A project row cut short there still is."""
    header = "项目名称\t总计\t财政拨款\t其他资金\t绩效目标\t绩效指标"
    body = f"慰问经费\t1.20\t1.20\t\t保障工作正常开展。\t{INDICATORS}"
    lines = ["项目支出绩效目标表", "部门名称：某区司法局", "单位：万元", header, body, "合计\t1.20\t1.20"]
    path = tmp_path / "2024" / "table.txt"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    table = run_file(path)
    assert isinstance(table, SourceTable), getattr(table, "reason", table)
    assert [(a.kind, a.name) for a in table.aggregates] == [("grand_total", "合计")]
    path.write_text("\n".join([*lines[:-1], "律师经费\t2.00\t2.00"]) + "\n", encoding="utf-8")
    assert "truncated mid-row" in getattr(run_file(path), "reason", "")


@pytest.mark.parametrize(
    "printed",
    [
        "穗财政[2023]第79号法律顾问经费",
        "（穗财政【2023】79号）法律顾问经费",
        "穗财政【2023】79号-法律顾问经费",
        "穗财政【2023】79号：法律顾问经费",
        "法律顾问经费（穗财政【2023】79号）",
    ],
)
def test_a_transfer_document_number_printed_otherwise(printed: str) -> None:
    """第79号, the number in brackets, a separator after it, or after the name: the number stayed in the name
    (another project than the same one printed 穗财政【2023】79号法律顾问经费) or the separator led the name."""
    from etl.transform.table import split_transfer_doc

    doc, name = split_transfer_doc(printed)
    assert name == "法律顾问经费" and doc is not None and doc.startswith("穗财政") and doc.endswith("79号")
    assert split_transfer_doc("12号楼维修") == (None, "12号楼维修")
