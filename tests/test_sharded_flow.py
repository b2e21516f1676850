"""A load spread over a Prefect work pool (issue 12): a real Prefect API server and two process workers
on loopback run the sharded deployment (flows/sharded.py) into PostgreSQL; the warehouse must equal a
single-process load of the same GENERATED corpus (tools/synth.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from etl.load.run import run_load
from etl.load.shards import shard_files, shard_of
from flows.prefect_server import prefect_executable, running_server, stop
from tests.paths import PROJECT_ROOT
from tests.test_postgres import _rows, _same
from tools import synth

N_SHARDS = 3
NATURAL = {
    "projects": "SELECT department_name, budget_year, unit_name, printed_name, total_yuan, fiscal_yuan "
    "FROM fact_project_budget",
    "targets": "SELECT b.department_name, t.budget_year, b.printed_name, t.seq, t.indicator_name, "
    "t.annual_target_text FROM fact_target t JOIN fact_project_budget b USING (project_id, budget_year)",
    "identities": "SELECT department_name, count(*) FROM dim_project GROUP BY department_name",
    "yoy": "SELECT department_name, budget_year, printed_name, previous_printed_name, status, change_yuan "
    "FROM v_project_budget_yoy",
    "target_yoy": "SELECT department_name, budget_year, project_name, indicator_name, change FROM v_target_yoy",
    "loads": "SELECT source_path, status FROM load_log",
}


def test_shards_split_by_department(tmp_path: Path) -> None:
    synth.write_corpus(tmp_path, 9, (2023, 2024), 3)
    shards = [shard_files([tmp_path], i, N_SHARDS) for i in range(N_SHARDS)]
    files = sorted(f for s in shards for f in s)
    assert len(files) == len(set(files)) == 18
    for shard in shards:
        for f in shard:  # both years of a department in the same shard
            assert shard_of(f.replace("2023", "2024"), N_SHARDS) == shard_of(f, N_SHARDS)
    with pytest.raises(ValueError):
        shard_files([tmp_path], N_SHARDS, N_SHARDS)


def _python(code: str, env: dict[str, str], timeout: float = 900) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.slow
def test_sharded_load_on_two_workers_equals_one_process(tmp_path: Path, pg_server: object) -> None:
    corpus = tmp_path / "raw"
    synth.write_corpus(corpus, 10, (2023, 2024), 13)
    sharded, single = pg_server.create_database("sharded"), pg_server.create_database("single")
    with running_server(tmp_path / "prefect") as server:
        env = {**server.env, "PREFECT_WORKER_QUERY_SECONDS": "2", "PREFECT_LOGGING_LEVEL": "INFO"}
        subprocess.run(
            [prefect_executable(), "work-pool", "create", "jixiao", "--type", "process"], env=env, check=True
        )
        workers = [
            subprocess.Popen(
                [prefect_executable(), "worker", "start", "--pool", "jixiao", "--name", f"w{i}", "--limit", "2"],
                env=env,
                cwd=PROJECT_ROOT,
                stdout=(tmp_path / f"worker{i}.log").open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            for i in (1, 2)
        ]
        try:
            jixiao = str(Path(sys.executable).with_name("jixiao"))
            deploy = [jixiao, "deploy", str(corpus), "-w", sharded, "--shards", str(N_SHARDS), "--name", "test"]
            subprocess.run(deploy, env=env, cwd=PROJECT_ROOT, check=True, timeout=300)
            out = _python(
                "from prefect.deployments import run_deployment; "
                "run = run_deployment('jixiao-load-sharded/test', timeout=900); print(run.state.name)",
                env,
            )
        finally:
            for w in workers:
                stop(w)
    assert out.strip().splitlines()[-1] == "Completed", out
    for i in (1, 2):  # each worker (at most 2 flow runs at a time, the fan-out is one of them) ran a shard
        assert "Flow run 'shard-" in (tmp_path / f"worker{i}.log").read_text(errors="replace")
    non_empty = len({shard_of(f, N_SHARDS) for f in shard_files([corpus], 0, 1)})
    runs = "SELECT count(DISTINCT flow_run_id) FROM load_run WHERE outcome = 'succeeded'"
    assert _rows(sharded, runs) == [(non_empty,)]  # one recorded run per shard, each its own flow run
    run_load([str(corpus)], single)
    for name, sql in NATURAL.items():
        assert _same(_rows(sharded, sql), _rows(single, sql)), name
    assert _rows(sharded, "SELECT count(*) FROM load_log WHERE status = 'loaded'") == [(20,)]
