"""A single-project form's money printed as a small grid, its labels a header row with the amounts under them.

Two shapes, both common in the national 项目支出绩效目标申报表 and its regional copies:

- the blocks as columns: ``项目资金（元） | | 中期资金总额 | 年度资金总额`` over rows ``资金总额 | 3,600,000.00 |
  1,250,000.00``, ``其中：财政拨款 | …``, ``其他资金 | …``: each row's label says what, the column which block;
- the parts as columns: ``项目资金（万元） | 资金总额 | 财政拨款 | 其他资金`` over ``125.00 | 105.00 | 20.00``, or
  over rows ``中期 | 360.00 | …`` and ``年度 | 125.00 | …``: each column says what, the row's word which block (the
  year's where none is printed).

Read label by label (a value beside its label), the first shape stored the period's amounts as the year's and lost
the period total, and the second stored 0 (round 33's hunt of layouts). ``money_grid`` finds such a grid and says
which amount is which; etl.transform.form reads every other form as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from etl.model import GridRow
from etl.text import prints_nothing

PART_KEYS = ("fiscal", "fiscal_part", "special_account", "other")
TOTAL_KEYS = ("annual_total", "period_total")
MONEY_KEYS = frozenset((*TOTAL_KEYS, *PART_KEYS))

_PERIOD_WORDS = ("中期", "实施期", "实施周期", "项目周期", "全周期", "中长期", "长期")
_ANNUAL_WORDS = ("年度", "本年度", "本年", "当年")
_AMOUNT = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?:万元|千元|元|万)?$")

Match = Callable[[str], tuple[str | None, str]]


@dataclass(frozen=True, slots=True)
class GridAmount:
    """One amount of the grid: its form key (annual_total, period_total, fiscal …), where, and its block."""

    key: str
    row: int
    col: int
    value: str
    block: str


def block_word(cell: str) -> str | None:
    """'period' for a cell that starts with 中期, 实施期 …, 'annual' for 年度, 本年度 …; None otherwise."""
    text = cell.strip().removeprefix("其中").lstrip(":：")
    if text.startswith(_PERIOD_WORDS):
        return "period"
    return "annual" if text.startswith(_ANNUAL_WORDS) else None


def is_amount(cell: str) -> bool:
    return bool(_AMOUNT.match(cell.replace(" ", "")))


def money_grid(rows: list[GridRow], at: int, match: Match) -> tuple[list[GridAmount], int] | None:
    """(the amounts, the index of the grid's last row) when row ``at`` heads a money grid; None otherwise."""
    cells = rows[at].cells
    if any(is_amount(c) for c in cells if c):
        return None  # a row of labels only
    blocks = {i: b for i, c in enumerate(cells) if c and (b := block_word(c)) and match(c)[0] in (*TOTAL_KEYS, None)}
    if len(set(blocks.values())) == 2 and (found := _blocks_as_columns(rows, at, blocks, match)):
        return found
    parts = {i: k for i, c in enumerate(cells) if c and (k := match(c)[0]) in MONEY_KEYS}
    if len(parts) >= 2:
        return _parts_as_columns(rows, at, parts)
    return None


def _blocks_as_columns(
    rows: list[GridRow], at: int, blocks: dict[int, str], match: Match
) -> tuple[list[GridAmount], int] | None:
    found: list[GridAmount] = []
    last = at
    for ri in range(at + 1, len(rows)):
        cells = rows[ri].cells
        labels = [(i, k) for i, c in enumerate(cells) if c and (k := match(c)[0])]
        if len(labels) != 1 or labels[0][1] not in MONEY_KEYS or labels[0][0] >= min(blocks):
            break
        amounts = _under(cells, list(blocks), labels[0][0])
        if amounts is None:
            break
        key = labels[0][1]
        for col, value in amounts.items():
            block = blocks[col]
            named = ("period_total" if block == "period" else "annual_total") if key in TOTAL_KEYS else key
            found.append(GridAmount(named, ri, col, value, block))
        last = ri
    return (found, last) if found else None


def _parts_as_columns(rows: list[GridRow], at: int, parts: dict[int, str]) -> tuple[list[GridAmount], int] | None:
    found: list[GridAmount] = []
    last = at
    for ri in range(at + 1, len(rows)):
        cells = rows[ri].cells
        left = [c for c in cells[: min(parts)] if c and not prints_nothing(c)]
        if len(left) > 1 or (left and block_word(left[0]) is None):
            break
        amounts = _under(cells, list(parts), min(parts) - 1)
        if amounts is None:
            break
        block = (block_word(left[0]) if left else None) or "annual"
        for col, value in amounts.items():
            key = parts[col]  # a period total's column (项目总投资, 中期资金总额) is the period's on any row
            if key == "annual_total" and block == "period":
                key = "period_total"
            found.append(GridAmount(key, ri, col, value, "period" if key == "period_total" else block))
        last = ri
    return (found, last) if found else None


def _under(cells: list[str], columns: list[int], after: int) -> dict[int, str] | None:
    """The amounts of a row under the grid's columns (column -> amount): where they stand, else in order when a
    format packed the row's cells to the left (as many amounts as columns); None when the row prints other text
    after its label, or no amount."""
    printed = [(i, c.strip()) for i, c in enumerate(cells) if i > after and c and not prints_nothing(c)]
    if not printed or not all(is_amount(c) for _, c in printed):
        return None
    if {i for i, _ in printed} <= set(columns):
        return dict(printed)
    if len(printed) == len(columns):
        return {col: value for col, (_, value) in zip(columns, printed, strict=True)}
    return None
