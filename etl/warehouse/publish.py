"""Publish a read-only copy of the warehouse for analysts, atomically.

DuckDB allows one writer process per file, and a reader holding the file blocks the writer. So the
loader writes the working file (``jixiao.duckdb``) alone and, after a successful run, publishes
``jixiao.published.duckdb``: checkpoint the working file, copy it to a temporary file in the same
folder, fsync, and ``os.replace`` it over the published name. An analyst session that has the old
copy open keeps reading that snapshot (the old inode lives until it is closed); a new connection
sees the new one; nobody ever sees half a load, and no analyst can block the load.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from pathlib import Path

import duckdb

from etl.settings import warehouse_path
from etl.warehouse.locking import writer_lock

PUBLISH_WAIT_SECONDS = 60
STORAGE_VERSION_ENV = "JIXIAO_PUBLISH_STORAGE_VERSION"
# DuckDB 2.0 writes storage version 69 by default, which the clients analysts have cannot read: the CLI on
# PyPI (duckdb-cli 1.5.6), DBeaver's bundled driver, older R and Python packages ("can only read versions
# between 64 and 68"). v1.4.0 is read by DuckDB 1.4 and newer. "native" keeps the writer's own format.
DEFAULT_STORAGE_VERSION = "v1.4.0"
_VERSION = re.compile(r"^v(\d+)\.(\d+)\.(\d+)\+?$")


def storage_version() -> str | None:
    """The storage version the analysts' copy (and a new working file) is written in; None: DuckDB's own."""
    value = os.environ.get(STORAGE_VERSION_ENV, DEFAULT_STORAGE_VERSION).strip()
    if value.lower() in ("", "native", "latest"):
        return None
    if not _VERSION.match(value):
        raise ValueError(f"{STORAGE_VERSION_ENV}={value!r}: expected a DuckDB version such as v1.4.0, or native")
    return value


def without_progress_bar(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The connection, told not to draw DuckDB's progress bar: it writes to stdout for any statement that runs
    over 2 s (publishing or checkpointing a large warehouse), which broke `jixiao load --json`'s output and
    the Rich progress display. A session setting: DuckDB refuses it in the connect config."""
    con.execute("SET enable_progress_bar = false")
    return con


def creation_config(path: Path) -> dict[str, str]:
    """DuckDB config for opening path: a file not yet there is created in storage_version(), so publishing
    it stays a plain file copy (an existing file keeps the format it was created in)."""
    version = None if path.exists() else storage_version()
    return {"storage_compatibility_version": version} if version else {}


def _version_tuple(text: str) -> tuple[int, ...]:
    m = _VERSION.match(text or "")
    return tuple(map(int, m.groups())) if m else (999,)


def published_path(working: Path | str | None = None) -> Path:
    """warehouse/jixiao.duckdb -> warehouse/jixiao.published.duckdb (where analysts connect)."""
    w = warehouse_path(working)
    return w.with_name(f"{w.stem}.published{w.suffix}")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_stale_copies(target: Path) -> None:
    """Temporary copies left by a publisher that was killed mid-copy (we hold the lock, so none is live)."""
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()


class PublishFailed(OSError):
    """The analysts' copy could not be written (disk full, say): the old copy stays, the run is failed."""


# DuckDB's words for a working file it found damaged on disk (a block whose checksum fails, a file cut short): a
# plain duckdb.Error or IOException, no class of its own, so the message is all there is to tell it by
_DAMAGE_SIGNS = ("corrupt database file", "could not read enough bytes")


class WarehouseDamaged(RuntimeError):
    """DuckDB found the working file damaged during a run: the run is failed, and the analysts' copy left as it was."""


def damaged_file(opened: Path, working: Path, exc: BaseException) -> WarehouseDamaged:
    """The error for a warehouse file DuckDB finds damaged as it opens it (a file cut short, a checksum that fails),
    with the way back: it was DuckDB's words alone, exit 1 (the advice was given only for damage met during a run)."""
    said = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    copy = published_path(working)
    if opened != working:
        back = f"the next load publishes it again from the working file {working}"
    elif copy.is_file():
        back = f"copy the analysts' copy {copy} back over it, and the next load reads again what changed since"
    else:
        back = "move it aside and load the tables again into a new warehouse"
    damaged = WarehouseDamaged(f"the warehouse file {opened} is damaged ({said}): {back}")
    damaged.__cause__ = exc
    return damaged


def is_damage(exc: BaseException | None) -> bool:
    """Whether ``exc`` is DuckDB finding the database file damaged. A run that met such an error must not publish:
    the copy is a byte copy of the working file, and it replaced the analysts' last good copy with the damaged one
    (their only way back to the data)."""
    return isinstance(exc, duckdb.Error) and any(sign in str(exc).lower() for sign in _DAMAGE_SIGNS)


def publish(working: Path | str | None = None, wait_seconds: float = PUBLISH_WAIT_SECONDS) -> Path | None:
    """Publish the analysts' copy where the engine needs one (DuckDB); return its path, or None (PostgreSQL:
    analysts read the shared database itself, MVCC gives them whole batches only)."""
    from etl.warehouse.backend import resolve

    return resolve(working).publish(wait_seconds)


def publish_duckdb(working: Path | str | None = None, wait_seconds: float = PUBLISH_WAIT_SECONDS) -> Path:
    """Replace the analysts' copy with the working warehouse as it is now; return the copy's path.

    On failure the temporary file is removed (a 7 MB leftover on a full disk failed the next run too),
    the previous copy stays as it was, and PublishFailed says why (the first error, not a clean-up's).
    """
    source = warehouse_path(working)
    target = published_path(source)
    if not source.exists():
        return target
    with writer_lock(source, wait_seconds):
        _remove_stale_copies(target)  # first: the space a killed or failed publish left behind
        temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            have, wanted = _checkpoint(source), storage_version()
            if wanted is None or _version_tuple(have) <= _version_tuple(wanted):
                shutil.copyfile(source, temp)  # the file is already in a format the clients read
            else:
                _copy_database(source, temp, wanted)
            _fsync(temp)
            os.replace(temp, target)
            _fsync(target.parent)
        except (OSError, duckdb.Error, ValueError) as exc:  # ValueError: a bad JIXIAO_PUBLISH_STORAGE_VERSION
            with contextlib.suppress(OSError):
                temp.unlink()
            raise PublishFailed(f"publishing the analysts' copy {target} failed: {exc}") from exc
    return target


def _checkpoint(source: Path) -> str:
    """Checkpoint the working file; return its storage version (DuckDB's tag, such as 'v2.0.0+')."""
    # vacuum off, as for migrations (connect.duckdb_upgrade): a WAL checkpointed through this connection would
    # otherwise rewrite the loader's row groups into DuckDB's default size, leaving the old blocks free
    con = without_progress_bar(duckdb.connect(str(source), config={"max_vacuum_tasks": "0"}))
    try:
        con.execute("CHECKPOINT")
        row = con.execute("SELECT tags['storage_version'] FROM duckdb_databases() WHERE NOT internal").fetchone()
    finally:
        con.close()
    return row[0] if row and row[0] else ""


def sql_string(path: Path) -> str:
    """A path as a SQL string literal (ATTACH takes no parameters)."""
    return "'" + str(path).replace("'", "''") + "'"


def _copy_database(source: Path, temp: Path, version: str) -> None:
    """Write the working warehouse into temp in an older storage format (tables, data, views)."""
    con = without_progress_bar(duckdb.connect())
    try:
        con.execute(f"ATTACH {sql_string(source)} AS published_source (READ_ONLY)")
        con.execute(f"ATTACH {sql_string(temp)} AS published_copy (STORAGE_VERSION '{version}')")
        con.execute("COPY FROM DATABASE published_source TO published_copy")
        con.execute("DETACH published_copy")
    finally:
        con.close()
