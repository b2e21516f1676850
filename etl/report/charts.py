"""Chart geometry for the HTML report (pure): horizontal grouped bars, drawn as inline SVG by the template."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from etl.report.reading import ReportData
from etl.report.tables import wan

LABEL_WIDTH = 330
PLOT_WIDTH = 420
ROW_HEIGHT = 30
BAR_HEIGHT = 11
MAX_LABEL = 24


@dataclass(frozen=True, slots=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    series: int
    value: Decimal | None  # None: the project is not printed that year (no bar, labelled —, not 0)


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    y: float
    bars: list[Bar]


@dataclass(frozen=True, slots=True)
class BarChart:
    title: str
    series: tuple[str, ...]
    rows: list[Row]
    width: int
    height: int
    label_width: int


def grouped_bars(title: str, series: tuple[str, ...], items: list[tuple[str, tuple[Decimal | None, ...]]]) -> BarChart:
    """One row per item, one bar per series, scaled to the largest value."""
    top = max((v for _, values in items for v in values if v), default=Decimal(1))
    rows = []
    for i, (label, values) in enumerate(items):
        y = 24 + i * ROW_HEIGHT
        bars = [
            Bar(LABEL_WIDTH, y + k * BAR_HEIGHT, float((v or 0) / top) * PLOT_WIDTH, BAR_HEIGHT - 1, k, v)
            for k, v in enumerate(values)
        ]
        rows.append(Row(label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…", y, bars))
    return BarChart(title, series, rows, LABEL_WIDTH + PLOT_WIDTH + 90, 30 + len(items) * ROW_HEIGHT, LABEL_WIDTH)


def budget_chart(data: ReportData) -> BarChart:
    """Budget by project in the last compared pair of years (万元), largest first."""
    latest = max(r["budget_year"] for r in data.projects)
    records = [r for r in data.projects if r["budget_year"] == latest]
    records.sort(key=lambda r: -max(r["total_yuan"] or 0, r["previous_total_yuan"] or 0))
    years = (str(int(records[0]["previous_year"])), str(int(records[0]["budget_year"])))
    items = [
        (r["printed_name"] or r["previous_printed_name"], (wan(r["previous_total_yuan"]), wan(r["total_yuan"])))
        for r in records
    ]
    return grouped_bars(f"各项目预算（万元）：{years[0]}年与{years[1]}年", years, items)
