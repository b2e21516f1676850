"""The target-quality audit (绩效目标审核) as views: the rules are sql/audit/*.sql, the vocabularies sql/audit/*.csv.

Each rule file is one query returning the same columns (``RULE_COLUMNS``) with a header naming its
id, severity, grain, rationale and source. The views are built here, at view-build time, and created
with the others by etl/warehouse/views.py:

- ``v_audit_vocabulary`` (list_name, term, value): every CSV beside the rules, one row per line
  (list_name is the file's stem), inlined as a VALUES list;
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


def vocabulary_sql(rows: list[tuple[str, str, str]]) -> str:
    values = ",\n    ".join(f"({_literal(a)}, {_literal(b)}, {_literal(c)})" for a, b, c in rows)
    return (
        "-- v_audit_vocabulary: the audit's vocabularies and thresholds (sql/audit/*.csv), inlined at view-build time\n"
        f"select list_name, term, value from (values\n    {values}\n) as vocabulary (list_name, term, value)"
    )


def target_audit_sql(found: list[Rule]) -> str:
    columns = ", ".join(RULE_COLUMNS)
    parts = [f"select {columns} from (\n{r.sql}\n) as rule_{i}" for i, r in enumerate(found)]
    return "-- v_target_audit: one row per finding of the audit rules in sql/audit/*.sql\n" + "\nunion all\n".join(parts)


def department_audit_sql(found: list[Rule]) -> str:
    per_rule = ",\n    ".join(
        f"coalesce(sum(case when findings.rule_id = {_literal(r.rule_id)} then 1 else 0 end), 0) as n_{r.rule_id}"
        for r in found
    )
    per_severity = ",\n    ".join(
        f"coalesce(sum(case when findings.severity = {_literal(s)} then 1 else 0 end), 0) as n_{s}" for s in SEVERITIES
    )
    return f"""-- v_department_audit: per department and budget year, the audit's findings by severity and by rule,
-- the share of projects with no error or warning finding and the share of quantitative annual targets
with projects as (
    select department_name, budget_year, project_id, target_count, quantitative_count
    from v_audit_base_project
),

flagged as (
    -- a project counts as clean when it has no finding above info (info is advisory)
    select distinct project_id, budget_year from v_target_audit where severity in ('error', 'warning')
),

years as (
    select
        projects.department_name,
        projects.budget_year,
        count(*) as project_count,
        sum(case when flagged.project_id is null then 1 else 0 end) as clean_project_count,
        sum(projects.target_count) as target_count,
        sum(projects.quantitative_count) as quantitative_target_count
    from projects
    left join flagged
        on projects.project_id = flagged.project_id
        and projects.budget_year = flagged.budget_year
    group by projects.department_name, projects.budget_year
),

counts as (
    select
    department_name,
    budget_year,
    count(*) as finding_count,
    {per_severity},
    {per_rule}
    from v_target_audit as findings
    group by department_name, budget_year
)

select
    years.department_name,
    years.budget_year,
    years.project_count,
    years.clean_project_count,
    cast(round(years.clean_project_count * 1.0 / years.project_count, 4) as decimal(5, 4)) as clean_project_share,
    years.target_count,
    years.quantitative_target_count,
    case
        when years.target_count > 0
            then cast(round(years.quantitative_target_count * 1.0 / years.target_count, 4) as decimal(5, 4))
    end as quantitative_share,
    coalesce(counts.finding_count, 0) as finding_count,
    {", ".join(f"coalesce(counts.n_{s}, 0) as n_{s}" for s in SEVERITIES)},
    {", ".join(f"coalesce(counts.n_{r.rule_id}, 0) as n_{r.rule_id}" for r in found)}
from years
left join counts
    on years.department_name = counts.department_name
    and years.budget_year = counts.budget_year"""


def audit_views(directory: Path = AUDIT_DIR) -> dict[str, str]:
    """The audit's generated views, name -> SQL (created with sql/views/ by etl.warehouse.views)."""
    found = rules(directory)
    return {
        "v_audit_vocabulary": vocabulary_sql(vocabulary(directory)),
        "v_target_audit": target_audit_sql(found),
        "v_department_audit": department_audit_sql(found),
    }
