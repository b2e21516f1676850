"""The year-over-year diff report of one department: HTML page, Excel workbook and Markdown summary.

reading.py reads the comparison views (read-only) as plain records, tables.py shapes them into titled tables,
charts.py lays out the SVG bars, render.py writes the three outputs. audit.py is the target-quality audit.
They are imported when used, so that ``jixiao audit``, which needs none of them, starts quickly; none of them
imports pandas (its import alone was a third of the report's second).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from etl.report.tables import LinkRule

__all__ = ["NoData", "ReportData", "ReportFiles", "write_report"]


def __getattr__(name: str) -> Any:
    """NoData and ReportData (reading.py, DuckDB) are imported when first asked for."""
    if name in ("NoData", "ReportData"):
        from etl.report import reading

        return getattr(reading, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True, slots=True)
class ReportFiles:
    html: Path
    xlsx: Path
    markdown: Path
    markdown_text: str


SLUG_CHARS = 40  # at most 40 characters of the name (120 bytes in UTF-8): far below the 255-byte limit


def report_stem(department: str, from_year: int, to_year: int) -> str:
    """A safe, bounded file name stem, unique per department: report-<slug>-<hash>-<from>-<to>."""
    return f"report-{department_slug(department)}-{from_year}-{to_year}"


def department_slug(department: str) -> str:
    """<slug>-<hash> of a department name, for file names (the report's and the audit's).

    The slug keeps letters and digits of the name (any script) and turns every run of anything else (dots,
    slashes, spaces, control characters) into one '_', cut to SLUG_CHARS; the hash, the first 8 hex digits
    of the SHA-256 of the full name, tells apart names whose slugs agree (天河区v1.甲局 / 天河区v1.乙局 differ
    anyway; a 10,000-character name and its 10,001-character sibling do too)."""
    slug = re.sub(r"[\W_]+", "_", unicodedata.normalize("NFKC", department)).strip("_")[:SLUG_CHARS].strip("_")
    digest = hashlib.sha256(department.encode("utf-8")).hexdigest()[:8]
    return f"{slug or 'department'}-{digest}"


def write_report(
    department: str,
    from_year: int,
    to_year: int,
    out_dir: Path,
    warehouse: str | Path | None = None,
    link_rule: LinkRule | None = None,
) -> ReportFiles:
    """Read the department's years from the warehouse (read-only) and write the three files into out_dir.

    The views are read in a thread while the main one imports openpyxl and Jinja2: DuckDB releases the GIL while
    it executes, so the queries add little to the wait.
    """
    from etl.report.reading import read_report

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-read") as pool:
        pending = pool.submit(read_report, warehouse, department, from_year, to_year)
        from etl.report.charts import budget_chart
        from etl.report.render import html_page, markdown, saved_together, workbook
        from etl.report.tables import change_counts, report_tables

        data = pending.result()
    tables, counts = report_tables(data, link_rule), change_counts(data)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / report_stem(department, from_year, to_year)
    html, xlsx, md = (stem.with_suffix(suffix) for suffix in (".html", ".xlsx", ".md"))
    text = markdown(data, tables, counts)
    with saved_together(html, xlsx, md) as (html_part, xlsx_part, md_part):  # all three written, or none
        html_part.write_text(html_page(data, tables, budget_chart(data), counts), encoding="utf-8")
        md_part.write_text(text, encoding="utf-8")
        workbook(tables, xlsx_part)
    return ReportFiles(html, xlsx, md, text)
