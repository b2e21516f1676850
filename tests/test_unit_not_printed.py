"""A table that prints its amount unit nowhere is read in 万元, the default, and says so in its notes; when its
amounts then make the median project 1亿元 or more they are 元, and the table is refused rather than loaded 10,000
times too large (GENERATED: the real sample with its 单位：万元 line removed, and once more in 元)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from etl.model import Refusal, SourceTable
from etl.transform.header import UNIT_NOT_PRINTED
from etl.transform.pipeline import run_file

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "raw" / "2024" / "tianhe-sfj.txt"


def _without_unit_line(tmp_path: Path, in_yuan: bool) -> Path:
    lines = [ln for ln in SAMPLE.read_text(encoding="utf-8").splitlines() if not ln.startswith("单位：")]
    if in_yuan:
        lines = [_amounts_in_yuan(ln) for ln in lines]
    path = tmp_path / "2024" / "GENERATED-no-unit-line.txt"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _amounts_in_yuan(line: str) -> str:
    cells = line.split("\t")
    if len(cells) < 5 or cells[1] == "总计":
        return line
    for i in range(1, 5):
        if cells[i].strip():
            cells[i] = f"{Decimal(cells[i].replace(',', '')) * 10000:,.2f}"
    return "\t".join(cells)


def test_a_table_in_wan_without_its_unit_line_loads_and_says_so(tmp_path: Path) -> None:
    sample = run_file(SAMPLE)
    table = run_file(_without_unit_line(tmp_path, in_yuan=False))
    assert isinstance(sample, SourceTable) and isinstance(table, SourceTable)
    assert table.source_unit == "万元" and UNIT_NOT_PRINTED in table.notes
    assert UNIT_NOT_PRINTED not in sample.notes
    assert [p.amounts for p in table.projects] == [p.amounts for p in sample.projects]


def test_a_table_in_yuan_without_its_unit_line_is_refused_not_read_as_wan(tmp_path: Path) -> None:
    refused = run_file(_without_unit_line(tmp_path, in_yuan=True))
    assert isinstance(refused, Refusal)
    assert "amount unit is printed nowhere" in refused.reason and "look like 元" in refused.reason
    assert "单位：元" in refused.reason
