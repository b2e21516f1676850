"""Where the warehouse lives: a DuckDB file (the default) or a PostgreSQL database (shared).

``--warehouse`` / ``JIXIAO_WAREHOUSE`` is a path (``warehouse/jixiao.duckdb``) or a SQLAlchemy URL
(``postgresql+psycopg://user@host:5432/db``; the password from the URL, ``PGPASSWORD`` or ``~/.pgpass``).
:func:`resolve` turns either into a :class:`Warehouse`, the one seam where the engine is chosen:
connecting, migrating, the writer's critical section and publishing the analysts' copy go through
it. Every message shows :func:`label` (the URL with its password masked), never the URL itself.
"""

from __future__ import annotations

import codecs
import os
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from etl.settings import DEFAULT_WAREHOUSE, warehouse_path

POSTGRES_SCHEMES = ("postgresql", "postgres")
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_PASSWORD_IN_URL = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*):(?P<pw>[^@\s]*)@")


class UnsupportedWarehouse(ValueError):
    """A warehouse URL of an engine jixiao does not write to, or a name no engine can open (spec_problem)."""


def is_url(spec: str | Path | None) -> bool:
    return isinstance(spec, str) and bool(_URL.match(spec))


def mask(text: str) -> str:
    """Any URL's password in text replaced by ***."""
    return _PASSWORD_IN_URL.sub(lambda m: f"{m['head']}:***@", text)


def storable(text: str) -> str:
    """Text as the warehouse can store it (and a terminal show it): bytes that are not UTF-8, which Python hands on
    from a file name or an argument as lone surrogates, written as \\xNN (the plan shows a refused name so). DuckDB
    and psycopg refuse lone surrogates ('cannot encode str as UTF-8'), which failed a whole run naming one file."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a surrogate no file name decodes to: its code point, escaped
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _as_utf8(text: str) -> str | None:
    """A name or argument this process decoded in a locale that is not UTF-8 (C or POSIX with PYTHONUTF8=0, where
    Python hands on every non-ASCII byte as a lone surrogate), read as UTF-8; None when its bytes are not UTF-8."""
    try:
        return os.fsencode(text).decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return None


def reads_names_as_utf8() -> bool:
    """Whether this process decodes file names and arguments as UTF-8 (not a C or POSIX locale with PYTHONUTF8=0)."""
    return codecs.lookup(sys.getfilesystemencoding()).name == "utf-8"


def locale_hint(text: str) -> str:
    """What to do when a name is UTF-8 but this process reads names in another encoding (sys.getfilesystemencoding)."""
    encoding = sys.getfilesystemencoding()
    if reads_names_as_utf8() or _as_utf8(text) is None:
        return ""
    return (
        f" (its bytes are UTF-8, but this process reads names as {encoding}: a C or POSIX locale with PYTHONUTF8=0?"
        " run jixiao with PYTHONUTF8=1 or LANG=C.UTF-8)"
    )


class NamesMisread(ValueError):
    """This process reads file names in an encoding that is not UTF-8, and the run meets names it cannot read."""


def misread_name(names: Iterable[str], done: str = "nothing was read") -> str | None:
    """What to say when this process reads file names in another encoding than UTF-8 (a C or POSIX locale with
    PYTHONUTF8=0: ascii; a Latin-1 locale) and one of ``names`` is not ASCII, else None. Such a process misreads
    every such name: a Chinese file name was refused as 'not UTF-8' (by `load` and by `check`), and a recorded load
    taken for a file that disappeared. Names of ASCII only are read as ever."""
    if reads_names_as_utf8():
        return None
    if (name := next((n for n in names if not n.isascii()), None)) is None:
        return None
    return (
        f"this process reads file names as {sys.getfilesystemencoding()} (a C or POSIX locale with PYTHONUTF8=0?), "
        f"so it cannot read names such as {storable(name)}: {done}; run jixiao with PYTHONUTF8=1 or "
        "LANG=C.UTF-8"
    )


class WarehouseUnwritable(PermissionError):
    """The warehouse (or the folder that holds or would hold it) cannot be written by this process: said before any
    work, instead of failing on the lock file it makes first (PermissionError, exit 1)."""


def unwritable(path: Path) -> str | None:
    """Why a DuckDB warehouse at path cannot be written by this process (os.access: the real user's rights, a
    read-only mount), else None: the file, its lock file, or the nearest folder that is there (where the file, its
    lock, its published copy and any missing folders are made). A few stats a run, never per file."""
    from etl.warehouse.locking import lock_path  # (no import cycle at module level)

    for existing in (path, lock_path(path)):
        if existing.exists() and not existing.is_file():  # a folder where the lock file goes: os.open failed, exit 1
            return f"{existing} is in the way: it is not a file (a folder?); move it away"
        if existing.is_file() and not os.access(existing, os.W_OK):
            return f"{existing} cannot be written ({_denied(existing.parent)})"
    if why := unwritable_folder(path.parent):
        return f"the warehouse {path} cannot be made or written: {why}"
    return None


def unwritable_folder(folder: Path) -> str | None:
    """Why nothing can be made in folder (or, when it is not there yet, in the nearest folder above it that is, where
    it would be made) by this process, else None."""
    there = next((p for p in (folder, *folder.absolute().parents) if p.exists()), None)
    if there is None or not there.is_dir() or os.access(there, os.W_OK | os.X_OK):
        return None
    return f"the folder {there} is not writable ({_denied(there)})"


def _denied(folder: Path) -> str:
    """The system's words for a write refused in folder: a read-only mount, else a permission."""
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return "Read-only file system"
    except (OSError, AttributeError):  # (no statvfs on Windows)
        pass
    return "Permission denied"


NAME_MAX = 255  # bytes of one name on ext4, XFS, btrfs, APFS, NTFS (characters): the common limit


def too_long(path: str | Path) -> str | None:
    """Why a path cannot be made at all (a name over the file system's limit, PC_NAME_MAX, or the whole over
    PC_PATH_MAX), else None: asked of a warehouse or an --out before anything is opened, which failed deep in the
    command with 'File name too long' (exit 1)."""
    text = os.fspath(path)
    folder = next((p for p in Path(text).absolute().parents if p.exists()), Path("/"))
    limit, whole = _limits(folder)
    for name in Path(text).parts:
        if _n_bytes(name) > limit:
            return f"{storable(text)}: the name {storable(name[:40])}… is longer than the {limit} bytes a name can have"
    if _n_bytes(os.path.abspath(text)) >= whole:
        return f"{storable(text)[:80]}…: the path is longer than the {whole} bytes a path can have"
    return None


def _n_bytes(text: str) -> int:
    """Bytes of a name as the system gets it (a name that is not UTF-8 by its own bytes)."""
    try:
        return len(text.encode("utf-8", "surrogateescape"))
    except UnicodeEncodeError:  # a surrogate no file name decodes to: counted as three bytes
        return len(text.encode("utf-8", "surrogatepass"))


def _limits(folder: Path) -> tuple[int, int]:
    """(longest name, longest path) in bytes on folder's file system."""
    try:
        return os.pathconf(folder, "PC_NAME_MAX"), os.pathconf(folder, "PC_PATH_MAX")
    except (OSError, ValueError, AttributeError):  # (no pathconf on Windows)
        return NAME_MAX, 4096


def home_problem(given: str | Path | None) -> str | None:
    """Why a warehouse given as ~/… (the argument, else $JIXIAO_WAREHOUSE) cannot be placed: $HOME set but empty (a
    service's HOME=), where Python reads ~ as the root folder: ~/wh.duckdb was made as /wh.duckdb."""
    text = str(given or os.environ.get("JIXIAO_WAREHOUSE") or "")
    if (text == "~" or text.startswith("~/")) and os.environ.get("HOME") == "":
        return f"{text}: $HOME is empty, so ~ would be the root folder; set HOME or name the warehouse in full"
    return None


def spec_problem(spec: str) -> str | None:
    """Why no engine can open the warehouse named spec (warehouse_spec's answer), else None; asked before anything
    is created beside it:
    - bytes that are not UTF-8: DuckDB's binding failed with 'std::bad_cast' (exit 1, the lock file left behind);
    - a backslash in a file path on POSIX: DuckDB (2.0) reads it as a folder separator, so /tmp/a\\b.duckdb
      would be /tmp/a/b.duckdb ('Cannot open file', a stray lock file behind) or, worse, another warehouse."""
    if (shown := storable(spec)) != spec:
        if hint := locale_hint(spec):
            return f"{shown}: the name cannot be passed on as it is{hint}"
        return f"{shown}: the name is not UTF-8 text (shown with \\xNN escapes): neither DuckDB nor PostgreSQL opens it"
    if os.sep == "/" and not is_url(spec) and "\\" in spec:  # (on Windows it is one)
        read_as = spec.replace("\\", "/")
        return f"{spec}: DuckDB reads a backslash as a folder separator (it would open {read_as}); name one without it"
    return None


def warehouse_spec(override: str | Path | None = None) -> str:
    """The warehouse as given (argument, else $JIXIAO_WAREHOUSE, else the default file): a URL as it is,
    a path made absolute."""
    chosen = override or os.environ.get("JIXIAO_WAREHOUSE") or DEFAULT_WAREHOUSE
    if is_url(str(chosen)):
        return str(chosen)
    return str(warehouse_path(chosen))


def label(spec: str | Path | None = None) -> str:
    """What messages show for the warehouse: the path, or the URL with its password masked."""
    return mask(warehouse_spec(spec))


class Warehouse(Protocol):
    """What the rest of jixiao asks of a warehouse engine."""

    kind: str

    def label(self) -> str: ...

    def connect(self, *, read_only: bool = False, wait_seconds: float = 0, published: bool = True) -> Any: ...

    def upgrade(self, wait_seconds: float = 60) -> str: ...

    def writing(self, wait_seconds: float = 60) -> AbstractContextManager[Any]: ...

    def run_lock(self, wait_seconds: float = 60) -> AbstractContextManager[Any]: ...

    def publish(self, wait_seconds: float = 60) -> Path | None: ...


@dataclass(frozen=True, slots=True)
class DuckDBWarehouse:
    """The embedded default: one file, one writer process (an OS lock), a published copy for analysts."""

    path: Path
    kind: str = "duckdb"

    def label(self) -> str:
        return str(self.path)

    def connect(self, *, read_only: bool = False, wait_seconds: float = 0, published: bool = True) -> Any:
        from etl.warehouse import connect

        return connect.duckdb_connect(self.path, read_only=read_only, wait_seconds=wait_seconds, published=published)

    def upgrade(self, wait_seconds: float = 60) -> str:
        from etl.warehouse import connect

        return connect.duckdb_upgrade(self.path, wait_seconds)

    @contextmanager
    def writing(self, wait_seconds: float = 60) -> Iterator[Any]:
        from etl.warehouse import connect

        with connect.duckdb_writing(self.path, wait_seconds) as con:
            yield con

    def run_lock(self, wait_seconds: float = 60) -> AbstractContextManager[Any]:
        """One run at a time: the OS lock beside the file, held from the migration to the published copy."""
        from etl.warehouse.connect import refuse_before_writing
        from etl.warehouse.locking import writer_lock

        # before the lock file: nothing is made beside the analysts' copy, a pipe (which the run would wait on for
        # ever), a file that is no warehouse, nor tried in a folder this process cannot write
        refuse_before_writing(self.path)
        return writer_lock(self.path, wait_seconds)

    def publish(self, wait_seconds: float = 60) -> Path | None:
        from etl.warehouse import publish

        return publish.publish_duckdb(self.path, wait_seconds)


def resolve(spec: str | Path | Warehouse | None = None) -> Warehouse:
    """The warehouse named by spec (a path or a URL; default: $JIXIAO_WAREHOUSE, else the default file)."""
    if spec is not None and not isinstance(spec, str | Path):
        return spec
    chosen = warehouse_spec(spec)
    if problem := home_problem(spec) or spec_problem(chosen):
        raise UnsupportedWarehouse(mask(problem))
    if not is_url(chosen):
        return DuckDBWarehouse(Path(chosen))
    scheme = chosen.split("://", 1)[0].split("+", 1)[0].lower()
    if scheme not in POSTGRES_SCHEMES:
        raise UnsupportedWarehouse(
            f"unsupported warehouse URL {mask(chosen)}: give a DuckDB file path or postgresql+psycopg://user@host:port/db"
        )
    from etl.warehouse.postgres import PostgresWarehouse

    return PostgresWarehouse.from_url(chosen)
