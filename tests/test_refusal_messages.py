"""Refusal messages that say what is wrong (GENERATED inline tables)."""

from __future__ import annotations

from pathlib import Path

from etl.transform.pipeline import run_file
from tests.inline_tables import write_text_table


def _reason(tmp_path: Path, packed: str) -> str | None:
    header = "项目名称\t总计\t财政拨款\t绩效目标\t绩效指标"
    path = write_text_table(tmp_path, "某局", header, f"慰问经费\t1.20\t1.20\t做好慰问。\t{packed}")
    return getattr(run_file(path), "reason", None)


def test_a_last_row_whose_items_are_all_unreadable_is_not_called_cut_off(tmp_path: Path) -> None:
    """Items no grammar reads (a name and a word, no label; 名称=值 and then 名称≥值 were the example until each was
    read): the table was refused as 'truncated mid-row: the last row ends inside an indicator', which sent the reader
    looking for a cut-off download."""
    packed = "1、1-产出指标：11-数量指标：慰问人次达标。2、1-产出指标：12-质量指标：慰问完成率良好。"
    assert _reason(tmp_path, packed) == (
        "line 5: none of the 2 indicators of the last row can be read (indicator 1: no 实施周期指标值 or 年度指标值 "
        "(target) in the indicator): not a cut-off row"
    )
    glued = "1、1-产出指标：11-数量指标：慰问人次≥12人。2、1-产出指标：12-质量指标：慰问完成率≥100%。"
    assert _reason(tmp_path, glued) is None  # 名称≥值 is read since round 21 (tests/test_round21_text.py)
    assert _reason(tmp_path, glued.replace("≥", "=")) is None  # 名称=值 is read (tests/test_name_value_items.py)
    cut = "1、1-产出指标：11-数量指标：慰问人次；实施周期指标值:12人；年度指标值:12人。2、1-产出指标：12-质量指标：慰问"
    assert _reason(tmp_path, cut) == "line 5: truncated mid-row: the last row ends inside an indicator"
