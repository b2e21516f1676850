"""Where things live: packaged resources (SQL, migrations, CSVs, templates) and the warehouse.

Resources are found beside the package, so a plain `pip install .` works from any folder: the wheel
carries ``sql/`` and ``migrations/`` as ``etl/sql`` and ``etl/migrations`` (pyproject's package-dir
map); a source checkout (editable install, tests) reads them at the top of the repository.
Defaults that name a user's files (the warehouse, the source folder, the alias list) are relative
to the working directory; ``JIXIAO_WAREHOUSE`` / ``JIXIAO_ALIASES`` override them.

And what jixiao's own files are called (the section at the end).
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
_SOURCE_TREE = PACKAGE_DIR.parent


def _resource_dir(name: str) -> Path:
    packaged = PACKAGE_DIR / name
    return packaged if packaged.is_dir() else _SOURCE_TREE / name


SQL_DIR = _resource_dir("sql")
MIGRATIONS_DIR = _resource_dir("migrations")
DEFAULT_SOURCES = Path("data") / "raw"
DEFAULT_WAREHOUSE = Path("warehouse") / "jixiao.duckdb"
DEFAULT_ALIASES = Path("data") / "project_aliases.csv"
# files per load transaction (CLI, flows, run_load). Each transaction has a fixed cost in the loader (the candidate
# query over the history, the commit), so fewer are cheaper: on L (`bench.measure load`, round 14) 500 took 26.0-27.9
# s in six runs, the loader 19.3-20.8 CPU s, the peak 812-856 MiB, against 27.6-28.1 s, 21.6-22.6 CPU s and 761-766
# MiB at 250 in two runs between them (S 629-635 against 586-596 MiB). The first transaction is smaller and each
# is parsed in parts of at most 125 files (etl.load.batches): whole halves of 500 raised the peak to 884-901 MiB.
FILES_PER_BATCH = 500
MIN_YEAR, MAX_YEAR = 1990, 2100  # a budget year, from --year, a folder name or a title: one rule for all


def is_budget_year(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def warehouse_path(override: str | Path | None = None) -> Path:
    """The working warehouse: the argument, else $JIXIAO_WAREHOUSE, else ./warehouse/jixiao.duckdb."""
    chosen = override or os.environ.get("JIXIAO_WAREHOUSE") or DEFAULT_WAREHOUSE
    return Path(chosen).expanduser().resolve()


def aliases_path() -> Path:
    """The project alias list: $JIXIAO_ALIASES, else ./data/project_aliases.csv."""
    return Path(os.environ.get("JIXIAO_ALIASES") or DEFAULT_ALIASES).expanduser()


# ---- jixiao's own files: the report's and the audit's names, defined once -------------------------------------------
#
# ``jixiao report`` writes report-<slug>-<hash>-<from>-<to> and ``jixiao audit`` audit-<slug>-<hash>|all-<year>|all,
# each as .html, .xlsx and .md (etl.report, etl.report.audit). Written into a folder that loads walk, they are not
# sources: discovery (etl.extract.discover) passes over them by their whole name (is_own_output), whose pattern is
# built here from the same parts the names are written with, so the two cannot drift apart.
SLUG_CHARS = 40  # at most 40 characters of the name (120 bytes in UTF-8): far below the 255-byte limit
DIGEST_CHARS = 8  # hex digits of the name's SHA-256 after the slug
OUTPUT_SUFFIXES = (".html", ".xlsx", ".md")
REPORT_PREFIX, AUDIT_PREFIX = "report-", "audit-"
EVERY = "all"  # the audit of every department, or of every year
_NO_SLUG = "department"  # a name of no letter or digit at all


def department_slug(department: str) -> str:
    """<slug>-<hash> of a department name, for file names (the report's and the audit's).

    The slug keeps letters and digits of the name (any script) and turns every run of anything else (dots,
    slashes, spaces, control characters) into one '_', cut to SLUG_CHARS; the hash, the first 8 hex digits
    of the SHA-256 of the full name, tells apart names whose slugs agree (天河区v1.甲局 / 天河区v1.乙局 differ
    anyway; a 10,000-character name and its 10,001-character sibling do too)."""
    slug = re.sub(r"[\W_]+", "_", unicodedata.normalize("NFKC", department)).strip("_")[:SLUG_CHARS].strip("_")
    digest = hashlib.sha256(department.encode("utf-8")).hexdigest()[:DIGEST_CHARS]
    return f"{slug or _NO_SLUG}-{digest}"


def report_stem(department: str, from_year: int, to_year: int) -> str:
    """A safe, bounded file name stem, unique per department: report-<slug>-<hash>-<from>-<to>."""
    return f"{REPORT_PREFIX}{department_slug(department)}-{from_year}-{to_year}"


def audit_stem(department: str | None, year: int | None) -> str:
    """audit-<slug>-<hash>-<year>; ``all`` for every department or every year."""
    return f"{AUDIT_PREFIX}{department_slug(department) if department else EVERY}-{year or EVERY}"


def output_paths(out_dir: Path, stem: str) -> tuple[Path, Path, Path]:
    """The .html, .xlsx and .md files of a stem in out_dir (a stem holds no dot: see department_slug)."""
    html, xlsx, md = (out_dir / f"{stem}{suffix}" for suffix in OUTPUT_SUFFIXES)
    return html, xlsx, md


# what department_slug writes: runs of letters and digits joined by single '_', then the digest
_SLUG = rf"[^\W_]+(?:_[^\W_]+)*-[0-9a-f]{{{DIGEST_CHARS}}}"
_YEAR = r"\d{4}"
_SUFFIX = "|".join(re.escape(s) for s in OUTPUT_SUFFIXES)
_OWN_OUTPUT = re.compile(
    rf"(?:{re.escape(REPORT_PREFIX)}{_SLUG}-{_YEAR}-{_YEAR}"
    rf"|{re.escape(AUDIT_PREFIX)}(?:{_SLUG}|{EVERY})-(?:{_YEAR}|{EVERY}))(?:{_SUFFIX})"
)
_OWN_PREFIXES = (REPORT_PREFIX, AUDIT_PREFIX)


def is_own_output(name: str) -> bool:
    """Whether a file name (no folder) is one jixiao's report or audit writes."""
    return name.startswith(_OWN_PREFIXES) and _OWN_OUTPUT.fullmatch(name) is not None
