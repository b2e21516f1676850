"""Project identity across budget years: which earlier (or later) project a newly published name continues.

Pure functions over DataFrames; etl/load.py fetches the inputs and writes the result. A name whose
``name_key`` is already known keeps its identity (an exact link) and never comes here. Each new name is
compared with the projects of the same department and unit that have no row in the name's budget year:

- ``alias``: the analyst file ``data/project_aliases.csv`` pairs the two names (it wins over everything);
- ``normalised``: equal once widths are folded, spaces dropped, the transfer document number set aside
  and a period suffix such as （2022-2025年） removed (score 100);
- ``fuzzy``: rapidfuzz's ``fuzz.ratio`` of the normalised names (a leading department name set aside) is
  at least ``FUZZY_THRESHOLD``, or at least ``CORROBORATED_THRESHOLD`` when the two also share at least
  ``MIN_OVERLAP`` of their indicator names (Jaccard), and only across adjacent years; the score
  recorded is the name ratio.

Measured on GENERATED departments (etl.synth, 300 departments x 2022-2025, seed 11, 8,900 projects):
0 links missed and 3 distinct projects merged (a project dropped while a look-alike with the same
indicator set appears); the alias file can keep such a pair apart.

A name the alias file keeps apart (an empty ``same_as``) opens a new identity, recorded as ``kept_apart``.

A project is claimed by at most one new name of a year, best evidence first, so two projects printed in
the same year are never merged (the transfer-payment 穗财政【2023】79号专职人民调解服务项目经费 and the
ordinary 专职人民调解服务项目经费 of 2024 stay two). Years are linked one at a time, in either order: a
year loaded before its predecessor links to it just the same.
"""

from __future__ import annotations

import csv
import os
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from rapidfuzz import fuzz

from etl.settings import PROJECT_ROOT
from etl.text import fold

FUZZY_THRESHOLD = 90.0
CORROBORATED_THRESHOLD = 80.0
MIN_OVERLAP = 0.5
DEFAULT_ALIASES = PROJECT_ROOT / "data" / "project_aliases.csv"
ALIAS_COLUMNS = ("department_name", "name", "same_as", "note")
NEW_NAME_COLUMNS = ("name_key", "department_name", "unit_name", "project_name", "transfer_doc_no", "budget_year")
CANDIDATE_COLUMNS = ("project_id", "budget_year", *NEW_NAME_COLUMNS[1:5])
ASSIGNMENT_COLUMNS = ("name_key", "project_id", "link_method", "link_score")
METHOD_RANK = {"alias": 3, "normalised": 2, "fuzzy": 1}

_PERIOD = re.compile(r"\(\d{4}年?(?:度)?[-—–~至到]+\d{4}年?(?:度)?\)$|\(\d{4}年度?\)$")
_FUNDING = re.compile(r"(?:工作|业务|专项)?(?:经费|资金|补贴|补助|费用?)$")
_CITY = re.compile(r"^(?:.{2,3}省)?.{2,3}市")
_NOISE = re.compile(r"[\s　]+")


def folded(name: str) -> str:
    """Width-folded, without spaces: the form two printings of one name share."""
    return _NOISE.sub("", fold(name or ""))


def normalised(project_name: str) -> str:
    """The name without widths, spaces or a period suffix; the transfer document is already apart."""
    return _PERIOD.sub("", folded(project_name))


def distinctive(project_name: str, department: str) -> str:
    """The normalised name without a leading department name (天河区司法局政法网… -> 政法网…)."""
    name = normalised(project_name)
    dept = folded(department)
    for prefix in (dept, _CITY.sub("", dept)):
        if prefix and name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix) :]
    return name


def printed(doc: str | None, project_name: str) -> str:
    """The folded name as printed, transfer document number first."""
    return folded(f"{doc if isinstance(doc, str) else ''}{project_name}")


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a new name could continue a project: method, score and tie-breakers (larger is better)."""

    method: str
    score: float
    overlap: float
    same_doc: bool
    printed_similarity: float
    nearness: int

    @property
    def rank(self) -> tuple[int, bool, float, float, int]:
        """Method first; among normalised matches the same document number; then name and indicators."""
        same_doc = self.same_doc and self.method == "normalised"
        return (
            METHOD_RANK[self.method],
            same_doc,
            self.score + 100 * self.overlap,
            self.printed_similarity,
            self.nearness,
        )


def overlap(a: frozenset[str] | None, b: frozenset[str] | None) -> float:
    """Jaccard overlap of two sets of (folded) indicator names; 0 when either is unknown or empty."""
    if not isinstance(a, frozenset) or not isinstance(b, frozenset) or not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def name_scores(a: str, b: str, department: str) -> tuple[float, float]:
    """fuzz.ratio of two normalised names without the department, as printed and without a funding word."""
    x, y = distinctive(a, department), distinctive(b, department)
    plain = fuzz.ratio(x, y)
    bare = fuzz.ratio(_FUNDING.sub("", x), _FUNDING.sub("", y))
    return round(plain, 2), round(max(plain, bare), 2)


def compare(new: dict, candidate: dict, threshold: float = FUZZY_THRESHOLD) -> Evidence | None:
    """The evidence that ``new`` (a name) continues ``candidate`` (one year of a project), or None.

    A near name is enough at ``threshold``; a less near one (``CORROBORATED_THRESHOLD``, also measured
    without a trailing funding word such as 经费/资金/补贴) needs the two to share at least
    ``MIN_OVERLAP`` of their indicator names: a project keeps its indicators. Fuzzy links only join
    adjacent years.
    """
    a, b = normalised(new["project_name"]), normalised(candidate["project_name"])
    shared = overlap(new.get("indicators"), candidate.get("indicators"))
    if a == b:
        method, score = "normalised", 100.0
    else:
        plain, score = name_scores(a, b, new["department_name"])
        if plain < threshold and (score < CORROBORATED_THRESHOLD or shared < MIN_OVERLAP):
            return None
        method = "fuzzy"
    docs = [d if isinstance(d, str) else "" for d in (new["transfer_doc_no"], candidate["transfer_doc_no"])]
    similarity = fuzz.ratio(printed(docs[0], new["project_name"]), printed(docs[1], candidate["project_name"]))
    nearness = -abs(int(new["budget_year"]) - int(candidate["budget_year"]))
    if method == "fuzzy" and nearness < -1:
        return None  # a near name across a gap year is too weak
    return Evidence(method, score, shared, docs[0] == docs[1], similarity, nearness)


def read_aliases(path: Path | str | None = None) -> pd.DataFrame:
    """The analyst alias file (department_name, name, same_as, note); empty when there is none.

    A row says ``name`` and ``same_as`` are one project (either may be the earlier); an empty
    ``same_as`` keeps ``name`` apart from every other project: it is never linked automatically, in
    either direction (only an exact reprint of it continues its project).
    """
    chosen = Path(path or os.environ.get("JIXIAO_ALIASES") or DEFAULT_ALIASES)
    if not chosen.is_file():
        return pd.DataFrame(columns=list(ALIAS_COLUMNS))
    with chosen.open(encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.DictReader(fh) if (r.get("name") or "").strip()]
    frame = pd.DataFrame(rows, columns=list(ALIAS_COLUMNS)).fillna("")
    return frame.map(str.strip)


def _alias_targets(aliases: pd.DataFrame, department: str, name: str) -> list[str] | None:
    """The folded names the alias file pairs with ``name``; [] = keep apart; None = no alias row."""
    rows = aliases[aliases["department_name"].map(str.strip) == department]
    found: list[str] | None = None
    for left, right in zip(rows["name"].map(folded), rows["same_as"].map(folded), strict=True):
        if name in (left, right):
            found = found or []
            other = right if name == left else left
            if other:
                found.append(other)
    return found


def _alias_options(new: dict, pool: pd.DataFrame, targets: list[str]) -> list[tuple]:
    """The projects printed under a name the alias file pairs with ``new`` (any unit of the department)."""
    best: dict[int, Evidence] = {}
    for cand in pool.to_dict("records"):
        if printed(cand["transfer_doc_no"], cand["project_name"]) not in targets:
            continue
        ev = Evidence("alias", 100.0, 1.0, True, 100.0, -abs(int(new["budget_year"]) - int(cand["budget_year"])))
        if cand["project_id"] not in best or ev.rank > best[cand["project_id"]].rank:
            best[cand["project_id"]] = ev
    return [(ev.rank, pid, ev) for pid, ev in best.items()]


def _options(new: dict, pool: pd.DataFrame, aliases: pd.DataFrame, threshold: float) -> list[tuple] | None:
    """(rank, project_id, evidence) for every project ``new`` could continue; None: the alias file keeps it apart."""
    name = printed(new["transfer_doc_no"], new["project_name"])
    targets = _alias_targets(aliases, new["department_name"], name)
    if targets == []:
        return None
    if targets is not None:
        return _alias_options(new, pool, targets)
    own = aliases[(aliases["department_name"] == new["department_name"]) & (aliases["same_as"] == "")]
    apart = set(own["name"].map(folded))
    same_unit = pool[pool["unit_name"] == new["unit_name"]]
    if apart:
        printed_names = [
            printed(d, n) for d, n in zip(same_unit["transfer_doc_no"], same_unit["project_name"], strict=True)
        ]
        same_unit = same_unit[[n not in apart for n in printed_names]]
    found: dict[int, Evidence] = {}
    for cand in same_unit.to_dict("records"):
        ev = compare(new, cand, threshold)
        if ev and (cand["project_id"] not in found or ev.rank > found[cand["project_id"]].rank):
            found[cand["project_id"]] = ev
    return [(ev.rank, pid, ev) for pid, ev in found.items()]


def link_names(
    new_names: pd.DataFrame,
    candidates: pd.DataFrame,
    aliases: pd.DataFrame | None = None,
    threshold: float = FUZZY_THRESHOLD,
) -> pd.DataFrame:
    """Assign each new name of ONE budget year to a project, or to none (a new identity).

    ``new_names``: NEW_NAME_COLUMNS, one row per name_key, all of one budget year.
    ``candidates``: CANDIDATE_COLUMNS, one row per project and year it is printed in (facts already
    loaded and names of this batch already linked). A project printed in the new names' year is taken.
    Both may carry an ``indicators`` column: the frozenset of folded indicator names of that row.
    Returns ASSIGNMENT_COLUMNS; ``project_id`` is <NA> and ``link_method`` 'new' for a new identity.
    """
    years = set(new_names["budget_year"])
    if len(years) > 1:
        raise ValueError(f"link_names takes the names of one budget year, got {sorted(years)}")
    aliases = aliases if aliases is not None else pd.DataFrame(columns=list(ALIAS_COLUMNS))
    taken = set(candidates.loc[candidates["budget_year"].isin(years), "project_id"])
    pool = candidates[~candidates["project_id"].isin(taken)]
    by_department = {dept: rows for dept, rows in pool.groupby("department_name")}
    empty = pool.iloc[0:0]
    options, apart = [], set()
    for new in new_names.to_dict("records"):
        found = _options(new, by_department.get(new["department_name"], empty), aliases, threshold)
        if found is None:
            apart.add(new["name_key"])
        options += [(rank, new["name_key"], pid, ev) for rank, pid, ev in found or ()]
    return _greedy(new_names["name_key"].tolist(), options, apart)


def _greedy(name_keys: list[str], options: list[tuple], apart: set[str]) -> pd.DataFrame:
    """Best evidence first; a name takes one project and a project one name (ties: lower key, lower id)."""
    chosen: dict[str, tuple[int, Evidence]] = {}
    claimed: set[int] = set()
    for _, key, pid, ev in sorted(options, key=lambda o: (tuple(-x for x in o[0]), o[1], o[2])):
        if key not in chosen and pid not in claimed:
            chosen[key] = (pid, ev)
            claimed.add(pid)
    rows = [
        (key, chosen[key][0], chosen[key][1].method, chosen[key][1].score)
        if key in chosen
        else (key, None, "kept_apart" if key in apart else "new", None)
        for key in name_keys
    ]
    frame = pd.DataFrame(rows, columns=list(ASSIGNMENT_COLUMNS))
    frame["project_id"] = frame["project_id"].astype("Int64")
    return frame
