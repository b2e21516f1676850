"""The layout registry: which layout family a grid is, and the parser for it.

Each family is a module with ``score(grid) -> float`` (0..1, how well the grid matches) and
``parse(grid, year) -> SourceTable``. Look-alikes that are not target tables (a 自评表, a 决算
completion table, a blank template, text run together) are families too: their ``parse`` refuses
the file with a reason naming what was recognised, and they win over any reading family.

Scoring is cheap for the common case: when the reader found a column header row only that row
(and a few cells below it) is looked at; the families without a header row look at the rows only
when there is no header row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from etl.model import Grid, RefusalKind, SourceTable, TableRefused
from etl.transform.layouts import dept_bracket, dept_packed, form, not_target, per_row_export

THRESHOLD = 0.5
NEAR_TIE = 0.05


@dataclass(frozen=True, slots=True)
class Layout:
    name: str
    description: str
    score: Callable[[Grid], float]
    parse: Callable[[Grid, int | None], SourceTable]
    reads: bool = True  # False: a look-alike that is refused (not a target table)


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "dept_packed",
        "department list, packed indicators (N、类型：类型：名称；…)",
        dept_packed.score,
        dept_packed.parse,
    ),
    Layout("per_row_export", "budget-system export, one indicator per row", per_row_export.score, per_row_export.parse),
    Layout(
        "dept_bracket", "department list, 【类型】 headings and 指标N:名称(值)", dept_bracket.score, dept_bracket.parse
    ),
    Layout("single_project_form", "single-project form (申报表/批复表)", form.score, form.parse),
    *(Layout(n, d, s, p, reads=False) for n, d, s, p in not_target.FAMILIES),
)


def scores(grid: Grid) -> list[tuple[float, Layout]]:
    """Every family's score, best first."""
    return sorted(((round(layout.score(grid), 3), layout) for layout in LAYOUTS), key=lambda x: -x[0])


def choose(grid: Grid) -> tuple[Layout, float]:
    """The family that reads this grid; refuses (naming what was seen) when none or two fit."""
    ranked = scores(grid)
    refusing = [(s, lay) for s, lay in ranked if not lay.reads and s >= THRESHOLD]
    if refusing:
        return refusing[0][1], refusing[0][0]
    reading = [(s, lay) for s, lay in ranked if lay.reads]
    (best, first), (second, runner_up) = reading[0], reading[1]
    if best < THRESHOLD:
        reason = f"unsupported layout: {_recognised(grid, reading)}"
        raise TableRefused(grid.path, reason, kind=RefusalKind.NOT_A_TARGET_TABLE, layout="unsupported")
    if second >= THRESHOLD and best - second < NEAR_TIE:
        raise TableRefused(
            grid.path,
            f"ambiguous layout: {first.name} ({best:.2f}) and {runner_up.name} ({second:.2f}) fit alike",
            kind=RefusalKind.UNSUPPORTED_LAYOUT,
            layout="ambiguous",
        )
    return first, best


_NO_HEADER = {
    "html": "no table with a header row (项目名称 | 总计 | …)",
    "xlsx": "no sheet with a header row (项目名称 | 总计 | …)",
    "xls": "no sheet with a header row (项目名称 | 总计 | …)",
}


def _recognised(grid: Grid, reading: list[tuple[float, Layout]]) -> str:
    what = form.recognised(grid) if grid.raw_rows is not None else ""
    best, layout = reading[0]
    tail = f"; closest {layout.name} ({best:.2f})" if best > 0 else ""
    no_header = _NO_HEADER.get(grid.source_format, "no header row (项目名称 | 总计 | … | 绩效指标)")
    return (
        f"{no_header} and no single-project form (项目名称 + 一级/二级/三级指标) found"
        f"{'; recognised ' + what if what else ''}{tail}"
    )


def parse_table(grid: Grid, year: int | None = None) -> SourceTable:
    """Pick the family and parse; the table (or the refusal) carries the family's name and score."""
    layout, score = choose(grid)
    try:
        table = layout.parse(grid, year)
    except TableRefused as exc:
        exc.layout, exc.layout_score = exc.layout or layout.name, score
        raise
    table.layout, table.layout_score = layout.name, score
    return table
