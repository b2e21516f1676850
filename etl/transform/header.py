"""The lines above the grid: title, 部门名称, 单位, and the budget year."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from etl.model import TableRefused
from etl.settings import MAX_YEAR, MIN_YEAR, is_budget_year
from etl.text import fold

GENERATED_MARK = "# jixiao-synth:"
_DEPARTMENT = re.compile(r"^(?:部门|单位|预算单位|主管部门)名称\s*:\s*(?P<name>.+?)\s*$")
_UNIT = re.compile(r"(?:金额)?单位\s*:\s*(?P<unit>万元|千元|元)")
_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d\d)\s*年(?:度)?.*?(?:绩效目标|预算)")
_YEAR_DIR = re.compile(r"^\d{4}$")


@dataclass(slots=True, frozen=True)
class Header:
    title: str
    department_name: str | None
    source_unit: str | None
    year_in_text: int | None
    is_generated: bool


def parse_header(preamble: list[tuple[int, str]]) -> Header:
    title, department, unit, year, generated = "", None, None, None, False
    for _, line in preamble:
        if line.startswith(GENERATED_MARK):
            generated = True
            continue
        folded = fold(line)
        if m := _DEPARTMENT.match(folded):
            department = line[m.start("name") : m.end("name")].strip()
        if m := _UNIT.search(folded):
            unit = unit or m.group("unit")
        if not title and ("绩效目标" in line or "项目支出" in line):
            title = line
            if (m := _YEAR_IN_TEXT.search(line)) and is_budget_year(int(m.group(1))):
                year = int(m.group(1))
    return Header(title, department, unit, year, generated)


def budget_year(path: Path, header: Header, override: int | None = None) -> int:
    """The year from --year, else the folder the file is filed in (the path as given: a symlink is not
    followed), else the title; never a guess. A year is MIN_YEAR..MAX_YEAR wherever it comes from."""
    if override is not None:
        if not is_budget_year(override):
            raise TableRefused(path, f"budget year {override} is outside {MIN_YEAR}..{MAX_YEAR}")
        return override
    for part in reversed(Path(os.path.abspath(path)).parent.parts):
        if _YEAR_DIR.match(part) and is_budget_year(int(part)):
            return int(part)
    if header.year_in_text:
        return header.year_in_text
    raise TableRefused(path, "no budget year: file it under a year folder (data/raw/<year>/) or pass --year")
