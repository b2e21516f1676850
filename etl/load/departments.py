"""Departments printed two ways: a name that is another's with the place before it left out (天河区司法局 and
广州市天河区司法局), or with its own body after it (广州市天河区司法局本级). The loader keeps every printed department
apart (etl.transform.department.clean_department folds only what cannot differ: widths, spaces, a stamp's place,
characters that print nothing), so such a pair is two departments: no year pairs in the comparison views, and one
table printed both ways is loaded twice. A run names the pairs it meets (round 31's hunt: they were silent), so that
a person can correct the table that prints the other spelling. It does not merge them: a department's own body
publishes a table of its own (单位预算) beside the department's (部门预算)."""

from __future__ import annotations

from collections.abc import Iterable

from etl.load.names import without_own_body

# what a place's name ends with: 广东省, 广州市, 天河区, 从化县, 延边朝鲜族自治州, 锡林郭勒盟, 正蓝旗
_PLACE_ENDS = frozenset("省市区县州盟旗")


def _shorter_forms(name: str) -> list[str]:
    """The name without each of its leading place names (广州市天河区司法局 -> 天河区司法局, 司法局), or without its
    own body after it (广州市天河区司法局本级, …（本级）, …机关 -> 广州市天河区司法局: a department's own body publishes
    a table of its own, which is no reason to merge them, but one printed each way in two years pairs with neither)."""
    forms = [name[i + 1 :] for i, c in enumerate(name[:-2]) if c in _PLACE_ENDS]
    if (own := without_own_body(name)) != name and len(own) >= 2:
        forms.append(own)
    return forms


def lookalikes(loaded: Iterable[str], known: Iterable[str]) -> list[tuple[str, str]]:
    """(shorter, longer) pairs of a loaded name and a known one, one the other with leading place names or its own
    body left out (_shorter_forms); each pair once."""
    known = set(known)
    by_shorter: dict[str, set[str]] = {}
    for name in known:
        for shorter in _shorter_forms(name):
            by_shorter.setdefault(shorter, set()).add(name)
    pairs: set[tuple[str, str]] = set()
    for name in set(loaded):
        pairs |= {(name, longer) for longer in by_shorter.get(name, ()) if longer != name}
        pairs |= {(shorter, name) for shorter in _shorter_forms(name) if shorter in known and shorter != name}
    return sorted(pairs)
