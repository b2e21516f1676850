"""What `jixiao load` does by default: a Prefect flow run only when PREFECT_API_URL names a server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from etl.cli.run_output import wants_prefect

ROOT = Path(__file__).resolve().parents[1]

# Runs the CLI in a fresh interpreter and says which of the heavy modules it imported.
PROBE = """
import json, sys
from etl.cli.app import app
try:
    app(sys.argv[1:], standalone_mode=False)
finally:
    print(json.dumps({"prefect": "prefect" in sys.modules, "pydantic": "pydantic" in sys.modules}), file=sys.stderr)
"""


@pytest.mark.parametrize(
    ("flag", "url", "expected"),
    [
        (None, "", False),
        (None, "  ", False),
        (None, "http://127.0.0.1:4200/api", True),
        (True, "", True),
        (False, "http://127.0.0.1:4200/api", False),
    ],
)
def test_flow_run_only_with_a_server_or_when_asked(
    monkeypatch: pytest.MonkeyPatch, flag: bool | None, url: str, expected: bool
) -> None:
    monkeypatch.setenv("PREFECT_API_URL", url)
    assert wants_prefect(flag) is expected


def test_default_load_without_a_server_never_imports_prefect(sample_copy: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path / "prefect-home")  # an unset profile URL too
    warehouse = tmp_path / "w" / "jixiao.duckdb"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "load", str(sample_copy), "-w", str(warehouse), "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["outcome"], report["n_loaded"], report["n_projects"], report["n_targets"]) == (
        "succeeded",
        1,
        22,
        110,
    )
    assert report["flow_run_id"] is None
    # nor pydantic: Typer 0.29 coerced every parameter through a pydantic TypeAdapter (0.1-0.2 s of its import and
    # 0.19 s of a report's profile); 0.28, pinned, reads them itself
    assert json.loads(done.stderr.strip().splitlines()[-1]) == {"prefect": False, "pydantic": False}


def test_the_cli_freezes_its_objects_as_the_process_exits() -> None:
    """The interpreter's final collection then skips them (a no-op load over L exits 0.24 s sooner): checked by an
    exit handler registered before the CLI's, so it runs after it."""
    code = "import atexit, gc; atexit.register(lambda: print(gc.get_freeze_count() > 0)); import etl.cli.app"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "True"
