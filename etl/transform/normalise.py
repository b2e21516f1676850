"""Amounts to yuan as exact decimals, keeping the unit the source used."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation, localcontext
from functools import lru_cache

from etl.extract.invisible import without_invisible
from etl.model import (
    AMOUNT_COLUMNS,
    AMOUNT_UNIT_SHORT,
    AMOUNT_UNITS_OR_SHORT,
    MAX_YUAN,
    UNIT_TO_YUAN,
    AggregateRow,
    ProjectRow,
    Reject,
    SourceTable,
    Subtotal,
    TableRefused,
)
from etl.text import fold, fold_number, prints_nothing
from etl.transform.header import UNIT_NOT_PRINTED

# a unit printed in a cell: any of the tables' units, also without its 元 (万, 千, 亿)
CELL_UNIT_TO_YUAN: dict[str, Decimal] = UNIT_TO_YUAN | {s: UNIT_TO_YUAN[u] for s, u in AMOUNT_UNIT_SHORT.items()}
FEN = Decimal("0.01")
# digits are ASCII (fold_number made the full-width ones so): \d took ٣ (an Arabic-Indic 3) for 3
_AMOUNT = re.compile(
    rf"^(?P<num>[-+]?(?:[0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]+)(?:\.[0-9]+)?)\s*(?P<unit>{AMOUNT_UNITS_OR_SHORT})?$"
)

_SHEET_ERROR = re.compile(r"^#(?:N/A|REF!|VALUE!|DIV/0!|NAME\?|NUM!|NULL!|SPILL!|CALC!|GETTING_DATA)$", re.IGNORECASE)

# a space between two digits, or beside the decimal point, is a thousands separator at most: read as a comma, so
# only groups of three pass (1 485.34); 82 60, 8 2.60 or 82 . 60 are no number (they were read as 8260, 82.60)
_SPACE_IN_NUMBER = re.compile(r"(?<=[\d.])\s+(?=[\d.])")


class AmountError(ValueError):
    pass


@lru_cache(maxsize=1 << 14)
def to_yuan(cell: str, source_unit: str) -> Decimal:
    """'1,485.34' in 万元 -> Decimal('14853400.00'); '' -> 0; a unit in the cell wins (cached: amounts recur)."""
    # ¥: Excel's currency format; a character that prints nothing (1.00<U+200B>, copied from a page) is not read
    text = without_invisible(fold_number(fold(cell))).strip().removeprefix("¥").removeprefix("￥")
    text = _SPACE_IN_NUMBER.sub(",", text).replace(" ", "")  # 1 485.34 as 1,485.34; 82 60 as 82,60: not a number
    if prints_nothing(text):
        return Decimal("0.00")
    m = _AMOUNT.match(text)
    if m is None:
        what = "a spreadsheet's error value (its formula failed)" if _SHEET_ERROR.match(text) else "not a number"
        raise AmountError(f"amount {cell!r} is {what}")
    digits = m.group("num").replace(",", "")
    try:
        with localcontext(prec=max(28, len(digits) + 12)):  # exact: at 28 digits 82.6000…0001 was rounded to 82.60
            value = Decimal(digits) * CELL_UNIT_TO_YUAN[m.group("unit") or source_unit]
    except (InvalidOperation, KeyError) as exc:
        raise AmountError(f"amount {cell!r} cannot be read ({exc})") from None
    if value < 0:
        raise AmountError(f"amount {cell!r} is negative")
    if value >= MAX_YUAN:
        raise AmountError(f"amount {cell!r} is too large (the warehouse holds less than 10^16 yuan)")
    if value != value.quantize(FEN):
        raise AmountError(f"amount {cell!r} is finer than one fen")
    return value.quantize(FEN)


def _amounts(raw: dict[str, str], unit: str) -> tuple[dict[str, Decimal], dict[str, Decimal]]:
    """The row's amounts, and what its parts' second columns (fiscal+5: 政府性基金预算拨款 beside 一般公共预算拨款)
    print, by part (empty when the table has none)."""
    out, second = {}, {}
    for key in (*AMOUNT_COLUMNS, *(k for k in raw if "+" in k)):
        part = key.partition("+")[0]
        try:
            value = to_yuan(raw.get(key, ""), unit)
        except AmountError as exc:
            raise AmountError(f"{part}: {exc}") from None
        if key == part:
            out[part] = value
        else:
            second[part] = second.get(part, Decimal("0.00")) + value
    return out, second


def _with_second(out: dict[str, Decimal], second: dict[str, Decimal]) -> dict[str, Decimal]:
    return {k: v + second.get(k, Decimal("0.00")) for k, v in out.items()}


def _adds_up(amounts: dict[str, Decimal]) -> bool:
    return sum(amounts[p] for p in ("fiscal", "special_account", "other")) == amounts["total"]


def second_columns_are_parts(readings: list[tuple[dict[str, Decimal], dict[str, Decimal]]]) -> bool:
    """Whether a part's second column is a part of the total of its own (一般公共预算拨款 | 政府性基金预算拨款: added to
    the part) or a breakdown of the part the total counts once already (财政拨款 | 一般公共预算 | 政府性基金): decided
    once for the table, by the rows that print one, as the reading more of them add up in. Decided row by row, a row
    that added up under neither reading took the one that hid its difference (40.00 | 20.00 | 20.00: read 40 = 40)."""
    printed = [(out, second) for out, second in readings if any(second.values())]
    as_parts = sum(_adds_up(_with_second(out, second)) for out, second in printed)
    return as_parts > sum(_adds_up(out) for out, _ in printed)


def normalise_amounts(table: SourceTable) -> SourceTable:
    """Fill every row's yuan amounts; a project with an unreadable amount becomes a reject."""
    if table.source_unit not in CELL_UNIT_TO_YUAN:
        known = "、".join(UNIT_TO_YUAN)
        raise TableRefused(table.path, f"unknown amount unit {table.source_unit!r} (the units read: {known})")
    readings: list[tuple[AggregateRow | ProjectRow, tuple[dict[str, Decimal], dict[str, Decimal]]]] = []
    for agg in table.aggregates:
        try:
            readings.append((agg, _amounts(agg.raw_amounts, table.source_unit)))
        except AmountError as exc:
            raise TableRefused(table.path, f"{agg.name} row: {exc}", agg.line_no) from None
    kept = []
    for project in table.projects:
        try:
            reading = _amounts(project.raw_amounts, table.source_unit)
            if project.raw_period_total:
                project.period_total = to_yuan(project.raw_period_total, table.source_unit)
            if project.raw_period_parts:
                project.period_parts = to_yuan(project.raw_period_parts, table.source_unit)
        except AmountError as exc:
            table.rejects.append(Reject(str(table.path), project.line_no, project.raw_text, str(exc)))
            continue
        readings.append((project, reading))
        kept.append(project)
    table.projects = kept
    as_parts = second_columns_are_parts([reading for _, reading in readings])
    for row, (out, second) in readings:
        row.amounts = _with_second(out, second) if as_parts else out
    table.subtotals = _read_subtotals(table, as_parts)
    refuse_yuan_read_as_wan(table)
    return table


def _read_subtotals(table: SourceTable, as_parts: bool) -> list[Subtotal]:
    """The closing 小计 rows' amounts, read as the table's other rows are (reconcile checks them against the rows they
    repeat or the projects they close); one whose amounts cannot be read is a reject."""
    kept = []
    for subtotal in table.subtotals:
        row = subtotal.row
        try:
            out, second = _amounts(row.raw_amounts, table.source_unit)
        except AmountError as exc:
            raw_text = " | ".join(v or "-" for v in row.raw_amounts.values())
            table.rejects.append(Reject(str(table.path), row.line_no, f"{row.name} {raw_text}", str(exc)))
            continue
        row.amounts = _with_second(out, second) if as_parts else out
        kept.append(subtotal)
    return kept


YUAN_LIKE_MEDIAN = Decimal(10) ** 8  # 1亿元: a department's median project is not that large; 元 read as 万元 is


# 10606.7522, 10606.7522万元 (a form's): a digit other than 0 after the fen (826000.0000 in 元 is no evidence of 万元)
_FINER_THAN_FEN = re.compile(rf"\.\d{{2}}\d*[1-9]\d*\s*(?:{AMOUNT_UNITS_OR_SHORT})?\s*$")


def _finer_than_fen(table: SourceTable) -> bool:
    """Whether an amount is printed finer than the fen (10606.7522): no amount in 元 is, so the table is not in 元 (a
    single-project form of 1.06亿元 in 万元, with no unit printed, was refused as one). Zeros there prove nothing: a
    table in 元 printed 826000.0000 and was loaded 10,000 times too large (round 30)."""
    return any(_FINER_THAN_FEN.search(fold_number(p.raw_amounts.get("total", ""))) for p in table.projects)


def refuse_yuan_read_as_wan(table: SourceTable) -> None:
    """A table that prints its unit nowhere is read in 万元; when its median project then comes to 1亿元 or more,
    the amounts are almost surely 元 (each x 10,000 in 万元): refused, never loaded 10,000 times too large."""
    if UNIT_NOT_PRINTED not in table.notes or not table.projects or _finer_than_fen(table):
        return
    totals = sorted(p.amounts["total"] for p in table.projects)
    median = totals[len(totals) // 2]
    if median >= YUAN_LIKE_MEDIAN:
        raise TableRefused(
            table.path,
            "the amount unit is printed nowhere (no 单位：万元 or 单位：元 line, no unit in the column headers),"
            f" and in 万元 the median project would be {median / YUAN_LIKE_MEDIAN:,.1f} 亿元: the amounts look like"
            " 元. Add the unit line the table left out (单位：元, or 单位：万元 if they are) and load it again",
        )
