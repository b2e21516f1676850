"""A new DuckDB warehouse starts as a copy of an empty one already at head, as PostgreSQL's CREATE DATABASE copies
template1: migrating an empty file through every migration took 0.9-1.0 s of a one-file `jixiao load` (2.6 s on
the benchmark's machine), copying the 1.8 MB template takes milliseconds.

The template is built the first time it is wanted, by the same migrations (connect.duckdb_upgrade's Alembic run), in
jixiao's cache folder ($JIXIAO_CACHE_DIR, else $XDG_CACHE_HOME/jixiao, else ~/.cache/jixiao), under a name that is a
digest of everything the migrations read: DuckDB's version and the storage version new files are written in, the
migration files, this package's warehouse modules, and the files the views' build reads (views.fingerprint). A
change to any of them names another template, so a stale one is never copied. Each copy is opened before it is
put in place: one that is no DuckDB database at head (a template cut short or changed in the cache) is thrown away
with the template, which the next new warehouse builds again. Where no template can be had (the cache folder cannot
be made or written, even one that exists on a read-only mount: DuckDB's IO Error; JIXIAO_CACHE_DIR is set empty; a
damaged template) the new file is migrated in place, as before.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import duckdb

from etl.settings import MIGRATIONS_DIR
from etl.warehouse import views
from etl.warehouse.publish import storage_version

KEPT = 4  # templates kept in the cache folder (other checkouts or versions may use theirs)
_PREFIX = "empty-warehouse-"
_WAREHOUSE_MODULES = Path(__file__).resolve().parent


def cache_dir() -> Path | None:
    """jixiao's cache folder; None when JIXIAO_CACHE_DIR is set to nothing (templates off)."""
    chosen = os.environ.get("JIXIAO_CACHE_DIR")
    if chosen is not None:
        return Path(chosen).expanduser() if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base).expanduser() / "jixiao"


def template_key() -> str:
    """A digest of what an empty warehouse at head is made of (the module docstring)."""
    from etl.warehouse.connect import head_revision  # (connect imports this module)

    digest = hashlib.sha256()
    for part in (duckdb.__version__, storage_version() or "", head_revision(), views.fingerprint()):
        digest.update(f"{part}\0".encode())
    files = [*sorted(MIGRATIONS_DIR.rglob("*.py")), *sorted(_WAREHOUSE_MODULES.glob("*.py"))]
    for file in files:
        digest.update(f"{file.name}\0".encode() + file.read_bytes() + b"\0")
    return digest.hexdigest()


def copied_to(path: Path, migrate: Callable[[Path], None]) -> bool:
    """Create the warehouse file at ``path`` as a copy of the template (built with ``migrate`` if there is none yet);
    False, with nothing made, where it is not for this path: a file (even an empty one) is there, a WAL left beside
    it would be replayed into the copy, or no template can be had. The caller holds path's writer lock."""
    folder = cache_dir()
    if folder is None or path.exists() or _wal(path).exists():
        return False
    try:
        template = _template(folder, migrate)
    except Exception as exc:
        if not _io_error(exc):
            raise
        return False
    partial = path.with_name(f".{path.name}.{os.getpid()}.new")
    try:
        shutil.copyfile(template, partial)
        if not _at_head(partial):  # a template damaged or changed since it was built: built again next time
            template.unlink(missing_ok=True)
            raise OSError(f"the template {template} is not an empty warehouse at head")
        os.replace(partial, path)
    except OSError:
        _remove(partial)
        return False
    return True


def _io_error(exc: BaseException) -> bool:
    """Whether the template could not be built for the cache folder's sake: an OSError, or DuckDB's IO Error, as
    itself or wrapped by SQLAlchemy (the migrations' engine). A read-only cache folder that exists made DuckDB's
    'Cannot open file …/.building-….duckdb: Read-only file system' fail every load of a new warehouse (exit 1)."""
    return isinstance(exc, OSError | duckdb.IOException) or isinstance(
        getattr(exc, "orig", None), OSError | duckdb.IOException
    )


def _at_head(copy: Path) -> bool:
    """Whether the copy opens as a DuckDB database at this installation's head revision (a few milliseconds)."""
    from etl.warehouse.connect import head_revision  # (connect imports this module)

    try:
        con = duckdb.connect(str(copy), read_only=True)
        try:
            return con.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
        finally:
            con.close()
    except duckdb.Error:
        return False


def _template(folder: Path, migrate: Callable[[Path], None]) -> Path:
    """The template for this installation's schema, built now if it is not in the cache folder."""
    final = folder / f"{_PREFIX}{template_key()[:32]}.duckdb"
    if final.is_file():
        return final
    folder.mkdir(parents=True, exist_ok=True)
    building = folder / f".building-{os.getpid()}-{threading.get_ident()}.duckdb"  # another thread may build too
    _remove(building)
    try:
        migrate(building)
        if _wal(building).exists():  # not checkpointed at close: not a single-file copy
            raise OSError(f"the template {building} kept a WAL")
        os.replace(building, final)  # whole or not at all, also when another process builds it at the same time
    finally:
        _remove(building)
    _prune(folder, final)
    return final


def _prune(folder: Path, keep: Path) -> None:
    """Leave the KEPT most recently built templates in the folder (this one among them)."""
    others = sorted((p for p in folder.glob(f"{_PREFIX}*.duckdb") if p != keep), key=_mtime, reverse=True)
    for old in others[KEPT - 1 :]:
        with contextlib.suppress(OSError):
            old.unlink()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def _remove(path: Path) -> None:
    for leftover in (path, _wal(path)):
        with contextlib.suppress(OSError):
            leftover.unlink()
