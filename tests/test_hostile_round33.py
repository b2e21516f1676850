"""Round 33: what the hunts of this round found, on GENERATED edits of the real sample (each test its own).

- a closing 小计 (本级小计 …) whose amounts differ from its unit row's, or the 合计's, was a reject and the load exited
  0: it is now a reconciliation check (subtotal=unit_subtotal, subtotal=grand_total …), failed where they differ, and
  the load exits 4 as for any table that does not reconcile. One whose amounts cannot be read is still a reject.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl.load.run import run_load
from etl.model import SourceTable
from etl.transform.pipeline import process_file

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt"
UNIT_ROW = "广州市天河区司法局\t1,485.34\t1,485.34\t\t\t\t\n"


def _sample() -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    assert UNIT_ROW in text
    return text


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "raw" / "2024" / SAMPLE.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _table(tmp_path: Path, text: str) -> SourceTable:
    return process_file(_write(tmp_path, text))


def _with_closing(name: str, amounts: str) -> str:
    """The sample with a row closing its one unit (本级小计 …) printed last."""
    return _sample().rstrip("\n") + f"\n{name}\t{amounts}\t{amounts}\t\t\t\t\n"


def test_a_units_closing_subtotal_that_differs_fails_its_check(tmp_path: Path) -> None:
    text = _with_closing("小计", "1,000.00")
    table = _table(tmp_path, text)
    line = len(text.rstrip("\n").split("\n"))
    failed = {(f.check, f.scope, f.line_no, f.column) for f in table.findings if not f.passed}
    assert failed == {
        ("subtotal=unit_subtotal", "小计", line, "total"),
        ("subtotal=unit_subtotal", "小计", line, "fiscal"),
    }
    assert table.rejects == [] and len(table.projects) == 22


def test_a_units_closing_subtotal_that_agrees_passes_its_check(tmp_path: Path) -> None:
    table = _table(tmp_path, _with_closing("小计", "1485.3400"))
    checks = [f for f in table.findings if f.check == "subtotal=unit_subtotal"]
    assert len(checks) == 4 and all(f.passed for f in checks)  # total and the three parts
    assert table.rejects == [] and table.reconciled


def test_a_closing_subtotal_that_cannot_be_read_is_a_reject(tmp_path: Path) -> None:
    table = _table(tmp_path, _with_closing("小计", "一千"))
    assert [r.line_no for r in table.rejects] == [len(_with_closing("小计", "一千").rstrip("\n").split("\n"))]
    assert not [f for f in table.findings if f.check.startswith("subtotal=")]
    assert len(table.projects) == 22


def test_a_load_with_a_closing_subtotal_that_differs_does_not_reconcile(tmp_path: Path) -> None:
    _write(tmp_path, _with_closing("小计", "1,000.00"))
    warehouse = tmp_path / "w.duckdb"
    report = run_load([tmp_path / "raw"], warehouse)
    assert report.exit_code == 4  # it exited 0, the 小计 a reject
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        failed = con.execute(
            "SELECT check_name, scope, expected_yuan, actual_yuan FROM fact_reconciliation"
            " WHERE NOT passed ORDER BY column_name"
        ).fetchall()
        rejects = con.execute("SELECT count(*) FROM load_reject").fetchall()
        projects = con.execute("SELECT count(*) FROM fact_project_budget").fetchall()
    finally:
        con.close()
    assert [f[:2] for f in failed] == [("subtotal=unit_subtotal", "小计")] * 2
    assert {(str(f[2]), str(f[3])) for f in failed} == {("10000000.00", "14853400.00")}
    assert rejects == [(0,)] and projects == [(22,)]


# a single-project form (GENERATED, modelled on the national 申报表) whose money is a grid: MONEY_ROWS stands for it
FORM = """项目支出绩效目标申报表
（2024年度）
项目名称\t县级公立医院综合改革补助
主管部门及代码\t[205]霍山县卫生健康委员会\t\t\t实施单位\t霍山县医院
项目属性\t延续项目\t\t\t项目期\t3年
MONEY_ROWS
总体目标\t中期目标（2024年—2026年）\t\t\t年度目标
\t完善公立医院补偿机制。\t\t\t落实药品零差率补助，保障医院正常运行。
绩效指标\t一级指标\t二级指标\t三级指标\t\t\t中期指标值\t年度指标值
\t产出指标\t数量指标\t补助医院数量\t\t\t3家\t1家
\t满意度指标\t服务对象满意度指标\t患者满意度\t\t\t≥90%\t≥90%
项目负责人：陈某某    联系电话：0564-5021234
"""
BLOCK_COLUMNS = """项目资金（元）\t\t中期资金总额\t年度资金总额
\t资金总额\t3,600,000.00\t1,250,000.00
\t其中：财政拨款\t3,000,000.00\t1,050,000.00
\t其他资金\t600,000.00\t200,000.00"""
PART_COLUMNS = """项目资金（万元）\t\t资金总额\t\t财政拨款\t\t其他资金
\t中期\t360.00\t\t300.00\t\t60.00
\t年度\t125.00\t\t105.00\t\t20.00"""
PART_COLUMNS_ONE_ROW = """项目资金（万元）\t资金总额\t\t财政拨款\t\t其他资金
\t125.00\t\t105.00\t\t20.00"""


def _money(tmp_path: Path, money_rows: str) -> tuple[dict[str, object], list[tuple[str, bool]]]:
    table = _table(tmp_path, FORM.replace("MONEY_ROWS", money_rows))
    [project] = table.projects
    amounts = {k: str(v) for k, v in project.amounts.items()}
    amounts["period_total"] = None if project.period_total is None else str(project.period_total)
    return amounts, [(f.check, f.passed) for f in table.findings]


def test_a_forms_money_with_its_blocks_as_columns_is_the_years(tmp_path: Path) -> None:
    amounts, findings = _money(tmp_path, BLOCK_COLUMNS)
    assert amounts == {  # the period's 3,600,000 was the year's total, and the period total was lost
        "total": "1250000.00",
        "fiscal": "1050000.00",
        "special_account": "0.00",
        "other": "200000.00",
        "period_total": "3600000.00",
    }
    assert ("period_total=sum(funding)", True) in findings and all(passed for _, passed in findings)


def test_a_forms_period_parts_in_a_grid_are_checked(tmp_path: Path) -> None:
    _, findings = _money(tmp_path, BLOCK_COLUMNS.replace("3,000,000.00", "2,900,000.00"))
    assert [check for check, passed in findings if not passed] == ["period_total=sum(funding)"]


def test_a_forms_money_with_its_parts_as_columns_is_read(tmp_path: Path) -> None:
    grid, _ = _money(tmp_path, PART_COLUMNS)
    assert grid == {  # stored as 0 (no amount of the year printed, the load's message said)
        "total": "1250000.00",
        "fiscal": "1050000.00",
        "special_account": "0.00",
        "other": "200000.00",
        "period_total": "3600000.00",
    }
    one_row, findings = _money(tmp_path, PART_COLUMNS_ONE_ROW)
    assert one_row == {**grid, "period_total": None} and all(passed for _, passed in findings)


# a department list whose 单位名称 column names each unit and a 小计 closes each (GENERATED, amounts of the sample's)
ITEMS = "1、1-产出指标：11-数量指标：工程量完成率；实施周期指标值：100%；年度指标值：100%。"
UNIT_COLUMN = f"""某区司法局2024年部门预算项目支出绩效目标表
金额单位：万元
单位名称\t项目名称\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标
TOP某区司法局机关\t机关业务用房维修维护费\t82.6000\t82.6000\t\t\t保障正常运转。\t{ITEMS}
\t法律顾问工作经费\t289.2000\t289.2000\t\t\t保障法律顾问工作。\t{ITEMS}
小计\t\t371.8000\t371.8000\t\t\t\t
某区公证处\t退休干部节日慰问经费\t1.2000\t1.2000\t\t\t做好慰问工作。\t{ITEMS}
\t调解员工作补贴\t41.4000\t41.4000\t\t\t保障调解员工作。\t{ITEMS}
小计\t\t42.6000\t42.6000\t\t\t\t
某区法律援助处\t法制业务经费\t14.5000\t14.5000\t\t\t推进依法治区。\t{ITEMS}
小计\t\t14.5000\t14.5000\t\t\t\t
BOTTOM"""
TOTAL = "合计\t\t428.9000\t428.9000\t\t\t\t"


def _unit_column(total_at: str) -> str:
    top, bottom = (f"{TOTAL}\n", "") if total_at == "top" else ("", TOTAL)
    return UNIT_COLUMN.replace("TOP", top).replace("BOTTOM", bottom)


@pytest.mark.parametrize("total_at", ["top", "bottom", "none"])
def test_a_subtotal_under_each_unit_of_a_unit_column_closes_that_unit(tmp_path: Path, total_at: str) -> None:
    text = _unit_column(total_at)
    if total_at == "none":
        text = text.replace(TOTAL, "")
    table = _table(tmp_path, text)
    assert table.department_name == "某区司法局"  # from the title: no 部门名称 line, no unit row (it was refused)
    assert [p.unit_name for p in table.projects] == ["某区司法局机关"] * 2 + ["某区公证处"] * 2 + ["某区法律援助处"]
    checks = [(f.check, f.passed) for f in table.findings if f.check.startswith(("subtotal", "grand"))]
    assert ("subtotal=sum(projects)", True) in checks and all(passed for _, passed in checks)
    assert len([c for c in checks if c[0] == "subtotal=sum(projects)"]) == 3 * 4  # three 小计, four amounts each
    grand = [a.amounts["total"] for a in table.aggregates if a.kind == "grand_total"]
    assert grand == ([] if total_at == "none" else [Decimal("4289000.00")])  # the first 小计 was the 合计


def test_a_subtotal_of_a_unit_column_that_differs_fails(tmp_path: Path) -> None:
    table = _table(tmp_path, _unit_column("bottom").replace("小计\t\t42.6000\t42.6000", "小计\t\t40.6000\t40.6000"))
    failed = {(f.check, f.column) for f in table.findings if not f.passed}
    assert failed == {("subtotal=sum(projects)", "total"), ("subtotal=sum(projects)", "fiscal")}


@pytest.mark.parametrize("label", ["编制单位", "部门"])
def test_a_department_printed_as_its_preparer_is_read(tmp_path: Path, label: str) -> None:
    text = _sample().replace("部门名称：广州市天河区司法局", f"{label}：广州市天河区司法局", 1)
    table = _table(tmp_path, text.replace(UNIT_ROW, ""))
    assert table.department_name == "广州市天河区司法局" and len(table.projects) == 22


def test_a_pdfs_two_row_header_printed_on_every_page_is_read_once(tmp_path: Path) -> None:
    from tests.test_hostile_round19_formats import ROWS, START, _loaded_whole, _pdf

    path = tmp_path / "2024" / "tianhe-sfj.pdf"
    path.parent.mkdir(parents=True)
    # (GENERATED) a header of two rows, 资金情况 over 总计 | 财政拨款 | 财政专户拨款 | 其他资金, both on every page
    first = ["项目名称（资金使用单位）", "资金情况", "", "", "", "绩效目标", "绩效指标"]
    header = [first, ["", *ROWS[START][1:5], "", ""]]
    table = process_file(_pdf(path, rows_per_page=5, header=header))  # a page's first project ran into 总计 …
    _loaded_whole(table)
    assert sum(len(p.indicators) for p in table.projects) == 110


OUTLINE = (
    "一、产出指标\n（一）数量指标\n1.培训人次：≥500人次\n2.发放宣传资料：≥2000份\n（二）质量指标\n1.培训合格率：100%\n"
    "二、效益指标\n（一）社会效益指标\n1.群众法治意识：明显提升\n三、满意度指标\n（一）服务对象满意度指标\n1.群众满意度：≥90%"
)
DASHED = (
    "产出指标-数量指标-调解案件数：≥300件；产出指标-质量指标-调解成功率：≥95%；"
    "效益指标-社会效益指标-矛盾纠纷化解率：≥90%；满意度指标-服务对象满意度指标-当事人满意度：≥90%"
)
LEVEL2_ONLY = "数量指标：法律援助案件≥800件；质量指标：案件质量合格率=100%；时效指标：受理审批时限≤7个工作日"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (
            OUTLINE,
            [
                ("11", "培训人次", "≥500人次"),
                ("11", "发放宣传资料", "≥2000份"),
                ("12", "培训合格率", "100%"),
                ("22", "群众法治意识", "明显提升"),
                ("31", "群众满意度", "≥90%"),
            ],
        ),
        (
            DASHED,
            [
                ("11", "调解案件数", "≥300件"),
                ("12", "调解成功率", "≥95%"),
                ("22", "矛盾纠纷化解率", "≥90%"),
                ("31", "当事人满意度", "≥90%"),
            ],
        ),
        (
            LEVEL2_ONLY,
            [("11", "法律援助案件", "≥800件"), ("12", "案件质量合格率", "100%"), ("13", "受理审批时限", "≤7个工作日")],
        ),
    ],
)
def test_types_printed_as_an_outline_are_read(cell: str, expected: list[tuple[str, str, str]]) -> None:
    from etl.transform.indicators import parse_indicators

    for printed in (cell, cell.replace("\n", "")):  # (a PDF's text runs the lines together: …≥500人次2.发放…)
        items = list(parse_indicators(printed))  # each item was a reject: no numbered indicator, or no 年度指标值
        assert [(i.type_key, i.name, i.annual.text) for i in items] == expected
        assert all(i.period.status == "missing" for i in items)


@pytest.mark.parametrize(
    "cell",
    [
        "一、产出指标 （一）数量指标 培训人次：≥500人次",  # no item 1 under its heading
        "一、规范化指标 （一）数量指标 1.培训人次：≥500人次",  # a level-1 type the tree does not know
        "产出指标：数量指标：培训人次；年度指标值：≥500人次。",  # the grammar's own unnumbered items
    ],
)
def test_an_outline_that_does_not_read_whole_is_left_as_it_was(cell: str) -> None:
    from etl.transform.outline_items import outline_items

    assert outline_items(cell) is None


# the review of round 33's own rules: what its first versions got wrong


def test_a_period_total_column_of_a_money_grid_stays_the_periods(tmp_path: Path) -> None:
    investment = "项目资金（万元）\t项目总投资\t年度资金总额\n\t60.00\t20.00"  # 项目总投资 was read as the year's total
    amounts, _ = _money(tmp_path, investment)
    assert (amounts["total"], amounts["period_total"]) == ("200000.00", "600000.00")
    parts = "项目资金（万元）\t项目总投资\t年度资金总额\t财政拨款\t其他资金\n\t60.00\t20.00\t20.00\t0"
    amounts, findings = _money(tmp_path, parts)
    assert (amounts["total"], amounts["fiscal"], amounts["period_total"]) == ("200000.00", "200000.00", "600000.00")
    assert all(passed for _, passed in findings)
    blocks = "项目资金（万元）\t中期资金总额\t年度资金总额\n\t60.00\t20.00"  # blocks as columns, no row labels
    amounts, _ = _money(tmp_path, blocks)
    assert (amounts["total"], amounts["period_total"]) == ("200000.00", "600000.00")  # it was 0


def test_a_subtotal_closing_two_sections_repeats_their_unit_or_the_total(tmp_path: Path) -> None:
    lines = _sample().replace(UNIT_ROW, "").rstrip("\n").split("\n")
    first = next(i for i, line in enumerate(lines) if line.startswith("机关业务用房"))
    second = next(i for i, line in enumerate(lines) if line.startswith("居委调委会"))
    rows = [line.split("\t") for line in lines]
    end = next(i for i in range(len(rows) - 1, 0, -1) if len(rows[i]) > 2 and rows[i][1][:1].isdigit()) + 1

    def section(name: str, start: int, stop: int) -> str:
        total = sum(Decimal(r[1].replace(",", "")) for r in rows[start:stop] if len(r) > 2 and r[1][:1].isdigit())
        return f"{name}\t{total:.2f}\t{total:.2f}\t\t\t\t"

    lines.insert(second, section("二、转移支付项目", second, end))
    lines.insert(first, section("一、一般性项目", first, second))
    table = _table(tmp_path, "\n".join([*lines, "小计\t1,485.34\t1,485.34\t\t\t\t"]))
    checks = [(f.check, f.passed) for f in table.findings if f.check.startswith("subtotal")]
    assert checks and all(passed for _, passed in checks)  # it failed against the last section
    assert {c for c, _ in checks} == {"subtotal=grand_total"}


@pytest.mark.parametrize(
    ("above", "department"),
    [
        ("部门名称：广州市天河区司法局\n编制单位：广州市天河区司法局办公室", "广州市天河区司法局"),  # was 办公室
        ("编制单位：广州市天河区财政局", "广州市天河区司法局"),  # the unit row's, as before (was 财政局)
    ],
)
def test_a_preparer_names_the_department_only_where_nothing_else_does(
    tmp_path: Path, above: str, department: str
) -> None:
    table = _table(tmp_path, _sample().replace("部门名称：广州市天河区司法局", above, 1))
    assert table.department_name == department


@pytest.mark.parametrize(
    ("title", "department"),
    [
        ("关于广州市天河区司法局2024年项目支出绩效目标表的说明", "广州市天河区司法局"),  # was 关于广州市…
        ("附件3：某某县教育局所属学校2024年项目支出绩效目标表", None),  # several bodies: refused as before
        ("2024年项目支出绩效目标表", None),
    ],
)
def test_a_title_gives_one_bodys_name(title: str, department: str | None) -> None:
    from etl.transform.department import department_in_title

    assert department_in_title(title) == department


@pytest.mark.parametrize(
    "cell",
    [
        "一、产出指标（一）数量指标1.培训人次：实施期≥1500人次，年度≥500人次",
        "数量指标：培训人次：中期≥1500人次；年度≥500人次",
        "产出指标-数量指标-培训人次：实施周期指标值≥1500人次，年度指标值≥500人次",
    ],
)
def test_an_outline_item_printing_both_values_reads_both(cell: str) -> None:
    from etl.transform.indicators import parse_indicators

    [item] = parse_indicators(cell)  # the whole text was the year's (qualitative) target
    assert (item.name, item.period.text, item.annual.text) == ("培训人次", "≥1500人次", "≥500人次")
    assert item.annual.number == Decimal("500")


def test_a_forms_score_column_is_each_targets_weight(tmp_path: Path) -> None:
    """分值 beside each indicator of a form (columns.csv: weight) was not stored: fact_target.weight was NULL."""
    header = "绩效指标\t一级指标\t二级指标\t三级指标\t\t\t中期指标值\t年度指标值"
    scored = FORM.replace("MONEY_ROWS", BLOCK_COLUMNS).replace(header, header.replace("\t\t\t中期", "\t分值\t\t中期"))
    scored = scored.replace("补助医院数量\t\t\t3家", "补助医院数量\t40\t\t3家")
    scored = scored.replace("患者满意度\t\t\t≥90%", "患者满意度\t20分\t\t≥90%")
    table = _table(tmp_path, scored)
    [project] = table.projects
    assert [(i.name, i.weight) for i in project.indicators] == [("补助医院数量", 40), ("患者满意度", 20)]
