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

Measured on GENERATED departments (tools.synth, 300 departments x 2022-2025, seed 11, 8,900 projects):
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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from etl.load.names import (
    CORROBORATED_THRESHOLD,
    FUZZY_THRESHOLD,
    MIN_OVERLAP,
    distinctive,
    link_rule,  # noqa: F401 (re-exported: the CLI and tests ask identity for it)
    name_scores,
    normalised,
    printed,
    without_funding_word,
)
from etl.settings import aliases_path
from etl.transform.header import clean_department
from etl.transform.table import split_transfer_doc

ALIAS_COLUMNS = ("department_name", "name", "same_as", "note")
NEW_NAME_COLUMNS = ("name_key", "department_name", "unit_name", "project_name", "transfer_doc_no", "budget_year")
CANDIDATE_COLUMNS = ("project_id", "budget_year", *NEW_NAME_COLUMNS[1:5])
ASSIGNMENT_COLUMNS = ("name_key", "project_id", "link_method", "link_score")
METHOD_RANK = {"alias": 3, "normalised": 2, "fuzzy": 1}

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


class AliasFileError(ValueError):
    """The analyst alias file exists but is no UTF-8 CSV: the load stops (its links would be made without it)."""


def read_aliases(path: Path | str | None = None) -> pd.DataFrame:
    """The analyst alias file (department_name, name, same_as, note); empty when there is none.

    A row says ``name`` and ``same_as`` are one project (either may be the earlier); an empty
    ``same_as`` keeps ``name`` apart from every other project: it is never linked automatically, in
    either direction (only an exact reprint of it continues its project).
    """
    chosen = Path(path) if path else aliases_path()
    if not chosen.is_file():
        return pd.DataFrame(columns=list(ALIAS_COLUMNS))
    try:
        with chosen.open(encoding="utf-8-sig", newline="") as fh:
            rows = [r for r in csv.DictReader(fh) if (r.get("name") or "").strip()]
    except (UnicodeDecodeError, csv.Error) as exc:  # it said only "'utf-8' codec can't decode byte 0xb9", not where
        raise AliasFileError(f"the alias file {chosen} cannot be read ({exc}): save it as UTF-8 CSV") from None
    frame = pd.DataFrame(rows, columns=list(ALIAS_COLUMNS)).fillna("").map(str.strip)
    frame["department_name"] = frame["department_name"].map(clean_department)  # any spelling: the stored one
    return frame


def alias_departments(aliases: pd.DataFrame) -> list[str]:
    """The departments the alias file names: every year of theirs is a candidate (see _comparable)."""
    return sorted({d.strip() for d in aliases["department_name"]})


class _Aliases:
    """The alias file indexed once per link: folded (name, same_as) pairs and kept-apart names per department."""

    def __init__(self, aliases: pd.DataFrame) -> None:
        self.pairs: dict[str, list[tuple[str, str]]] = {}
        self.kept_apart: dict[str, set[str]] = {}
        for dept, name, same_as in zip(aliases["department_name"], aliases["name"], aliases["same_as"], strict=True):
            self.pairs.setdefault(dept.strip(), []).append((_alias_key(name), _alias_key(same_as)))
            if same_as == "":
                self.kept_apart.setdefault(dept, set()).add(_alias_key(name))

    def targets(self, department: str, name: str) -> list[str] | None:
        """The folded names the alias file pairs with ``name``; [] = keep apart; None = no alias row."""
        found: list[str] | None = None
        for left, right in self.pairs.get(department, ()):
            if name in (left, right):
                found = found or []
                other = right if name == left else left
                if other:
                    found.append(other)
        return found

    def apart(self, department: str) -> set[str]:
        return self.kept_apart.get(department, set())


def _alias_key(name: str) -> str:
    """An alias file's name as the linker compares printed names: its transfer documents first, however the analyst
    copied it (法律顾问经费（穗财政【2023】79号）, as the table printed it, is 穗财政【2023】79号法律顾问经费)."""
    return printed(*split_transfer_doc(name)) if name else ""


class _UnitPool:
    """The candidate rows of one department and unit, grouped by normalised name, with the names' forms
    prepared once so a new name is scored against all of them in one vectorised rapidfuzz call."""

    def __init__(self, rows: list[dict], department: str) -> None:
        self.department = department
        self.rows: dict[str, list[tuple[int, dict]]] = {}
        for position, row in enumerate(rows):
            self.rows.setdefault(normalised(row["project_name"]), []).append((position, row))
        self.names = list(self.rows)
        self.plain = [distinctive(n, department) for n in self.names]
        self.loose = [without_funding_word(x) for x in self.plain]

    def plausible(self, new: dict, threshold: float) -> list[dict]:
        """The rows ``compare`` could accept for ``new``, in their original order: same normalised name, or
        (adjacent years only) a name score near the fuzzy or corroborated threshold (a margin covers the
        rounding; compare decides)."""
        a = normalised(new["project_name"])
        x = distinctive(a, self.department)
        plain = process.cdist([x], self.plain, scorer=fuzz.ratio, dtype=np.float64)[0]
        loose = process.cdist([without_funding_word(x)], self.loose, scorer=fuzz.ratio, dtype=np.float64)[0]
        near = (plain >= threshold - 0.01) | (np.maximum(plain, loose) >= CORROBORATED_THRESHOLD - 0.01)
        year = int(new["budget_year"])
        found: list[tuple[int, dict]] = []
        for i, name in enumerate(self.names):
            if name == a:
                found += self.rows[name]
            elif near[i]:
                found += [(p, r) for p, r in self.rows[name] if abs(year - int(r["budget_year"])) <= 1]
        return [r for _, r in sorted(found, key=lambda pr: pr[0])]


def _alias_options(new: dict, pool: list[dict], targets: list[str]) -> list[tuple]:
    """The projects printed under a name the alias file pairs with ``new`` (any unit of the department)."""
    best: dict[int, Evidence] = {}
    for cand in pool:
        if printed(cand["transfer_doc_no"], cand["project_name"]) not in targets:
            continue
        ev = Evidence("alias", 100.0, 1.0, True, 100.0, -abs(int(new["budget_year"]) - int(cand["budget_year"])))
        if cand["project_id"] not in best or ev.rank > best[cand["project_id"]].rank:
            best[cand["project_id"]] = ev
    return [(ev.rank, pid, ev) for pid, ev in best.items()]


class _Pools:
    """Candidate rows (as dicts, converted once) by department, and by department and unit on demand."""

    def __init__(self, pool: pd.DataFrame) -> None:
        self.by_department: dict[str, list[dict]] = {}
        for row in records(pool):
            self.by_department.setdefault(row["department_name"], []).append(row)
        self._units: dict[tuple[str, str], _UnitPool] = {}

    def department(self, dept: str) -> list[dict]:
        return self.by_department.get(dept, [])

    def unit(self, dept: str, unit: str) -> _UnitPool:
        if (dept, unit) not in self._units:
            rows = [r for r in self.department(dept) if r["unit_name"] == unit]
            self._units[dept, unit] = _UnitPool(rows, dept)
        return self._units[dept, unit]


def records(frame: pd.DataFrame) -> list[dict]:
    """The frame's rows as dicts of Python values, as ``to_dict("records")`` gives them (<NA> as None), at half
    its cost (its per-value boxing was 1.2 s of the loader's CPU on L): Series.tolist() boxes a column at once."""
    columns = list(frame.columns)
    values = (_python_values(frame[c]) for c in columns)
    return [dict(zip(columns, row, strict=True)) for row in zip(*values, strict=True)]


def _python_values(column: pd.Series) -> list:
    values = column.tolist()
    if column.dtype == object or getattr(column.dtype, "na_value", None) is pd.NA:
        return [None if v is pd.NA else v for v in values]
    return values


def _comparable(pool: pd.DataFrame, new_names: pd.DataFrame, alias_departments: set[str]) -> np.ndarray:
    """The candidate rows a new name could be linked to at all, so the work stays bounded by the years
    next to the new one rather than growing with the history: a row of a department the alias file
    names; else a row of a new name's unit that is of an adjacent year (fuzzy links) or carries the
    same normalised name (normalised links, any year)."""
    if pool.empty or new_names.empty:
        return np.zeros(len(pool), dtype=bool)
    year = int(new_names["budget_year"].iloc[0])
    depts, units = new_names["department_name"].tolist(), new_names["unit_name"].tolist()
    names = {(d, u, normalised(n)) for d, u, n in zip(depts, units, new_names["project_name"].tolist(), strict=True)}
    unit_set = set(zip(depts, units, strict=True))
    return np.array(
        [
            d in alias_departments or ((d, u) in unit_set and (abs(y - year) <= 1 or (d, u, normalised(n)) in names))
            for d, u, n, y in zip(
                pool["department_name"].tolist(),
                pool["unit_name"].tolist(),
                pool["project_name"].tolist(),
                pool["budget_year"].tolist(),
                strict=True,
            )
        ],
        dtype=bool,
    )


class Linker:
    """Link the new names of ONE budget year in two steps, so that a caller holding many candidate rows
    needs indicator sets only for the rows that are actually compared (:meth:`compared_rows`).

    ``new_names``: NEW_NAME_COLUMNS, one row per name_key. ``candidates``: CANDIDATE_COLUMNS, one row per
    project and year it is printed in (facts already loaded and names of this batch already linked); a
    project printed in the new names' year is taken. Both may carry an ``indicators`` column: the
    frozenset of folded indicator names of that row (or set it later with :meth:`set_indicators`).
    """

    def __init__(
        self,
        new_names: pd.DataFrame,
        candidates: pd.DataFrame,
        aliases: pd.DataFrame | None = None,
        threshold: float = FUZZY_THRESHOLD,
    ) -> None:
        years = set(new_names["budget_year"])
        if len(years) > 1:
            raise ValueError(f"link_names takes the names of one budget year, got {sorted(years)}")
        aliases = aliases if aliases is not None else pd.DataFrame(columns=list(ALIAS_COLUMNS))
        candidates = candidates.astype(object)  # numpy objects: filtering Arrow-backed strings cost 5 s on L
        taken = set(candidates.loc[candidates["budget_year"].isin(years), "project_id"])
        positioned = candidates.assign(_position=range(len(candidates)))
        self.aliases = _Aliases(aliases)
        pool = positioned[~positioned["project_id"].isin(taken)]
        self.pools = _Pools(pool[_comparable(pool, new_names, set(self.aliases.pairs))])
        self.threshold = threshold
        self.keys = new_names["name_key"].tolist()
        # only a name of a department with candidate rows or alias rows has anything to compare; every other
        # name is new (most names of a first load: planning them one by one cost 14 µs a name)
        departments = set(self.pools.by_department) | set(self.aliases.pairs)
        self.new = records(new_names[new_names["department_name"].isin(departments)])
        self.plans = [self._plan(new) for new in self.new]

    def _plan(self, new: dict) -> list[tuple] | list[dict] | None:
        """None: kept apart; alias options (tuples); else the candidate rows to compare (dicts)."""
        dept = new["department_name"]
        targets = self.aliases.targets(dept, printed(new["transfer_doc_no"], new["project_name"]))
        if targets == []:
            return None
        if targets is not None:
            return _alias_options(new, self.pools.department(dept), targets)
        if not self.pools.department(dept):
            return []  # a department's first year: nothing to compare (most of a first load)
        apart = self.aliases.apart(dept)
        rows = self.pools.unit(dept, new["unit_name"]).plausible(new, self.threshold)
        return [r for r in rows if not apart or printed(r["transfer_doc_no"], r["project_name"]) not in apart]

    def compared_rows(self) -> list[int]:
        """Positions (in ``candidates``) of the rows whose indicator sets the comparisons read."""
        return sorted({r["_position"] for plan in self.plans if plan for r in plan if isinstance(r, dict)})

    def set_indicators(self, by_position: dict[int, frozenset[str]]) -> None:
        for plan in self.plans:
            for r in plan or ():
                if isinstance(r, dict) and r["_position"] in by_position:
                    r["indicators"] = by_position[r["_position"]]

    def _options(self, new: dict, plan: list) -> list[tuple]:
        if plan and isinstance(plan[0], tuple):
            return plan
        found: dict[int, Evidence] = {}
        for cand in plan:
            ev = compare(new, cand, self.threshold)
            if ev and (cand["project_id"] not in found or ev.rank > found[cand["project_id"]].rank):
                found[cand["project_id"]] = ev
        return [(ev.rank, pid, ev) for pid, ev in found.items()]

    def link(self) -> pd.DataFrame:
        """ASSIGNMENT_COLUMNS; ``project_id`` is <NA> and ``link_method`` 'new' for a new identity."""
        options, apart = [], set()
        for new, plan in zip(self.new, self.plans, strict=True):
            if plan is None:
                apart.add(new["name_key"])
                continue
            options += [(rank, new["name_key"], pid, ev) for rank, pid, ev in self._options(new, plan)]
        return _greedy(self.keys, options, apart)


def link_names(
    new_names: pd.DataFrame,
    candidates: pd.DataFrame,
    aliases: pd.DataFrame | None = None,
    threshold: float = FUZZY_THRESHOLD,
) -> pd.DataFrame:
    """Assign each new name of ONE budget year to a project, or to none (a new identity); see :class:`Linker`.

    Returns ASSIGNMENT_COLUMNS; ``project_id`` is <NA> and ``link_method`` 'new' for a new identity.
    """
    return Linker(new_names, candidates, aliases, threshold).link()


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
