"""Round 29's hunt of the numbers analysts read (v_target_yoy, v_project_budget_yoy, v_department_year), on pairs of
years derived from the real sample and the real per-row fixture (GENERATED edits, each test its own).

Found (each test below failed before its fix):
- a quantitative target was compared by its number alone: 增长5% and 下降5% (both = 5 %), 每季度至少举行1场 and 每月至少
  举行1场, read unchanged; the words besides the comparison, number and unit (target_frame) now have to match;
- a period target (≥900, none for the year) against an annual one (≥300) read lowered: bases now have to match;
- a bare number before 以下/以上/以内 was read with that word as its unit (20以下: = 20, unit 以下);
- a 反向 indicator's = target read raised when its number grew (a rate of complaints);
- change_pct was divided in DOUBLE: 200.00 -> 202.01 万元 read 1.00 %, not 1.01 %;
- v_department_year counted a period-only quantitative target as not quantitative.
"""

from __future__ import annotations

import shutil
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import duckdb
import pytest

from etl.load.run import run_load
from etl.settings import SQL_DIR
from etl.transform.target_values import COMPARISON_WORDS, parse_target_value, target_frame
from etl.warehouse import views

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt"
PER_ROW = ROOT / "tests" / "fixtures" / "layouts_real" / "2024" / "jingyan-per-row.txt"

TEXTS = [
    ("增长5%", "%"),
    ("下降5%", "%"),
    ("≥3人", "人"),
    ("不少于3人", "人"),
    ("每个司法所每季度至少举行1场", "场"),
    ("1,500人次", "人次"),
    ("≥99.50%。", "%"),
    ("20以下", None),
    ("＞＝９０％", "%"),
    ("-5%", "%"),
    ("", None),
    (None, None),
    ("达到100%（含）", "%"),
    ("3个工作日内", "个工作日"),
    ("10 - 20人", None),
    ("≤12月；", "月"),
    ("≥90%（含本数）。", "%"),
    ("≥77台，含备用", "台"),
]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    views.create_macros(views.Native(con))
    return con


def test_the_sql_frame_is_the_pythons(con: duckdb.DuckDBPyConnection) -> None:
    got = [con.execute("SELECT target_frame(?, ?)", [t, u]).fetchone()[0] for t, u in TEXTS]
    assert got == [target_frame(t, u) for t, u in TEXTS]
    assert target_frame("增长5%", "%") != target_frame("下降5%", "%")
    assert target_frame("≥3人", "人") == target_frame("不少于3人", "人") == "#"
    assert target_frame("≥95%（含）", "%") == target_frame("≥95%", "%")  # a remark the parser sets aside


def test_both_macros_name_the_parsers_comparison_words() -> None:
    for path in (SQL_DIR / "macros" / "target_frame.sql", SQL_DIR / "macros" / "postgres" / "target_frame.sql"):
        assert path.read_text(encoding="utf-8").count(f"'{COMPARISON_WORDS}'") == 2, path


@pytest.mark.parametrize(
    ("change", "base"),
    [("2.01", "200.00"), ("0.03", "40.00"), ("-2.01", "200.00"), ("1", "3"), ("-1", "-3"), ("5", "0.01"), ("0", "7")],
)
def test_pct_change_rounds_half_away_from_zero_exactly(con: duckdb.DuckDBPyConnection, change: str, base: str) -> None:
    got = con.execute(
        "SELECT pct_change(CAST(? AS DECIMAL(18, 2)), CAST(? AS DECIMAL(18, 2)))", [change, base]
    ).fetchone()[0]
    exact = (Decimal(change) * 100 / Decimal(base)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert got == exact


@pytest.mark.parametrize(("text", "comparison"), [("20以下", "<="), ("8以上", ">="), ("3以内", "<=")])
def test_a_comparison_word_after_a_bare_number_is_no_unit(text: str, comparison: str) -> None:
    value = parse_target_value(text, "区政府应诉案件败诉率（%）")
    assert (value.comparison, value.unit) == (comparison, "%")  # the name's unit, not 以下


def _pair(tmp_path: Path, source: Path, earlier: list[tuple[str, str]], later: list[tuple[str, str]]) -> Path:
    text = source.read_text(encoding="utf-8")
    for year, edits in (("2023", earlier), ("2024", later)):
        (tmp_path / "raw" / year).mkdir(parents=True)
        edited = text.replace("2024年", f"{year}年")
        for old, new in edits:
            assert old in edited, old
            edited = edited.replace(old, new)
        (tmp_path / "raw" / year / source.name).write_text(edited, encoding="utf-8")
    warehouse = tmp_path / "w.duckdb"
    run_load([tmp_path / "raw"], warehouse)
    return warehouse


def _changes(warehouse: Path) -> dict[str, str]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("SELECT indicator_name, change FROM v_target_yoy WHERE budget_year = 2024").fetchall()
    return dict(rows)


def test_words_basis_and_bare_numbers_decide_a_targets_change(tmp_path: Path) -> None:
    warehouse = _pair(
        tmp_path,
        SAMPLE,
        [
            ("年度指标值:力争正增长", "年度指标值:增长5%"),
            ("初始评估(例); 实施周期指标值:≥300; 年度指标值:≥300。", "初始评估(例); 实施周期指标值:≥900。"),
            ("年度指标值:15%以下", "年度指标值:20以下"),
            ("区政府应诉案件败诉率；", "区政府应诉案件败诉率（%）；"),
        ],
        [
            ("年度指标值:力争正增长", "年度指标值:下降5%"),
            ("年度指标值:每个司法所每季度至少举行1场", "年度指标值:每个司法所每月至少举行1场"),
            ("年度指标值:15%以下", "年度指标值:15以下"),
            ("区政府应诉案件败诉率；", "区政府应诉案件败诉率（%）；"),
        ],
    )
    changes = _changes(warehouse)
    assert changes["规模以上律所营收增长率"] == "changed"  # 增长5% -> 下降5%
    assert changes["开展公益活动(场)"] == "changed"  # 每季度 -> 每月
    assert changes["初始评估(例)"] == "changed"  # ≥900 for the period -> ≥300 a year
    assert changes["区政府应诉案件败诉率（%）"] == "raised"  # ≤ 20 % -> ≤ 15 %
    assert sum(c == "unchanged" for c in changes.values()) == len(changes) - 4


STORED_FRAME_DIFFERS = """
    SELECT count(*) FILTER (WHERE target_frame IS NOT NULL), count(*) FILTER (WHERE target_frame IS DISTINCT FROM (
        CASE
            WHEN annual_value_status = 'missing' THEN
                CASE WHEN period_value_status = 'quantitative' THEN target_frame(period_target_text, period_unit) END
            WHEN annual_value_status = 'quantitative' THEN target_frame(annual_target_text, annual_unit)
        END))
    FROM fact_target
"""


@pytest.mark.parametrize("source", [SAMPLE, PER_ROW], ids=["sample", "per-row"])
def test_the_loader_stores_the_frame_the_macro_computes(tmp_path: Path, source: Path) -> None:
    """fact_target.target_frame (since 0016; v_target_yoy reads it) is the macro's frame of the compared target (the
    annual one, the period's where no annual value is printed), NULL unless that target is quantitative."""
    warehouse = _pair(tmp_path, source, [], [])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        framed, differing = con.execute(STORED_FRAME_DIFFERS).fetchone()
    assert framed > 10 and differing == 0


def test_a_reverse_indicators_equal_target_is_raised_when_its_number_falls(tmp_path: Path) -> None:
    row = "时效指标\t完成时限\t≤\t12\t月\t10\t反向"
    warehouse = _pair(
        tmp_path,
        PER_ROW,
        [(row, "时效指标\t完成时限\t=\t12\t月\t10\t反向")],
        [(row, "时效指标\t完成时限\t=\t10\t月\t10\t反向")],
    )
    assert _changes(warehouse)["完成时限"] == "raised"


def test_budget_change_pct_and_the_quantitative_share(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    warehouse = _pair(
        tmp_path,
        SAMPLE,
        [("初始评估(例); 实施周期指标值:≥300; 年度指标值:≥300。", "初始评估(例); 实施周期指标值:≥900。")],
        [],
    )
    with duckdb.connect(str(warehouse), read_only=True) as con:
        shares = dict(con.execute("SELECT budget_year, quantitative_target_count FROM v_department_year").fetchall())
    assert shares[2023] == shares[2024]  # the period-only ≥900 is quantitative too
    shutil.rmtree(raw)
    total = "机关业务用房和司法所维修维护费\t82.60\t82.60"
    pct = _pair(
        tmp_path / "pct",
        SAMPLE,
        [(total, "机关业务用房和司法所维修维护费\t200.00\t200.00"), ("1,485.34", "1,602.74")],
        [(total, "机关业务用房和司法所维修维护费\t202.01\t202.01"), ("1,485.34", "1,604.75")],
    )
    with duckdb.connect(str(pct), read_only=True) as con:
        (got,) = con.execute(
            "SELECT change_pct FROM v_project_budget_yoy WHERE budget_year = 2024 "
            "AND project_name = '机关业务用房和司法所维修维护费'"
        ).fetchone()
    assert got == Decimal("1.01")  # exactly 1.005 %: read 1.00 in DOUBLE


def test_a_plain_number_of_complaints_or_cost_is_a_ceiling(tmp_path: Path) -> None:
    """Round 32: with no 指标方向 printed, a plain (=) target read more demanding when its number grew: 有效投诉次数
    0次 -> 2次 and a cost of 15 -> 12 万元 read raised and lowered. A name of the audit's low_is_good_rates.csv, or of
    its cost_words.csv with a unit in 元, now makes the smaller number the more demanding; other names are as before."""
    complaints = (
        "设备购置完成率；实施周期指标值:100%；年度指标值:100%",
        "有效投诉次数；实施周期指标值:{0}次；年度指标值:{0}次",
    )
    cost = (
        "办公设备购置验收合格率；实施周期指标值:100%；年度指标值:100%",
        "设备购置成本；实施周期指标值:{0}万元；年度指标值:{0}万元",
    )
    rate = ("工程量完成率；实施周期指标值:100%；年度指标值:100%", "工程量完成率；实施周期指标值:{0}%；年度指标值:{0}%")
    warehouse = _pair(
        tmp_path,
        SAMPLE,
        [(old, new.format(n)) for (old, new), n in ((complaints, 0), (cost, 15), (rate, 90))],
        [(old, new.format(n)) for (old, new), n in ((complaints, 2), (cost, 12), (rate, 100))],
    )
    changes = _changes(warehouse)
    assert changes["有效投诉次数"] == "lowered"  # 0 -> 2 complaints allowed
    assert changes["设备购置成本"] == "raised"  # 15 -> 12 万元
    assert changes["工程量完成率"] == "raised"  # 90% -> 100%: as before
    warehouse = _pair(
        tmp_path / "good",
        SAMPLE,
        [(complaints[0], "培训次数；实施周期指标值:2次；年度指标值:2次")],
        [(complaints[0], "培训次数；实施周期指标值:3次；年度指标值:3次")],
    )
    assert _changes(warehouse)["培训次数"] == "raised"  # a count of something good: as before


def test_a_printed_direction_wins_over_the_name(tmp_path: Path) -> None:
    row = "时效指标\t完成时限\t≤\t12\t月\t10\t反向"
    warehouse = _pair(
        tmp_path,
        PER_ROW,
        [(row, "时效指标\t投诉次数\t=\t2\t次\t10\t正向")],
        [(row, "时效指标\t投诉次数\t=\t3\t次\t10\t正向")],
    )
    assert _changes(warehouse)["投诉次数"] == "raised"  # the table says 正向: taken as printed
