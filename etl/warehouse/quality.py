"""The data-quality gate: the queries in sql/checks/*.sql, each of which must return no rows.

A check's name is its file name; its description is the file's leading comment. Running a check
counts the offending rows and keeps a few of them as text, so the run history can name them.
Checks only read: a failure is reported, never repaired or rolled back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from etl.settings import SQL_DIR

CHECKS_DIR = SQL_DIR / "checks"
SAMPLE_ROWS = 5


@dataclass(slots=True, frozen=True)
class Check:
    name: str
    description: str
    sql: str


@dataclass(slots=True, frozen=True)
class CheckResult:
    name: str
    description: str
    n_rows: int
    sample: str | None = None

    @property
    def passed(self) -> bool:
        return self.n_rows == 0


def load_checks(directory: Path = CHECKS_DIR) -> list[Check]:
    """Every sql/checks/*.sql, in name order."""
    return [_read_check(p) for p in sorted(directory.glob("*.sql"))]


def _read_check(path: Path) -> Check:
    sql = path.read_text(encoding="utf-8").strip().rstrip(";")
    comment = [line.removeprefix("--").strip() for line in sql.splitlines() if line.startswith("--")]
    return Check(path.stem, " ".join(comment), sql)


def fingerprint(checks: Sequence[Check], *context: str) -> str:
    """sha256 over the checks' names and SQL, the sample size, and the context (the schema revision, the views'
    build and the engine's version): equal fingerprints on unchanged data give equal results."""
    digest = hashlib.sha256()
    for part in [*(f"{c.name}\0{c.sql}" for c in checks), f"sample rows {SAMPLE_ROWS}", *context]:
        digest.update(f"{part}\0".encode())
    return digest.hexdigest()


def run_check(con: duckdb.DuckDBPyConnection, check: Check, sample_rows: int = SAMPLE_ROWS) -> CheckResult:
    """One query: the total count rides along on the first few offending rows (a window over the whole result)."""
    cursor = con.execute(
        f"SELECT *, count(*) OVER () AS __n_rows FROM ({check.sql}) AS offending LIMIT {int(sample_rows)}"
    )
    columns = [d[0] for d in cursor.description][:-1]
    rows = cursor.fetchall()
    if not rows:
        return CheckResult(check.name, check.description, 0)
    sample = "\n".join(", ".join(f"{c}={v}" for c, v in zip(columns, row[:-1], strict=True)) for row in rows)
    return CheckResult(check.name, check.description, int(rows[0][-1]), sample)


def run_checks(con: duckdb.DuckDBPyConnection, checks: list[Check] | None = None) -> list[CheckResult]:
    """Run every check (all of them, even after a failure) and return their results in order."""
    return [run_check(con, c) for c in (load_checks() if checks is None else checks)]
