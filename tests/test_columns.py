"""Columns come from the schema and inserts match them by name: a swap of two columns, a type key the
dimension lacks, or a parsed field that never reaches the warehouse fails here."""

from __future__ import annotations

import csv
import pickle
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from etl.load import writer
from etl.model import AMOUNT_COLUMNS
from etl.transform import frames
from etl.transform.pipeline import process_file
from etl.warehouse import schema, seed
from etl.warehouse.connect import connect, upgrade, writing
from tests.paths import PROJECT_ROOT

SAMPLE = PROJECT_ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt"
PER_ROW = PROJECT_ROOT / "tests" / "fixtures" / "layouts" / "2024" / "tianhe-sfj-per-row.csv"
STAGE_KEYS = {"batch_no", "name_key", "type_key"}
ASSIGNED = {"load_id", "project_id", "indicator_type_id"}


@pytest.fixture(scope="module")
def sample_batch() -> frames.FrameBatch:
    return frames.to_frames([process_file(SAMPLE)])


@pytest.mark.parametrize(
    ("frame", "table"),
    [
        ("projects", schema.fact_project_budget),
        ("targets", schema.fact_target),
        ("aggregates", schema.fact_table_aggregate),
        ("findings", schema.fact_reconciliation),
        ("rejects", schema.load_reject),
    ],
)
def test_staged_frames_have_the_schemas_columns(frame: str, table, sample_batch: frames.FrameBatch) -> None:
    staged = set(getattr(sample_batch, frame).columns)
    assert staged - STAGE_KEYS == set(table.columns.keys()) - ASSIGNED - STAGE_KEYS


def test_a_batch_pickles_as_it_was(sample_batch: frames.FrameBatch) -> None:
    """Workers send batches to the loader pickled (through Arrow): every frame comes back with the same values,
    dtypes and index, and an empty batch too."""
    for batch in (sample_batch, frames.to_frames([])):
        back = pickle.loads(pickle.dumps(batch))
        assert back.tables == batch.tables
        for name in frames.FrameBatch.FRAMES:
            pd.testing.assert_frame_equal(getattr(back, name), getattr(batch, name))
    assert sample_batch.targets["occurrence"].dtype == "Int64"


def _markers(df: pd.DataFrame, keep: set[str]) -> pd.DataFrame:
    """Every text column holds '<column>#<row>', so a value in the wrong column names the column it came from."""
    out = df.copy()
    for column in df.columns:
        is_text = df[column].dtype == object or pd.api.types.is_string_dtype(df[column])  # pandas 3: 'str'
        if column not in keep and is_text and df[column].map(lambda v: isinstance(v, str)).any():
            out[column] = [f"{column}#{i}" for i in range(len(df))]
    return out


def test_no_two_columns_can_swap_on_the_way_in(sample_batch: frames.FrameBatch, warehouse: Path) -> None:
    """Distinct markers per column through the real writer: each comes back in the column it was staged in."""
    amounts = {f"{c}_yuan": f"{n}.25" for n, c in enumerate(AMOUNT_COLUMNS, start=1)}
    amounts["period_total_yuan"] = "5.25"  # the single-project form's period amount (NULL in the sample)
    projects = _markers(sample_batch.projects, {"name_key", *amounts}).assign(**amounts)
    targets = _markers(sample_batch.targets, {"name_key", "type_key", "period_value", "annual_value", "weight"})
    targets = targets.assign(period_value="1.5", annual_value="2.5", weight="3.5", is_misparented=True)
    batch = frames.FrameBatch(
        sample_batch.tables,
        projects,
        targets,
        *(getattr(sample_batch, f) for f in ("aggregates", "findings", "rejects")),
    )
    with writing(warehouse) as con:
        [result] = writer.load_batch(con, batch)
    assert result.status == "loaded"
    con = connect(warehouse, read_only=True)
    try:
        for table, staged in (("fact_project_budget", projects), ("fact_target", targets)):
            stored = con.execute(f"SELECT * FROM {table}").df()
            assert len(stored) == len(staged)
            for column in stored.columns:
                if column in staged.columns and column not in ("name_key", "source_line", "seq", "budget_year"):
                    assert sorted(map(str, stored[column])) == sorted(map(str, staged[column])), (table, column)
        [amount_row] = con.execute(
            "SELECT DISTINCT total_yuan, fiscal_yuan, special_account_yuan, other_yuan FROM fact_project_budget"
        ).fetchall()
        assert amount_row == (Decimal("1.25"), Decimal("2.25"), Decimal("3.25"), Decimal("4.25"))
        assert con.execute("SELECT DISTINCT period_value, annual_value, weight FROM fact_target").fetchall() == [
            (Decimal("1.5"), Decimal("2.5"), Decimal("3.5"))
        ]
    finally:
        con.close()


def test_weight_and_direction_reach_fact_target_and_v_target(warehouse: Path) -> None:
    with writing(warehouse) as con:
        writer.load_batch(con, [process_file(PER_ROW), process_file(SAMPLE, year=2023)])
    con = connect(warehouse, read_only=True)
    try:
        rows = con.execute("""
            SELECT budget_year, count(weight), count(direction), sum(weight),
                   list(DISTINCT direction ORDER BY direction)
            FROM v_target GROUP BY budget_year ORDER BY budget_year
        """).fetchall()
        per_project = con.execute(
            "SELECT DISTINCT sum(weight) FROM fact_target WHERE budget_year = 2024 GROUP BY project_id"
        ).fetchall()
    finally:
        con.close()
    assert rows[0][:3] == (2023, 0, 0)  # the packed layout prints neither
    assert rows[1][0] == 2024 and rows[1][1] == rows[1][2] == 110 and rows[1][4] == ["正向"]
    assert all(abs(total - 100) <= Decimal("0.1") for (total,) in per_project)


def test_dim_indicator_type_is_the_csv(warehouse: Path) -> None:
    upgrade(warehouse)
    con = connect(warehouse, read_only=True, published=False)
    try:
        stored = con.execute(
            "SELECT indicator_type_id, level1_code, level1_name, level2_code, level2_name, is_assumed"
            " FROM dim_indicator_type WHERE is_known ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    with seed.TYPE_TREE_CSV.open(encoding="utf-8") as fh:
        expected = [
            (
                int(r["indicator_type_id"]),
                r["level1_code"] or None,
                r["level1_name"],
                r["level2_code"] or None,
                r["level2_name"],
                r["is_assumed"] == "true",
            )
            for r in csv.DictReader(fh)
        ]
    assert stored == sorted(expected)


def test_a_type_key_the_dimension_lacks_stops_the_load(sample_batch: frames.FrameBatch, warehouse: Path) -> None:
    targets = sample_batch.targets.copy()
    targets.loc[5, "type_key"] = "99"
    batch = frames.FrameBatch(
        sample_batch.tables,
        sample_batch.projects,
        targets,
        *(getattr(sample_batch, f) for f in ("aggregates", "findings", "rejects")),
    )
    with writing(warehouse) as con, pytest.raises(writer.UnknownTypeKey, match=r"\['99'\].*source line"):
        writer.load_batch(con, batch)
    con = connect(warehouse, read_only=True, published=False)
    try:
        assert con.execute("SELECT count(*) FROM load_log").fetchone() == (0,)
        assert con.execute("SELECT count(*) FROM fact_target").fetchone() == (0,)
    finally:
        con.close()


def test_an_unknown_type_is_recorded_not_dropped(sample_batch: frames.FrameBatch, warehouse: Path) -> None:
    targets = sample_batch.targets.copy()
    targets.loc[5, "type_key"] = "?9-新指标/99-新二级指标"
    batch = frames.FrameBatch(
        sample_batch.tables,
        sample_batch.projects,
        targets,
        *(getattr(sample_batch, f) for f in ("aggregates", "findings", "rejects")),
    )
    with writing(warehouse) as con:
        writer.load_batch(con, batch)
    con = connect(warehouse, read_only=True, published=False)
    try:
        assert con.execute("SELECT count(*) FROM fact_target").fetchone() == (110,)
        assert con.execute(
            "SELECT level1_code, level1_name, level2_code, level2_name, is_known"
            " FROM dim_indicator_type WHERE NOT is_known"
        ).fetchall() == [("9", "新指标", "99", "新二级指标", False)]
    finally:
        con.close()


def test_a_project_column_of_mixed_types_still_makes_the_targets_frame() -> None:
    """A table's year as a NumPy integer beside Python ones (a column Arrow would not take as it is): the targets
    frame is built the way pandas builds it, every target kept, the year unchanged."""
    import dataclasses

    import numpy as np

    table = process_file(SAMPLE)
    other = dataclasses.replace(table, budget_year=np.int64(table.budget_year))
    targets = frames.target_rows([table, other])
    assert len(targets) == 2 * table.n_targets
    assert set(targets["budget_year"]) == {table.budget_year}


def test_indicator_keys_and_occurrences_count_a_name_printed_twice_in_seq_order() -> None:
    """indicator_key and occurrence (what v_target_yoy pairs on): 1 for a name printed once; 1, 2 … in seq order for
    a name printed again with another target (widths folded alike); None for the parser's exact repeats."""
    import dataclasses

    table = process_file(SAMPLE)
    project = next(p for p in table.projects if len(p.indicators) >= 3)
    a, b, c = project.indicators[:3]
    renamed = [
        dataclasses.replace(c, seq=1, name="培训 人次"),  # printed first in the cell, numbered last: seq order counts
        dataclasses.replace(a, seq=3, name="培训人次"),
        dataclasses.replace(b, seq=2, name="培训人次", is_duplicate=True),
    ]
    twice = dataclasses.replace(project, indicators=renamed)
    once = dataclasses.replace(project, indicators=[a, b, c])
    targets = frames.target_rows([dataclasses.replace(table, projects=[twice, once])])
    occurrences = [None if pd.isna(o) else int(o) for o in targets["occurrence"]]
    got = list(zip(targets["seq"], targets["indicator_key"], occurrences, strict=True))
    assert got[:3] == [(1, "培训人次", 1), (3, "培训人次", 2), (2, "培训人次", None)]
    assert [o for _, _, o in got[3:]] == [1, 1, 1]
