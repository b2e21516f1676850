"""jixiao audit: the target-quality audit (绩效目标审核) of one department-year, or of many, as HTML, XLSX and Markdown.

The findings come from v_target_audit and the score card from v_department_audit (both built from
sql/audit/ by etl/warehouse/audit_views.py); this module only reads them (read-only) and renders. Rows
stay plain dicts (no pandas: its import alone would double the command's start-up). Jinja2 and openpyxl are
imported when the files are written, while the rules run in a thread (write_audit), as the report does.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import duckdb

from etl.warehouse import views
from etl.warehouse.audit_views import RULE_COLUMNS, SEVERITIES, Rule, department_audit_sql, rules
from etl.warehouse.connect import built_fingerprint, connect

TEMPLATES = Path(__file__).with_name("templates")
FORMULA_STARTS = ("=", "+", "-", "@")
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "info": "提示"}
FINDING_HEADERS = ("部门", "单位", "年度", "项目名称", "序号", "指标名称", "指标值（原文）", "规则", "级别", "说明")
SCORE_HEADERS = {
    "department_name": "部门",
    "budget_year": "年度",
    "project_count": "项目数",
    "clean_project_share": "无错误和警告的项目占比",
    "target_count": "指标数",
    "quantitative_share": "定量指标占比",
    "finding_count": "发现数",
    "n_error": "错误",
    "n_warning": "警告",
    "n_info": "提示",
}


class NoAudit(LookupError):
    """Nothing to audit: no such department-year, or a warehouse without the audit views."""


@dataclass(frozen=True, slots=True)
class AuditData:
    department: str | None
    year: int | None
    findings: list[dict[str, Any]]
    scorecard: list[dict[str, Any]]
    rules: list[Rule]

    @property
    def title(self) -> str:
        return f"{self.department or '全部部门'} {self.year or '全部年度'} 绩效目标审核"


@dataclass(frozen=True, slots=True)
class AuditFiles:
    html: Path
    xlsx: Path
    markdown: Path
    markdown_text: str
    summary_text: str  # the score card and the rules' counts, without the findings


LOADS_SQL = "select distinct load_id from fact_project_budget where department_name = ? and budget_year = ?"


def _where(con: duckdb.DuckDBPyConnection, department: str | None, year: int | None) -> tuple[str, list[Any]]:
    """A filter on stored columns only, so that it reaches the scans under the views; for one department-year
    also its current load, whose rows lie together in storage (the scans skip every other table's rows)."""
    clauses: list[str] = []
    args: list[Any] = []
    if department is not None:
        clauses.append("department_name = ?")
        args.append(department)
    if year is not None:
        clauses.append("budget_year = ?")
        args.append(int(year))
    if department is not None and year is not None:
        loads = [r[0] for r in con.execute(LOADS_SQL, [department, int(year)]).fetchall()]
        clauses.append(f"load_id in ({', '.join('?' * len(loads)) or 'null'})")
        args += loads
    return (" where " + " and ".join(clauses)) if clauses else "", args


def _records(con: duckdb.DuckDBPyConnection, sql: str, args: list[Any]) -> list[dict[str, Any]]:
    result = con.execute(sql, args)
    columns = [d[0] for d in result.description]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def fetch(con: duckdb.DuckDBPyConnection, department: str | None = None, year: int | None = None) -> AuditData:
    """The findings and the score card of the department-year (None: every department, every year).

    On DuckDB the rules run once: their findings go into a temporary table (allowed on a read-only connection), and
    the score card (v_department_audit's SQL, etl.warehouse.audit_views) counts them from there. PostgreSQL allows
    no table, temporary or not, in a read-only transaction: there the findings are a subquery of both queries."""
    _views_current(con)
    where, args = _where(con, department, year)
    found = rules()
    temporary = getattr(con, "dialect", None) != "postgresql"
    if temporary:
        relation, card_args = _FINDINGS, args
        _without_audit_views(lambda: con.execute(f"create or replace temp table {_FINDINGS} as {_SELECT}{where}", args))
    else:
        relation, card_args = f"({_SELECT}{where}) as audit_findings", [*args, *args]
    try:
        card = f"select * from ({department_audit_sql(found, findings=relation)}) as card{where}"
        scorecard = _without_audit_views(
            lambda: _records(con, f"{card} order by department_name, budget_year", card_args)
        )
        if not scorecard:
            raise NoAudit(f"no loaded table for {department or 'any department'} in {year or 'any year'}")
        findings = _records(
            con,
            f"select {', '.join(RULE_COLUMNS)} from {relation} order by department_name, budget_year, "
            "unit_name, project_name, project_id, seq nulls first, rule_id, severity, message",
            [] if temporary else args,
        )
    finally:
        if temporary:
            con.execute(f"drop table if exists {_FINDINGS}")
    return AuditData(department, year, findings, scorecard, found)


T = TypeVar("T")
_SELECT = "select * from v_target_audit"
NO_VIEWS = "the warehouse has no audit views yet: run `jixiao load` (it re-creates the views and publishes the copy)"


def _without_audit_views(run: Callable[[], T]) -> T:
    """run(), or NoAudit when the warehouse has no audit views (DuckDB: a catalog error; PostgreSQL: UndefinedTable)."""
    try:
        return run()
    except duckdb.CatalogException:
        raise NoAudit(NO_VIEWS) from None
    except Exception as exc:
        if type(exc).__name__ == "UndefinedTable":  # psycopg.errors (imported only with a PostgreSQL warehouse)
            raise NoAudit(NO_VIEWS) from None
        raise


_FINDINGS = "temp.audit_findings"  # this connection's own: nothing is written to the warehouse


def read_audit(department: str | None, year: int | None, warehouse: Path | None = None) -> AuditData:
    con = connect(warehouse, read_only=True)
    try:
        return fetch(con, department, year)
    finally:
        con.close()


STALE_VIEWS = (
    "the warehouse's audit views were built from other rules than sql/audit/ holds now (a rule or a word list added,"
    " changed or removed since the last load): run `jixiao load` (over files already loaded it changes no fact; it"
    " builds the views again and publishes the analysts' copy)"
)


def _views_current(con: Any) -> None:
    """NoAudit (exit 2) when the views of a DuckDB warehouse were built from other files than this installation's:
    the findings come from the views, the rules table and the score card's columns from the files, and a rule added
    without a load was listed with 0 findings, one removed counted in the totals with no column of its own (round
    33's hunt of the audit). A read-only connection cannot build them again; a load does, and publishes them."""
    if getattr(con, "dialect", None) == "postgresql":
        return  # (PostgreSQL's views are checked and built again by its own connection: etl.warehouse.postgres)
    built = built_fingerprint(con)
    if built is not None and built != views.fingerprint():
        raise NoAudit(STALE_VIEWS)


def finding_rows(data: AuditData) -> list[tuple[Any, ...]]:
    return [
        (
            r["department_name"],
            r["unit_name"],
            int(r["budget_year"]),
            r["project_name"],
            None if r["seq"] is None else int(r["seq"]),
            r["indicator_name"],
            r["target_text"],
            r["rule_id"],
            SEVERITY_NAMES.get(r["severity"], r["severity"]),
            r["message"],
        )
        for r in data.findings
    ]


def score_rows(data: AuditData) -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
    """The score card: the fixed columns, then one count per rule."""
    columns = list(SCORE_HEADERS) + [f"n_{r.rule_id}" for r in data.rules]
    headers = tuple(SCORE_HEADERS.values()) + tuple(r.rule_id for r in data.rules)
    rows = [tuple(_plain(rec.get(c)) for c in columns) for rec in data.scorecard]
    return headers, rows


def _plain(value: Any) -> Any:
    """Counts as int, shares as Decimal, names as str."""
    return int(value) if isinstance(value, int) else value


def rule_counts(data: AuditData) -> list[tuple[str, str, int, str]]:
    """(rule_id, severities, findings, rationale) for every rule, in file order."""
    counts = Counter(f["rule_id"] for f in data.findings)
    return [(r.rule_id, r.severity, int(counts.get(r.rule_id, 0)), r.rationale) for r in data.rules]


def grouped(data: AuditData) -> list[dict[str, Any]]:
    """Findings grouped by project-year, in order: the project's own findings first, then its targets'."""
    groups: dict[tuple, dict[str, Any]] = {}
    for r in data.findings:
        key = (r["department_name"], r["budget_year"], r["project_id"])
        group = groups.setdefault(
            key,
            {
                "department": r["department_name"],
                "unit": r["unit_name"],
                "year": int(r["budget_year"]),
                "project": r["project_name"],
                "findings": [],
            },
        )
        group["findings"].append({**r, "seq": None if r["seq"] is None else int(r["seq"])})
    return list(groups.values())


def html_page(data: AuditData) -> str:
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.filters["cell"] = cell_text
    headers, rows = score_rows(data)
    return env.get_template("audit.html.j2").render(
        title=data.title,
        score_headers=headers,
        score_rows=rows,
        rules=rule_counts(data),
        groups=grouped(data),
        severity_names=SEVERITY_NAMES,
    )


@cache
def _openpyxl() -> tuple[Any, Any, Any, Any]:
    """openpyxl's Workbook, WriteOnlyCell, ILLEGAL_CHARACTERS_RE and Font, imported once, when a workbook is
    written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    return Workbook, WriteOnlyCell, ILLEGAL_CHARACTERS_RE, Font


def _cells(sheet: Any, row: tuple[Any, ...], bold: bool = False) -> list[Any]:
    """One row of a write-only sheet. Text is written as a string cell; a value starting with = + - @
    is wrapped so that it stays text, never a formula (the others go as plain values: much faster)."""
    _, write_only_cell, illegal, font = _openpyxl()
    out: list[Any] = []
    for value in row:
        if isinstance(value, str) and illegal.search(value):  # a BEL in a name: openpyxl refuses it
            value = illegal.sub("\ufffd", value)
        if bold or (isinstance(value, str) and value[:1] in FORMULA_STARTS):
            cell = write_only_cell(sheet, value=value)
            cell.data_type = "s" if isinstance(value, str) else cell.data_type
            cell.font = font(bold=bold)
            out.append(cell)
        else:
            out.append(value)
    return out


def workbook(data: AuditData, path: Path) -> Path:
    """Sheets 审核发现 (one row per finding) and 评分卡, written in streaming mode (an all-department audit
    has hundreds of thousands of rows)."""
    book = _openpyxl()[0](write_only=True)
    findings = book.create_sheet("审核发现")
    for letter, width in zip("ABCDEFGHIJ", (22, 22, 8, 36, 6, 30, 30, 26, 8, 50), strict=True):
        findings.column_dimensions[letter].width = width
    findings.append(_cells(findings, FINDING_HEADERS, bold=True))
    for row in finding_rows(data):
        findings.append(_cells(findings, row))
    headers, rows = score_rows(data)
    card = book.create_sheet("评分卡")
    card.append(_cells(card, headers, bold=True))
    for row in rows:
        card.append(_cells(card, row))
    book.save(path)
    return path


def _md(value: Any) -> str:
    from etl.report.render import md_text  # (render imports the report's reading, which the audit does not need)

    return md_text(cell_text(value))


def summary(data: AuditData) -> str:
    headers, rows = score_rows(data)
    lines = [f"# {_md(data.title)}", "", "## 评分卡", ""]
    lines += ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(_md(v) for v in row) + " |" for row in rows]
    lines += ["", "## 规则", "", "| 规则 | 级别 | 发现数 | 说明 |", "|---|---|---:|---|"]
    lines += [f"| {r} | {s} | {n} | {_md(why)} |" for r, s, n, why in rule_counts(data)]
    return "\n".join(lines) + "\n"


def markdown(data: AuditData) -> str:
    lines = [summary(data).rstrip("\n")]
    for group in grouped(data):
        lines += ["", f"## {group['year']} {_md(group['department'])} / {_md(group['project'])}", ""]
        lines += ["| 序号 | 指标名称 | 指标值（原文） | 规则 | 级别 | 说明 |", "|---:|---|---|---|---|---|"]
        for f in group["findings"]:
            cells = (f["seq"], f["indicator_name"], f["target_text"], f["rule_id"], SEVERITY_NAMES[f["severity"]])
            lines.append("| " + " | ".join(_md(v) for v in cells) + f" | {_md(f['message'])} |")
    return "\n".join(lines) + "\n"


def write_audit(department: str | None, year: int | None, out_dir: Path, warehouse: Path | None = None) -> AuditFiles:
    """Audit the department-year (None: all) from the warehouse (read-only) and write the three files.

    The rules run in a thread while this one imports what writes the files (Jinja2, openpyxl: 0.2-0.25 s; see
    etl.report.beside): DuckDB releases the GIL while it executes, so the two overlap."""
    from etl.report.beside import reading_beside
    from etl.report.light_imports import openpyxl_without_numpy
    from etl.settings import audit_stem, output_paths

    with reading_beside(lambda con: fetch(con, department, year), warehouse) as pending:
        openpyxl_without_numpy()
        from etl.report.render import make_folder, saved_together  # (imports openpyxl and Jinja2)

        data = pending.result()
    make_folder(out_dir)
    html, xlsx, md = output_paths(out_dir, audit_stem(department, year))
    text = markdown(data)
    with saved_together(html, xlsx, md) as (html_part, xlsx_part, md_part):  # all three written, or none
        html_part.write_text(html_page(data), encoding="utf-8")
        md_part.write_text(text, encoding="utf-8")
        workbook(data, xlsx_part)
    return AuditFiles(html, xlsx, md, text, summary(data))


__all__ = ["SEVERITIES", "AuditData", "AuditFiles", "NoAudit", "fetch", "read_audit", "write_audit"]
