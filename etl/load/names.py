"""Project names as the identity rules compare them (no pandas: ``jixiao report`` explains links with these).

``normalised`` folds widths and spaces and drops a period suffix such as （2022-2025年）; ``distinctive`` also
sets a leading department name aside; ``name_scores`` are the fuzzy scores etl.load.identity links on, and
``link_rule`` says in words which rule linked two printed names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from etl.text import folded

FUZZY_THRESHOLD = 90.0
CORROBORATED_THRESHOLD = 80.0
MIN_OVERLAP = 0.5

_PERIOD = re.compile(r"\(\d{4}年?(?:度)?[-—–~至到]+\d{4}年?(?:度)?\)$|\(\d{4}年度?\)$")
_FUNDING = re.compile(r"(?:工作|业务|专项)?(?:经费|资金|补贴|补助|费用?)$")
_CITY = re.compile(r"^(?:.{2,3}省)?.{2,3}市")


@lru_cache(maxsize=1 << 18)
def normalised(project_name: str) -> str:
    """The name without widths, spaces or a period suffix; the transfer document is already apart."""
    return _PERIOD.sub("", folded(project_name))


@lru_cache(maxsize=1 << 18)
def distinctive(project_name: str, department: str) -> str:
    """The normalised name without a leading department name (天河区司法局政法网… -> 政法网…)."""
    name = normalised(project_name)
    dept = folded(department)
    for prefix in (dept, _CITY.sub("", dept)):
        if prefix and name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :]
    return name


@lru_cache(maxsize=1 << 18)
def without_funding_word(name: str) -> str:
    """A distinctive name without a trailing funding word (经费, 资金, 补贴 …)."""
    return _FUNDING.sub("", name)


def forget() -> None:
    """Empty the name caches, after each batch of a load (etl.load.run). A batch compares each of its names many
    times, and the caches serve that; kept for the whole load they held every name of the history (L: 31,500-44,000
    entries each, 318,000 objects, the loader's growth over S's) for few hits from one batch to the next. Replaying
    L's 21 parsed batches in one process, two alternating pairs: the loader's peak 429-430 -> 406-410 MiB, its CPU
    16.2-17.1 -> 16.5-17.7 s; S's the same (348 MiB)."""
    for cached in (normalised, distinctive, without_funding_word, folded, unit_key):
        cached.cache_clear()


# what a unit row adds to its department's name for the department's own body: 本级, （本级）, 机关, 机关本级
_OWN_BODY = re.compile(r"\(?(?:机关)?本级\)?|机关")
_OWN_BODY_AT_END = re.compile(rf"(?:{_OWN_BODY.pattern})$")
_HALF_PARENTHESES = str.maketrans({"（": "(", "）": ")"})


def without_own_body(name: str) -> str:
    """The name without the department's own body printed after it (…本级, …（本级）, …机关), by unit_key's rule."""
    m = _OWN_BODY_AT_END.search(name.translate(_HALF_PARENTHESES))
    return name[: m.start()] if m else name


@lru_cache(maxsize=1 << 12)
def unit_key(department: str, unit: str) -> str:
    """The unit as the linker compares units: the department's own body, however a year prints it (广州市天河区司法局,
    广州市天河区司法局（本级）, …本级, …机关, or 本级 alone), is the department; any other unit is its folded name. A
    table that printed its 本级 row one year and not the next had every project of it read as dropped and new."""
    folded_unit, folded_department = folded(unit or ""), folded(department or "")
    rest = folded_unit.removeprefix(folded_department)
    if not folded_unit or rest == "" or _OWN_BODY.fullmatch(rest):
        return folded_department
    return folded_unit


def printed(doc: str | None, project_name: str) -> str:
    """The folded name as printed, transfer document number first."""
    return folded(f"{doc if isinstance(doc, str) else ''}{project_name}")


def name_scores(a: str, b: str, department: str) -> tuple[float, float]:
    """fuzz.ratio of two normalised names without the department, as printed and without a funding word."""
    x, y = distinctive(a, department), distinctive(b, department)
    plain = fuzz.ratio(x, y)
    loose = fuzz.ratio(without_funding_word(x), without_funding_word(y))
    return round(plain, 2), round(max(plain, loose), 2)


RULES = {
    "exact": "名称相同（不计全半角、空格）",
    "normalised": "规范化后相同（全半角、空格、文号、期间后缀）",
    "alias": "人工别名（project_aliases.csv）",
}


def link_rule(method: str | None, previous: str, current: str, department: str) -> str:
    """The rule that linked two printed names of one project, in words (for the report). The stored
    link_score is the score the rule used, which for the looser rule is measured without generic words
    (经费, 工作经费 …): 律师管理工作经费 -> 律师管理业务经费 scored 100 there, while the printed names are 75.00
    alike (the report shows that similarity beside this rule)."""
    if method != "fuzzy":
        return RULES.get(method or "", method or "")
    plain, loose = name_scores(previous, current, department)
    if plain >= FUZZY_THRESHOLD:
        return f"近似：去掉部门名后名称相似度 {plain:.2f} ≥ {FUZZY_THRESHOLD:.0f}"
    return (
        f"近似：去掉通用词（经费、工作经费等）后名称相似度 {loose:.2f} ≥ {CORROBORATED_THRESHOLD:.0f}，"
        f"且指标名称至少 {MIN_OVERLAP:.0%} 相同，相邻年度"
    )
