"""Packed indicator cells that print their types as an outline, not before each item, rewritten as numbered items
the packed grammar reads (etl.transform.indicators): ``k、level-1：level-2：the item``. Three shapes, as Word documents
and other regions print them (round 33's hunt of layouts: every item was a reject, and the project had no target):

- an outline: ``一、产出指标 （一）数量指标 1.培训人次：≥500人次 2.发放宣传资料：≥2000份 （二）质量指标 1.…``;
- types joined by dashes: ``产出指标-数量指标-调解案件数：≥300件；产出指标-质量指标-调解成功率：≥95%``;
- level-2 types only: ``数量指标：法律援助案件≥800件；质量指标：案件质量合格率=100%`` (the level-1 type the tree files
  the level-2 one under).

Each prints one value an item, read as the year's (年度指标值), as the grammar reads an item of one unlabelled value.
A rewrite is offered only when the whole cell reads so, every type named being one the type tree knows; else None,
and the cell is read (or rejected) as before.
"""

from __future__ import annotations

import re

from etl.transform.indicator_types import is_level1_name, is_level2_name, level1_of

_CN = "一二三四五六七八九十"
_TYPE = r"[^\W\d_]{1,12}?指标"
_L1_HEAD = re.compile(rf"[{_CN}]+\s*[、.．]\s*(?P<name>{_TYPE})")
_L2_HEAD = re.compile(rf"[（(][{_CN}]+[)）]\s*(?P<name>{_TYPE})")
_ITEM = re.compile(r"(?<!\d)(\d{1,2})\s*[.、．](?!\d)\s*")
_DASHED = re.compile(rf"(?<![^\s。；;])(?P<l1>{_TYPE})\s*[-—－]\s*(?P<l2>{_TYPE})\s*[-—－]\s*")
_LEVEL2 = re.compile(rf"(?<![^\s。；;])(?P<l2>{_TYPE})\s*[:：]\s*(?!{_TYPE}\s*[:：])")
_ENDS = "；;。 "


def outline_items(text: str) -> str | None:
    """The cell as numbered items of the packed grammar, when it prints its types as one of the shapes above."""
    return _outline(text) or _dashed(text) or _level2_only(text)


def _numbered(items: list[tuple[str, str, str]]) -> str | None:
    if not items or any(not body for *_, body in items):
        return None
    return "".join(f"{k}、{l1}：{l2}：{_labelled(body)}。" for k, (l1, l2, body) in enumerate(items, 1))


# an item printing both values after its name: 培训人次：实施期≥1500人次，年度≥500人次 (the review of round 33: the
# whole text was the year's target)
_TWO_VALUES = re.compile(
    r"^(?P<name>[^:：]+?)\s*[:：]\s*(?:实施期|实施周期|中期|项目期|全周期)(?:指标值|目标值)?\s*[:：]?\s*(?P<period>[^，,；;]+?)"
    r"\s*[，,；;]\s*(?:年度|本年度|当年)(?:指标值|目标值)?\s*[:：]?\s*(?P<annual>.+)$"
)


def _labelled(body: str) -> str:
    """An item's two values labelled as the grammar reads them (name；实施周期指标值：…；年度指标值：…)."""
    m = _TWO_VALUES.match(body)
    return f"{m['name']}；实施周期指标值：{m['period']}；年度指标值：{m['annual']}" if m else body


def _outline(text: str) -> str | None:
    """The outline's items: under each level-2 heading, items numbered 1, 2, 3 … (a number out of that sequence is
    the item's text: a PDF's text runs the lines together, …≥500人次2.发放宣传资料…)."""
    heads = sorted(
        [(m.start(), m.end(), "1", m["name"]) for m in _L1_HEAD.finditer(text)]
        + [(m.start(), m.end(), "2", m["name"]) for m in _L2_HEAD.finditer(text)]
    )
    if not heads or heads[0][2] != "1" or text[: heads[0][0]].strip():
        return None
    items: list[tuple[str, str, str]] = []
    level1 = ""
    for i, (_, end, kind, name) in enumerate(heads):
        section = text[end : heads[i + 1][0] if i + 1 < len(heads) else len(text)]
        if kind == "1":
            level1 = name
            if not is_level1_name(name) or section.strip():
                return None
            continue
        bodies = _numbered_bodies(section)
        if not level1 or not is_level2_name(name) or bodies is None:
            return None
        items += [(level1, name, body) for body in bodies]
    return _numbered(items)


def _numbered_bodies(section: str) -> list[str] | None:
    """The items of a level-2 section, numbered from 1 at its start; None when it does not start with item 1."""
    marks = []
    for m in _ITEM.finditer(section):
        if int(m[1]) == len(marks) + 1 and (marks or not section[: m.start()].strip()):
            marks.append(m)
    if not marks:
        return None
    ends = [m.start() for m in marks[1:]] + [len(section)]
    return [section[m.end() : end].strip().rstrip(_ENDS) for m, end in zip(marks, ends, strict=True)]


def _dashed(text: str) -> str | None:
    marks = list(_DASHED.finditer(text))
    if not marks or text[: marks[0].start()].strip():
        return None
    items = []
    for i, m in enumerate(marks):
        if not (is_level1_name(m["l1"]) and is_level2_name(m["l2"])):
            return None
        upto = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        items.append((m["l1"], m["l2"], text[m.end() : upto].strip().rstrip(_ENDS)))
    return _numbered(items)


def _level2_only(text: str) -> str | None:
    marks = [m for m in _LEVEL2.finditer(text) if is_level2_name(m["l2"])]
    if not marks or text[: marks[0].start()].strip():
        return None
    items = []
    for i, m in enumerate(marks):
        level1 = level1_of(m["l2"])
        if level1 is None or (is_level1_name(m["l2"]) and m["l2"] != level1):
            return None
        upto = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        items.append((level1, m["l2"], text[m.end() : upto].strip().rstrip(_ENDS)))
    return _numbered(items)
