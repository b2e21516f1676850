"""Round 29's first bad-input hunt, text dumps, amounts and the packed grammar: GENERATED variants of the real sample
data/raw/2024/tianhe-sfj.txt (each test writes its own variant into tmp_path).

Found (each test below failed before its fix):
- a tab-separated dump quoted as Excel saves one (a cell holding a " in "…", its quotes doubled) kept the quotes as
  text: an item's number after a " was no item, and every target of the cell was lost; a cell's line break cut its
  row ("truncated mid-row");
- text before item 1 (绩效指标：1、…, • 1、…, an item 0、) rejected the whole cell, its reject holding only that text;
- a title year in full-width digits or Chinese numerals (２０２４年, 二〇二四年) was not read, so a file filed under
  another year loaded under it; and a period's years (2022-2025年) were read as the budget year 2025;
- a remark in brackets after the last item's 。 became part of its value (100%。（以上指标均为预期值）, its number
  lost);
- character references in a packed cell (&lt;100%, &gt;=12人, &#8805;, &nbsp;) were read as = or as text;
- a minus sign a space before its number (- 5%) was dropped: = 5%;
- a label the grammar does not know (中期指标值:) was glued into the indicator's name;
- a unit line or another year's title printed inside the table (at a page break) was dropped, the file loaded;
- an amount of more than 28 digits was rounded to 28 before it was checked to the fen.
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from etl.model import Refusal, SourceTable
from etl.transform.header import parse_header
from etl.transform.indicators import parse_indicators
from etl.transform.normalise import AmountError, to_yuan
from etl.transform.pipeline import run_file
from etl.transform.target_values import parse_target_value
from tests.inline_tables import filed
from tests.layout_facts import parsed_facts

SAMPLE = Path(__file__).parent.parent / "data" / "raw" / "2024" / "tianhe-sfj.txt"
RETIREES = "1、1-产出指标：11-数量指标：慰问人次；实施周期指标值:12人；年度指标值:12人。"


def _text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def _read(tmp_path: Path, text: str, year: str = "2024") -> SourceTable | Refusal:
    path = filed(tmp_path, "t.txt", year)
    path.write_bytes(text.encode("utf-8"))
    return run_file(path)


def _excel_tabs(text: str, cell: object = lambda c: c) -> str:
    """The text saved as Excel's 'Text (Tab delimited)' saves it: a cell holding a quote or a line break quoted."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t", lineterminator="\r\n")
    for line in text.split("\n"):
        writer.writerow([cell(c) for c in line.split("\t")] if "\t" in line else ([line] if line else []))
    return out.getvalue()


def test_a_tab_dump_quoted_as_excel_saves_it_reads_as_the_plain_one(tmp_path: Path) -> None:
    text = _text().replace("“两类”", '"两类"')  # a cell holding a quote: Excel quotes it, its quotes doubled
    plain = _read(tmp_path / "plain", text)
    quoted = _read(tmp_path / "quoted", _excel_tabs(text))
    assert isinstance(plain, SourceTable) and isinstance(quoted, SourceTable), quoted
    assert parsed_facts(quoted) == parsed_facts(plain) and len(quoted.projects) == 22
    assert sum(len(p.indicators) for p in quoted.projects) == 110 and not quoted.rejects
    assert any("quoted as Excel saves them" in note for note in quoted.notes)
    # each item on a line of its own inside the quoted cell: the row is whole, not "truncated mid-row"
    broken = _read(tmp_path / "broken", _excel_tabs(text, lambda c: re.sub(r"。\s*(?=\d+、)", "。\n", c)))
    assert isinstance(broken, SourceTable), broken
    assert sum(len(p.indicators) for p in broken.projects) == 110 and broken.reconciled


def test_a_dump_that_quotes_nothing_keeps_a_quote_that_starts_a_cell(tmp_path: Path) -> None:
    """"两类"人员 at a cell's start in a dump that quotes nothing is no Excel quoting: read as printed."""
    text = _text().replace("开展社区矫正对象", '"两类"开展社区矫正对象')
    table = _read(tmp_path, text)
    assert isinstance(table, SourceTable) and not any("Excel" in n for n in table.notes)
    assert any(p.goal_text.startswith('"两类"') for p in table.projects)


@pytest.mark.parametrize("before", ["绩效指标：", "• ", "“"])
def test_text_before_the_first_item_is_rejected_alone(tmp_path: Path, before: str) -> None:
    table = _read(tmp_path, _text().replace("\t" + RETIREES[:30], "\t" + before + RETIREES[:30]))
    assert isinstance(table, SourceTable)
    retirees = next(p for p in table.projects if p.project_name == "区管退休干部节日慰问经费")
    assert len(retirees.indicators) == 4
    assert [r.raw_text for r in table.rejects] == [before.strip()]
    assert "the indicators after it are read" in table.rejects[0].reason


def test_an_item_zero_is_rejected_and_the_items_after_it_read() -> None:
    zero = RETIREES.replace("1、", "0、", 1).replace("慰问人次", "前置")
    found = list(parse_indicators(zero + RETIREES + RETIREES.replace("1、", "2、", 1).replace("慰问人次", "人数")))
    assert [getattr(x, "name", None) for x in found] == [None, "慰问人次", "人数"]
    assert found[0].text.startswith("0、")


@pytest.mark.parametrize("title", ["２０２４年项目支出绩效目标表（含转移支付项目）", "二〇二四年项目支出绩效目标表"])
def test_a_title_year_in_full_width_or_chinese_numerals_is_read(tmp_path: Path, title: str) -> None:
    lines = _text().split("\n")
    lines[2] = title
    assert parse_header([(3, title)]).year_in_text == 2024
    refused = _read(tmp_path, "\n".join(lines), year="2023")
    assert isinstance(refused, Refusal) and "folder says 2023, the title says 2024" in refused.reason


def test_a_period_in_the_title_is_no_budget_year(tmp_path: Path) -> None:
    for title in ("2022-2025年项目支出绩效目标表", "2022年-2025年项目支出绩效目标表", "2022至2025年项目支出绩效目标表"):
        assert parse_header([(1, title)]).year_in_text is None, title
    header = parse_header([(1, "项目支出绩效目标表"), (2, "（２０２４年度）")])
    assert (header.year_in_text, header.year_line) == (2024, "（２０２４年度）")
    lines = _text().split("\n")
    lines[3] = "（2024年度）"
    refused = _read(tmp_path, "\n".join(lines), year="2023")
    assert isinstance(refused, Refusal) and "a line above the table says 2024 (（2024年度）)" in refused.reason


def test_a_remark_after_the_last_item_is_no_part_of_its_value() -> None:
    found = list(parse_indicators(RETIREES + "（以上指标均为预期值）"))
    assert found[0].annual.text == "12人" and found[0].annual.number == Decimal(12)
    assert found[1].text == "（以上指标均为预期值）" and "remark" in found[1].reason


def test_character_references_in_a_cell_are_read() -> None:
    cell = RETIREES.replace("12人；年度指标值:12人", "&gt;=12人；年度指标值:&lt;100%") + "&nbsp;"
    (item,) = parse_indicators(cell)
    assert (item.period.comparison, item.period.number) == (">=", Decimal(12))
    assert (item.annual.comparison, item.annual.number, item.annual.unit) == ("<", Decimal(100), "%")
    assert parse_target_value("&#8805;12人").status == "qualitative"  # (a value alone is read as printed)
    assert [i.annual.comparison for i in parse_indicators(RETIREES.replace(":12人。", ":&#8805;12人。"))] == [">="]
    assert next(iter(parse_indicators("R&D：" + RETIREES))).text == "R&D："  # no reference: as printed


@pytest.mark.parametrize(("text", "number"), [("- 5%", -5), ("－ 5%", -5), ("≥ - 5%", -5), ("+ 3个", 3)])
def test_a_sign_a_space_before_its_number_is_the_numbers(text: str, number: int) -> None:
    assert parse_target_value(text).number == Decimal(number)
    assert parse_target_value("10 - 20人").status == "qualitative"  # a range stays text
    assert parse_target_value("满意度 - 95%").number == Decimal(95)  # after words, a dash: no minus sign


def test_a_label_the_grammar_does_not_know_is_no_part_of_a_name() -> None:
    (err,) = parse_indicators(RETIREES.replace("实施周期指标值", "中期指标值"))
    assert "中期指标值:" in err.reason and err.text.startswith("1-产出指标")


@pytest.mark.parametrize(
    ("line", "said"),
    [
        ("单位：元", "the table is in 万元, line 21 says 单位：元"),
        ("2023年项目支出绩效目标表（含转移支付项目）", "title of a table of 2023"),
    ],
)
def test_a_line_inside_the_table_that_contradicts_it_is_refused(tmp_path: Path, line: str, said: str) -> None:
    lines = _text().split("\n")
    header = next(k for k, x in enumerate(lines) if x.startswith("项目名称"))
    at = header + 12  # above the header printed again at a page break
    refused = _read(tmp_path, "\n".join([*lines[:at], line, lines[header], *lines[at:]]))
    assert isinstance(refused, Refusal) and said in refused.reason
    same = _read(tmp_path / "same", "\n".join([*lines[:at], "单位：万元", lines[header], *lines[at:]]))
    assert isinstance(same, SourceTable) and len(same.projects) == 22  # one that agrees is read through


def test_an_amount_is_checked_to_the_fen_at_any_length() -> None:
    with pytest.raises(AmountError, match="finer than one fen"):
        to_yuan("82.600000000000000000000000001", "万元")
    assert to_yuan("82.6000000000000000000000000000", "万元") == Decimal("826000.00")
