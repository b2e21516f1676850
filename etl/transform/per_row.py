"""The one-indicator-per-row layout of budget-system exports.

Columns (names vary, see columns.csv): project, amounts, goal, then 一级指标 | 二级指标 | 三级指标 |
指标性质 (comparison) | 指标值 | 计量单位, optionally 实施周期指标值, 权重 and 指标方向 (正向/反向).
Merged cells arrive flattened: project, amount and goal cells only on a project's first row, and a
level-1 or level-2 cell only on the first row it covers; empty cells inherit from the row above
within the same project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from etl.extract.invisible import visible_name
from etl.model import GridRow, Indicator, ProjectRow
from etl.text import fold, fold_number, squash, strip_tags
from etl.transform.indicator_types import resolve_type
from etl.transform.target_values import REMARK_AFTER, fits_target_number, parse_target_value

INDICATOR_COLUMNS = ("level1", "level2", "indicator_name", "comparison", "value", "period_value", "unit")
_CODED = re.compile(r"^(?P<code>\d{1,2})\s*[-－—.、]\s*(?P<name>\S.*)$")
_NO_COMPARISON = {"", "定性", "定量", "无"}
DIRECTIONS = {"正向": "正向", "正": "正向", "反向": "反向", "逆向": "反向", "反": "反向"}


class RowError(ValueError):
    """An indicator row that cannot be read."""


@dataclass(slots=True)
class ProjectCursor:
    """The project the following flattened rows belong to, and the type cells they inherit."""

    project: ProjectRow
    level1: str = ""
    level2: str = ""
    seq: int = 0
    seen: set[tuple] = field(default_factory=set)


def is_per_row(positions: dict[str, int]) -> bool:
    return "indicator_name" in positions and "indicators" not in positions


def cell(cells: list[str], positions: dict[str, int], column: str) -> str:
    i = positions.get(column)
    return squash(strip_tags(cells[i])) if i is not None and i < len(cells) else ""


def has_indicator(cells: list[str], positions: dict[str, int]) -> bool:
    return any(cell(cells, positions, c) for c in INDICATOR_COLUMNS)


def split_code(text: str) -> tuple[str, str]:
    """'1-产出指标' -> ('1', '产出指标'); '产出指标' -> ('', '产出指标')."""
    m = _CODED.match(fold(text))
    return (m.group("code"), text[m.start("name") :].strip()) if m else ("", text)


_SIGNS = "≥≤=＝><＞＜≧≦ "


def target_text(comparison: str, value: str, unit: str) -> str | None:
    """Rebuild the printed target from its split cells: ≥ | 95 | % -> '≥95%'."""
    if not value:
        return None
    # = | 提升 is printed 提升 (but = | 100% is =100%)
    qualitative_equal = comparison in ("=", "＝", "等于") and not _is_number(value.removesuffix("%"))
    prefix = "" if comparison in _NO_COMPARISON or value.startswith(comparison) or qualitative_equal else comparison
    # the unit after a number, also one printed with its sign in the value cell (≥ | ≥95 | % -> ≥95%), before a
    # remark closing it (≥ | 95（含） | % -> ≥95%（含）)
    remark = m.group() if (m := REMARK_AFTER.search(fold(value))) else ""
    number = value[: len(value) - len(remark)]
    suffix = unit if unit and not number.endswith(unit) and _is_number(number.lstrip(_SIGNS)) else ""
    return f"{prefix}{number}{suffix}{value[len(number) :]}"


def _value_like(text: str) -> bool:
    """A number, a percentage or a compared number (30, 95%, ≥90%, ２０): what no name or unit is."""
    plain = fold_number(text).strip().lstrip(_SIGNS).removesuffix("%").removesuffix("％").strip()
    return bool(plain) and _is_number(plain)


def _without_unit(value: str, unit: str) -> str:
    """A value without the row's unit printed after it (95% beside %, 1500人次 beside 人次: round 31's hunt read them
    without the row's ≥, as = 95 and = 1500)."""
    value = value.strip()
    for printed in (unit, "%", "％"):
        if printed and value.endswith(printed):
            return value[: -len(printed)]
    return value


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?", text.strip()))


_WEIGHT = re.compile(r"\d+(?:\.\d+)?")  # 20, 20.00 (after 20%, 20分 lose their sign): no NaN, 1e30 or -5


def weight_of(text: str) -> Decimal | None:
    """A weight (权重) as printed, 20, 20%, 20分 (full-width digits too): a plain number fact_target's DECIMAL(18, 4)
    holds."""
    if not text:
        return None
    plain = fold_number(text).strip().rstrip("%％分").replace(",", "").strip()  # ２０．００ as 20.00, as amounts are
    weight = Decimal(plain) if _WEIGHT.fullmatch(plain) else None
    if weight is None or not fits_target_number(weight):
        raise RowError(f"weight {text!r} is not a number from 0 to 10^14 with at most four decimals")
    return weight


def indicator_from_row(cursor: ProjectCursor, row: GridRow, positions: dict[str, int]) -> Indicator:
    """Read one indicator row into the cursor's project (inheriting empty level cells)."""
    cells = row.cells
    cursor.seq += 1
    cursor.level1 = cell(cells, positions, "level1") or cursor.level1
    cursor.level2 = cell(cells, positions, "level2") or cursor.level2
    name = visible_name(cell(cells, positions, "indicator_name"))  # 工程量<U+200B>完成率 is 工程量完成率
    if not name:
        raise RowError("indicator row has no indicator name (三级指标)")
    if _value_like(name):  # 三级指标 and 指标值 in another order than the header's: 109 targets named 100, 及时 …
        raise RowError(f"indicator name {name!r} is a value: the columns may not be in the header's order")
    if not cursor.level2:
        raise RowError(f"indicator {name!r} has no level-2 type (二级指标)")
    direction = cell(cells, positions, "direction")
    if direction and direction not in DIRECTIONS:
        raise RowError(f"direction {direction!r} is neither 正向 nor 反向")
    l1c, l1n = split_code(cursor.level1)
    l2c, l2n = split_code(cursor.level2)
    key, misparented = resolve_type(l1c, l1n, l2c, l2n)
    comparison, unit = cell(cells, positions, "comparison"), cell(cells, positions, "unit")
    if _value_like(unit):  # 指标值 and 度量单位 in another order than the header's: every number was lost (≥公里)
        raise RowError(f"unit (度量单位) {unit!r} is a number: the columns may not be in the header's order")
    annual = target_text(comparison, cell(cells, positions, "value"), unit)
    # 指标性质 and 计量单位 belong to both values: ≥ | 300 | 100 | 人次 is ≥300人次 over the period, ≥100人次 this year
    # (a period value in words, 长期 beside ≥ | 95, takes neither)
    period_value = cell(cells, positions, "period_value")
    period = target_text(comparison if _is_number(_without_unit(period_value, unit)) else "", period_value, unit)
    return Indicator(
        seq=cursor.seq,
        level1_code=l1c,
        level1_name=l1n,
        level2_code=l2c,
        level2_name=l2n,
        name=name,
        period=parse_target_value(period, name),
        annual=parse_target_value(annual, name),
        raw_text="\t".join(c for c in cells if c)[:2000],
        type_key=key,
        is_misparented=misparented,
        weight=weight_of(cell(cells, positions, "weight")),
        direction=DIRECTIONS.get(direction),
    )


def add_indicator(cursor: ProjectCursor, row: GridRow, positions: dict[str, int]) -> None:
    """Append the row's indicator to the project, flagging a repeat of an earlier one as a duplicate."""
    ind = indicator_from_row(cursor, row, positions)
    fingerprint = (ind.type_key, ind.name, ind.period.text or "", ind.annual.text)
    ind.is_duplicate = fingerprint in cursor.seen
    cursor.seen.add(fingerprint)
    cursor.project.indicators.append(ind)
