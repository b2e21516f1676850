"""The year-over-year diff report of one department: HTML page, Excel workbook and Markdown summary.

queries.py reads the comparison views (read-only), tables.py shapes them into titled tables, charts.py
lays out the SVG bars, render.py writes the three outputs. audit.py is the target-quality audit.
They are imported when used (pandas alone costs about half a second), so that ``jixiao audit``, which
needs none of them, starts quickly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["NoData", "ReportData", "ReportFiles", "write_report"]


def __getattr__(name: str) -> Any:
    """NoData and ReportData live in queries.py (pandas): imported when first asked for."""
    if name in ("NoData", "ReportData"):
        from etl.report import queries

        return getattr(queries, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, slots=True)
class ReportFiles:
    html: Path
    xlsx: Path
    markdown: Path
    markdown_text: str


def _stem(department: str, from_year: int, to_year: int) -> str:
    safe = re.sub(r'[\\/:*?"<>|\s]+', "_", department)
    return f"report-{safe}-{from_year}-{to_year}"


def write_report(
    department: str, from_year: int, to_year: int, out_dir: Path, warehouse: str | Path | None = None
) -> ReportFiles:
    """Read the department's years from the warehouse (read-only) and write the three files into out_dir."""
    from etl.report.charts import budget_chart
    from etl.report.queries import fetch
    from etl.report.render import html_page, markdown, workbook
    from etl.report.tables import change_counts, report_tables
    from etl.warehouse.connect import connect

    con = connect(warehouse, read_only=True)
    try:
        data = fetch(con, department, from_year, to_year)
    finally:
        con.close()
    tables, counts = report_tables(data), change_counts(data)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / _stem(department, from_year, to_year)
    html = stem.with_suffix(".html")
    html.write_text(html_page(data, tables, budget_chart(data), counts), encoding="utf-8")
    text = markdown(data, tables, counts)
    md = stem.with_suffix(".md")
    md.write_text(text, encoding="utf-8")
    return ReportFiles(html, workbook(tables, stem.with_suffix(".xlsx")), md, text)
