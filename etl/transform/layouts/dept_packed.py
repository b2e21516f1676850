"""The department list with packed indicators (the sample): 项目名称 | 总计 | … | 绩效目标 | 绩效指标.

Scored from the header row alone; parsed by etl.transform.table.parse_grid.
"""

from __future__ import annotations

from functools import lru_cache

from etl.model import Grid, GridRow, SourceTable


@lru_cache(maxsize=256)
def _header_columns(first: tuple[str, ...], second: tuple[str, ...] | None) -> frozenset[str]:
    from etl.transform.table import header_columns

    rows = [GridRow(0, list(first))] + ([GridRow(1, list(second))] if second is not None else [])
    return frozenset(header_columns(rows))


def columns(grid: Grid) -> frozenset[str]:
    """The header row's columns, with a second header row's (绩效指标 over 一级指标 | 二级指标 | …)."""
    if not grid.rows:
        return frozenset()
    return _header_columns(tuple(grid.rows[0].cells), tuple(grid.rows[1].cells) if len(grid.rows) > 1 else None)


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
