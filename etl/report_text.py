"""Plain-text and Markdown summaries of a load run (shared by the CLI and the flow artifact)."""

from __future__ import annotations

from etl.runner import RunSummary


def summary_markdown(summary: RunSummary) -> str:
    counts = summary.by_status
    lines = [
        "# jixiao load",
        "",
        "| files loaded | replaced | unchanged | refused | projects | targets | rejects | unreconciled |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {counts['loaded']} | {counts['replaced']} | {counts['unchanged']} | {counts['refused']} "
        f"| {summary.rows('n_projects')} | {summary.rows('n_targets')} | {summary.rows('n_rejects')} "
        f"| {len(summary.unreconciled)} |",
    ]
    if summary.refused:
        lines += ["", "## Refused files", ""] + [f"- `{r.path}`: {r.message}" for r in summary.refused]
    if summary.unreconciled:
        lines += ["", "## Totals that do not reconcile", ""] + [
            f"- `{r.path}`: {r.reconciliation_failures} check(s) failed (see fact_reconciliation, load_id {r.load_id})"
            for r in summary.unreconciled
        ]
    return "\n".join(lines) + "\n"
