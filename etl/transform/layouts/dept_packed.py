"""The department list with packed indicators (the sample): 项目名称 | 总计 | … | 绩效目标 | 绩效指标.

Scored from the header row alone; parsed by etl.transform.table.parse_grid.
"""

from __future__ import annotations

from functools import lru_cache

from etl.extract.columns import header_positions
from etl.model import Grid, SourceTable


@lru_cache(maxsize=256)
def header_columns(cells: tuple[str, ...]) -> frozenset[str]:
    return frozenset(header_positions(list(cells))[0])


def columns(grid: Grid) -> frozenset[str]:
    return header_columns(tuple(grid.rows[0].cells)) if grid.rows else frozenset()


def score(grid: Grid) -> float:
    cols = columns(grid)
    if "project_name" not in cols or "indicator_name" in cols:
        return 0.0
    if "indicators" not in cols:  # a department list without its 绩效指标 column: read, the projects have no targets
        return 0.6 if {"total", "goal"} <= cols else 0.0
    return 1.0 if "total" in cols else 0.6


def parse(grid: Grid, year: int | None = None) -> SourceTable:
    from etl.transform.table import parse_grid

    return parse_grid(grid, year)
