"""Read a comparison, a number and a unit out of a printed target value, where they are there.

``≥95%`` -> (>=, 95, %); ``不少于2000次`` -> (>=, 2000, 次); ``15%以下`` -> (<=, 15, %);
``每个居委调委会调解员不少于3人`` -> (>=, 3, 人); ``≥-5%`` -> (>=, -5, %) (a sign is kept);
``及时`` -> qualitative; none -> missing.
A unit printed at the end of the indicator's name, such as （小时） or (%), counts when the value
has none of its own.
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from etl.extract.invisible import without_invisible
from etl.model import TargetValue
from etl.text import fold, fold_number

_PREFIX_WORDS = {
    "≥": ">=",
    ">=": ">=",
    "＞=": ">=",
    "≧": ">=",
    "⩾": ">=",  # the slanted forms a formula editor prints
    "不少于": ">=",
    "不低于": ">=",
    "不小于": ">=",
    "大于等于": ">=",
    "至少": ">=",
    "达到": ">=",
    "达": ">=",
    "≤": "<=",
    "<=": "<=",
    "＜=": "<=",
    "≦": "<=",
    "⩽": "<=",
    "不超过": "<=",
    "不高于": "<=",
    "不大于": "<=",
    "小于等于": "<=",
    "不多于": "<=",
    "＞": ">",
    ">": ">",
    "大于": ">",
    "高于": ">",
    "超过": ">",
    "＜": "<",
    "<": "<",
    "小于": "<",
    "低于": "<",
    "=": "=",
    "＝": "=",
    "等于": "=",
}
_SUFFIX_WORDS = {"以上": ">=", "及以上": ">=", "以下": "<=", "及以下": "<=", "以内": "<=", "内": "<="}
_PREFIX_ALT = "|".join(sorted(map(re.escape, _PREFIX_WORDS), key=len, reverse=True))
_SUFFIX_ALT = "|".join(sorted(map(re.escape, _SUFFIX_WORDS), key=len, reverse=True))
_VALUE = re.compile(
    rf"^(?P<label>(?:[^\d≥≤<>＞＜=＝%+-]|[+-](?!\d))*?)\s*(?P<pre>{_PREFIX_ALT})?\s*"
    r"(?P<num>[+-]?\d+(?:,\d{3})*(?:\.\d+)?)\s*"
    r"(?P<unit>%|％|‰|[^\d\s≥≤<>＞＜=＝%,.;。、]{1,4}?)?\s*"
    rf"(?P<post>{_SUFFIX_ALT})?[。.;；]?$"
)
# a remark closing a value, of no digit: ≥95%（含）, ≥90%（含本数）, 100%(不含补考) is ≥95%, ≥90%, 100%
REMARK_AFTER = re.compile(r"\s*\((?:含|不含|包含|包括|不包括)[^()\d]*\)\s*[。.]?$")
# a sign before the number that says no comparison the warehouse holds (±5%, ≈95%, ~95%): not read as = 5%
_NO_COMPARISON_SIGN = re.compile(r"[±∓≈≒≃≅~～∼]")
_LABEL_WORD = re.compile("|".join(sorted((re.escape(w) for w in _PREFIX_WORDS if len(w) > 1), key=len, reverse=True)))
_NAME_UNIT = re.compile(r"\((%|[^()\d含及、,]{1,3})\)\s*$")
_UNIT_WORDS = {"％": "%", "次数": "次", "个数": "个", "场次": "场次", "人数": "人"}
MAX_TARGET_NUMBER = Decimal(10) ** 14
MISSING = TargetValue(text=None, status="missing")


TARGET_PLACES = Decimal("0.0001")


def fits_target_number(number: Decimal) -> bool:
    """Whether fact_target's DECIMAL(18, 4) holds the number exactly: finite, under 10^14 either side of zero, and
    no finer than 0.0001 (-99999999999999999999 failed the whole load, every run; ≥0.00001 was stored as 0)."""
    return number.is_finite() and abs(number) < MAX_TARGET_NUMBER and number == number.quantize(TARGET_PLACES)


@lru_cache(maxsize=1 << 14)
def name_unit(indicator_name: str) -> str | None:
    """A unit printed at the end of an indicator name: 时间（小时） -> 小时, 合格率（%） -> %."""
    m = _NAME_UNIT.search(fold(indicator_name))
    return _UNIT_WORDS.get(m.group(1), m.group(1)) if m else None


def _comparison_in_label(label: str) -> str:
    """每季度至少举行1场: a comparison word inside the leading words still counts."""
    found = _LABEL_WORD.findall(label)
    return _PREFIX_WORDS[found[-1]] if found else "="


def parse_target_value(text: str | None, indicator_name: str = "") -> TargetValue:
    """Parse one printed target; always keep the text as printed."""
    if text is None or not text.strip():
        return MISSING
    value = _read_value(text.strip())
    if value.status == "quantitative" and value.unit is None and indicator_name:
        unit = name_unit(indicator_name)
        if unit:
            return TargetValue(value.text, value.comparison, value.number, unit, "name", value.status)
    return value


@lru_cache(maxsize=1 << 16)
def _read_value(text: str) -> TargetValue:
    """The value alone (cached: the same few hundred values recur across thousands of tables)."""
    folded = without_invisible(fold_number(fold(text)))  # ≥<U+200B>100个, copied from a page: ≥100个 as shown
    m = _VALUE.match(folded)
    if m is None and ")" in folded[-3:]:
        m = _VALUE.match(REMARK_AFTER.sub("", folded))
    label = m.group("label") if m else ""
    if m is None or (label and not (m.group("pre") or m.group("unit"))) or _NO_COMPARISON_SIGN.search(label):
        return TargetValue(text=text, status="qualitative")
    comparison = (
        _PREFIX_WORDS.get(m.group("pre") or "")
        or _SUFFIX_WORDS.get(m.group("post") or "")
        or _comparison_in_label(m.group("label"))
    )
    unit = m.group("unit")
    unit = _UNIT_WORDS.get(unit, unit) if unit else None
    number = Decimal(m.group("num").replace(",", ""))
    if not fits_target_number(number):  # fact_target holds DECIMAL(18, 4): keep such a value as text only
        return TargetValue(text=text, status="qualitative")
    return TargetValue(text, comparison, number, unit, "value" if unit else None, "quantitative")
