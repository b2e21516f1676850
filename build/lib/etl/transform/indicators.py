"""Split a packed 绩效指标 cell into indicators.

Grammar of one item (full- or half-width punctuation, spaces optional)::

    N、<L1 code>-<L1 name>：<L2 code>-<L2 name>[：；]<name>；实施周期指标值:<v>[；年度指标值:<v>]。

Items follow each other in numbering order. A ``。`` may stand inside a value, so an item ends
only where the next number in sequence begins. The item's final ``。`` is punctuation and is
dropped; any other text is kept exactly as printed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from etl.model import Indicator
from etl.text import fold, squash, strip_tags
from etl.transform.indicator_types import resolve_type
from etl.transform.target_values import parse_target_value

_ITEM_START = re.compile(r"(?:^|(?<=[。.\s;>]))(\d{1,3})[、.．]\s*(?=\d{1,2}\s*-)")
_ITEM = re.compile(
    r"^(?P<l1c>\d{1,2})\s*[-－]\s*(?P<l1n>[^:：;；]+?)\s*[:：]\s*"
    r"(?P<l2c>\d{1,2})\s*[-－]\s*(?P<l2n>[^:：;；]+?)\s*[:：;；]\s*"
    r"(?P<name>.*?)\s*[;；]\s*实施周期指标值\s*[:：]\s*(?P<period>.*?)"
    r"(?:\s*[;；]\s*年度指标值\s*[:：]\s*(?P<annual>.*?))?\s*$",
    re.S,
)


class ItemError(ValueError):
    """One item of a packed cell that does not follow the grammar."""

    def __init__(self, seq: int, text: str, reason: str) -> None:
        super().__init__(f"indicator {seq}: {reason}")
        self.seq = seq
        self.text = text


def split_items(cell: str) -> list[tuple[int, str]]:
    """Cut the cell at each item number that continues the 1, 2, 3 … sequence."""
    text = squash(strip_tags(cell))
    starts: list[tuple[int, int, int]] = []
    for m in _ITEM_START.finditer(text):
        if int(m.group(1)) == len(starts) + 1:
            starts.append((len(starts) + 1, m.start(), m.end()))
    items = []
    for i, (seq, _, body_start) in enumerate(starts):
        end = starts[i + 1][1] if i + 1 < len(starts) else len(text)
        items.append((seq, text[body_start:end].strip()))
    if text and not starts:
        raise ItemError(1, text, "no numbered indicator (N、) found")
    if starts and text[: starts[0][1]].strip():
        raise ItemError(0, text[: starts[0][1]], "text before the first numbered indicator")
    return items


def parse_item(seq: int, body: str) -> Indicator:
    """Parse one item's body (without its number)."""
    stripped = body[:-1] if body.endswith(("。", ".")) else body
    m = _ITEM.match(stripped)
    if m is None:
        raise ItemError(seq, body, _why_not(fold(stripped)))
    name, period_text, annual_text = m["name"], m["period"], m["annual"]
    key, misparented = resolve_type(m["l1c"], m["l1n"], m["l2c"], m["l2n"])
    return Indicator(
        seq=seq,
        level1_code=m["l1c"],
        level1_name=m["l1n"],
        level2_code=m["l2c"],
        level2_name=m["l2n"],
        name=name,
        period=parse_target_value(period_text, name),
        annual=parse_target_value(annual_text or None, name),
        raw_text=body,
        type_key=key,
        is_misparented=misparented,
    )


def _why_not(text: str) -> str:
    if "实施周期指标值" not in text:
        return "no 实施周期指标值 (period target) in the indicator"
    if not re.match(r"^\d{1,2}\s*-", text):
        return "no level-1 type code (N-名称) at the start of the indicator"
    return "indicator does not follow 类型：类型：名称；实施周期指标值：…；年度指标值：…"


def parse_indicators(cell: str) -> Iterator[Indicator | ItemError]:
    """Yield each indicator, or an ItemError for an item that cannot be read."""
    try:
        items = split_items(cell)
    except ItemError as err:
        yield err
        return
    seen: set[tuple[str, str, str, str | None]] = set()
    for seq, body in items:
        try:
            ind = parse_item(seq, body)
        except ItemError as err:
            yield err
            continue
        fingerprint = (ind.type_key, ind.name, ind.period.text or "", ind.annual.text)
        ind.is_duplicate = fingerprint in seen
        seen.add(fingerprint)
        yield ind
