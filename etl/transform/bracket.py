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

from etl.model import AggregateRow, Grid, GridRow, Indicator, ProjectRow, Reject, SourceTable, TableRefused
from etl.text import squash, strip_tags
from etl.transform.cut_rows import refuse_cut_bracket
from etl.transform.department import department_in_title
from etl.transform.header import (
    clean_department,
    column_unit,
    parse_header,
    table_with_unit,
    without_unit_lines,
)
from etl.transform.indicator_types import is_level1_name, is_level2_name, resolve_type
from etl.transform.indicators import EQUALS
from etl.transform.page_totals import page_row_kind
from etl.transform.per_row import split_code
from etl.transform.table import (
    drop_repeated_headers,
    header_block,
    is_grand_total,
    refuse_unknown_sub_columns,
    restore_leading_cells,
    split_transfer_doc,
)
from etl.transform.target_values import parse_target_value

# a heading 【L1-L2】; one whose 】 was left out ends before its first item (【产出指标-质量指标指标1:…): it ran to the
# next heading's 】, the section's items read as a type named 质量指标指标1:设备完好率(≥0.97比例) 【产出指标-时效指标;
# or before a first item numbered 1. or 1、 after its type (【产出指标-数量指标1.机柜数量…: kept in the goal)
_HEADING = re.compile(
    r"【([^【】]*?)(?:】|(?=指标\s*\d{1,3}\s*[:：])|(?<=指标)(?=\s*(?:指标\s*)?1\s*(?:、|[.．](?!\d))))"
)
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
# an item: 指标1: (or 指标1、 指标1. as other lists print it: 指标1.机柜数量(≥77台) 指标2.… was one indicator)
ITEM = re.compile(r"(?:^|(?<=[\s;；,，。)）]))指标\s*(\d{1,3})\s*(?:[:：、]|[.．](?!\d))\s*")
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
    ('培训人次', '≥500人次') (read as one name with no value, the target was lost), or a target glued to the name
    after its comparison sign: 机柜数量≥77台 -> ('机柜数量', '≥77台')."""
    name, value = last_parenthesised(body)
    if value is None and (m := _NAME_VALUE.match(name)):
        return m["name"].strip(), m["value"].strip()
    if value is None or (_REMARK_WORD.match(value) and not _NUMBER.search(value)):  # 覆盖率≥95%（含）
        glued = _GLUED.match(body.strip().rstrip(_TRAILING))
        if glued and parse_target_value(glued["value"]).status == "quantitative":
            return glued["name"].strip(), glued["value"].strip()
    if value is None and (m := _TARGET_THEN_WORDS.match(name)) and _is_remark_after(m["after"]):
        return f"{m['name']}{m['after']}".strip(), m["value"].strip()  # 机柜数量(≥77台)详见附件: the name's words
    return name, value


# a bracketed target (a comparison or a percent in it) and words after it: 机柜数量(≥77台)详见附件 (no value: the
# target was lost into the name)
_TARGET_THEN_WORDS = re.compile(
    r"^(?P<name>.*?\S)\s*[(（](?P<value>[^()（）]*(?:[≥≤＞＜><=＝≧≦%％]|不少于|不低于|不超过|不高于|至少)[^()（）]*)[)）]"
    r"(?P<after>[^()（）]+)$",
    re.S,
)


def _is_remark_after(words: str) -> bool:
    """Words after a target that are a remark to the name: none of them a digit (详见附件), or a remark's words
    first (含2个备用)."""
    words = words.strip()
    return bool(words) and (not _NUMBER.search(words) or bool(_REMARK_WORD.match(words)))


# a name without a digit or a bracket, then a target beginning with its comparison sign (响应时间≤24小时, 满意度＞90%)
_SIGNS = "≥≤＞＜><≧≦⩾⩽"
_GLUED = re.compile(rf"^(?P<name>[^\d()（）{_SIGNS}]*[^\d\s()（）{_SIGNS}])\s*(?P<value>[{_SIGNS}].*)$", re.S)


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
_SECTION_STARTS = re.compile(
    rf"\s*(?:指标\s*\d{{1,3}}\s*(?:[:：、]|[.．](?!\d))|[(（]?\d{{1,3}}\s*[、.．)）](?!\d)|[\u2460-\u249b]"
    rf"|[一二三四五六七八九十]{{1,3}}\s*、|[{_ANY_BRACKET}]|$)"
)


def has_bracket_sections(cell: str) -> bool:
    """Whether a goal cell holds an indicator section under a heading in another pair of brackets
    ([产出指标-数量指标]指标1:…): a goal text that only prints such a bracket (穗财政〔2023〕79号) holds none."""
    return "指标" in cell and not _OTHER_OPENINGS.isdisjoint(cell) and bool(split_goal_cell(cell)[1])


def heads_items(cell: str) -> bool:
    """Whether a goal cell's 【】 headings head indicator items: a list printing no 指标 at all (【总体目标】…
    【】1.机柜数量(≥77台) 2.…) is a bracket list too; a goal's heading (【总体目标】), a document's number
    (穗财政【2023】79号) or numbered sentences under 【】 (1.保障运行。2.…) head none."""
    return "【" in cell and bool(split_goal_cell(cell)[1])


def split_goal_cell(cell: str) -> tuple[str, list[tuple[str, str]]]:
    """(goal text, [(heading, body)]) from a goal cell: 【总体目标】… then 【L1-L2】… sections. A heading naming
    one type (【数量指标】, 【产出指标】) heads that type's items, a level 2 under the level 1 above it (else its
    parent in the type tree); an empty or general one (【】, 【绩效指标】) heads items of no type when they read as
    items."""
    goal, sections = [], []
    level1 = ""  # 【产出指标】【数量指标】指标1:…: a level-1 heading with nothing under it, then the level-2 one
    for heading, body in headed_parts(with_heading_brackets(squash(strip_tags(cell)))):
        items, section = _section_body(body), None
        if heading is not None:
            section, level1 = _section(heading, items, level1)
        if section is not None:
            sections += _level2_parts(section, items)
        elif heading is None or items:  # (not the - of 【产出指标】-【数量指标】)
            goal += [body.strip()] if body.strip() else []
    return " ".join(goal), sections


# 【words】 that are no heading: a digit without a heading's words, as a document's year (穗财政【2023】79号) or a
# remark (【含2个机房】) prints: kept in the text (a heading, their words were lost and the text after them moved)
_NO_HEADING = re.compile(r"^(?!.*(?:指标|目标)).*\d", re.S)


def headed_parts(text: str) -> list[tuple[str | None, str]]:
    """[(None, text before the first heading), (heading, its body) …]."""
    parts: list[tuple[str | None, str]] = []
    heading, at = None, 0
    for m in _HEADING.finditer(text):
        if _NO_HEADING.match(m[1]):
            continue
        parts.append((heading, text[at : m.start()]))
        heading, at = m[1].strip().strip(":：").strip(), m.end()
    parts.append((heading, text[at:]))
    return parts


def _section_body(body: str) -> str:
    """A section's body without a colon after its heading (【数量指标】：1.…); none when it prints no word or number
    (【产出指标】-【数量指标】)."""
    body = body.strip().lstrip(":：").strip()
    return body if _WORD.search(body) else ""


_WORD = re.compile(r"\w")
_DIGIT = re.compile(r"\d")
_UNTYPED = frozenset({"", "指标", "绩效指标"})  # a heading over indicators that names no type


def _section(heading: str, body: str, level1: str) -> tuple[str | None, str]:
    """(The section heading, L1-L2, of the items under a heading, None when its body is goal text; the level 1 the
    headings after it are under.) 【产出指标-数量指标】 as printed; 【数量指标】 -数量指标, or 产出指标-数量指标
    under 【产出指标】 with nothing under it; 【产出指标】1.… 产出指标- (a level 1 alone); 【】 and 【绩效指标】 no
    type when their items read as items: numbered sentences (【】1.保障运行。2.提升服务。) are a goal's
    (1.机柜数量(≥77台) 2.… are items: each prints its value). A goal's heading (【总体目标】) is none."""
    if heading in _UNTYPED:
        return ("" if body and _reads_as_items(body) else None), level1
    l1, l2 = _split_heading(heading)
    if l1 and l2:  # a pair: 产出指标-数量指标 as before, or two types' names parted otherwise (产出指标：数量指标)
        pair = ("指标" in heading and _TYPE_SEP.search(heading)) or (_type_like(l1) and _type_like(l2))
        return (heading, l1) if pair else (None, level1)
    name = l1 or l2
    if not _type_like(name):
        return None, level1
    if not body:
        return None, name
    # 【考核指标】 over sentences, or a type printed without 指标 over words of no number (【社会效益】提升服务水平。):
    # a goal's, unless its body reads as items each printing its value (【数量】机柜数量(≥77台)；… are items)
    bare_type = not split_code(name)[1].endswith("指标") and not _DIGIT.search(body)
    if (not _type_name(name) or bare_type) and not _reads_as_items(body):
        return None, level1
    bare = split_code(name)[1]
    if is_level1_name(bare) and not is_level2_name(bare):
        return f"{name}-", ""  # its own items: the headings after it are its siblings (满意度指标 is no level 2 of it)
    return f"{level1}-{name}", level1


# a level 2 printed inside a level 1's body, with a colon: 【产出指标】数量指标：1.机柜数量(≥77台) … 质量指标：…
_LEVEL2_IN_BODY = re.compile(r"(?:^|(?<=[\s;；,，。)）]))([^\W\d_]{2,16}指标)\s*[:：]\s*")


def _level2_parts(section: str, body: str) -> list[tuple[str, str]]:
    """A level-1 section (产出指标-) whose body begins with a level 2 and a colon, cut at each level 2 so printed (each
    item was named 数量指标：机柜数量, or 数量指标 valued 机柜数量≥77台); any other section as it is."""
    if not section.endswith("-"):
        return [(section, body)]
    cuts = [m for m in _LEVEL2_IN_BODY.finditer(body) if is_level2_name(m[1])]
    if not cuts or cuts[0].start() != 0:
        return [(section, body)]
    ends = [m.start() for m in cuts[1:]] + [len(body)]
    return [(f"{section}{m[1]}", body[m.end() : end].strip()) for m, end in zip(cuts, ends, strict=True)]


def _type_like(name: str) -> bool:
    """A type's name: one ending in 指标, or one the type tree knows (产出, 数量); not 总体目标 or 注."""
    return split_code(name)[1].endswith("指标") or _type_name(name)


def _type_name(name: str) -> bool:
    """产出, 数量, 社会效益 …: a name the type tree knows at either level (a heading printed without 指标)."""
    bare = split_code(name)[1]
    return is_level1_name(bare) or is_level2_name(bare)


def _reads_as_items(body: str) -> bool:
    """Whether a body under a heading of no type is indicators: items (指标1:, or numbered 1. 1、 （1） ①) each
    printing its value, in brackets at its end or, as a target (a number), after = or a colon."""
    if ITEM.search(body):
        return True
    pieces = _numbered_items(body)
    return bool(pieces) and all(_prints_value(p) for p in pieces)


def _prints_value(item: str) -> bool:
    if last_parenthesised(item)[1] is not None:
        return True
    value = name_and_value(item)[1]
    return value is not None and parse_target_value(value).status == "quantitative"


def section_indicators(heading: str, body: str, start: int) -> list[Indicator]:
    level1, level2 = _split_heading(heading)
    printed = heading.strip("-")  # 【数量指标】 as printed, not 【-数量指标】
    items = ITEM.split(body)
    pieces = [(f"指标{items[k]}:", items[k + 1]) for k in range(1, len(items) - 1, 2)]
    if not pieces and body.strip():
        pieces = [("", piece) for piece in _other_items(body)]
    out = []
    for mark, piece in pieces:
        types, text = ((level1, level2), piece) if level1 or level2 else _types_in_item(piece)
        name, value = name_and_value(text)
        out.append(_indicator(start + len(out), *types, name, value, f"【{printed}】{mark}{piece}"))
    return out


def _types_in_item(item: str) -> tuple[tuple[str, str], str]:
    """((level 1, level 2), the rest) of an item under a heading of no type (【】, 【绩效指标】) that begins with two
    types' names (it was named 产出指标-数量指标-机柜数量, of no type); else (('', ''), the item)."""
    m = _TYPES_IN_ITEM.match(item)
    if m and is_level1_name(split_code(m[1])[1]) and is_level2_name(split_code(m[2])[1]):
        return (m[1], m[2]), item[m.end() :]
    return ("", ""), item


# an item's number after a boundary: 1、 1. 1．, (1) （1） 1) 1）, ① ⑴ ⒈, or 一、 (not 1.5, a number's point)
_NUMBERED = re.compile(
    r"(?:^|(?<=[\s;；,，。)）]))(?:(?P<d>\d{1,3})\s*(?:、|[.．](?!\d)|[)）])|[（(](?P<b>\d{1,3})[)）]"
    r"|(?P<c>[\u2460-\u2473\u2474-\u2487\u2488-\u249b])|(?P<h>[一二三四五六七八九十]{1,3})\s*、)\s*"
)
# an item's number run on from the value before it, without a boundary (1.机柜数量：≥77台2.网络链路条数：≥12条: one
# item named 机柜数量：≥77台2.网络链路条数); read only after an item that prints its value
_RUN_ON = re.compile(r"(?<![\d\s;；,，。)）])(?P<d>\d{1,3})\s*(?:、|[.．](?!\d))(?P<b>)(?P<c>)(?P<h>)\s*")
_HAN_DIGITS = {c: k for k, c in enumerate("一二三四五六七八九", 1)}


def _item_number(m: re.Match[str]) -> int:
    """The number of an item mark: 3 for 3、 （3） ③ ⑶ ⒊ or 三、 (十二、 is 12); 0 for none (十十、)."""
    if m["d"] or m["b"]:
        return int(m["d"] or m["b"])
    if m["c"]:
        return (ord(m["c"]) - 0x2460) % 20 + 1
    tens, _, units = m["h"].rpartition("十")
    if "十" not in m["h"]:
        return _HAN_DIGITS.get(units, 0) if len(units) == 1 else 0
    if "十" in tens or len(tens) > 1 or len(units) > 1:
        return 0
    return (_HAN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_HAN_DIGITS.get(units, 0) if units else 0)


def _numbered_items(body: str) -> list[str]:
    """The items of a body numbered from its start 1, 2, 3 … in sequence (1. 1、 （1） ① 一、), without their
    numbers; [] when it is not so numbered."""
    starts: list[tuple[int, int]] = []
    for m in sorted((*_NUMBERED.finditer(body), *_RUN_ON.finditer(body)), key=lambda m: m.start()):
        if _item_number(m) != len(starts) + 1:
            continue
        if m.re is _RUN_ON and not (starts and _ends_with_value(body[starts[-1][1] : m.start()])):
            continue  # 第2、3季度, (≥77台)含2、3号: no item, as the text before it does not end with its value
        starts.append((m.start(), m.end()))
    if not starts or body[: starts[0][0]].strip():
        return []
    ends = [s for s, _ in starts[1:]] + [len(body)]
    return [body[b:e] for (_, b), e in zip(starts, ends, strict=True)]


def _ends_with_value(item: str) -> bool:
    value = name_and_value(item)[1]
    return value is not None and item.rstrip().endswith(value)


def _other_items(body: str) -> list[str]:
    """A section's items without 指标N: numbered 1. 1、 （1） ① in sequence, else parts between ； that each print
    their value ((value) at the end, or after = or a colon), else parts after a target in brackets (机柜数量(≥77台)，
    网络链路条数(≥12条)); else the body is one item. (Read as one, 1.机柜数量(≥77台) 2.网络链路条数(≥12条) was one
    indicator named by both, valued by the last.)"""
    if numbered := _numbered_items(body):
        return numbered
    pieces = [p.strip() for p in _outside_brackets(body, ";；") if p.strip()]
    if len(pieces) >= 2 and all(name_and_value(p)[1] is not None for p in pieces):
        return pieces
    return _after_targets(body)


def _outside_brackets(text: str, separators: str) -> list[str]:
    """The text cut at each separator outside round brackets: 机柜数量(≥77台；含备用)；网络链路条数(≥12条) is two parts
    (cut inside the bracket too, no part read as a value and the two were one indicator)."""
    parts, depth, at = [], 0, 0
    for i, ch in enumerate(text):
        depth = max(0, depth + (ch in "(（") - (ch in ")）"))
        if ch in separators and depth == 0:
            parts.append(text[at:i])
            at = i + 1
    return [*parts, text[at:]]


# a closing bracket, then a comma, 、 or a space before the next item
_AFTER_BRACKET = re.compile(r"(?<=[)）])\s*[,，、\s]\s*(?=\S)")


def _after_targets(body: str) -> list[str]:
    """The body cut after each bracketed target (a digit or a comparison in it) followed by a comma, 、 or a space,
    when every part has a name and a value; else the body as one item (宣传(线上)，培训(≥3场) is one)."""
    pieces, at = [], 0
    for m in _AFTER_BRACKET.finditer(body):
        value = last_parenthesised(body[at : m.start()])[1]
        if value is not None and (_NUMBER.search(value) or _COMPARISON.search(value)):
            pieces.append(body[at : m.start()])
            at = m.end()
    pieces.append(body[at:])
    if len(pieces) >= 2 and all(all(name_and_value(p)) for p in pieces):
        return pieces
    return [body]


# a heading's two levels, each with its code or without, parted by - — / : ， ； (产出指标-数量指标, 产出指标：数量指标,
# 1-产出指标-11-数量指标, 产出指标——数量指标); labels before them (一级指标：产出指标；二级指标：数量指标) dropped
_LEVEL_SEP = "-－—–/／:：,，;；"
_LEVELS = re.compile(
    rf"^(?P<l1>(?:\d{{1,2}}\s*[-－—–]\s*)?[^{_LEVEL_SEP}]*?)\s*(?:[{_LEVEL_SEP}]+\s*(?P<l2>.*?))?\s*$", re.S
)
_LEVEL_LABEL = re.compile(r"[一二]级指标(?:名称)?\s*[:：]\s*")
# an item of no heading's type printing its own: 产出指标-数量指标-机柜数量(≥77台), 产出指标：数量指标：…
_TYPE_NAME = rf"([^{_LEVEL_SEP}]{{1,16}}?)\s*[{_LEVEL_SEP}]+\s*"
_TYPES_IN_ITEM = re.compile(rf"^\s*{_TYPE_NAME}{_TYPE_NAME}")


def _split_heading(heading: str) -> tuple[str, str]:
    """产出指标-数量指标 -> (产出指标, 数量指标); 1-产出指标-11-数量指标 -> (1-产出指标, 11-数量指标) (it was (1,
    产出指标-11-数量指标), an unknown type); -数量指标 -> ('', 数量指标); 产出指标- -> (产出指标, '')."""
    m = _LEVELS.match(_LEVEL_LABEL.sub("", heading).strip())
    if m is None:
        return heading, ""
    return _COUNTED.sub("", m["l1"]).strip(), _COUNTED.sub("", m["l2"] or "").strip()


# a score or a count after a type's name: 产出指标（50分）, 数量指标(共2项) (an unknown type 数量指标(共2项)); words
# without a digit stay (时效指标(工期指标…) is a name the type tree knows)
_COUNTED = re.compile(r"\s*[(（][^()（）]*\d[^()（）]*[)）]\s*$")


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
    # a header on two rows or three, read as the other layouts read it (资金情况 over 总计 | 其中 over 财政拨款 | …: the
    # third row was a row of no name, rejected, and the parts under it unread; a dump leaving out its empty cells
    # loaded its header's rows as aggregates and every amount as 0)
    positions, header_rows, rows = header_block(grid.rows[0], grid.rows[1:])
    refuse_unknown_sub_columns(grid.path, header_rows, rows, positions)
    table = table_with_unit(grid, header, year, column_unit(grid.path, header_rows))
    rows = drop_repeated_headers(rows, positions, grid.rows[0].cells)  # printed again at a page break: read once
    rows = restore_leading_cells(rows, positions, len(grid.rows[0].cells))  # a text export's empty code cells
    unit, rows = "", without_unit_lines(rows)  # 单位：元 under the table: read (or refused) as the unit, not a row
    for row in rows:
        unit = _row(table, row, positions, unit)
    refuse_cut_bracket(table, rows, positions)  # a text cut off inside its last row
    _kinds(table)
    named = table.department_name or header.preparer or department_in_title(table.title)
    table.department_name = clean_department(named or "")
    if not table.department_name:  # (a department row's name, else a title's that begins with it)
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
