"""The budget-system export, one indicator per row (一级/二级/三级指标, 指标性质, 指标值, 度量单位 …).

Merged cells arrive empty (columns stay aligned) or are omitted (a continuation row is shorter and
its cells belong to the rightmost columns); group rows carry codes (820-马踏镇部门). Scored from the
header row alone; parsed by etl.transform.table.parse_grid.
"""

from __future__ import annotations

from etl.model import Grid, SourceTable
from etl.transform.layouts.dept_packed import columns


def score(grid: Grid) -> float:
    cols = columns(grid)
    if "indicator_name" not in cols or "indicators" in cols or "project_name" not in cols:
        return 0.0
    return 1.0 if {"level2", "value"} <= cols else 0.7


def parse(grid: Grid, year: int | None = None) -> SourceTable:
    from etl.transform.cut_rows import refuse_cut_per_row
    from etl.transform.table import parse_grid

    table = parse_grid(grid, year)
    refuse_cut_per_row(grid, table)  # a dump cut off inside its last row
    return table
