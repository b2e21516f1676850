"""Decide before parsing which source files a run has to read at all.

A file is skipped when its bytes (sha256) are already in the warehouse under the same path: as the
current load of its table, or as a refusal about the file itself made by the current parser version
(the same bytes would be refused again). An internal error (a parser bug), a refusal made by an older
parser version, and a conflict (another file holds the table: it depends on that file) are never
skipped: those files are parsed again every run. The decision reads load_log.refusal_kind and
load_log.parser_version, never the refusal's message. One query
fetches everything known; hashing is plain hashlib over each file, except that a file whose size,
mtime, ctime and inode are those recorded with its load (load_log.source_stat) keeps the recorded
sha256, as git trusts its index: a run over 10,000 unchanged files costs a directory walk and a stat
each. ctime cannot be set back by copying tools (cp -p, rsync -t set mtime only), and a file changed
within RACY_SECONDS of the stat is never trusted, so an edit within the clock's tick is hashed.
Files whose current load's source is gone are noted
as disappeared (once the run's own loads are in, see still_disappeared); their data stays unless
the run is asked to prune them. A file under a folder or link the walk could not read (a link to an unmounted
share, a link loop, a folder it may not list: etl.extract.discover.Discovery) is not gone, only unseen: never
disappeared, never pruned, and the run names the path it could not read.

A current load is skipped only when it holds the year the run would load the file under (--year, else its year
folder's): a table loaded with --year 2023 from a 2024 folder is read again, under 2024, by the next plain run.

The loader's own check (etl.load.writer.plan_batch: same bytes for a (department, year) are 'unchanged')
stays the safety net for everything this module lets through.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from etl.extract.discover import (
    NOT_REGULAR_FOUND,
    discover_tree,
    missing_message,
    not_regular_files,
    unreachable,
)
from etl.extract.encoding import NOT_REGULAR, NOT_UTF8_NAME, file_sha256, shown_if_not_utf8
from etl.load.writer import FileResult, registered
from etl.model import RefusalKind
from etl.transform import PARSER_VERSION
from etl.transform.header import folder_year
from etl.warehouse.backend import NamesMisread, misread_name, reads_names_as_utf8

KNOWN_SQL = """
    SELECT load_id, source_path, source_sha256, status, budget_year, department_name,
           n_projects, n_targets, n_rejects, n_reconciliation_failures, message, refusal_kind, parser_version,
           source_stat
    FROM load_log WHERE status IN ('loaded', 'refused')
"""
RACY_SECONDS = 2  # a file changed this recently may change again within the same timestamp: always hashed
NEVER_SKIPPED = frozenset({RefusalKind.INTERNAL_ERROR, RefusalKind.CONFLICT})


@dataclass(slots=True, frozen=True)
class KnownFile:
    """A load_log row that can make a file skippable: a current load or a refusal."""

    load_id: int
    path: str
    sha256: str
    status: str
    budget_year: int | None
    department_name: str | None
    n_projects: int
    n_targets: int
    n_rejects: int
    n_failures: int
    message: str | None
    refusal_kind: str | None = None
    parser_version: int | None = None
    source_stat: str | None = None

    @property
    def refusal_is_final(self) -> bool:
        """A refusal the same bytes would get again: about the file itself, by the current parser."""
        return self.refusal_kind not in NEVER_SKIPPED and self.parser_version == PARSER_VERSION

    def as_result(self) -> FileResult:
        status = "unchanged" if self.status == "loaded" else "refused"
        return FileResult(
            self.path,
            status,
            self.department_name,
            self.budget_year,
            self.load_id if status == "unchanged" else None,
            self.n_projects,
            self.n_targets,
            self.n_rejects,
            self.n_failures,
            self.message or "",
            self.refusal_kind,
        )


@dataclass(slots=True)
class SourcePlan:
    """What a run found and what it has to parse; skipped files already carry their result."""

    files: list[str] = field(default_factory=list)  # absolute paths; Path objects only for the files to parse
    todo: list[Path] = field(default_factory=list)
    skipped: list[FileResult] = field(default_factory=list)
    unusable: list[FileResult] = field(default_factory=list)  # refused before reading, never recorded (_usable)
    gone: list[KnownFile] = field(default_factory=list)
    hashes: dict[str, str] = field(default_factory=dict)
    stats: dict[str, str] = field(default_factory=dict)  # path -> stat of the files hashed now (to record)
    pending_stats: dict[str, str] = field(default_factory=dict)  # path -> stat of a file the parser will hash
    unreadable: dict[str, str] = field(default_factory=dict)  # folder or link the walk could not read -> why
    own_outputs: list[str] = field(default_factory=list)  # jixiao's report and audit files found under the sources
    rewritten: list[KnownFile] = field(default_factory=list)  # current loads whose path now holds other bytes
    current: list[KnownFile] = field(default_factory=list)  # every current load, under the run's folders or not

    def read(self, hashes: Iterable[tuple[str, str]]) -> None:
        """The sha256 the parser read for files planned unhashed (path, sha256): their noted stat is recorded
        with it. A file it could not read ('') keeps no stat, as _sha256 keeps none."""
        for path, sha in hashes:
            if sha and (stat := self.pending_stats.pop(path, None)) is not None:
                self.hashes[path], self.stats[path] = sha, stat


class SourceMissing(FileNotFoundError):
    """A folder or file the run was asked to read is not there (an unmounted share, a typo)."""


def known_files(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], list[KnownFile]]:
    """(path, sha256) -> the current loads and refusals recorded for exactly those bytes at that path."""
    known: dict[tuple[str, str], list[KnownFile]] = {}
    for row in con.execute(KNOWN_SQL).fetchall():
        k = KnownFile(*row)
        known.setdefault((k.path, k.sha256), []).append(k)
    return known


def _skippable(candidates: list[KnownFile], year: int | None, filed_year: int | None = None) -> KnownFile | None:
    """A current load is skippable when it holds the year this run would load the file under, the effective year:
    --year (year), else its year folder's (filed_year), else (no year folder) whatever the table said, which
    only parsing can tell, so any (when only --year was compared, a load made with --year 2023 from a 2024 folder
    was skipped by every plain run after it, its facts left under 2023). Nor is a load skippable when an older
    parser version read it (its facts may be what that parser got wrong).

    A refusal is skippable when final (not an internal error, a conflict with another file, or made by an older
    parser version: see KnownFile.refusal_is_final), unless --year asks for another year than it was refused
    under. A plain run skips it whatever year it was refused under: a final refusal is about the bytes, and a
    refusal read again under another year, refused alike, is not logged again (once per file, bytes, kind and
    parser version), so that run and every one after it would parse the file again."""
    for k in candidates:
        if k.status == "refused":
            if k.refusal_is_final and (year is None or k.budget_year == year):
                return k
            continue
        if k.parser_version != PARSER_VERSION:
            continue  # read by an older parser: parsed again, and its table replaced (writer.plan_batch)
        wanted = year if year is not None else filed_year
        if wanted is None or k.budget_year == wanted:
            return k
    return None


def _folder_year(path: str, years: dict[str, int | None]) -> int | None:
    """The year of the file's year folder (etl.transform.header.folder_year), once per folder: a no-op run over
    10,000 files asks it of every file it skips, and builds no Path for them."""
    folder = os.path.dirname(path)
    if folder not in years:
        years[folder] = folder_year(path)
    return years[folder]


def plan_sources(
    con: duckdb.DuckDBPyConnection,
    paths: Sequence[Path | str],
    year: int | None = None,
    full: bool = False,
    on_unrecorded: Callable[[int], None] | None = None,
) -> SourcePlan:
    """Discover the files under paths, hash the ones the warehouse has seen at their path, and split them into
    skipped and to-do (a file at a path never recorded is parsed whatever its bytes, and hashed by the parser).

    full=True parses every file again (the loader still leaves unchanged tables alone).
    Raises SourceMissing when a named path does not exist, so an unmounted share is an error
    (and retried), never a reason to treat every file as disappeared. on_unrecorded, before any file is
    hashed, gets the number of files that will be parsed whatever their bytes: those whose path the warehouse
    has no record of (every file with full=True).
    """
    if missing := unreachable(paths):
        raise SourceMissing(missing_message(missing))
    found = discover_tree(paths)
    known = known_files(con)
    refuse_misread_names(paths, found.files, [path for path, _ in known])
    plan = SourcePlan(files=found.files, unreadable=found.unreadable, own_outputs=found.own_outputs)
    plan.files, plan.unusable = _usable(plan.files, paths)
    recorded_paths = {path for path, _ in known}
    if on_unrecorded is not None:
        on_unrecorded(len(plan.files) if full else sum(p not in recorded_paths for p in plan.files))
    recorded = {(k.path, k.source_stat): k.sha256 for ks in known.values() for k in ks if k.source_stat}
    folder_years: dict[str, int | None] = {}
    for path in plan.files:
        if full or path not in recorded_paths:  # parsed whatever its bytes: hashed by the parser as it reads them
            _unhashed(plan, path)
            continue
        sha = plan.hashes[path] = _sha256(plan, path, recorded)
        candidates = known.get((path, sha)) if sha else None
        hit = _skippable(candidates, year, _folder_year(path, folder_years)) if candidates else None
        if hit is None:
            plan.todo.append(Path(path))
        else:
            plan.skipped.append(hit.as_result())
    current = plan.current = [k for ks in known.values() for k in ks if k.status == "loaded"]
    unseen = [path for path, why in plan.unreadable.items() if why != NOT_REGULAR_FOUND]  # a pipe hides no file
    plan.gone = gone_sources(current, _roots_with_files(paths, plan.files), set(plan.files), unseen)
    plan.rewritten = [k for k in current if (sha := plan.hashes.get(k.path)) and sha != k.sha256]
    return plan


def overwritten(rewritten: Sequence[KnownFile], results: Sequence[FileResult]) -> list[KnownFile]:
    """The loads whose file now holds an exact copy of another loaded table (its result 'unchanged' under that
    table's load): their own table is in no file any more, as if the file had gone (a file copied over another, or
    two files swapped, which follow_moves then puts back under their new paths). The data of the first stayed
    current with exit 0, and --prune could not take it out: its path still existed."""
    by_path = {r.path: r for r in results}
    return [
        k
        for k in rewritten
        if (r := by_path.get(k.path)) is not None and r.status == "unchanged" and r.load_id not in (None, k.load_id)
    ]


def moved_away(plan: SourcePlan, results: Sequence[FileResult]) -> list[KnownFile]:
    """The loads, recorded under a path outside the run's folders that is no longer a file, whose bytes this run
    found under another path ('unchanged' under them): a source tree moved or mounted elsewhere. follow_moves gives
    them their new paths (round 31's hunt: they kept the old ones, so every file was parsed again every night, and
    --prune never took out a table deleted from the new tree: its load's path was under no folder of the run)."""
    elsewhere = {r.load_id: r.path for r in results if r.status == "unchanged" and r.load_id is not None}
    unseen = tuple(u + os.sep for u, why in plan.unreadable.items() if why != NOT_REGULAR_FOUND)
    return [
        k
        for k in plan.current
        if (new := elsewhere.get(k.load_id)) is not None
        and new != k.path
        and not (k.path + os.sep).startswith(unseen)
        and not os.path.isfile(k.path)
    ]


def refuse_misread_names(roots: Sequence[Path | str], files: Sequence[str], recorded: Iterable[str]) -> None:
    """NamesMisread (etl.warehouse.backend.misread_name) when this process reads file names in another encoding than
    UTF-8 and a root, a file found or one recorded under the run's folders has a name that is not ASCII: such a
    process took a recorded Chinese name for a file that disappeared, and --prune took its facts out."""
    if reads_names_as_utf8():
        return
    prefixes = tuple(os.path.abspath(r) + os.sep for r in roots)
    under = (p for p in recorded if (p + os.sep).startswith(prefixes))
    if said := misread_name([*map(str, roots), *files, *under], "nothing was loaded or pruned"):
        raise NamesMisread(said)


def _unhashed(plan: SourcePlan, path: str) -> None:
    """A file to parse whatever its bytes (a path the warehouse has no record of, or every file with full=True):
    not read here. The parser hashes the bytes it reads (load_log.source_sha256 is that hash), and the run hands
    it back (SourcePlan.read); its stat is noted now, before the parser reads the file, so that a change after
    this shows in the next run's stat. Hashing here too read every file of a first load twice: 10,000 tables
    (378 MB) took 1.0 CPU s in the loader before the first one was parsed."""
    plan.todo.append(Path(path))
    if stat := stat_key(path):
        plan.pending_stats[path] = stat


def _usable(files: list[str], named: Sequence[Path | str]) -> tuple[list[str], list[FileResult]]:
    """The files a run can read and record, and a refusal (not recorded: see why) for each other one:
    - a name that is not UTF-8 (os.scandir's surrogate escapes): the warehouse cannot store its path;
    - a path named on the command line that is no regular file (a FIFO would block the run, and its lock);
    found under a folder, only regular files are taken (discover.walk)."""
    pipes = not_regular_files(named)
    usable, refused = [], []
    for path in files:
        if shown := shown_if_not_utf8(path):
            refused.append(FileResult(shown, "refused", message=NOT_UTF8_NAME))
            continue
        if path in pipes:
            refused.append(FileResult(path, "refused", message=NOT_REGULAR))
            continue
        usable.append(path)
    return usable, refused


def stat_key(path: str, now: float | None = None) -> str | None:
    """size:mtime_ns:ctime_ns:inode:device of a file, or None when it cannot be read or changed within
    RACY_SECONDS, and always on Windows (its st_ctime is the creation time: an edit would not show)."""
    if os.name == "nt":
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    newest = max(st.st_mtime_ns, st.st_ctime_ns) / 1e9
    if (now if now is not None else time.time()) - newest < RACY_SECONDS:
        return None
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"


def _sha256(plan: SourcePlan, path: str, recorded: dict[tuple[str, str], str]) -> str:
    """The recorded sha256 while the file's stat is the recorded one; else the file hashed (stat noted first,
    so that a change while it is read shows in the next run's stat)."""
    stat = stat_key(path)
    if stat and (path, stat) in recorded:
        return recorded[path, stat]
    sha = file_sha256(Path(path))
    if stat and sha:
        plan.stats[path] = stat
    return sha


def follow_moves(con: duckdb.DuckDBPyConnection, gone: Sequence[KnownFile], results: Sequence[FileResult]) -> int:
    """A current load whose file is gone from its path while the same bytes were found under another ('unchanged'
    under the old load: a file moved to another folder) takes the new path; returns how many. The load kept the old
    path, so its file was never skipped before parsing again: every later run read and parsed it (a tree of 10,000
    moved files was a whole load's parse every night), and v_load_status showed a path that is not there."""
    gone_paths = {k.load_id: k.path for k in gone if k.status == "loaded"}
    moved: dict[int, str] = {}
    for r in sorted(results, key=lambda r: r.path):  # the same bytes under two new paths: the first takes it
        if r.status == "unchanged" and r.load_id in gone_paths and r.path != gone_paths[r.load_id]:
            moved.setdefault(r.load_id, r.path)
    for load_id, path in moved.items():  # rare (a reorganised tree): a statement each, on either engine
        con.execute("UPDATE load_log SET source_path = ?, source_stat = NULL WHERE load_id = ?", [path, load_id])
    return len(moved)


def record_stats(con: duckdb.DuckDBPyConnection, plan: SourcePlan) -> None:
    """Record the stat of every file hashed by this run beside its current load or refusal of the same bytes
    (after the run's loads, so a file that changed between the hash and its parse matches no row)."""
    if not plan.stats:
        return
    stage = pd.DataFrame(
        {
            "source_path": list(plan.stats),
            "source_sha256": [plan.hashes[p] for p in plan.stats],
            "source_stat": list(plan.stats.values()),
        },
        dtype=object,
    )
    with registered(con, "stage_stats", stage):
        con.execute(
            "UPDATE load_log SET source_stat = s.source_stat FROM stage_stats s "
            "WHERE load_log.source_path = s.source_path AND load_log.source_sha256 = s.source_sha256 "
            "AND load_log.status IN ('loaded', 'refused') AND load_log.source_stat IS DISTINCT FROM s.source_stat"
        )


def _roots_with_files(roots: Sequence[Path | str], files: Sequence[str]) -> list[str]:
    """Only a root that still holds files can say which of its files disappeared: an empty folder is more
    likely an empty mount point than a department that withdrew every table, so it never prunes anything.
    files are absolute and normalised (discover_paths), as the roots are made here."""
    kept = []
    for root in (os.path.abspath(r) for r in roots):
        under = root.rstrip(os.sep) + os.sep
        if any(f == root or f.startswith(under) for f in files):
            kept.append(root)
    return kept


def gone_sources(
    current: list[KnownFile], roots: Sequence[Path | str], seen: Collection[str], unreadable: Collection[str] = ()
) -> list[KnownFile]:
    """Current loads whose source file, under one of the roots, is no longer a file; not those at or under a path the
    walk could not read (unreadable: a dangling link, a link loop, a folder it may not list): os.path.exists says
    False for them too, and --prune took the facts of a whole linked share out while it was unmounted."""
    prefixes = tuple(os.path.abspath(r) + os.sep for r in roots)
    unseen = tuple(u + os.sep for u in unreadable)  # as the walk reached them: absolute, never resolved
    return [
        k
        for k in current
        if k.path not in seen
        and (k.path + os.sep).startswith(prefixes)
        and not (k.path + os.sep).startswith(unseen)
        and not os.path.isfile(k.path)  # gone, or a folder or a pipe in its place (os.path.exists said it was there)
    ]


def still_disappeared(
    con: duckdb.DuckDBPyConnection, gone: Sequence[KnownFile], matched_load_ids: set[int]
) -> list[KnownFile]:
    """Of the loads whose file is gone, those still current after the run loaded its files and not matched
    by a file of this run (a moved file with the same bytes is 'unchanged' under its old load)."""
    if not gone:
        return []
    current = {r[0] for r in con.execute("SELECT load_id FROM load_log WHERE status = 'loaded'").fetchall()}
    return [k for k in gone if k.load_id in current and k.load_id not in matched_load_ids]
