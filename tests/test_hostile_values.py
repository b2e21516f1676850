"""Values the warehouse's columns cannot hold, and units no table of ours prints: found by a hostile run. Each one
failed the whole load (and every later run), or loaded amounts at the wrong scale without a word."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl.load import writer
from etl.load.run import run_load
from etl.model import RefusalKind
from etl.transform import frames
from etl.transform.normalise import AmountError, to_yuan
from etl.transform.per_row import weight_of as _weight
from etl.transform.pipeline import process_file, run_file
from etl.transform.target_values import parse_target_value
from etl.warehouse.connect import duckdb_upgrade, open_for_load
from tests.paths import SAMPLE

PER_ROW = Path(__file__).parent / "fixtures" / "layouts" / "2024" / "tianhe-sfj-per-row.csv"


def _copy(tmp_path: Path, text: str, name: str = "t.txt") -> Path:
    (folder := tmp_path / "raw" / "2024").mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_a_target_number_the_warehouse_cannot_hold_is_kept_as_text_and_the_table_loads(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "实施周期指标值:≥8；年度指标值:≥8。", "实施周期指标值:≥-99999999999999999999；年度指标值:≥0.00001。", 1
    )
    assert "-99999999999999999999" in text
    source = _copy(tmp_path, text)
    report = run_load([str(source.parent.parent)], tmp_path / "w.duckdb")
    assert report.by_status == {"loaded": 1}
    held = _rows(
        tmp_path / "w.duckdb",
        "SELECT period_value, period_value_status, annual_value, annual_value_status FROM fact_target"
        " WHERE period_target_text LIKE '%99999999999999999999%'",
    )
    assert held == [(None, "qualitative", None, "qualitative")]  # the text kept; no number stored rounded to 0
    for number in ("≥99999999999999", "≤0.0001", "-5", "99.50"):
        assert parse_target_value(number).number == Decimal(number.lstrip("≥≤"))


@pytest.mark.parametrize("weight", ["NaN", "Infinity", "sNaN", "1e30", "99999999999999999999", "-5", "0.00001"])
def test_a_weight_that_is_no_storable_number_rejects_its_indicator_row(tmp_path: Path, weight: str) -> None:
    text = PER_ROW.read_text(encoding="utf-8").replace("100%,20.00,正向", f"100%,{weight},正向", 1)
    (folder := tmp_path / "raw" / "2024").mkdir(parents=True)
    (folder / PER_ROW.name).write_text(text, encoding="utf-8")
    report = run_load([str(folder.parent)], tmp_path / "w.duckdb")
    assert report.by_status == {"loaded": 1}
    rejects = _rows(tmp_path / "w.duckdb", "SELECT source_line, reason FROM load_reject")
    assert len(rejects) == 1 and f"weight {weight!r} is not a number" in rejects[0][1]
    assert [_weight(w) for w in ("20", "20%", "20分", "20.00")] == [20, 20, 20, Decimal("20.00")]
    assert [_weight(w) for w in ("２０．００", "２０％", "1,000")] == [Decimal("20.00"), 20, 1000]  # (round 28)


def test_amounts_that_add_up_beyond_the_warehouse_refuse_the_table(tmp_path: Path) -> None:
    """Each amount is under 10^16 yuan, their sum is not: the table is refused with the line and the sum."""
    lines = []
    for line in SAMPLE.read_text(encoding="utf-8").split("\n"):
        cells = line.split("\t")
        if len(cells) > 3 and cells[1] and cells[1] != "总计":
            cells[1] = cells[2] = "900000000000.00"
        lines.append("\t".join(cells))
    source = _copy(tmp_path, "\n".join(lines))
    refused = run_file(source)
    assert refused.kind == RefusalKind.BAD_INPUT and "more than the warehouse holds" in refused.reason
    report = run_load([str(source.parent.parent)], tmp_path / "w.duckdb")
    assert report.by_status == {"refused": 1}


UNITS = [("亿元", 10**8), ("亿", 10**8), ("百万元", 10**6), ("千万元", 10**7), ("百元", 100), ("万", 10**4)]


@pytest.mark.parametrize(("unit", "yuan"), UNITS)
def test_a_table_in_a_larger_or_smaller_unit_is_read_in_it(tmp_path: Path, unit: str, yuan: int) -> None:
    table = process_file(_copy(tmp_path, SAMPLE.read_text(encoding="utf-8").replace("单位：万元", f"单位：{unit}")))
    first = table.projects[0]
    assert first.raw_amounts["total"] == "82.60" and first.amounts["total"] == Decimal("82.60") * yuan


@pytest.mark.parametrize("unit", ["美元", "万美元", "港元"])
def test_a_table_in_another_currency_is_refused_not_read_in_wan_yuan(tmp_path: Path, unit: str) -> None:
    refused = run_file(_copy(tmp_path, SAMPLE.read_text(encoding="utf-8").replace("单位：万元", f"单位：{unit}")))
    assert refused.kind == RefusalKind.BAD_INPUT and f"unknown amount unit '{unit}'" in refused.reason


@pytest.mark.parametrize("cell", ["82 60", "8 2.60", "82 . 60", "82\u300060"])
def test_a_space_inside_an_amount_is_no_number(cell: str) -> None:
    """It was dropped: 82 60 read as 8260. A space between groups of three digits is a thousands separator."""
    with pytest.raises(AmountError, match="is not a number"):
        to_yuan(cell, "万元")
    assert to_yuan("1 485.34", "万元") == to_yuan(" 1,485.34 ", "万元") == Decimal("14853400.00")


def test_a_table_the_warehouse_cannot_store_is_refused_alone_and_the_batch_loads(tmp_path: Path) -> None:
    """A value the parser let through and DuckDB cannot cast: the batch is written again a table at a time, and only
    that table is refused (an internal error, with DuckDB's reason); the next run does the same, not fail."""
    other = tmp_path / "tianhe-copy.txt"
    other.write_text(SAMPLE.read_text(encoding="utf-8").replace("广州市天河区司法局", "广州市天河区某局"), "utf-8")
    batch = frames.to_frames([process_file(SAMPLE, 2024), process_file(other, 2024)])
    targets = batch.targets.copy()
    targets["period_value"] = targets["period_value"].astype(object)
    targets.loc[targets["batch_no"] == 1, "period_value"] = "-99999999999999999999"
    bad = frames.FrameBatch(batch.tables, batch.projects, targets, batch.aggregates, batch.findings, batch.rejects)
    warehouse = tmp_path / "w.duckdb"
    duckdb_upgrade(warehouse)
    with open_for_load(warehouse) as con:
        results = writer.load_batch(con, bad)
    assert [(Path(r.path).name, r.status) for r in results] == [("tianhe-sfj.txt", "loaded"), (other.name, "refused")]
    log = _rows(warehouse, "SELECT status, refusal_kind, message FROM load_log ORDER BY load_id")
    assert [row[:2] for row in log] == [("loaded", None), ("refused", "internal_error")]
    assert "cannot store a value" in log[1][2] and "DECIMAL(18,4)" in log[1][2]
    assert _rows(warehouse, "SELECT count(DISTINCT load_id) FROM fact_target") == [(1,)]


def _with_column(header: str, value: object) -> str:
    """The sample with one more column: ``header`` in the header row, ``value(cells)`` in every other grid row."""
    lines = []
    for line in SAMPLE.read_text(encoding="utf-8").split("\n"):
        cells = line.split("\t")
        if len(cells) >= 7:
            line += "\t" + (header if cells[0].startswith("项目名称") else value(cells))  # type: ignore[operator]
        lines.append(line)
    return "\n".join(lines)


@pytest.mark.parametrize(
    ("header", "value", "named"),
    [("总计", lambda cells: "999.00", "总计"), ("绩效指标", lambda cells: cells[6][::-1], "绩效指标")],
)
def test_a_column_named_twice_that_holds_other_values_refuses_the_table(
    tmp_path: Path, header: str, value: object, named: str
) -> None:
    """A second 总计 of other numbers was dropped without a word (the table loaded, reconciled); a second 绩效指标
    refused the file as "cell(s) beyond the header's columns". Which of the two is the table's is not known."""
    refused = run_file(_copy(tmp_path, _with_column(header, value)))
    assert refused.kind == RefusalKind.UNSUPPORTED_LAYOUT
    assert f"the header names '{named}' twice" in refused.reason and "they differ on line" in refused.reason


def test_a_project_rejected_whole_keeps_its_row_as_raw_text(tmp_path: Path) -> None:
    """An amount or duplicate reject recorded only the project's name as load_reject.raw_text, not the row."""
    text = SAMPLE.read_text(encoding="utf-8").replace("维修维护费\t82.60\t82.60", "维修维护费\t82 60\t82.60", 1)
    table = process_file(_copy(tmp_path, text))
    [reject] = table.rejects
    assert reject.raw_text.startswith("机关业务用房和司法所维修维护费\t82 60\t82.60\t")
    assert "1、1-产出指标" in reject.raw_text
    assert "total: amount '82 60' is not a number" in reject.reason


def test_an_alias_file_not_in_utf8_stops_the_load_naming_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """It said only "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xb9", not which file (nothing is written)."""
    aliases = tmp_path / "aliases.csv"
    aliases.write_bytes("department_name,name,same_as,note\n广州市天河区司法局,甲,乙,\n".encode("gbk"))
    monkeypatch.setenv("JIXIAO_ALIASES", str(aliases))
    source = _copy(tmp_path, SAMPLE.read_text(encoding="utf-8"))
    with pytest.raises(ValueError, match=f"the alias file {aliases} cannot be read .*: save it as UTF-8 CSV"):
        run_load([str(source.parent.parent)], tmp_path / "w.duckdb")
    assert _rows(tmp_path / "w.duckdb", "SELECT count(*) FROM fact_project_budget") == [(0,)]
