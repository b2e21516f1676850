"""The report's read-only queries: the comparison views filtered to one department, as plain records.

No pandas (its import alone took a third of the report's second); the reading runs in a thread while openpyxl
and Jinja2 are imported, since DuckDB releases the GIL while it executes (see write_report).
"""

from __future__ import annotations

import contextlib
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import duckdb

# budget_year > $2 follows from previous_year >= $2, but only a filter on a stored column reaches the scans
# under the views' joins and windows (v_target_yoy for one department: 1.65 s -> 0.4 s on 10,000 tables)
PROJECTS_SQL = """
    select * from v_project_budget_yoy
    where department_name = $1 and previous_year >= $2 and budget_year > $2 and budget_year <= $3
    order by budget_year, status, unit_name, coalesce(printed_name, previous_printed_name), project_id
"""
TARGETS_SQL = """
    select * from v_target_yoy
    where department_name = $1 and previous_year >= $2 and budget_year > $2 and budget_year <= $3
    order by budget_year, project_name, project_id, coalesce(seq, previous_seq), indicator_name, change
"""
YEARS_SQL = """
    select * from v_department_year
    where department_name = ? and budget_year between ? and ?
    order by budget_year
"""
AUDIT_SQL = """
    select * from v_department_audit
    where department_name = ? and budget_year between ? and ?
    order by budget_year
"""
GENERATED_SQL = """
    select budget_year, bool_or(is_generated) from load_log
    where status = 'loaded' and department_name = ? and budget_year between ? and ?
    group by budget_year order by budget_year
"""


class NoData(LookupError):
    """The warehouse holds no comparable years for the department."""


Records = list[dict[str, Any]]  # one dict per row, column -> Python value (Decimal stays Decimal, NULL is None)


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the report shows, as read from the views."""

    department: str
    from_year: int
    to_year: int
    years: Records
    projects: Records
    targets: Records
    generated_years: tuple[int, ...]
    audit: Records | None = None
    audit_columns: tuple[str, ...] = ()


def _records(con: duckdb.DuckDBPyConnection, sql: str, args: list) -> tuple[Records, tuple[str, ...]]:
    result = con.execute(sql, args)
    columns = tuple(d[0] for d in result.description)
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()], columns


def fetch(con: duckdb.DuckDBPyConnection, department: str, from_year: int, to_year: int) -> ReportData:
    """The department's rows of v_department_year, v_project_budget_yoy and v_target_yoy between the years, and its
    audit score cards (v_department_audit).

    On DuckDB the score cards are read on a cursor of their own in a second thread, beside the other reads: their
    query evaluates every audit rule, about half of the report's reading (0.17-0.23 of 0.35-0.45 s on 10,000
    tables), and DuckDB runs the two at once. A PostgreSQL connection reads them in turn."""
    args = [department, from_year, to_year]
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-audit") as pool:
        beside = isinstance(con, duckdb.DuckDBPyConnection)
        audit_read = pool.submit(_audit_on_a_cursor, con, args) if beside else None
        try:
            years, _ = _records(con, YEARS_SQL, args)
            projects, _ = _records(con, PROJECTS_SQL, args)
        except duckdb.CatalogException:  # a warehouse created by an older jixiao, its views not yet re-created
            raise NoData(
                "the warehouse lacks the comparison views: run `jixiao load` (it upgrades the warehouse, re-creates "
                "the views and publishes the copy)"
            ) from None
        if not projects:
            raise NoData(_nothing_to_compare(con, department, from_year, to_year))
        targets, _ = _records(con, TARGETS_SQL, args)
        generated = tuple(int(y) for y, flag in con.execute(GENERATED_SQL, args).fetchall() if flag)
        audit, audit_columns = audit_read.result() if audit_read else _audit_records(con, args)
    return ReportData(department, from_year, to_year, years, projects, targets, generated, audit, audit_columns)


def _audit_records(con: duckdb.DuckDBPyConnection, args: list) -> tuple[Records | None, tuple[str, ...]]:
    """The score cards; None for a warehouse created before the audit views."""
    try:
        return _records(con, AUDIT_SQL, args)
    except duckdb.CatalogException:
        return None, ()


def _audit_on_a_cursor(con: duckdb.DuckDBPyConnection, args: list) -> tuple[Records | None, tuple[str, ...]]:
    """The score cards, read on a cursor of the connection (a second connection to its database), closed after."""
    with contextlib.closing(con.cursor()) as cursor:
        return _audit_records(cursor, args)


def _nothing_to_compare(con: duckdb.DuckDBPyConnection, department: str, from_year: int, to_year: int) -> str:
    """Why there is no report, with the years the warehouse holds for the department (it said 'loaded: none' of a
    department loaded in 2023 and 2024 when the range missed them), or that it holds none at all."""
    rows = con.execute(
        "select distinct budget_year from load_log where status = 'loaded' and department_name = ? order by 1",
        [department],
    ).fetchall()
    held = [int(y) for (y,) in rows]
    inside = ", ".join(str(y) for y in held if from_year <= y <= to_year) or "none"
    if not held:
        where = "no table of it is loaded: name it as its 部门名称 line prints it"
    else:
        where = "its loaded years: " + ", ".join(map(str, held))
    return f"{department}: no two loaded years to compare between {from_year} and {to_year} (loaded: {inside}; {where})"
