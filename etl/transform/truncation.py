"""Tell a table cut off mid-row (a truncated download or copy) from one that merely ends."""

from __future__ import annotations

import re
from pathlib import Path

from etl.model import GridRow, SourceTable, TableRefused
from etl.text import squash, strip_tags
from etl.transform.header import without_unit_lines
from etl.transform.indicators import UNPARTED, ItemError, parse_item, plain_list_cut_short, split_items
from etl.transform.page_totals import PAGE_KINDS

CLOSING_KINDS = frozenset({"grand_total", *PAGE_KINDS})  # totals printed under the rows: 合计, a page's


def _key_column(positions: dict[str, int]) -> int:
    """The column a complete project row must reach: the packed indicators, else the indicator name."""
    for column in ("indicators", "value", "indicator_name", "goal"):
        if column in positions:
            return positions[column]
    return max(positions.values())


# a packed cell cut off inside its first item still begins with its number: 1、 1. 1) (1) ①, or 1 or ( cut before the
# rest of it; 100%完成 or 2024年… begins with no item number
_NUMBERED = re.compile(r"^\s*(?:\d{1,2}\s*(?:[、.．)）]|$)|[(（]\s*(?:\d|$)|[\u2460-\u2473])")


def _last_item_broken(packed: str) -> bool:
    """Whether the last item of the cell was cut off. A cell of text that numbers no item (群众法律意识明显提升 under
    a lone 指标值 column) is not a list cut off: it is read, or rejected with its reason, as it is in any other row."""
    try:
        items = split_items(packed)
    except ItemError as err:
        if err.reason == UNPARTED:  # 1.完成率100%2.…: cut only when every item but the last reads
            return plain_list_cut_short(packed)
        return bool(_NUMBERED.match(packed))
    if not items:
        return False
    if (m := _NEXT_NUMBER.search(packed)) and int(m[1]) == len(items) + 1:
        return True  # …年度指标值:≥100个。2、3: item 2 cut before its type, read as the end of item 1's value
    try:
        parse_item(*items[-1])
    except ItemError:
        return True
    return False


# the next item's number (and its code's first digits) after the end of an item, ending the cell: 。2 ；2、 。2、3 (an
# item begins only before its type: cut there, the number was item 1's value's); not after a point (≥99.2)
_NEXT_NUMBER = re.compile(r"[。；;]\s*(\d{1,2})(?:\s*[、.．]\s*\d{0,2})?$")


def _ends_unlike_the_others(rows: list[GridRow], column: int) -> bool:
    """Every other row's indicators end with 。 and the last row's do not: it was cut off."""
    ends = [
        squash(strip_tags(r.cells[column])).endswith(("。", "."))
        for r in rows
        if len(r.cells) > column and r.cells[column].strip()
    ]
    others = ends[:-1]
    return len(others) >= 3 and all(others) and not ends[-1]


def _closing_total(table: SourceTable, last: GridRow, positions: dict[str, int]) -> bool:
    """The 合计 row printed under the projects, its empty cells after the amounts left out (合计 | 1,485.34 |
    1,485.34): complete as far as it prints (an amount cut short fails the reconciliation of the totals); so is the
    last page's 本页合计 or 累计 printed so."""
    if not table.aggregates or table.aggregates[-1].line_no != last.line_no:
        return False
    total = positions.get("total")
    return table.aggregates[-1].kind in CLOSING_KINDS and total is not None and len(last.cells) > total


# a tag begun and cut: < then / or a letter (</, <p cla), or < alone at the end; not a comparison (<3%: round 31's
# hunt refused a table whose last project printed 差错率<3%)
_OPEN_TAG = re.compile(r"<(?:[/!A-Za-z][^<>]*)?$")


def refuse_if_inside_a_tag(path: Path | str, last: GridRow) -> None:
    """Refuse a page whose last row's last printed cell stops inside an HTML tag (≤30万元</): it was cut there."""
    tail = next((c for c in reversed(last.cells) if c.strip()), "")
    if _OPEN_TAG.search(tail.rstrip()):
        raise TableRefused(path, "truncated mid-row: the last cell stops inside an HTML tag", last.line_no)


def refuse_if_truncated(
    table: SourceTable, rows: list[GridRow], positions: dict[str, int], noted_after: bool = False
) -> None:
    """Refuse the table when its last row stops short of its columns or inside its last indicator. ``noted_after``:
    the grid's last line is a note, a footer or a page's number set aside (注：…, 填报人：…, 第1页): printed after the
    last row, which is then no row cut off."""
    kept = _without_unit_lines(table, rows)
    noted_after = noted_after or len(kept) < len(rows)  # 单位：元 under the table: printed after it too
    rows = kept
    if not rows:
        return
    last = rows[-1]
    key = _key_column(positions)
    if len(last.cells) <= key and not _closing_total(table, last, positions):
        reason = f"truncated mid-row: the last row has {len(last.cells)} cell(s), the header {key + 1} or more"
        raise TableRefused(table.path, reason, last.line_no)
    refuse_if_inside_a_tag(table.path, last)
    is_last_project = bool(table.projects) and table.projects[-1].line_no == last.line_no
    if is_last_project and "indicators" in positions:
        packed = squash(strip_tags(last.cells[positions["indicators"]]))
        if packed and (unreadable := _none_readable(packed)):
            raise TableRefused(table.path, unreadable, last.line_no)
        column = positions["indicators"]
        if noted_after or any(c.strip() for c in last.cells[column + 1 :]):
            return  # the file went on after the indicators: the row is whole, its items read or rejected as printed
        others = [r.cells[column] for r in rows[:-1] if len(r.cells) > column]
        if _paragraph_left_open(last.cells[column], others):
            raise TableRefused(
                table.path, "truncated mid-row: the last row's indicators open a <p> they never close", last.line_no
            )
        broken = _last_item_broken(packed)
        if broken and _complete_as_printed(packed, others):
            return
        if broken or _ends_unlike_the_others(rows, column):
            raise TableRefused(table.path, "truncated mid-row: the last row ends inside an indicator", last.line_no)


_P_OPEN = re.compile(r"<p[\s>]", re.I)
_P_CLOSE = re.compile(r"</p\s*>", re.I)


def _paragraph_left_open(last: str, others: list[str]) -> bool:
    """The last row's packed cell opens more <p> than it closes and ends in text, where every other row's cell that
    opens one closes it: cut off, though at an item's end (…≥80%。 then nothing, 4、… lost: round 32's hunt; it loaded
    3 items of 4). A cell ending in a tag (…</p><p><br>, </ p>, </div>: an editor's) is whole (the review of round
    32)."""
    opened = [c for c in others if _P_OPEN.search(c)]
    return (
        not last.rstrip().endswith(">")
        and len(_P_OPEN.findall(last)) > len(_P_CLOSE.findall(last))
        and bool(opened)
        and all(len(_P_OPEN.findall(c)) <= len(_P_CLOSE.findall(c)) for c in opened)
    )


def _complete_as_printed(packed: str, others: list[str]) -> bool:
    """Whether the last row's packed cell, its last item unreadable, is whole as printed, told from a row cut off by
    what the other rows' packed cells (``others``) print: the same item, word for word, in another row (…2、3-满意度
    指标：31-服务对象满意度指标：群众满意 written so in each row, as that table writes it), or a 。 at its end that
    every other row's cell ends with too. A cut lands anywhere; to pass it must land exactly at an item's end, where
    a readable last item was loaded before as well (the totals then show the rows lost after it). A ； at the end
    is no sign: a cut after an item's name (培训人次；|实施周期指标值:…) ends so and reads as such an item."""
    ends = [e for c in others if (e := squash(strip_tags(c)))]
    if ends and packed.endswith("。") and all(e.endswith("。") for e in ends):
        return True
    last = _last_body(packed)
    return bool(last) and any(last in _bodies(e) for e in ends)


def _last_body(packed: str) -> str:
    try:
        items = split_items(packed)
    except ItemError:
        return ""
    return items[-1][1] if items else ""


def _bodies(packed: str) -> set[str]:
    try:
        return {body for _, body in split_items(packed)}
    except ItemError:
        return set()


def _without_unit_lines(table: SourceTable, rows: list[GridRow]) -> list[GridRow]:
    """The rows less the unit lines printed under the last one (单位：元 after the 合计: header.table_with_unit read
    the unit from them, or refused them), and what was filed from them taken back: they are notes, not a last row cut
    short (refused as "truncated mid-row") nor a unit of no amounts."""
    kept = without_unit_lines(rows)
    if len(kept) == len(rows):
        return rows  # (the common case)
    lines = {r.line_no for r in rows[len(kept) :]}
    table.aggregates[:] = [a for a in table.aggregates if a.line_no not in lines]
    table.rejects[:] = [r for r in table.rejects if r.line_no not in lines]
    return kept


def _none_readable(packed: str) -> str | None:
    """Why not one of two or more items of the last row's cell can be read (a way of writing them the grammar does
    not know, not a row cut off: that breaks its last item only), or None."""
    try:
        items = split_items(packed)
    except ItemError:
        return None
    errors = []
    for seq, body in items:
        try:
            parse_item(seq, body)
        except ItemError as err:
            errors.append(err)
    if len(items) < 2 or len(errors) < len(items):
        return None
    return f"none of the {len(items)} indicators of the last row can be read ({errors[0]}): not a cut-off row"


def refuse_if_empty(table: SourceTable) -> SourceTable:
    """Refuse a table with no project row left to load: cut off after its header or its 合计 row, or every row
    rejected. Loaded, it would replace the department-year's loaded table with nothing."""
    if table.projects:
        return table
    if table.rejects:
        first = table.rejects[0]
        reason = f"no project row could be read ({len(table.rejects)} rejected; line {first.line_no}: {first.reason})"
    else:
        kept = f" (only {', '.join(a.name for a in table.aggregates[:3])})" if table.aggregates else ""
        reason = (
            f"no project row under the header{kept}: the table is cut off or empty (a row printing amounts but no "
            "goal and no indicators reads as a unit's subtotal)"
        )
    raise TableRefused(table.path, reason)
