"""Department lists with bracket-packed indicators.

Columns: 单位编码 | 单位名称(项目类别/支出项目) | 年度预算安排 | 项目内容 | 绩效目标. Rows: the department
and each unit (with codes: the department's code begins its units' codes), category subtotals
(其他运转类, 本级项目, 特定目标类: no code, no targets) and projects. A project's goal cell::

    【总体目标】<goal text>【产出指标-数量指标】指标1:机柜数量(≥77台) 指标2:…【效益指标-社会效益指标】…

The value of an indicator is its last parenthesised part: (≥0.97比例), (<24小时), (<1681680元),
(正面支撑); the rest is its name. An item without one may print its value after a colon or an equals sign
(指标1:培训人次=≥500人次, 指标2:合格率：100%), as the packed cells of etl.transform.indicators do.
"""

from __future__ import annotations

import re

from etl.extract.columns import header_positions
from etl.model import AggregateRow, Grid, GridRow, Indicator, ProjectRow, Reject, SourceTable, TableRefused
from etl.text import squash, strip_tags
from etl.transform.header import (
    clean_department,
    column_unit,
    parse_header,
    table_with_unit,
    without_unit_lines,
)
from etl.transform.indicator_types import resolve_type
from etl.transform.indicators import EQUALS
from etl.transform.page_totals import page_row_kind
from etl.transform.per_row import split_code
from etl.transform.table import is_grand_total, split_transfer_doc, sub_header, with_sub_header
from etl.transform.target_values import parse_target_value

# a heading 【L1-L2】; one whose 】 was left out ends before its first item (【产出指标-质量指标指标1:…): it ran to the
# next heading's 】, the section's items read as a type named 质量指标指标1:设备完好率(≥0.97比例) 【产出指标-时效指标
_HEADING = re.compile(r"【([^【】]*?)(?:】|(?=指标\s*\d{1,3}\s*[:：]))")
# the brackets a heading is printed in: 【产出指标-数量指标】 as in the lists seen, and the pairs other exports print
# ([…], ［…］, 〔…〕, 〖…〗, {…}); read as 【…】 (with them the list was read as a packed one, its projects with no
# targets)
HEADING_BRACKETS: tuple[tuple[str, str], ...] = (
    ("【", "】"),
    ("[", "]"),
    ("［", "］"),
    ("〔", "〕"),
    ("〖", "〗"),
    ("{", "}"),
    ("｛", "｝"),
    ("﹝", "﹞"),
)
_OTHER_BRACKETS = HEADING_BRACKETS[1:]
_ANY_BRACKET = re.escape("".join(o + c for o, c in HEADING_BRACKETS))
# another pair is a heading only around a heading's words, a type's (…指标) or the goal's (总体目标): never a document
# number (穗财政〔2023〕79号) or a value's note ([注1]); closed by its own bracket, or (like 【) left open before 指标1:
_OTHER_HEADING = re.compile(
    "|".join(
        rf"{re.escape(o)}\s*([^{_ANY_BRACKET}]{{0,40}}?(?:指标|目标))\s*(?:{re.escape(c)}|(?=指标\s*\d{{1,3}}\s*[:：]))"
        for o, c in _OTHER_BRACKETS
    )
)
_OTHER_OPENINGS = frozenset(o for o, _ in _OTHER_BRACKETS)
_OTHER_CLOSINGS = frozenset(c for _, c in _OTHER_BRACKETS)
_ITEM = re.compile(r"(?:^|(?<=[\s;；,，。)）]))指标\s*(\d{1,3})\s*[:：]\s*")
_TYPE_SEP = re.compile(r"\s*[-－—/]\s*")
_CODE = re.compile(r"^\d{2,}$")
_TRAILING = " \t\r\n;；,，。、"


def last_parenthesised(body: str) -> tuple[str, str | None]:
    """机柜数量(≥77台) -> ('机柜数量', '≥77台'); a body with no closing bracket at its end has no value. A remark
    printed after a number's brackets is the name's, not the target: 机柜数量(≥77台)(含备用) -> ('机柜数量(含备用)',
    '≥77台') (it was read as the target 含备用, the number lost). A remark is a last part without a digit, one that
    begins with a remark's word (含, 不含, 其中, 包括, 注 …: 机柜数量(≥77台)(含2个备用)) and prints no comparison, or
    one that prints no comparison after a part that does (系统可用性(≥99.9%)(7×24小时))."""
    text = body.strip().rstrip(_TRAILING)
    name, value = _split_last(text)
    if value is None or (_NUMBER.search(value) and not _may_be_remark(value)):
        return name, value
    before, earlier = _split_last(name)
    if earlier is not None and _NUMBER.search(earlier) and _is_remark(value, earlier):
        return before + text[len(name) :].strip(), earlier  # the remark with its brackets as printed
    return name, value


_NUMBER = re.compile(r"\d")
_REMARK_WORD = re.compile(r"^(?:含|不含|包含|包括|不包括|其中|另含|另有|另|注|备注|除|即)")
_COMPARISON = re.compile(r"[≥≤＞＜><=＝≧≦]|不少于|不低于|不高于|不超过|不多于|不大于|不小于|至少|以上|以下|以内")


def _may_be_remark(value: str) -> bool:
    """Whether a last bracketed part printing a digit may be a remark: it prints no comparison."""
    return _COMPARISON.search(value) is None


def _is_remark(value: str, earlier: str) -> bool:
    """Whether the last bracketed part is a remark to the earlier part, which holds a digit: it holds no digit,
    begins with a remark's word, or the earlier part prints a comparison (a last part with a digit and a comparison
    is the value, never asked about)."""
    return not _NUMBER.search(value) or bool(_REMARK_WORD.match(value) or _COMPARISON.search(earlier))


def _split_last(text: str) -> tuple[str, str | None]:
    """The text before its last bracketed part, and that part's content (None when it does not end with one). A last
    part whose closing bracket was left out is one when it reads as a target (机柜数量(≥77台: it was the name)."""
    if not text.endswith((")", "）")):
        return _unclosed(text)
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        ch = text[i]
        depth += ch in ")）"
        depth -= ch in "(（"
        if depth == 0:
            return text[:i].strip(), text[i + 1 : -1].strip()
    return text.strip(), None


_UNCLOSED = re.compile(r"^(?P<name>.*\S)\s*[(（](?P<value>[^()（）]*(?:\d|[≥≤＞＜><=＝≧≦])[^()（）]*)$", re.S)


def _unclosed(text: str) -> tuple[str, str | None]:
    """机柜数量(≥77台 -> ('机柜数量', '≥77台'): a last bracket never closed, holding a digit or a comparison."""
    if "(" not in text and "（" not in text:
        return text.strip(), None
    m = _UNCLOSED.match(text.strip())
    return (m["name"].strip(), m["value"].strip()) if m else (text.strip(), None)


# name, then : ： = or ＝ (not the = of >= or <=), then a value holding no colon: the name may hold an = when a colon
# follows it (得分(=各项之和)：≥90分)
_NAME_VALUE = re.compile(rf"^(?P<name>.+?)\s*(?:[:：]|{EQUALS})\s*(?P<value>[^:：]+?)$", re.S)


def name_and_value(body: str) -> tuple[str, str | None]:
    """机柜数量(≥77台) -> ('机柜数量', '≥77台'); without a value in brackets, 培训人次=≥500人次 ->
    ('培训人次', '≥500人次') (read as one name with no value, the target was lost)."""
    name, value = last_parenthesised(body)
    if value is None and (m := _NAME_VALUE.match(name)):
        return m["name"].strip(), m["value"].strip()
    return name, value


def with_heading_brackets(text: str) -> str:
    """The text with its headings in another pair of brackets ([产出指标-数量指标], 〔总体目标〕) printed in 【】, as
    split_goal_cell reads them; the text as it is when it has none of those brackets (the common case)."""
    if _OTHER_OPENINGS.isdisjoint(text):
        return text
    return _OTHER_HEADING.sub(_as_heading, text)


def _as_heading(m: re.Match[str]) -> str:
    """【words】 for a heading (【words when left open, as 【 left open is read); the text as printed for words in
    brackets inside a goal or an item (按[考核指标]完成, 实现[年度目标]), as another pair also prints notes: a heading
    is a type's pair (产出指标-数量指标), or words an item or a heading follows, or the goal's words (总体目标) first
    in the cell."""
    words, closed = next(g for g in m.groups() if g is not None), m.group(0)[-1] in _OTHER_CLOSINGS
    if words.endswith("目标"):
        heading = not m.string[: m.start()].strip()
    else:
        heading = not closed or bool(_TYPE_SEP.search(words) or _SECTION_STARTS.match(m.string, m.end()))
    if not heading:
        return m.group(0)
    return f"【{words}】" if closed else f"【{words}"


# what follows a heading: an item (指标1:, 1. 1、 （1）; not 1.5), another heading, or the end of the cell
_SECTION_STARTS = re.compile(rf"\s*(?:指标\s*\d{{1,3}}\s*[:：]|[(（]?\d{{1,3}}\s*[、.．)）](?!\d)|[{_ANY_BRACKET}]|$)")


def has_bracket_sections(cell: str) -> bool:
    """Whether a goal cell holds an indicator section under a heading in another pair of brackets
    ([产出指标-数量指标]指标1:…): a goal text that only prints such a bracket (穗财政〔2023〕79号) holds none."""
    return "指标" in cell and not _OTHER_OPENINGS.isdisjoint(cell) and bool(split_goal_cell(cell)[1])


def split_goal_cell(cell: str) -> tuple[str, list[tuple[str, str]]]:
    """(goal text, [(heading, body)]) from a goal cell: 【总体目标】… then 【L1-L2】… sections."""
    parts = _HEADING.split(with_heading_brackets(squash(strip_tags(cell))))
    goal = [parts[0].strip()] if parts[0].strip() else []
    sections = []
    level1 = ""  # 【产出指标】【数量指标】指标1:…: a level-1 heading with nothing under it, then the level-2 one
    for k in range(1, len(parts) - 1, 2):
        heading, body = parts[k].strip(), parts[k + 1].strip()
        if "指标" in heading and _TYPE_SEP.search(heading):
            sections.append((heading, body))
        elif "指标" in heading and not body:
            level1 = heading
        elif "指标" in heading and _ITEM.search(body):  # 【数量指标】指标1:… (the level 1 above it, or none)
            sections.append((f"{level1}-{heading}" if level1 else f"-{heading}", body))
        elif body:
            goal.append(body)
    return " ".join(goal), sections


def section_indicators(heading: str, body: str, start: int) -> list[Indicator]:
    level1, level2 = _split_heading(heading)
    items = _ITEM.split(body)
    out = []
    for k in range(1, len(items) - 1, 2):
        name, value = name_and_value(items[k + 1])
        out.append(
            _indicator(start + len(out), level1, level2, name, value, f"【{heading}】指标{items[k]}:{items[k + 1]}")
        )
    if not out and body.strip():
        for piece in _other_items(body):
            name, value = name_and_value(piece)
            out.append(_indicator(start + len(out), level1, level2, name, value, f"【{heading}】{piece}"))
    return out


_NUMBERED = re.compile(r"(?:^|(?<=[\s;；,，。)）]))(?:(\d{1,3})\s*[、.．]|[（(](\d{1,3})[)）])\s*")


def _other_items(body: str) -> list[str]:
    """A section's items without 指标N: numbered 1. 1、 （1） in sequence, else parts between ； that each print
    their value ((value) at the end, or after = or a colon); else the body is one item. (Read as one,
    1.机柜数量(≥77台) 2.网络链路条数(≥12条) was one indicator named by both, valued by the last.)"""
    starts: list[tuple[int, int]] = []
    for m in _NUMBERED.finditer(body):
        if int(m[1] or m[2]) == len(starts) + 1:
            starts.append((m.start(), m.end()))
    if len(starts) >= 2 and not body[: starts[0][0]].strip():
        ends = [s for s, _ in starts[1:]] + [len(body)]
        return [body[b:e] for (_, b), e in zip(starts, ends, strict=True)]
    pieces = [p.strip() for p in re.split(r"[;；]", body) if p.strip()]
    if len(pieces) >= 2 and all(name_and_value(p)[1] is not None for p in pieces):
        return pieces
    return [body]


def _split_heading(heading: str) -> tuple[str, str]:
    """产出指标-数量指标 -> (产出指标, 数量指标)."""
    parts = _TYPE_SEP.split(heading, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (heading, "")


def _indicator(seq: int, level1: str, level2: str, name: str, value: str | None, raw: str) -> Indicator:
    l1c, l1n = split_code(level1)
    l2c, l2n = split_code(level2)
    key, misparented = resolve_type(l1c, l1n, l2c, l2n)
    return Indicator(
        seq=seq,
        level1_code=l1c,
        level1_name=l1n,
        level2_code=l2c,
        level2_name=l2n,
        name=name,
        period=parse_target_value(None, name),
        annual=parse_target_value(value, name),
        raw_text=raw.strip()[:2000],
        type_key=key,
        is_misparented=misparented,
    )


def parse_bracket_table(grid: Grid, year: int | None = None) -> SourceTable:
    """Grid -> SourceTable: coded group rows and category rows are aggregates, rows with targets projects."""
    header = parse_header(grid.preamble)
    positions = header_positions(grid.rows[0].cells)[0]
    rows, header_rows = grid.rows[1:], grid.rows[:1]
    if rows and (sub := sub_header(rows[0].cells)):
        positions, rows, header_rows = with_sub_header(positions, sub), rows[1:], grid.rows[:2]
    table = table_with_unit(grid, header, year, column_unit(grid.path, header_rows))
    unit = ""
    for row in without_unit_lines(rows):  # 单位：元 under the table: read (or refused) as the unit, not a row
        unit = _row(table, row, positions, unit)
    _kinds(table)
    table.department_name = clean_department(table.department_name)  # a department row's name, as a title's
    if not table.department_name:
        raise TableRefused(grid.path, "no department: neither a 部门名称 line nor a department row")
    return table


def _cell(cells: list[str], positions: dict[str, int], column: str) -> str:
    i = positions.get(column)
    return squash(strip_tags(cells[i])) if i is not None and i < len(cells) else ""


def _row(table: SourceTable, row: GridRow, positions: dict[str, int], unit: str) -> str:
    cells = row.cells
    name, code = _cell(cells, positions, "project_name"), _cell(cells, positions, "code")
    if not name:
        if any(c.strip() for c in cells):
            table.rejects.append(Reject(str(table.path), row.line_no, "\t".join(cells)[:2000], "row has no name"))
        return unit
    raw = {"total": _cell(cells, positions, "total")}
    for column in ("fiscal", "special_account", "other"):
        raw[column] = _cell(cells, positions, column)
    goal, sections = split_goal_cell(_cell(cells, positions, "goal"))
    if sections:  # a project, whether or not a code is printed beside it
        table.projects.append(_project(row, name, unit or table.department_name, raw, goal, sections))
    elif page := page_row_kind(name):  # 本页合计 at a page break: no category of the projects after it
        table.aggregates.append(AggregateRow(row.line_no, page, name, raw))
    elif is_grand_total(name):
        table.aggregates.append(AggregateRow(row.line_no, "grand_total", name, raw))
    elif _CODE.match(code):
        table.aggregates.append(AggregateRow(row.line_no, "unit_subtotal", name, raw, code=code))
        return name
    else:
        table.aggregates.append(AggregateRow(row.line_no, "category", name, raw))
    return unit


def _project(
    row: GridRow, name: str, unit: str, raw: dict[str, str], goal: str, sections: list[tuple[str, str]]
) -> ProjectRow:
    doc, project_name = split_transfer_doc(name)
    project = ProjectRow(row.line_no, unit, name, project_name, doc, raw, goal)
    seen: set[tuple] = set()
    for heading, body in sections:
        for ind in section_indicators(heading, body, len(project.indicators) + 1):
            fingerprint = (ind.type_key, ind.name, ind.annual.text)
            ind.is_duplicate = fingerprint in seen
            seen.add(fingerprint)
            project.indicators.append(ind)
    return project


def _kinds(table: SourceTable) -> None:
    """A coded row whose code begins another coded row's code is the department (the table's total)."""
    coded = [a for a in table.aggregates if a.code]
    for agg in coded:
        if any(o.code != agg.code and o.code.startswith(agg.code) for o in coded):
            agg.kind = "grand_total"
            table.department_name = table.department_name or agg.name
    first = table.aggregates[0] if table.aggregates else None
    before_projects = first is not None and (not table.projects or first.line_no < table.projects[0].line_no)
    if (
        coded
        and first
        and first.kind == "category"
        and before_projects
        and not any(a.kind == "grand_total" for a in coded)
    ):
        first.kind = "grand_total"  # the department's own row, printed without a code above its units
        table.department_name = table.department_name or first.name
    if not table.department_name and coded:
        table.department_name = coded[0].name
