"""Split a packed 绩效指标 cell into indicators.

Grammar of one item (full- or half-width punctuation, spaces optional)::

    N、[<L1 code>-]<L1 name>：[<L2 code>-]<L2 name>[：；]<name>；实施周期指标值:<v>[；年度指标值:<v>]。

The type codes may be left out (1、产出指标：数量指标：…): the names then decide the type, as in the other layouts.
A code's dash may be full-width or an em dash (1－产出指标：11－数量指标：…, 1—产出指标：…).
The types may be parted by / (1、1-产出指标/11-数量指标/…), and an item may print its name and value without a
label, parted by a colon or an equals sign (…：培训人次：500人次, …/培训人次=≥500人次; half- or full-width), or
nothing: the value glued to the name (…：培训人数200人次, 满意度≥90%). Items of no type and no label, numbered 1. 1、
1． (1.完成率100%2.培训人数200人次3.满意度≥90%), are read when the split is unambiguous (see _plain_items).

Items follow each other in numbering order. A ``。`` may stand inside a value, so an item ends
only where the next number in sequence begins. The item's final ``。`` is punctuation and is
dropped; any other text is kept exactly as printed.

An item number stands at the start of the cell or after a boundary (。 . ; > or a space). Where an export
dropped the boundary (a paragraph or <br> per item, joined: ``…年度指标值:100%2、1-产出指标：…``), the number in
sequence is still a start when a whole level-1 type (``1-产出指标：``) follows it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from functools import lru_cache
from sys import intern

from etl.extract.invisible import visible_name
from etl.model import Indicator, TargetValue
from etl.text import fold, read_references, squash, strip_tags
from etl.transform.indicator_types import resolve_type
from etl.transform.outline_items import outline_items
from etl.transform.target_values import parse_target_value

# an item starts at 1-3 digits, then 、 . or ．, then a type code or a level-1 type's name and a colon (1、1-产出指标：,
# 1、产出指标：); the mark is scanned for, then the digits read backwards: see _item_starts
# a type by its name alone: 产出指标：, 满意度指标：, 产出指标/, 产出指标-
_NAMED_TYPE = r"[^\W\d_]{1,10}指标\s*[:：/／\-－—]"
_DASH = r"[-－—]"  # between a type's code and its name: 1-产出指标, 1－产出指标 (full-width), 1—产出指标 (an em dash)
# an item's number: before a code and "-" (1、1-产出指标), or a code, a wide dash and a type (1、1—产出指标): a bare
# code and a wide dash is a range inside a value (2.5—3小时), the usual range dash in Chinese text
_WIDE_CODE = r"\d{1,2}\s*[－—]\s*[^\W\d_]{1,10}指标"
_ITEM_MARK = re.compile(rf"[、.．]\s*(?=\d{{1,2}}\s*-|{_WIDE_CODE}|{_NAMED_TYPE})")
_BEFORE_ITEM = frozenset("。.;> \t\n\r\f\v")  # an item number starts the cell or follows one of these
# after anything else, only when a level-1 type follows: N、1-产出指标： (or N、产出指标：)
_TYPE_FOLLOWS = re.compile(rf"\s*(?:\d{{1,2}}\s*{_DASH}[^:：;；。]{{0,12}}指标\s*[:：/／\-－—]|{_NAMED_TYPE})")
# the level-1 and level-2 types, each with its code or without (1-产出指标：11-数量指标：, 产出指标：数量指标：)
_TYPES = (
    rf"^(?:(?P<l1c>\d{{1,2}})\s*{_DASH}\s*)?(?P<l1n>[^:：;；]+?)\s*[:：]\s*"
    rf"(?:(?P<l2c>\d{{1,2}})\s*{_DASH}\s*)?(?P<l2n>[^:：;；]+?)\s*[:：;；]\s*"
)
_ITEM = re.compile(
    _TYPES
    + r"(?P<name>.*?)\s*[;；]\s*实施周期指标值\s*[:：]\s*(?P<period>.*?)"
    r"(?:\s*[;；,，。:：]?\s*年度指标值\s*[:：]\s*(?P<annual>.*?))?\s*$",  # ；, a comma, 。, a colon or nothing
    re.S,
)


class ItemError(ValueError):
    """One item of a packed cell that does not follow the grammar."""

    def __init__(self, seq: int, text: str, reason: str) -> None:
        super().__init__(f"indicator {seq}: {reason}")
        self.seq = seq
        self.text = text
        self.reason = reason


PREAMBLE = "text before the first numbered indicator (the indicators after it are read)"


def split_items(cell: str) -> list[tuple[int, str]]:
    """Cut the cell at each item number that continues the 1, 2, 3 … sequence; text before item 1 is an error."""
    preamble, items = split_cell(cell)
    if preamble:
        raise ItemError(0, preamble, PREAMBLE)
    return items


def split_cell(cell: str) -> tuple[str, list[tuple[int, str]]]:
    """(the text before item 1, the items): a label or a mark before the list (绩效指标：1、…, • 1、…, an item 0、)
    is set aside, and the items after it are read (the whole cell was rejected, its reject holding only that text)."""
    text = squash(read_references(strip_tags(cell)))
    starts = _item_starts(text)
    if (not starts or text[:1] == "一") and (rewritten := outline_items(text)):
        text, starts = rewritten, _item_starts(rewritten)  # types as an outline, joined by dashes, or level-2 only
    starts = starts or _other_starts(text)
    if not starts and (plain := _plain_items(text)):
        return "", plain  # 1.完成率100%2.培训人数200人次: no type, label, bracket or colon (see _plain_items)
    lead = text[: starts[0][1]].strip() if starts else ""
    wrapped = lead in _OPENING  # 【1、…。】【2、…。】: each item in brackets
    items = []
    for i, (seq, _, body_start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(text)
        body = text[body_start:end].strip().rstrip("|｜").rstrip()  # 1、…。| 2、…: a drawn separator
        items.append((seq, _unbracketed(body, wrapped) if body and body[-1] in _BRACKETS else body))
    if text and not starts and _NUMBER_FIRST.match(text) and ":" not in text and "：" not in text:
        raise ItemError(1, text, UNPARTED)  # (a colon: types or a label the grammar does not know, as before)
    if text and not starts:
        raise ItemError(1, text, "no numbered indicator (N、) found")
    return ("" if wrapped else lead), items


_OPENING = frozenset("【[［")
_BRACKETS = frozenset("【[［】]］")


def _unbracketed(body: str, wrapped: bool) -> str:
    """An item without the brackets that close it and open the next (…≥500人次。】【2、…: its value was the text
    ≥500人次。】【, round 31's hunt), or without its closing bracket when every item is in brackets."""
    if body[-1] in _OPENING and len(body) > 1 and body[-2] in "】]］":
        return body[:-2].rstrip()
    if wrapped and body[-1] in "】]］":
        return body[:-1].rstrip()
    return body


def _item_starts(text: str) -> list[tuple[int, int, int]]:
    """(number, where its digits start, where its body starts) of each item number in sequence. The places
    the regex above matches (left to right, none overlapping), found from the mark after the number, which the
    regex engine scans for five times faster than for a digit run, and the one to three digits before it
    (tests/test_indicators.py holds the two equal): 11 -> 2 µs of a cell's 12 µs split."""
    starts: list[tuple[int, int, int]] = []
    for m in _ITEM_MARK.finditer(text):
        mark = at = m.start()
        while at > 0 and mark - at < 3 and text[at - 1].isdecimal():
            at -= 1
        if at < mark and (at == 0 or text[at - 1] in _BEFORE_ITEM) and int(text[at:mark]) == len(starts) + 1:
            starts.append((len(starts) + 1, at, m.end()))
        elif at < mark and starts and int(text[at:mark]) == len(starts) + 2 and text[at - 1] in _BEFORE_ITEM:
            if skipped := _untyped_start(text, starts[-1][2], at, len(starts) + 1):  # …。2、合格率100%。3、1-产出指标：
                starts += [skipped, (len(starts) + 2, at, m.end())]
        elif at < mark and (run_on := _run_on_start(text, mark, len(starts) + 1, m.end())) is not None:
            starts.append((len(starts) + 1, run_on, m.end()))
    return starts


# other numberings, tried only when no N、 item is found: （1） (1) 1） 1) ① …; or none, each item a level-1 and a
# level-2 type after a boundary (…年度指标值:100%。产出指标：质量指标：…)
_OTHER_MARK = re.compile(r"(?:[（(](\d{1,2})[)）]|(\d{1,2})[)）]|([\u2460-\u2473]))\s*")
_TWO_TYPES = re.compile(
    rf"(?:\d{{1,2}}\s*{_DASH}\s*)?[^\W\d_]{{1,10}}指标\s*[:：]\s*(?:\d{{1,2}}\s*{_DASH}\s*)?[^:：;；。\s]{{1,16}}?\s*[:：;；]"
)
_UNNUMBERED_BEFORE = frozenset("。;；")


def _other_starts(text: str) -> list[tuple[int, int, int]]:
    """Item starts numbered （1）, (1), 1）or ① in sequence, else unnumbered items one after another: each
    a level-1 and a level-2 type at the cell's start or after 。 ； or a space. Every start is followed by a
    level-1 type (_TYPE_FOLLOWS)."""
    starts: list[tuple[int, int, int]] = []
    for m in _OTHER_MARK.finditer(text):
        number = int(m[1] or m[2]) if m[1] or m[2] else ord(m[3]) - 0x2460 + 1
        before = m.start() == 0 or text[m.start() - 1] in _BEFORE_ITEM or text[m.start() - 1] in _UNNUMBERED_BEFORE
        if number == len(starts) + 1 and before and _TYPE_FOLLOWS.match(text, m.end()):
            starts.append((number, m.start(), m.end()))
    if starts:
        return starts
    for m in _TWO_TYPES.finditer(text):
        at = m.start()
        while at and text[at - 1] == " ":
            at -= 1
        if not at or text[at - 1] in _UNNUMBERED_BEFORE:
            starts.append((len(starts) + 1, m.start(), m.start()))
    return starts


# items of no type and no label, each a name and its value glued on (1.完成率100%2.培训人数200人次3.满意度≥90%): a
# number of one or two digits glued to no digit or number mark before it, then 、 . or ．, then a name's first letter
_PLAIN_MARK = re.compile(r"(?<![\d.,．，])(\d{1,2})\s*[、.．]\s*(?=[^\W\d_])")
_NUMBER_FIRST = re.compile(r"\d{1,2}\s*(?:、|[.．](?!\d))")  # a cell that starts as a numbered list: 1、 1. (not 1.5)
_ANY_MARK = re.compile(r"\d\s*[、.．]\s*(?=[^\W\d_])")  # any digit then a mark before a letter: 1002.培训 too


UNPARTED = "items numbered 1. 2. … print no type or label, and their names and values cannot be parted unambiguously"


def _plain_items(text: str) -> list[tuple[int, str]] | None:
    """The items of a cell numbered 1. 2. 3. (or 、 ．) whose items print a name and a value glued on, nothing
    between (1.完成率100%2.培训人数200人次3.满意度≥90%), or of a cell that is one such item unnumbered
    (服务村居数≥100个); None unless the split is unambiguous: the cell starts with item 1, every number before a
    mark and a letter is the next item's (1.完成率1002.培训… is 100 and item 2, or 1002 and no item 2: refused, as
    is a 3. inside item 1), and every item reads as a name and a value (see _glued)."""
    marks = list(_PLAIN_MARK.finditer(text))
    if len(marks) != len(_ANY_MARK.findall(text)) or (marks and marks[0].start() != 0):
        return None
    if any(int(m[1]) != k for k, m in enumerate(marks, 1)):
        return None
    bounds = [(m.start(), m.end()) for m in marks] or [(0, 0)]
    items = []
    for k, (_, body_start) in enumerate(bounds):
        body = text[body_start : bounds[k + 1][0] if k + 1 < len(bounds) else len(text)].strip()
        if _glued(_without_end(body)) is None:
            return None
        items.append((k + 1, body))
    return items


def plain_list_cut_short(text: str) -> bool:
    """Whether a list numbered 1. 2. … of items that print no type or label reads but for its last item, which may
    have been cut off (…2.培训人数200人次3.满意, or 1、 alone); not when the numbers are out of sequence or glued to
    digits (1.完成率1002.…), or an earlier item cannot be read."""
    marks = list(_PLAIN_MARK.finditer(text))
    if len(marks) != len(_ANY_MARK.findall(text)) or any(int(m[1]) != k for k, m in enumerate(marks, 1)):
        return False
    return len(marks) < 2 or _plain_items(text[: marks[-1].start()]) is not None


def _untyped_start(text: str, after: int, before: int, seq: int) -> tuple[int, int, int] | None:
    """Item ``seq`` printed without its types between the item before it and the next one (…。2、已完工程验收合格率
    100%。3、1-产出指标：…): its start, so that it is read (or rejected) alone. Round 31's hunt: it ran into the item
    before, which was rejected with every item after it."""
    number = str(seq)
    found = (m for m in _UNTYPED_MARK.finditer(text, after, before) if m[1] == number)
    return next(((seq, m.start(1), m.end()) for m in found), None)


_UNTYPED_MARK = re.compile(r"(?<=[。.;；> \t])(\d{1,2})\s*、\s*(?!\d)")  # 2、 (not 2.0版本, a sub-list's 2.)


def _run_on_start(text: str, mark: int, seq: int, body: int) -> int | None:
    """Where item ``seq``'s number starts when it runs on from the text before it (…100%2、1-产出指标：): the
    digits before the mark end with the number, they follow no boundary, and a level-1 type follows."""
    number = str(seq)
    at = mark
    while at > 0 and text[at - 1].isdecimal():
        at -= 1
    digits = "".join(str(unicodedata.decimal(c)) for c in text[at:mark])  # １２ as 12
    if at == 0 or text[at - 1] in _BEFORE_ITEM or not digits.endswith(number):
        return None
    return mark - len(number) if _TYPE_FOLLOWS.match(text, body) else None


# A worker's distinct items between two printings of one department's item (the next year's table): a year of the
# worker's share of the tables. Measured on one worker's share of L (5,000 GENERATED tables): at 8,192 entries
# 53% of items hit the cache, at 32,768 75% and parsing took 9% less CPU; each entry holds about 760 bytes (the
# printed type names interned, shared by every entry: they were 240 bytes of its 1,000), so a full cache is 25 MiB.
ITEM_CACHE_SIZE = 1 << 15


def parse_item(seq: int, body: str) -> Indicator:
    """Parse one item's body (without its number)."""
    fields = _item_fields(body)
    if isinstance(fields, str):
        raise ItemError(seq, body, fields)
    return Indicator(seq, *fields)


@lru_cache(maxsize=ITEM_CACHE_SIZE)
def _item_fields(body: str) -> tuple | str:
    """An item's fields after ``seq`` (Indicator's order), or why it cannot be read. Cached by the body's text:
    the same items recur across projects, years and departments (254,000 items, 52,000 distinct, on 2,000
    GENERATED tables); see ITEM_CACHE_SIZE."""
    stripped, weight, direction = _trailing_fields(_standard_labels(_without_end(body)))
    if stripped.startswith("一级指标"):  # 一级指标：产出指标；二级指标：数量指标；三级指标：…；指标值：…
        stripped = _unlabelled(stripped)
    stripped, unit = _unit_labelled(stripped)
    stripped = _paired_values(_colon_types(stripped))
    m = _ITEM.match(stripped)
    if m is not None and not _RUN_TOGETHER.search(m["name"]):
        name, period_text, annual_text = m["name"], m["period"], m["annual"]
    elif (
        (m := _ITEM_ANY_ORDER.match(stripped)) is not None
        and not _RUN_TOGETHER.search(m["name"])  # 培训人次=实施周期指标值:…；年度指标值:…: the labels read loosely
        and (values := _values(m["values"])) is not None
    ):
        name, (period_text, annual_text) = m["name"], values  # 年度指标值 first, or alone (a one-year project)
    elif (m := _ITEM_LOOSE.match(stripped)) is not None and (values := _loose_values(m)) is not None:
        name, (period_text, annual_text) = m["name"], values
    elif (m := _ITEM_COLON.match(stripped)) is not None:
        name, period_text, annual_text = m["name"], None, m["value"]  # …慰问人次：12人 (the annual value)
    elif (m := _ITEM_TYPED.match(stripped)) is not None and (glued := _glued(m["rest"])) is not None:
        name, period_text, annual_text = glued[0], None, glued[1]  # …：11-数量指标：培训人数200人次
    elif (glued := _glued(stripped)) is not None and "指标" not in glued[0]:
        return _untyped(glued, body)  # 完成率100% (an item of 1.完成率100%2.…, or a cell of one)
    else:
        return _why_not(fold(stripped))
    if _LABEL_IN_NAME.search(name):  # 慰问人次；中期指标值:24人 (a label the grammar does not know, read as the name)
        return f"the name holds a value label the grammar does not know ({_LABEL_IN_NAME.search(name)[0]})"
    if any(text and _RUN_TOGETHER.search(text) for text in (period_text, annual_text)):
        return "a value holds another indicator's 实施周期指标值 or 年度指标值: items run together (a number missing?)"
    name = visible_name(name)  # 工程量<U+200B>完成率 is 工程量完成率 (see etl/transform/invisible.py)
    l1c, l2c = m["l1c"] or "", m["l2c"] or ""  # "" where the types are printed by name only
    key, misparented = resolve_type(l1c, m["l1n"], l2c, m["l2n"])
    lenient = m.re is _ITEM_LOOSE or m.re is _ITEM_COLON or m.re is _ITEM_TYPED
    if lenient and key.startswith("?"):  # a lenient reading that found no known type: a misreading
        return _why_not(fold(stripped))
    period = parse_target_value(period_text or None, name)
    annual = parse_target_value(annual_text or None, name)
    if unit is not None:
        period, annual = _with_unit(period, unit), _with_unit(annual, unit)
    types = intern(l1c), intern(m["l1n"]), intern(l2c), intern(m["l2n"])  # one copy of each (see ITEM_CACHE_SIZE)
    return (*types, name, period, annual, body, key, misparented, False, weight, direction)


_ITEM_TYPED = re.compile(_TYPES + r"(?P<rest>.+)$", re.S)  # the types, then what _glued reads
# a name glued to its value: the value starts at the first digit or comparison sign (a sign or minus before the digit
# is the value's, 增长率-5%), or at a comparison in words right before it (培训人数不少于200人次); the name holds no
# digit, sign, colon, semicolon, slash or =, so there is one place to part them, and the value must read as a number
_VALUE_SIGNS = "≥≤＞＜><≧≦⩾⩽＝="
_GLUED_ITEM = re.compile(
    rf"^(?P<name>[^\d{_VALUE_SIGNS}:：;；/／+\-－−]*?[^\W\d_)）])\s*"
    rf"(?P<value>(?:不少于|不低于|不小于|不超过|不高于|不大于|不多于|至少|达到|达)?\s*(?:[{_VALUE_SIGNS}]|[-－−+]?\d).*)$",
    re.S,
)


def _glued(text: str) -> tuple[str, str] | None:
    """(name, value) of 完成率100%, 培训人数不少于200人次, 满意度≥90%; None when the text is no name and a number
    glued on (a value of words, 群众满意; a name holding a digit, 12345热线接通率≥95%; a second item run in)."""
    m = _GLUED_ITEM.match(text.strip())
    if m is None or len(m["name"].strip()) < 2 or m["name"].endswith("第"):  # 第1季度完成: an ordinal, no target
        return None
    if parse_target_value(m["value"]).status != "quantitative":
        return None
    return m["name"].strip(), m["value"].strip()


# a value label printed another way (round 31's hunt: the annual value was lost, or glued into the period's or the
# name): a colon look-alike (∶ U+2236, which Word documents use, ﹕, ︰), = or ＝, a space inside it (年度 指标值), or
# the words 实施期 and 目标值 (实施期指标值:… before 年度指标值 was refused). The grammar reads the standard label.
_ODD_LABEL = re.compile(
    r"(?<![^;；,，。\s])(实施周期|实施期|年度)\s*(指标值|目标值)\s*(?:[:：∶﹕︰]|(?<![<>＜＞!！])[=＝](?![=＝]))"
)
_ODD_LABEL_HINT = re.compile(r"[∶﹕︰=＝]|实施期|目标值|[度期]\s+[指目]")


def _standard_labels(item: str) -> str:
    """实施期指标值∶… -> 实施周期指标值：…, 年度 指标值=… -> 年度指标值：… (only where a label is printed otherwise)."""
    if not _ODD_LABEL_HINT.search(item):  # (most items: one scan, then nothing to do)
        return item
    printed = {m[1] == "年度" for m in _STANDARD_LABEL.finditer(item)}  # a label printed as the grammar reads it

    def standard(m: re.Match[str]) -> str:
        annual = m[1] == "年度"
        return m[0] if annual in printed else ("年度指标值：" if annual else "实施周期指标值：")

    return _ODD_LABEL.sub(standard, item)


_STANDARD_LABEL = re.compile(r"(?<![^;；,，。\s])(实施周期|年度)指标值\s*[:：]")


# what an item may print after its values (round 31's hunt: each made the value text only, its number lost): its
# direction (；指标方向:反向 after either value, （反向指标）), its weight or score (；权重:10, ；分值:10分: the weight
# first) or a remark (；备注：含线上)
_DIRECTION_FIELD = re.compile(r"\s*[;；,，]\s*(?:指标方向|方向)\s*[:：]\s*(正向|反向)(?=\s*(?:[;；,，。]|$))")
_TRAILING_FIELD = re.compile(
    r"\s*[;；,，]\s*(?:(?P<label>权重|分值|权重分值)\s*[:：]\s*(?P<weight>\d{1,3}(?:\.\d{1,2})?)\s*(?:分|%|％)?"
    r"|备注\s*[:：][^;；:：]*)\s*$"
    r"|\s*[;；,，]?\s*[(（]\s*(?P<reverse>反向|反向指标)\s*[)）]\s*$"
)


def _trailing_fields(item: str) -> tuple[str, Decimal | None, str | None]:
    """The item without the fields it prints after its values, its weight and its direction."""
    weight = direction = None
    if "方向" in item and (found := _DIRECTION_FIELD.findall(item)):
        direction, item = found[-1], _DIRECTION_FIELD.sub("", item)
    weighed_by = ""
    while ("权重" in item or "分值" in item or "备注" in item or "反向" in item) and (
        m := _TRAILING_FIELD.search(item)
    ):
        if m["weight"] is not None and weighed_by != "权重":
            weight, weighed_by = Decimal(m["weight"]), m["label"]
        direction = "反向" if m["reverse"] else direction
        item = _without_end(item[: m.start()])
    return item, weight, direction


def _untyped(glued: tuple[str, str], body: str) -> tuple:
    """_item_fields of an item that prints no type: its name and its value, the year's target (as an unlabelled
    value is), of the type of no name (?-/-) the bracket lists' untyped items have."""
    name, value = visible_name(glued[0]), glued[1]
    key, misparented = resolve_type("", "", "", "")
    period, annual = parse_target_value(None, name), parse_target_value(value, name)
    return ("", "", "", "", name, period, annual, body, key, misparented, False, None, None)


_RUN_TOGETHER = re.compile(r"(?:实施周期|年度)指标值\s*[:：]")
_LABEL_IN_NAME = re.compile(r"[^\W\d_]{0,6}(?:指标值|目标值)\s*[:：]")
# the unit under a label of its own after the values: …；年度指标值:500；计量单位:人次 (the value was read as the text
# 500；计量单位:人次, its number and unit lost)
_UNIT_LABEL = re.compile(r"\s*[;；,，]\s*(?:计量单位|度量单位|单位)\s*[:：]\s*(?P<unit>[^\s;；,，:：。]{1,8})\s*$")


def _unit_labelled(item: str) -> tuple[str, str | None]:
    """The item without a unit printed under its own label at its end, and that unit."""
    if "单位" not in item:
        return item, None
    m = _UNIT_LABEL.search(item)
    return (item[: m.start()], m["unit"]) if m else (item, None)


def _with_unit(value: TargetValue, unit: str) -> TargetValue:
    """A number read without a unit of its own takes the item's labelled unit (unit_source 'label'); a unit printed
    in the value stays."""
    if value.status != "quantitative" or value.unit_source == "value":
        return value
    return replace(value, unit=unit, unit_source="label")


_SEPARATORS = ";；"
_ENDS = ";；。."


def _without_separators(text: str) -> str:
    """The text without trailing whitespace, ; and ；."""
    while True:
        stripped = text.rstrip().rstrip(_SEPARATORS)
        if stripped == text:
            return text
        text = stripped


def _without_end(body: str) -> str:
    """The item without its closing punctuation: one 。 (or .) and ；, in either order (…年度指标值:500人次；。 read
    500人次； as a value in words, its number and unit lost). String methods, not a regular expression anchored at
    the end: re.sub tried it from every position of every item (7% of the parse)."""
    if not body or (body[-1] not in _ENDS and not body[-1].isspace()):
        return body
    if len(body) > 1 and body[-1] in "。." and body[-2] not in _ENDS and not body[-2].isspace():
        return body[:-1]  # (most items: one 。 after the value)
    text = _without_separators(body)
    return _without_separators(text[:-1]) if text.endswith(("。", ".")) else text


# the level-1 and level-2 types parted by / (1-产出指标/11-数量指标/培训人次=500人次), as some systems print the path
_LEVEL1 = rf"((?:\d{{1,2}}\s*{_DASH}\s*)?[^\W\d_]{{1,10}}指标)"  # a level-1 type, with its code or without
_SLASHED = re.compile(rf"^{_LEVEL1}\s*[/／]\s*((?:\d{{1,2}}\s*{_DASH}\s*)?[^:：;；/／=＝]{{1,16}}?)\s*[/／]\s*")


# the same parted by dashes (产出指标-数量指标-名称=值, 1-产出指标-11-数量指标-名称：值): the level-2 type then ends in
# 指标, as a dash is also a code's (11-数量指标) and may be a name's
_DASHED = re.compile(rf"^{_LEVEL1}\s*[-－—]+\s*((?:\d{{1,2}}\s*{_DASH}\s*)?[^\W\d_]{{1,14}}指标)\s*[-－—]+\s*")


def _colon_types(text: str) -> str:
    """产出指标/数量指标/名称… -> 产出指标：数量指标：名称… (the slashes the types are parted by, read as colons), and
    产出指标-数量指标-名称… likewise."""
    if "/" in text or "／" in text:  # (most items hold neither: the match costs more than these tests)
        m = _SLASHED.match(text)
    elif "指标-" in text or "指标－" in text or "指标—" in text:
        m = _DASHED.match(text)
    else:
        return text
    return f"{m[1]}：{m[2]}：{text[m.end() :]}" if m else text


# two labels over two values (实施周期指标值/年度指标值:2000人次/500人次), each value without a slash of its own
# or both with the same per-unit (20件/月/10件/月; read as before, the period value was "/")
_TWO_LABELS = r"(?P<l1>(?:实施周期|实施期|年度)指标值)\s*[/／、]\s*(?P<l2>(?:实施周期|实施期|年度)指标值)\s*[:：=＝]\s*"
_PAIRED = re.compile(
    _TWO_LABELS + r"(?:(?P<v1>[^/／;；]+?)\s*[/／]\s*(?P<v2>[^/／;；]+?)"
    # or each value with the same per-unit (20件/月/10件/月, 2000人/次/500人/次): the middle slash parts them
    r"|(?P<w1>[^/／;；]+?[/／](?P<per>[^\d/／;；]+?))\s*[/／]\s*(?P<w2>[^/／;；]+?[/／](?P=per)))$"
)

_PAIRED_ONE = re.compile(_TWO_LABELS + r"(?P<v>[^/／;；]+?)$")  # one value under both labels
_DIGIT = re.compile(r"\d")


def _paired_values(text: str) -> str:
    """…；实施周期指标值/年度指标值:2000人次/500人次 -> …；实施周期指标值:2000人次；年度指标值:500人次 (read as
    they were, the period value was "/" and the annual one 2000人次/500人次)."""
    if "/" not in text and "／" not in text and "指标值、" not in text:  # (a search of every item otherwise)
        return text
    m = _PAIRED.search(text) or _PAIRED_ONE.search(text)
    if m is None or m["l1"] == m["l2"]:
        return text
    if m.re is _PAIRED_ONE:  # one value under both labels (…/年度指标值:2000人次): the period's and the year's
        v1 = v2 = m["v"]
    elif m["v1"] is not None and _DIGIT.search(m["v1"]) and not _DIGIT.search(m["v2"]):
        v1 = v2 = f"{m['v1']}/{m['v2']}"  # 20件/月 under both labels: one value and its per-unit, not 20件 and 月
    else:
        v1, v2 = (m["v1"], m["v2"]) if m["v1"] is not None else (m["w1"], m["w2"])
    return f"{text[: m.start()]}{m['l1']}:{v1}；{m['l2']}:{v2}"


# the same item with its values in another order, or the annual one alone: …名称；年度指标值:…[；实施周期指标值:…]
_ITEM_ANY_ORDER = re.compile(
    _TYPES + r"(?P<name>.*?)\s*[;；]\s*(?P<values>年度指标值\s*[:：].*)$",
    re.S,
)
_VALUE_LABEL = re.compile(r"\s*[;；,，。:：]?\s*(实施周期|实施期|年度)指标值\s*[:：]\s*")


# tried last (only for an item the grammar above does not read): other labels (指标值, 目标值, 年度目标值,
# 实施期指标值), a comma, colon, = or a space before a label (some separator: 年度目标值达成率 is a name), = after it
_LOOSE_LABEL = r"(?:实施周期指标值|实施期指标值|年度指标值|年度目标值|指标值|目标值)"
EQUALS = r"(?<![<>＜＞!！])[=＝]"  # = or ＝ as a separator: not the = of a comparison sign (>=, <=)
_ITEM_LOOSE = re.compile(
    _TYPES + rf"(?P<name>.+?)(?:\s*(?:[;；,，:：]|{EQUALS})\s*|\s+)"
    rf"(?P<label1>{_LOOSE_LABEL})\s*[:：=＝]?\s*(?P<value1>.*?)"
    rf"(?:\s*[;；,，。:：]?\s*(?P<label2>{_LOOSE_LABEL})\s*[:：=＝]?\s*(?P<value2>.*?))?\s*$",
    re.S,
)
# no label at all: the types, the name, a colon or = and the value (…：11-数量指标：慰问人次：12人, 慰问人次=≥12人,
# 慰问人次 ＝ 12人), one colon after the name (培训人次>=500 has none: refused). The name may hold an = when a colon
# follows it (得分(=各项之和)：≥90分): a value holds no colon, but a colon between two digits is a time or a ratio,
# never the separator (响应时间=≤2:00 was the name 响应时间=≤2 valued 00, a target of 0)
_DIGITS_COLON = r"(?<=\d)[:：](?=\d)"
_NO_COLON = rf"(?:[^:：;；]|{_DIGITS_COLON})"
_ITEM_COLON = re.compile(
    _TYPES + rf"(?P<name>{_NO_COLON}+?)\s*(?:(?<!\d)[:：]|[:：](?!\d)|{EQUALS})\s*(?P<value>{_NO_COLON}+?)\s*$",
    re.S,
)
_LABELLED = re.compile(
    r"^一级指标(?:名称)?\s*[:：]\s*(?P<l1>[^:：;；,，]+?)\s*[;；,，]\s*二级指标(?:名称)?\s*[:：]\s*(?P<l2>[^:：;；,，]+?)"
    r"\s*[;；,，]\s*三级指标(?:名称)?\s*[:：]\s*(?P<rest>.+)$",
    re.S,
)


def _unlabelled(text: str) -> str:
    """一级指标：产出指标；二级指标：数量指标；三级指标：慰问人次；指标值：12人 -> 产出指标：数量指标：慰问人次；
    指标值：12人 (each level named by a label: read as if 一级指标 and 产出指标 were the types: a wrong type, name)."""
    m = _LABELLED.match(text)
    return f"{m['l1']}：{m['l2']}：{m['rest']}" if m else text


_PERIOD_LABELS = frozenset({"实施周期指标值", "实施期指标值"})


def _loose_values(m: re.Match[str]) -> tuple[str | None, str] | None:
    """(period, annual) of an _ITEM_LOOSE match; None when both labels say the same period, or no annual one."""
    found: dict[bool, str] = {}
    for label, value in ((m["label1"], m["value1"]), (m["label2"], m["value2"])):
        if label is not None:
            if (label in _PERIOD_LABELS) in found:
                return None
            found[label in _PERIOD_LABELS] = value.strip()
    return (found.get(True), found[False]) if False in found else None


def _values(text: str) -> tuple[str | None, str] | None:
    """(period, annual) from 年度指标值:…[；实施周期指标值:…] (or 实施期指标值:, read after 年度指标值 as part of
    its value: the period value was lost); None when a label is printed twice."""
    parts = _VALUE_LABEL.split(text)  # ['', '年度', value, '实施周期', value]
    labels = (label.replace("实施期", "实施周期") for label in parts[1::2])
    found = dict(zip(labels, (v.strip() for v in parts[2::2]), strict=True))
    if len(found) != len(parts) // 2 or "年度" not in found:
        return None
    return found.get("实施周期"), found["年度"]


def _why_not(text: str) -> str:
    if "实施周期指标值" not in text and "年度指标值" not in text:
        return "no 实施周期指标值 or 年度指标值 (target) in the indicator"
    if not re.match(rf"^(?:\d{{1,2}}\s*{_DASH}|{_NAMED_TYPE})", text):
        return "no level-1 type (1-产出指标：, or 产出指标：) at the start of the indicator"
    return "indicator does not follow 类型：类型：名称；实施周期指标值：…；年度指标值：…"


def parse_indicators(cell: str) -> Iterator[Indicator | ItemError]:
    """Yield each indicator, or an ItemError for an item that cannot be read."""
    yield from _parsed_cell(cell)


@lru_cache(maxsize=1 << 10)  # of 8,192, the same CPU and 33 MiB less per worker over 5,000 tables
def _parsed_cell(cell: str) -> tuple[Indicator | ItemError, ...]:
    """A cell's indicators, cached by its text (a project's cell recurs across years, a copied table's whole).

    The Indicators are shared by every project whose cell is the same text: nothing changes them after this.
    """
    try:
        preamble, items = split_cell(cell)
    except ItemError as err:
        return (err,)
    seen: set[tuple[str, str, str, str | None]] = set()
    out: list[Indicator | ItemError] = [ItemError(0, preamble, PREAMBLE)] if preamble else []
    note = None
    if items and (m := _NOTE_AFTER.search(items[-1][1])):  # …年度指标值:100%。（以上指标均为预期值）
        note = ItemError(len(items) + 1, m[1], NOTE_AFTER)
        items[-1] = (items[-1][0], items[-1][1][: m.start() + 1])
    for seq, body in items:
        try:
            ind = parse_item(seq, body)
        except ItemError as err:
            out.append(err)
            continue
        fingerprint = (ind.type_key, ind.name, ind.period.text or "", ind.annual.text)
        ind.is_duplicate = fingerprint in seen
        seen.add(fingerprint)
        out.append(ind)
    return (*out, note) if note else tuple(out)


# a remark after the last item's closing 。, ending the cell (（以上指标均为预期值）, 注：满意度以问卷为准): not a part
# of its value (it made the year's target the text 100%。（…）, its number lost). (2) alone is the next item's
# number, cut.
_NOTE_AFTER = re.compile(
    r"。\s*([（(](?=[^（）()]*[^\W\d_])[^（）()]{1,200}[)）]|(?:注|备注|说明)\s*[:：](?:(?!指标值|目标值).){1,200})\s*$"
)
NOTE_AFTER = "a remark after the last item (in brackets, or 注：…), not a target: the indicators before it are read"
