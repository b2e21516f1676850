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

One part reads and writes the warehouse itself, inside the writer's transaction: settle_links, which measures
again the links a corrected or pruned year left without their partner (see the section at the end).
"""

from __future__ import annotations

import csv
import os
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
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
    unit_key,
    without_funding_word,
)
from etl.settings import aliases_path
from etl.transform.department import clean_department
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
    """The analyst alias file cannot be used as written (not UTF-8 CSV, no header, a row that says nothing or
    contradicts another): the load stops, before it writes (its links would be made without the file, or wrong)."""


REQUIRED_ALIAS_COLUMNS = ALIAS_COLUMNS[:3]


def read_aliases(path: Path | str | None = None) -> pd.DataFrame:
    """The analyst alias file (department_name, name, same_as, note); empty when there is none.

    A row says ``name`` and ``same_as`` are one project (either may be the earlier); an empty
    ``same_as`` keeps ``name`` apart from every other project: it is never linked automatically, in
    either direction (only an exact reprint of it continues its project).

    Refused with the line at fault (AliasFileError): bytes that are not UTF-8, a quote left open, a first line that
    is not the header, a row with fewer fields than department_name,name,same_as (a missing comma made a pair a
    keep-apart row), a row without its department or name, a name paired with itself, and a name both kept
    apart and paired; each was read silently as no alias or as another. $JIXIAO_ALIASES naming no file is refused
    too (the default data/project_aliases.csv may be absent)."""
    chosen = Path(path) if path else aliases_path()
    if not chosen.is_file():
        if path is None and os.environ.get("JIXIAO_ALIASES") and not chosen.exists():
            raise AliasFileError(f"$JIXIAO_ALIASES names {chosen}, which does not exist")
        if chosen.exists():
            raise AliasFileError(f"the alias file {chosen} is not a file")
        return pd.DataFrame(columns=list(ALIAS_COLUMNS))
    try:
        with chosen.open(encoding="utf-8-sig", newline="") as fh:
            rows = _alias_rows(csv.reader(fh, strict=True), chosen)
    except (UnicodeDecodeError, csv.Error, OSError) as exc:  # it said only "'utf-8' codec can't decode byte 0xb9"
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise AliasFileError(f"the alias file {chosen} cannot be read ({why}): save it as UTF-8 CSV") from None
    frame = pd.DataFrame([r for _, r in rows], columns=list(ALIAS_COLUMNS)).fillna("").map(str.strip)
    frame["department_name"] = frame["department_name"].map(clean_department)  # any spelling: the stored one
    _refuse_contradictions(frame, [n for n, _ in rows], chosen)
    return frame


def _alias_rows(reader: Iterable[list[str]], path: Path) -> list[tuple[int, list[str]]]:
    """(line number, [department_name, name, same_as, note]) of each row that says something, header checked."""
    rows = iter(reader)
    header = [h.strip() for h in next(rows, [])]
    if not header:
        return []
    if not set(REQUIRED_ALIAS_COLUMNS) <= set(header):
        found = ",".join(header)[:200]
        raise AliasFileError(
            f"the alias file {path} must start with the header {','.join(ALIAS_COLUMNS)} (its first line: {found})"
        )
    where = [header.index(c) if c in header else None for c in ALIAS_COLUMNS]
    out = []
    try:
        for row in rows:
            line = getattr(reader, "line_num", 0)
            if not any(cell.strip() for cell in row):
                continue  # a blank line
            if len(row) < len(REQUIRED_ALIAS_COLUMNS):
                raise AliasFileError(
                    f"the alias file {path}, line {line}: {len(row)} field(s), need "
                    f"{','.join(REQUIRED_ALIAS_COLUMNS)} (an empty same_as, written 'name,', keeps a name apart)"
                )
            out.append((line, [row[i] if i is not None and i < len(row) else "" for i in where]))
    except csv.Error as exc:  # strict: a quote left open ran to the end of the file, every row after it one name
        line = getattr(reader, "line_num", 0)
        raise AliasFileError(f"the alias file {path}, line {line}: {exc} (a quote left open?)") from None
    return out


def _refuse_contradictions(frame: pd.DataFrame, lines: list[int], path: Path) -> None:
    """A row without department or name, a name paired with itself, a name both kept apart and paired."""
    apart: dict[tuple[str, str], int] = {}
    paired: dict[tuple[str, str], int] = {}
    rows = zip(lines, frame["department_name"], frame["name"], frame["same_as"], strict=True)
    for line, dept, name, same_as in rows:
        at = f"the alias file {path}, line {line}"
        if not dept or not name:
            raise AliasFileError(f"{at}: no {'department_name' if not dept else 'name'}")
        key, other = _alias_key(name), _alias_key(same_as)
        if key == other:
            raise AliasFileError(f"{at}: {name} is paired with itself; leave same_as empty to keep it apart")
        if not other:
            apart.setdefault((dept, key), line)
        else:
            paired.setdefault((dept, key), line)
            paired.setdefault((dept, other), line)
    if both := sorted(apart.keys() & paired.keys(), key=lambda k: apart[k]):
        dept, key = both[0]
        raise AliasFileError(
            f"the alias file {path}: line {apart[both[0]]} keeps {key} ({dept}) apart, line {paired[both[0]]} pairs it"
        )


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
        self._prepared: dict[str, list[dict]] = {}

    def plausible(self, new: dict, threshold: float) -> list[dict]:
        """The rows ``compare`` could accept for ``new``, in their original order: same normalised name, or
        (adjacent years only) a name score near the fuzzy or corroborated threshold (a margin covers the
        rounding; compare decides). Read from :meth:`prepare` when it scored ``new`` with the unit's other names."""
        found = self._prepared.pop(new["name_key"], None)
        return found if found is not None else self._plausible([new], threshold)[0]

    def prepare(self, news: list[dict], threshold: float) -> None:
        """Score these new names of the unit at once, for :meth:`plausible`: one rapidfuzz call a chunk of names,
        not two a name, and only the near names visited (one call and a loop over the whole pool a name was
        quadratic: 5,000 projects renamed, 16 CPU s)."""
        for start in range(0, len(news), _CHUNK):
            part = news[start : start + _CHUNK]
            self._prepared.update(zip((n["name_key"] for n in part), self._plausible(part, threshold), strict=True))

    def _plausible(self, news: list[dict], threshold: float, corroborated: bool = True) -> list[list[dict]]:
        """See plausible; ``corroborated=False``: near by the name alone (``threshold``), for rows that carry no
        indicators, which the corroborated rule needs (corrected_links)."""
        names = [normalised(n["project_name"]) for n in news]
        if not self.names:
            return [self._rows(a, int(n["budget_year"]), None) for a, n in zip(names, news, strict=True)]
        x = [distinctive(a, self.department) for a in names]
        lowest = min(threshold, CORROBORATED_THRESHOLD) if corroborated else threshold
        score = {"scorer": fuzz.ratio, "dtype": np.float64, "score_cutoff": lowest - 0.01}  # lower scores are 0
        plain = process.cdist(x, self.plain, **score)
        near = plain >= threshold - 0.01
        if corroborated:
            loose = process.cdist([without_funding_word(v) for v in x], self.loose, **score)
            near |= np.maximum(plain, loose) >= CORROBORATED_THRESHOLD - 0.01
        years = [int(n["budget_year"]) for n in news]
        return [self._rows(a, year, near[k]) for k, (a, year) in enumerate(zip(names, years, strict=True))]

    def _rows(self, name: str, year: int, near: np.ndarray | None) -> list[dict]:
        """The rows of the same normalised name (any year) and of the near names (adjacent years)."""
        found: list[tuple[int, dict]] = list(self.rows.get(name, ()))
        for i in np.flatnonzero(near).tolist() if near is not None else ():
            if self.names[i] != name:
                found += [(p, r) for p, r in self.rows[self.names[i]] if abs(year - int(r["budget_year"])) <= 1]
        return [r for _, r in sorted(found, key=lambda pr: pr[0])]


_CHUNK = 256  # new names scored in one call: 256 x a pool of 5,000 names is 10 MB of scores


def _alias_options(new: dict, pool: list[dict], targets: list[str]) -> list[tuple]:
    """The projects printed under a name the alias file pairs with ``new`` (any unit of the department)."""
    best: dict[int, Evidence] = {}
    for cand in pool:
        if printed(cand["transfer_doc_no"], cand["project_name"]) not in targets:
            continue
        ev = _alias_evidence(-abs(int(new["budget_year"]) - int(cand["budget_year"])))
        if cand["project_id"] not in best or ev.rank > best[cand["project_id"]].rank:
            best[cand["project_id"]] = ev
    return [(ev.rank, pid, ev) for pid, ev in best.items()]


def _alias_evidence(nearness: int) -> Evidence:
    """What an alias row says of two printings ``nearness`` (minus the years between them) apart: the strongest link."""
    return Evidence("alias", 100.0, 1.0, True, 100.0, nearness)


class _Pools:
    """Candidate rows (as dicts, converted once) by department, and by department and unit (grouped once: a unit's
    rows were found by a scan of its department's, once a unit: 800 school units, 0.7 s)."""

    def __init__(self, pool: pd.DataFrame) -> None:
        self.by_department: dict[str, list[dict]] = {}
        self._by_unit: dict[tuple[str, str], list[dict]] = {}
        for row in records(pool):
            self.by_department.setdefault(row["department_name"], []).append(row)
            dept = row["department_name"]
            self._by_unit.setdefault((dept, unit_key(dept, row["unit_name"])), []).append(row)
        self._units: dict[tuple[str, str], _UnitPool] = {}

    def department(self, dept: str) -> list[dict]:
        return self.by_department.get(dept, [])

    def unit(self, dept: str, unit: str) -> _UnitPool:
        """The pool of the unit as the linker compares units (names.unit_key: the department's own body, printed
        with 本级 or without, is one unit)."""
        key = (dept, unit_key(dept, unit))
        if key not in self._units:
            self._units[key] = _UnitPool(self._by_unit.get(key, []), dept)
        return self._units[key]


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
    depts = new_names["department_name"].tolist()
    units = [unit_key(d, u) for d, u in zip(depts, new_names["unit_name"].tolist(), strict=True)]
    names = {(d, u, normalised(n)) for d, u, n in zip(depts, units, new_names["project_name"].tolist(), strict=True)}
    unit_set = set(zip(depts, units, strict=True))
    pool_depts = pool["department_name"].tolist()
    pool_units = [unit_key(d, u) for d, u in zip(pool_depts, pool["unit_name"].tolist(), strict=True)]
    return np.array(
        [
            d in alias_departments or ((d, u) in unit_set and (abs(y - year) <= 1 or (d, u, normalised(n)) in names))
            for d, u, n, y in zip(
                pool_depts,
                pool_units,
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
        self._prepare()
        self.plans = [self._plan(new) for new in self.new]

    def _prepare(self) -> None:
        """Score the new names of each unit together (_UnitPool.prepare) where _plan will ask for them."""
        by_unit: dict[tuple[str, str], list[dict]] = {}
        for new in self.new:
            if self.pools.department(new["department_name"]):
                by_unit.setdefault((new["department_name"], new["unit_name"]), []).append(new)
        for (dept, unit), news in by_unit.items():
            self.pools.unit(dept, unit).prepare(news, self.threshold)

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


def corrected_links(
    new_names: pd.DataFrame, printings: pd.DataFrame, aliases: pd.DataFrame | None = None
) -> dict[str, int]:
    """The project a name of a corrected table continues (name_key -> project_id): a project its correction took
    out of that year. ``new_names``: NEW_NAME_COLUMNS of one year's names the linker gave a new identity;
    ``printings``: CANDIDATE_COLUMNS of the printings the correction retired, of projects no printing of that year
    holds now. Compared as the linker compares: a name the alias file pairs with others continues only a printing
    of one of them (any unit of the department; the alias file wins over everything), a name or printing it keeps
    apart is left alone, else same department and unit, equal after normalising or near by name (``compare``), on
    the name alone (a retired printing's indicators are gone: no corroborated link); best evidence first, one name
    a project. A unit's names are scored together (a chunk of names a rapidfuzz call, not two calls a name, and only
    the printings near by name alone compared: _corrected_options). A typo fixed in a republished table keeps the
    project's id (the printing it corrects was retired before linking, so the linker saw none)."""
    if new_names.empty or printings.empty:
        return {}
    kept = _Aliases(aliases if aliases is not None else pd.DataFrame(columns=list(ALIAS_COLUMNS)))
    pools = _Pools(printings.astype(object))
    options, by_unit = [], {}
    for new in records(new_names.astype(object)):
        dept = new["department_name"]
        targets = kept.targets(dept, printed(new["transfer_doc_no"], new["project_name"]))
        if targets is not None:  # [] keeps it apart
            options += [
                (rank, new["name_key"], int(pid), ev)
                for rank, pid, ev in _alias_options(new, pools.department(dept), targets)
            ]
        elif pools.department(dept):
            by_unit.setdefault((dept, new["unit_name"]), []).append(new)
    for (dept, unit), news in by_unit.items():
        options += _corrected_options(pools.unit(dept, unit), news, kept.apart(dept))
    chosen = _greedy(new_names["name_key"].tolist(), options, set())
    return {k: int(p) for k, p in zip(chosen["name_key"], chosen["project_id"], strict=True) if pd.notna(p)}


def _corrected_options(pool: _UnitPool, news: list[dict], apart: set[str]) -> list[tuple]:
    """(rank, name_key, project_id, evidence) of each retired printing of the unit that a new name of it continues,
    neither kept apart by the alias file. The names are scored together, a chunk of them a rapidfuzz call, and only
    the printings of the same normalised name or near by name alone are compared (_UnitPool._plausible without the
    corroborated rule: a retired printing has no indicators, and for 5,000 look-alike names that rule had made every
    pair a comparison)."""
    options: list[tuple] = []
    for start in range(0, len(news), _CHUNK):
        part = news[start : start + _CHUNK]
        for new, rows in zip(part, pool._plausible(part, FUZZY_THRESHOLD, corroborated=False), strict=True):
            if apart and printed(new["transfer_doc_no"], new["project_name"]) in apart:
                continue
            for cand in rows:
                if apart and printed(cand["transfer_doc_no"], cand["project_name"]) in apart:
                    continue
                if ev := compare(new, cand, FUZZY_THRESHOLD):
                    options.append((ev.rank, new["name_key"], int(cand["project_id"]), ev))
    return options


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


# ---- links settled after a replacement ------------------------------------------------------------------------------
#
# A name's link_method and link_score say what joined it to its project when it was linked: a name of another year
# of that project. A corrected file (or --prune) retires a department-year's facts; a project printed there under a
# name that is now gone, or other, can leave a name of a neighbouring year claiming a link whose partner is no longer
# printed (律师管理业务经费 2024 'fuzzy' 100.00 against 律师管理工作经费 2023, after a corrected 2023 printed
# 律师管理事务经费, 87.50 alike, or nothing). The writer calls printings_of_loads before it retires loads and
# settle_links after it linked and wrote the batch, in the same transaction: the identities stay (ids survive
# reloads); what a link says is measured again against the project's printings as they are now.

LINKED = ("normalised", "fuzzy", "alias")
Printing = tuple[int, int, str]  # project_id, budget_year, name_key

_PRINTINGS = """
    SELECT f.project_id, f.budget_year, f.name_key, f.department_name, f.unit_name, f.project_name,
           f.transfer_doc_no, n.link_method, n.link_score
    FROM fact_project_budget f JOIN dim_project_name n ON n.name_key = f.name_key
    WHERE f.project_id IN (SELECT unnest(?))
    ORDER BY f.project_id, f.budget_year
"""
_PRINTING_COLUMNS = (
    "project_id", "budget_year", "name_key", "department_name", "unit_name", "project_name", "transfer_doc_no",
    "link_method", "link_score",
)  # fmt: skip


def printings_of_loads(con: object, load_ids: Sequence[int]) -> set[Printing]:
    """(project_id, budget_year, name_key) of these loads' projects: what retiring them takes out."""
    if not load_ids:
        return set()
    sql = "SELECT project_id, budget_year, name_key FROM fact_project_budget WHERE load_id IN (SELECT unnest(?))"
    return {(int(p), int(y), k) for p, y, k in con.execute(sql, [list(load_ids)]).fetchall()}


def settle_links(con: object, retired: Collection[Printing], aliases: pd.DataFrame | None = None) -> int:
    """Measure again the links of the projects whose printing in a retired year is gone or under another name now
    (``retired``: printings_of_loads before the retirement); returns how many names' links changed.

    A name that is its project's only one now is ``new``; a linked name (normalised, fuzzy, alias) whose stored
    method and score no current printing of another name of its project supports gets the evidence against the
    nearest earlier printing (else the best against any), or ``new`` when none is evidence any more. dim_project
    takes the project's earliest printing. Runs inside the caller's transaction (DuckDB or PostgreSQL)."""
    if not retired:
        return 0
    projects = sorted({p for p, _, _ in retired})
    rows = [dict(zip(_PRINTING_COLUMNS, r, strict=True)) for r in con.execute(_PRINTINGS, [projects]).fetchall()]
    now = {(int(r["project_id"]), int(r["budget_year"]), r["name_key"]) for r in rows}
    changed = {p for p, y, k in retired if (p, y, k) not in now}
    rows = [r for r in rows if int(r["project_id"]) in changed]
    if not rows:
        return 0
    _set_printing_indicators(con, rows)
    updates = relinked(rows, aliases if aliases is not None else read_aliases())
    first = {}
    for r in rows:  # ordered by project and year: a name's first printing
        first.setdefault(r["name_key"], int(r["budget_year"]))
    if updates:
        con.execute(
            _RELINK,
            [
                [key for _, _, key in updates],
                [method for method, _, _ in updates],
                [None if score is None else str(score) for _, score, _ in updates],
                [first[key] for _, _, key in updates],
            ],
        )
    _settle_projects(con, rows)
    return len(updates)


# the settled links in one statement (both engines; one UPDATE a name cost 1.7 ms): the columns travel as lists,
# zipped by unnest, the scores as exact text
_RELINK = """
    UPDATE dim_project_name
    SET link_method = u.link_method, link_score = u.link_score, linked_in_year = u.linked_in_year
    FROM (
        SELECT unnest(CAST(? AS VARCHAR[])) AS name_key, unnest(CAST(? AS VARCHAR[])) AS link_method,
               CAST(unnest(CAST(? AS VARCHAR[])) AS DECIMAL(5, 2)) AS link_score,
               unnest(CAST(? AS INTEGER[])) AS linked_in_year
    ) AS u
    WHERE dim_project_name.name_key = u.name_key
"""


def _set_printing_indicators(con: object, rows: list[dict]) -> None:
    """Each printing's folded indicator names (the corroborated fuzzy rule compares them)."""
    found = con.execute(
        "SELECT project_id, budget_year, array_agg(indicator_key) FILTER (WHERE indicator_key IS NOT NULL) "
        "FROM fact_target WHERE project_id IN (SELECT unnest(?)) GROUP BY project_id, budget_year",
        [sorted({int(r["project_id"]) for r in rows})],
    ).fetchall()
    sets = {(int(p), int(y)): frozenset(names or ()) for p, y, names in found}
    for r in rows:
        r["indicators"] = sets.get((int(r["project_id"]), int(r["budget_year"])), frozenset())


def relinked(rows: list[dict], aliases: pd.DataFrame) -> list[tuple[str, Decimal | None, str]]:
    """(link_method, link_score, name_key) for each linked name of these printings (_PRINTING_COLUMNS and
    ``indicators``, every printing of each project) whose stored link no printing of another name supports."""
    index = _Aliases(aliases)
    by_project: dict[int, list[dict]] = {}
    for r in rows:
        by_project.setdefault(int(r["project_id"]), []).append(r)
    out = []
    for printings in by_project.values():
        for key in dict.fromkeys(r["name_key"] for r in printings):
            mine = [r for r in printings if r["name_key"] == key]
            stored = (mine[0]["link_method"], mine[0]["link_score"])
            if stored[0] not in LINKED:
                continue  # new and kept_apart claim no partner
            found = _evidence(mine, [r for r in printings if r["name_key"] != key], index)
            if any((ev.method, _stored_score(ev.score)) == stored for _, ev in found):
                continue
            chosen = _chosen(mine, found)
            settled = (chosen.method, _stored_score(chosen.score)) if chosen else ("new", None)
            if settled != stored:
                out.append((*settled, key))
    return out


def _evidence(mine: list[dict], others: list[dict], aliases: _Aliases) -> list[tuple[dict, Evidence]]:
    """The evidence that the name printed as ``mine`` continues each printing of ``others`` (None left out), as the
    linker weighs it: the alias file first, else compare() of the two printings nearest in years."""
    found = []
    for other in others:
        own = min(mine, key=lambda r: abs(int(r["budget_year"]) - int(other["budget_year"])))
        dept, theirs = own["department_name"], printed(other["transfer_doc_no"], other["project_name"])
        targets = aliases.targets(dept, printed(own["transfer_doc_no"], own["project_name"]))
        nearness = -abs(int(own["budget_year"]) - int(other["budget_year"]))
        if targets:
            ev = _alias_evidence(nearness) if theirs in targets else None
        else:
            ev = None if theirs in aliases.apart(dept) else compare(own, other)
        if ev is not None:
            found.append((other, ev))
    return found


def _chosen(mine: list[dict], found: list[tuple[dict, Evidence]]) -> Evidence | None:
    """The best evidence against an earlier printing (what a load in year order records), else against any."""
    first = min(int(r["budget_year"]) for r in mine)
    earlier = [ev for other, ev in found if int(other["budget_year"]) < first]
    pool = earlier or [ev for _, ev in found]
    return max(pool, key=lambda ev: ev.rank) if pool else None


def _stored_score(score: float | None) -> Decimal | None:
    """A score as link_score stores it (DECIMAL(5, 2))."""
    return None if score is None else Decimal(f"{score:.2f}")


def _settle_projects(con: object, rows: list[dict]) -> None:
    """dim_project of each settled project: its earliest printing now (the name it was made under may be gone).
    One statement for all of them; a project already so named is left as it is."""
    first: dict[int, dict] = {}
    for r in rows:  # ordered by project and year
        first.setdefault(int(r["project_id"]), r)
    if not first:
        return
    chosen = list(first.values())
    con.execute(
        _RENAME_PROJECTS,
        [
            list(first),
            [r["unit_name"] for r in chosen],
            [r["project_name"] for r in chosen],
            [r["transfer_doc_no"] for r in chosen],
            [int(r["budget_year"]) for r in chosen],
        ],
    )


_RENAME_PROJECTS = """
    UPDATE dim_project SET unit_name = u.unit_name, project_name = u.project_name,
        transfer_doc_no = u.transfer_doc_no, first_year = u.first_year
    FROM (
        SELECT unnest(CAST(? AS BIGINT[])) AS project_id, unnest(CAST(? AS VARCHAR[])) AS unit_name,
               unnest(CAST(? AS VARCHAR[])) AS project_name, unnest(CAST(? AS VARCHAR[])) AS transfer_doc_no,
               unnest(CAST(? AS INTEGER[])) AS first_year
    ) AS u
    WHERE dim_project.project_id = u.project_id
      AND NOT (dim_project.unit_name = u.unit_name AND dim_project.project_name = u.project_name
               AND dim_project.first_year = u.first_year
               AND coalesce(dim_project.transfer_doc_no, '') = coalesce(u.transfer_doc_no, ''))
"""
