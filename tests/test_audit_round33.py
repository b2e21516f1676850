"""Round 33's hunt of the audit's rules: wrong findings, each planted in a copy of the real sample
(data/raw/2024/tianhe-sfj.txt) the way a filer would print it, loaded into a real warehouse and compared with the
sample's own findings: exactly the expected findings are added (or taken away), and clean neighbours add none."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from etl.load.run import run_load
from tests.paths import SAMPLE

# a planted case: (project line, printed text to replace, or None to append `new` as the line's last indicator,
# the replacement, the findings it adds as (rule_id, severity, seq); a rule id starting with - is one it takes away)
Plant = tuple[str, str | None, str, list[tuple[str, str, int | None]]]


def _findings(warehouse: Path) -> set[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return set(
            con.execute("select rule_id, severity, project_name, seq, indicator_name, message from v_target_audit")
            .fetchall()
        )  # fmt: skip


def _plant(text: str, project: str, old: str | None, new: str) -> str:
    lines = text.split("\n")
    [at] = [i for i, line in enumerate(lines) if line.startswith(project + "\t")]
    line = lines[at]
    if old is None:
        body, tail = (line[:-4], "</p>") if line.endswith("</p>") else (line, "")
        lines[at] = body + new + tail
    else:
        assert line.count(old) == 1, (project, old)
        lines[at] = line.replace(old, new)
    return "\n".join(lines)


def _load(root: Path, plants: list[Plant]) -> Path:
    target = root / "raw" / "2024" / SAMPLE.name
    target.parent.mkdir(parents=True)
    text = SAMPLE.read_text(encoding="utf-8")
    for project, old, new, _ in plants:
        text = _plant(text, project, old, new)
    target.write_text(text, encoding="utf-8")
    warehouse = root / "wh.duckdb"
    run_load([root / "raw"], warehouse)
    return warehouse


@pytest.fixture(scope="module")
def sample_findings(tmp_path_factory: pytest.TempPathFactory) -> set[tuple]:
    root = tmp_path_factory.mktemp("round33-sample")
    (root / "raw" / "2024").mkdir(parents=True)
    shutil.copy(SAMPLE, root / "raw" / "2024" / SAMPLE.name)
    run_load([root / "raw"], root / "wh.duckdb")
    return _findings(root / "wh.duckdb")


def _check(tmp_path: Path, sample_findings: set[tuple], plants: list[Plant]) -> list[tuple]:
    """Load the plants; the findings they add and take away must be exactly the expected ones. Returns the added
    rows (rule_id, severity, project, seq, name, message) for the messages to be read."""
    after = _findings(_load(tmp_path, plants))

    def keyed(rows: set[tuple]) -> set[tuple]:
        return {(r, s, p, q) for r, s, p, q, *_ in rows}

    added = {(r, s, p, q) for p, _, _, expected in plants for r, s, q in expected if not r.startswith("-")}
    removed = {(r[1:], s, p, q) for p, _, _, expected in plants for r, s, q in expected if r.startswith("-")}
    assert keyed(after) - keyed(sample_findings) == added
    assert keyed(sample_findings) - keyed(after) == removed
    return sorted(after - sample_findings, key=str)


# 1. a cost saved (节约, 减免, 降低 … a cost: lower_is_better_exceptions.csv) is a floor, not a cost floored
COST_SAVED: list[Plant] = [
    ("区管退休干部节日慰问经费", None,
     "5、1-产出指标：11-数量指标：节约运维成本；实施周期指标值:≥2万元；年度指标值:≥2万元。", []),
    ("法律援助补贴和业务经费", None,
     "12、2-效益指标：21-经济效益指标：为受援群众减免法律服务费用；实施周期指标值:≥50万元；年度指标值:≥50万元。", []),
    ("行政复议应诉经费", None,
     "5、2-效益指标：21-经济效益指标：降低当事人诉讼费用；实施周期指标值:≥10万元；年度指标值:≥10万元。", []),
    # the neighbour: a cost floored is still an error
    ("律师管理业务经费", None,
     "6、1-产出指标：11-数量指标：设备运维成本；实施周期指标值:≥2万元；年度指标值:≥2万元。",
     [("direction_suspicious", "error", 6)]),
]  # fmt: skip


def test_a_cost_saved_is_no_cost_floored(tmp_path: Path, sample_findings: set[tuple]) -> None:
    _check(tmp_path, sample_findings, COST_SAVED)
