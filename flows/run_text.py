"""Plain-text and Markdown summaries of a load run, for the flow's Prefect artifacts."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from etl.load.run import RunReport


def run_markdown(report: RunReport) -> str:
    """The morning read of a recorded run: outcome, counts, failed checks (with sample rows), disappeared files."""
    c = report.counts()
    lines = [
        f"# jixiao load run {report.run_id}: {report.outcome}",
        "",
        report.message(),
        "",
        "| files | loaded | replaced | unchanged (skipped) | refused | disappeared | pruned "
        "| fact_project_budget rows | fact_target rows | load_reject rows | reconciliation failures |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        "| " + " | ".join(str(c[k]) for k in c) + " |",
        "",
        "## Quality checks",
        "",
        *[f"- {_verdict(k.n_rows)} `{k.name}`: {k.description}" for k in report.checks],
    ]
    for k in report.failed_checks:
        lines += ["", f"### {k.name}", "", "```", k.sample or "", "```"]
    if report.refused:
        refused = [f"- `{r.path}` ({r.refusal_kind}): {r.message}" for r in report.refused]
        lines += ["", "## Refused files", "", *refused]
    if report.disappeared:
        lines += ["", "## Disappeared source files", ""] + [f"- `{p}`" for p in report.disappeared]
    return "\n".join(lines) + "\n"


def _verdict(n_rows: int) -> str:
    return "passed" if n_rows == 0 else f"**FAILED** ({n_rows} rows)"


def run_table(report: RunReport) -> list[dict[str, object]]:
    """Rows per table written by the run (files that were not unchanged), for a Prefect table artifact."""
    return [
        {
            "file": r.path,
            "status": r.status,
            "department": r.department_name or "",
            "year": r.budget_year,
            "projects": r.n_projects,
            "targets": r.n_targets,
            "rejects": r.n_rejects,
            "reconciliation_failures": r.reconciliation_failures,
            "message": r.message,
        }
        for r in report.results
        if r.status != "unchanged"
    ]
