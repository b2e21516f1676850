"""The floor: the least any loader of this corpus must do, timed beside the full load in the benchmark.

Read each file, split it with two regular expressions (one for the table's rows and cells, one for the
packed indicators), and insert the rows with DuckDB's native bulk path (Arrow tables, one INSERT per
batch of files and table). No validation, no Decimal, no identity, no reconciliation, no history: only
what no load can avoid. ``python -m bench.floor CORPUS WAREHOUSE`` prints its seconds as JSON.

Every project row of a table has seven tab-separated cells (name, four amounts, goal, indicators);
within the indicator cell each item is ``N、L1-名称：L2-名称[：；]名称；实施周期指标值:v[；年度指标值:v]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa

ROW = re.compile(
    r"^([^\t\n]+)\t([\d,.]*)\t([\d,.]*)\t([\d,.]*)\t([\d,.]*)\t([^\t\n]*)\t([^\t\n]*)\r?$",
    re.M,
)
ITEM = re.compile(
    r"(\d{1,3})[、.．]\s*(\d{1,2})\s*-\s*([^:：;；]+?)\s*[:：]\s*(\d{1,2})\s*-\s*([^:：;；]+?)\s*[:：;；]\s*"
    r"(.*?)\s*[;；]\s*实施周期指标值\s*[:：]\s*(.*?)(?:\s*[;；]\s*年度指标值\s*[:：]\s*(.*?))?[。.]?(?:</p>)?\s*"
    r"(?=\d{1,3}[、.．]\s*\d{1,2}\s*-|$)"
)
PROJECT_COLUMNS = ("file_no", "name", "total", "fiscal", "special", "other", "goal")
TARGET_COLUMNS = (
    "file_no", "project_no", "seq", "l1_code", "l1_name", "l2_code", "l2_name", "name", "period", "annual",
)
DDL = (
    "CREATE TABLE project (file_no INTEGER, name VARCHAR, total VARCHAR, fiscal VARCHAR, special VARCHAR, "
    "other VARCHAR, goal VARCHAR)",
    "CREATE TABLE target (file_no INTEGER, project_no INTEGER, seq VARCHAR, l1_code VARCHAR, l1_name VARCHAR, "
    "l2_code VARCHAR, l2_name VARCHAR, name VARCHAR, period VARCHAR, annual VARCHAR)",
)


def split_file(file_no: int, text: str, projects: list[tuple], targets: list[tuple]) -> None:
    """Rows with an indicator cell are projects; the cell's items are targets."""
    for row in ROW.finditer(text):
        if not row.group(7):
            continue
        projects.append((file_no, *row.group(1, 2, 3, 4, 5, 6)))
        project_no = len(projects) - 1
        targets.extend((file_no, project_no, *m.groups()) for m in ITEM.finditer(row.group(7)))


def _arrow(rows: list[tuple], columns: tuple[str, ...]) -> pa.Table:
    """Column by column with the type given (pyarrow's type inference costs twice the conversion)."""
    cols = list(zip(*rows, strict=True))
    types = [pa.int32() if c.endswith("_no") else pa.string() for c in columns]
    return pa.Table.from_arrays([pa.array(c, type=t) for c, t in zip(cols, types, strict=True)], names=list(columns))


def _insert(con: duckdb.DuckDBPyConnection, projects: list[tuple], targets: list[tuple]) -> None:
    con.execute("BEGIN")
    for table, rows, columns in (("project", projects, PROJECT_COLUMNS), ("target", targets, TARGET_COLUMNS)):
        if rows:
            con.register("stage", _arrow(rows, columns))
            con.execute(f"INSERT INTO {table} SELECT * FROM stage")
            con.unregister("stage")
    con.execute("COMMIT")


def floor_load(corpus: Path, warehouse: Path, batch_size: int = 1000) -> dict[str, int | float]:
    """Load every .txt under the corpus; the seconds and the rows written."""
    t0 = time.perf_counter()
    gc.disable()  # millions of small tuples: the cyclic collector's rescans would dominate (the loader pauses it too)
    files = sorted(corpus.rglob("*.txt"))
    con = duckdb.connect(str(warehouse))
    for ddl in DDL:
        con.execute(ddl)
    n_projects = n_targets = 0
    for start in range(0, len(files), batch_size):
        projects: list[tuple] = []
        targets: list[tuple] = []
        for file_no, path in enumerate(files[start : start + batch_size], start):
            split_file(file_no, path.read_bytes().decode("utf-8", "replace"), projects, targets)
        _insert(con, projects, targets)
        n_projects, n_targets = n_projects + len(projects), n_targets + len(targets)
    con.close()
    gc.enable()
    return {"files": len(files), "projects": n_projects, "targets": n_targets, "s": time.perf_counter() - t0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.floor", description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("warehouse", type=Path, help="a new DuckDB file (removed first if it exists)")
    ap.add_argument("--batch-size", type=int, default=1000)
    a = ap.parse_args(argv)
    a.warehouse.unlink(missing_ok=True)
    print(json.dumps(floor_load(a.corpus, a.warehouse, a.batch_size)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
