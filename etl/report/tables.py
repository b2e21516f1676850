"""The report's tables (pure): titles, Chinese headers and rows, shared by the HTML, Excel and Markdown output.

Amounts are Decimal 万元 (numbers in the workbook); percentages Decimal; missing values None.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rapidfuzz import fuzz

from etl.report.reading import ReportData
from etl.text import fold_key

WAN = Decimal("0.01")
FINE = Decimal("0.000001")
CHANGE_NAMES = {
    "added": "新增",
    "removed": "删除",
    "raised": "提高",
    "lowered": "降低",
    "changed": "改变",
    "unchanged": "不变",
}
STATUS_NAMES = {"new": "新增", "dropped": "撤销", "renamed": "更名", "continued": "延续"}
LINK_NAMES = {"exact": "名称相同（不计全半角）", "normalised": "规范化后相同", "fuzzy": "近似匹配", "alias": "人工别名"}


@dataclass(frozen=True, slots=True)
class Table:
    """One table of the report: a key (HTML id), a title (sheet name), headers and rows."""

    key: str
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]


def to_wan(yuan: Decimal) -> Decimal:
    """Yuan -> 万元 exactly as the SQL macro to_wan() (sql/macros/to_wan.sql) does it: yuan x 0.0001 at six
    decimals, half away from zero (never rounds a DECIMAL(18, 2) amount; tests/test_folding.py compares)."""
    return (Decimal(yuan) * Decimal("0.0001")).quantize(FINE, rounding=ROUND_HALF_UP)


def wan(value: Any) -> Decimal | None:
    """Yuan (Decimal or None) -> 万元 (to_wan), shown with two decimals when that is exact, else six."""
    if _value(value) is None:
        return None
    x = to_wan(value)
    return x.quantize(WAN) if x == x.quantize(WAN) else x


def _value(value: Any) -> Any:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _step(row: dict) -> str:
    return f"{int(row['previous_year'])}→{int(row['budget_year'])}"


def summary_table(data: ReportData) -> Table:
    rows = [
        (
            int(r["budget_year"]),
            int(r["project_count"]),
            wan(r["total_yuan"]),
            wan(r["fiscal_yuan"]),
            int(r["target_count"]),
            _value(r["quantitative_share"]),
            "生成数据" if int(r["budget_year"]) in data.generated_years else "公开数据",
        )
        for r in data.years
    ]
    headers = ("年度", "项目数", "总计（万元）", "财政拨款（万元）", "绩效指标数", "定量指标占比", "数据来源")
    return Table("summary", "概要", headers, rows)


def project_tables(data: ReportData, link_rule: LinkRule | None = None) -> list[Table]:
    records = data.projects

    def of(status: str) -> list[dict]:
        return [r for r in records if r["status"] == status]

    new = [(_step(r), r["unit_name"], r["printed_name"], wan(r["total_yuan"])) for r in of("new")]
    dropped = [
        (_step(r), r["unit_name"], r["previous_printed_name"], wan(r["previous_total_yuan"])) for r in of("dropped")
    ]
    renamed = [_renamed_row(r, data.department, link_rule) for r in of("renamed")]
    return [
        Table("new-projects", "新增项目", ("年度", "单位", "项目名称", "本年总计（万元）"), new),
        Table("dropped-projects", "撤销项目", ("年度", "单位", "项目名称", "上年总计（万元）"), dropped),
        Table(
            "renamed-projects",
            "更名项目",
            ("年度", "上年名称", "本年名称", "关联方式", "名称相似度", "关联依据"),
            renamed,
        ),
    ]


LinkRule = Callable[[str, str, str, str], str]  # (link_method, previous name, name, department) -> the rule


def printed_similarity(previous: str, current: str) -> Decimal:
    """How alike the two printed names are, as a reader sees them: rapidfuzz's ratio (0-100) of the names
    width-folded without whitespace (the stored link_score is the score the linking rule used, which for
    the looser rule is measured without generic words: 律师管理工作经费 -> 律师管理业务经费 scored 100 there)."""
    return Decimal(f"{fuzz.ratio(fold_key(previous or ''), fold_key(current or '')):.2f}")


def _renamed_row(r: dict, department: str, link_rule: LinkRule | None) -> tuple:
    """The similarity shown is that of the two printed names; the rule says how they were linked, measured as the
    linker measured it: on the names with their transfer documents (穗财政【2023】79号) set apart."""
    method = r["link_method"]
    previous, current = r["previous_printed_name"], r["printed_name"]
    linked = _without_doc(previous, r.get("previous_transfer_doc_no")), _without_doc(current, r.get("transfer_doc_no"))
    rule = link_rule(method, *linked, department) if link_rule else LINK_NAMES.get(method, method)
    return (_step(r), previous, current, LINK_NAMES.get(method, method), printed_similarity(previous, current), rule)


def _without_doc(printed: str, doc: str | None) -> str:
    """The printed name without its transfer document number (before it, or after it in brackets)."""
    if not doc or doc not in printed:
        return printed
    name = printed.replace(doc, "", 1).strip()
    for pair in ("()", "（）", "(）", "（)"):
        name = name.replace(pair, "")
    return name.strip() or printed


def budget_change_table(data: ReportData) -> Table:
    """Every project whose total moved, largest move first (new and dropped ones included)."""
    moved = [r for r in data.projects if r["change_yuan"] != 0]
    moved.sort(key=lambda r: (-abs(r["change_yuan"]), r["printed_name"] or r["previous_printed_name"]))
    rows = [
        (
            _step(r),
            r["printed_name"] or r["previous_printed_name"],
            STATUS_NAMES[r["status"]],
            wan(r["previous_total_yuan"]),
            wan(r["total_yuan"]),
            wan(r["change_yuan"]),
            _value(r["change_pct"]),
        )
        for r in moved
    ]
    headers = ("年度", "项目名称", "状态", "上年（万元）", "本年（万元）", "变动（万元）", "变动率（%）")
    return Table("budget-changes", "预算变动", headers, rows)


def target_change_table(data: ReportData) -> Table:
    """Every target that was added, removed, raised, lowered or changed, under its project's printed name."""
    printed = {
        (r["budget_year"], r["project_id"]): r["printed_name"] or r["previous_printed_name"]
        for r in data.projects
    }
    rows = [
        (
            _step(r),
            printed[(r["budget_year"], r["project_id"])],
            r["indicator_name"],
            CHANGE_NAMES[r["change"]],
            _value(r["previous_target_text"]),
            _value(r["target_text"]),
        )
        for r in data.targets
        if r["change"] != "unchanged"
    ]
    return Table("target-changes", "指标变动", ("年度", "项目名称", "指标名称", "变动", "上年目标", "本年目标"), rows)


def audit_table(data: ReportData) -> Table:
    """Audit findings (jixiao audit) by severity and rule in each year: this year beside the years before."""
    records = data.audit or []
    years = tuple(str(int(r["budget_year"])) for r in records)
    measures = ["finding_count", "n_error", "n_warning", "n_info"]
    measures += [c for c in data.audit_columns if c.startswith("n_") and c not in measures]
    names = {"finding_count": "全部发现", "n_error": "错误", "n_warning": "警告", "n_info": "提示"}
    rows = [(names.get(m, m[2:]), *(int(r[m]) for r in records)) for m in measures]
    rows.append(("无错误和警告的项目占比", *(_value(r["clean_project_share"]) for r in records)))
    return Table("audit", "审核发现", ("审核项", *years), rows)


def report_tables(data: ReportData, link_rule: LinkRule | None = None) -> list[Table]:
    """The report's tables; link_rule words how two names of a renamed project were linked (the CLI passes
    etl.load.names.link_rule: the report itself reads only the warehouse)."""
    return [
        summary_table(data),
        *project_tables(data, link_rule),
        budget_change_table(data),
        target_change_table(data),
        audit_table(data),
    ]


def change_counts(data: ReportData) -> dict[str, dict[str, int]]:
    """Projects by status and targets by change class, over the whole range."""
    return {
        "projects": {s: sum(r["status"] == s for r in data.projects) for s in STATUS_NAMES},
        "targets": {c: sum(r["change"] == c for r in data.targets) for c in CHANGE_NAMES},
    }
