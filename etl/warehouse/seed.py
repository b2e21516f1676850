"""dim_indicator_type is seeded from etl/transform/indicator_types.csv, the one copy of the type tree.

The parser resolves printed types against the same file (etl/transform/indicator_types.py), so the
dimension and the parser cannot disagree: every time the views are re-created at head (`jixiao db
upgrade`, every load) the CSV's rows are upserted by their ``indicator_type_id`` (the level-2 code, or a
fixed id below 1000 for the 成本指标 types, which have no codes; unknown types get ids from 1000 up).
Rows are never deleted: a type dropped from the CSV may still be referenced by facts.
"""

from __future__ import annotations

import csv
from pathlib import Path

from etl.settings import PACKAGE_DIR
from etl.warehouse.views import Executes

TYPE_TREE_CSV = PACKAGE_DIR / "transform" / "indicator_types.csv"


def type_rows(path: Path = TYPE_TREE_CSV) -> list[dict]:
    """The CSV as dim_indicator_type rows (is_known = true; type_key = level-2 code, else level-2 name)."""
    with path.open(encoding="utf-8") as fh:
        return [
            {
                "indicator_type_id": int(r["indicator_type_id"]),
                "type_key": r["level2_code"] or r["level2_name"],
                "level1_code": r["level1_code"] or None,
                "level1_name": r["level1_name"],
                "level2_code": r["level2_code"] or None,
                "level2_name": r["level2_name"],
                "is_known": True,
                "is_assumed": r["is_assumed"] == "true",
            }
            for r in csv.DictReader(fh)
        ]


def _literal(value: object) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool | int):
        return str(value).lower()
    return "'" + str(value).replace("'", "''") + "'"


def seed_indicator_types(conn: Executes, path: Path = TYPE_TREE_CSV) -> None:
    """Upsert the CSV's types into dim_indicator_type (a dozen rows: one statement of literals)."""
    rows = type_rows(path)
    names = list(rows[0])
    values = ",\n".join("(" + ", ".join(_literal(r[n]) for n in names) + ")" for r in rows)
    updates = ", ".join(f"{n} = excluded.{n}" for n in names if n != "indicator_type_id")
    conn.exec_driver_sql(
        f"INSERT INTO dim_indicator_type ({', '.join(names)}) VALUES\n{values}\n"
        f"ON CONFLICT (indicator_type_id) DO UPDATE SET {updates}"
    )
