"""A GENERATED prior year for a real table: the real 2024 Tianhe table, turned back into a fictional
2023 with a known list of changes, so the cross-year views and the report can be shown on real names.

Every change is data (``CHANGES``) and the expected outcome of each is stated beside it; the output's
first line labels it GENERATED (etl.transform.header reads that label into load_log.is_generated).
Usage: ``python -m tools.prior_year data/raw/2024/tianhe-sfj.txt data/generated/2023/tianhe-sfj.txt``
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from etl.transform.header import GENERATED_MARK

LABEL = (
    f"{GENERATED_MARK} GENERATED data, not a published table (a fictional 2023 derived from the real 2024 "
    "table data/raw/2024/tianhe-sfj.txt by etl/prior_year.py)"
)


@dataclass(frozen=True)
class ProjectChange:
    """How the 2023 row differs from the 2024 one, and the status 2024 should then show."""

    name_2024: str
    name_2023: str | None  # None: the project is new in 2024
    total_2023: str | None = None  # None: same amount
    expect_2024: str = "continued"


@dataclass(frozen=True)
class TargetChange:
    """An indicator's 2023 text (None: it did not exist in 2023) and the class 2024 should show."""

    project_2024: str
    seq_2024: int | None  # None: the indicator exists only in 2023
    item_2023: str | None
    expect_2024: str


PROJECTS = (
    ProjectChange("天河区社区矫正中心物业管理服务", None, expect_2024="new"),
    ProjectChange(
        "天河区一村（社区）法律顾问公益法律服务工作经费",
        "天河区一村(社区)法律顾问公益法律服务工作经费",
        expect_2024="renamed",
    ),
    ProjectChange(
        "天河区司法局政法网设备运维项目(2022-2025年)", "天河区司法局政法网设备运维项目", expect_2024="renamed"
    ),
    ProjectChange(
        "穗财政【2023】79号一村(社区)一法律顾问公益法律服务工作经费",
        "一村(社区)一法律顾问公益法律服务工作经费",
        expect_2024="renamed",
    ),
    ProjectChange("律师管理业务经费", "律师管理工作经费", expect_2024="renamed"),
    ProjectChange("购买司法社工服务经费", "购买司法社工服务经费", total_2023="300.00"),
    ProjectChange("法律援助补贴和业务经费", "法律援助补贴和业务经费", total_2023="220.00"),
)
DROPPED_2023_ROW = (
    "司法行政信息化建设经费\t10.00\t10.00\t\t\t保障司法行政信息化系统正常运行。\t"
    "1、1-产出指标：11-数量指标：系统运行维护完成率；实施周期指标值:100%；年度指标值:100%。"
)
TARGETS = (
    TargetChange(
        "专职人民调解服务项目经费",
        3,
        "1-产出指标: 12-质量指标: 专职人民调解员调解成功率; 实施周期指标值:≥75%; 年度指标值:≥75%。",
        "raised",
    ),
    TargetChange(
        "行政复议应诉经费",
        4,
        "2-效益指标：22-社会效益：区政府应诉案件败诉率；实施周期指标值:10%以下；年度指标值:10%以下。",
        "lowered",
    ),
    TargetChange(
        "业务装备购置经费",
        4,
        "2-效益指标：22-社会效益：保障机构正常运行；实施周期指标值:达标；年度指标值:达标。",
        "changed",
    ),
    TargetChange(
        "业务装备购置经费",
        None,
        "3-满意度指标：31-服务对象满意度：设备使用人员满意度；实施周期指标值:≥90%；年度指标值:≥90%。",
        "removed",
    ),
    TargetChange("区管退休干部节日慰问经费", 3, None, "added"),
)


def _items(cell: str) -> list[str]:
    from etl.transform.indicators import split_items

    return [body for _, body in split_items(cell)]


def _pack(items: list[str]) -> str:
    return "".join(f"{i}、{body if body.endswith('。') else body + '。'}" for i, body in enumerate(items, start=1))


def _edit_targets(name: str, cell: str) -> str:
    changes = [t for t in TARGETS if t.project_2024 == name]
    if not changes:
        return cell
    items = _items(cell)
    for t in sorted((t for t in changes if t.seq_2024), key=lambda t: -t.seq_2024):
        if t.item_2023 is None:
            del items[t.seq_2024 - 1]
        else:
            items[t.seq_2024 - 1] = t.item_2023
    items += [t.item_2023 for t in changes if t.seq_2024 is None and t.item_2023]
    return _pack(items)


def _edit_row(cells: list[str]) -> list[str] | None:
    name = cells[0]
    change = next((p for p in PROJECTS if p.name_2024 == name), None)
    if change and change.name_2023 is None:
        return None
    cells = list(cells)
    if change:
        cells[0] = change.name_2023 or name
        if change.total_2023:
            cells[1] = cells[2] = change.total_2023
    cells[6] = _edit_targets(name, cells[6])
    return cells


def _money(cell: str) -> Decimal:
    return Decimal(cell.replace(",", "") or "0")


def derive_prior_year(text: str) -> str:
    """The real table's text in, the GENERATED prior year's text out (totals recomputed exactly)."""
    lines = text.split("\n")
    header_at = next(i for i, line in enumerate(lines) if line.startswith("项目名称"))
    rows = [line.split("\t") for line in lines[header_at + 1 :] if line.strip()]
    aggregates, projects = rows[:2], [r for r in rows[2:] if len(r) >= 7]
    edited = [e for e in (_edit_row(r) for r in projects) if e is not None]
    edited.append(DROPPED_2023_ROW.split("\t"))
    totals = [sum((_money(r[c]) for r in edited), Decimal("0")) for c in (1, 2, 3, 4)]
    amounts = [f"{t:,.2f}" if t else "" for t in totals]
    aggregates = [[a[0], *amounts, "", ""] for a in aggregates]
    body = ["\t".join(r) for r in aggregates + edited]
    return "\n".join([LABEL, *lines[: header_at + 1], *body])


def main(source: str, target: str) -> None:
    out = Path(target)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(derive_prior_year(Path(source).read_text(encoding="utf-8")), encoding="utf-8")
    print(f"wrote {out} (GENERATED)")


if __name__ == "__main__":
    main(*sys.argv[1:3])
