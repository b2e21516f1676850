"""Round 33's hunt of the audit's rules: wrong findings, each planted in a copy of the real sample
(data/raw/2024/tianhe-sfj.txt) the way a filer would print it, loaded into a real warehouse and compared with the
sample's own findings: exactly the expected findings are added (or taken away), and clean neighbours add none."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl.load.run import run_load
from tests.paths import SAMPLE
from tests.test_audit import _plant

# a planted case: (project line, printed text to replace, or None to append `new` as the line's last indicator,
# the replacement, the findings it adds as (rule_id, severity, seq); a rule id starting with - is one it takes away)
Plant = tuple[str, str | None, str, list[tuple[str, str, int | None]]]


def _findings(warehouse: Path) -> set[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return set(
            con.execute("select rule_id, severity, project_name, seq, indicator_name, message from v_target_audit")
            .fetchall()
        )  # fmt: skip


def _load(root: Path, plants: list[Plant]) -> Path:
    target = root / "raw" / "2024" / SAMPLE.name
    target.parent.mkdir(parents=True)
    text = SAMPLE.read_text(encoding="utf-8")
    for project, old, new, _ in plants:
        text = _plant(text, project, old, new)
    target.write_text(text, encoding="utf-8")
    warehouse = root / "wh.duckdb"
    run_load([root / "raw"], warehouse)
    return warehouse


@pytest.fixture(scope="module")
def sample_findings(tmp_path_factory: pytest.TempPathFactory) -> set[tuple]:
    root = tmp_path_factory.mktemp("round33-sample")
    (root / "raw" / "2024").mkdir(parents=True)
    shutil.copy(SAMPLE, root / "raw" / "2024" / SAMPLE.name)
    run_load([root / "raw"], root / "wh.duckdb")
    return _findings(root / "wh.duckdb")


def _check(tmp_path: Path, sample_findings: set[tuple], plants: list[Plant]) -> list[tuple]:
    """Load the plants; the findings they add and take away must be exactly the expected ones. Returns the added
    rows (rule_id, severity, project, seq, name, message) for the messages to be read."""
    after = _findings(_load(tmp_path, plants))

    def keyed(rows: set[tuple]) -> set[tuple]:
        return {(r, s, p, q) for r, s, p, q, *_ in rows}

    added = {(r, s, p, q) for p, _, _, expected in plants for r, s, q in expected if not r.startswith("-")}
    removed = {(r[1:], s, p, q) for p, _, _, expected in plants for r, s, q in expected if r.startswith("-")}
    assert keyed(after) - keyed(sample_findings) == added
    assert keyed(sample_findings) - keyed(after) == removed
    return sorted(after - sample_findings, key=str)


# 1. a cost saved (节约, 减免, 降低 … a cost: lower_is_better_exceptions.csv) is a floor, not a cost floored
COST_SAVED: list[Plant] = [
    ("区管退休干部节日慰问经费", None,
     "5、1-产出指标：11-数量指标：节约运维成本；实施周期指标值:≥2万元；年度指标值:≥2万元。", []),
    ("法律援助补贴和业务经费", None,
     "12、2-效益指标：21-经济效益指标：为受援群众减免法律服务费用；实施周期指标值:≥50万元；年度指标值:≥50万元。", []),
    ("行政复议应诉经费", None,
     "5、2-效益指标：21-经济效益指标：降低当事人诉讼费用；实施周期指标值:≥10万元；年度指标值:≥10万元。", []),
    # the neighbour: a cost floored is still an error
    ("律师管理业务经费", None,
     "6、1-产出指标：11-数量指标：设备运维成本；实施周期指标值:≥2万元；年度指标值:≥2万元。",
     [("direction_suspicious", "error", 6)]),
]  # fmt: skip


def test_a_cost_saved_is_no_cost_floored(tmp_path: Path, sample_findings: set[tuple]) -> None:
    _check(tmp_path, sample_findings, COST_SAVED)


# 2. a rate or count of something bad whose name holds a high-is-good word (办结率, a 满意度 type) capped is right:
# a rate negated by 超期/未按期/逾期 … (low_is_good_prefixes.csv); 投诉件数, 被投诉, 信访量 (low_is_good_rates.csv)
LOW_IS_GOOD: list[Plant] = [
    ("行政复议应诉经费", "行政复议案件办结率；实施周期指标值:法定期限办结率100%；年度指标值:100%",
     "行政复议案件超期办结率；实施周期指标值:≤5%；年度指标值:≤5%", []),
    ("律师管理业务经费", None,
     "6、1-产出指标：13-时效指标：行政复议案件未按期办结率；实施周期指标值:≤5%；年度指标值:≤5%。", []),
    ("天河区一村（社区）法律顾问公益法律服务工作经费",
     "村（居）委、群众等服务对象满意度；实施周期指标值:≥90%；年度指标值:≥90%",
     "服务对象投诉件数；实施周期指标值:≤2件；年度指标值:≤2件", []),
    ("专职人民调解服务项目经费", None,
     "6、3-满意度指标：31-服务对象满意度指标：群众信访量；实施周期指标值:≤5件；年度指标值:≤5件。", []),
    ("法律援助补贴和业务经费", None,
     "12、3-满意度指标：31-服务对象满意度指标：律师被投诉情况；实施周期指标值:≤3宗；年度指标值:≤3宗。", []),
    # neighbours: a rate done on time (按期, not 未按期) capped is still flagged, and so is a rate of complaints
    # settled under a 满意度 type
    ("律师管理业务经费", None,
     "7、1-产出指标：13-时效指标：行政复议案件按期办结率；实施周期指标值:≤90%；年度指标值:≤90%。",
     [("direction_suspicious", "error", 7)]),
    ("穗财政【2023】79号专职人民调解服务项目经费", None,
     "5、3-满意度指标：31-服务对象满意度指标：调解回访满意率；实施周期指标值:≤90%；年度指标值:≤90%。",
     [("direction_suspicious", "error", 5)]),
]  # fmt: skip


def test_a_rate_or_count_of_something_bad_may_be_capped(tmp_path: Path, sample_findings: set[tuple]) -> None:
    _check(tmp_path, sample_findings, LOW_IS_GOOD)


def test_a_negated_rate_is_lower_is_better_year_on_year(tmp_path: Path) -> None:
    """v_target_yoy reads the same list: 超期办结率 5% -> 3% (a plain number) is raised, though 办结 is one of the
    exceptions that keep a complaint settled (投诉办结) high-is-good."""
    text = SAMPLE.read_text(encoding="utf-8")
    old = "行政复议案件办结率；实施周期指标值:法定期限办结率100%；年度指标值:100%"
    for year, value in (("2023", "5%"), ("2024", "3%")):
        folder = tmp_path / "raw" / year
        folder.mkdir(parents=True)
        edited = text.replace("2024年", f"{year}年").replace(
            old, f"行政复议案件超期办结率；实施周期指标值:{value}；年度指标值:{value}"
        )
        (folder / SAMPLE.name).write_text(edited, encoding="utf-8")
    run_load([tmp_path / "raw"], tmp_path / "w.duckdb")
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        changes = dict(
            con.execute("select indicator_name, change from v_target_yoy where budget_year = 2024").fetchall()
        )
    assert changes["行政复议案件超期办结率"] == "raised"


# 3. an indicator named per quarter (per_period_words.csv in the name: 每季度举办法治讲座) states its period value per
# quarter: ≥4场次 a year is no more than ≥1场次 a quarter
PER_PERIOD_NAME: list[Plant] = [
    ("天河区一村（社区）法律顾问公益法律服务工作经费",
     "法律顾问每季度举办法治讲座（含线上）、法治宣传数（场次）；实施周期指标值:≥1；年度指标值:≥1",
     "法律顾问每季度举办法治讲座（含线上）、法治宣传数（场次）；实施周期指标值:≥1场次；年度指标值:≥4场次", []),
    # neighbours: the same numbers under a name with no period word, and a name per quarter whose annual text is
    # per quarter too (每季度 on both sides compares), are still errors
    ("律师管理业务经费", None, "6、1-产出指标：11-数量指标：举办法治讲座；实施周期指标值:≥1场次；年度指标值:≥4场次。",
     [("annual_exceeds_period", "error", 6)]),
    ("普法宣传业务经费", None,
     "8、1-产出指标：11-数量指标：每季度举办法治讲座；实施周期指标值:每季度≥1场次；年度指标值:每季度≥2场次。",
     [("annual_exceeds_period", "error", 8)]),
]  # fmt: skip


def test_a_name_per_quarter_states_the_period_value_per_quarter(tmp_path: Path, sample_findings: set[tuple]) -> None:
    _check(tmp_path, sample_findings, PER_PERIOD_NAME)


# 4. a grade (优秀, 优良, 良好: the grade words of vague_words.csv) on a graded assessment (a name with 等级, 等次 …:
# graded_names.csv) is measurable, as 良好以上 is; under any other name it is still vague
GRADES: list[Plant] = [
    ("法制业务经费", "法治广州建设考评（等级）；实施周期指标值:良好以上；年度指标值:良好以上",
     "法治广州建设考评（等级）；实施周期指标值:优秀；年度指标值:优秀", []),
    ("普法宣传业务经费", "普法工作年度考核(等级); 实施周期指标值:良好以上; 年度指标值:良好以上",
     "普法工作年度考核(等级); 实施周期指标值:优良; 年度指标值:优良", []),
    ("律师管理业务经费", None,
     "6、2-效益指标：22-社会效益指标：律师行业年度考核等次；实施周期指标值:良好；年度指标值:良好。", []),
    ("律师行业政策支持资金", None,
     "5、2-效益指标：22-社会效益指标：法律服务质量评定等级；实施周期指标值:优秀；年度指标值:优秀。", []),
    # neighbours: the same words with no grade in the name are vague
    ("基层工作和司法所经费", None,
     "6、2-效益指标：22-社会效益指标：法律服务质量；实施周期指标值:优秀；年度指标值:优秀。",
     [("vague_value", "warning", 6)]),
    ("社区矫正和安置帮教经费", None,
     "6、2-效益指标：22-社会效益指标：帮教工作成效；实施周期指标值:优良；年度指标值:优良。",
     [("vague_value", "warning", 6)]),
]  # fmt: skip


def test_a_grade_on_a_graded_assessment_is_not_vague(tmp_path: Path, sample_findings: set[tuple]) -> None:
    _check(tmp_path, sample_findings, GRADES)


# 5. a name printed again with other widths or spaces is a repeat: the audit keys names as the loader does
# (fact_target.indicator_key, etl.text.fold_key: every full-width ASCII form, every whitespace character)
REPEATS: list[Plant] = [
    ("基层工作和司法所经费", None,
     "6、1-产出指标：11-数量指标：１２３４８广东法网任务工单处理率；实施周期指标值:100%；年度指标值:100%。",
     [("duplicate_indicator", "warning", 6)]),
    ("人民调解案件补贴", None, "4、1-产出指标：12-质量指标：补贴合规性(％)；实施周期指标值:100%；年度指标值:100%。",
     [("duplicate_indicator", "warning", 4)]),
    ("购买行政复议应诉辅助服务经费", None,
     "5、1-产出指标：11-数量指标：配置行政复议应诉辅助人员\u00a0数量；实施周期指标值:5人；年度指标值:5人。",
     [("duplicate_indicator", "warning", 5)]),
    # a neighbour: another number is another name
    ("居委调委会调解员工作补贴", None,
     "4、1-产出指标：11-数量指标：１２３４９广东法网任务工单处理率；实施周期指标值:100%；年度指标值:100%。", []),
]  # fmt: skip


def test_a_name_in_other_widths_is_a_repeat(tmp_path: Path, sample_findings: set[tuple]) -> None:
    rows = _check(tmp_path, sample_findings, REPEATS)
    assert {m for r, *_, m in rows if r == "duplicate_indicator"} == {"指标名称与第 1 条重复", "指标名称与第 2 条重复",
                                                                    "指标名称与第 3 条重复"}  # fmt: skip


# 6. a vague rise after a subject, a comparison or a hedge (群众法治意识明显提升, 较上年有所提升, 同比提高, 力争提升: a
# text ending in a word of vague_words.csv of value trend), and a vague phrase in brackets or with a tilde, is vague;
# a number after the rise, or a rise that is not vague (正增长), is not
VAGUE: list[Plant] = [
    ("律师行业政策支持资金", None,
     "5、2-效益指标：22-社会效益指标：群众法治意识；实施周期指标值:明显提升；年度指标值:群众法治意识明显提升。",
     [("vague_value", "warning", 5)]),
    ("律师行业政策支持资金", None,
     "6、2-效益指标：22-社会效益指标：群众满意情况；实施周期指标值:提升；年度指标值:群众满意度显著提升。",
     [("vague_value", "warning", 6)]),
    ("专职人民调解服务项目经费", None,
     "6、2-效益指标：22-社会效益指标：调解工作公信力；实施周期指标值:提升；年度指标值:较上年有所提升。",
     [("vague_value", "warning", 6)]),
    ("专职人民调解服务项目经费", None,
     "7、2-效益指标：22-社会效益指标：调解协议质量；实施周期指标值:提高；年度指标值:同比提高。",
     [("vague_value", "warning", 7)]),
    ("行政复议应诉经费", None,
     "5、2-效益指标：22-社会效益指标：行政复议公信力；实施周期指标值:提升；年度指标值:力争提升。",
     [("vague_value", "warning", 5)]),
    ("行政复议应诉经费", None,
     "6、2-效益指标：22-社会效益指标：依法行政水平；实施周期指标值:提高；年度指标值:尽量提高。",
     [("vague_value", "warning", 6)]),
    ("人民调解案件补贴", None,
     "4、2-效益指标：22-社会效益指标：调解工作水平；实施周期指标值:提升；年度指标值:【有效提升】。",
     [("vague_value", "warning", 4)]),
    ("人民调解案件补贴", None,
     "5、2-效益指标：22-社会效益指标：调解员业务能力；实施周期指标值:提升；年度指标值:有效提升~。",
     [("vague_value", "warning", 5)]),
    # neighbours: a number after the rise, a measurable rise, a standard met: silent
    ("基层工作和司法所经费", None,
     "6、2-效益指标：22-社会效益指标：群众法治意识；实施周期指标值:提升；年度指标值:较上年提升两个百分点。", []),
    ("基层工作和司法所经费", None,
     "7、2-效益指标：22-社会效益指标：群众知晓率；实施周期指标值:提升；年度指标值:较上年提高5%。", []),
    ("法制业务经费", None,
     "6、2-效益指标：22-社会效益指标：法治宣传覆盖；实施周期指标值:全覆盖；年度指标值:全覆盖。", []),
]  # fmt: skip


def test_a_vague_rise_after_a_subject_or_comparison_is_vague(tmp_path: Path, sample_findings: set[tuple]) -> None:
    _check(tmp_path, sample_findings, VAGUE)


def test_the_trend_words_fit_the_lookup() -> None:
    """vague_value looks a trend word up by the text's last 2 to 6 characters."""
    from etl.warehouse.audit_views import vocabulary

    trends = [term for name, term, value in vocabulary() if name == "vague_words" and value == "trend"]
    assert trends and all(2 <= len(term) <= 6 for term in trends), trends


# 7. a share that cannot pass 100% set above it (rate_over_100, bounded_rates.csv): 满意度 ≥105%, 合格率 120%; a
# ceiling above 100% (≤120%) and a rate a year may pass (完成率 120%, 增长率 ≥150%) are not its findings
OVER_100: list[Plant] = [
    ("律师管理业务经费", None,
     "6、3-满意度指标：31-服务对象满意度指标：律师服务对象满意度；实施周期指标值:≥105%；年度指标值:≥105%。",
     [("rate_over_100", "error", 6), ("-missing_level1", "warning", None)]),  # (it had no 满意度 target)
    ("行政复议应诉经费", None,
     "5、1-产出指标：12-质量指标：文书合格率（%）；实施周期指标值:120；年度指标值:100。",
     [("rate_over_100", "error", 5)]),  # the period's value (its unit from the name's brackets)
    ("法律援助补贴和业务经费", None,
     "12、1-产出指标：11-数量指标：案件办理完成率；实施周期指标值:120%；年度指标值:120%。", []),
    ("专职人民调解服务项目经费", None,
     "6、2-效益指标：21-经济效益指标：调解案件增长率；实施周期指标值:≥150%；年度指标值:≥150%。", []),
]  # fmt: skip


def test_a_share_above_100_percent_is_unattainable(tmp_path: Path, sample_findings: set[tuple]) -> None:
    added = _check(tmp_path, sample_findings, OVER_100)
    messages = {row[5] for row in added if row[0] == "rate_over_100"}
    assert messages == {
        "比率类指标的年度指标值超过100%：≥105%，无法实现",
        "比率类指标的实施周期指标值超过100%：120，无法实现",
    }


def test_an_audit_on_views_built_from_other_rules_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A rule added (or removed) since the last load: its findings come from the warehouse's views, the rules table
    and the score card's columns from the files, so the rule was listed with 0 findings (or counted with no column).
    Exit 2, saying a load builds them again."""
    from typer.testing import CliRunner

    from etl.cli.app import app
    from etl.warehouse import views

    (tmp_path / "raw" / "2024").mkdir(parents=True)
    shutil.copy(SAMPLE, tmp_path / "raw" / "2024" / SAMPLE.name)
    warehouse = tmp_path / "wh.duckdb"
    run_load([tmp_path / "raw"], warehouse)
    command = ["audit", "-w", str(warehouse), "--out", str(tmp_path / "out")]
    assert CliRunner().invoke(app, command).exit_code == 0
    monkeypatch.setattr(views, "fingerprint", lambda: "0" * 64)  # as if sql/audit/ held another rule
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2, result.output
    assert "built from other rules than sql/audit/" in result.stderr and "jixiao load" in result.stderr
