"""Real-world layout families: each GENERATED fixture (tests/fixtures/layouts_real) reads to its golden facts,
the seven real fragments are each refused with what was recognised, and the warehouse keeps the layout
and the period amount."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from etl.cli.app import app
from etl.extract.pdf import join_wrapped
from etl.load.run import run_load
from etl.model import Grid, GridRow, Refusal, SourceTable, TableRefused
from etl.transform.bracket import last_parenthesised
from etl.transform.layouts import choose, parse_table
from etl.transform.pipeline import run_file
from tests.fixtures.layouts_real.make import fixtures, write
from tests.layout_facts import parsed_facts
from tests.paths import PROJECT_ROOT

FRAGMENTS = Path("/work/shared/samples/real-fragments")
LOCAL_FRAGMENTS = PROJECT_ROOT / "tests" / "fixtures" / "real_fragments"


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("layouts_real")
    write(folder)
    return folder


def read(root: Path, rel: str) -> SourceTable:
    result = run_file(root / rel)
    assert isinstance(result, SourceTable), getattr(result, "reason", result)
    return result


def facts(table: SourceTable) -> list[tuple]:
    """Per project: name, unit, annual total and period total in yuan, and each target (type, name, annual)."""
    return [
        (
            p.project_name,
            p.unit_name,
            p.amounts["total"],
            p.period_total,
            [(i.type_key, i.name, i.annual.text) for i in p.indicators],
        )
        for p in table.projects
    ]


Y = Decimal

GOLDEN_FORMS_HTML = [
    (
        "法治宣传经费、法治建设经费",
        "金寨县司法局",
        Y("500000.00"),
        Y("500000.00"),
        [
            ("11", "培训场次", "≥4场"),
            ("11", "法律顾问聘请人数", "1人"),
            ("13", "案件办理及时率", "100%"),
            ("22", "群众法治意识", "明显提升"),
            ("31", "群众满意度", "≥90%"),
        ],
    ),
    (
        "人民调解工作经费",
        "金寨县人民调解委员会",
        Y("300000.00"),
        None,
        [
            ("11", "调解案件数", "≥300件"),
            ("13", "办结时限", "≤30天"),
            ("14", "成本控制", "≤30万元"),
            ("?-效益指标/-社会、经济、生态效益指标", "矛盾纠纷化解", "有效"),
            ("31", "当事人满意度", "≥95%"),
        ],
    ),
]


def test_form_html_rowspans_two_forms(root: Path) -> None:
    table = read(root, "2024/jinzhai-forms.html")
    assert (table.layout, table.layout_score) == ("single_project_form", 1.0)
    assert (table.department_name, table.budget_year, table.source_unit) == ("金寨县司法局", 2024, "万元")
    assert facts(table) == GOLDEN_FORMS_HTML
    assert not table.rejects and table.reconciled
    first, second = table.projects
    assert first.amounts["fiscal"] == Y("450000.00") and first.amounts["other"] == Y("50000.00")
    assert first.goal_text == "组织开展行政应诉业务培训4场,办理行政复议案件"
    misparented = [(i.name, i.level1_name) for p in table.projects for i in p.indicators if i.is_misparented]
    assert misparented == [("群众满意度", "效益指标")]  # satisfaction printed under 效益, as in the sample
    assert [i.period.text for i in second.indicators] == ["≥1000件", "≤30天", "≤90万元", "有效", "≥90%"]
    assert second.indicators[0].level1_name == "预期产出指标"  # the old names are kept as printed


def test_form_xlsx_merged_sheets_side_by_side_blocks(root: Path) -> None:
    table = read(root, "2024/bigdata-forms.xlsx")
    assert table.layout == "single_project_form" and table.department_name == "某市大数据中心"
    assert facts(table) == [
        (
            "政务数据归集治理",
            "某市大数据中心",
            Y("1500000.00"),
            Y("4500000.00"),
            [("11", "数据归集条数", "≥100万条"), ("12", "数据准确率", "≥98%"), ("31", "使用部门满意度", "≥85%")],
        ),
        (
            "数据中心机房运维",
            "某市大数据中心",
            Y("800000.00"),
            None,
            [("13", "故障响应时间", "≤2小时"), ("14", "运维成本", "≤80万元"), ("24", "机房可用率", "≥99.9%")],
        ),
    ]
    assert [i.period.text for i in table.projects[0].indicators] == ["≥500万条", "≥99%", "≥90%"]
    assert table.projects[0].amounts["fiscal"] == Y("1500000.00")  # 年度本级预算金额 120 + 上级资金 30


def test_form_text_year_from_title(root: Path) -> None:
    table = read(root, "undated/culture-forms.txt")
    assert (table.budget_year, table.department_name, table.source_unit) == (2023, "某市文化广电旅游局", "万元")
    assert [(p.project_name, p.amounts["total"], p.period_total, len(p.indicators)) for p in table.projects] == [
        ("城市书房运营补助", Y("2000000.00"), Y("6000000.00"), 3),
        ("非遗保护传承", Y("1000000.00"), Y("3000000.00"), 2),
    ]


def test_form_pdf(root: Path) -> None:
    table = read(root, "2024/jinzhai-form.pdf")
    assert table.source_format == "pdf" and table.layout == "single_project_form"
    assert facts(table) == GOLDEN_FORMS_HTML[:1]


def test_sample_as_pdf_spanning_pages_reads_as_the_original(root: Path, sample_path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(root / "2024/tianhe-sfj.pdf") as pdf:
        assert len(pdf.pages) >= 2  # the table spans pages, its header row repeated on each
    table = read(root, "2024/tianhe-sfj.pdf")
    original = read(sample_path.parent, sample_path.name)
    assert (table.layout, table.source_format, table.department_name) == ("dept_packed", "pdf", "广州市天河区司法局")
    assert len(table.projects) == 22 and table.n_targets == 110 and not table.rejects
    assert sum(p.amounts["total"] for p in table.projects) == Y("14853400.00")
    assert _squashed(parsed_facts(table)) == _squashed(parsed_facts(original))


def _squashed(value: object) -> object:
    """Facts with whitespace dropped: where a PDF wrapped a line, a space of the text may be lost."""
    return str(value).replace(" ", "")


def test_scanned_pdf_is_refused(root: Path) -> None:
    result = run_file(root / "2024/scanned.pdf")
    assert isinstance(result, Refusal) and result.reason.startswith("scanned PDF: no text layer")


def test_bracket_department_list(root: Path) -> None:
    for rel in ("2024/jxj-bracket.html", "2024/jxj-bracket.txt"):
        table = read(root, rel)
        assert (table.layout, table.department_name, table.source_unit) == (
            "dept_bracket",
            "某市经济和信息化局",
            "万元",
        )
        kinds = [(a.kind, a.name, a.code) for a in table.aggregates]
        assert kinds == [
            ("grand_total", "某市经济和信息化局", "117"),
            ("unit_subtotal", "某市经济和信息化局本级", "117001"),
            ("category", "其他运转类", ""),
            ("category", "特定目标类", ""),
            ("unit_subtotal", "某市工业和信息化服务中心", "117002"),
            ("category", "本级项目", ""),
        ]
        assert table.reconciled and not table.rejects
        assert [(p.project_name, p.unit_name, p.amounts["total"], len(p.indicators)) for p in table.projects] == [
            ("信息化运维经费", "某市经济和信息化局本级", Y("1681700.00"), 7),
            ("中小企业发展专项", "某市经济和信息化局本级", Y("1580000.00"), 3),
            ("工业运行监测", "某市工业和信息化服务中心", Y("1000000.00"), 3),
        ]
        ops = table.projects[0]
        assert ops.goal_text == "保障机房和网络稳定运行。"
        assert [(i.type_key, i.name, i.annual.text) for i in ops.indicators] == [
            ("11", "机柜数量", "≥77台"),
            ("11", "网络链路条数", "≥12条"),
            ("12", "设备完好率", "≥0.97比例"),
            ("13", "故障响应时间", "<24小时"),
            ("14", "运维总成本", "<1681680元"),
            ("22", "对数字政府建设的作用", "正面支撑"),
            ("31", "使用单位满意度", "≥90%"),
        ]
        assert table.projects[1].indicators[2].is_misparented


def test_last_parenthesised_part_is_the_value() -> None:
    assert last_parenthesised("机柜数量(≥77台)") == ("机柜数量", "≥77台")
    assert last_parenthesised("培训(线上)场次(≥3场);") == ("培训(线上)场次", "≥3场")
    assert last_parenthesised("没有值") == ("没有值", None)
    # a remark after the number's brackets stays with the name; two words in brackets: the last is the value
    assert last_parenthesised("机柜数量(≥77台)(含备用)") == ("机柜数量(含备用)", "≥77台")
    assert last_parenthesised("培训人次（≥500人次）（全年）；") == ("培训人次（全年）", "≥500人次")
    assert last_parenthesised("群众满意度(线上)(良好)") == ("群众满意度(线上)", "良好")
    assert last_parenthesised("覆盖(2个街道)(≥95%)") == ("覆盖(2个街道)", "≥95%")


def test_per_row_export_with_omitted_merged_cells(root: Path) -> None:
    table = read(root, "2024/jingyan-per-row.txt")
    assert (table.layout, table.department_name, table.source_unit) == ("per_row_export", "马踏镇部门", "元")
    assert [(a.kind, a.name, a.code) for a in table.aggregates] == [
        ("grand_total", "马踏镇部门", "820"),
        ("unit_subtotal", "井研县马踏镇人民政府", "820001"),
    ]
    assert table.reconciled and not table.rejects
    road, clean = table.projects
    assert (road.unit_name, road.goal_text, road.amounts["total"]) == (
        "井研县马踏镇人民政府",
        "养护村道30公里",
        Y("800000"),
    )
    assert [(i.type_key, i.name, i.annual.text, i.weight, i.direction) for i in road.indicators] == [
        ("11", "养护里程", "≥30公里", Y(20), "正向"),
        ("12", "养护合格率", "≥95%", Y(20), "正向"),
        ("13", "完成时限", "≤12月", Y(10), "反向"),
        ("22", "群众出行便利度", "提升", Y(20), "正向"),
        ("31", "群众满意度", "≥90%", Y(30), "正向"),
    ]
    assert [i.type_key for i in clean.indicators] == ["11", "14", "23", "31"]


def _fragment_files() -> list[Path]:
    folder = FRAGMENTS if FRAGMENTS.is_dir() else LOCAL_FRAGMENTS
    return sorted(folder.glob("*.txt"))


NOT_TARGET, RUN_TOGETHER, CUT_OFF = "not_a_target_table", "unsupported_layout", "bad_input"
EXPECTED_FRAGMENTS = {
    "chizhou_tangxi_2022_selfeval.txt": ("self_evaluation", NOT_TARGET, ["自评表", "实际完成值", "得分"]),
    "daying_jkq_2020_completion.txt": ("completion_table", NOT_TARGET, ["项目完成指标"]),
    "ezhou_jgswfwzx_2022.txt": ("run_together", RUN_TOGETHER, ["text run together", "一级指标", "load the original"]),
    "gxglmes_template_2021.txt": ("blank_template", NOT_TARGET, ["blank template", "评分细则"]),
    "jiayuguan_wlj_2023.txt": ("run_together", RUN_TOGETHER, ["text run together", "省级部门预算项目支出绩效目标表"]),
    "jinzhai_sfj_2024.txt": ("single_project_form", CUT_OFF, ["项目名称", "主管部门及代码", "no indicator grid"]),
    "ningxiang_batang_2021.txt": ("run_together", RUN_TOGETHER, ["text run together", "项目绩效目标表"]),
}


def test_the_seven_real_fragments_are_never_half_read() -> None:
    files = _fragment_files()
    assert sorted(f.name for f in files) == sorted(EXPECTED_FRAGMENTS)
    for path in files:
        result = run_file(path, 2024)
        assert isinstance(result, Refusal), f"{path.name} was read: {result}"
        layout, kind, words = EXPECTED_FRAGMENTS[path.name]
        assert result.layout == layout, (path.name, result.layout, result.reason)
        assert result.kind == kind, (path.name, result.kind)
        assert all(w in result.reason for w in words), (path.name, result.reason)


def _grid(rows: list[list[str]], header: bool = False) -> Grid:
    grid_rows = [GridRow(i + 1, r) for i, r in enumerate(rows)]
    return Grid(Path("x/2024/t.txt"), [], grid_rows if header else [], raw_rows=None if header else grid_rows)


def test_nothing_recognised_is_refused_saying_so() -> None:
    with pytest.raises(TableRefused) as exc:
        choose(_grid([["随便一行"], ["另一行"]]))
    assert "unsupported layout" in exc.value.reason and "no header row" in exc.value.reason


def test_self_evaluation_with_a_real_header_is_refused() -> None:
    header = ["项目名称", "一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"]
    with pytest.raises(TableRefused) as exc:
        parse_table(_grid([header, ["某项目", "产出指标", "数量指标", "x", "1", "1", "10", "10"]], header=True))
    assert exc.value.layout == "self_evaluation" and "实际完成值" in exc.value.reason


def test_folder_and_title_years_disagree(tmp_path: Path) -> None:
    data = fixtures()["undated/culture-forms.txt"]
    (tmp_path / "2024").mkdir()
    (tmp_path / "2024" / "c.txt").write_bytes(data)
    result = run_file(tmp_path / "2024" / "c.txt")
    assert isinstance(result, Refusal) and "folder says 2024" in result.reason and "title says 2023" in result.reason


def test_join_wrapped_cjk_lines_without_spaces() -> None:
    assert join_wrapped("项目名称（资金\n使用单位）") == "项目名称（资金使用单位）"
    assert join_wrapped("open\nsource") == "open source"
    assert join_wrapped(None) == ""


def test_check_prints_layout_and_score(root: Path) -> None:
    out = CliRunner().invoke(app, ["check", str(root / "2024" / "jinzhai-forms.html"), str(root / "2024/scanned.pdf")])
    assert "layout single_project_form (1.00)" in out.output
    assert "layout scanned_pdf" in out.output


def test_load_keeps_layout_and_period_total(root: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "w.duckdb"
    files = [root / "2024/jinzhai-forms.html", root / "2024/bigdata-forms.xlsx", root / "2024/scanned.pdf"]
    summary = run_load(files, warehouse)
    assert sorted(r.status for r in summary.results) == ["loaded", "loaded", "refused"]
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        layouts = con.execute(
            "SELECT layout, layout_score, status, refusal_kind FROM load_log ORDER BY source_path"
        ).fetchall()
        periods = con.execute(
            "SELECT project_name, total_yuan, period_total_yuan FROM fact_project_budget ORDER BY project_name"
        ).fetchall()
    finally:
        con.close()
    assert layouts == [
        ("single_project_form", Y("1.000"), "loaded", None),
        ("single_project_form", Y("1.000"), "loaded", None),
        ("scanned_pdf", None, "refused", "unsupported_layout"),
    ]
    assert dict((n, (t, p)) for n, t, p in periods) == {
        "人民调解工作经费": (Y("300000.00"), None),
        "政务数据归集治理": (Y("1500000.00"), Y("4500000.00")),
        "数据中心机房运维": (Y("800000.00"), None),
        "法治宣传经费、法治建设经费": (Y("500000.00"), Y("500000.00")),
    }


def test_provincial_forms_pdf_one_per_page(root: Path) -> None:
    table = read(root, "2023/jiayuguan-forms.pdf")
    assert (table.layout, table.source_format, table.budget_year) == ("single_project_form", "pdf", 2023)
    assert table.department_name == "嘉峪关市文化和旅游局" and not table.rejects and table.reconciled
    first, second = table.projects
    assert (first.project_name, first.amounts["total"], first.amounts["other"], first.period_total) == (
        "博物馆纪念馆市级免费开放补助资金",
        Y("200000.00"),
        Y("200000.00"),
        Y("200000.00"),
    )
    assert (second.project_name, second.amounts["total"], second.amounts["fiscal"]) == (
        "博物馆提升改造项目",
        Y("1747800.00"),
        Y("1747800.00"),
    )
    assert [(i.type_key, i.annual.text) for i in first.indicators] == [
        ("11", "=300天"),
        ("12", "=100百分比"),
        ("13", "=99百分比"),
        ("经济成本指标", "=100百分比"),
        ("社会成本指标", "长远"),
        ("22", "=30000人次"),
        ("31", "=99百分比"),
    ]  # 成本指标 as a level 1; the empty 生态效益指标 row is no target


def test_national_template_blocks_side_by_side_unlabelled(root: Path) -> None:
    table = read(root, "2024/jinzhai-national.txt")
    [project] = table.projects
    assert (project.amounts["total"], project.period_total) == (Y("200000.00"), Y("600000.00"))
    assert [(i.type_key, i.name, i.period.text, i.annual.text) for i in project.indicators] == [
        ("11", "办理复议案件", "≥300件", "≥100件"),
        ("13", "法定期限内办结率", "100%", "100%"),
        ("22", "行政争议实质化解率", "≥80%", "≥75%"),
    ]


def test_per_row_export_with_a_two_row_header(root: Path) -> None:
    table = read(root, "2024/jingyan-two-row-header.txt")
    [project] = table.projects
    assert table.reconciled and not table.rejects
    assert (project.amounts["total"], project.amounts["fiscal"], project.amounts["other"]) == (
        Y("900000.00"),
        Y("850000.00"),
        Y("50000.00"),
    )
    assert [(i.type_key, i.annual.text) for i in project.indicators] == [
        ("11", "≥12处"),
        ("12", "=100%"),
        ("31", "≥90%"),
    ]


def test_recorded_run_of_every_family_passes_the_quality_gate(root: Path, tmp_path: Path) -> None:
    import shutil

    source = tmp_path / "raw"
    names = ["jinzhai-forms.html", "bigdata-forms.xlsx", "jxj-bracket.html", "jingyan-per-row.txt", "tianhe-sfj.pdf"]
    for rel in [*(f"2024/{n}" for n in names), "2023/jiayuguan-forms.pdf"]:
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / rel, source / rel)
    warehouse = tmp_path / "wh" / "w.duckdb"
    out = CliRunner().invoke(app, ["load", str(source), "--warehouse", str(warehouse), "--no-prefect"])
    assert out.exit_code == 0, out.output
    assert "succeeded" in out.output
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        loaded = con.execute("SELECT count(*), sum(n_projects), sum(n_targets) FROM load_log WHERE status = 'loaded'")
        assert loaded.fetchone() == (6, 2 + 2 + 3 + 2 + 22 + 2, 10 + 6 + 13 + 9 + 110 + 14)
    finally:
        con.close()


def test_per_row_short_rows_trimmed_on_the_right_and_names_repeated(tmp_path: Path) -> None:
    """A unit row whose trailing empty cells were trimmed stays left; a name printed on every row is one project."""
    (tmp_path / "2024").mkdir()
    path = tmp_path / "2024" / "t.txt"
    path.write_text(
        "部门名称:某局\n项目名称\t总计\t财政拨款\t一级指标\t二级指标\t三级指标\t指标值\n合计\t10\t10\n某局\t10\t10\n"
        "项目甲\t10\t10\t产出指标\t数量指标\t场次\t≥1场\n项目甲\t10\t10\t产出指标\t质量指标\t合格率\t100%\n",
        encoding="utf-8",
    )
    table = read(tmp_path, "2024/t.txt")
    assert not table.rejects and table.reconciled
    assert [(p.project_name, p.unit_name, [i.annual.text for i in p.indicators]) for p in table.projects] == [
        ("项目甲", "某局", ["≥1场", "100%"])
    ]


def test_category_rows_reconcile_with_their_projects(root: Path) -> None:
    table = read(root, "2024/jxj-bracket.html")
    checks = [(f.scope, f.expected_yuan, f.passed) for f in table.findings if f.check == "category=sum(projects)"]
    assert checks == [
        ("其他运转类", Y("1681700.00"), True),
        ("特定目标类", Y("1580000.00"), True),
        ("本级项目", Y("1000000.00"), True),
    ]


def test_a_near_tie_is_refused_naming_both(monkeypatch: pytest.MonkeyPatch) -> None:
    import etl.transform.layouts as registry

    def fake(name: str, score: float) -> registry.Layout:
        return registry.Layout(name, name, lambda g: score, lambda g, y=None: None)  # type: ignore[arg-type,return-value]

    monkeypatch.setattr(registry, "LAYOUTS", (fake("first_family", 0.9), fake("second_family", 0.88)))
    with pytest.raises(TableRefused) as exc:
        choose(_grid([["x"]]))
    assert "first_family (0.90) and second_family (0.88)" in exc.value.reason


def test_a_pdf_row_broken_by_a_page_is_joined() -> None:
    from etl.transform.table import join_page_breaks

    positions = {"project_name": 0, "total": 1, "goal": 2}
    rows = [
        GridRow(1005, ["项目甲", "10", "保障办公楼正常"]),
        GridRow(2002, ["", "", "运转"]),
        GridRow(2003, ["项目乙", "5", "目标"]),
    ]
    joined = join_page_breaks(rows, positions)
    assert [(r.line_no, r.cells) for r in joined] == [
        (1005, ["项目甲", "10", "保障办公楼正常运转"]),
        (2003, ["项目乙", "5", "目标"]),
    ]


def test_form_with_long_term_and_annual_grids_one_after_the_other(root: Path) -> None:
    table = read(root, "2021/ningxiang-form.xlsx")
    assert (table.budget_year, table.department_name) == (2021, "坝塘镇")
    [project] = table.projects
    assert (project.amounts["total"], project.amounts["fiscal"], project.amounts["other"]) == (
        Y("106067522.00"),
        Y("69233552.00"),
        Y("36833970.00"),
    )
    assert project.goal_text == "全面完成集镇立面改造"
    assert [(i.type_key, i.period.text, i.annual.text, i.is_misparented) for i in project.indicators] == [
        ("11", "≥20公里", "≥8公里", False),
        ("12", "100%", "100%", False),
        ("31", None, "≥90%", True),
    ]


def test_word_documents(root: Path, sample_path: Path) -> None:
    forms_table = read(root, "2024/jinzhai-forms.docx")
    assert (forms_table.source_format, forms_table.layout) == ("docx", "single_project_form")
    assert facts(forms_table) == GOLDEN_FORMS_HTML
    listed = read(root, "2024/tianhe-sfj.docx")
    assert (listed.layout, listed.department_name, len(listed.projects), listed.n_targets) == (
        "dept_packed",
        "广州市天河区司法局",
        22,
        110,
    )
    assert parsed_facts(listed) == parsed_facts(read(sample_path.parent, sample_path.name))


def test_word_form_with_types_one_column_left(root: Path) -> None:
    table = read(root, "2022/ezhou-form.docx")
    assert (table.budget_year, table.department_name) == (2022, "鄂州市机关事务服务中心")
    [project] = table.projects
    assert (project.amounts["total"], project.goal_text) == (Y("8140000.00"), "以办公大楼服务对象满意为目标")
    assert [(i.type_key, i.name, i.annual.text) for i in project.indicators] == [
        ("11", "办公大楼日常维修维护次数", "2280次"),
        ("11", "大楼安检巡察次数", "200次"),
        ("12", "办公大楼日常维修维护验收合格率", "≥92%"),
        ("14", "成本控制率", "≤100%"),
        ("31", "服务对象满意度", "≥95%"),
    ]


def test_per_row_export_with_a_unit_column_and_no_amounts(root: Path) -> None:
    table = read(root, "2024/jingyan-unit-column.txt")
    assert [(a.kind, a.name, a.code) for a in table.aggregates] == [
        ("grand_total", "马踏镇部门", "820"),
        ("unit_subtotal", "井研县马踏镇人民政府", "820001"),
    ]
    [project] = table.projects
    assert (project.project_name, project.unit_name, project.goal_text) == (
        "乡村道路养护",
        "井研县马踏镇人民政府",
        "养护村道30公里",
    )
    assert [(i.type_key, i.annual.text) for i in project.indicators] == [
        ("11", "≥30公里"),
        ("12", "≥95%"),
        ("31", "≥90%"),
    ]
    assert not table.rejects and table.reconciled


def test_bracket_items_full_width_and_run_together() -> None:
    from etl.transform.bracket import section_indicators, split_goal_cell

    goal, sections = split_goal_cell(
        "【总体目标】保障运行。【产出指标-数量指标】指标1：机柜数量（≥77台）指标2：链路(≥12条)；"
        "【效益指标-社会效益指标】指标1:作用(正面支撑)"
    )
    assert goal == "保障运行。"
    found = [(i.type_key, i.name, i.annual.text) for h, b in sections for i in section_indicators(h, b, 1)]
    assert found == [("11", "机柜数量", "≥77台"), ("11", "链路", "≥12条"), ("22", "作用", "正面支撑")]
