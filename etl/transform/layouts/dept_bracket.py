"""The department list with bracket-packed indicators: 单位编码 | 单位名称(项目类别/支出项目) | 年度预算安排 |
项目内容 | 绩效目标, the goal cell holding 【总体目标】… 【产出指标-数量指标】指标1:机柜数量(≥77台) … (or its
headings in another pair of brackets, etl.transform.bracket.HEADING_BRACKETS).

Scored from the header row and the goal cells of the first rows; parsed by etl.transform.bracket.
"""

from __future__ import annotations

from etl.model import Grid, SourceTable
from etl.transform.layouts.dept_packed import columns

SCAN_ROWS = 30


def score(grid: Grid) -> float:
    cols = columns(grid)
    if "indicators" in cols or "indicator_name" in cols or "project_name" not in cols or "goal" not in cols:
        return 0.0
    from etl.transform.table import header_columns

    goal = header_columns(grid.rows[:2])["goal"]
    # the goal cell, or a shorter row's last: a row leaving out its empty code cell prints its goal a column left
    cells = [r.cells[min(goal, len(r.cells) - 1)] for r in grid.rows[1:SCAN_ROWS] if r.cells]
    return 1.0 if any("【" in c and "指标" in c for c in cells) or _headed_items(cells, "code" in cols) else 0.3


def _headed_items(cells: list[str], coded: bool) -> bool:
    """Headings printed in other brackets ([产出指标-数量指标]指标1:…, 〖…〗, 〔…〕): the list was read as a packed one
    (no 绩效指标 column), its projects loaded with no targets; or, under the list's 单位编码 column, 【】 headings over
    items printing no 指标 at all (【总体目标】… 【】1.机柜数量(≥77台)): another layout read the list, its targets
    lost. Without the code column such a cell is one goal among a packed list's (read as before). Asked only when
    no cell prints 【 and 指标."""
    from etl.transform.bracket import has_bracket_sections, heads_items

    return any(has_bracket_sections(c) or (coded and heads_items(c)) for c in cells)


def parse(grid: Grid, year: int | None = None) -> SourceTable:
    from etl.transform.bracket import parse_bracket_table

    return parse_bracket_table(grid, year)
