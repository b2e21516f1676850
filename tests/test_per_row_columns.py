"""Per-row exports whose sign or unit column has a name the column map lacks (GENERATED from
tests/fixtures/layouts_real/2024/jingyan-per-row.txt with one header cell renamed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.model import GridRow, SourceTable
from etl.transform.pipeline import run_file
from etl.transform.table import infer_target_columns
from tests.paths import PROJECT_ROOT

FIXTURE = PROJECT_ROOT / "tests" / "fixtures" / "layouts_real" / "2024" / "jingyan-per-row.txt"


def _targets(path: Path) -> list[tuple[str, str | None]]:
    table = run_file(path)
    assert isinstance(table, SourceTable), getattr(table, "reason", table)
    return [(i.name, i.annual.text) for p in table.projects for i in p.indicators]


@pytest.mark.parametrize(("printed", "renamed"), [("指标性质", "指标值符号"), ("度量单位", "单位"), ("度量单位", "")])
def test_an_unnamed_sign_or_unit_column_beside_the_value_is_read(tmp_path: Path, printed: str, renamed: str) -> None:
    """指标值符号 before 指标值, 单位 (or nothing) after it: the column was ignored, ≥30公里 loaded as 30公里 or ≥30."""
    text = FIXTURE.read_text(encoding="utf-8")
    path = tmp_path / "2024" / "per-row.txt"
    path.parent.mkdir(parents=True)
    path.write_text(text.replace(printed, renamed, 1), encoding="utf-8")
    assert _targets(path) == _targets(FIXTURE)
    assert ("养护里程", "≥30公里") in _targets(path)


def test_a_column_of_other_words_beside_the_value_is_not_taken_for_the_unit() -> None:
    """正向/反向, 定性/定量 or level names after 指标值, under a name the map lacks, are no unit; a column the map
    names is never re-read."""
    header = ["项目名称", "三级指标", "符号", "指标值", "方向性"]
    positions = {"project_name": 0, "indicator_name": 1, "value": 3}
    for words in (["正向", "反向"], ["定量", "定性"], ["产出指标", "效益指标"]):
        rows = [GridRow(n, ["甲", "乙", "", "30", word]) for n, word in enumerate(words)]
        assert infer_target_columns(header, rows, positions) == positions
    rows = [GridRow(1, ["甲", "乙", "≥", "30", "公里"]), GridRow(2, ["", "丙", "=", "100", "%"])]
    assert infer_target_columns(header, rows, positions) == {**positions, "unit": 4}  # 符号 is in the map


def test_a_value_printed_with_its_sign_keeps_the_unit() -> None:
    """指标性质 ≥ | 指标值 ≥95 | 单位 %: the value cell repeats the sign, and the unit was dropped (≥95)."""
    from etl.transform.per_row import target_text

    assert target_text("≥", "≥95", "%") == "≥95%"
    assert target_text("", "≤24", "小时") == "≤24小时"
    assert target_text("=", "提升", "%") == "提升"
