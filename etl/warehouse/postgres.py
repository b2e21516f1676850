"""The PostgreSQL warehouse: a shared database many loaders write at once and analysts read directly.

- Connections are psycopg 3, wrapped in :class:`PgConnection`, which speaks the small part of DuckDB's
  connection API the loader, the run history, the quality gate and the report use: ``execute`` with
  ``?`` or ``$n`` parameters, ``fetchall``/``fetchone``/``df``, ``executemany``, and ``register`` of a
  DataFrame, which here is a ``COPY`` into a temporary table of the same name. So one body of SQL and
  Python serves both engines; what differs (the writer's transaction and locks) is in
  etl/load/writer_postgres.py.
- There is no file lock and no published copy: MVCC lets analysts read while loads commit, and they
  only ever see whole batches. Writers serialise per department with advisory locks (the writer).
- Migrations are the same Alembic revisions; a session advisory lock keeps two loaders that start
  at once on an empty database from migrating it twice.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from etl.settings import MIGRATIONS_DIR
from etl.text import folded
from etl.warehouse import views
from etl.warehouse.backend import mask
from etl.warehouse.locking import WarehouseBusy

MIGRATION_LOCK = (0x6A78, 1)  # pg_advisory_lock(classid, objid) around `alembic upgrade`
DEPARTMENT_LOCK_CLASS = 0x6A79  # pg_advisory_xact_lock(classid, hash of the department)
_DOLLAR = re.compile(r"\$(\d+)")
ANALYZE_ROWS = 10_000


def department_lock_key(department: str) -> int:
    """A stable signed 32-bit key for a department's advisory lock (the same on every machine), of the name as tables
    are told apart (etl.load.writer.table_key: width folded, whitespace dropped): 广州市天河区 司法局 and
    广州市天河区司法局 are one department, so two loaders must not write them side by side."""
    key = folded(department)
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=4).digest(), "big", signed=True)


def _translate(sql: str, params: Sequence[Any] | None) -> tuple[str, Any]:
    """DuckDB placeholders (``?`` and ``$1``) to psycopg's (``%s`` and ``%(p1)s``)."""
    sql = sql.replace("%", "%%")
    if _DOLLAR.search(sql):
        return _DOLLAR.sub(lambda m: f"%(p{m[1]})s", sql), {f"p{i}": v for i, v in enumerate(params or (), 1)}
    return sql.replace("?", "%s"), list(params or ())


class PgResult:
    """A psycopg cursor with the read side of DuckDB's result API."""

    def __init__(self, cursor: Any) -> None:
        self.cursor = cursor

    @property
    def description(self) -> list[tuple[str, ...]]:
        return [(c.name,) for c in self.cursor.description or ()]

    def fetchall(self) -> list[tuple]:
        return self.cursor.fetchall()

    def fetchone(self) -> tuple | None:
        return self.cursor.fetchone()

    def df(self) -> pd.DataFrame:
        columns = [c.name for c in self.cursor.description or ()]
        return pd.DataFrame.from_records(self.cursor.fetchall(), columns=columns)


def _pg_type(values: pd.Series) -> str:
    """The column type of a staged DataFrame column (the INSERTs cast to the warehouse types)."""
    kind = values.dtype.kind
    if kind == "b":
        return "boolean"
    if kind in "iu":
        return "bigint"
    if kind == "f":
        return "double precision"
    if kind == "M":
        return "timestamp"
    first = next((v for v in values if v is not None and v is not pd.NA and v == v), None)
    if isinstance(first, bool | np.bool_):
        return "boolean"
    if isinstance(first, int | np.integer):
        return "bigint"
    if isinstance(first, float | np.floating):
        return "double precision"
    if isinstance(first, Decimal):
        return "numeric"
    if isinstance(first, datetime):
        return "timestamp"
    if isinstance(first, date):
        return "date"
    return "text"


_SPECIAL = ("\\", "\t", "\n", "\r")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _copy_column(values: pd.Series) -> list[str]:
    """A column in COPY's text format: NULL as \\N, backslash, tab and line breaks escaped (Python's str()
    of ints, floats, Decimals, booleans and datetimes is what PostgreSQL reads). Plain lists: pandas'
    string methods cost four times as much here (measured on 16,000 targets)."""
    items = values.tolist()
    if values.dtype.kind in "iub" and not values.hasnans:  # a nullable Int64 column may hold <NA>
        return list(map(str, items))
    missing = values.isna().tolist()
    out = ["\\N" if m else (v if isinstance(v, str) else str(v)) for v, m in zip(items, missing, strict=True)]
    present = "".join(s for s, m in zip(out, missing, strict=True) if not m)
    if any(c in present for c in _SPECIAL):
        out = [s if m else _escape(s) for s, m in zip(out, missing, strict=True)]
    return out


def copy_text(frame: pd.DataFrame) -> str:
    """The whole frame as COPY text: one tab-separated line per row."""
    if not len(frame):
        return ""
    columns = [_copy_column(frame[c]) for c in frame.columns]
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


class PgConnection:
    """A psycopg 3 connection (autocommit; BEGIN/COMMIT are explicit, as on DuckDB) with DuckDB's API."""

    dialect = "postgresql"

    def __init__(self, raw: Any, label: str) -> None:
        self.raw = raw
        self.label = label

    def execute(self, sql: str, params: Sequence[Any] | None = None) -> PgResult:
        cursor = self.raw.cursor()
        if params is None:
            cursor.execute(sql)
        else:
            cursor.execute(*_translate(sql, params))
        return PgResult(cursor)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            query, _ = _translate(sql, rows[0])
            self.raw.cursor().executemany(query, [list(r) for r in rows])

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """The DataFrame as a temporary table of that name, written with COPY (the bulk path)."""
        columns = list(frame.columns)
        types = ", ".join(f'"{c}" {_pg_type(frame[c])}' for c in columns)
        cursor = self.raw.cursor()
        cursor.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")
        cursor.execute(f"CREATE TEMPORARY TABLE {name} ({types})")
        if len(frame):
            quoted = ", ".join(f'"{c}"' for c in columns)
            with cursor.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                copy.write(copy_text(frame).encode("utf-8"))
        if len(frame) >= ANALYZE_ROWS:  # the planner otherwise guesses a temporary table's size
            cursor.execute(f"ANALYZE {name}")

    def unregister(self, name: str) -> None:
        self.raw.execute(f"DROP TABLE IF EXISTS pg_temp.{name}")

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> PgConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@dataclass(frozen=True, slots=True)
class PostgresWarehouse:
    """A PostgreSQL database named by a SQLAlchemy URL (postgresql+psycopg://user@host:port/db)."""

    url: str
    kind: str = "postgresql"

    @classmethod
    def from_url(cls, url: str) -> PostgresWarehouse:
        scheme, rest = url.split("://", 1)
        return cls(f"postgresql+psycopg://{rest}" if "+" not in scheme else url)

    def label(self) -> str:
        return mask(self.url)

    def _conninfo(self) -> dict[str, Any]:
        from sqlalchemy.engine import make_url

        u = make_url(self.url)
        info = {"host": u.host, "port": u.port, "user": u.username, "password": u.password, "dbname": u.database}
        info.update({k: v for k, v in u.query.items() if isinstance(v, str)})
        return {k: v for k, v in info.items() if v is not None}

    def connect(self, *, read_only: bool = False, wait_seconds: float = 0, published: bool = True) -> PgConnection:
        import psycopg

        try:
            raw = psycopg.connect(**self._conninfo(), autocommit=True, application_name="jixiao")
        except psycopg.OperationalError as exc:
            raise ConnectionError(f"cannot connect to the warehouse {self.label()}: {_first_line(exc)}") from None
        con = PgConnection(raw, self.label())
        if read_only:
            if con.execute("SELECT to_regclass('alembic_version')").fetchone()[0] is None:
                con.close()
                from etl.warehouse.connect import NoWarehouse

                raise NoWarehouse(f"no warehouse schema in {self.label()}: load some tables first (jixiao load)")
            con.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
        return con

    def upgrade(self, wait_seconds: float = 60) -> str:
        """`alembic upgrade head` under a session advisory lock (two loaders may start at once)."""
        import sqlalchemy as sa
        from alembic import command
        from alembic.config import Config

        from etl.warehouse.connect import head_revision

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        engine = sa.create_engine(self.url, poolclass=sa.pool.NullPool)
        try:
            with engine.connect() as conn:
                _advisory_lock(conn, wait_seconds, self.label())
                try:
                    config.attributes["connection"] = conn
                    command.upgrade(config, "head")
                    conn.commit()
                finally:
                    conn.exec_driver_sql(f"SELECT pg_advisory_unlock{MIGRATION_LOCK}")
                    conn.commit()
        except sa.exc.OperationalError as exc:
            raise ConnectionError(f"cannot migrate the warehouse {self.label()}: {_first_line(exc.orig)}") from None
        finally:
            engine.dispose()
        return head_revision()

    @contextmanager
    def writing(self, wait_seconds: float = 60) -> Iterator[PgConnection]:
        """A write connection, migrated to head first when behind. No lock here: the writer takes
        advisory locks per department inside each batch's transaction, so loads run side by side."""
        from etl.warehouse.connect import current_revision, head_revision

        con = self.connect()
        try:
            if current_revision(con) != head_revision() or _built_fingerprint(con) != views.fingerprint():
                self.upgrade(wait_seconds)  # also re-creates the functions and views (migrations/env.py)
            yield con
        finally:
            con.close()

    def run_lock(self, wait_seconds: float = 60) -> AbstractContextManager[None]:
        """No run-wide lock: runs go side by side; each batch locks its departments (writer_postgres)."""
        return nullcontext()

    def publish(self, wait_seconds: float = 60) -> Path | None:
        return None


def _built_fingerprint(con: PgConnection) -> str | None:
    """What the last build of functions and views recorded (etl.warehouse.views.build), None before it."""
    if con.execute(f"SELECT to_regprocedure('{views.FINGERPRINT_MACRO}()')").fetchone()[0] is None:
        return None
    return con.execute(f"SELECT {views.FINGERPRINT_MACRO}()").fetchone()[0]


def _advisory_lock(conn: Any, wait_seconds: float, label: str) -> None:
    conn.exec_driver_sql(f"SET lock_timeout = '{max(int(wait_seconds * 1000), 1)}ms'")
    try:
        conn.exec_driver_sql(f"SELECT pg_advisory_lock{MIGRATION_LOCK}")
    except Exception as exc:
        if "lock timeout" in str(exc).lower():
            raise WarehouseBusy(f"another process is migrating {label}: waited {wait_seconds:g} s") from None
        raise
    finally:
        conn.commit()
    conn.exec_driver_sql("SET lock_timeout = 0")
    conn.commit()


def _first_line(exc: BaseException | None) -> str:
    return mask(str(exc).strip().splitlines()[0]) if exc and str(exc).strip() else type(exc).__name__


def grant_reader(con: PgConnection, role: str, password: str | None = None) -> list[str]:
    """A read-only login role for analysts: SELECT on every table and view (now and future ones)."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", role):
        raise ValueError(f"not a plain role name: {role!r} (letters, digits, underscores)")
    database = con.execute("SELECT current_database()").fetchone()[0]
    exists = con.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", [role]).fetchone()
    statements = [] if exists else [f"CREATE ROLE {role} LOGIN"]
    if password:
        statements.append(f"ALTER ROLE {role} PASSWORD {_literal(con, password)}")
    statements += [
        f'GRANT CONNECT ON DATABASE "{database}" TO {role}',
        f"GRANT USAGE ON SCHEMA public TO {role}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO {role}",
        f"ALTER ROLE {role} SET default_transaction_read_only = on",
    ]
    for statement in statements:
        con.execute(statement)
    return [s if "PASSWORD" not in s else f"ALTER ROLE {role} PASSWORD '***'" for s in statements]


def _literal(con: PgConnection, text: str) -> str:
    from psycopg import sql

    return sql.Literal(text).as_string(con.raw)
