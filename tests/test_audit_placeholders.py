"""The audit's placeholder rules, planted in the real sample (data/raw/2024/tianhe-sfj.txt) the way a careless
filer leaves them: a target value that is only a placeholder (placeholder_value: /, ——, 无, N/A … in any width
and spacing, naming the annual or the period value), an indicator printed with its type and value but no name
(missing_indicator_name) and a project with no goal or a placeholder goal (missing_goal). Each fault is loaded
into a real DuckDB warehouse and found exactly; the clean neighbours, the sample's other findings and a table
that has no 绩效目标 column at all stay as they were."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from bs4 import BeautifulSoup
from openpyxl import load_workbook
from typer.testing import CliRunner

from etl.cli.app import app
from etl.load.run import run_load
from etl.report.audit import read_audit, write_audit
from etl.warehouse.audit_views import AUDIT_DIR, audit_views, create_vocabulary
from etl.warehouse.views import Native, create_views, view_files
from tests.paths import SAMPLE

DEPARTMENT = "广州市天河区司法局"
NO_GOALS_DEPARTMENT = "广州市天河区无目标局"
NEW_RULES = ("placeholder_value", "missing_indicator_name", "missing_goal")

# (project line, printed text, replacement, the findings it adds as (rule_id, severity, seq, message)); a rule id
# starting with - is a finding the replacement takes away
VALUES = [
    ("机关业务用房和司法所维修维护费", "工程完成及时性；实施周期指标值:及时；年度指标值:及时",
     "工程完成及时性；实施周期指标值:及时；年度指标值:/",
     [("placeholder_value", "error", 3, "年度指标值“/”只是占位符，未说明目标"),
      ("-vague_value", "warning", 3, None)]),  # the annual 及时 was vague; it is now no value at all
    ("天河区一村（社区）法律顾问公益法律服务工作经费", "实施周期指标值:符合文件标准；年度指标值:符合文件标准",
     "实施周期指标值:不 适 用；年度指标值:暂无。",
     [("placeholder_value", "error", 5, "年度指标值“暂无。”和实施周期指标值“不 适 用”只是占位符，未说明目标")]),
    ("业务装备购置经费", "办公设备购置验收合格率；实施周期指标值:100%", "办公设备购置验收合格率；实施周期指标值:— —",
     [("placeholder_value", "warning", 2, "实施周期指标值“— —”只是占位符，未说明目标")]),
    ("区管退休干部节日慰问经费", "慰问活动次数；实施周期指标值:2次；年度指标值:2次",
     "慰问活动次数；实施周期指标值:Ｎ／Ａ；年度指标值:n/a",
     [("placeholder_value", "error", 3, "年度指标值“n/a”和实施周期指标值“Ｎ／Ａ”只是占位符，未说明目标")]),
    ("居委调委会调解员工作补贴", "全年矛盾纠纷排查次数；实施周期指标值:不少于2000次；年度指标值:不少于2000次",
     "全年矛盾纠纷排查次数；实施周期指标值:--；年度指标值:——",
     [("placeholder_value", "error", 3, "年度指标值“——”和实施周期指标值“--”只是占位符，未说明目标")]),
    ("人民调解案件补贴", "年度指标值:达100%", "年度指标值:无",
     [("placeholder_value", "error", 3, "年度指标值“无”只是占位符，未说明目标")]),
    # a lone - (a formula's first character in a spreadsheet: the workbook must keep it as text)
    ("法制业务经费", "述法活动；实施周期指标值:1次；年度指标值:1次", "述法活动；实施周期指标值:1次；年度指标值:-",
     [("placeholder_value", "error", 4, "年度指标值“-”只是占位符，未说明目标")]),
    # clean neighbours: a value that starts with 无 and says something, a value the list does not know (yet)
    ("律师行业政策支持资金", "实施周期指标值:0; 年度指标值:0", "实施周期指标值:无违规; 年度指标值:无违规", []),
    ("普法宣传业务经费", "实施周期指标值:良好以上; 年度指标值:良好以上",
     "实施周期指标值:良好以上; 年度指标值:未填写", []),
]
NAMES = [
    # two names left empty in one project: two findings, and not a repeated name (duplicate_indicator)
    ("律师管理业务经费", "采购程序的规范性; 实施周期指标值:符合规范", "; 实施周期指标值:符合规范",
     [("missing_indicator_name", "error", 3, "未填指标名称（指标类型“产出指标：质量指标”，年度指标值“符合规范”）")]),
    ("律师管理业务经费", "工单及时完成率; 实施周期指标值:100%", " ; 实施周期指标值:100%",
     [("missing_indicator_name", "error", 4, "未填指标名称（指标类型“产出指标：时效指标”，年度指标值“100%”）")]),
    ("购买司法社工服务经费", "司法社工配置到位率; 实施周期指标值:100%", "／; 实施周期指标值:100%",
     [("missing_indicator_name", "error", 4,
       "指标名称“／”只是占位符（指标类型“产出指标：数量指标”，年度指标值“100%”）")]),
    # a clean neighbour: a name with 无 and a slash in it
    ("社区矫正和安置帮教经费", "安置帮教率", "无业人员/刑满释放人员安置帮教率", []),
]
# (project, goal printed in its 绩效目标 cell, the findings it adds)
GOALS = [
    ("专职人民调解服务项目经费", "", [("missing_goal", "error", None, "未填绩效目标（项目有 5 个绩效指标）")]),
    ("天河区社区矫正中心物业管理服务", " ／ ",
     [("missing_goal", "error", None, "绩效目标“／”只是占位符（项目有 3 个绩效指标）")]),
    ("律师行业政策支持资金", "不适用。",
     [("missing_goal", "error", None, "绩效目标“不适用。”只是占位符（项目有 4 个绩效指标）")]),
    ("区管退休干部节日慰问经费", "做好节日慰问工作", []),  # a short goal that says something
]
GOAL_COLUMN = 5


def _line(lines: list[str], project: str) -> int:
    [at] = [i for i, line in enumerate(lines) if line.startswith(project + "\t")]
    return at


def planted_text() -> str:
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    for project, old, new, _ in VALUES + NAMES:
        at = _line(lines, project)
        assert lines[at].count(old) == 1, (project, old)
        lines[at] = lines[at].replace(old, new)
    for project, goal, _ in GOALS:
        at = _line(lines, project)
        cells = lines[at].split("\t")
        cells[GOAL_COLUMN] = goal
        lines[at] = "\t".join(cells)
    return "\n".join(lines)


def no_goal_column_text() -> str:
    """The sample as another department's table printed without its 绩效目标 column."""
    lines = SAMPLE.read_text(encoding="utf-8").replace(DEPARTMENT, NO_GOALS_DEPARTMENT).split("\n")
    out = []
    for line in lines:
        cells = line.split("\t")
        out.append("\t".join(cells[:GOAL_COLUMN] + cells[GOAL_COLUMN + 1 :]) if len(cells) > GOAL_COLUMN else line)
    return "\n".join(out)


FINDINGS_SQL = (
    "select department_name, rule_id, severity, project_name, seq, indicator_name, target_text, message "
    "from v_target_audit"
)


def findings(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(FINDINGS_SQL).fetchall()
    finally:
        con.close()


def keyed(rows: list[tuple], department: str = DEPARTMENT) -> set[tuple]:
    return {(r, s, p, q) for d, r, s, p, q, *_ in rows if d == department}


def expected(cases: list, *, removed: bool = False) -> set[tuple]:
    out = set()
    for case in cases:
        project, found = case[0], case[-1]
        for rule, severity, seq, _ in found:
            if rule.startswith("-") == removed:
                out.add((rule.lstrip("-"), severity, project, seq))
    return out


@pytest.fixture(scope="module")
def sample_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("placeholders-sample")
    run_load([SAMPLE], root / "wh.duckdb", year=2024)
    return root / "wh.duckdb"


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("placeholders-planted")
    folder = root / "raw" / "2024"
    folder.mkdir(parents=True)
    (folder / "tianhe-sfj.txt").write_text(planted_text(), encoding="utf-8")
    (folder / "tianhe-no-goals.txt").write_text(no_goal_column_text(), encoding="utf-8")
    run_load([root / "raw"], root / "wh.duckdb")
    return root / "wh.duckdb"


def test_the_sample_draws_none_of_the_new_findings(sample_warehouse: Path) -> None:
    assert [r for r in findings(sample_warehouse) if r[1] in NEW_RULES] == []


def test_planted_placeholders_are_found_exactly(sample_warehouse: Path, planted: Path) -> None:
    """Every planted fault adds its finding, the neighbours none; the sample's other findings stay (but the
    vague 及时 that is now a /)."""
    before, after = keyed(findings(sample_warehouse)), keyed(findings(planted))
    cases = VALUES + NAMES + GOALS
    assert after - before == expected(cases)
    assert before - after == expected(cases, removed=True)


def test_messages_name_the_value_and_the_severity(planted: Path) -> None:
    got = {(r, s, p, q): m for d, r, s, p, q, _, _, m in findings(planted) if d == DEPARTMENT and r in NEW_RULES}
    want = {(r, s, case[0], q): m for case in VALUES + NAMES + GOALS for r, s, q, m in case[-1] if m}
    assert got == want


def test_a_table_without_a_goal_column_is_not_flagged(sample_warehouse: Path, planted: Path) -> None:
    """The same table without its 绩效目标 column: no missing_goal for its 22 projects, and otherwise the sample's
    findings exactly."""
    con = duckdb.connect(str(planted), read_only=True)
    try:
        goals = con.execute(
            "select count(*), count(*) filter (where coalesce(goal_text, '') = '') from fact_project_budget "
            "where department_name = ?",
            [NO_GOALS_DEPARTMENT],
        ).fetchone()
    finally:
        con.close()
    assert goals == (22, 22)
    assert keyed(findings(planted), NO_GOALS_DEPARTMENT) == keyed(findings(sample_warehouse))


def test_score_card_counts_the_new_rules(sample_warehouse: Path, planted: Path) -> None:
    before = read_audit(DEPARTMENT, 2024, sample_warehouse).scorecard[0]
    data = read_audit(DEPARTMENT, 2024, planted)
    card = data.scorecard[0]
    rows = [f for f in data.findings if f["rule_id"] in NEW_RULES]
    for rule in NEW_RULES:
        assert card[f"n_{rule}"] == sum(1 for f in rows if f["rule_id"] == rule) > 0, rule
    added, removed = expected(VALUES + NAMES + GOALS), expected(VALUES + NAMES + GOALS, removed=True)
    for severity in ("error", "warning"):
        delta = sum(1 for k in added if k[1] == severity) - sum(1 for k in removed if k[1] == severity)
        assert card[f"n_{severity}"] - before[f"n_{severity}"] == delta, severity
    assert card["finding_count"] == len(data.findings)


def test_every_output_shows_the_new_findings(planted: Path, tmp_path: Path) -> None:
    files = write_audit(DEPARTMENT, 2024, tmp_path / "out", planted)
    messages = {m for case in VALUES + NAMES + GOALS for *_, m in case[-1] if m}
    # Markdown (also what the terminal prints for one department)
    for rule in NEW_RULES:
        assert f"| {rule} |" in files.markdown_text, rule
    assert all(m in files.markdown_text for m in messages)
    # the workbook: one row per finding, the lone - kept as text, not a formula
    sheet = load_workbook(files.xlsx)["审核发现"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert messages <= {r[9] for r in rows}
    [dash] = [row for row in sheet.iter_rows(min_row=2) if row[7].value == "placeholder_value" and row[6].value == "-"]
    assert dash[6].data_type == "s"
    score = load_workbook(files.xlsx)["评分卡"]
    header = [c.value for c in next(score.iter_rows(max_row=1))]
    assert set(NEW_RULES) <= set(header)
    # HTML
    soup = BeautifulSoup(files.html.read_text(encoding="utf-8"), "html.parser")
    cells = [td.get_text() for t in soup.find_all("table", class_="findings") for td in t.find_all("td")]
    assert messages <= set(cells)
    assert set(NEW_RULES) <= {c.get_text() for c in soup.select("#rules code")}
    # the terminal
    out = CliRunner().invoke(
        app, ["audit", "--department", DEPARTMENT, "--year", "2024", "-w", str(planted), "--out", str(tmp_path)]
    )
    assert out.exit_code == 0, out.output
    assert all(m in out.output for m in messages)


def test_a_placeholder_is_data_a_new_word_needs_no_sql(planted: Path, tmp_path: Path) -> None:
    """未填写 is not in placeholder_values.csv: adding the line makes it a placeholder, with no SQL changed."""
    rules_dir = tmp_path / "audit"
    shutil.copytree(AUDIT_DIR, rules_dir)
    with (rules_dir / "placeholder_values.csv").open("a", encoding="utf-8") as f:
        f.write("未填写,,\n")
    warehouse = tmp_path / "wh.duckdb"
    shutil.copy(planted, warehouse)
    query = (
        "select seq, severity, message from v_target_audit where rule_id = 'placeholder_value' "
        "and project_name = '普法宣传业务经费'"
    )
    con = duckdb.connect(str(warehouse))
    try:
        assert con.execute(query).fetchall() == []
        create_vocabulary(Native(con), rules_dir)
        create_views(Native(con), {**view_files(), **audit_views(rules_dir)})
        assert con.execute(query).fetchall() == [(7, "error", "年度指标值“未填写”只是占位符，未说明目标")]
    finally:
        con.close()


def test_the_new_rules_agree_on_postgres(planted: Path, pg_url: str, tmp_path: Path) -> None:
    """The rules are one source for both engines: PostgreSQL finds the same (folding, string_agg, translate,
    the window over the table)."""
    from tests.test_postgres import _rows, _same

    folder = tmp_path / "raw" / "2024"
    folder.mkdir(parents=True)
    (folder / "tianhe-sfj.txt").write_text(planted_text(), encoding="utf-8")
    (folder / "tianhe-no-goals.txt").write_text(no_goal_column_text(), encoding="utf-8")
    assert [r.status for r in run_load([tmp_path / "raw"], pg_url).results] == ["loaded", "loaded"]
    for query in (FINDINGS_SQL, "SELECT * FROM v_department_audit", "SELECT * FROM v_audit_base_project"):
        duck, pg = _rows(planted, query), _rows(pg_url, query)
        assert duck and _same(duck, pg), query
