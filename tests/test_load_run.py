"""Recorded incremental runs (etl.load.run.run_load, no Prefect): skip before parsing, reload only what
changed, note disappeared files, record every run, and the data-quality gate on a broken fixture."""

from __future__ import annotations

import gc
import hashlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import weakref
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl import progress
from etl.cli.app import app
from etl.load import batches, incremental
from etl.load import run as load_run
from etl.load.incremental import SourceMissing
from etl.load.run import run_load
from etl.warehouse.connect import connect
from etl.warehouse.quality import load_checks


def query(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = connect(warehouse, read_only=True, published=False)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture
def two_years(sample_copy: Path) -> Path:
    """The sample filed under 2024 and again under 2025: two tables, one department."""
    later = sample_copy.parent.parent / "2025" / sample_copy.name
    later.parent.mkdir()
    shutil.copy(sample_copy, later)
    return sample_copy.parent.parent


def run(root: Path, warehouse: Path, **kwargs: object) -> load_run.RunReport:
    return run_load([str(root)], str(warehouse), **kwargs)


def test_first_run_loads_and_records(two_years: Path, warehouse: Path) -> None:
    report = run(two_years, warehouse)
    assert (report.outcome, report.exit_code, report.by_status) == ("succeeded", 0, {"loaded": 2})
    assert query(
        warehouse,
        "SELECT outcome, n_files, n_loaded, n_unchanged, n_projects, n_targets, n_check_failures FROM load_run",
    ) == [("succeeded", 2, 2, 0, 44, 220, 0)]
    assert query(warehouse, "SELECT count(*), count(DISTINCT run_id) FROM load_run_file") == [(2, 1)]
    assert query(warehouse, "SELECT count(*), bool_and(passed) FROM load_run_check")[0][1] is True


def test_unchanged_rerun_parses_nothing_and_says_so(
    two_years: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run(two_years, warehouse)

    def no_parsing(*args: object, **kwargs: object) -> None:
        raise AssertionError("an unchanged file was parsed")

    monkeypatch.setattr(load_run, "parsed_batches", no_parsing)
    again = run(two_years, warehouse)
    assert (again.outcome, again.n_skipped, again.by_status) == ("unchanged", 2, {"unchanged": 2})
    assert "nothing changed" in again.message()
    row = query(
        warehouse, "SELECT outcome, n_loaded, n_unchanged, message FROM load_run WHERE run_id = ?", [again.run_id]
    )[0]
    assert row[:3] == ("unchanged", 0, 2) and row[3].startswith("nothing changed")
    assert query(warehouse, "SELECT count(*) FROM load_run_file WHERE run_id = ?", [again.run_id]) == [(0,)]


def test_an_unchanged_file_is_not_hashed_again_and_an_edit_is_seen(
    two_years: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file's stat is recorded with its load; while size, mtime, ctime and inode are unchanged the next run
    keeps the recorded sha256 without reading the file. An edit of the same size with its mtime set back (as
    cp -p or rsync -t would) still changes the ctime, so the file is hashed and reloaded."""
    monkeypatch.setattr(incremental, "RACY_SECONDS", -3600)  # the files were written a moment ago
    run(two_years, warehouse)
    stats = query(warehouse, "SELECT source_path, source_stat FROM load_log WHERE status = 'loaded'")
    assert len(stats) == 2 and all(s and s.count(":") == 4 for _, s in stats)
    hashed: list[Path] = []
    monkeypatch.setattr(incremental, "file_sha256", lambda path: hashed.append(path) or "")
    again = run(two_years, warehouse)
    assert (again.outcome, again.by_status, hashed) == ("unchanged", {"unchanged": 2}, [])

    monkeypatch.undo()
    monkeypatch.setattr(incremental, "RACY_SECONDS", -3600)
    edited = two_years / "2025" / "tianhe-sfj.txt"
    before = edited.stat()
    text = edited.read_text(encoding="utf-8")
    edited.write_text(text.replace("更新购置设备", "更新添置设备"), encoding="utf-8")  # the same length
    os.utime(edited, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert edited.stat().st_size == before.st_size and edited.stat().st_mtime_ns == before.st_mtime_ns
    report = run(two_years, warehouse)
    assert sorted((Path(r.path).parent.name, r.status) for r in report.results) == [
        ("2024", "unchanged"),
        ("2025", "replaced"),
    ]


def test_a_first_load_hashes_each_file_once_as_it_parses_it(
    two_years: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A path the warehouse has never recorded is parsed whatever its bytes, so the plan does not read it: the
    parser's sha256 is recorded, with the stat the plan noted before the parser read the file."""
    monkeypatch.setattr(incremental, "RACY_SECONDS", -3600)
    hashed: list[Path] = []
    monkeypatch.setattr(incremental, "file_sha256", lambda path: hashed.append(path) or "")
    assert run(two_years, warehouse).by_status == {"loaded": 2}
    assert hashed == []
    rows = query(warehouse, "SELECT source_path, source_sha256, source_stat FROM load_log ORDER BY source_path")
    assert [(Path(p), sha) for p, sha, _ in rows] == [
        (f, hashlib.sha256(f.read_bytes()).hexdigest()) for f in sorted(two_years.rglob("*.txt"))
    ]
    assert all(stat == incremental.stat_key(p) for p, _, stat in rows)
    assert run(two_years, warehouse).by_status == {"unchanged": 2} and hashed == []


def test_a_file_edited_between_the_plan_and_its_parse_is_recorded_as_parsed(
    two_years: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The stat is noted before the parser reads the file, so an edit in between shows in the next run's stat:
    that run hashes the file again, finds the bytes it loaded, and leaves them."""
    monkeypatch.setattr(incremental, "RACY_SECONDS", -3600)
    edited = two_years / "2025" / "tianhe-sfj.txt"
    parse = load_run.parsed_batches

    def edit_then_parse(*args: object, **kwargs: object) -> object:
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text.replace("更新购置设备", "更新并购置设备"), encoding="utf-8")
        return parse(*args, **kwargs)

    monkeypatch.setattr(load_run, "parsed_batches", edit_then_parse)
    run(two_years, warehouse)
    monkeypatch.setattr(load_run, "parsed_batches", parse)
    sha, stat = query(warehouse, "SELECT source_sha256, source_stat FROM load_log WHERE budget_year = 2025")[0]
    assert sha == hashlib.sha256(edited.read_bytes()).hexdigest() and stat != incremental.stat_key(str(edited))
    assert run(two_years, warehouse).by_status == {"unchanged": 2}
    edited_goals = "SELECT budget_year FROM fact_project_budget WHERE goal_text LIKE '%更新并购置设备%'"
    assert query(warehouse, edited_goals) == [(2025,)]


def test_a_file_changed_within_racy_seconds_is_always_hashed(tmp_path: Path) -> None:
    fresh = tmp_path / "t.txt"
    fresh.write_text("x", encoding="utf-8")
    assert incremental.stat_key(str(fresh)) is None  # just written: its timestamp may not move on the next edit
    assert incremental.stat_key(str(fresh), now=fresh.stat().st_ctime + 60) is not None
    assert incremental.stat_key(str(tmp_path / "missing.txt")) is None


def test_changing_one_file_reloads_only_that_one(two_years: Path, warehouse: Path) -> None:
    run(two_years, warehouse)
    changed = two_years / "2025" / "tianhe-sfj.txt"
    text = changed.read_text(encoding="utf-8")
    changed.write_text(text.replace("更新购置设备", "更新并购置设备"), encoding="utf-8")
    report = run(two_years, warehouse)
    assert report.outcome == "succeeded" and report.n_skipped == 1
    assert sorted((Path(r.path).parent.name, r.status) for r in report.results) == [
        ("2024", "unchanged"),
        ("2025", "replaced"),
    ]
    assert query(
        warehouse,
        "SELECT l.budget_year, l.status FROM load_run_file f JOIN load_log l USING (load_id) WHERE f.run_id = ?",
        [report.run_id],
    ) == [(2025, "loaded")]
    assert query(
        warehouse, "SELECT n_loaded, n_replaced, n_unchanged FROM load_run WHERE run_id = ?", [report.run_id]
    ) == [(0, 1, 1)]


def test_disappeared_file_is_noted_then_pruned_on_request(two_years: Path, warehouse: Path) -> None:
    run(two_years, warehouse)
    gone = two_years / "2025" / "tianhe-sfj.txt"
    gone.unlink()
    noted = run(two_years, warehouse)
    assert noted.disappeared == [str(gone)] and noted.outcome == "unchanged"
    assert query(warehouse, "SELECT count(DISTINCT budget_year) FROM fact_project_budget") == [(2,)]
    pruned = run(two_years, warehouse, prune_disappeared=True)
    assert pruned.pruned == [str(gone)] and pruned.outcome == "succeeded"
    assert query(warehouse, "SELECT DISTINCT budget_year FROM fact_project_budget") == [(2024,)]
    assert query(warehouse, "SELECT status, message FROM load_log WHERE source_path = ?", [str(gone)]) == [
        ("superseded", f"source file disappeared; facts pruned by run {pruned.run_id}")
    ]
    assert query(warehouse, "SELECT n_disappeared, n_pruned FROM load_run WHERE run_id = ?", [pruned.run_id]) == [
        (1, 1)
    ]


def test_a_missing_source_folder_fails_the_run_and_is_recorded(tmp_path: Path, warehouse: Path) -> None:
    with pytest.raises(SourceMissing):
        run(tmp_path / "not-mounted", warehouse)
    [(outcome, message, finished)] = query(warehouse, "SELECT outcome, message, finished_at FROM load_run")
    assert outcome == "failed" and "not-mounted" in message and finished is not None


def test_a_year_option_is_not_skipped_as_a_known_refusal(tmp_path: Path, sample_path: Path, warehouse: Path) -> None:
    loose = tmp_path / "loose" / "table.txt"
    loose.parent.mkdir()
    shutil.copy(sample_path, loose)
    first = run(loose.parent, warehouse)
    assert first.by_status == {"refused": 1} and first.exit_code == 3
    second = run(loose.parent, warehouse)
    assert second.n_skipped == 1 and second.by_status == {"refused": 1} and second.outcome == "unchanged"
    with_year = run(loose.parent, warehouse, year=2024)
    assert with_year.by_status == {"loaded": 1}


def test_published_copy_carries_the_history(sample_copy: Path, warehouse: Path) -> None:
    report = run(sample_copy, warehouse)
    con = connect(warehouse, read_only=True)  # the analysts' copy
    try:
        assert con.execute("SELECT run_id, outcome FROM load_run").fetchall() == [(report.run_id, "succeeded")]
        assert con.execute("SELECT loaded_by_run_id FROM v_load_status").fetchall() == [(report.run_id,)]
    finally:
        con.close()


def test_line_progress_for_logs(two_years: Path, warehouse: Path) -> None:
    out = io.StringIO()
    with progress.reporting(progress.LineSink(out)):
        run(two_years, warehouse, batch_size=1)
    lines = out.getvalue().splitlines()
    assert [line.split(",")[0] for line in lines] == ["jixiao load: 1/2 files", "jixiao load: 2/2 files"]
    assert "132 rows" in lines[0]


def test_line_progress_to_a_reader_gone_never_fails_the_load(two_years: Path, warehouse: Path) -> None:
    """A log reader that went away (a broken pipe) or a closed stream: the lines stop, the load goes on and succeeds."""

    class Gone(io.StringIO):
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

    closed = io.StringIO()
    closed.close()
    for stream in (Gone(), closed):
        sink = progress.LineSink(stream)
        with progress.reporting(sink):
            report = run(two_years, warehouse, batch_size=1, full=True)
        assert report.exit_code == 0 and sink.stream is None


def test_cli_json_and_quiet(two_years: Path, warehouse: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["load", str(two_years), "-w", str(warehouse), "--no-prefect", "--json"])
    assert first.exit_code == 0, first.output
    doc = json.loads(first.stdout)
    assert (doc["outcome"], doc["n_loaded"], len(doc["files"]), len(doc["checks"])) == (
        "succeeded",
        2,
        2,
        len(load_checks()),
    )
    quiet = runner.invoke(app, ["load", str(two_years), "-w", str(warehouse), "--no-prefect", "--quiet"])
    assert (quiet.exit_code, quiet.stdout) == (0, "")
    shown = runner.invoke(app, ["runs", "-w", str(warehouse)])
    assert shown.exit_code == 0 and "unchanged" in shown.stdout and "succeeded" in shown.stdout


def test_a_corrected_file_that_drops_a_project_reloads(sample_copy: Path, warehouse: Path) -> None:
    run(sample_copy.parent.parent, warehouse)
    lines = sample_copy.read_text(encoding="utf-8").split("\n")
    sample_copy.write_text("\n".join(x for x in lines if not x.startswith("业务装备购置经费")), encoding="utf-8")
    report = run(sample_copy.parent.parent, warehouse)
    assert report.by_status == {"replaced": 1}
    assert query(warehouse, "SELECT count(*) FROM fact_project_budget") == [(21,)]
    assert query(warehouse, "SELECT count(*) FROM dim_project WHERE project_name = '业务装备购置经费'") == [(0,)]


def test_an_emptied_folder_prunes_nothing(tmp_path: Path, sample_path: Path, warehouse: Path) -> None:
    """An empty mount point must not look like every table withdrawn (review finding)."""
    mount = tmp_path / "mnt"
    (mount / "2024").mkdir(parents=True)
    (mount / "2024" / "t.txt").write_bytes(sample_path.read_bytes())
    run_load([str(mount)], str(warehouse))
    (mount / "2024" / "t.txt").unlink()
    report = run_load([str(mount)], str(warehouse), prune_disappeared=True)
    assert report.disappeared == [] and report.pruned == []
    con = connect(warehouse, read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM fact_project_budget").fetchone() == (22,)
    finally:
        con.close()


@pytest.mark.parametrize("spelling", ["slash", "dot", "relative"])
def test_a_root_spelled_otherwise_still_notes_its_disappeared_file(
    tmp_path: Path, sample_path: Path, warehouse: Path, spelling: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Discovered files are compared with the roots as strings (etl.load.incremental._roots_with_files): a root
    given with a trailing slash, a ./ or relative to the working folder still holds its files."""
    mount = tmp_path / "mnt"
    for name in ("a.txt", "b.txt"):
        (mount / "2024").mkdir(parents=True, exist_ok=True)
        (mount / "2024" / name).write_bytes(sample_path.read_bytes().replace("天河区司法局".encode(), name.encode()))
    monkeypatch.chdir(tmp_path)
    root = {"slash": f"{mount}/", "dot": f"{mount}/./", "relative": "mnt"}[spelling]
    run_load([root], str(warehouse))
    (mount / "2024" / "a.txt").unlink()
    report = run_load([root], str(warehouse))
    assert report.disappeared == [str(mount / "2024" / "a.txt")]


def test_workers_parse_one_batch_that_loads_in_one_transaction(
    two_years: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --workers 2 a batch is parsed in two processes and still written by one load_batch (one transaction)."""
    calls = []
    real = load_run.load_batch
    monkeypatch.setattr(load_run, "load_batch", lambda *a, **k: calls.append(len(a[1].tables)) or real(*a, **k))
    report = run_load([str(two_years)], str(warehouse), workers=2)
    assert calls == [2]
    assert report.by_status == {"loaded": 2}
    assert query(warehouse, "SELECT count(DISTINCT run_id), count(*) FROM load_run_file") == [(1, 2)]
    assert query(warehouse, "SELECT count(*) FROM fact_target") == [(220,)]


def test_workers_ignore_an_etl_folder_in_the_working_directory(two_years: Path, tmp_path: Path) -> None:
    """Started from a folder holding an ``etl`` package (another checkout of jixiao, say), the parsing workers'
    fork server and the watchdog import the installed jixiao, not that folder (python -c/-m put the working
    directory first on sys.path: the fork server preloaded the other package and the workers crashed)."""
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "etl").mkdir(parents=True)
    marker = tmp_path / "imported"
    (elsewhere / "etl" / "__init__.py").write_text(f"open({str(marker)!r}, 'a').write('imported')\n")
    jixiao = Path(sys.executable).parent / "jixiao"
    warehouse = tmp_path / "w" / "jixiao.duckdb"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    done = subprocess.run(
        [str(jixiao), "load", str(two_years), "-w", str(warehouse), "--workers", "2", "--json"],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["n_loaded"] == 2
    assert not marker.exists()


def test_parsing_workers_run_below_the_loaders_priority() -> None:
    """The loader writes one batch at a time and is the critical path: its workers take the CPU it leaves."""
    pool = batches.worker_pool(2)
    niceness = {pool.submit(os.nice, 0).result(timeout=60) for _ in range(4)}
    assert niceness == {min(os.nice(0) + batches.WORKER_NICENESS, 19)}


def test_a_worker_that_may_not_lower_its_priority_still_parses(monkeypatch: pytest.MonkeyPatch) -> None:
    """An exception in the pool's initializer would break the pool: a sandbox refusing nice() must not stop a load."""

    def refused(_: int) -> int:
        raise PermissionError("not allowed here")

    monkeypatch.setattr(batches.os, "nice", refused)
    handler = signal.getsignal(signal.SIGINT)
    try:
        batches._yield_to_the_loader()
    finally:  # it ignores Ctrl-C, as a worker does: not for the tests after this one (tests/test_interrupt.py)
        signal.signal(signal.SIGINT, handler)


def test_the_worker_pool_starts_while_the_run_plans_only_for_files_it_has_not_seen(
    two_years: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fork server's imports overlap the hashing of a first load; a re-run over the same files starts nothing."""
    told: list[tuple[int, int]] = []
    monkeypatch.setattr(load_run, "start_workers", lambda workers, n: told.append((workers, n)))
    run_load([str(two_years)], str(warehouse), workers=2)
    run_load([str(two_years)], str(warehouse), workers=2)
    run_load([str(two_years)], str(warehouse), workers=2, full=True)
    assert told == [(2, 2), (2, 0), (2, 2)]
    pools: list[int] = []
    monkeypatch.setattr(batches, "worker_pool", pools.append)
    for n_files in (0, 1, 2):
        batches.start_workers(2, n_files)
    batches.start_workers(1, 500)
    assert pools == [2]


def test_a_load_keeps_older_objects_out_of_full_collections() -> None:
    """While a load runs, what existed before it is frozen (no full rescans) and the young generation is collected
    less often; garbage made before the load is collected, not frozen, and so is garbage made during it."""

    class Node:
        def __init__(self) -> None:
            self.me = self  # a cycle: only the cyclic collector frees it

    thresholds = gc.get_threshold()
    kept, dropped = Node(), Node()
    dropped_ref = weakref.ref(dropped)
    del dropped
    with batches.older_objects_frozen():
        assert dropped_ref() is None  # garbage before the load: collected, never frozen
        assert gc.get_freeze_count() > 0 and gc.get_threshold()[0] == 10_000
        younger = Node()
        younger_ref = weakref.ref(younger)
        del younger
        gc.collect()
        assert younger_ref() is None  # made during the load: collected as usual
    assert gc.get_threshold() == thresholds
    assert kept.me is kept


def test_on_batch_gets_each_committed_batch(two_years: Path, warehouse: Path) -> None:
    """The hook the Prefect flow logs batches with: called once per transaction, after it committed."""
    seen: list[list[tuple[str, int | None]]] = []

    def committed(results: list) -> None:
        seen.append([(r.status, r.load_id) for r in results])

    report = run(two_years, warehouse, batch_size=1, on_batch=committed)
    assert seen == [[("loaded", 1)], [("loaded", 2)]] and report.by_status == {"loaded": 2}


def test_a_batch_is_parsed_in_parts_and_the_first_batch_is_one_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With workers, the loader starts writing once the first part per worker is parsed (a first batch of 500 kept
    it waiting while a core idled), and a worker never parses more than PART_FILES files of a batch at once."""
    from concurrent.futures import Future

    files = []
    for n in range(700):
        (path := tmp_path / f"{n:03d}.txt").write_text("", encoding="utf-8")  # refused at once: "empty file"
        files.append(path)
    parts: list[int] = []

    class InlinePool:
        def submit(self, fn: object, part: list[Path], year: int | None) -> Future:
            parts.append(len(part))
            done: Future = Future()
            done.set_result(batches.parse_chunk(part, year))
            return done

    monkeypatch.setattr(batches, "worker_pool", lambda workers: InlinePool())
    got = list(batches.parsed_batches(files, batch_size=500, workers=2))
    assert [len(f) for f, _, _ in got] == [125, 500, 75]
    assert [len(refusals) for _, _, refusals in got] == [125, 500, 75]
    assert [r.path for _, _, refusals in got for r in refusals] == [str(p) for p in files]
    assert parts == [63, 62, 125, 125, 125, 125, 38, 37]
    assert [len(f) for f, _, _ in batches.parsed_batches(files[:3], batch_size=2, workers=2)] == [2, 1]

    parts.clear()  # in one process: batches of batch_size, each parsed PART_FILES files at a time
    real = batches.parse_chunk
    monkeypatch.setattr(batches, "parse_chunk", lambda part, year=None: parts.append(len(part)) or real(part, year))
    got = list(batches.parsed_batches(files, batch_size=500, workers=1))
    assert [len(f) for f, _, _ in got] == [500, 200] and parts == [125, 125, 125, 125, 125, 75]
    assert [r.path for _, _, refusals in got for r in refusals] == [str(p) for p in files]


def test_a_batch_and_a_part_hold_a_bounded_number_of_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder of large tables gets fewer to a transaction and to a worker's part: the loader's frames grow with the
    bytes parsed. A file larger than the limit has a run of its own; one too large to read counts for nothing."""
    sizes = [40, 40, 40, 100, 10, 10, 10, 10, 0]
    files = []
    for n, size in enumerate(sizes):
        (path := tmp_path / f"{n}.txt").write_bytes(b"x" * size)
        files.append(path)
    assert [[int(p.stem) for p in run] for run in batches.runs(files, 3, 100)] == [
        [0, 1],
        [2],
        [3],
        [4, 5, 6],
        [7, 8],
    ]
    monkeypatch.setattr(batches, "MAX_FILE_BYTES", 99)  # file 3 is refused unread: it weighs nothing
    assert [len(run) for run in batches.runs(files, 10, 100)] == [2, 7]
    monkeypatch.undo()

    monkeypatch.setattr(batches, "BATCH_BYTES", 100)
    monkeypatch.setattr(batches, "PART_BYTES", 50)
    got = list(batches.parsed_batches(files, batch_size=500, workers=1))
    assert [[int(p.stem) for p in f] for f, _, _ in got] == [[0, 1], [2], [3], [4, 5, 6, 7, 8]]
    assert [r.path for _, _, refusals in got for r in refusals] == [str(p) for p in files]


def test_a_batch_that_runs_out_of_memory_is_written_again_with_more(
    two_years: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loader's small DuckDB memory limit (writer.MEMORY_FLOOR_MB) costs a batch that outgrows it another try
    with the floor doubled, not the load: a failed try is rolled back whole, the one that succeeds writes what a
    load with room writes, and the next batches keep the floor reached."""
    from etl.load import writer

    roomy = run(two_years, tmp_path / "roomy.duckdb", batch_size=1)
    tries: list[str] = []
    real = writer._planned_and_written

    def tried(*args: object) -> object:
        try:
            out = real(*args)
        except Exception as exc:
            tries.append(type(exc).__name__)
            raise
        tries.append("written")
        return out

    monkeypatch.setattr(writer, "MEMORY_FLOOR_MB", 1)
    monkeypatch.setattr(writer, "_planned_and_written", tried)
    tight = run(two_years, tmp_path / "tight.duckdb", batch_size=1)
    doublings = tries.index("written")
    assert doublings >= 1 and set(tries[:doublings]) == {"OutOfMemoryException"}
    assert tries[doublings:] == ["written", "written"]  # the second batch started with the floor the first reached
    assert (tight.outcome, tight.by_status) == (roomy.outcome, roomy.by_status) == ("succeeded", {"loaded": 2})
    assert numbered(tmp_path / "tight.duckdb") == numbered(tmp_path / "roomy.duckdb")


def numbered(warehouse: Path) -> dict[str, list[tuple]]:
    """Every row of every table but the run history, each load_id and project_id replaced by its rank: a
    rolled-back try has drawn numbers from the sequences, which DuckDB does not give back."""
    from tests.test_load import TABLES

    ranks = {
        "load_id": "(SELECT count(*) FROM load_log x WHERE x.load_id <= t.load_id) AS load_id",
        "project_id": "(SELECT count(*) FROM dim_project x WHERE x.project_id <= t.project_id) AS project_id",
    }
    out = {}
    for table in TABLES:
        sql = f"SELECT column_name FROM duckdb_columns() WHERE table_name = '{table}'"
        columns = {c for (c,) in query(warehouse, sql)}
        replaced = [rank for name, rank in ranks.items() if name in columns]
        replace = f" REPLACE ({', '.join(replaced)})" if replaced else ""
        # loaded_at is the clock's; source_stat is left empty for a file changed within RACY_SECONDS of the run
        # (etl.load.incremental), so a comparison of two runs over new files depended on how soon each ran
        exclude = " EXCLUDE (loaded_at, source_stat)" if "loaded_at" in columns else ""
        out[table] = query(warehouse, f"SELECT *{exclude}{replace} FROM {table} t ORDER BY ALL")
    return out


def test_the_final_checkpoint_that_runs_out_of_memory_is_run_again_with_more() -> None:
    """The batches are committed when the load's checkpoint runs: out of memory under the load's limit, it runs
    again under DuckDB's own."""
    import duckdb

    class Connection:
        def __init__(self) -> None:
            self.statements: list[str] = []

        def execute(self, sql: str) -> None:
            self.statements.append(sql)
            if sql == "CHECKPOINT" and self.statements.count(sql) == 1:
                raise duckdb.OutOfMemoryException("could not allocate block")

    con = Connection()
    load_run._end_bulk_load(con)  # type: ignore[arg-type]
    assert con.statements == [
        "RESET threads", "CHECKPOINT", "RESET memory_limit", "CHECKPOINT", "RESET memory_limit",
        "RESET checkpoint_threshold",
    ]


def test_the_mmap_threshold_is_set_where_the_c_library_allows_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """batches.fixed_mmap_threshold calls glibc's mallopt(M_MMAP_THRESHOLD, 4 MiB) (here: glibc), and is a no-op
    where the C library has no mallopt, never an error at import."""
    import ctypes

    from etl.load import batches

    calls: list[tuple[int, int]] = []

    class Function:  # a C function as ctypes gives it: argtypes may be set
        argtypes: list | None = None

        def __call__(self, param: int, value: int) -> int:
            calls.append((param, value))
            return 1

    class Libc:
        mallopt = Function()

    monkeypatch.setattr(ctypes, "CDLL", lambda name: Libc())
    batches.fixed_mmap_threshold()
    assert calls == [(batches.M_MMAP_THRESHOLD, 4 << 20)]

    def no_library(name: object) -> object:
        raise OSError("no C library here")

    monkeypatch.setattr(ctypes, "CDLL", no_library)
    batches.fixed_mmap_threshold()  # nothing raised


def test_the_name_caches_hold_no_name_after_a_batch(two_years: Path, warehouse: Path) -> None:
    """The loader's name caches serve one batch: after a load none of its names is held (over 10,000 tables they
    held every name of the history, the loader's memory growth from S to L)."""
    from etl import text
    from etl.load import names

    seen: list[int] = []
    report = run(two_years, warehouse, batch_size=1, on_batch=lambda _: seen.append(names.normalised.cache_info()[3]))
    assert [r.status for r in report.results] == ["loaded", "loaded"]
    assert seen == [0, 0]  # emptied before the batch hook ran, batch after batch
    cached = (names.normalised, names.distinctive, names.without_funding_word, text.folded)
    assert [c.cache_info().currsize for c in cached] == [0, 0, 0, 0]
    assert query(warehouse, "SELECT count(DISTINCT project_id), count(*) FROM fact_project_budget") == [(22, 44)]
