"""The names of the files jixiao writes itself: the report's and the audit's, defined once.

``jixiao report`` writes report-<slug>-<hash>-<from>-<to> and ``jixiao audit`` audit-<slug>-<hash>|all-<year>|all,
each as .html, .xlsx and .md (etl.report, etl.report.audit). Written into a folder that loads walk, they are not
sources: discovery (etl.extract.discover) passes over them by their whole name (is_own_output), whose pattern is
built here from the same parts the names are written with, so the two cannot drift apart. Light on purpose (no
pandas, no DuckDB): discovery imports it on every run.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

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
