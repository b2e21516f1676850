"""A throwaway PostgreSQL 15 server for tests and the benchmark (not shipped).

Debian's package puts the binaries in /usr/lib/postgresql/15/bin. initdb refuses to run as root, so
as root the cluster is made and run by the ``postgres`` user in a temporary folder it owns; the
server listens on 127.0.0.1 only, on a free port, with its socket in the same folder, trusting
local connections (a test machine; never a production setting). ``jixiao`` is the superuser.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PG_BIN = Path(os.environ.get("JIXIAO_PG_BIN", "/usr/lib/postgresql/15/bin"))
SUPERUSER = "jixiao"


def available() -> bool:
    return (PG_BIN / "initdb").is_file() and (PG_BIN / "pg_ctl").is_file()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_owner(args: list[str]) -> list[str]:
    """Run as the postgres user when we are root (initdb and postgres refuse root)."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *args]
    return args


@dataclass(slots=True)
class PgServer:
    folder: Path
    port: int

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str) -> str:
        """A new empty database; returns its SQLAlchemy URL."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}"')
            c.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        subprocess.run(
            _as_owner([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"]),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.folder, ignore_errors=True)


def start(port: int | None = None, durable: bool = False) -> PgServer:
    """initdb into a new temporary folder and start the server on 127.0.0.1:port (a free one by default).

    Tests run with fsync off (nothing is kept); durable=True keeps PostgreSQL's defaults (the benchmark)."""
    if not available():
        raise RuntimeError(f"PostgreSQL binaries not found in {PG_BIN} (apt-get install -y postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="jixiao-pg-"))
    server = PgServer(folder, port or free_port())
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    folder.chmod(0o700)
    run = dict(check=True, capture_output=True, text=True)
    subprocess.run(
        _as_owner([str(PG_BIN / "initdb"), "-D", str(server.data), "-A", "trust", "-U", SUPERUSER, "-E", "UTF8"]),
        **run,
    )
    options = f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
    if not durable:
        options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(server.data), "-w", "-l", str(folder / "log")]
    subprocess.run(_as_owner([*pg_ctl, "-o", options, "start"]), **run)
    return server


@contextlib.contextmanager
def running() -> Iterator[PgServer]:
    server = start()
    try:
        yield server
    finally:
        server.stop()
