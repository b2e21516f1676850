"""Children die with the loader: a watchdog that ends a loader's leftover processes when it is killed.

A SIGKILLed loader cannot clean up, and its helpers outlive it: the forkserver of the parsing pool, its
resource tracker, the parsing workers (~235 MB each), and under Prefect the temporary API server. The
loader therefore starts one small watchdog process (``ensure_watchdog``, idempotent) in a session of its
own. The loader marks its environment (JIXIAO_LOADER=pid:start time), which every process it starts
afterwards inherits, however deep; the watchdog also notes the loader's descendants every WATCH_INTERVAL
seconds. Once the loader is gone (or a zombie), the watchdog terminates every process that carries the
mark or that it noted (and is still the same process: pid and start time), then exits. The mark finds
helpers born just before the kill and already re-parented to init. One mechanism for all helpers,
whichever thread or library started them (prctl's PR_SET_PDEATHSIG fires when the parent *thread*
ends, which is wrong for pools started from Prefect's task threads, and cannot be set on a server
Prefect starts).

    python -m etl.load.children PID START_TIME     (started by ensure_watchdog)
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import psutil

WATCH_INTERVAL = 1.0  # a backup: the environment mark finds the helpers born since
TERM_GRACE = 3.0
MARK = "JIXIAO_LOADER"
_started: dict[int, subprocess.Popen] = {}


def loader_code_env() -> dict[str, str]:
    """Environment under which ``python -m``/``-c`` import this process's own etl package: its folder first on
    PYTHONPATH, and no working directory in front of it (PYTHONSAFEPATH). Otherwise an ``etl`` folder in the
    directory jixiao was started from (another checkout of jixiao, say) would be imported instead."""
    root = str(Path(__file__).resolve().parents[2])  # the folder holding etl/
    path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
    return {"PYTHONSAFEPATH": "1", "PYTHONPATH": path}


@contextlib.contextmanager
def loader_code_on_path() -> Iterator[None]:
    """Python processes started inside this block import this process's etl (loader_code_env)."""
    changes = loader_code_env()
    saved = {k: os.environ.get(k) for k in changes}
    os.environ.update(changes)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def ensure_watchdog() -> None:
    """Start the watchdog for this process once (a no-op in later calls and in the watchdog itself)."""
    pid = os.getpid()
    if pid in _started or os.environ.get("JIXIAO_NO_WATCHDOG"):
        return
    started = psutil.Process(pid).create_time()
    os.environ[MARK] = f"{pid}:{started!r}"  # inherited by every process started from now on
    try:
        _started[pid] = subprocess.Popen(
            [sys.executable, "-m", "etl.load.children", str(pid), repr(started)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a signal to the loader's process group leaves the watchdog standing
            close_fds=True,
            env={**os.environ, **loader_code_env()},  # this etl.load.children, not one in the working directory
        )
    except OSError as exc:  # a process limit (EAGAIN), no memory, an interpreter this user may not run
        os.environ.pop(MARK, None)
        raise WatchdogFailed(
            exc.errno,
            f"the watchdog process could not start ({exc.strerror or exc}): it ends this run's helpers "
            "(Prefect's server, the parsing workers) should the run be killed, and nothing was started without it",
        ) from exc


class WatchdogFailed(OSError):
    """The watchdog could not be started (the commands say so in one line, exit 1)."""


def _alive(proc: psutil.Process, started: float) -> bool:
    try:
        return abs(proc.create_time() - started) < 0.05 and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def watch(pid: int, started: float) -> list[int]:
    """Note the loader's descendants until it is gone; then end the ones still running. Returns their pids."""
    me = os.getpid()
    known: dict[int, psutil.Process] = {}
    loader = psutil.Process(pid) if psutil.pid_exists(pid) else None
    while loader is not None and _alive(loader, started):
        try:
            for child in loader.children(recursive=True):
                if child.pid != me and child.pid not in known:
                    child.create_time()  # cached by psutil: identifies the process later, whatever its pid
                    known[child.pid] = child
        except psutil.Error:
            pass
        time.sleep(WATCH_INTERVAL)
    known.update((p.pid, p) for p in _marked(f"{pid}:{started!r}", me) if p.pid not in known)
    return terminate(list(known.values()))


def _marked(mark: str, me: int) -> list[psutil.Process]:
    """Every process (of this user) whose environment carries the loader's mark, but the watchdog."""
    found = []
    for proc in psutil.process_iter():
        try:
            if proc.pid != me and proc.environ().get(MARK) == mark:
                found.append(proc)
        except psutil.Error:
            continue
    return found


def terminate(procs: list[psutil.Process]) -> list[int]:
    """SIGTERM the processes that are still running (same pid and start time), SIGKILL the rest after a grace."""
    running = [p for p in procs if p.is_running()]  # is_running compares the start time: no reused pid is hit
    for p in running:
        with contextlib.suppress(psutil.Error):
            p.send_signal(signal.SIGTERM)
    _, alive = psutil.wait_procs(running, timeout=TERM_GRACE)
    for p in alive:
        with contextlib.suppress(psutil.Error):
            p.kill()
    psutil.wait_procs(alive, timeout=TERM_GRACE)
    return [p.pid for p in running]


def main(argv: list[str]) -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C at the terminal is the loader's business
    watch(int(argv[0]), float(argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
