"""A project printed twice in one table is kept once; the later row becomes a reject."""

from __future__ import annotations

from etl.model import Reject, SourceTable
from etl.transform.frames import name_key


def reject_duplicate_projects(table: SourceTable) -> SourceTable:
    first_line: dict[str, int] = {}
    kept = []
    for p in table.projects:
        key = name_key(table.department_name, p.unit_name, p.transfer_doc_no, p.project_name)
        if key in first_line:
            reason = f"duplicate project {p.printed_name!r} (first at line {first_line[key]})"
            table.rejects.append(Reject(str(table.path), p.line_no, p.raw_text, reason))
            continue
        first_line[key] = p.line_no
        kept.append(p)
    table.projects = kept
    return table
