"""A Prefect API server as a child process: what a schedule needs (the temporary server cannot schedule).

Used by `jixiao serve --with-server` (a one-box setup) and by the end-to-end test. In production run the
server as its own service (deploy/prefect-server.service) and point PREFECT_API_URL at it.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flows.prefect_env import DEFAULTS

STARTUP_TIMEOUT = 120.0


@dataclass(slots=True, frozen=True)
class ServerHandle:
    process: subprocess.Popen
    api_url: str
    env: dict[str, str]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return s.getsockname()[1]


SERVED = {"PREFECT_UI_ENABLED": "true"}  # a server people use keeps its UI (the temporary one a load starts does not)


def server_env(home: Path, api_url: str, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for the server and its clients: its own PREFECT_HOME, the API URL, quiet defaults,
    and the UI switched on (at http://host:port/, where `jixiao serve --with-server` points people)."""
    env = dict(os.environ if base is None else base)
    env.update({k: v for k, v in DEFAULTS.items() if k not in env})
    env.update({"PREFECT_HOME": str(home), "PREFECT_API_URL": api_url, **SERVED})
    return env


def prefect_executable() -> str:
    """The prefect CLI of this interpreter's environment (the venv's), else the one on PATH."""
    beside = Path(sys.executable).with_name("prefect")
    return str(beside) if beside.exists() else shutil.which("prefect") or "prefect"


def wait_healthy(api_url: str, process: subprocess.Popen | None = None, timeout: float = STARTUP_TIMEOUT) -> None:
    """Poll GET {api_url}/health until it answers 200; fail early if the server process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the Prefect server exited with code {process.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(f"{api_url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"the Prefect server at {api_url} was not healthy within {timeout:g} s")


def stop(process: subprocess.Popen, timeout: float = 15.0) -> None:
    """SIGTERM the process group (the server's own workers too), SIGKILL what is left after timeout."""
    if process.poll() is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout)
            return
        except subprocess.TimeoutExpired:
            continue


@contextmanager
def running_server(
    home: Path, host: str = "127.0.0.1", port: int | None = None, log: Path | None = None
) -> Iterator[ServerHandle]:
    """`prefect server start` on host:port with its own PREFECT_HOME; stopped (whole group) on exit."""
    port = port or free_port(host)
    api_url = f"http://{host}:{port}/api"
    home.mkdir(parents=True, exist_ok=True)
    env = server_env(home, api_url)
    out = open(log or home / "server.log", "ab")  # noqa: SIM115 (closed below, after the process)
    process = subprocess.Popen(
        [prefect_executable(), "server", "start", "--host", host, "--port", str(port)],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_healthy(api_url, process)
        yield ServerHandle(process, api_url, env)
    finally:
        stop(process)
        out.close()
