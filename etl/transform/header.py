"""The lines above the grid: title, 部门名称, 单位, and the budget year."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from etl.extract.columns import header_units
from etl.model import (
    AMOUNT_UNIT_SHORT,
    AMOUNT_UNITS,
    AMOUNT_UNITS_OR_SHORT,
    Grid,
    GridRow,
    SourceTable,
    TableRefused,
)
from etl.settings import MAX_YEAR, MIN_YEAR, is_budget_year
from etl.text import NOTE_LINE, fold, fold_key, fold_number
from etl.transform.department import clean_department

GENERATED_MARK = "# jixiao-synth:"
_DEPARTMENT = re.compile(
    r"^\"?(?:部门名称|单位名称|(?:预算单位|主管部门|预算部门)(?:名称)?|填报单位|(?P<weak>编制单位|部门))\s*(?:\(盖章\)\s*)?:\s*"
    r"(?:[\[【]\s*\d+\s*[\]】]\s*|\d{3,}\s*[-－—]\s*)?(?P<name>\S.*)$"
)  # a code before the name ([017], 219-) is left out; the spaces after the name are trimmed after the match (a lazy
# name before \s*$, or \s* on both sides of an optional part, tried each space of a run against the rest of it:
# 200,000 spaces inside a 部门名称 line, a 220 KB file, ran for minutes)
# a 部门名称 no longer than a cell may be (Excel's limit, etl.transform.table.MAX_CELL_CHARS): every fact row stores it,
# and a 10 MB one (a 13 KB workbook) failed the load, every file of the run with it, with DuckDB out of memory
MAX_DEPARTMENT_CHARS = 32767
# 单位：万元, 金额单位:元, 单位：人民币元, 单位（元）; not 预算单位/填报单位/编制单位：元谋县… (a place named 元…)
# (nor 项目单位/牵头单位/责任单位/所属单位/承办单位：元阳县司法局, nor 单位：元谋县…, round 32: it put every
# amount of a table in 万元 in 元, and hid the 金额单位：万元 printed after it on the line; 单位：元填报日期,
# 单位：元人民币 and 单位：万元或元 are units, the review of round 32)
_UNIT = re.compile(
    rf"(?<![算报制设施管用行目头任属办])(?:金额|货币|计量)?单位\s*[:(]\s*(?:人民币\s*)?(?P<unit>{AMOUNT_UNITS})"
    r"(?![\u4e00-\u9fff]{1,3}?(?:县|市|区|镇|乡|州|旗|盟|村|街道|司法局))"
)
# 单位为元, 单位/元, 单位 万元, 单位：万 (the unit not followed by another CJK character: 单位 元谋县 is no unit), and a
# line that is only the unit: 万元, (元), 单位元. Without them the table was read in 万元, a table in 元 x 10,000
_UNIT_LOOSE = re.compile(
    rf"(?<![算报制设施管用行])(?:金额|货币|计量)?单位\s*(?:[:(/]|为|\s)\s*(?:人民币\s*)?(?P<unit>{AMOUNT_UNITS_OR_SHORT})"
    r"(?![\u4e00-\u9fff])"
)
_UNIT_ALONE = re.compile(rf"^\(?\s*(?:(?:金额)?单位\s*)?(?:人民币\s*)?(?P<unit>{AMOUNT_UNITS})\s*\)?$")
# a title ending in its unit: 项目支出绩效目标表（元）, …目标表（2024年度）(万元). Left unread, a table in 元 printing
# its unit only there was read in the default 万元, every amount x 10,000
_TITLE_UNIT = re.compile(rf"\(\s*(?:金额\s*)?(?:人民币\s*)?(?P<unit>{AMOUNT_UNITS})\s*\)\s*$")
# a unit of no table's (单位：美元, 单位：万美元, 单位：港元): kept as printed, so the table is refused for it
_OTHER_UNIT = re.compile(
    r"(?<![算报制设施管用行])(?:金额|货币|计量)?单位\s*[:(/]\s*(?P<unit>[\u4e00-\u9fff]{1,3}元)(?![\u4e00-\u9fff])"
)
# another label printed on the department's line (部门名称：X    单位：万元, a workbook's cells joined): the name ends
# before it. Searched for, then the spaces before it trimmed: no quantifier over spaces before a choice (a line
# padded with 2,000 spaces, as pdftotext -layout prints, took 83 s to fail that way)
_NEXT_LABEL = re.compile(
    rf"(?:\(\s*)?(?:金额|计量)?单位\s*:\s*(?:{AMOUNT_UNITS})\b"
    r"|(?<=\s)(?:金额单位|计量单位|单位|填报日期|编制日期|日期|填报人|联系人|联系电话|电话)\s*:"
)
_YEAR_IN_TEXT = re.compile(r"((?:19|20)\d\d)\s*年(?:度)?")  # before 绩效目标 or 预算: see _title_year
_YEAR_DIR = re.compile(r"^\d{4}$")
_YEAR_IN_BRACKETS = re.compile(r"\(\s*((?:19|20)\d\d)\s*年度?\s*\)")
_YEAR_LINE = re.compile(r"^\s*\(\s*((?:19|20)\d\d)\s*年度?\s*\)\s*$|^\s*((?:19|20)\d\d)\s*年度?\s*$")


@dataclass(slots=True, frozen=True)
class Header:
    title: str
    department_name: str | None
    source_unit: str | None
    year_in_text: int | None
    is_generated: bool
    other_unit: str | None = None  # a second 单位 line above the table naming another unit (a stale title line)
    other_department: str | None = None  # a second 部门名称 (same label) naming another department
    year_line: str | None = None  # the line year_in_text was read from (the title, or a line of its own)
    preparer: str | None = None  # 编制单位：/部门：, the department where no other label and no unit row names one


def _title_line(preamble: list[tuple[int, str]]) -> str:
    """The table's title: the last line before the grid that names a table (…绩效目标表, 项目支出…表; a page's
    navigation or a list of other years' tables comes before the title), else the first naming 绩效目标/项目支出."""
    named = [line for _, line in preamble if _names_table(line) and not line.startswith(GENERATED_MARK)]
    if named:
        return named[-1]
    return next((line for _, line in preamble if "绩效目标" in line or "项目支出" in line), "")


def _names_table(line: str) -> bool:
    """…绩效目标…表 or 项目支出…表, found in one pass (a regex .*表 after each of many 项目支出 is quadratic)."""
    starts = [i for i in (line.find("绩效目标"), line.find("项目支出")) if i >= 0]
    return bool(starts) and line.find("表", min(starts)) >= 0


def _title_year(folded: str) -> re.Match[str] | None:
    """The first year (2023年, 2023年度) printed before the title's last 绩效目标 or 预算. The year is searched for in
    the text before that word (a lazy .*? from each year to the word was quadratic: 项目支出 and 16,000 times 2024年,
    a 96 KB line, took 6.8 s)."""
    topic = max(folded.rfind("绩效目标"), folded.rfind("预算"))
    at = 0
    while topic > 0 and (m := _YEAR_IN_TEXT.search(folded, at, topic)):
        ranged = _RANGE_BEFORE.search(folded, max(0, m.start() - 12), m.start()) or _RANGE_AFTER.match(folded, m.end())
        if not ranged:
            return m
        at = m.end()  # 2022-2025年: the years of a period, not the budget year (it said "file it under 2025/")
    return None


_RANGE_BEFORE = re.compile(r"\d{4}\s*年?\s*[-—–~～至到]\s*$")
_RANGE_AFTER = re.compile(r"\s*[-—–~～至到]\s*\d{4}")
# a year in Chinese numerals (二〇二四年) or full-width digits (２０２４年): read as 2024 (the title's year was missed,
# and a file filed under another year loaded under it)
_CHINESE_YEAR = re.compile(r"[〇零○一二三四五六七八九]{4}(?=\s*年)")
_CHINESE_DIGITS = str.maketrans("〇零○一二三四五六七八九", "000123456789")


def _year_digits(folded: str) -> str:
    """The line with its years in ASCII digits, each character where it was (the same length)."""
    text = fold_number(folded)
    if "年" in text and _CHINESE_YEAR.search(text):
        text = _CHINESE_YEAR.sub(lambda m: m[0].translate(_CHINESE_DIGITS), text)
    return text


def parse_header(preamble: list[tuple[int, str]]) -> Header:
    title, department, unit, year, generated = _title_line(preamble), None, None, None, False
    year_line: str | None = None
    other: str | None = None
    named: dict[str, str] = {}  # label (部门名称, 预算单位 …) -> the name it printed, to tell two departments apart
    other_department: str | None = None
    preparer: str | None = None
    for i, (_, line) in enumerate(preamble):
        if line.startswith(GENERATED_MARK):
            generated = True
            continue
        folded = fold(line)
        if m := _DEPARTMENT.match(folded):
            printed = _wrapped_name(preamble, i, line[m.start("name") :], quoted=line.startswith('"'))
            label = fold_key(folded[: m.start("name")]).lstrip('"').rstrip(":")
            if printed and fold_key(named.setdefault(label, printed)) != fold_key(printed):
                other_department = other_department or f"{label}：{named[label]} and {label}：{printed}"
            if m["weak"]:  # 编制单位：, 部门：: the department only where nothing else names one (round 33's review)
                preparer = preparer or printed
            else:
                department = printed or department
        if (m := _unit_said(folded)) or (line == title and (m := _TITLE_UNIT.search(folded))):
            said = AMOUNT_UNIT_SHORT.get(m.group("unit"), m.group("unit"))
            other = other or (said if unit and said != unit else None) or _second_unit(folded, m.end(), said)
            unit = unit or said
        if line == title:
            digits = _year_digits(folded)
            if (m := _title_year(digits) or _YEAR_IN_BRACKETS.search(digits)) and is_budget_year(int(m.group(1))):
                year, year_line = int(m.group(1)), line
        elif year is None and (m := _YEAR_LINE.match(_year_digits(folded))) and is_budget_year(int(m[1] or m[2])):
            year, year_line = int(m.group(1) or m.group(2)), line  # a title's year on its own line: ( 2024 年度)
    return Header(title, department, unit, year, generated, other, other_department, year_line, preparer)


def _until_label(text: str) -> tuple[str, bool]:
    """The text before the next label it prints (单位：万元, 填报日期：…), trimmed, and whether one ended it."""
    folded = fold(text)
    cut = _NEXT_LABEL.search(folded)
    return text[: cut.start() if cut else len(text)].strip(), cut is not None


# The rest of a department's name wrapped onto the next line (a cell's Alt+Enter: 广州市天河区 / 司法局, or a quoted
# cell of a text dump): a short line of a name's characters only (no colon: no label; no year; no unit) and none of
# the words the other title lines print (项目支出绩效目标表, （2024年度）, 单位：万元, 公开, 附件 …).
MAX_WRAPPED_LINES = 3
MAX_NAME_PART_CHARS = 40
_NAME_PART = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9Ａ-Ｚａ-ｚ０-９()〔〕【】、·\s]+")  # folded
_NOT_IN_A_NAME_PART = ("绩效", "预算", "支出", "年度", "单位", "公开", "附件", "说明", "目录")


def _name_part(text: str) -> bool:
    """Whether a line can be the rest of a wrapped department name rather than another title line."""
    if not text or len(text) > MAX_NAME_PART_CHARS:
        return False
    folded = fold(text)
    if not _NAME_PART.fullmatch(folded) or folded.endswith("表") or any(w in folded for w in _NOT_IN_A_NAME_PART):
        return False
    return not (_YEAR_IN_TEXT.search(folded) or _unit_said(folded) or NOTE_LINE.match(folded))


def _wrapped_name(lines: list[tuple[int, str]], i: int, name: str, quoted: bool = False) -> str:
    """The department name line i prints from ``name`` on (up to the next label), joined with nothing between
    with the lines its cell wrapped it onto: the next lines of the same row (a title cell's lines), of the next row
    (the wrap printed as separate lines), or up to its closing quote (a text dump's quoted cell). The name's
    lines never hold a line break that means anything; a following title line (单位：万元, （2024年度）, the
    table's title) is never read as a part of it, nor a line that does not end a name (see _ends_the_name)."""
    printed, cut = _until_label(name)
    quoted = quoted or printed.startswith('"')
    open_quote = quoted and not (len(printed) > 1 and printed.endswith('"'))
    parts, row = [printed.strip('"').strip() if quoted else printed], lines[i][0]
    if quoted and not open_quote:  # the quoted cell ends on its line: "部门名称：X"
        return parts[0]
    for n, line in lines[i + 1 : i + 1 + MAX_WRAPPED_LINES]:
        if cut or not (open_quote or n in (row, row + 1)):
            break
        part, cut = _until_label(line)
        closing = open_quote and part.endswith('"')
        part = part.rstrip('"').strip() if open_quote else part
        if not _name_part(part):
            break
        parts.append(part)
        row, open_quote = n, open_quote and not closing
        if quoted and not open_quote:
            break
    return parts[0] + "".join(parts[1 : _wrapped_parts(parts)])


# The last character of a department's name (广州市天河区司法局, …人民政府办公室（区外事局）, 中共…委员会, …第一中学);
# a place (…区, …镇) or a part of a word (…人民政府办公) ends no name, nor 本级, 项目, 2024 or A
_NAME_END = frozenset("局委会室办院所站心校学园馆队处部厅社团府庭署司行台宫场组科股盟联厂")
# a line break inside one of a name's last words after a character that can end a name: 委|员会, 办|公室, 学|校
_SEAMS = {"委": "员", "办": "公事", "学": "校院会", "会": "馆", "社": "区"}


def _ends_a_name(text: str) -> bool:
    """Whether text ends as a department's name does: its last character, or the last inside its closing brackets
    ((区外事局)); (本级), (含转移支付项目) and (一) end none."""
    text = fold(text).rstrip()
    if text.endswith(")"):  # its bracket may open on the line before: 办公室（区外 / 事局）
        text = text[text.rfind("(") + 1 : -1].rstrip()
    return bool(text) and text[-1] in _NAME_END


def _wrapped_parts(parts: list[str]) -> int:
    """How many of a name's lines (the first, then the candidate lines after it) are its: up to the last one that
    ends a name. A first line that ends a name already (广州市天河区司法局) goes on only into a bracketed part
    ((区外事局)) or the rest of its last word (中共广州市天河区委 / 员会): a unit's line after it (本级, 第一中学) or
    another department's is not the name's."""
    first = fold(parts[0]).rstrip()
    if len(parts) > 1 and _ends_a_name(first):
        second = fold(parts[1]).lstrip()
        if not (second.startswith("(") or second[:1] in _SEAMS.get(first[-1], "")):
            return 1
    return max((k + 1 for k in range(1, len(parts)) if _ends_a_name(parts[k])), default=1)


# a second unit right after the first (单位：元/万元, 单位：万元或元): which one the amounts are in is not said. It ends
# its clause (the line, a bracket, a stop): 单位：万元，元以下保留两位 names one unit and how it is rounded
_CLAUSE_END = r"(?=\s*(?:$|[()（）;；。.,，:：]))"
_SECOND_UNIT = re.compile(rf"\s*(?:[/、,]|或)\s*(?:人民币\s*)?(?P<unit>{AMOUNT_UNITS}){_CLAUSE_END}")


def _second_unit(folded: str, end: int, said: str) -> str | None:
    """Another amount unit printed right after the one a line says (单位：元/万元): the line names two."""
    m = _SECOND_UNIT.match(folded, end)
    return m.group("unit") if m and m.group("unit") != said else None


def _unit_said(folded: str) -> re.Match[str] | None:
    """The amount unit a line above the table prints: one of the tables' units, else another 元 (美元)."""
    found = _UNIT.search(folded) or _UNIT_LOOSE.search(folded) or _UNIT_ALONE.match(folded.strip())
    return found or _OTHER_UNIT.search(folded)


def department_in_row(cells: list[str]) -> str | None:
    """The department a grid row names as a title line does (部门名称：X alone in the row, its name's lines joined
    when the cell wraps it), else None: the second table of a file that holds two (a text dump, one sheet) reads
    its title lines as rows."""
    filled = [c for c in cells if c.strip()]
    if len(filled) != 1:
        return None
    lines = [(0, part.strip()) for part in filled[0].splitlines() if part.strip()]
    if not (m := _DEPARTMENT_LINE.match(fold(lines[0][1]))):
        return None
    return _wrapped_name(lines, 0, lines[0][1][m.start("name") :]) or None


# a department's own label (not 单位名称 or 预算单位: a unit's heading row inside a table may print those)
_DEPARTMENT_LINE = re.compile(r"^(?:部门名称|主管部门(?:名称)?|预算部门(?:名称)?)\s*:\s*(?P<name>.+)$")


def folder_year(path: Path | str) -> int | None:
    """The year of the nearest year folder above the file (the path as given), if any."""
    for part in reversed(Path(os.path.abspath(path)).parent.parts):
        if _YEAR_DIR.match(part) and is_budget_year(int(part)):
            return int(part)
    return None


def budget_year(path: Path, header: Header, override: int | None = None) -> int:
    """The year from --year, else the folder the file is filed in (the path as given: a symlink is not
    followed), else the title; never a guess. A year is MIN_YEAR..MAX_YEAR wherever it comes from."""
    if override is not None:
        if not is_budget_year(override):
            raise TableRefused(path, f"budget year {override} is outside {MIN_YEAR}..{MAX_YEAR}")
        return override
    if (folder := folder_year(path)) is not None:
        if header.year_in_text and header.year_in_text != folder:
            line = header.year_line or header.title or "title line"
            said = "the title says" if line == header.title else "a line above the table says"
            raise TableRefused(
                path,
                f"budget year disagrees: the folder says {folder}, {said} {header.year_in_text} ({line}); file it "
                f"under {header.year_in_text}/ or pass --year",
            )
        return folder
    if header.year_in_text:
        return header.year_in_text
    if folder := next((p for p in reversed(Path(os.path.abspath(path)).parent.parts) if _YEAR_DIR.match(p)), None):
        outside = f"its folder {folder}/ is outside {MIN_YEAR}..{MAX_YEAR}"
        raise TableRefused(path, f"no budget year: {outside}; file it under its year or pass --year")
    raise TableRefused(path, "no budget year: file it under a year folder (data/raw/<year>/) or pass --year")


def amount_unit(path: Path, line_unit: str | None, column_unit: str | None) -> str:
    """The table's amount unit: the header lines' (单位：万元), a column header's (总计（元）), else 万元. Two that
    disagree are a refusal: one of them is wrong, and nothing in the table says which."""
    if line_unit and column_unit and line_unit != column_unit:
        said = f"the lines above the table say 单位：{line_unit}, a column header says ({column_unit})"
        raise TableRefused(path, f"amount unit disagrees: {said}")
    return line_unit or column_unit or "万元"


UNIT_NOT_PRINTED = "amount unit not printed: read in 万元, the default"


def column_unit(path: Path, header_rows: list[GridRow]) -> str | None:
    """The amount unit the header's cells print, on its first row or its second (资金总额（元） under 项目资金): the
    second row's was not read, and a table printing its unit only there was read in the default 万元. Two that
    disagree (总计（万元） beside 财政拨款（元）) are a refusal: the first was read for every column, without a word."""
    units = list(dict.fromkeys(u for row in header_rows for u in header_units(row.cells)))
    if len(units) > 1:
        said = f"the column headers say ({units[0]}) and ({units[1]})"
        raise TableRefused(path, f"amount unit disagrees: {said}", header_rows[0].line_no)
    return units[0] if units else None


def table_with_unit(grid: Grid, header: Header, year: int | None, column_unit: str | None) -> SourceTable:
    """new_table in the unit amount_unit settles; a unit printed nowhere (no line, no column header) is noted, so
    normalise can tell a table in 元 read in the default 万元 (every amount x 10,000) by its amounts. A unit line
    under the table (单位：元 after the 合计) is the unit when nothing above states one, and a refusal when it
    contradicts what does (see unit_under_table)."""
    if header.other_unit:  # 单位：元 and 单位：万元 above one table: one is wrong (x or / 10,000), nothing says which
        said = f"the lines above the table say 单位：{header.source_unit} and 单位：{header.other_unit}"
        raise TableRefused(grid.path, f"amount unit disagrees: {said}")
    under = unit_under_table(grid, header.source_unit, column_unit)
    line_unit = header.source_unit or (under[1] if under else None)
    table = new_table(grid, header, year, amount_unit(grid.path, line_unit, column_unit))
    if not (line_unit or column_unit):
        table.notes.append(UNIT_NOT_PRINTED)
    elif under and not (header.source_unit or column_unit):
        table.notes.append(f"amount unit read from the line under the table (line {under[0]}: 单位：{under[1]})")
    return table


# a line stating the amount unit, printed under the table's last row: 单位：元, 金额单位:万元, (单位:元), 单位为元,
# 注：单位：万元, 注：本表金额单位为元。 (folded); an unknown unit (单位：美元) too, refused as one above the table is
_UNIT_NOTE = re.compile(
    r"^(?:(?:注|说明|备注)\s*[:\d]?\s*)?(?:本表\s*)?\(?\s*(?:金额|货币|资金)?单位\s*(?:[:/]|为)?\s*(?:人民币\s*)?"
    rf"(?P<unit>{AMOUNT_UNITS_OR_SHORT}|[\u4e00-\u9fff]{{1,3}}元)\s*\)?\s*[。.]?$"
)


def unit_line(cells: list[str]) -> str | None:
    """The unit a row of one filled cell states when that cell is a unit line (单位：元, 注：单位：万元), else None."""
    filled = [c for c in cells if c.strip()]
    if len(filled) != 1 or "单位" not in filled[0]:
        return None
    m = _UNIT_NOTE.match(fold(filled[0]).strip())
    return AMOUNT_UNIT_SHORT.get(m.group("unit"), m.group("unit")) if m else None


def without_unit_lines(rows: list[GridRow]) -> list[GridRow]:
    """The rows less the unit lines printed under the last one, among the notes there: the lines unit_under_table
    reads or refuses them from (a unit line followed by 注：… had been read as the unit and rejected as a row too)."""
    end = len(rows)
    while end and _under_the_table(rows[end - 1].cells):
        end -= 1
    return rows[:end] + [r for r in rows[end:] if unit_line(r.cells) is None]


def _under_the_table(cells: list[str]) -> bool:
    """A unit line, a note (注：…, 制表人：…) or an empty line: what may follow a table's last row."""
    filled = [c for c in cells if c.strip()]
    return unit_line(cells) is not None or all(NOTE_LINE.match(c) for c in filled)


def unit_under_table(grid: Grid, above: str | None, column: str | None) -> tuple[int, str] | None:
    """(line, unit) of a unit line under the table's last row (among the notes there), when the lines above the table
    and its column headers state no unit; None when there is none or it agrees with them. It was read as a last row
    cut short ("truncated mid-row"), or as a note (注：单位：元) while the table loaded in the default 万元.

    A unit line there that contradicts the unit stated above or in a column header, or another such line, is a
    refusal: one of them is wrong (x or / 10,000) and nothing says which."""
    said: list[tuple[int, str]] = []
    for row in reversed(grid.rows[1:]):  # the lines under the last row: notes, signatures, a page number, units
        if (unit := unit_line(row.cells)) is not None:
            said.append((row.line_no, unit))
        elif not _under_the_table(row.cells):
            break  # the table's last row: a unit line is looked for below it only
    said.reverse()  # in printed order: the first is the one the others are told against
    printed = above or column
    for line_no, unit in said:
        if unit != (printed or said[0][1]):
            where = f"the lines above the table say 单位：{above}" if above else f"a column header says ({column})"
            where = where if printed else f"line {said[0][0]} under the table says 单位：{said[0][1]}"
            reason = f"amount unit disagrees: {where}, line {line_no} under the table says 单位：{unit}"
            raise TableRefused(grid.path, reason, line_no)
    return None if printed or not said else said[0]


# a line that is a table's title: it ends in 表, or 表 and a bracket (…绩效目标表（含转移支付项目）)
_TITLE_END = re.compile(r"(?:绩效目标|项目支出).{0,30}表\s*(?:[(（][^()（）]{0,20}[)）])?\s*$")


def refuse_lines_inside(table: SourceTable, rows: list[GridRow]) -> None:
    """Refuse a line printed inside the table (at a page break, above the header printed again) that contradicts the
    table: a unit line (单位：元 in a table in 万元: which pages are in which unit?) or a title naming another year
    (2023年项目支出绩效目标表 in a 2024 table: a second table run on). Each was dropped, and the file loaded."""
    for row in rows:
        filled = [c for c in row.cells if c.strip()]
        if len(filled) != 1:
            continue
        if (unit := unit_line(row.cells)) is not None and unit != table.source_unit:
            reason = f"amount unit disagrees: the table is in {table.source_unit}, line {row.line_no} says 单位：{unit}"
            raise TableRefused(table.path, reason, row.line_no)
        line = filled[0].strip()
        if _TITLE_END.search(line) and (m := _title_year(_year_digits(fold(line)))) and int(m[1]) != table.budget_year:
            reason = (
                f"budget year disagrees: the table is of {table.budget_year}, line {row.line_no} inside it is the "
                f"title of a table of {m.group(1)} ({line[:80]}): two tables run together?"
            )
            raise TableRefused(table.path, reason, row.line_no)


def new_table(
    grid: Grid, header: Header, year: int | None, source_unit: str, department: str | None = None
) -> SourceTable:
    """An empty SourceTable for a grid: where it came from, its year, department and unit, and the reader's notes
    and rejects (every layout starts its table here, so none of them drops a field such as the notes)."""
    name = department if department is not None else header.department_name or ""
    if header.other_department:  # two tables run together, or a stale line: the last one won, silently
        raise TableRefused(grid.path, f"the lines above the table name two departments: {header.other_department}")
    if len(name) > MAX_DEPARTMENT_CHARS:
        reason = f"department name of {len(name):,} characters (the limit is {MAX_DEPARTMENT_CHARS}): {name[:40]}…"
        raise TableRefused(grid.path, reason)
    name = clean_department(name)
    return SourceTable(
        path=grid.path,
        sha256=grid.sha256,
        budget_year=budget_year(grid.path, header, year),
        department_name=name,
        title=header.title,
        source_unit=source_unit,
        projects=[],
        aggregates=[],
        is_generated=header.is_generated,
        source_format=grid.source_format,
        encoding=grid.encoding,
        notes=list(grid.notes),
        rejects=list(grid.rejects),
    )
