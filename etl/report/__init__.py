"""The year-over-year diff report of one department: HTML page, Excel workbook and Markdown summary.

reading.py reads the comparison views (read-only) as plain records, tables.py shapes them into titled tables,
charts.py lays out the SVG bars, render.py writes the three outputs. audit.py is the target-quality audit.
They are imported when used, so that ``jixiao audit``, which needs none of them, starts quickly; none of them
imports pandas (its import alone was a third of the report's second).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from etl.settings import department_slug, output_paths, report_stem

if TYPE_CHECKING:
    from etl.report.tables import LinkRule

__all__ = ["NoData", "ReportData", "ReportFiles", "UnwritableFolder", "department_slug", "report_stem", "write_report"]


def __getattr__(name: str) -> Any:
    """NoData and ReportData (reading.py, DuckDB) are imported when first asked for."""
    if name in ("NoData", "ReportData"):
        from etl.report import reading

        return getattr(reading, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class UnwritableFolder(ValueError):
    """The --out folder cannot be made (the CLI says so, exit 2)."""


@dataclass(frozen=True, slots=True)
class ReportFiles:
    html: Path
    xlsx: Path
    markdown: Path
    markdown_text: str


def write_report(
    department: str,
    from_year: int,
    to_year: int,
    out_dir: Path,
    warehouse: str | Path | None = None,
    link_rule: LinkRule | None = None,
) -> ReportFiles:
    """Read the department's years from the warehouse (read-only) and write the three files into out_dir.

    The views are read in a thread while the main one imports openpyxl and Jinja2 (etl.report.beside): DuckDB
    releases the GIL while it executes, so the queries add little to the wait.
    """
    from etl.report.beside import reading_beside
    from etl.report.light_imports import openpyxl_without_numpy
    from etl.report.reading import fetch

    with reading_beside(lambda con: fetch(con, department, from_year, to_year), warehouse) as pending:
        openpyxl_without_numpy()
        from etl.report.charts import budget_chart
        from etl.report.render import html_page, make_folder, markdown, saved_together, workbook
        from etl.report.tables import change_counts, report_tables

        data = pending.result()
    tables, counts = report_tables(data, link_rule), change_counts(data)
    make_folder(out_dir)
    html, xlsx, md = output_paths(out_dir, report_stem(department, from_year, to_year))
    text = markdown(data, tables, counts)
    with saved_together(html, xlsx, md) as (html_part, xlsx_part, md_part):  # all three written, or none
        html_part.write_text(html_page(data, tables, budget_chart(data), counts), encoding="utf-8")
        md_part.write_text(text, encoding="utf-8")
        workbook(tables, xlsx_part)
    return ReportFiles(html, xlsx, md, text)
