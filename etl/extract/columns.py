"""The column map: header variants are data (columns.csv), not branches in code."""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from pathlib import Path

from etl.extract.invisible import without_invisible
from etl.model import AMOUNT_COLUMNS, AMOUNT_UNITS
from etl.text import header_key

COLUMN_MAP_FILE = Path(__file__).with_name("columns.csv")
REQUIRED_COLUMNS = ("project_name", "total")
# 总计(万元), 总计(单位:元), 总计【万元】, 总计[万元], 总计/万元; another 元 (总计(美元)) is kept as printed, and the
# table refused for it
_UNIT_SUFFIX = re.compile(
    rf"(?:[(\[【](?:单位:|金额单位:)?(?:人民币)?({AMOUNT_UNITS}|[\u4e00-\u9fff]{{1,3}}元)[)\]】]|/({AMOUNT_UNITS}))$"
)
_BARE_UNIT = re.compile(rf"({AMOUNT_UNITS})$")  # 总计万元, 总计 万元: the unit after a known name, no bracket


@cache
def column_map() -> dict[str, str]:
    """header key -> canonical column name."""
    with COLUMN_MAP_FILE.open(encoding="utf-8") as fh:
        return {header_key(r["header_variant"]): r["column"] for r in csv.DictReader(fh)}


@lru_cache(maxsize=1024)
def canonical_column(cell: str) -> tuple[str | None, str | None]:
    """Map one header cell to (canonical column, unit printed in the header or None). Cached: every table asks for
    its header's cells again (and the first cells of the rows before it): 2,000 of L's tables read in 0.53-0.55 ->
    0.47-0.50 CPU s, 96% of the lookups hits."""
    # 项目名称<U+200B> from a page, a BOM before 项目名称 in files joined end to end: the characters are not read
    key = without_invisible(header_key(cell)).removeprefix("其中").removeprefix(":")  # 其中：财政拨款: a part
    unit = None
    if m := _UNIT_SUFFIX.search(key):
        unit, key = m.group(1) or m.group(2), key[: m.start()]
    elif key not in column_map() and (m := _BARE_UNIT.search(key)) and key[: m.start()] in column_map():
        unit, key = m.group(1), key[: m.start()]
    return column_map().get(key), unit


LEADING_COLUMNS = ("row_no", "code", "unit_name")  # columns that may stand before 项目名称


def is_header_row(cells: list[str]) -> bool:
    """项目名称 | 总计 | …: the project column first, 3+ known columns. Before it may stand a 序号, 单位编码 or
    单位名称 column, or an empty one (an export shifted by a column): at most three of them."""
    first = None
    for cell in cells[:4]:
        first, _ = canonical_column(cell)
        if cell and first not in LEADING_COLUMNS:
            break
    if first != "project_name":
        return False
    return sum(1 for c in cells if canonical_column(c)[0]) >= 3


def header_units(cells: list[str]) -> list[str]:
    """The amount units the header cells print (总计（万元）, 项目资金(元) over its columns), in order: a known
    column that holds no amount says the unit of what it holds (年度指标值（元）: a target's), not the table's."""
    units = []
    for cell in cells:
        if "元" in cell:
            column, unit = canonical_column(cell)
            if unit and (column is None or column in AMOUNT_COLUMNS):
                units.append(unit)
    return units


PART_COLUMNS = ("fiscal", "special_account", "other")  # the parts of 总计


def header_positions(cells: list[str]) -> tuple[dict[str, int], str | None]:
    """canonical column -> index, and a unit printed in the header cells, if any.

    A second column of one part of the total (一般公共预算拨款 and 政府性基金预算拨款, both 财政拨款) is kept as
    ``fiscal+<index>``: its amounts add to the first's where the parts then add up to the total
    (etl.transform.normalise). One named 其中：… is a breakdown of the column before it, not another part."""
    positions: dict[str, int] = {}
    unit = None
    for i, cell in enumerate(cells):
        name, cell_unit = canonical_column(cell)
        if name and name not in positions:
            positions[name] = i
        elif name in PART_COLUMNS and not header_key(cell).startswith("其中"):
            positions[f"{name}+{i}"] = i
        unit = unit or cell_unit
    return positions, unit
