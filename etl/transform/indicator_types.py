"""The level-1/level-2 indicator type tree (data in indicator_types.csv) and name variants."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from etl.text import fold_number, header_key

TREE_FILE = Path(__file__).with_name("indicator_types.csv")
ALIAS_FILE = Path(__file__).with_name("indicator_type_aliases.csv")


@dataclass(frozen=True, slots=True)
class IndicatorType:
    level1_code: str
    level1_name: str
    level2_code: str
    level2_name: str
    is_assumed: bool = False

    @property
    def key(self) -> str:
        """The level-2 code; a type with no known code (the 成本指标 tree) is keyed by its name."""
        return self.level2_code or self.level2_name


@cache
def type_tree() -> dict[str, IndicatorType]:
    """type key (level-2 code, or name when no code is known) -> type, for every known type."""
    with TREE_FILE.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    types = (
        IndicatorType(
            r["level1_code"],
            r["level1_name"],
            r["level2_code"],
            r["level2_name"],
            r["is_assumed"] == "true",
        )
        for r in rows
    )
    return {t.key: t for t in types}


@cache
def _aliases() -> dict[tuple[str, str], str]:
    with ALIAS_FILE.open(encoding="utf-8") as fh:
        return {(r["level"], _name_key(r["variant"])): r["canonical"] for r in csv.DictReader(fh)}


def _name_key(name: str) -> str:
    """数量 -> 数量指标; a type not printed ("") stays "" (it was 指标, a type of that name in dim_indicator_type)."""
    key = header_key(name)
    return key if not key or key.endswith("指标") else key + "指标"


def canonical_name(level: str, name: str) -> str:
    """A printed type name in its canonical form: 社会效益 -> 社会效益指标, 效果指标 -> 效益指标."""
    key = _name_key(name)
    return _aliases().get((level, key), key)


@cache
def _by_level2_name() -> dict[str, IndicatorType]:
    return {t.level2_name: t for t in type_tree().values()}


def is_level2_name(name: str) -> bool:
    """数量指标, 社会效益, 服务对象满意度指标 …: a name the tree knows as a level-2 type."""
    return canonical_name("2", name) in _by_level2_name()


@cache
def _level1_names() -> frozenset[str]:
    return frozenset(t.level1_name for t in type_tree().values())


def is_level1_name(name: str) -> bool:
    """产出指标, 效果指标, 满意度指标 …: a name the tree knows as a level-1 type (满意度指标 and 成本指标 are level-2
    names too)."""
    return canonical_name("1", name) in _level1_names()


@cache
def resolve_type(l1_code: str, l1_name: str, l2_code: str, l2_name: str) -> tuple[str, bool]:
    """Return (type key, is_misparented) for a printed level-1/level-2 pair.

    The level-2 code decides when it is known (its first digit is its level-1 code); else the
    level-2 name; else the pair is an unknown type, keyed ``?<l1>/<l2>`` and kept, never dropped.
    """
    l1_code, l2_code = fold_number(l1_code), fold_number(l2_code)  # １-产出指标：１１-数量指标 (each was misparented)
    by_code = type_tree().get(l2_code) if l2_code else None
    by_name = _by_level2_name().get(canonical_name("2", l2_name))
    known = by_code or by_name
    code_fits, name_fits = (t is not None and _under(t, l1_code, l1_name) for t in (by_code, by_name))
    if by_code and by_name and by_code != by_name and name_fits and not code_fits:
        known = by_name  # 2-效益指标：11-社会效益指标: a code's typo, the names and the level-1 code agree (round 31)
    if known is None:
        return f"?{l1_code}-{canonical_name('1', l1_name)}/{l2_code}-{canonical_name('2', l2_name)}", False
    if l1_code and known.level1_code:
        return known.key, l1_code != known.level1_code
    return known.key, bool(l1_name.strip()) and canonical_name("1", l1_name) != known.level1_name


def _under(known: IndicatorType, l1_code: str, l1_name: str) -> bool:
    """Whether the printed level 1 (its code, else its name) is the type's."""
    if l1_code:
        return l1_code == known.level1_code
    return bool(l1_name.strip()) and canonical_name("1", l1_name) == known.level1_name


def level1_of(level2_name: str) -> str | None:
    """The level-1 name the tree files a level-2 name under (数量指标 -> 产出指标); None for a name it does not know."""
    found = _by_level2_name().get(canonical_name("2", level2_name))
    return found.level1_name if found else None
