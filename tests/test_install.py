"""An install that works anywhere: the wheel carries the SQL, migrations, CSVs and templates and no
generator code; installed without -e into a fresh venv, `jixiao db upgrade | load | report | runs` work from
an unrelated folder once the source copy the wheel was built from is gone.

The fresh venv borrows the test venv's dependencies through a path file (no downloads); path files are not
read inside a borrowed folder, so the test venv's editable jixiao stays out and `etl` comes from the wheel."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow
GENERATORS = ("tools/", "synth", "prior_year", "identity_accuracy", "tests/", "bench/")
# a checkout's local state, not source: never copied (bench/corpus can be hundreds of MB)
LOCAL = {".venv", ".git", "warehouse", "out", "build", "jixiao.egg-info", "data/generated", "bench/corpus"}


def skip(folder: str, names: list[str]) -> set[str]:
    here = Path(folder).relative_to(PROJECT_ROOT)
    return {n for n in names if n == "__pycache__" or (here / n).as_posix() in LOCAL}


def build_wheel(tmp: Path) -> Path:
    source = tmp / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=skip)
    dist = tmp / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check", ".", "-w", dist],
        cwd=source,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    shutil.rmtree(source)  # nothing may be read from the tree the wheel came from
    [wheel] = dist.glob("jixiao-*.whl")
    return wheel


def fresh_venv(tmp: Path, wheel: Path) -> Path:
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    [site] = (venv / "lib").glob("python3*/site-packages")
    (site / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            venv / "bin" / "python",
            "install",
            "--no-deps",
            "--no-index",
            "--quiet",
            "--disable-pip-version-check",
            wheel,
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return venv


def test_wheel_contents_and_an_install_that_works_anywhere(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    for view in (PROJECT_ROOT / "sql" / "views").glob("*.sql"):
        assert f"etl/sql/views/{view.name}" in names
    for revision in (PROJECT_ROOT / "migrations" / "versions").glob("*.py"):
        assert f"etl/migrations/versions/{revision.name}" in names
    for required in (
        "etl/migrations/env.py",
        "etl/sql/macros/fold_key.sql",
        "etl/sql/checks/totals_reconcile.sql",
        "etl/extract/columns.csv",
        "etl/transform/indicator_types.csv",
        "etl/transform/indicator_type_aliases.csv",
        "etl/report/templates/report.html.j2",
    ):
        assert required in names
    assert [n for n in names if any(g in n for g in GENERATORS)] == []

    venv = fresh_venv(tmp_path, wheel)
    work = tmp_path / "elsewhere"
    (work / "raw" / "2024").mkdir(parents=True)
    shutil.copy(PROJECT_ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt", work / "raw" / "2024")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIXIAO_", "PYTHON"))}
    env |= {"PREFECT_HOME": str(tmp_path / "prefect"), "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120"}
    env |= {"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_LEVEL": "WARNING"}

    def jixiao(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [venv / "bin" / "jixiao", *args], cwd=work, env=env, capture_output=True, text=True, timeout=600
        )

    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import etl; print(etl.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(venv)), where
    report = ["report", "--department", "广州市天河区司法局", "--from", "2023", "--to", "2024"]

    steps = [
        (["db", "upgrade"], 0),
        (["load", "raw/2024", "--prefect"], 0),  # through Prefect (a temporary server: no PREFECT_API_URL)
        ([*report], 2),  # one year only: nothing to compare
    ]
    for args, code in steps:
        done = jixiao(*args)
        assert done.returncode == code, (args, done.stdout, done.stderr)
        assert "Traceback" not in done.stderr
    shutil.copytree(work / "raw" / "2024", work / "raw" / "2023")
    for args, code in ([["load", "raw"], 0], [report, 0], [["runs"], 0]):  # the default: no server, no Prefect
        done = jixiao(*args)
        assert done.returncode == code, (args, done.stdout, done.stderr)
    assert (work / "warehouse" / "jixiao.duckdb").is_file()
    assert sorted(p.suffix for p in (work / "out").iterdir()) == [".html", ".md", ".xlsx"]
    assert "succeeded" in done.stdout
