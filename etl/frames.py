"""SourceTables -> pandas DataFrames shaped like the warehouse tables (pure; no database).

Money travels as exact decimal strings and is CAST to DECIMAL by the loader, so no float ever
touches an amount. ``batch_no`` ties each row to its table within the batch; the loader swaps it
for the table's load_id.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pandas as pd

from etl.model import AMOUNT_COLUMNS, SourceTable, TargetValue
from etl.text import fold

PROJECT_COLUMNS = [
    "batch_no",
    "name_key",
    "budget_year",
    "source_line",
    "department_name",
    "unit_name",
    "printed_name",
    "project_name",
    "transfer_doc_no",
    "is_transfer_payment",
    *(f"{c}_yuan" for c in AMOUNT_COLUMNS),
    "source_unit",
    "goal_text",
]
TARGET_COLUMNS = [
    "batch_no",
    "name_key",
    "budget_year",
    "seq",
    "type_key",
    "source_line",
    "printed_level1_code",
    "printed_level1_name",
    "printed_level2_code",
    "printed_level2_name",
    "is_misparented",
    "is_duplicate",
    "indicator_name",
    *(
        f"{p}_{f}"
        for p in ("period", "annual")
        for f in ("target_text", "comparison", "value", "unit", "unit_source", "value_status")
    ),
    "raw_text",
]


def name_key(department: str, unit: str, doc: str | None, project_name: str) -> str:
    """The exact identity of a published project name: department, unit, document, name (width-folded)."""
    return "|".join(fold(part or "").replace(" ", "") for part in (department, unit, doc, project_name))


def _money(value: Decimal) -> str:
    return format(value, "f")


def _target(v: TargetValue) -> tuple:
    number = format(v.number, "f") if v.number is not None else None
    return (v.text, v.comparison, number, v.unit, v.unit_source, v.status)


def project_rows(tables: Sequence[SourceTable]) -> pd.DataFrame:
    rows = [
        (
            i,
            name_key(t.department_name, p.unit_name, p.transfer_doc_no, p.project_name),
            t.budget_year,
            p.line_no,
            t.department_name,
            p.unit_name,
            p.printed_name,
            p.project_name,
            p.transfer_doc_no,
            p.transfer_doc_no is not None,
            *(_money(p.amounts[c]) for c in AMOUNT_COLUMNS),
            t.source_unit,
            p.goal_text,
        )
        for i, t in enumerate(tables)
        for p in t.projects
    ]
    return pd.DataFrame(rows, columns=PROJECT_COLUMNS)


def target_rows(tables: Sequence[SourceTable]) -> pd.DataFrame:
    rows = []
    for i, t in enumerate(tables):
        for p in t.projects:
            key = name_key(t.department_name, p.unit_name, p.transfer_doc_no, p.project_name)
            rows.extend(
                (
                    i,
                    key,
                    t.budget_year,
                    ind.seq,
                    ind.type_key,
                    p.line_no,
                    ind.level1_code,
                    ind.level1_name,
                    ind.level2_code,
                    ind.level2_name,
                    ind.is_misparented,
                    ind.is_duplicate,
                    ind.name,
                    *_target(ind.period),
                    *_target(ind.annual),
                    ind.raw_text,
                )
                for ind in p.indicators
            )
    return pd.DataFrame(rows, columns=TARGET_COLUMNS)


def aggregate_rows(tables: Sequence[SourceTable]) -> pd.DataFrame:
    rows = [
        (i, a.line_no, a.kind, a.name, *(_money(a.amounts[c]) for c in AMOUNT_COLUMNS))
        for i, t in enumerate(tables)
        for a in t.aggregates
    ]
    cols = ["batch_no", "source_line", "row_kind", "row_name", *(f"{c}_yuan" for c in AMOUNT_COLUMNS)]
    return pd.DataFrame(rows, columns=cols)


def finding_rows(tables: Sequence[SourceTable]) -> pd.DataFrame:
    rows = [
        (
            i,
            n,
            f.check,
            f.scope,
            f.column,
            f.line_no,
            _money(f.expected_yuan),
            _money(f.actual_yuan),
            _money(f.difference_yuan),
            f.passed,
        )
        for i, t in enumerate(tables)
        for n, f in enumerate(t.findings, start=1)
    ]
    cols = [
        "batch_no",
        "check_no",
        "check_name",
        "scope",
        "column_name",
        "source_line",
        "expected_yuan",
        "actual_yuan",
        "difference_yuan",
        "passed",
    ]
    return pd.DataFrame(rows, columns=cols)


def reject_rows(tables: Sequence[SourceTable]) -> pd.DataFrame:
    rows = [
        (i, n, r.path, r.line_no, r.raw_text, r.reason)
        for i, t in enumerate(tables)
        for n, r in enumerate(t.rejects, start=1)
    ]
    return pd.DataFrame(rows, columns=["batch_no", "reject_no", "source_path", "source_line", "raw_text", "reason"])
