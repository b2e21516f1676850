"""Round 22, the two text layouts round 21 left: GENERATED tables (invented projects in the sample's or a bracket
list's columns; none a real table), read through the public path (etl.transform.pipeline.run_file).

Each test marked "before:" failed on the code before its fix; the others guard what must not change.
- a bracket list (单位编码 | 单位名称 | … | 绩效目标, 【产出指标-数量指标】指标1:…) under a header on three rows
  (资金情况 over 总计 | 其中 over 财政拨款 | 财政专户拨款 | 其他资金) is read as the other layouts read it
  (table.header_block), from a text dump, a workbook or a page. Its third row was a row of no name, rejected, and the
  parts under it left unread (every project and subtotal loaded its total alone); a dump leaving out the header's
  empty cells loaded the header's rows as a grand total and a category, and every amount as 0;
- a last row whose packed list ends in an item that cannot be read (…2、3-满意度指标：31-服务对象满意度指标：群众满意)
  was refused as "truncated mid-row". It is loaded, that item rejected with its reason as in any other row, when the
  file shows the row whole: a note or footer printed under it, cells printed after its indicators, the same item in
  another row, or a 。 at its end as every other row's list ends. A file cut inside the row is still refused.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from etl.model import RefusalKind, SourceTable
from tests.inline_tables import (
    DEPARTMENT,
    GOAL,
    ITEM,
    LABEL,
    TITLE,
    UNIT,
    filed,
    merged_book,
    spanned_page,
)
from tests.inline_tables import amounts_in_wan as _amounts
from tests.inline_tables import parsed_inline as _table
from tests.inline_tables import refused_inline as _refusal

# --- part 1: a bracket list under a header on three rows -------------------------------------------------------------

BRACKET_LINES = [LABEL, "2024年部门预算项目支出绩效目标表", "部门名称:某市经济和信息化局", "单位:万元"]
BRACKET_GOAL = (
    "【总体目标】保障机房和网络稳定运行。"
    "【产出指标-数量指标】指标1:机柜数量(≥77台) 指标2:网络链路条数(≥12条)"
)
THREE_ROW = [
    ["单位编码", "单位名称(项目类别/支出项目)", "资金情况", "", "", "", "项目内容", "绩效目标"],
    ["", "", "总计", "其中", "", "", "", ""],
    ["", "", "", "财政拨款", "财政专户拨款", "其他资金", "", ""],
]
BRACKET_DATA = [
    ["117", "某市经济和信息化局", "30.00", "20.00", "5.00", "5.00", "", ""],
    ["", "其他运转类", "30.00", "20.00", "5.00", "5.00", "", ""],
    ["", "信息化运维经费", "30.00", "20.00", "5.00", "5.00", "机房运维", BRACKET_GOAL],
]
PARTS = {"total": Decimal(30), "fiscal": Decimal(20), "special_account": Decimal(5), "other": Decimal(5)}
READ = [("信息化运维经费", PARTS), ("某市经济和信息化局", PARTS), ("其他运转类", PARTS)]
TARGETS = [("机柜数量", "≥77台"), ("网络链路条数", "≥12条")]


def _bracket_text(header: list[list[str]], rows: list[list[str]] = BRACKET_DATA) -> str:
    return "\n".join([*BRACKET_LINES, *("\t".join(r) for r in [*header, *rows])]) + "\n"


def _read_as_the_list(table: SourceTable) -> None:
    assert table.layout == "dept_bracket"
    assert _amounts(table) == READ and table.rejects == [] and table.reconciled
    [project] = table.projects
    assert [(i.name, i.annual.text) for i in project.indicators] == TARGETS


@pytest.mark.parametrize(
    "header",
    [
        THREE_ROW,  # before: the third row rejected ('row has no name'), 财政拨款 … unread (0)
        [THREE_ROW[0], ["总计", "其中"], ["财政拨款", "财政专户拨款", "其他资金"]],  # before: every amount 0
        [["单位编码", "项目名称", *THREE_ROW[0][2:]], *THREE_ROW[1:]],  # 项目名称 over the names: before, as the first
        [["单位编码", "单位名称(项目类别/支出项目)", "总计", "其中", "", "", "项目内容", "绩效目标"], THREE_ROW[2]],
    ],
    ids=["full", "empty-cells-left-out", "项目名称", "two-rows-guard"],
)
def test_a_bracket_list_under_a_three_row_header_is_read(tmp_path: Path, header: list[list[str]]) -> None:
    _read_as_the_list(_table(tmp_path, _bracket_text(header)))


def test_an_unknown_name_in_a_third_header_row_of_a_bracket_list_is_refused_naming_it(tmp_path: Path) -> None:
    """before: loaded, the third row rejected ('row has no name') and every part unread, 自主筹措's amounts lost."""
    header = [*THREE_ROW[:2], ["", "", "", "财政拨款", "财政专户拨款", "自主筹措", "", ""]]
    refusal = _refusal(tmp_path, _bracket_text(header))
    assert refusal.kind == RefusalKind.UNSUPPORTED_LAYOUT
    assert "column '自主筹措' in row 3 of the header holds amounts (line 8: 5.00)" in refusal.reason
    assert refusal.reason.startswith("line 7:")


ONE_ROW = [["单位编码", "单位名称(项目类别/支出项目)", "年度预算安排", "项目内容", "绩效目标"]]


@pytest.mark.parametrize("header", [THREE_ROW, ONE_ROW], ids=["three-rows", "one-row"])
def test_a_bracket_list_header_printed_again_at_a_page_break_is_read_once(
    tmp_path: Path, header: list[list[str]]
) -> None:
    """before: refused, "单位名称(项目类别/支出项目) row: total: amount '资金情况' is not a number" (or '年度预算安排'):
    the header printed again was read as a category row."""
    width = len(header[0])
    second = ["", "网络安全经费", "10.00", "10.00", "", "", "网络安全", BRACKET_GOAL]
    totals = [[r[0], r[1], "40.00", "30.00", *r[4:]] for r in BRACKET_DATA[:2]]  # 40 = 30 + 5 + 5
    rows = [*totals, BRACKET_DATA[2], second]
    if width == 5:  # 年度预算安排 alone
        rows = [[*r[:3], *r[6:]] for r in rows]
    text = _bracket_text(header, [*rows[:3], *header, rows[3]])
    table = _table(tmp_path, text)
    assert [p.project_name for p in table.projects] == ["信息化运维经费", "网络安全经费"]
    assert [a.name for a in table.aggregates] == ["某市经济和信息化局", "其他运转类"]
    assert table.rejects == [] and table.reconciled


def _bracket_book(path: Path) -> Path:
    """THREE_ROW as a workbook's header, its labels merged over the cells they span, and BRACKET_DATA."""
    merges = ("A4:A6", "B4:B6", "C4:F4", "C5:C6", "D5:F5", "G4:G6", "H4:H6")
    return merged_book(path, BRACKET_LINES[1:], THREE_ROW, BRACKET_DATA, merges)


def _bracket_page(path: Path) -> Path:
    """THREE_ROW as an HTML table's header, spanning with rowspan and colspan, and BRACKET_DATA."""
    head = (
        "<tr><td rowspan=3>单位编码</td><td rowspan=3>单位名称(项目类别/支出项目)</td><td colspan=4>资金情况</td>"
        "<td rowspan=3>项目内容</td><td rowspan=3>绩效目标</td></tr><tr><td rowspan=2>总计</td><td colspan=3>其中</td>"
        "</tr><tr><td>财政拨款</td><td>财政专户拨款</td><td>其他资金</td></tr>"
    )
    return spanned_page(path, BRACKET_LINES[1:], head, BRACKET_DATA)


@pytest.mark.parametrize("make", [_bracket_book, _bracket_page], ids=["xlsx", "html"])
def test_a_bracket_list_under_a_three_row_header_of_a_workbook_or_a_page_is_read(tmp_path: Path, make) -> None:
    """before: the third row rejected ('row has no name'), every part unread."""
    from etl.transform.pipeline import run_file

    table = run_file(make(filed(tmp_path, "table.xlsx" if make is _bracket_book else "table.html")))
    assert isinstance(table, SourceTable), table
    _read_as_the_list(table)


# --- part 2: a last row whose packed list ends in an item that cannot be read -----------------------------------------

HEADER = ["项目名称（资金使用单位）", "总计", "财政拨款", "财政专户拨款", "其他资金", "绩效目标", "绩效指标"]
WORDY = "2、3-满意度指标：31-服务对象满意度指标：群众满意"  # no 实施周期指标值 or 年度指标值: cannot be read
WHY = "乙经费: indicator 2: no 实施周期指标值 or 年度指标值 (target) in the indicator"
CUT = "truncated mid-row: the last row ends inside an indicator"


def _packed(*cells: str, header: list[str] = HEADER, after: tuple[str, ...] = ()) -> str:
    """A table of one project per packed cell (甲经费, 乙经费 …), each of 10.00, under a 合计 and the unit's row;
    ``after``: lines printed under the last row."""
    total = f"{10 * len(cells)}.00"
    rows = [["合计", total, total, "", "", "", ""], ["某区司法局", total, total, "", "", "", ""]]
    rows += [[f"{'甲乙丙丁'[k]}经费", "10.00", "10.00", "", "", GOAL, cell] for k, cell in enumerate(cells)]
    if header is not HEADER:  # 绩效指标 before 绩效目标
        rows = [[*r[:5], r[6], r[5]] for r in rows]
    lines = [LABEL, TITLE, DEPARTMENT, UNIT, "\t".join(header), *("\t".join(r) for r in rows), *after]
    return "\n".join(lines) + "\n"


def _loaded_with_the_reject(table: SourceTable, last: str = "乙经费") -> None:
    """Every project loaded, the last one's readable items kept, its unreadable item rejected naming why."""
    assert table.reconciled
    read = {p.project_name: [i.name for i in p.indicators] for p in table.projects}
    assert read[last] == ["服务村居数"]
    assert [r.reason for r in table.rejects if r.reason.startswith(last)] == [WHY.replace("乙经费", last)]


INDICATORS_FIRST = [*HEADER[:5], "绩效指标", "绩效目标"]


@pytest.mark.parametrize(
    ("cells", "kwargs"),
    [
        ((ITEM, ITEM + WORDY), {"after": ("注：绩效指标按项目申报时填报。",)}),  # a note under the table
        ((ITEM, ITEM + WORDY), {"after": ("填报人：张三\t审核人：李四",)}),  # a footer of signatures
        ((ITEM, ITEM + WORDY), {"after": ("第1页，共1页",)}),  # a page's number
        ((ITEM, ITEM + WORDY), {"after": ("单位：万元",)}),  # the unit printed again under it
        ((ITEM, ITEM + WORDY), {"header": INDICATORS_FIRST}),  # its 绩效目标 printed after the indicators
        ((ITEM + WORDY, ITEM + WORDY), {}),  # the same item in another row: how this table writes it
        ((ITEM, ITEM + WORDY + "。"), {}),  # a 。 at its end, as every other row's list ends
    ],
    ids=["note", "footer", "page-number", "unit-line", "cells-after", "same-item", "full-stop"],
)
def test_a_whole_last_row_ending_in_an_unreadable_item_loads_with_the_reject(
    tmp_path: Path, cells: tuple[str, ...], kwargs: dict
) -> None:
    """before: refused, "truncated mid-row: the last row ends inside an indicator"."""
    _loaded_with_the_reject(_table(tmp_path, _packed(*cells, **kwargs)))


def test_a_last_row_whose_only_item_cannot_be_read_loads_under_a_note(tmp_path: Path) -> None:
    """The example of round 21's list (1、产出指标-数量指标-培训人次：200人次；2、群众满意: one item, as the grammar
    numbers items before a type only, that no grammar reads). before: refused as cut off."""
    cell = "1、产出指标-数量指标-培训人次：200人次；2、群众满意"
    table = _table(tmp_path, _packed(ITEM, cell, after=("注：绩效指标按项目申报时填报。",)))
    assert [len(p.indicators) for p in table.projects] == [1, 0] and table.reconciled
    [reject] = table.rejects
    assert reject.reason == "乙经费: indicator 1: no 实施周期指标值 or 年度指标值 (target) in the indicator"


def test_a_page_total_under_the_last_row_already_showed_it_whole(tmp_path: Path) -> None:
    """A guard: a row printed under it (本页合计) made it no last row before as well."""
    table = _table(tmp_path, _packed(ITEM, ITEM + WORDY, after=("本页合计\t20.00\t20.00\t\t\t\t",)))
    _loaded_with_the_reject(table)


@pytest.mark.parametrize(
    "cells",
    [
        (ITEM, ITEM + WORDY),  # nothing shows the row whole: as a cut file, refused
        (ITEM, ITEM + WORDY + "；"),  # a ； at its end: a cut after an item's name ends so
        (ITEM + WORDY + "度", ITEM + WORDY),  # another row's item goes on: this one may be cut short
        (ITEM + WORDY + "。", ITEM + WORDY),  # the others' 。 missing: cut before it
        (ITEM.rstrip("。"), ITEM + WORDY + "。"),  # a 。 the other rows do not end with
    ],
    ids=["no-sign", "semicolon", "other-row-longer", "full-stop-missing", "others-no-full-stop"],
)
def test_a_last_row_ending_in_an_unreadable_item_and_no_sign_of_its_end_is_still_refused(
    tmp_path: Path, cells: tuple[str, ...]
) -> None:
    assert _refusal(tmp_path, _packed(*cells)).reason == f"line {7 + len(cells)}: {CUT}"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"after": ("注：绩效指标按项目申报时填报。",)},
        {"header": INDICATORS_FIRST},
        {"cells": (ITEM + WORDY + "。", ITEM + WORDY + "。")},
    ],
    ids=["note", "cells-after", "same-item-and-full-stop"],
)
def test_a_whole_table_cut_inside_its_last_item_is_still_refused(tmp_path: Path, kwargs: dict) -> None:
    """Each table above that now loads, cut at every character of its last row's unreadable item, from its number
    (…。2|、3-…) to its last word (…群众满意|。 or |\n注：…): refused each time, nothing half-loaded (what showed the
    row whole is cut away, or no longer matches). before, for a cut before the item's type (…≥100个。2|, 。2、|,
    。2、3|): loaded, the number read as the end of item 1's value (≥100个。2、3), as no item begins before its type."""
    cells = kwargs.pop("cells", (ITEM, ITEM + WORDY))
    whole = _packed(*cells, **kwargs)
    _loaded_with_the_reject(_table(tmp_path, whole, "whole.txt"))
    start = whole.rindex(WORDY)
    for cut in range(start + 1, start + len(WORDY) + 1):
        refusal = _refusal(tmp_path, whole[:cut], f"cut-{cut}.txt")
        assert refusal.reason.endswith(CUT), (whole[start:cut], refusal.reason)


@pytest.mark.parametrize("end", ["≥99.2", "≥99.2。", "100%；2024年完成"])
def test_a_last_value_ending_in_a_number_is_no_next_item_cut_short(tmp_path: Path, end: str) -> None:
    """A guard: a number after a point or inside words ends no item cut short (only …。2, 。2、, 。2、3 do)."""
    last = f"1、1-产出指标：12-质量指标：合格率；实施周期指标值:{end}；年度指标值:{end}"
    table = _table(tmp_path, _packed(ITEM, last))
    assert [len(p.indicators) for p in table.projects] == [1, 1] and table.rejects == []


@pytest.mark.parametrize("cut", ["2", " 2", "2、", "2、3", "2.", "2．1"])
def test_a_last_row_cut_before_its_next_items_type_is_refused(tmp_path: Path, cut: str) -> None:
    """before: loaded, item 1's year's target read as ≥100个。2、3 (an item begins only before its type)."""
    assert _refusal(tmp_path, _packed(ITEM, ITEM + cut)).reason == f"line 9: {CUT}"
