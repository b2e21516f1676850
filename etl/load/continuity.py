"""Identities given back: a name the linker would call new that continues a project all the same.

Two cases, both inside the batch's transaction (etl.load.writer._insert_links calls :func:`given_back` for each year's
links before it numbers the new identities):

- **a retired name printed again**: a name that left dim_project_name (its file pruned, or a correction dropped it) is
  kept in retired_project_name with its project_id (writer._drop_orphans, migration 0015). The same name printed
  again (the file put back, the correction undone, a later year) gets that id back.
- **a corrected table's renamed project**: a batch that replaces a department-year retires its printings before it
  links, so the linker never saw the printing a corrected name replaces (a typo fixed in a republished table). The
  names still new are compared with those retired printings, as the linker compares (identity.corrected_links).

Either way the name's method stays ``new`` (nothing printed now links it: identity.settle_links says the same of a
project's only name), and an id goes to no name when a printing of that year holds its project already: a project
holds one printing a year.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from etl.load import identity
from etl.load.staging import registered

# which of these projects a year prints now: loaded facts, and this batch's names of that year already linked (asked
# of the ids in question only: the year's whole list was read into Python a batch once anything was retired)
_PRINTED_IN_YEAR = """
    SELECT project_id FROM fact_project_budget
    WHERE budget_year = $1 AND project_id IN (SELECT unnest(CAST($2 AS BIGINT[])))
    UNION
    SELECT n.project_id FROM stage_projects s JOIN dim_project_name n USING (name_key)
    WHERE s.budget_year = $1 AND n.project_id IN (SELECT unnest(CAST($2 AS BIGINT[])))
"""
# the ids these names had, but an id whose project is now another department's (a project is one department's)
_RETIRED_IDS = """
    SELECT r.name_key, r.project_id FROM retired_project_name r JOIN stage_fresh_names f USING (name_key)
    WHERE NOT EXISTS (
        SELECT 1 FROM dim_project p WHERE p.project_id = r.project_id AND p.department_name <> f.department_name
    )
"""
_RETIRED_PRINTINGS = f"""
    SELECT {", ".join(identity.CANDIDATE_COLUMNS)}, name_key FROM fact_project_budget
    WHERE load_id IN (SELECT unnest(CAST(? AS BIGINT[])))
"""


def retired_printings(con: duckdb.DuckDBPyConnection, load_ids: list[int]) -> pd.DataFrame:
    """identity.CANDIDATE_COLUMNS and name_key of the loads a batch replaces, read before it retires them (empty for
    none): the candidates of corrected_links, and (``printings``) what identity.settle_links measures again."""
    if not load_ids:
        return pd.DataFrame(columns=[*identity.CANDIDATE_COLUMNS, "name_key"])
    return con.execute(_RETIRED_PRINTINGS, [list(load_ids)]).df()


def printings(retired: pd.DataFrame) -> set[identity.Printing]:
    """(project_id, budget_year, name_key) of retired_printings' rows, as identity.printings_of_loads reads them."""
    columns = (retired[c].tolist() for c in ("project_id", "budget_year", "name_key"))
    return {(int(p), int(y), k) for p, y, k in zip(*columns, strict=True)}


def given_back(
    con: duckdb.DuckDBPyConnection,
    links: pd.DataFrame,
    corrected: pd.DataFrame | None = None,
    aliases: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """``links`` (one year's names in print order, project_id <NA> where the linker found none) with the identities
    a retired name had, then those a corrected table's renamed project continues; a name linked otherwise leaves
    retired_project_name too. One EXISTS a year when nothing was ever retired and no table corrected (every first
    load)."""
    fresh = links["project_id"].isna()
    has_corrected = corrected is not None and not corrected.empty
    any_retired = _any_retired(con)
    if any_retired:
        _forget(con, links.loc[~fresh, "name_key"].tolist())
    if not fresh.any() or not (has_corrected or any_retired):
        return links
    year = int(links["budget_year"].iloc[0])
    wanted = links.loc[fresh, ["name_key", "department_name"]].astype(object)
    with registered(con, "stage_fresh_names", wanted):
        remembered = {k: int(p) for k, p in con.execute(_RETIRED_IDS).fetchall()}
    rows = corrected[corrected["budget_year"] == year] if has_corrected else None
    asked = set(remembered.values()) | (set(rows["project_id"].astype("int64").tolist()) if rows is not None else set())
    taken = _printed(con, year, asked) | set(links["project_id"].dropna().astype("int64").tolist())
    back = _first_claims(wanted["name_key"].tolist(), remembered, taken)
    if back:
        con.execute(
            "DELETE FROM retired_project_name WHERE name_key IN (SELECT unnest(CAST(? AS VARCHAR[])))", [list(back)]
        )
    if rows is not None:
        still = links[fresh & ~links["name_key"].isin(back) & (links["link_method"] == "new")]
        rows = rows[~rows["project_id"].isin(taken | set(back.values()))]
        back |= identity.corrected_links(still[list(identity.NEW_NAME_COLUMNS)], rows, aliases)
    return _with_ids(links, back) if back else links


def _printed(con: duckdb.DuckDBPyConnection, year: int, ids: set[int]) -> set[int]:
    """Those of ``ids`` a printing of ``year`` holds (in the warehouse, or a name of this batch already linked)."""
    if not ids:
        return set()
    return {int(p) for (p,) in con.execute(_PRINTED_IN_YEAR, [year, sorted(ids)]).fetchall()}


def _forget(con: duckdb.DuckDBPyConnection, name_keys: list[str]) -> None:
    """The retired rows of names printed again that the linker linked (to their old project or another): a name in
    dim_project_name is no longer retired (its row had stayed, and said an id the name may no longer have)."""
    if name_keys:
        con.execute(
            "DELETE FROM retired_project_name WHERE name_key IN (SELECT unnest(CAST(? AS VARCHAR[])))", [name_keys]
        )


def _any_retired(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute("SELECT EXISTS (SELECT 1 FROM retired_project_name)").fetchall()[0][0])


def _first_claims(name_keys: list[str], ids: dict[str, int], taken: set[int]) -> dict[str, int]:
    """name_key -> id for the names that have one in ``ids`` not ``taken``, the first printing of a project first."""
    back: dict[str, int] = {}
    claimed = set(taken)
    for key in name_keys:
        if (found := ids.get(key)) is not None and int(found) not in claimed:
            back[key] = int(found)
            claimed.add(int(found))
    return back


def _with_ids(links: pd.DataFrame, back: dict[str, int]) -> pd.DataFrame:
    links = links.copy()
    links["project_id"] = links["project_id"].astype("Int64")
    at = links["name_key"].isin(back.keys()) & links["project_id"].isna()
    links.loc[at, "project_id"] = links.loc[at, "name_key"].map(back).astype("Int64")
    return links


# the names of these links (name_key, project_id) printed in another year of this batch whose project that year prints
# already: in the warehouse, or under another name of this batch already known (the claimed names are new: no fact or
# known name is theirs). Joins, not correlated EXISTS: DuckDB ran those a row at a time (3.9 s of S's load)
_CLASHES = """
    WITH later AS (
        SELECT DISTINCT s.name_key, c.project_id, s.budget_year
        FROM stage_projects s JOIN stage_claims c USING (name_key) WHERE s.budget_year <> $1
    ),
    held AS (
        SELECT project_id, budget_year FROM fact_project_budget
        WHERE project_id IN (SELECT project_id FROM stage_claims)
        UNION ALL
        SELECT n.project_id, s.budget_year FROM stage_projects s JOIN dim_project_name n USING (name_key)
        WHERE n.project_id IN (SELECT project_id FROM stage_claims)
    )
    SELECT DISTINCT l.name_key FROM later l JOIN held h USING (project_id, budget_year)
"""


def several_years(projects: pd.DataFrame) -> frozenset[str]:
    """The name_keys a batch's projects print in more than one year (none when the batch holds one year)."""
    if projects.empty or projects["budget_year"].nunique() < 2:
        return frozenset()
    years = projects.groupby("name_key", sort=False)["budget_year"].nunique()
    return frozenset(years.index[years > 1].tolist())


def one_printing_a_year(con: duckdb.DuckDBPyConnection, links: pd.DataFrame, several: frozenset[str]) -> pd.DataFrame:
    """``links`` (one year's new names) without the links that would print a project twice in another year: a name
    the batch prints in several years is linked at its first, and its later printings go with it, so a project it
    continues must not be printed in those years by another name (two corrected years of one department renaming a
    project alike, in one batch: the name, linked at 2023 to a transfer project whose own name 2024 prints too,
    doubled (project, 2024) and the batch failed). Such a name is new instead, and etl.load.continuity.given_back
    may still find it its project."""
    if not several:
        return links
    pairs = zip(links["name_key"].tolist(), links["project_id"].tolist(), strict=True)  # plain Python: few claims
    claimed = [(key, int(pid)) for key, pid in pairs if key in several and not pd.isna(pid)]
    if not claimed:
        return links
    claims = pd.DataFrame(claimed, columns=["name_key", "project_id"])
    with registered(con, "stage_claims", claims):
        clashing = {k for (k,) in con.execute(_CLASHES, [int(links["budget_year"].iloc[0])]).fetchall()}
    if not clashing:
        return links
    links = links.copy()
    hit = links["name_key"].isin(clashing)
    links["project_id"] = links["project_id"].astype("Int64")
    links.loc[hit, "project_id"] = pd.NA
    links.loc[hit, "link_method"] = "new"
    links.loc[hit, "link_score"] = None
    return links
