"""Open the warehouse and bring its schema to the newest migration.

The public functions take a path or a URL and go through :func:`etl.warehouse.backend.resolve`
(DuckDB file or PostgreSQL); the ``duckdb_*`` functions below are the DuckDB engine's part.
"""

from __future__ import annotations

import re
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from etl.settings import MIGRATIONS_DIR, warehouse_path
from etl.signals import sigint_deferred
from etl.warehouse import template, views
from etl.warehouse.backend import DuckDBWarehouse, WarehouseUnwritable, resolve, unwritable
from etl.warehouse.locking import WarehouseBusy, writer_lock
from etl.warehouse.publish import (
    creation_config,
    damaged_file,
    is_damage,
    published_path,
    sql_string,
    without_progress_bar,
)

__all__ = [
    "NoWarehouse",
    "NotAWarehouse",
    "WarehouseBusy",
    "WarehouseUnwritable",
    "connect",
    "connect_existing",
    "open_for_load",
    "reading",
    "upgrade",
    "writing",
]


class NoWarehouse(FileNotFoundError):
    """Reading was asked of a warehouse that does not exist (no file, or no schema in the database)."""


class NotAWarehouse(NoWarehouse):
    """Reading was asked of a file or database that is there but is no jixiao warehouse (no schema revision, or not
    DuckDB's at all): a read command says so and leaves it as it is. `jixiao runs` created jixiao's tables in any
    DuckDB file it was pointed at, and failed on one with a load_log of its own."""


_REVISION = re.compile(r"""^(down_revision|revision)\s*(?::[^=\n]*)?=\s*(?:None|["']([^"'\n]*)["'])\s*$""", re.M)


@cache
def _migration_ids() -> tuple[frozenset[str], frozenset[str], int]:
    """The ``revision`` and ``down_revision`` ids the migration files print, and how many files there are."""
    revisions: set[str] = set()
    parents: set[str] = set()
    files = list(MIGRATIONS_DIR.joinpath("versions").glob("*.py"))
    for version in files:
        for kind, value in _REVISION.findall(version.read_text(encoding="utf-8")):
            (revisions if kind == "revision" else parents).add(value)
    return frozenset(revisions), frozenset(parents), len(files)


@cache
def head_revision() -> str:
    """The newest migration's id. Read from the migration files' ``revision``/``down_revision`` lines when they
    form one plain chain (importing Alembic to ask costs 0.7 s on every load); else Alembic decides."""
    revisions, parents, n_files = _migration_ids()
    heads = revisions - parents
    if len(heads) == 1 and len(revisions) == n_files:
        return next(iter(heads))
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head() or ""


def current_revision(con: Any) -> str | None:
    """The warehouse's Alembic revision; None before the first migration (on either engine)."""
    try:
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
    except Exception as exc:
        if isinstance(exc, duckdb.CatalogException) or type(exc).__name__ == "UndefinedTable":
            return None
        raise
    return row[0] if row else None


def connect_existing(path: str | Path | None = None, *, published: bool = True) -> Any:
    """A read-only connection to a jixiao warehouse that is there (the analysts' copy first, as connect's): NoWarehouse
    when there is none, NotAWarehouse when the file or database holds something else, WarehouseBusy when a load holds
    a DuckDB file that has no published copy. For the read commands: they must never migrate a file into a warehouse
    (a real warehouse of an older revision is still migrated by the commands that write, `jixiao runs` among them)."""
    target = resolve(path)
    if isinstance(target, DuckDBWarehouse):
        _duckdb_database(_read_path(target.path, published))
    con = target.connect(read_only=True, published=published)
    try:
        revision = current_revision(con)
        if revision is None:
            raise NotAWarehouse(_not_jixiao(con, target.label()))
        if revision not in known_revisions():  # report and audit read it as theirs: a column renamed failed them
            raise NotAWarehouse(_unknown_revision(target.label(), revision))
    except BaseException:
        con.close()
        raise
    return con


@contextmanager
def reading(path: str | Path | None = None, *, published: bool = True) -> Iterator[Any]:
    """connect_existing's connection, held open for a block: a command's own read-only connections in it reuse its
    DuckDB database (one instance per file and configuration in a process), so the check costs no second open of
    the file (16 ms on a 7 MB warehouse)."""
    con = connect_existing(path, published=published)
    try:
        yield con
    finally:
        con.close()


DUCKDB_MAGIC = b"DUCK"  # bytes 8-11 of a DuckDB database file (after its header's checksum)


def refuse_special_file(path: Path) -> None:
    """NotAWarehouse for a warehouse path that is there but is no regular file or folder: a named pipe, a socket, a
    device. Opened to read its first bytes, a pipe blocked the run for ever (holding its lock, a .lock file made
    beside it)."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        raise NotAWarehouse(f"{path} is not a jixiao warehouse: not a regular file (a pipe, socket or device)")


def refuse_before_writing(path: Path) -> None:
    """What a command that writes the DuckDB warehouse at path refuses before it makes anything beside it (the lock
    file first): the analysts' copy, a pipe or device, a file that is no DuckDB database (NotAWarehouse; a
    .lock.lock was left beside a file that was no warehouse), and a file or folder this process cannot write
    (WarehouseUnwritable: it failed on the lock file, 'PermissionError', exit 1)."""
    refuse_published_copy(path)
    refuse_special_file(path)
    if _size(path):  # (an empty file may be a warehouse another run is creating now: checked under the lock)
        _duckdb_database(path)
    if problem := unwritable(path):
        raise WarehouseUnwritable(f"{problem}: name a warehouse in a folder you can write (--warehouse)")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _duckdb_database(path: Path) -> None:
    """NotAWarehouse for a file that is no DuckDB database at all, before DuckDB opens it: for a SQLite file DuckDB
    went to download its SQLite extension, for others it said 'not a valid DuckDB database file' (both exit 1). A
    file that cannot be read, or is not there, is left to DuckDB's own message."""
    refuse_special_file(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(len(DUCKDB_MAGIC) + 8)
    except OSError:
        return
    if head[8:] != DUCKDB_MAGIC:
        raise NotAWarehouse(f"{path} is not a jixiao warehouse: not a DuckDB database file; pass --warehouse")


_USER_TABLES = (
    "SELECT table_name FROM information_schema.tables WHERE table_schema NOT IN ('information_schema', 'pg_catalog') "
    "ORDER BY table_name LIMIT 4"
)


def _not_jixiao(con: Any, where: str) -> str:
    """What a database without jixiao's schema is: empty (a load would make it a warehouse), or someone else's."""
    tables = [row[0] for row in con.execute(_USER_TABLES).fetchall()]
    if not tables:
        return f"no warehouse in {where} (an empty database): run `jixiao load` to make it one, or pass --warehouse"
    shown = ", ".join(tables[:3]) + (", …" if len(tables) > 3 else "")
    return (
        f"{where} is not a jixiao warehouse: it holds tables of its own ({shown}) and no jixiao schema "
        "(alembic_version); left as it is: pass --warehouse"
    )


def upgrade(path: str | Path | None = None, wait_seconds: float = 60) -> str:
    """Run `alembic upgrade head` on the warehouse (created if missing); return the revision."""
    return resolve(path).upgrade(wait_seconds)


def connect(
    path: str | Path | None = None, *, read_only: bool = False, wait_seconds: float = 0, published: bool = True
) -> Any:
    """A connection to the warehouse (DuckDB: native; PostgreSQL: etl.warehouse.postgres.PgConnection)."""
    return resolve(path).connect(read_only=read_only, wait_seconds=wait_seconds, published=published)


@contextmanager
def writing(warehouse: str | Path | None, wait_seconds: float = 60.0) -> Iterator[Any]:
    """The writer's critical section and a write connection (migrated to head), released afterwards."""
    with resolve(warehouse).writing(wait_seconds) as con:
        yield con


def open_for_load(path: Path | None = None, wait_seconds: float = 0) -> duckdb.DuckDBPyConnection:
    """Connect for writing: migrate when the schema is behind (which re-creates the views), else re-create
    the macros, views and type seed when their files changed since the last build (a build takes 0.1-0.2 s;
    the check, a millisecond), so a load always runs with this installation's views."""
    working = warehouse_path(path)
    working.parent.mkdir(parents=True, exist_ok=True)
    _duckdb_database(working)  # a file that is no DuckDB database, said as such (not DuckDB's IO Error)
    if not working.exists():  # a new warehouse: made at head at once (a copy of the template)
        duckdb_upgrade(working, wait_seconds)
    con = duckdb_connect(path, wait_seconds=wait_seconds)
    try:
        revision = current_revision(con)
    except duckdb.Error as exc:  # the first read of the file: a damaged block shows here (Corrupt database file)
        con.close()
        if is_damage(exc):
            raise damaged_file(working, working, exc) from None
        raise
    if revision != head_revision():
        con.close()
        duckdb_upgrade(path)
        return duckdb_connect(path, wait_seconds=wait_seconds)
    if built_fingerprint(con) != views.fingerprint():
        rebuild_views(con)
    return con


def built_fingerprint(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint the last build recorded (etl.warehouse.views.build), None before the first."""
    try:
        return con.execute(f"SELECT {views.FINGERPRINT_MACRO}()").fetchone()[0]
    except duckdb.CatalogException:
        return None


def rebuild_views(con: duckdb.DuckDBPyConnection) -> None:
    """etl.warehouse.views.rebuild in one transaction: a view that fails leaves the old ones in place."""
    con.execute("BEGIN TRANSACTION")
    try:
        views.rebuild(views.Native(con))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def duckdb_upgrade(path: Path | None = None, wait_seconds: float = 60) -> str:
    """Bring the DuckDB warehouse at path to head under its writer lock; a new one is a copy of the empty warehouse
    at head (etl/warehouse/template.py), which these same migrations built."""
    path = warehouse_path(path)
    refuse_before_writing(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _refuse_foreign(path)
    with writer_lock(path, wait_seconds):
        if not template.copied_to(path, _alembic_upgrade):
            _alembic_upgrade(path)
    return head_revision()


def _alembic_upgrade(path: Path) -> None:
    """Alembic's upgrade of the DuckDB file at path to head (the caller holds its writer lock, or owns the file)."""
    import sqlalchemy as sa
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # DuckDB's vacuum off: at the checkpoint that ends a migration, it rewrote every table of the loader's
    # 16,384-row row groups into 122,880-row ones (this connection's size), the old blocks left free in the
    # file: L's warehouse 221 -> 309 MiB, 152 MiB free, 2.6 s (a CREATE VIEW alone set it off)
    settings = {**creation_config(path), "max_vacuum_tasks": "0"}
    engine = sa.create_engine(f"duckdb:///{path}", poolclass=sa.pool.NullPool, connect_args={"config": settings})
    try:
        conn = engine.connect()
        try:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            conn.commit()
        finally:
            with sigint_deferred():
                conn.close()
    except sa.exc.OperationalError as exc:
        raise _busy(path, exc) from None
    finally:
        engine.dispose()


PUBLISHED_INFIX = ".published"


def refuse_published_copy(path: Path) -> None:
    """NotAWarehouse for the analysts' copy passed as the working file (X.published.duckdb while X.duckdb is beside
    it): a load wrote into the copy analysts read, published it again as X.published.published.duckdb, and the next
    load of X.duckdb replaced the copy, its facts with it."""
    stem = path.stem
    if not stem.endswith(PUBLISHED_INFIX) or stem == PUBLISHED_INFIX:
        return
    working = path.with_name(stem[: -len(PUBLISHED_INFIX)] + path.suffix)
    if working.is_file() and published_path(working) == path:
        raise NotAWarehouse(
            f"{path} is the analysts' copy of the warehouse {working}, published by every load of it; left as it is: "
            f"pass --warehouse {working}"
        )


def _refuse_foreign(path: Path) -> None:
    """NotAWarehouse, before Alembic touches the file, for a DuckDB file that is not a jixiao warehouse of a known
    revision: one holding tables of its own and no schema revision (a load made jixiao's tables in it, or failed half
    way on a table name it shares), or one whose revision no migration here names (a newer jixiao's, or another
    program's: Alembic said "Can't locate revision", exit 1). An empty file or database is made a warehouse."""
    if not path.is_file():
        return
    _duckdb_database(path)
    con = duckdb_connect(path)
    try:
        revision = current_revision(con)
        if revision is None and con.execute(_USER_TABLES).fetchone():
            raise NotAWarehouse(_not_jixiao(con, str(path)))
    finally:
        con.close()
    if revision is not None and revision not in known_revisions():
        raise NotAWarehouse(_unknown_revision(str(path), revision))


def _unknown_revision(label: str, revision: str) -> str:
    return (
        f"{label} was written by another program or a newer jixiao: its schema revision {revision!r} is none "
        f"this installation knows (its newest is {head_revision()!r}); left as it is: upgrade jixiao or pass "
        "--warehouse"
    )


def known_revisions() -> frozenset[str]:
    """Every migration's revision id, read from the migration files."""
    return _migration_ids()[0]


def duckdb_connect(
    path: Path | None = None, *, read_only: bool = False, wait_seconds: float = 0, published: bool = True
) -> duckdb.DuckDBPyConnection:
    """A native DuckDB connection; waits up to wait_seconds for another process's lock.

    Read-only connections (analysts, reports) open the published copy (jixiao.published.duckdb,
    see etl/publish.py) when there is one, so they never block a load nor see half of one;
    ``published=False`` reads the working file instead.
    """
    working = warehouse_path(path)
    path = _read_path(working, published) if read_only else working
    if read_only and not path.is_file():
        raise NoWarehouse(f"no warehouse at {path}: load some tables first (jixiao load) or pass --warehouse")
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            con = duckdb.connect(str(path), read_only=True) if read_only else _attached_for_writing(path)
            return without_progress_bar(con)
        except duckdb.IOException as exc:
            if is_damage(exc):
                raise damaged_file(path, working, exc) from None
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                raise _busy(path, exc) from None
            time.sleep(0.2)
        except duckdb.Error as exc:
            if is_damage(exc):
                raise damaged_file(path, working, exc) from None
            raise


def _read_path(path: Path, published: bool) -> Path:
    """The file a read-only connection opens: the published copy when asked for and there, else the working file."""
    return published_path(path) if published and published_path(path).exists() else path


WRITE_ROW_GROUP_SIZE = 16_384
_RESERVED_ALIASES = {"memory", "system", "temp", "main"}


def _attached_for_writing(path: Path) -> duckdb.DuckDBPyConnection:
    """A write connection whose default database is the warehouse file, ATTACHed with a row group of
    WRITE_ROW_GROUP_SIZE rows (DuckDB's default: 122,880; it takes the size only as an ATTACH option, and USE
    makes the file every unqualified name's database, as when it is opened directly). A batch of 250 tables
    inserts about 32,000 targets: in row groups this size its full ones go to the file as the batch is written
    (DuckDB's optimistic write), instead of into the WAL and once more, compressed, at the next checkpoint
    (loader alone on L, four runs each: 18.3-18.9 s against 21.0-21.5 s; the file 221 MB against 190 MB; the
    views read as fast or faster). Spilled data goes beside the file, as DuckDB does for a file it opens."""
    con = duckdb.connect(config={"temp_directory": f"{path}.tmp"})
    try:
        options = [f"ROW_GROUP_SIZE {WRITE_ROW_GROUP_SIZE}"]
        if version := creation_config(path).get("storage_compatibility_version"):
            options.append(f"STORAGE_VERSION '{version}'")  # a new file, in the format analysts' clients read
        alias = path.stem if path.stem.lower() not in _RESERVED_ALIASES else "warehouse"
        con.execute(f"ATTACH {sql_string(path)} AS {_identifier(alias)} ({', '.join(options)})")
        con.execute(f"USE {_identifier(alias)}")
    except BaseException:
        con.close()
        raise
    return con


def _identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _busy(path: Path, exc: Exception) -> Exception:
    text = str(exc)
    if "lock" in text.lower():
        return WarehouseBusy(f"the warehouse {path} is in use by another process ({text.splitlines()[0]})")
    return exc


@contextmanager
def duckdb_writing(path: Path, wait_seconds: float = 60.0) -> Iterator[duckdb.DuckDBPyConnection]:
    """The writer lock and a write connection (migrated to head), released afterwards."""
    path = warehouse_path(path)
    refuse_published_copy(path)
    with writer_lock(path, wait_seconds):
        con = open_for_load(path, wait_seconds=wait_seconds)
        try:
            yield con
        finally:
            con.close()
