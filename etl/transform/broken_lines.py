"""A text dump whose cells hold line breaks written unquoted (a page or a workbook copied into a .txt): a goal or a
packed 绩效指标 of several lines ends its row on the first of them, and the next lines, one cell each (no separator in
them), became rows of their own: unit rows of no amounts named 实施周期指标值:≥100个, which took the projects after
them, and a project whose indicators lost their targets ("no 实施周期指标值 or 年度指标值"). Such lines are joined
back to the cell they break, with a line break, as a quoted cell would have kept them.

Two shapes tell a broken cell, and only in a text dump (a CSV, a workbook or a page keeps its cells whole):
- the row stops in a goal or indicator cell short of the header's width, and a later line completes it exactly
  (its cells, the first continuing the broken one, fill the columns left): the lines between, one cell each, are
  that cell's too;
- the row is whole and its last cell is the packed 绩效指标: lines of one cell after it are its lines when they read
  as more of its items (more items, more targets, fewer errors); a line that adds nothing (a unit's heading printed
  without separators, 其中：…) stays a row;
- the row is a whole project row whose name stops short (社区矫正和安置: no word a name ends with, or a bracket left
  open) and the one line of one cell after it, before a row of its own, is the rest of that name (帮教经费, 2025年）:
  a word a name ends with, no longer than the name's first line, nothing a heading prints (其中, a colon, a number,
  a unit's or a category's word). A page dumped line by line prints a name wrapped in its cell so; the line had
  been a heading of no amounts, and the project loaded under half its name.
"""

from __future__ import annotations

import re

from etl.model import AMOUNT_COLUMNS, GridRow, Indicator
from etl.transform.indicators import parse_indicators
from etl.transform.per_row import has_indicator

MAX_BROKEN_LINES = 50  # lines one cell is looked for over: a cell of a project's targets is not longer
_TEXT_COLUMNS = ("goal", "indicators")
_AMOUNT_LIKE = re.compile(r"^[-+]?[\d,]+(?:\.\d+)?\s*(?:万元|元|万)?$")


def join_broken_lines(rows: list[GridRow], positions: dict[str, int], width: int) -> list[GridRow]:
    """The rows with each cell broken over lines joined back (see the module's docstring)."""
    broken_at = {positions[c] for c in _TEXT_COLUMNS if c in positions}
    if not broken_at or all(len(r.cells) >= width for r in rows):
        return rows  # (the common case: every line holds every cell)
    out: list[GridRow] = []
    i = 0
    while i < len(rows):
        row, taken = rows[i], 0
        if len(row.cells) - 1 in broken_at and row.cells[-1].strip():
            taken = _completed(rows, i, width, positions) if len(row.cells) < width else _more_items(rows, i, positions)
        elif 1 < len(row.cells) < width and row.cells[-1].strip():
            taken = _completed(rows, i, width, positions, joined_fits=True)
        if not taken and len(row.cells) == width and (rest := _name_rest(rows, i, positions)):
            out.append(_with_name(row, positions["project_name"], rest))
            i += 2
            continue
        if not taken and (after := _after_document(out, rows[i], positions)):
            out[-1] = after  # （穗财预〔2023〕12号） on the line after its project's name: the name's end
            i += 1
            continue
        if not taken and (document := _document_line(rows, i, positions)):
            out.append(_with_name(rows[i + 1], positions["project_name"], document, before=True))
            i += 2
            continue
        out.append(_joined(rows[i : i + taken + 1]) if taken else row)
        i += taken + 1
    return out


# the words a project's name ends with (…经费, …补贴, …服务, …项目, …(2022-2025年))
_NAME_END = re.compile(
    r"(?:经费|费用?|资金|补贴|补助|奖励|奖补|项目|工程|服务|购置|建设|维护|运维|保障|工作|运行|款|金|[)）])$"
)
# what a heading prints that the rest of a name does not: 其中：…, 一、…, (一)…, 1.…, a colon, a category's word
# (运转类, 本级项目, 转移支付, 专项业务费, 项目支出 …)
_HEADING = re.compile(
    r"^(?:其中|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|\d+[、.．\s])|[:：]"
    r"|类|本级|转移支付|部门|单位|合计|小计|专项|业务费|支出|运转"
)


def _name_rest(rows: list[GridRow], i: int, positions: dict[str, int]) -> str:
    """The rest of the whole row i's name printed on the line after it (see the module's docstring), or ''."""
    at = positions.get("project_name", 0)
    if i + 1 >= len(rows) or not _named(rows[i], positions) or not _is_project(rows[i], positions):
        return ""
    line = rows[i + 1].cells
    filled = [k for k, c in enumerate(line) if c.strip()]
    if len(line) > at + 1 or len(filled) != 1 or filled[0] not in (0, at):
        return ""
    name, rest = " ".join(rows[i].cells[at].split()), " ".join(line[filled[0]].split())
    after = rows[i + 2].cells if i + 2 < len(rows) else None
    return rest if _rests(name, rest) and (after is None or sum(1 for c in after if c.strip()) > 1) else ""


# a heading line printed whole: a kind of project (延续项目, 新增项目 …) or a unit (…中心, …司法所（参公）)
_WHOLE_HEADING = re.compile(
    r"^(?:延续|新增|续建|新建|重点|一般|其他|经常性|一次性|当年|结转)性?项目$"
    r"|(?:中心|局|所|站|院|处|室|队|会|馆|办|委|厅|社|校|园)(?:[(（][^)）]*[)）])?$"
)


def _rests(name: str, rest: str) -> bool:
    """Whether ``rest`` ends the name ``name`` stopped short of, and cannot be a heading. A rest closing a bracket it
    did not open (2025年)) ends only a name that opened one (…项目(2022-); a rest with its own brackets (经费（二期）)
    ends a name as any other; a unit's heading (…中心（参公）) is _WHOLE_HEADING's."""
    if len(rest) > len(name) or _HEADING.search(rest) or _WHOLE_HEADING.search(rest) or not _NAME_END.search(rest):
        return False
    if _opened(rest) < 0:
        return _opened(name) > 0
    return _stops_short(name)


def _opened(text: str) -> int:
    """Brackets opened and not closed in text (negative: more closed than opened)."""
    return text.count("(") + text.count("（") - text.count(")") - text.count("）")


def _stops_short(name: str) -> bool:
    """Whether a name stops short of its end: a bracket left open, or no word a name ends with."""
    return _opened(name) > 0 or not _NAME_END.search(name)


def join_wrapped_names(rows: list[GridRow], positions: dict[str, int]) -> list[GridRow]:
    """A one-indicator-per-row export dumped line by line: a project's name wrapped onto the line after its first
    row (乡村道路 | 800000 | … / 养护) is the rest of the name when the name stops short (see _stops_short) and the
    project's next indicator rows follow it (no heading stands among a project's rows: the line had been a unit of no
    amounts, and those rows rejected as having no project), the line holding no number, or when it ends a name as in
    a department list (see _rests)."""
    at = positions.get("project_name", 0)
    out: list[GridRow] = []
    i = 0
    while i < len(rows):
        row = rows[i]
        if i + 1 < len(rows) and (rest := _per_row_rest(rows, i, at, positions)):
            out.append(_with_name(row, at, rest))
            i += 2
            continue
        out.append(row)
        i += 1
    return out


def _per_row_rest(rows: list[GridRow], i: int, at: int, positions: dict[str, int]) -> str:
    name = " ".join(rows[i].cells[at].split()) if at < len(rows[i].cells) else ""
    line = rows[i + 1].cells
    filled = [k for k, c in enumerate(line) if c.strip()]
    if not name or len(filled) != 1 or filled[0] not in (0, at) or not has_indicator(rows[i].cells, positions):
        return ""
    rest = " ".join(line[filled[0]].split())
    after = rows[i + 2] if i + 2 < len(rows) else None
    if after is not None and not _cell_at(after, at) and has_indicator(after.cells, positions):
        plain = not _HEADING.search(rest) and not any(c.isdigit() or c == "%" for c in rest)
        return rest if plain and len(rest) <= len(name) and _stops_short(name) else ""
    ends = after is None or sum(1 for c in after.cells if c.strip()) > 1
    return rest if ends and _rests(name, rest) else ""


def _cell_at(row: GridRow, at: int) -> str:
    return row.cells[at].strip() if at < len(row.cells) else ""


def _is_project(row: GridRow, positions: dict[str, int]) -> bool:
    """A project's row: it prints a goal or indicators (a unit's row or a heading prints neither)."""
    return any(_cell_at(row, positions[c]) for c in _TEXT_COLUMNS if c in positions)  # (a short row: none)


def _with_name(row: GridRow, at: int, rest: str, before: bool = False) -> GridRow:
    cells = list(row.cells)
    cells[at] = rest + cells[at].lstrip() if before else cells[at].rstrip() + rest
    return GridRow(row.line_no, cells)


_BRACKETED = re.compile(r"[(（\[【〔].*[)）\]】〕]")
_ONE_BRACKET = re.compile(r"[(（][^()（）]*[)）]")


def _after_document(out: list[GridRow], row: GridRow, positions: dict[str, int]) -> GridRow | None:
    """The project row above with a bracketed transfer document printed on the line of one cell after it (its name
    wrapped: …经费（穗财预〔2023〕12号）), or None. The document had been given to the project below."""
    from etl.transform.table import is_document_only  # (table imports this module)

    at = positions.get("project_name", 0)
    text = _lone_cell(row, at)
    if not text or not _BRACKETED.fullmatch(text) or not is_document_only(text) or not out:
        return None
    above = out[-1]
    return _with_name(above, at, text) if _named(above, positions) and _is_project(above, positions) else None


def _document_line(rows: list[GridRow], i: int, positions: dict[str, int]) -> str:
    """What a line of one cell prints before the project row after it, or '': a transfer document (穗财政【2023】79号)
    above the project's named row, or the project's whole name above a row that prints none. Each had been a unit row
    of no amounts: the project under it lost its document and its flag, and a unit named 穗财政【2023】79号 was stored;
    a nameless row (its amounts a reject) left the name a unit for every project after it (round 30)."""
    from etl.transform.table import is_document_only  # (table imports this module)

    at = positions.get("project_name", 0)
    text = _lone_cell(rows[i], at)
    after = rows[i + 1] if i + 1 < len(rows) else None
    if not text or after is None or len(after.cells) <= at or not _is_project(after, positions):
        return ""
    if not _named(after, positions):  # the name on a line of its own, the rest of its row on the next (round 30)
        return text
    if _wrapped_before(text, after.cells[at].strip()):
        return text
    return text if is_document_only(text) and text not in after.cells[at] else ""  # (not printed there already)


def _wrapped_before(text: str, name: str) -> bool:
    """A name wrapped before its bracketed end: 天河区司法局政法网设备运维项目 on a line of its own, (2022-2025年)
    and the rest of the row on the next. The project loaded as (2022-2025年) under a unit of that name (round 32's
    hunt). A name is never one bracket alone; the head ends as a name does (…项目, …经费: not a unit's heading such as
    天河区沙河街道 before 【延续】律师管理业务经费（2024年）, the review of round 32), and is no heading (其中：…, …类,
    …中心) or transfer document."""
    from etl.transform.table import is_document_only  # (table imports this module)

    return (
        bool(_ONE_BRACKET.fullmatch(name))
        and bool(_NAME_END.search(text))
        and not is_document_only(name)
        and not _HEADING.search(text)
        and not _WHOLE_HEADING.search(text)
        and not is_document_only(text)
    )


def _lone_cell(row: GridRow, at: int) -> str:
    """The text of column ``at`` when it is the only cell the row prints, else ''."""
    filled = [k for k, c in enumerate(row.cells) if c.strip()]
    return row.cells[at].strip() if filled == [at] else ""


def _one_cell_lines(rows: list[GridRow], start: int) -> int:
    """How many rows from ``start`` on are lines of one cell (no separator in them), at most MAX_BROKEN_LINES."""
    n = 0
    while start + n < len(rows) and n < MAX_BROKEN_LINES and len(rows[start + n].cells) == 1:
        n += 1
    return n


def _completed(rows: list[GridRow], i: int, width: int, positions: dict[str, int], joined_fits: bool = False) -> int:
    """The lines after the short row i that complete it: lines of one cell, then one whose cells fill the columns
    left exactly, each a cell its column can hold (0: none does; a row that leaves out its empty cells, followed by a
    short row of its own, 调解经费 | 2.00, puts an amount where the indicators go). With ``joined_fits`` (a cell
    other than a goal or indicators broken: a name, 社区矫正和安置 / 帮教经费, or an amount, 82. / 60) the broken cell
    joined must fit its column too: a row of amounts that leaves out its empty cells (司法局 | 83.60), followed by a
    short row, would put that row's name in an amount."""
    lines = _one_cell_lines(rows, i + 1)
    last = i + 1 + lines
    if last >= len(rows) or len(rows[i].cells) + len(rows[last].cells) - 1 != width:
        return 0
    start = len(rows[i].cells)  # the columns the last line fills after the broken cell
    placed = {at: rows[last].cells[at - start + 1] for at in range(start, width)}
    if joined_fits:
        placed[start - 1] = "".join(_joined(rows[i : last + 1]).cells[start - 1].split())
    return lines + 1 if all(_fits(column, placed.get(at, "")) for column, at in positions.items()) else 0


def _fits(column: str, text: str) -> bool:
    """Whether a cell the last line puts in a column can be that column's: an amount under an amount's header, and
    text, not an amount, under 绩效目标 or 绩效指标."""
    text = text.strip()
    if not text:
        return True
    is_amount = bool(_AMOUNT_LIKE.match(text))
    return is_amount if column in AMOUNT_COLUMNS else not (is_amount and column in _TEXT_COLUMNS)


def _more_items(rows: list[GridRow], i: int, positions: dict[str, int]) -> int:
    """How many lines of one cell after the whole row i are more of its packed 绩效指标 (the last cell): the count
    whose joined cell reads best, the fewest on a tie (0: none adds to it)."""
    if positions.get("indicators") != len(rows[i].cells) - 1 or not _named(rows[i], positions):
        return 0
    lines = _one_cell_lines(rows, i + 1)
    if not lines:
        return 0
    text, best, taken = rows[i].cells[-1], _reading(rows[i].cells[-1]), 0
    for n in range(1, lines + 1):
        text += "\n" + rows[i + n].cells[0]
        if (score := _reading(text)) > best:
            best, taken = score, n
    return taken


def _named(row: GridRow, positions: dict[str, int]) -> bool:
    at = positions.get("project_name", 0)
    return at < len(row.cells) and bool(row.cells[at].strip())


def _reading(cell: str) -> tuple[int, int, int]:
    """How well a packed cell reads: (fewer errors, more indicators, more targets)."""
    errors = indicators = targets = 0
    for item in parse_indicators(cell):
        if isinstance(item, Indicator):
            indicators += 1
            targets += (item.period.text is not None) + (item.annual.text is not None)
        else:
            errors += 1
    return -errors, indicators, targets


def _joined(rows: list[GridRow]) -> GridRow:
    """One row of a row and the lines that go on its last cell: each line's first cell continues the cell before,
    after a line break; the last line's other cells are the row's next columns."""
    cells = list(rows[0].cells)
    for row in rows[1:]:
        cells[-1] = f"{cells[-1]}\n{row.cells[0]}"
        cells += row.cells[1:]
    return GridRow(rows[0].line_no, cells)
