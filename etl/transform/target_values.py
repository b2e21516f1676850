"""Read a comparison, a number and a unit out of a printed target value, where they are there.

``≥95%`` -> (>=, 95, %); ``不少于2000次`` -> (>=, 2000, 次); ``15%以下`` -> (<=, 15, %);
``每个居委调委会调解员不少于3人`` -> (>=, 3, 人); ``≥-5%`` -> (>=, -5, %) (a sign is kept);
``及时`` -> qualitative; none -> missing.
A unit printed at the end of the indicator's name, such as （小时） or (%), counts when the value
has none of its own.
"""

from __future__ import annotations

import csv
import re
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from etl.extract.invisible import without_invisible
from etl.model import TargetValue
from etl.settings import SQL_DIR
from etl.text import fold, fold_key, fold_number

# 不得低于, 不应超过 …: a modal word between 不 and the verb (不低于 with 得 inside)
_NEGATED = {"低于": ">=", "少于": ">=", "小于": ">=", "超过": "<=", "高于": "<=", "多于": "<=", "大于": "<="}
_PREFIX_WORDS = {
    "≥": ">=",
    ">=": ">=",
    "＞=": ">=",
    "＞＝": ">=",  # the full-width = a Chinese input method types (＞＝90% was text only)
    ">＝": ">=",
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
    "＜＝": "<=",
    "<＝": "<=",
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
    # round 31's hunt: the words read the wrong way round or as =. 不得超过1% was > 1 (the label 不得 left before
    # 超过), 不应低于90% < 90; 最多, 少于, 不足, 大于或等于, ≯ … were =
    "大于或等于": ">=",
    "高于或等于": ">=",
    "最少": ">=",
    "≮": ">=",
    "小于或等于": "<=",
    "低于或等于": "<=",
    "最多": "<=",
    "至多": "<=",
    "≯": "<=",
    "多于": ">",
    "少于": "<",
    "不足": "<",
    **{f"不{modal}{verb}": sense for modal in "得应能宜可" for verb, sense in _NEGATED.items()},
}
# round 32's hunt: more words read the wrong way round or as =. 未超过5% was > 5 and 未低于95% < 95 (the label 未 left
# before the verb); 低于等于, 高于等于, ≧= were =; and the bounds in words: 控制在5%, 不超5%, 不突破500万元, 最高5%,
# 降至3% are ceilings, 最低95%, 提高到95% floors, 超95% more than, 不到5% less than, 全省前10名 a rank of 10 or better
# (前 only before 名 or 位: _reading). Each counts only right before the number (_ONLY_BEFORE_THE_NUMBER): among the
# leading words they belong to a clause of their own (将发案率降至最低,破案率90% is = 90: the review of round 32)
_BOUND_WORDS = {
    **{f"{negation}{verb}": sense for negation in ("未", "没有", "没") for verb, sense in _NEGATED.items()},
    "低于等于": "<=",
    "少于等于": "<=",
    "高于等于": ">=",
    "多于等于": ">=",
    "≧=": ">=",
    "≥=": ">=",
    "≦=": "<=",
    "≤=": "<=",
    "不超": "<=",
    "未超": "<=",
    "不突破": "<=",
    "未突破": "<=",
    "控制在": "<=",
    "控制到": "<=",
    "最高": "<=",
    "最高为": "<=",
    "上限": "<=",
    "上限为": "<=",
    "最低": ">=",
    "最低为": ">=",
    "下限": ">=",
    "下限为": ">=",
    **{f"{verb}{to}": "<=" for verb in ("降", "降低", "下降", "压减", "压缩", "减少", "减") for to in "至到"},
    **{f"{verb}{to}": ">=" for verb in ("提高", "提升", "增加", "增长", "升", "增") for to in "至到"},
    "超": ">",
    "不到": "<",
    "前": "<=",
}
_PREFIX_WORDS |= _BOUND_WORDS
_RANK_UNITS = frozenset(("名", "位"))  # 全省前10名: a rank; 前3个月 is no bound (=, as before)
# a comparison word before the number that gives way to one after it: 控制在95%以上 is >= 95, 达到90%以内 <= 90
_GIVES_WAY = frozenset(w for w in _PREFIX_WORDS if w in ("达到", "达", "控制在", "控制到", "前") or w[-1] in "至到")
_SUFFIX_WORDS = {"以上": ">=", "及以上": ">=", "以下": "<=", "及以下": "<=", "以内": "<=", "内": "<="}
_PREFIX_ALT = "|".join(sorted(map(re.escape, _PREFIX_WORDS), key=len, reverse=True))
_SUFFIX_ALT = "|".join(sorted(map(re.escape, _SUFFIX_WORDS), key=len, reverse=True))
_VALUE = re.compile(
    rf"^(?P<label>(?:[^\d≥≤<>＞＜=＝%+-]|[+-](?![ ]{{0,2}}\d))*?)\s*(?P<pre>{_PREFIX_ALT})?\s*"
    # - 5%: a sign a space or two apart is the number's when no words come before it (it read = 5%); after words
    # it is a dash (满意度 - 95% is 95): see _read_value. At most two spaces: \s* there backtracked on a run of them
    r"(?P<num>[+-]?[ ]{0,2}\d+(?:,\d{3})*(?:\.\d+)?)\s*"
    # (≥100个：年度指标值… had the unit 个:); no unit starts at a comparison word ending the value: 20以下 had the unit
    # 以下 (= 20), 3以内 the unit 以 (<= 3)
    rf"(?P<unit>%|％|‰|(?!(?:{_SUFFIX_ALT})[。.;；,，、:：]*$)[^\d\s≥≤<>＞＜=＝%,.;。、:：]{{1,4}}?)?\s*"
    rf"(?P<post>{_SUFFIX_ALT})?[。.;；,，、:：﹔﹐|｜/／]*$"  # ≥90%， before the next item, ≥90%。； were text only
)
# a remark closing a value, of no digit: ≥95%（含）, ≥90%（含本数）, 100%(不含补考) is ≥95%, ≥90%, 100%
REMARK_AFTER = re.compile(r"\s*\((?:含|不含|包含|包括|不包括)[^()\d]*\)\s*[。.]?$")
# such a remark anywhere, or after a comma at the end, dropped before reading: ≥100个(含) had the unit 个(含);
# 90%（含）以上 and ≥77台，含备用 were text only
_REMARK_WORDS = r"(?:含|不含|包含|包括|不包括)"
_REMARK = re.compile(rf"\s*\({_REMARK_WORDS}[^()\d]*\)|\s*[,;；]\s*{_REMARK_WORDS}[^()\d,;；]*$")
# a period value printing its years first: 2022-2025年累计≥400个 (read only when a comparison follows: 2024年12月
# stays text)
_YEARS = re.compile(r"^\d{4}\s*(?:[-—–~～至到]\s*\d{4}\s*)?年度?")
# a sign before the number that says no comparison the warehouse holds (±5%, ≈95%, ~95%): not read as = 5%
_NO_COMPARISON_SIGN = re.compile(r"[±∓≈≒≃≅~～∼]")
# the words a comparison is read from among a value's leading words (每季度至少举行1场); not those ordinary words hold
# (不足之处整改率100%, 最多跑一次事项覆盖率100%: round 31's review), read only right before the number
_ONLY_BEFORE_THE_NUMBER = frozenset(("不足", "最多", "最少", "至多", "多于", "少于", *_BOUND_WORDS))
_IN_LABELS = (w for w in _PREFIX_WORDS if len(w) > 1 and w not in _ONLY_BEFORE_THE_NUMBER)
_LABEL_WORD = re.compile("|".join(sorted(map(re.escape, _IN_LABELS), key=len, reverse=True)))
_NAME_UNIT = re.compile(r"\((%|％|[^()\d含及、,]{1,6})\)\s*$")
_UNIT_WORDS = {"％": "%", "次数": "次", "个数": "个", "场次": "场次", "人数": "人"}
# the units a value or a name may print in brackets (etl/transform/units.csv): ≥12（次）, 培训时长（小时）
_UNITS_CSV = Path(__file__).with_name("units.csv").read_text(encoding="utf-8").splitlines()
UNITS = frozenset(row["unit"] for row in csv.DictReader(_UNITS_CSV))
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
    if m is None or not is_unit(m[1]):
        return None  # 培训人次（线上）, 覆盖率（全区）: a remark, not a unit (round 31: they were the units 线上, 全区)
    return _UNIT_WORDS.get(m.group(1), m.group(1))


_SCALES = "万千亿百十"
_SYMBOLS = re.compile(r"[A-Za-z²³/%‰.·]{1,8}")  # km², dB, kW·h, m3


@lru_cache(maxsize=1 << 12)
def is_unit(text: str) -> bool:
    """Whether the text is a unit: one of etl/transform/units.csv, with a scale before it (万亩, 千瓦), 次 after it
    (批次, 项次) or 个 before it (个月), one per another (次/年, 元/人), or a symbol (km², dB)."""
    text = text.strip().replace("％", "%")
    if not text:
        return False
    if text in UNITS or text in _UNIT_WORDS or _SYMBOLS.fullmatch(text):
        return True
    parts = text.split("/")
    return len(parts) <= 2 and all(_one_unit(part) for part in parts)


def _one_unit(part: str) -> bool:
    part = part.lstrip(_SCALES).removeprefix("个") or part
    return part in UNITS or (len(part) > 1 and part.endswith("次") and part[:-1] in UNITS)


def _comparison_in_label(label: str) -> str:
    """每季度至少举行1场: a comparison word inside the leading words still counts."""
    found = _LABEL_WORD.findall(label)
    return _PREFIX_WORDS[found[-1]] if found else "="


def parse_target_value(text: str | None, indicator_name: str = "") -> TargetValue:
    """Parse one printed target; always keep the text as printed."""
    if text is None or not text.strip():
        return MISSING
    if _MARKS_ONLY.fullmatch(fold(text)):
        return TargetValue(text=text, status="missing")  # —, /, ——: printed in place of a value (round 32, below)
    value = _read_value(text.strip())
    if value.status == "quantitative" and value.unit is None and indicator_name:
        unit = name_unit(indicator_name)
        if unit:
            return TargetValue(value.text, value.comparison, value.number, unit, "name", value.status)
        if _YEAR_MONTH.fullmatch(str(value.number)) and _TIME_NAME.search(indicator_name):
            return TargetValue(text=value.text, status="qualitative")  # 完成时间 2023.12: a month (read as the number)
    return value


# a value that is only marks (—, ——, /, －, …): no value, as none printed (status missing, the text kept). A year's
# target — beside the period's ≥95% was compared as the text —, and its change (≥95% -> ≥90% for the period) read
# unchanged in v_target_yoy, which compares the period's target where no annual one is given (round 32's hunt). 无 is
# no mark: a target of none may be 0 (安全事故：无)
# The marks are the audit's (sql/audit/placeholder_values.csv, value mark), one list for both.
_PLACEHOLDER_CSV = (SQL_DIR / "audit" / "placeholder_values.csv").read_text(encoding="utf-8").splitlines()
_MARKS = "".join(row["term"] for row in csv.DictReader(_PLACEHOLDER_CSV) if row["value"] == "mark")
_MARKS_ONLY = re.compile(rf"[\s。.;；,，{re.escape(_MARKS)}]+")
# a year and a month as a number (2023.12, 2024.1) under a name of a time (完成时间, 截止日期): a date, not a quantity
# (round 32); under 项目总投资（万元） or 道路面积 2020.5 is a number (the review of round 32)
_YEAR_MONTH = re.compile(r"(?:19|20)\d\d\.(?:0?[1-9]|1[0-2])")
_TIME_NAME = re.compile(r"时间|日期|时限|期限|节点|年月|截止|月份")


def _compared(m: re.Match[str] | None) -> re.Match[str] | None:
    """The match when it prints a comparison (≥, 以上, or a word such as 不少于 among its leading words)."""
    return m if m is not None and (m["pre"] or m["post"] or _LABEL_WORD.search(m["label"])) else None


@lru_cache(maxsize=1 << 16)
def _read_value(text: str) -> TargetValue:
    """The value alone (cached: the same few hundred values recur across thousands of tables)."""
    folded = _unwrapped(without_invisible(fold_number(fold(text))))  # ≥<U+200B>100个, copied from a page: ≥100个
    if "含" in folded or "括" in folded:  # (a remark's words: 含, 包括; the search costs more than these tests)
        folded = _without_same_number(_REMARK.sub("", folded))
    read = _reading(folded, text)
    if read is None and folded.endswith(")") and (m := _CLOSING_BRACKETS.search(folded)):
        # ≥90%(抽样): a remark set aside; 30(天内): the unit and 内 as printed without the brackets
        inner = m[1].strip()
        kept = inner if is_unit(without_comparison_word(inner)) else ""
        read = _reading(folded[: m.start()] + kept, text)
    if read is None and not _DIGIT.search(folded) and (arabic := _arabic_numerals(folded)) != folded:
        read = _reading(arabic, text)  # 两次, ≥十个, 开展培训三次: the number in Chinese numerals
    return read or TargetValue(text=text, status="qualitative")


_DIGIT = re.compile(r"\d")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# a number of one or two Chinese numerals' places (三, 十, 十五, 二十, 二十五, 一百, 两百) before a unit that ends the
# value, or is followed only by a comparison word (三次以上): round 31's hunt found 两次 and ≥十个 stored as text.
# 一次性, 三项制度, 一线人员 print no unit that ends the value: left as they are
_CN_NUMBER = re.compile(
    r"(?<![第一二两三四五六七八九十百千万亿])"  # not an ordinal (第一次), nor part of a longer number
    r"([一二两三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九]百|[一二两三四五六七八九])"
    rf"(?=(\S{{1,5}}?)(?:{_SUFFIX_ALT})?[。.;,]?$)"
)
_NAMED_PERIODS = ("季度", "季", "月", "号")  # 四季度, 三月: a quarter's or a month's name, not a count (一个月 is)


def _arabic_numerals(folded: str) -> str:
    """The value with a Chinese number before the unit ending it written in digits; the value as it was otherwise."""
    m = _CN_NUMBER.search(folded)
    if m is None or not is_unit(m[2]) or m[2].startswith(_NAMED_PERIODS):
        return folded
    return folded[: m.start()] + str(_cn_value(m[1])) + folded[m.end() :]


def _cn_value(numerals: str) -> int:
    if "百" in numerals:
        return _CN_DIGITS[numerals[0]] * 100
    if "十" in numerals:
        tens, _, ones = numerals.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0)
    return _CN_DIGITS[numerals]


# ≥95%（含95%）: a remark repeating the value's number says the bound is included (one with another number, 100个(含20
# 个新建), is kept as printed, as before)
_SAME_NUMBER_REMARK = re.compile(r"\s*\((?:含|包含|包括)\s*(?P<n>\d+(?:\.\d+)?)\s*(?:%|本数)?\s*\)\s*[。.]?$")
_LAST_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\D*$")


def _without_same_number(folded: str) -> str:
    if (m := _SAME_NUMBER_REMARK.search(folded)) is None:
        return folded
    head = folded[: m.start()]
    last = _LAST_NUMBER.search(head)
    return head if last is not None and Decimal(last[1]) == Decimal(m["n"]) else folded


def _reading(folded: str, text: str) -> TargetValue | None:
    """The quantitative reading of a folded value, or None: no number and comparison that reads alone."""
    m = _VALUE.match(folded)
    if m is None and (years := _YEARS.match(folded)):
        m = _compared(_VALUE.match(folded[years.end() :]))
    label, pre = (m["label"], m["pre"]) if m else ("", None)
    if pre == "前" and m["unit"] not in _RANK_UNITS:
        label, pre = label + pre, None  # 前3个月, 年底前10: no rank, 前 one of the leading words (as before)
    if m is None or (label and not (pre or m["unit"])) or _NO_COMPARISON_SIGN.search(label):
        return None
    unit = m.group("unit")
    digits = m.group("num").replace(",", "")
    if " " in digits and label.strip():  # 满意度 - 95%: a dash after words, not a minus sign
        digits = digits.lstrip("+- ")
    number = Decimal(digits.replace(" ", ""))
    if not fits_target_number(number) or _no_quantity(label, number, unit):  # fact_target holds DECIMAL(18, 4)
        return None
    comparison = _comparison(pre, m["post"], label)
    if unit and unit[0] in _MORE_THAN and comparison == "=" and not _LABEL_WORD.search(label):
        if unit[1:] and not (_one_unit(unit[1:]) if unit[0] == "+" else is_unit(unit[1:])):
            return None  # 1+X证书, 1+N: no count of anything
        comparison, unit = _MORE_THAN[unit[0]], unit[1:]  # 100余人次, 5000多人: more than; 3000+: that or more
    if unit and unit[0] == "(" and unit[-1] == ")":
        if not is_unit(unit[1:-1]):
            return None  # ≥12(抽样): a remark, read by _read_value without it
        unit = unit[1:-1]
    if unit and not is_unit(unit) and (split := _unit_and_words(unit)):
        unit, within = split  # 30天内完成, 500万元之内: <= 30 天, 500 万元 (the unit was 天内完成); ≥100人受益: 人
        comparison = "<=" if within and comparison == "=" else comparison
    unit = _UNIT_WORDS.get(unit, unit) if unit else None
    return TargetValue(text, comparison, number, unit, "value" if unit else None, "quantitative")


def _comparison(pre: str | None, post: str | None, label: str) -> str:
    """The comparison a value prints: the word before its number, else the one after it (one after the number wins
    over a word that gives way to it: 控制在95%以上), else a comparison word among the leading words, else =."""
    if pre and post and pre in _GIVES_WAY:
        return _SUFFIX_WORDS[post]
    return _PREFIX_WORDS.get(pre or "") or _SUFFIX_WORDS.get(post or "") or _comparison_in_label(label)


_WITHIN = ("以内", "之内", "内")


def _unit_and_words(printed: str) -> tuple[str, bool] | None:
    """(the unit, whether 内 follows it) of what the value prints after its number when that is no unit but begins
    with one: 天内完成 -> (天, True), 万元之内 -> (万元, True), 人受益 -> (人, False); None when it begins with none.
    The words after the unit stay in the target's frame (target_frame), so 30天内完成 compares with 20天内完成 only.
    Split only before 内 (any unit), or before words of two or more CJK characters after a unit of units.csv itself:
    分贝, 百分点, 人/班, 台套 stay whole (the review of round 32: 5分贝 had the unit 分). A unit with brackets (人(次),
    round 20) is kept as printed."""
    if "(" in printed:
        return None
    for end in range(len(printed) - 1, 0, -1):
        head, rest = printed[:end], printed[end:]
        if (rest == "之" or rest.startswith(_WITHIN)) and is_unit(head):  # (之 before the 内 read after the unit)
            return head, True
        if head in UNITS and len(rest) >= 2 and _CJK_WORDS.fullmatch(rest):
            return head, False
    return None


_CJK_WORDS = re.compile(r"[\u4e00-\u9fff]+")


def without_comparison_word(text: str) -> str:
    """The text without a comparison word after it (%以下, 次以上, 天内 -> %, 次, 天): a unit as a value prints it."""
    for word in _SUFFIXES_LONGEST_FIRST:
        if text.endswith(word) and len(text) > len(word):
            return text[: -len(word)]
    return text


_SUFFIXES_LONGEST_FIRST = sorted(_SUFFIX_WORDS, key=len, reverse=True)
_MORE_THAN = {"余": ">", "多": ">", "+": ">="}
_APPROXIMATELY = ("约", "大约", "约为", "近", "将近", "接近", "预计约")
_DEADLINE = frozenset("底末前")
_PERIODS = ("季度", "季", "月", "周", "年", "天", "日", "阶段", "期")


def _no_quantity(label: str, number: Decimal, unit: str | None) -> bool:
    """Whether a number that reads is no quantity: a date or a deadline (2025年底, 2025年, 12月底前, 第4季度, 10月份,
    次年3月), or said to be approximate (约100家, 100家左右: text only, as ≈95% is)."""
    label = label.strip()
    if label in _APPROXIMATELY:
        return True
    if not unit:
        return False
    if unit.startswith("月份") or (unit[0] == "月" and label.endswith("年")):
        return True  # 10月份, 次年3月, 每年6月: a month, not a count (10月份 -> 11月份 read raised)
    if label.endswith("第") and unit.startswith(_PERIODS):
        return True  # 第4季度, 第2周: a time, not a count (排名第1名 is a rank: read)
    if unit[0] == "年" and 1900 <= number <= 2100 and number == number.to_integral_value():
        return True  # a year: 2025年, 2025年底, 2025年度
    return unit.endswith("左右") or not _DEADLINE.isdisjoint(unit)


# a value wrapped whole in brackets or quotes: 【≥12次】, （≥400人次）, “≥400人次” are ≥12次 and ≥400人次
_WRAPPERS = {"【": "】", "[": "]", "(": ")", "“": "”", '"': '"', "「": "」", "『": "』", "‘": "’"}


def _unwrapped(folded: str) -> str:
    stripped = folded.strip().rstrip("。.;；,，")
    if len(stripped) > 2 and _WRAPPERS.get(stripped[0]) == stripped[-1]:
        inner = stripped[1:-1]
        if not any(c in inner for c in "【[(“\"「『‘】])”」』’"):  # one pair around the whole value only
            return inner
    return folded


_CLOSING_BRACKETS = re.compile(r"\s*\(([^()\d]{1,12})\)\s*$")


# single characters of ordinary words, kept in the frame: 前3个月完成 and 6个月完成, 前三季度 and 三季度 differ
_NOT_IN_FRAMES = frozenset(("前", "超"))
# The words a quantitative target prints besides its comparison, number and unit (增长5% against 下降5%,
# 每季度至少举行1场 against 每月至少举行1场): two years' targets whose numbers compare are compared only when these
# are the same. The same rule in SQL is the macro target_frame of sql/macros/ (tests/test_target_frame.py holds the two
# equal and the word list below equal to the macro's).
COMPARISON_WORDS = "|".join(
    sorted({fold_key(w) for w in (*_PREFIX_WORDS, *_SUFFIX_WORDS)} - _NOT_IN_FRAMES, key=lambda w: (-len(w), w))
)
_COMPARISON_WORD = re.compile(COMPARISON_WORDS)
_NUMBER_IN_TEXT = re.compile(r"[+-]?[0-9][0-9,]*(?:\.[0-9]+)?")
# the remarks the parser sets aside (_REMARK, on the folded text): ≥95%（含） is ≥95%, as it reads
FRAME_REMARK = r"\((含|不含|包含|包括|不包括)[^()0-9]*\)|[,;](含|不含|包含|包括|不包括)[^()0-9,;]*$"
_FRAME_REMARK = re.compile(FRAME_REMARK)


@lru_cache(maxsize=1 << 16)
def target_frame(text: str | None, unit: str | None) -> str:
    """The target's text folded (fold_key), its closing 。 . ; dropped, its comparison words and unit taken out and
    each number written #: 增长5% -> 增长#, ≥3人 and 不少于3人 -> #. Cached: the same few hundred values recur."""
    framed = _COMPARISON_WORD.sub("", _FRAME_REMARK.sub("", fold_key(text or "").rstrip("。.;")))
    framed = framed.replace(fold_key(unit or ""), "") if unit else framed
    return _NUMBER_IN_TEXT.sub("#", framed)


def compared_frame(period: TargetValue, annual: TargetValue) -> str | None:
    """The frame (target_frame) of the target v_target_yoy compares: the annual one, or the period's where no annual
    value is printed; None unless that target is quantitative (stored as fact_target.target_frame since 0016)."""
    value = period if annual.status == "missing" else annual
    return target_frame(value.text, value.unit) if value.status == "quantitative" else None
