"""The comparison baseline: the same parsed frames written the way a newcomer would, with
``pandas.DataFrame.to_sql`` through SQLAlchemy (duckdb-engine) into the same Alembic schema.

Parsing is the library's own (etl.load.batches.parsed_batches, same workers and batches); only the writing
differs: ids assigned in Python (a project per exact name_key, no cross-year linking), one
``to_sql`` per table and batch, one transaction per batch. Kept only as the yardstick for etl/load.py.
"""

from __future__ import annotations

from itertools import count
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from etl.extract.discover import discover
from etl.load.batches import parsed_batches
from etl.transform.frames import FrameBatch, load_log_rows
from etl.warehouse.connect import upgrade
from etl.warehouse.schema import load_log

LOAD_LOG_COLUMNS = [c.name for c in load_log.columns]


class Ids:
    """Keys handed out in Python: load ids, a project id per exact name_key, indicator type ids."""

    def __init__(self, type_ids: dict[str, int]) -> None:
        self.loads = count(1)
        self.projects: dict[str, int] = {}
        self.type_ids = type_ids
        self.next_type = max(type_ids.values(), default=0) + 1000


def _load_log(batch: FrameBatch, load_ids: list[int]) -> pd.DataFrame:
    return pd.DataFrame(load_log_rows(batch.tables, load_ids, pd.Timestamp.now()), columns=LOAD_LOG_COLUMNS)


def _projects(projects: pd.DataFrame, ids: Ids) -> tuple[pd.DataFrame, pd.DataFrame]:
    """New dim_project and dim_project_name rows: one identity per name_key not seen before."""
    new = projects[~projects["name_key"].isin(ids.projects)].drop_duplicates("name_key")
    for key in new["name_key"]:
        ids.projects[key] = len(ids.projects) + 1
    dim = pd.DataFrame(
        {
            "project_id": new["name_key"].map(ids.projects),
            "department_name": new["department_name"],
            "unit_name": new["unit_name"],
            "project_name": new["project_name"],
            "transfer_doc_no": new["transfer_doc_no"],
            "first_year": new["budget_year"],
        }
    )
    names = pd.DataFrame(
        {
            "name_key": new["name_key"],
            "project_id": dim["project_id"],
            "department_name": new["department_name"],
            "unit_name": new["unit_name"],
            "printed_name": new["printed_name"],
            "link_method": "new",
            "link_score": None,
            "linked_in_year": new["budget_year"],
        }
    )
    return dim, names


def _types(targets: pd.DataFrame, ids: Ids) -> pd.DataFrame:
    """Indicator types the tree does not know, added like the library does (is_known = false)."""
    rows = []
    for key in sorted(set(targets["type_key"]) - set(ids.type_ids)):
        level1, _, level2 = key.lstrip("?").partition("/")
        ids.type_ids[key] = ids.next_type = ids.next_type + 1
        rows.append((ids.next_type, key, None, level1, None, level2, False, False))
    cols = [
        "indicator_type_id",
        "type_key",
        "level1_code",
        "level1_name",
        "level2_code",
        "level2_name",
        "is_known",
        "is_assumed",
    ]
    return pd.DataFrame(rows, columns=cols)


def _facts(batch: FrameBatch, load_ids: list[int], ids: Ids) -> dict[str, pd.DataFrame]:
    lid = pd.Series(load_ids)
    out: dict[str, pd.DataFrame] = {}
    for name, table in (
        ("projects", "fact_project_budget"),
        ("targets", "fact_target"),
        ("aggregates", "fact_table_aggregate"),
        ("findings", "fact_reconciliation"),
        ("rejects", "load_reject"),
    ):
        df = getattr(batch, name).copy()
        df.insert(0, "load_id", df.pop("batch_no").map(lid))
        if name in ("projects", "targets"):
            df.insert(0, "project_id", df["name_key"].map(ids.projects))
        if name == "targets":
            df = df.drop(columns=["name_key"])
        if name == "targets":
            df.insert(2, "indicator_type_id", df.pop("type_key").map(ids.type_ids))
            df = df.drop(columns=["raw_text"]).assign(raw_text=getattr(batch, name)["raw_text"].to_numpy())
        out[table] = df
    return out


def batch_tables(batch: FrameBatch, ids: Ids) -> list[tuple[str, pd.DataFrame]]:
    """Every warehouse table's new rows for one parsed batch, parents first."""
    load_ids = [next(ids.loads) for _ in batch.tables]
    dim, names = _projects(batch.projects, ids)
    types = _types(batch.targets, ids)
    return [
        ("load_log", _load_log(batch, load_ids)),
        ("dim_indicator_type", types),
        ("dim_project", dim),
        ("dim_project_name", names),
        *_facts(batch, load_ids, ids).items(),
    ]


def load_with_to_sql(corpus: Path, warehouse: Path, batch_size: int, workers: int) -> dict[str, Any]:
    upgrade(warehouse)
    engine = sa.create_engine(f"duckdb:///{warehouse}", poolclass=sa.pool.NullPool)
    types = pd.read_sql("SELECT indicator_type_id, type_key FROM dim_indicator_type", engine)
    ids = Ids(dict(zip(types["type_key"], types["indicator_type_id"].astype(int), strict=True)))
    rows = 0
    try:
        for _files, batch, _refusals in parsed_batches(discover([corpus]), None, batch_size, workers):
            with engine.begin() as conn:
                for table, df in batch_tables(batch, ids):
                    if not df.empty:
                        df.to_sql(table, conn, if_exists="append", index=False)
                        rows += len(df)
    finally:
        engine.dispose()
    return {"rows_written": rows, "projects": len(ids.projects)}
