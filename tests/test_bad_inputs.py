"""Every bad input ends in a loaded table, a rejects row or a refused file with a reason; never a traceback.

The corpus (tests/bad_inputs.py) is built from the real sample: truncations, junk, empty files, wrong
encodings, missing and extra columns, bad amounts, totals that disagree, duplicate projects, enormous
cells; then hypothesis mutates the sample's bytes. Loading them all beside the real table must leave
the real table's facts intact.
"""

from __future__ import annotations

import shutil
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from etl.cli.app import app
from etl.load.run import run_load
from etl.model import Refusal, SourceTable
from etl.transform.frames import to_frames
from etl.transform.pipeline import run_file
from etl.warehouse.connect import connect
from tests.bad_inputs import SAMPLE, all_cases

CASES = all_cases()
INTERNAL = "internal error"


def outcome(result: SourceTable | Refusal) -> str:
    if isinstance(result, Refusal):
        assert result.reason and INTERNAL not in result.reason, result.reason
        return "refused"
    to_frames([result])  # what the loader gets must build, too
    return "rejects" if result.rejects else "loaded"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bad")
    for _, rel, data in CASES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / "2024" / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    return root


EXPECTED = {
    "missing-total-column": "refused",
    "unreadable-grand-total": "refused",
    "no-year-folder": "refused",
    "missing-indicator-column": "loaded",
    "extra-header-column": "loaded",
    "totals-disagree": "loaded",
    "extra-cell-in-row": "rejects",
    "non-numeric-amount": "rejects",
    "negative-amount": "rejects",
    "huge-amount": "rejects",
    "duplicate-project": "rejects",
    "row-without-name": "rejects",
    "broken-indicator": "rejects",
    "enormous-cell": "rejects",
    "enormous-indicator-cell": "rejects",
}


@pytest.mark.parametrize(("name", "rel"), [(n, r) for n, r, _ in CASES])
def test_case_has_an_outcome_with_a_reason(name: str, rel: str, corpus: Path) -> None:
    result = run_file(corpus / rel)
    got = outcome(result)
    assert got == EXPECTED.get(name, got)
    if name.startswith(("truncated", "junk", "empty", "utf", "big5", "xlsx-")):
        assert got == "refused", (name, result)


def test_whole_corpus_loads_beside_the_real_table(corpus: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "wh" / "w.duckdb"
    summary = run_load([corpus], warehouse, year=None)
    by_path = {Path(r.path).name: r for r in summary.results}
    assert by_path[SAMPLE.name].status == "loaded"
    con = connect(warehouse, read_only=True)
    try:
        real = con.execute(
            "SELECT count(*), sum(total_yuan) FROM fact_project_budget WHERE department_name = '广州市天河区司法局'"
        ).fetchone()
        targets = con.execute(
            "SELECT count(*) FROM fact_target JOIN load_log l USING (load_id) "
            "WHERE l.department_name = '广州市天河区司法局'"
        ).fetchone()
        refused = dict(con.execute("SELECT source_path, message FROM load_log WHERE status = 'refused'").fetchall())
        rejected = {r[0] for r in con.execute("SELECT DISTINCT source_path FROM load_reject").fetchall()}
    finally:
        con.close()
    assert real == (22, Decimal("14853400.00")) and targets == (110,)
    for r in summary.results:
        if r.status == "refused":
            assert refused[r.path] and INTERNAL not in refused[r.path]
        elif r.n_rejects:
            assert r.path in rejected
    counts = Counter(r.status for r in summary.results)
    assert counts["loaded"] + counts["refused"] == len(CASES) + 1


def test_check_command_never_tracebacks(corpus: Path) -> None:
    result = CliRunner().invoke(app, ["check", str(corpus)])
    assert result.exit_code == 3
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output.count("REFUSED") >= sum(1 for n in EXPECTED.values() if n == "refused")


_SAMPLE_BYTES = SAMPLE.read_bytes()
_NOISE = st.sampled_from(
    [
        b"\t",
        b"\n",
        b"\r\n",
        "合计".encode(),
        "、".encode(),
        "：".encode(),
        b"-",
        b",",
        b"1",
        "。".encode(),
        b"<p>",
        b"\x00",
        b"\xff",
        b'"',
        b"|",
        "万元".encode(),
        b"9" * 30,
    ]
)


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = _SAMPLE_BYTES
    for _ in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(data)))
        j = draw(st.integers(i, min(len(data), i + 400)))
        kind = draw(st.sampled_from(["delete", "insert", "replace", "truncate", "duplicate"]))
        if kind == "delete":
            data = data[:i] + data[j:]
        elif kind == "insert":
            data = data[:i] + draw(st.one_of(_NOISE, st.binary(max_size=20))) + data[i:]
        elif kind == "replace":
            data = data[:i] + draw(_NOISE) * draw(st.integers(1, 5)) + data[j:]
        elif kind == "truncate":
            data = data[:i]
        else:
            data = data[:j] + data[i:j] + data[j:]
    return data


PROPERTY_EXAMPLES = 300


@settings(max_examples=PROPERTY_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated(), suffix=st.sampled_from([".txt", ".csv", ".psv", ".html"]))
def test_mutated_sample_never_crashes(data: bytes, suffix: str, tmp_path: Path) -> None:
    path = tmp_path / "2024" / f"mutant{suffix}"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    outcome(run_file(path))


@pytest.mark.slow
def test_mutants_load_beside_the_real_table(tmp_path: Path) -> None:
    """A fixed set of mutants (hypothesis' find, replayed) in one batch with the real table."""
    folder = tmp_path / "raw" / "2024"
    folder.mkdir(parents=True)
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    examples: list[bytes] = []

    @settings(max_examples=25, deadline=None, database=None)
    @given(mutated())
    def collect(data: bytes) -> None:
        examples.append(data)

    collect()
    for n, data in enumerate(examples):
        text = data.replace("广州市天河区司法局".encode(), f"变异{n}".encode())
        (folder / f"mutant-{n}.txt").write_bytes(text)
    summary = run_load([folder], tmp_path / "wh" / "w.duckdb")
    assert {r.status for r in summary.results} <= {"loaded", "refused"}
    assert all(INTERNAL not in r.message for r in summary.results)
    con = connect(tmp_path / "wh" / "w.duckdb", read_only=True)
    try:
        assert con.execute(
            "SELECT count(*), sum(total_yuan) FROM fact_project_budget WHERE department_name = '广州市天河区司法局'"
        ).fetchone() == (22, Decimal("14853400.00"))
    finally:
        con.close()
