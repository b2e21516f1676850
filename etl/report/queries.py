"""Read-only queries behind the year-over-year report: the comparison views, filtered to one department."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

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


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the report shows, as read from the views."""

    department: str
    from_year: int
    to_year: int
    years: pd.DataFrame
    projects: pd.DataFrame
    targets: pd.DataFrame
    generated_years: tuple[int, ...]
    audit: pd.DataFrame | None = None


def _frame(con: duckdb.DuckDBPyConnection, sql: str, args: list) -> pd.DataFrame:
    """Rows as Python values (Decimal stays Decimal: no float ever touches an amount)."""
    result = con.execute(sql, args)
    columns = [d[0] for d in result.description]
    frame = pd.DataFrame.from_records(result.fetchall(), columns=columns).astype(object)
    return frame.where(frame.notna(), None)


def fetch(con: duckdb.DuckDBPyConnection, department: str, from_year: int, to_year: int) -> ReportData:
    """The department's rows of v_department_year, v_project_budget_yoy and v_target_yoy between the years."""
    args = [department, from_year, to_year]
    years = _frame(con, YEARS_SQL, args)
    projects = _frame(con, PROJECTS_SQL, args)
    if projects.empty:
        loaded = ", ".join(str(y) for y in years["budget_year"]) or "none"
        raise NoData(
            f"{department}: no two loaded years to compare between {from_year} and {to_year} (loaded: {loaded})"
        )
    targets = _frame(con, TARGETS_SQL, args)
    generated = tuple(int(y) for y, flag in con.execute(GENERATED_SQL, args).fetchall() if flag)
    return ReportData(department, from_year, to_year, years, projects, targets, generated, _audit(con, args))


def _audit(con: duckdb.DuckDBPyConnection, args: list) -> pd.DataFrame | None:
    """The department's audit score card by year (None for a warehouse created before the audit views)."""
    try:
        return _frame(con, AUDIT_SQL, args)
    except duckdb.CatalogException:
        return None
