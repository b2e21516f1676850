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


# Every case's outcome, pinned (checked by hand against the case: each refusal and reject is the right
# one for what the case breaks), with a fragment of its reason; "loaded" cases say whether the totals
# reconcile. A new case in tests/bad_inputs.py must be added here (test_every_case_is_pinned).
EXPECTED: dict[str, tuple[str, str]] = {
    "truncated-0.05": ("refused", "truncated mid-row"),
    "truncated-0.2": ("refused", "truncated mid-row"),
    "truncated-0.33": ("refused", "truncated mid-row"),
    "truncated-0.5": ("refused", "truncated mid-row"),
    "truncated-0.61": ("refused", "truncated mid-row"),
    "truncated-0.75": ("refused", "truncated mid-row"),
    "truncated-0.9": ("refused", "truncated mid-row"),
    "truncated-0.97": ("refused", "truncated mid-row"),
    "truncated-0.999": ("refused", "truncated mid-row"),
    "junk-random": ("refused", "not UTF-8 or GB18030 text"),
    "junk-png": ("refused", "not UTF-8 or GB18030 text"),
    "junk-xlsx": ("refused", "cannot read the xlsx workbook"),
    "junk-zip-xlsx": ("refused", "cannot read the xlsx workbook"),
    "junk-xls": ("refused", "cannot read the xls workbook"),
    "junk-html": ("refused", "not UTF-8 or GB18030 text"),
    "junk-csv": ("refused", "not UTF-8 or GB18030 text"),
    "text-not-a-table": ("refused", "no header row"),
    "html-without-tables": ("refused", "no table with a header row"),
    "html-wrong-tables": ("refused", "no table with a header row"),
    "empty-txt": ("refused", "empty file"),
    "empty-csv": ("refused", "empty file"),
    "empty-xlsx": ("refused", "empty file"),
    "empty-xls": ("refused", "empty file"),
    "empty-html": ("refused", "empty file"),
    "empty-psv": ("refused", "empty file"),
    "blank-lines": ("refused", "empty file"),
    "utf16-bom": ("refused", "UTF-16 text is not supported"),
    "utf16-no-bom": ("refused", "not UTF-8 or GB18030 text"),
    "utf32": ("refused", "UTF-16 text is not supported"),  # its BOM begins like UTF-16's
    "big5": ("refused", "not UTF-8 or GB18030 text"),
    "latin1": ("refused", "no header row"),
    "cp500-ebcdic": ("refused", "no header row"),
    "bom-then-gbk": ("refused", "UTF-8 BOM but invalid UTF-8"),
    "missing-total-column": ("refused", "header row lacks column(s)"),
    "missing-indicator-column": ("loaded", "reconciled"),
    "missing-header": ("refused", "no header row"),
    "extra-header-column": ("loaded", "reconciled"),
    "extra-cell-in-row": ("rejects", "1 cell(s) beyond the header's columns"),
    "non-numeric-amount": ("rejects", "is not a number"),
    "negative-amount": ("rejects", "is negative"),
    "unreadable-grand-total": ("refused", "合计 row"),
    "totals-disagree": ("loaded", "not reconciled"),
    "amount-with-unit-in-cell": ("loaded", "reconciled"),
    "amount-finer-than-fen": ("loaded", "not reconciled"),
    "huge-amount": ("rejects", "is too large"),
    "duplicate-project": ("rejects", "duplicate project"),
    "row-without-name": ("rejects", "row has no project name"),
    "broken-indicator": ("rejects", "no numbered indicator"),
    "enormous-cell": ("rejects", "a cell of 100000 characters exceeds the limit"),
    "enormous-indicator-cell": ("rejects", "a cell of 100027 characters exceeds the limit"),
    "no-department-no-unit": ("refused", "no department"),
    "csv-field-over-limit": ("refused", "CSV cannot be read"),
    "unterminated-csv-quote": ("refused", "truncated mid-row"),
    "xlsx-without-header": ("refused", "no sheet with a header row"),
    "xlsx-truncated": ("refused", "cannot read the xlsx workbook"),
    "no-year-folder": ("refused", "no budget year"),
}


def test_every_case_is_pinned() -> None:
    assert sorted(EXPECTED) == sorted(name for name, _, _ in CASES)


@pytest.mark.parametrize(("name", "rel"), [(n, r) for n, r, _ in CASES])
def test_case_has_its_outcome_and_reason(name: str, rel: str, corpus: Path) -> None:
    result = run_file(corpus / rel)
    expected, fragment = EXPECTED[name]
    assert outcome(result) == expected, (name, result)
    if isinstance(result, Refusal):
        assert fragment in result.reason
    elif result.rejects:
        assert any(fragment in r.reason and r.line_no > 0 and r.raw_text for r in result.rejects), result.rejects
    else:
        assert fragment == ("reconciled" if result.reconciled else "not reconciled")


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
    assert result.output.count("REFUSED") == sum(1 for n in EXPECTED.values() if n[0] == "refused")


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
