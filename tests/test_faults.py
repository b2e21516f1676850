"""SIGKILL the loader at random moments, many times; after every kill the warehouse is consistent,
and the next run completes the work. Then: two loads and an analyst session at once.

The loader is the production path: the installed `jixiao load --no-prefect` command (etl.load.run.run_load,
the one recorded run), one batch per file, its per-batch progress lines on stderr saying how far it got.

Figures for the report: FAULT_KILLS kills (tests/test_faults.py), each followed by a full invariant
check of the working and the published warehouse.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from etl.extract.encoding import sha256_of
from etl.transform.pipeline import process_file
from etl.warehouse.connect import connect
from etl.warehouse.locking import writer_lock
from etl.warehouse.publish import published_path
from tests.layout_facts import LAYOUTS
from tests.paths import PROJECT_ROOT
from tests.warehouse_invariants import check_invariants

pytestmark = pytest.mark.slow
FAULT_KILLS = int(os.environ.get("JIXIAO_FAULT_KILLS", "25"))
SAMPLE = PROJECT_ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt"
AMOUNT = "业务装备购置经费\t14.07\t14.07"


def _variant(year: int, version: int) -> str:
    """The sample filed under another year, one project's amount changed per year and version (so it replaces)."""
    text = SAMPLE.read_text(encoding="utf-8")
    amount = f"{Decimal('14.07') + Decimal(version) / 100 + Decimal(year - 2020) / 1000}"
    return text.replace(AMOUNT, f"业务装备购置经费\t{amount}\t{amount}")


def write_corpus(root: Path, version: int) -> dict[str, tuple[int, int, Decimal]]:
    """raw/2021-2023: sample variants (new bytes at the same path each version: they replace); raw/2024: every
    layout fixture, all the same table: the first loaded holds it, the others are refused while it exists."""
    for year in (2021, 2022, 2023):
        (root / str(year)).mkdir(parents=True, exist_ok=True)
        (root / str(year) / "tianhe.txt").write_text(_variant(year, version), encoding="utf-8")
    if not (root / "2024").exists():
        shutil.copytree(LAYOUTS, root / "2024")
    expected = {}
    for f in sorted(root.rglob("*.*")):
        t = process_file(f)
        expected[sha256_of(f.read_bytes())] = (
            len(t.projects),
            t.n_targets,
            sum((p.amounts["total"] for p in t.projects), Decimal("0.00")),
        )
    return expected


JIXIAO = Path(sys.executable).with_name("jixiao")  # the console script of the venv running the tests
BATCH_LINE = re.compile(r"^jixiao load: (\d+)/(\d+) files", re.MULTILINE)
RUN_LINE = re.compile(r"^run (\d+): (\w+): ", re.MULTILINE)  # printed once the run is recorded and published


def loader(warehouse: Path, wait: float, batch_size: int, *paths: Path) -> subprocess.Popen:
    """`jixiao load` in its own process, without Prefect, one line per committed batch on stderr."""
    command = [str(JIXIAO), "load", *map(str, paths), "-w", str(warehouse), "--no-prefect"]
    return subprocess.Popen(
        [*command, "--batch-size", str(batch_size), "--wait", str(wait)],
        cwd=PROJECT_ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "COLUMNS": "200"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(proc: subprocess.Popen, timeout: float = 120) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out, err


def test_sigkill_at_random_points(tmp_path: Path) -> None:
    rng = random.Random(4)
    root, warehouse = tmp_path / "raw", tmp_path / "wh" / "jixiao.duckdb"
    expected: dict[str, tuple[int, int, Decimal]] = {}
    expected.update(write_corpus(root, 0))
    begun, full_run, code = _timed_run(loader(warehouse, 60, 1, root))
    assert code == UNRECONCILED_AND_REFUSED
    landed: Counter[str] = Counter()
    n_runs = 1
    for kill in range(1, FAULT_KILLS + 1):
        expected.update(write_corpus(root, kill))
        proc = loader(warehouse, 60, 1, root)
        time.sleep(rng.uniform(0.7 * begun, full_run))  # from late start-up (imports) to the end
        alive = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        _, out, err = finished(proc, 30)
        began = len(_runs(warehouse)) > n_runs
        landed[_where(out, err) if began else "before the run began (start-up, lock, migration)"] += 1
        n_runs = len(_runs(warehouse))
        assert alive or RUN_LINE.search(out), err
        check_invariants(warehouse, expected)
        if published_path(warehouse).exists():
            check_invariants(published_path(warehouse), expected)
    code, out, err = finished(loader(warehouse, 60, 1, root))
    assert code == UNRECONCILED_AND_REFUSED, err
    current = {sha256_of(f.read_bytes()) for f in (root / "2021", root / "2022", root / "2023") for f in f.iterdir()}
    current.add(sha256_of(sorted((root / "2024").iterdir())[0].read_bytes()))
    assert set(check_invariants(warehouse, expected)) == current
    assert set(check_invariants(published_path(warehouse), expected)) == current
    runs = _runs(published_path(warehouse))
    assert "running" not in {outcome for outcome, _ in runs}  # a killed run is closed by the run after it
    interrupted = sum(message.startswith("interrupted") for _, message in runs)
    last_outcome, last_message = runs[-1]  # failed by the gate only: the variants do not reconcile, by design
    assert last_outcome == "failed" and last_message.endswith("quality checks failed: totals_reconcile (12)")
    print(f"\n{FAULT_KILLS} SIGKILLs survived (clean run {full_run:.1f} s, its run begun after {begun:.1f} s)")
    print(f"kills landed: {dict(landed)}")
    print(f"{len(runs)} runs recorded, {interrupted} of them interrupted by a kill and closed by the next run")


UNRECONCILED_AND_REFUSED = 3  # the variants do not reconcile (4), and 3 (a file refused) comes first


def _timed_run(proc: subprocess.Popen) -> tuple[float, float, int]:
    """Seconds until the run had begun (its first progress line, less the run time it reports), seconds in
    all, and the exit code."""
    start = time.monotonic()
    begun = None
    for line in proc.stderr:
        if begun is None and (m := re.match(r"jixiao load: .*, ([0-9.]+) s$", line.strip())):
            begun = time.monotonic() - start - float(m.group(1))
    code = proc.wait(timeout=120)
    assert begun is not None and RUN_LINE.search(proc.stdout.read())
    return begun, time.monotonic() - start, code


def _runs(path: Path) -> list[tuple[str, str]]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("SELECT outcome, message FROM load_run ORDER BY run_id").fetchall()
    finally:
        con.close()


def _where(out: str, err: str) -> str:
    """Where a kill landed, from what the loader printed before it died."""
    if RUN_LINE.search(out):
        return "after publishing"
    batches = BATCH_LINE.findall(err)
    if not batches:
        return "run begun, before the first batch committed"
    done, total = map(int, batches[-1])
    if done == total:
        return "after the last batch (gate, record, publish)"
    return f"after {len(batches)} batch(es)"


def test_two_loads_and_an_analyst_at_once(tmp_path: Path) -> None:
    root, warehouse = tmp_path / "raw", tmp_path / "wh" / "jixiao.duckdb"
    expected = write_corpus(root, 0)
    code, _, err = finished(loader(warehouse, 60, 50, root / "2021"))
    assert code == 4, err  # the 2021 variant does not reconcile (by design)
    analyst = connect(warehouse, read_only=True)  # the published copy, held open all along
    before = analyst.execute("SELECT count(*), sum(total_yuan) FROM fact_project_budget").fetchone()
    with writer_lock(warehouse):  # someone is loading: both new loads must wait for it
        a = loader(warehouse, 60, 1, root / "2022", root / "2024")
        b = loader(warehouse, 60, 1, root / "2023", root / "2024")
        code, _, message = finished(loader(warehouse, 0, 1, root / "2023"), 60)
        assert code == 7
        assert message.startswith("load: another load is writing this warehouse"), message
        time.sleep(1.0)
        assert a.poll() is None and b.poll() is None, "a load did not wait for the lock"
        assert analyst.execute("SELECT count(*) FROM fact_project_budget").fetchone()[0] == before[0]
    while a.poll() is None or b.poll() is None:  # the analyst keeps querying while both load and publish
        assert analyst.execute("SELECT count(*), sum(total_yuan) FROM fact_project_budget").fetchone() == before
        time.sleep(0.05)
    (code_a, out_a, err_a), (code_b, out_b, err_b) = finished(a), finished(b)
    assert code_a == code_b == UNRECONCILED_AND_REFUSED, (err_a, err_b)  # of the 2024 layouts one is loaded
    analyst.close()
    loaded = check_invariants(published_path(warehouse), expected)
    assert len(loaded) == 4  # 2021, 2022, 2023 and 2024
    assert check_invariants(warehouse, expected) == loaded
    fresh = duckdb.connect(str(published_path(warehouse)), read_only=True)
    try:
        assert fresh.execute("SELECT count(DISTINCT budget_year) FROM fact_project_budget").fetchone() == (4,)
        runs = fresh.execute("SELECT run_id, started_at, finished_at FROM load_run ORDER BY started_at").fetchall()
    finally:
        fresh.close()
    assert len(runs) == 3
    assert runs[1][2] <= runs[2][1], f"two runs overlapped: {runs}"  # one run holds the writer from begin to finish
    first_run, second_run = sorted(int(RUN_LINE.search(o).group(1)) for o in (out_a, out_b))
    assert (first_run, second_run) == (runs[1][0], runs[2][0])


# ---- Issue 10: runs that end honestly -------------------------------------------------------------------------


def _departments(root: Path, n: int) -> None:
    (root / "2024").mkdir(parents=True, exist_ok=True)
    text = SAMPLE.read_text(encoding="utf-8")
    for i in range(n):
        dept = f"故障部门{i:02d}"
        (root / "2024" / f"t{i:02d}.txt").write_text(text.replace("广州市天河区司法局", dept), encoding="utf-8")


def _jixiao(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [JIXIAO, *args], cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs
    )


def _kill_after_batches(proc: subprocess.Popen, batches: int) -> int:
    """SIGKILL the loader once it has said it committed `batches` batches; return how many lines it said."""
    seen = 0
    while seen < batches:
        line = proc.stderr.readline()
        if not line:
            break
        seen += " files, " in line and "/" in line
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    return seen


@pytest.mark.parametrize("batches", [0, 1, 3])
def test_killed_run_is_closed_as_interrupted_with_its_true_counts(tmp_path: Path, batches: int) -> None:
    root, warehouse = tmp_path / "raw", tmp_path / "wh" / "jixiao.duckdb"
    _departments(root, 8)
    if batches == 0:  # a run killed before anything was committed (the run row may or may not exist)
        first = _jixiao("load", str(root), "-w", str(warehouse), "--no-prefect", "--batch-size", "1")
        first.stderr.readline()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    else:
        first = _jixiao("load", str(root), "-w", str(warehouse), "--no-prefect", "--batch-size", "1")
        assert _kill_after_batches(first, batches) == batches
    runs = subprocess.run([JIXIAO, "runs", "-w", str(warehouse)], capture_output=True, text=True, cwd=PROJECT_ROOT)
    con = duckdb.connect(str(warehouse), read_only=True) if warehouse.exists() else None
    if con is None:
        return  # killed before the warehouse existed: nothing to close
    try:
        committed = con.execute("SELECT count(*) FROM load_log WHERE status = 'loaded'").fetchone()[0]
        rows = con.execute("SELECT outcome, n_loaded, n_files, finished_at IS NOT NULL FROM load_run").fetchall()
    finally:
        con.close()
    assert committed >= batches
    assert all(r[0] != "running" for r in rows), rows
    if rows:
        assert rows == [("interrupted", committed, committed, True)]
        assert runs.returncode == 0 and runs.stdout.startswith("read from the working copy"), runs
        assert f"interrupted: {committed} files, {committed} loaded" in runs.stdout
    final = _jixiao("load", str(root), "-w", str(warehouse), "--no-prefect")
    assert final.wait(timeout=120) == 0, final.stderr.read()
    con = duckdb.connect(str(published_path(warehouse)), read_only=True)
    try:
        outcomes = con.execute("SELECT outcome FROM load_run ORDER BY run_id").fetchall()
        assert con.execute("SELECT count(*) FROM load_log WHERE status = 'loaded'").fetchone() == (8,)
    finally:
        con.close()
    assert outcomes[-1] == ("succeeded",) and all(o != ("running",) for o in outcomes)


def test_a_live_run_or_another_hosts_run_is_never_closed(tmp_path: Path) -> None:
    from etl.load import history
    from etl.warehouse.connect import writing

    warehouse = tmp_path / "wh" / "w.duckdb"
    with writing(warehouse) as con:
        mine = history.start_run(con, ["x"])  # this process: alive
        other = history.start_run(con, ["y"])
        con.execute("UPDATE load_run SET host = 'elsewhere', pid = 1 WHERE run_id = ?", [other])
        reused = history.start_run(con, ["z"])  # same pid, another process start time: the pid was reused
        con.execute("UPDATE load_run SET process_started = 1.0 WHERE run_id = ?", [reused])
        assert history.close_interrupted(con) == [reused]
        outcomes = dict(con.execute("SELECT run_id, outcome FROM load_run").fetchall())
    assert outcomes == {mine: "running", other: "running", reused: "interrupted"}


def test_runs_reads_the_published_copy_while_a_load_holds_the_warehouse(tmp_path: Path) -> None:
    root, warehouse = tmp_path / "raw", tmp_path / "wh" / "jixiao.duckdb"
    _departments(root, 1)
    assert subprocess.run([JIXIAO, "load", str(root), "-w", str(warehouse), "--no-prefect", "-q"]).returncode == 0
    with writer_lock(warehouse):
        busy = subprocess.run([JIXIAO, "runs", "-w", str(warehouse)], capture_output=True, text=True)
    assert busy.returncode == 0 and busy.stdout.startswith("read from the analysts' copy"), busy
    assert "run 1 " in busy.stdout and "succeeded" in busy.stdout


def _descendants(pid: int) -> list:
    import psutil

    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _cmdlines(procs: list) -> list[str]:
    import psutil

    out = []
    for p in procs:
        with contextlib.suppress(psutil.Error):
            out.append(" ".join(p.cmdline()))
    return out


def _pool_is_up(procs: list) -> bool:
    """The forkserver, its resource tracker and two workers are running."""
    return sum("multiprocessing" in c for c in _cmdlines(procs)) >= 4


def _prefect_server_is_up(procs: list) -> bool:
    return any("uvicorn" in c or "prefect" in c for c in _cmdlines(procs))


@pytest.mark.parametrize(
    ("engine", "moment"),
    [("--no-prefect", "after a batch"), ("--prefect", "after a batch"), ("--prefect", "while Prefect starts")],
)
def test_sigkill_leaves_no_child_process(tmp_path: Path, engine: str, moment: str) -> None:
    """Issue 10: with --workers 2 the forkserver, its resource tracker, the workers and Prefect's temporary
    server die with a SIGKILLed loader."""
    import psutil

    root, warehouse = tmp_path / "raw", tmp_path / "wh" / "jixiao.duckdb"
    _departments(root, 12)
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    proc = _jixiao("load", str(root), "-w", str(warehouse), engine, "--workers", "2", "--batch-size", "4", env=env)
    wanted = _pool_is_up if moment == "after a batch" else _prefect_server_is_up
    while not wanted(_descendants(proc.pid)):
        assert proc.poll() is None, proc.stderr.read()
        time.sleep(0.05)
    seen = _descendants(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    _, alive = psutil.wait_procs(seen, timeout=30)
    assert not alive, [(p.pid, p.cmdline()) for p in alive]


BROKEN = PROJECT_ROOT / "tests" / "fixtures" / "broken" / "2024" / "quality-gate-broken.txt"


@pytest.mark.parametrize("engine", ["--prefect", "--no-prefect"])
def test_failed_gate_prints_one_line_per_problem(tmp_path: Path, engine: str) -> None:
    """Issue 10: no Prefect traceback ahead of jixiao's report; each problem one line, however long."""
    root = tmp_path / "raw" / "2024"
    root.mkdir(parents=True)
    shutil.copy(SAMPLE, root / SAMPLE.name)
    shutil.copy(BROKEN, root / BROKEN.name)
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect"), "COLUMNS": "60"}
    proc = _jixiao("load", str(root.parent), "-w", str(tmp_path / "wh" / "w.duckdb"), engine, "-q", env=env)
    _out, err = proc.communicate(timeout=300)
    assert proc.returncode == 4, err
    assert "Traceback" not in err and "RunFailed" not in err, err
    assert err.splitlines() == [
        f"totals do not reconcile in {root / BROKEN.name}: see fact_reconciliation (load_id 1); 1 rejected row in "
        "load_reject may hold the difference",
        "quality check failed: projects_have_targets (1 rows): Every project has performance targets in every "
        "budget year it has a budget.",
        "quality check failed: totals_reconcile (4 rows): The totals of every current table reconcile "
        "(合计 = units = projects; 总计 = 财政拨款 + 专户 + 其他).",
    ]


# ---- Issue 10: a full disk, on a real small file system (tmpfs) -------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path):
    """A 48 MB tmpfs for the warehouse (needs root); the test is skipped where it cannot be mounted."""
    mount = tmp_path / "fs"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({done.stderr.decode().strip()}); see test_publish_failure_*")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(mount: Path, leave_kib: int) -> Path:
    free = shutil.disk_usage(mount).free // 1024
    filler = mount / "filler"
    subprocess.run(["fallocate", "-l", str(max(free - leave_kib, 0) * 1024), str(filler)], check=True)
    return filler


def _published_runs(warehouse: Path) -> list[tuple]:
    con = duckdb.connect(str(published_path(warehouse)), read_only=True)
    try:
        return con.execute("SELECT run_id, outcome FROM load_run ORDER BY run_id").fetchall()
    finally:
        con.close()


@pytest.mark.parametrize(
    ("new_files", "leave_kib", "moment"),
    # 4 new tables: the checkpoint grows the 7.6 MB file by ~5 MB (fact_target's last row group rewritten, three
    # more columns since 0011); 7,000 KiB leaves the publish short of room and the run's failure room to be recorded
    [(0, 2048, "publish of an unchanged run"), (4, 7000, "checkpoint or publish"), (16, 64, "commit of a batch")],
)
def test_disk_full_fails_the_run_keeps_the_first_error_and_the_next_run_succeeds(
    tmp_path: Path, small_disk: Path, new_files: int, leave_kib: int, moment: str
) -> None:
    raw, warehouse = tmp_path / "raw", small_disk / "jixiao.duckdb"
    _departments(raw, 20)
    assert subprocess.run([JIXIAO, "load", str(raw), "-w", str(warehouse), "--no-prefect", "-q"]).returncode == 0
    before = _published_runs(warehouse)
    _departments(raw, 20 + new_files)
    filler = _fill(small_disk, leave_kib)
    full = subprocess.run(
        [JIXIAO, "load", str(raw), "-w", str(warehouse), "--no-prefect", "-q"], capture_output=True, text=True
    )
    assert full.returncode == 1, (moment, full)
    assert "No space left on device" in full.stderr and "no transaction is active" not in full.stderr, full.stderr
    assert "Traceback" not in full.stderr and len(full.stderr.strip().splitlines()) <= 2
    assert not list(small_disk.glob(".*.tmp")), "the temporary copy must be removed"
    assert _published_runs(warehouse) == before  # the analysts' copy is the previous whole state
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        outcome, message = con.execute("SELECT outcome, message FROM load_run ORDER BY run_id DESC LIMIT 1").fetchone()
    finally:
        con.close()
    assert outcome == "failed" and "No space left on device" in message.split(";")[0], message
    filler.unlink()
    again = subprocess.run(
        [JIXIAO, "load", str(raw), "-w", str(warehouse), "--no-prefect", "-q"], capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    runs = _published_runs(warehouse)
    assert runs[-1][1] in ("succeeded", "unchanged") and len(runs) == len(before) + 2
    con = duckdb.connect(str(published_path(warehouse)), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM load_log WHERE status = 'loaded'").fetchone() == (20 + new_files,)
    finally:
        con.close()
    assert not list(small_disk.glob(".*.tmp"))


# ---- the same, by fault injection (where no tmpfs can be mounted) -------------------------------------------------


def test_publish_failure_by_injection_fails_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    from etl.load.run import run_load
    from etl.warehouse import publish as publishing

    raw, warehouse = tmp_path / "raw", tmp_path / "wh" / "jixiao.duckdb"
    _departments(raw, 2)
    assert run_load([str(raw)], str(warehouse)).outcome == "succeeded"
    _departments(raw, 3)

    def no_space(src: Path, dst: Path) -> None:
        Path(dst).write_bytes(b"half a copy")
        raise OSError(errno.ENOSPC, "No space left on device", str(dst))

    monkeypatch.setattr(publishing.shutil, "copyfile", no_space)
    report = run_load([str(raw)], str(warehouse))
    assert report.outcome == "failed" and report.exit_code == 1
    assert report.error.startswith("publishing the analysts' copy") and "No space left" in report.error
    assert not list(warehouse.parent.glob(".*.tmp"))
    monkeypatch.undo()
    assert run_load([str(raw)], str(warehouse)).outcome == "unchanged"
    assert [o for _, o in _published_runs(warehouse)] == ["succeeded", "failed", "unchanged"]


class _FailingCommit:
    """A connection whose COMMIT fails the way a full disk makes it fail (the transaction is then gone)."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def execute(self, sql: str, *args: object):
        if sql.strip().upper() == "COMMIT":
            self._con.execute("ROLLBACK")
            raise duckdb.IOException('Could not write file "x.wal": No space left on device')
        return self._con.execute(sql, *args)

    def __getattr__(self, name: str):
        return getattr(self._con, name)


def test_commit_failure_by_injection_keeps_the_first_error(tmp_path: Path) -> None:
    from etl.load.writer import load_batch
    from etl.transform.pipeline import run_file
    from etl.warehouse.connect import writing

    raw = tmp_path / "raw"
    _departments(raw, 1)
    table = run_file(raw / "2024" / "t00.txt")
    with writing(tmp_path / "wh" / "w.duckdb") as con:
        with pytest.raises(duckdb.IOException, match="No space left on device"):
            load_batch(_FailingCommit(con), [table])
        assert con.execute("SELECT count(*) FROM load_log").fetchone() == (0,)
        assert [r.status for r in load_batch(con, [table])] == ["loaded"]


# ---- Issue 10: the analysts' copy opens in the DuckDB clients analysts have -----------------------------------

OLD_CLI = Path(os.environ.get("JIXIAO_OLD_DUCKDB", PROJECT_ROOT / ".venv-duckdb-old" / "bin" / "duckdb"))
VIEWS = ("v_project_budget", "v_target", "v_project_budget_yoy", "v_target_yoy", "v_department_year", "v_load_status")


def _old_cli(database: Path, sql: str) -> subprocess.CompletedProcess:
    if not OLD_CLI.exists():
        pytest.skip(f"no older DuckDB CLI at {OLD_CLI} (scripts/test.sh installs duckdb-cli==1.5.6 there)")
    return subprocess.run([str(OLD_CLI), "-readonly", "-csv", str(database), "-c", sql], capture_output=True, text=True)


@pytest.mark.parametrize("working_format", ["v1.4.0", "native"])
def test_published_copy_opens_in_an_older_duckdb_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, working_format: str
) -> None:
    """A new working file is created in the published storage version (publishing stays a file copy); one
    created in DuckDB's own newer format (an existing warehouse) is published with COPY FROM DATABASE."""
    from etl.load.run import run_load

    raw, warehouse = tmp_path / "raw", tmp_path / "wh" / "jixiao.duckdb"
    _departments(raw, 2)
    monkeypatch.setenv("JIXIAO_PUBLISH_STORAGE_VERSION", working_format)
    assert run_load([str(raw)], str(warehouse)).outcome == "succeeded"
    monkeypatch.delenv("JIXIAO_PUBLISH_STORAGE_VERSION")
    assert run_load([str(raw)], str(warehouse)).outcome == "unchanged"  # published in the default format
    version = _old_cli(published_path(warehouse), "select version()")
    assert version.returncode == 0, version.stderr
    counts = " union all ".join(f"select '{v}', count(*) from {v}" for v in VIEWS)
    done = _old_cli(published_path(warehouse), f"{counts}; select count(*) from load_run")
    assert done.returncode == 0, done.stderr
    rows = dict(line.split(",") for line in done.stdout.splitlines()[1:7])
    assert rows["v_project_budget"] == "44" and rows["v_target"] == "220" and rows["v_load_status"] == "2"
    assert done.stdout.splitlines()[-1] == "2"  # both runs are in the copy


def test_native_format_is_what_older_clients_cannot_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from etl.load.run import run_load

    raw, warehouse = tmp_path / "raw", tmp_path / "wh" / "jixiao.duckdb"
    _departments(raw, 1)
    monkeypatch.setenv("JIXIAO_PUBLISH_STORAGE_VERSION", "native")
    run_load([str(raw)], str(warehouse))
    failed = _old_cli(published_path(warehouse), "select 1")
    assert failed.returncode != 0 and "version number" in failed.stderr
    monkeypatch.setenv("JIXIAO_PUBLISH_STORAGE_VERSION", "1.4")
    report = run_load([str(raw)], str(warehouse))
    assert report.outcome == "failed" and "expected a DuckDB version such as v1.4.0" in report.error


def test_sigkill_of_serve_with_server_takes_the_server_along(tmp_path: Path) -> None:
    """Issue 10: the Prefect server `jixiao serve --with-server` starts dies with it, even on SIGKILL."""
    import psutil

    from flows.prefect_server import free_port

    root = tmp_path / "raw"
    _departments(root, 1)
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}
    env.pop("PREFECT_API_URL", None)
    port = free_port()
    proc = _jixiao(
        "serve", str(root), "-w", str(tmp_path / "wh" / "w.duckdb"), "--with-server", "--port", str(port), env=env
    )
    deadline = time.monotonic() + 120
    while not _prefect_server_is_up(_descendants(proc.pid)):
        assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read()
        time.sleep(0.1)
    seen = _descendants(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    _, alive = psutil.wait_procs(seen, timeout=30)
    assert not alive, [(p.pid, p.cmdline()) for p in alive]
