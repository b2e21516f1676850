"""Transfer-payment document numbers set apart from project names (GENERATED inline tables and names).

Before: 穗财政【2023】79号文法律顾问经费 (a reference written …号文) split after 号: document 穗财政【2023】79号,
name 文法律顾问经费, another name than the same project's 法律顾问经费 printed after next year's
穗财政【2024】12号 (and …号文件 left 文件… in the name). Now 文/文件 go with the document, unless a word of 文
(文化站, 文物) begins the name.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl.load.run import run_load
from etl.model import SourceTable
from etl.transform.pipeline import run_file
from etl.transform.table import split_transfer_doc
from etl.warehouse.connect import connect

LABEL = "GENERATED inline table (invented projects, not a real table)"

SPLIT = [
    # forms read before, read the same
    ("穗财政【2023】79号专职人民调解服务项目经费", "穗财政【2023】79号", "专职人民调解服务项目经费"),
    ("穗财政【2023】79号一村(社区)一法律顾问经费", "穗财政【2023】79号", "一村(社区)一法律顾问经费"),
    ("穗财政[2023]第79号法律顾问经费", "穗财政[2023]第79号", "法律顾问经费"),
    ("（穗财政【2023】79号）法律顾问经费", "穗财政【2023】79号", "法律顾问经费"),
    ("穗财政【2023】79号-法律顾问经费", "穗财政【2023】79号", "法律顾问经费"),
    ("穗财政【2023】79号：法律顾问经费", "穗财政【2023】79号", "法律顾问经费"),
    ("法律顾问经费（穗财政【2023】79号）", "穗财政【2023】79号", "法律顾问经费"),
    ("粤财社〔2022〕5号 法律援助经费", "粤财社〔2022〕5号", "法律援助经费"),
    # a reference written …号文 / …号文件: the 文 is the document's
    ("穗财政【2023】79号文法律顾问经费", "穗财政【2023】79号文", "法律顾问经费"),
    ("穗财政〔2023〕79号文件法律顾问经费", "穗财政〔2023〕79号文件", "法律顾问经费"),
    ("穗财政【2023】79号文-法律顾问经费", "穗财政【2023】79号文", "法律顾问经费"),
    ("（穗财政【2023】79号文）法律顾问经费", "穗财政【2023】79号文", "法律顾问经费"),
    ("法律顾问经费（穗财政【2023】79号文）", "穗财政【2023】79号文", "法律顾问经费"),
    ("粤财预〔2023〕12号文件：法律顾问经费", "粤财预〔2023〕12号文件", "法律顾问经费"),
    # a name that begins with a word of 文 keeps it
    ("穗财政【2023】79号文化站建设经费", "穗财政【2023】79号", "文化站建设经费"),
    ("穗财政【2023】79号文物保护经费", "穗财政【2023】79号", "文物保护经费"),
    ("穗财政【2023】79号文明创建经费", "穗财政【2023】79号", "文明创建经费"),
    ("穗财政【2023】79号文昌路改造经费", "穗财政【2023】79号", "文昌路改造经费"),  # a place (review of round 13)
    ("穗财政【2023】79号文件柜购置经费", "穗财政【2023】79号", "文件柜购置经费"),  # a file cabinet, not 号文件
    ("穗财政【2023】79号文件文件柜购置经费", "穗财政【2023】79号文件", "文件柜购置经费"),
]
WHOLE = ["79号文法律顾问经费", "12号楼维修", "5号线沿线维护经费", "第3号文件法律顾问经费", "穗财政【2023】79号文"]


@pytest.mark.parametrize(("printed", "doc", "name"), SPLIT)
def test_a_document_number_is_set_apart(printed: str, doc: str, name: str) -> None:
    assert split_transfer_doc(printed) == (doc, name)


@pytest.mark.parametrize("printed", WHOLE)
def test_a_number_without_its_issuer_and_year_stays_in_the_name(printed: str) -> None:
    assert split_transfer_doc(printed) == (None, printed)


DOCS = st.sampled_from(["穗财政【2023】79号", "粤财社〔2022〕5号", "穗财政[2024]第12号", "财预(2021)101号"])
NAMES = st.text(st.sampled_from("法律顾问援助调解人民社区服务经费项目化明"), min_size=1, max_size=16)


@settings(max_examples=300, deadline=None, database=None)
@given(DOCS, st.sampled_from(["", "文", "文件"]), st.sampled_from(["", "-", "：", " "]), NAMES)
def test_the_document_and_the_name_print_the_whole(doc: str, reference: str, sep: str, name: str) -> None:
    """Whatever the name, the document and the name together are what was printed (separator aside), and the name
    never begins with a 文 that was the reference's."""
    got_doc, got_name = split_transfer_doc(f"{doc}{reference}{sep}{name}")
    assert got_doc is not None and got_doc.startswith(doc)
    assert f"{got_doc}{got_name}" == f"{doc}{reference}{name}" or sep.strip()
    if reference == "文件" or (reference and (sep or not name.startswith(("化", "明")))):
        assert got_doc == doc + reference and got_name == name


def _write(root: Path, year: int, transfer: str) -> Path:
    lines = [LABEL, "项目支出绩效目标表（含转移支付项目）", "部门名称：某区司法局", "单位：万元"]
    lines += ["项目名称\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标", "合计\t3.00\t3.00\t\t\t\t"]
    item = "1、1-产出指标：11-数量指标：服务村居数；实施周期指标值:≥100个；年度指标值:≥100个。"
    lines += [f"{transfer}\t1.00\t1.00\t\t\t为村居提供法律服务。\t{item}"]
    lines += [f"法律援助经费\t2.00\t2.00\t\t\t办理援助案件。\t{item.replace('服务村居数', '援助案件数')}"]
    path = root / str(year) / "table.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_project_under_a_document_written_hao_wen_keeps_its_identity_across_years(tmp_path: Path) -> None:
    """2023 prints 穗财政【2022】50号文法律顾问经费, 2024 穗财政【2023】79号法律顾问经费: one project, linked by the
    normalised name (法律顾问经费 both years), not two (文法律顾问经费 against 法律顾问经费)."""
    root = tmp_path / "raw"
    table = run_file(_write(root, 2023, "穗财政【2022】50号文法律顾问经费"))
    assert isinstance(table, SourceTable) and table.rejects == []
    assert [(p.transfer_doc_no, p.project_name) for p in table.projects] == [
        ("穗财政【2022】50号文", "法律顾问经费"),
        (None, "法律援助经费"),
    ]
    _write(root, 2024, "穗财政【2023】79号法律顾问经费")
    warehouse = tmp_path / "wh.duckdb"
    assert {r.status for r in run_load([root], warehouse).results} == {"loaded"}
    con = connect(warehouse, read_only=True, published=False)
    try:
        rows = con.execute(
            "select b.budget_year, b.transfer_doc_no, b.project_name, b.project_id, n.link_method "
            "from fact_project_budget b join dim_project_name n using (name_key) "
            "where b.transfer_doc_no is not null order by 1"
        ).fetchall()
    finally:
        con.close()
    assert [r[:3] for r in rows] == [
        (2023, "穗财政【2022】50号文", "法律顾问经费"),
        (2024, "穗财政【2023】79号", "法律顾问经费"),
    ]
    assert rows[0][3] == rows[1][3] and rows[1][4] == "normalised"
