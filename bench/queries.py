"""Analysts' queries over the loaded warehouse: each comparison view read in full."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from etl.warehouse.connect import connect

VIEWS = ("v_project_budget", "v_target", "v_project_budget_yoy", "v_target_yoy", "v_department_year")


def existing_views(con: Any) -> set[str]:
    return {r[0] for r in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}


def time_views(warehouse: Path, names: list[str]) -> dict[str, Any]:
    """Seconds to read every row and column of each view (as Arrow, like an analyst's tool); absent views say so."""
    con = connect(warehouse, read_only=True)
    try:
        present = existing_views(con)
        out: dict[str, Any] = {}
        for name in [n for n in names if n] or list(VIEWS):
            if name not in present:
                out[name] = {"present": False}
                continue
            t0 = time.perf_counter()
            # con.sql streams the result into Arrow; con.execute(...).to_arrow_table() copies every row once more
            table = con.sql(f"SELECT * FROM {name}").to_arrow_table()
            out[name] = {"present": True, "s": round(time.perf_counter() - t0, 3), "rows": table.num_rows}
        return {"views": out}
    finally:
        con.close()
