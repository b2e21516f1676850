"""Tell a per-row export, a bracket list or a single-project form cut off mid-row (a truncated download or copy) from
one that merely ends.

The packed layout's check is etl.transform.truncation.refuse_if_truncated; these are the other layouts'. A cut is
seen only in the last row, and only where the text shows it: a dump (text, CSV, a saved page) whose last row stops
short of the cells every other row prints, or ends in a cell unlike the one every other row ends in; a bracket list
whose last goal cell stops inside a heading, an item or its bracketed value; a form whose last row names an indicator
but stops before its value. A cut exactly at a row's (or an item's) end leaves a shorter whole file, which no text
can tell from one; a workbook or a PDF cut off cannot be read at all.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from etl.model import Grid, GridRow, SourceTable, TableRefused
from etl.text import NOTE_LINE, squash, strip_tags
from etl.transform.header import unit_line
from etl.transform.per_row import DIRECTIONS
from etl.transform.truncation import CLOSING_KINDS, refuse_if_inside_a_tag

if TYPE_CHECKING:
    from etl.transform.form import Form

DUMPS = frozenset({"text", "pipe", "csv", "html"})  # formats whose rows print as many cells as the text holds
_NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.(?P<decimals>\d*))?%?")
_SIGNS = frozenset("≥≤=＝><＞＜≧≦")
_DIGIT = re.compile(r"\d")
_SAID = {"empty": "nothing", "number": "a number", "sign": "a comparison sign", "text": "words"}
_MOST = 0.8  # the share of the other rows that must end alike


def _kind(value: str) -> str:
    """empty, number (20, 25.00, 95%), sign (≥) or text."""
    if not value:
        return "empty"
    if _NUMBER.fullmatch(value):
        return "number"
    return "sign" if value in _SIGNS else "text"


def _decimals(value: str) -> int | None:
    """The digits after the point (25.00 -> 2, 25. -> 0, 25 -> None)."""
    m = _NUMBER.fullmatch(value)
    return None if m is None or m["decimals"] is None else len(m["decimals"])


def _unlike(value: str, others: list[str]) -> str | None:
    """Why the last row's last cell ``value`` is no whole cell of the kind the other rows' last cells are, or None."""
    kinds = Counter(_kind(v) for v in others)
    kind, count = kinds.most_common(1)[0]
    alike = [v for v in others if _kind(v) == kind]
    if len(alike) < 3 or count < _MOST * len(others):
        return None  # the other rows end in cells of no one kind: nothing to tell a cut by
    seen = set(alike)
    if _kind(value) != kind:
        return f"{_SAID[_kind(value)]}, where every other row ends in {_SAID[kind]}"
    if kind == "text" and value not in seen and any(v.startswith(value) for v in seen):
        return "the start of a value other rows end in"
    if kind == "text" and seen <= DIRECTIONS.keys() and value not in DIRECTIONS:
        return "no direction, where every other row ends in its direction (正向/反向)"
    decimals = {_decimals(v) for v in alike}
    if kind == "number" and len(decimals) == 1 and (d := decimals.pop()) and (_decimals(value) or 0) < d:
        return f"fewer decimals than the {d} the other rows print"
    return None


def _ended(row: GridRow) -> bool:
    """A note, a unit line or a page's number under the table: the file went on after its last row."""
    filled = [c.strip() for c in row.cells if c.strip()]
    return not filled or all(NOTE_LINE.match(c) for c in filled) or unit_line(row.cells) is not None


def refuse_cut_per_row(grid: Grid, table: SourceTable) -> None:
    """Refuse a per-row export whose dump's last row stops short of the cells each other row prints, or ends in a
    cell unlike the last cell of every other row (正 where they end in 正向, 20 where they end in 正向/反向, 25.0
    where they end in 25.00): it was cut off inside that row."""
    if grid.source_format not in DUMPS or not table.projects:
        return
    rows = [r for r in grid.rows[1:] if r.line_no >= table.projects[0].line_no and any(map(str.strip, r.cells))]
    totals = {a.line_no for a in table.aggregates}  # (group rows end in amounts)
    last, others = rows[-1], [r for r in rows[:-1] if r.line_no not in totals]
    if len(others) < 3 or _ended(last) or _closing(table, last):
        return  # (a 合计 or a page's total printed last: its amounts are checked against the projects')
    widths = {len(r.cells) for r in others}
    if len(widths) == 1 and len(last.cells) < (width := widths.pop()):
        reason = f"truncated mid-row: the last row has {len(last.cells)} cell(s), every other row {width}"
        raise TableRefused(table.path, reason, last.line_no)
    value = squash(strip_tags(last.cells[-1]))
    if why := _unlike(value, [squash(strip_tags(r.cells[-1])) for r in others]):
        reason = f"truncated mid-row: the last row ends in {value!r}: {why}"
        raise TableRefused(table.path, reason, last.line_no)


def refuse_cut_bracket(table: SourceTable, rows: list[GridRow], positions: dict[str, int]) -> None:
    """Refuse a bracket list whose last row was cut off: short of the goal cell every other row prints, a goal with
    no heading under it (read as a category's), or a goal cell stopping inside a heading or an item (`bracket_cut`).
    ``rows``: the list's rows, the unit lines under it left out."""
    rows, goal = [r for r in rows if any(c.strip() for c in r.cells)], positions.get("goal")
    if goal is None or len(rows) < 2 or _ended(rows[-1]) or _closing(table, rows[-1]):
        return  # (a 合计 or page total printed last: its amounts are checked against the projects')
    last = rows[-1]
    if len(last.cells) <= goal and all(len(r.cells) > goal for r in rows[:-1]):
        reason = f"truncated mid-row: the last row has {len(last.cells)} cell(s), every other row {goal + 1} or more"
        raise TableRefused(table.path, reason, last.line_no)
    if not table.projects or table.projects[-1].line_no != last.line_no:
        after = min(positions.get("content", goal), goal)  # 项目内容 | 绩效目标: what a category leaves empty
        if any(c.strip() for c in last.cells[after:]):  # a project cut before its headings: read as a category
            reason = "truncated mid-row: the last row prints a project's content or goal but no indicator heading"
            raise TableRefused(table.path, reason, last.line_no)
        return
    others = [p.line_no for p in table.projects[:-1]]
    ends = [_goal_text(r, goal).endswith((")", "）")) for r in rows[:-1] if r.line_no in others]
    if why := bracket_cut(_goal_text(last, goal), len(ends) >= 2 and all(ends)):
        raise TableRefused(table.path, f"truncated mid-row: the last row's goal cell {why}", last.line_no)


def _closing(table: SourceTable, last: GridRow) -> bool:
    """The last row is the 合计 or a page's total."""
    return (
        bool(table.aggregates)
        and table.aggregates[-1].line_no == last.line_no
        and table.aggregates[-1].kind in CLOSING_KINDS
    )


def _goal_text(row: GridRow, goal: int) -> str:
    from etl.transform.bracket import with_heading_brackets

    return with_heading_brackets(squash(strip_tags(row.cells[goal]))).strip() if len(row.cells) > goal else ""


def bracket_cut(text: str, others_close: bool) -> str | None:
    """How a goal cell (its headings read as 【…】) shows it was cut off, or None: it stops inside a heading, after
    one, inside an item (指标2:监测报 with no value, 指标2:监测报告(12 with its bracket open), or, when every other
    project's cell ends in a bracketed value (``others_close``), anywhere but after one."""
    from etl.transform.bracket import ITEM, headed_parts, name_and_value

    if text.rfind("【") > text.rfind("】"):
        return "stops inside a heading"
    heading, body = headed_parts(text)[-1]
    if heading is not None and not re.search(r"\w", body):
        return "stops after a heading, before its items"
    text = body.strip()
    items = list(ITEM.finditer(text))
    item = text[items[-1].end() :] if items else text
    if heading is not None and (not item.strip() or name_and_value(item)[1] is None):
        return "stops inside an item, before its value"
    if heading is not None and item.count("(") + item.count("（") > item.count(")") + item.count("）"):
        return "stops inside an item's bracketed value"
    if others_close and not text.endswith((")", "）")):
        return "stops short of a bracketed value, where every other project's ends in one"
    return None


def refuse_cut_form(grid: Grid, forms: list[Form]) -> None:
    """Refuse single-project forms whose dump was cut off in the last form: its last row stops short of the cells
    every other row prints (a form exported as a rectangle), the last form stops before its indicator grid, or its
    last row prints an indicator's name but not the value column(s) of the grid's header."""
    from etl.transform.form import indicator_header

    rows = [r for r in grid.raw_rows or [] if any(c.strip() for c in r.cells)]
    if grid.source_format not in DUMPS or not forms or len(rows) < 4 or _ended(rows[-1]):
        return
    last, widths = rows[-1], {len(r.cells) for r in rows[:-1]}
    if len(widths) == 1 and len(last.cells) < (width := widths.pop()):
        reason = f"truncated mid-row: the last row has {len(last.cells)} cell(s), every other row {width}"
        raise TableRefused(grid.path, reason, last.line_no)
    refuse_if_inside_a_tag(grid.path, last)
    form = forms[-1]
    if form.grid_at is None:
        reason = "truncated mid-row: the last form stops before its indicator grid (一级指标 | 二级指标 | … | 指标值)"
        raise TableRefused(grid.path, reason, last.line_no)
    columns = indicator_header(form.rows[form.grid_at].cells) or {}
    if last is form.rows[form.grid_at]:
        reason = "truncated mid-row: the last form ends at its indicator grid's header, before its rows"
        raise TableRefused(grid.path, reason, last.line_no)
    if why := _value_cut(last.cells, columns):
        raise TableRefused(grid.path, f"truncated mid-row: the last row {why}", last.line_no)


def _value_cut(cells: list[str], columns: dict[str, list[int]]) -> str | None:
    """How a form's last grid row shows it was cut: it names an indicator and its last value column is missing or
    empty, or that value stops in a digit where the row's other value (实施期 beside 年度) goes on in a unit."""
    values = sorted([*columns.get("value", []), *columns.get("period_value", [])])
    if not values or not any(i < len(cells) and cells[i].strip() for i in columns.get("indicator_name", [])):
        return None
    printed = [cells[i].strip() for i in values if i < len(cells)]
    if len(printed) < len(values) or not printed[-1].strip("".join(_SIGNS)):  # (≥ alone: cut before its number)
        return f"names an indicator but not its value ({len(cells)} cell(s), the grid's header {values[-1] + 1})"
    if printed[-1][-1].isdigit() and any(v[-1:] and not v[-1].isdigit() and _DIGIT.search(v) for v in printed[:-1]):
        return f"ends in the value {printed[-1]!r}, a number where the row's other value goes on in a unit"
    return None
