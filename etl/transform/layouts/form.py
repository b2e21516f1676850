"""The single-project form (申报表 / 批复表 / 绩效目标表): a key–value block, then an indicator grid.

Scored only when the reader found no column header row, from the label cells of the rows
(form_labels.csv) and an indicator grid header (一级指标 | 二级指标 | …); parsed by
etl.transform.form.
"""

from __future__ import annotations

from etl.model import Grid, SourceTable
from etl.text import header_key

SCAN_ROWS = 400
CONTEXT_KEYS = ("department", "unit", "attribute", "period", "annual_total", "period_total", "annual_goal")


def _keys(grid: Grid) -> set[str]:
    from etl.transform.form import indicator_header
    from etl.transform.form_labels import match

    keys: set[str] = set()
    for row in (grid.raw_rows or [])[:SCAN_ROWS]:
        for cell in row.cells:
            if cell and len(cell) <= 80 and (key := match(cell)[0]):
                keys.add(key)
        if "grid" not in keys and indicator_header(row.cells):
            keys.add("grid")
    return keys


def score(grid: Grid) -> float:
    if grid.raw_rows is None:
        return 0.0
    keys = _keys(grid)
    value = 0.35 * ("project_name" in keys) + 0.35 * ("grid" in keys)
    return min(1.0, value + 0.1 * sum(k in keys for k in CONTEXT_KEYS)) if "project_name" in keys else value / 2


def recognised(grid: Grid) -> str:
    from etl.transform.form import recognised_text

    text = recognised_text(grid.raw_rows or [])
    has_grid = "一级指标" in header_key(" ".join(c for r in (grid.raw_rows or [])[:SCAN_ROWS] for c in r.cells))
    return ", ".join(p for p in (text, "一级指标" if has_grid and "一级指标" not in text else "") if p)


def parse(grid: Grid, year: int | None = None) -> SourceTable:
    from etl.transform.form import parse_form_table

    return parse_form_table(grid, year)
