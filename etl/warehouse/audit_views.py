"""The target-quality audit (绩效目标审核) as views: the rules are sql/audit/*.sql, the vocabularies sql/audit/*.csv.

Each rule file is one query returning the same columns (``RULE_COLUMNS``) with a header naming its
id, severity, grain, rationale and source. The views are built here, at view-build time, and created
with the others by etl/warehouse/views.py:

- the seed table ``audit_vocabulary`` (list_name, term, value): every CSV beside the rules, one row
  per line (list_name is the file's stem), re-created from the files with the views (like a dbt seed:
  it holds no loaded data). A table, not a view over a VALUES list: binding ~300 constant rows at each
  of the rules' references tripled the planning time of ``v_target_audit``;
- ``v_target_audit``: the UNION ALL of every rule file, one row per finding;
- ``v_department_audit``: per department and budget year, the findings by severity and by rule (one
  column ``n_<rule_id>`` per rule file), the share of projects with no error or warning finding (info
  is advisory) and the share of quantitative annual targets.

Adding a rule is adding a file: a new sql/audit/<rule_id>.sql (and, if it needs one, a CSV).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from etl.settings import SQL_DIR

AUDIT_DIR = SQL_DIR / "audit"
RULE_COLUMNS = (
    "rule_id",
    "severity",
    "department_name",
    "unit_name",
    "budget_year",
    "project_id",
    "project_name",
    "seq",
    "indicator_name",
    "target_text",
    "message",
    "load_id",
)
HEADER_KEYS = ("rule_id", "severity", "grain", "rationale", "source")
SEVERITIES = ("error", "warning", "info")
_HEADER_LINE = re.compile(r"^--\s*(\w+):\s*(.+?)\s*$")


@dataclass(frozen=True, slots=True)
class Rule:
    """One audit rule: its header and its query."""

    rule_id: str
    severity: str
    grain: str
    rationale: str
    source: str
    sql: str


def _header(sql: str) -> dict[str, str]:
    fields: dict[str, str] = {}
    for line in sql.splitlines():
        match = _HEADER_LINE.match(line)
        if not line.startswith("--"):
            break
        if match and match.group(1) in HEADER_KEYS:
            fields[match.group(1)] = match.group(2)
    return fields


def rules(directory: Path = AUDIT_DIR) -> list[Rule]:
    """Every rule file, by name; a file whose header lacks a field, or names another id, is an error."""
    out = []
    for path in sorted(directory.glob("*.sql")):
        sql = path.read_text(encoding="utf-8").strip().rstrip(";")
        fields = _header(sql)
        missing = [k for k in HEADER_KEYS if k not in fields]
        if missing or fields["rule_id"] != path.stem:
            raise ValueError(f"{path}: the header needs {', '.join(HEADER_KEYS)} and rule_id = {path.stem}")
        out.append(Rule(sql=sql, **fields))
    return out


def audit_files(directory: Path = AUDIT_DIR) -> dict[str, str]:
    """file name -> text, for every rule and vocabulary file (what a build of the audit reads)."""
    return {p.name: p.read_text(encoding="utf-8") for p in sorted([*directory.glob("*.sql"), *directory.glob("*.csv")])}


def vocabulary(directory: Path = AUDIT_DIR) -> list[tuple[str, str, str]]:
    """(list_name, term, value) for every line of every CSV beside the rules (columns term, value, note)."""
    rows = []
    for path in sorted(directory.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            for record in csv.DictReader(f):
                term = (record.get("term") or "").strip()
                if term:
                    rows.append((path.stem, term, (record.get("value") or "").strip()))
    return rows


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


VOCABULARY_TABLE = "audit_vocabulary"


class Executes(Protocol):
    def exec_driver_sql(self, statement: str) -> object: ...


def vocabulary_statements(rows: list[tuple[str, str, str]]) -> list[str]:
    """(Re)create the seed table of the audit's vocabularies and thresholds from the CSV rows."""
    values = ",\n    ".join(f"({_literal(a)}, {_literal(b)}, {_literal(c)})" for a, b, c in rows)
    return [
        f"DROP TABLE IF EXISTS {VOCABULARY_TABLE}",
        f"CREATE TABLE {VOCABULARY_TABLE} AS\n"
        f"select list_name, term, value from (values\n    {values}\n) as vocabulary (list_name, term, value)",
    ]


def create_vocabulary(conn: Executes, directory: Path = AUDIT_DIR) -> None:
    for statement in vocabulary_statements(vocabulary(directory)):
        conn.exec_driver_sql(statement, execution_options={"no_parameters": True})


def target_audit_sql(found: list[Rule]) -> str:
    columns = ", ".join(RULE_COLUMNS)
    parts = [f"select {columns} from (\n{r.sql}\n) as rule_{i}" for i, r in enumerate(found)]
    head = "-- v_target_audit: one row per finding of the audit rules in sql/audit/*.sql\n"
    return head + "\nunion all\n".join(parts)


def department_audit_sql(found: list[Rule], findings: str = "v_target_audit") -> str:
    """v_department_audit's SQL; ``findings`` names the relation its findings are read from (jixiao audit reads
    them once into a temporary table and counts them from there: every rule evaluated once, not twice)."""

    def count(column: str, value: str) -> str:
        return f"sum(case when {column} = {_literal(value)} then 1 else 0 end)"

    counted = [*(f"{count('severity', s)} as n_{s}" for s in SEVERITIES)]
    counted += [f"{count('rule_id', r.rule_id)} as n_{r.rule_id}" for r in found]
    counted_sql = ",\n        ".join(counted)
    totals = ",\n    ".join(f"sum(n_{c}) as n_{c}" for c in [*SEVERITIES, *(r.rule_id for r in found)])
    return f"""-- v_department_audit: per department and budget year (and its current load), the audit's findings
-- by severity and by rule, the share of projects with no error or warning finding (info is advisory)
-- and the share of quantitative annual targets. Projects and findings are stacked and grouped (not
-- left-joined), so that a filter on the department, the year or the load reaches every scan.
with rows as (
    select
        department_name, budget_year, load_id, project_id, target_count, quantitative_count,
        cast(null as varchar) as rule_id, cast(null as varchar) as severity
    from v_audit_base_project
    union all
    select
        department_name, budget_year, load_id, project_id, 0 as target_count, 0 as quantitative_count,
        rule_id, severity
    from {findings}
),

per_project as (
    select
        department_name,
        budget_year,
        load_id,
        project_id,
        sum(target_count) as target_count,
        sum(quantitative_count) as quantitative_count,
        count(rule_id) as finding_count,
        {counted_sql}
    from rows
    group by department_name, budget_year, load_id, project_id
)

select
    department_name,
    budget_year,
    load_id,
    count(*) as project_count,
    sum(case when n_error + n_warning = 0 then 1 else 0 end) as clean_project_count,
    cast(round(sum(case when n_error + n_warning = 0 then 1 else 0 end) * 1.0 / count(*), 4) as decimal(5, 4))
        as clean_project_share,
    sum(target_count) as target_count,
    sum(quantitative_count) as quantitative_target_count,
    case
        when sum(target_count) > 0
            then cast(round(sum(quantitative_count) * 1.0 / sum(target_count), 4) as decimal(5, 4))
    end as quantitative_share,
    sum(finding_count) as finding_count,
    {totals}
from per_project
group by department_name, budget_year, load_id"""


def audit_views(directory: Path = AUDIT_DIR) -> dict[str, str]:
    """The audit's generated views, name -> SQL (created with sql/views/ by etl.warehouse.views, after
    create_vocabulary)."""
    found = rules(directory)
    return {
        "v_target_audit": target_audit_sql(found),
        "v_department_audit": department_audit_sql(found),
    }
