"""Shared fixtures: the real sample, a fresh warehouse, and one Prefect test server per session."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from etl.model import SourceTable
from etl.transform.pipeline import process_file
from flows import prefect_env
from tests.paths import PROJECT_ROOT

SAMPLE = PROJECT_ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt"


@pytest.fixture(scope="session", autouse=True)
def template_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """jixiao's cache folder (the empty-warehouse template, etl/warehouse/template.py) in the session's temporary
    folder, not the user's: each test process builds its template once; the commands the tests start inherit it."""
    folder = tmp_path_factory.mktemp("jixiao-cache")
    os.environ["JIXIAO_CACHE_DIR"] = str(folder)
    return folder


@pytest.fixture(scope="session")
def sample_path() -> Path:
    return SAMPLE


@pytest.fixture(scope="module")
def original(sample_path: Path) -> SourceTable:
    """The real sample parsed: what every re-export and layout of it must load as."""
    return process_file(sample_path)


@pytest.fixture(scope="module")
def grid(sample_path: Path) -> tuple[list[str], list[list[str]]]:
    """The sample's header and rows (the lines with tabs), padded to the header's width."""
    rows = [line.split("\t") for line in sample_path.read_text(encoding="utf-8").splitlines() if "\t" in line]
    return rows[0], [r + [""] * (len(rows[0]) - len(r)) for r in rows[1:]]


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    """The real sample filed under a 2024 folder in a scratch directory (free to modify)."""
    target = tmp_path / "raw" / "2024" / SAMPLE.name
    target.parent.mkdir(parents=True)
    shutil.copy(SAMPLE, target)
    return target


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return tmp_path / "wh" / "test.duckdb"


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One temporary Prefect server for the whole session (about 11 s once)."""
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    prefect_env.apply()
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """A PostgreSQL 15 server of the machine's Debian package on a free loopback port, in a temporary
    folder, run by the postgres user (tools/pg_server.py); stopped at the end of the session."""
    from tools import pg_server as pg

    if not pg.available():
        pytest.skip(f"PostgreSQL binaries not found in {pg.PG_BIN}: apt-get install -y postgresql (scripts/test.sh)")
    server = pg.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: object, request: pytest.FixtureRequest) -> str:
    """A new, empty database on the session's PostgreSQL server, named after the test."""
    import re

    name = "t_" + re.sub(r"[^a-z0-9]+", "_", request.node.name.lower())[:50]
    return pg_server.create_database(name)


# The files whose tests take longest (seconds on 2 cores, round 29: test_faults 198 in all, its SIGKILL test 82; the
# sharded flow 74; the tiny benchmark 68; the served flows 81; the wheel 35) run first, the rest in their own order.
# With `--dist worksteal` (scripts/test.sh) each worker starts on its half and an idle one takes the other's
# unstarted tests: a long test left to the end ran alone while the other worker idled (the suite's wall time was
# about 70 s over half its test time).
LONGEST_FIRST = (
    "test_faults.py",
    "test_sharded_flow.py",
    "test_bench.py",
    "test_serve.py",
    "test_install.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The files of LONGEST_FIRST first, in that order; every test keeps its place within its file."""
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))
