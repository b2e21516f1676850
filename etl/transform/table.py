"""Grid -> SourceTable: tell aggregate rows from project rows and split packed indicators."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from etl.extract.columns import (
    PART_COLUMNS,
    REQUIRED_COLUMNS,
    canonical_column,
    header_positions,
    is_header_row,
)
from etl.extract.grid_rows import UnderMerge
from etl.extract.invisible import visible_name, without_invisible
from etl.model import (
    AMOUNT_COLUMNS,
    AMOUNT_UNITS,
    AggregateRow,
    Grid,
    GridRow,
    ProjectRow,
    RefusalKind,
    Reject,
    SourceTable,
    Subtotal,
    TableRefused,
)
from etl.text import NOTE_LINE, fold, fold_key, header_key, prints_nothing, squash, strip_tags
from etl.transform.broken_lines import join_broken_lines, join_wrapped_names
from etl.transform.department import clean_department, department_in_title
from etl.transform.doubled_columns import refuse_doubled_columns
from etl.transform.header import column_unit, department_in_row, parse_header, refuse_lines_inside, table_with_unit
from etl.transform.indicators import ItemError, parse_indicators, split_items
from etl.transform.normalise import AmountError, to_yuan
from etl.transform.page_totals import PAGE_KINDS, page_row_kind
from etl.transform.per_row import ProjectCursor, RowError, add_indicator, has_indicator, is_per_row, split_code
from etl.transform.target_values import without_comparison_word
from etl.transform.truncation import refuse_if_truncated

GRAND_TOTAL_NAMES = frozenset({"合计", "总计", "合 计", "总 计"})
# 合计 printed with a colon or its unit after it (合计：, 合计（万元）, 总 计:), or as 总合计: the grand total still (it
# was a unit named 合计：, a level over the units, and the table had no 合计)
_TOTAL_DRESSING = re.compile(rf"(?:[:：]|\((?:单位[:：]?)?(?:{AMOUNT_UNITS})\))+$")
# …and the words of the whole table's total a department may print instead (项目合计, 全部合计, 合计数): they were a
# unit named so, the department's name when no 部门名称 line printed one
_TOTAL_WORDS = frozenset(
    {"合计", "总计", "总合计", "项目合计", "全部合计", "合计数", "总计数", "项目总计", "全部项目合计"}
)


def is_grand_total(name: str) -> bool:
    """Whether a row's name says it is the table's 合计 (any spacing, a colon or a unit after it)."""
    key = fold(name).replace(" ", "")
    return key in GRAND_TOTAL_NAMES or (key[:1] in "合总项全" and _TOTAL_DRESSING.sub("", key) in _TOTAL_WORDS)


_UNQUOTED = frozenset({"text", "pipe"})  # readers whose cells cannot hold a line break
MAX_CELL_CHARS = 32767  # Excel's own limit for one cell
_ROW_NUMBER = re.compile(r"^[\d一二三四五六七八九十百（）()、.．\s]*$")  # 1, 12, 一、, (三): a 序号 cell's own text
_AMOUNTISH = re.compile(r"^[-+]?[\d,]+(?:\.\d+)?\s*(?:万元|元|万)?$")
_OPERATORS = frozenset({"", "≥", "≤", "=", "＝", ">", "<", "＞", "＜", "≧", "≦", ">=", "<=", "定性", "定量", "无"})
_GROUP_CODE = re.compile(r"^(?P<code>\d{3,})\s*[-－—]\s*(?P<name>\S.*)$")
# words a project name may begin with 文 (文化站…, 文物保护…): after …号 the 文 is the name's, not the reference's 号文
# a name that begins with one of these words of 文 keeps it: 文化, 文物 …, and places (文昌, 文山, 文峰, 文庙)
_WEN_WORDS = "化物明艺体旅献史书档印创娱秘字具博教卫保联广宣稿电昌山峰庙"
_WENJIAN_WORDS = "柜夹袋盒架箱"  # 文件柜购置经费: a name beginning with 文件 (a file cabinet), not a document 号文件
_OPEN = r"\[【〔(（［﹝〖"
_CLOSE = r"\]】〕)）］﹞〗"
_SEP = r"\-－—–:：、,，;；/|"
_WEN = rf"(?:文件(?![{_WENJIAN_WORDS}])|文(?![件{_WEN_WORDS}]))?+"  # …79号文 / …79号文件: the document referred to
_NUMBER = rf"第?\s*\d{{1,4}}(?:\s*[、,，]\s*\d{{1,4}})*\s*号{_WEN}"  # 79号, 第 79 号, 79、80号 (…号文)
# a word of a place after a number (3号楼, 1号线, 5号院) makes it an address unless an issuer precedes the year
# (穗财政【2023】185号院前急救…: the name begins with 院)
_ADDRESS = "楼线栋幢座室院"
# a reference but its issuer, 【2023】79号 (the issuer, read to its left, is found apart: _issuer_start)
_CORE = re.compile(rf"[{_OPEN}]\s*\d{{4}}\s*[{_CLOSE}]\s*{_NUMBER}")
# a further number of the same issuer: 穗财政【2023】79号、80号, …79号及〔2023〕80号 (not …79号、1号线…, 2号楼…)
_CONT = re.compile(
    rf"\s*(?:[、,，;；/]|以及|及|和|与)\s*(?P<ref>(?:[{_OPEN}]\s*\d{{4}}\s*[{_CLOSE}]\s*)?{_NUMBER})(?![{_ADDRESS}])"
)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[^\W_]")
_JOINER = re.compile(r"以及|及|和|与|并")
# words before a reference: 根据, 依据, 按照 … 文号 go with it (dropped from the name); 提前下达, 下达 … are the
# project's own wording (kept in the name); either way the issuer begins after them
_LEAD_DROPPED = "根据|依据|按照|依照|文号|按"
_LEAD_KEPT = "提前下达|提前拨付|转下达|下达|拨付|预拨|追加|安排"
_LEAD = re.compile(rf"{_LEAD_DROPPED}|{_LEAD_KEPT}")
_LEAD_ONLY = re.compile(rf"(?:{_LEAD_KEPT}|的|\s|[{_SEP}{_OPEN}{_CLOSE}])*")
# an issuer glued to the name before it (法律援助经费穗财预〔2023〕12号) begins with a place or 财/国: 穗财预, 财预
_ISSUER_FIRST = frozenset("京津沪渝冀晋辽吉黑苏浙皖闽赣鲁豫鄂湘粤琼川蜀贵黔云滇陕秦甘陇青宁新藏桂蒙穗深珠莞佛财国")
_MAX_ISSUER = 8
_GLUED_ISSUER = 6
# a run of at most this many before the year is an issuer whole (穗财政, 粤财社, 粤教高函, 穗人社发); a longer one
# holds the end of a name (法律援助穗财政【2023】79号经费): its issuer begins as a glued one does
_SHORT_ISSUER = 4
# (2023) in round brackets is also a name's (小区(2023)3号改造): there the issuer must read as one, a place, 财 or 国
# or a word of the documents' kinds (中办发, 人社部函, 教财字); see _reads_as_document
_ROUND = frozenset("(（")
_ISSUER_WORDS = _ISSUER_FIRST | frozenset("发函办字府")
# the name is cleaned with a hole where each run of references stood
_HOLE = "\x00"
_HOLES = re.compile(rf"{_HOLE}(?:\s*(?:[、,，;；/+＋]|以及|及|和|与|并)?\s*{_HOLE})+")  # 79号、穗财政【2023】80号
_HOLE_LEAD = re.compile(rf"(?:{_LEAD_DROPPED})\s*[:：]?\s*{_HOLE}")  # 根据穗财政…, 文号：穗财政…
_HOLE_TAIL = re.compile(  # …79号下达的, （穗财政…79号下达）, …79号文件精神 (at the end): the reference's words
    rf"{_HOLE}\s*(?:(?:精神|要求|规定)?(?:提前下达|转下达|下达|拨付|安排|分配|追加)(?:的|(?=\s*[{_CLOSE}]|\s*$))"
    rf"|(?:精神|要求|规定)(?=\s*[{_CLOSE}]|\s*$))"
)
_HOLE_BRACKETED = re.compile(rf"[{_OPEN}]\s*{_HOLE}\s*[{_CLOSE}]")
_HOLE_FIRST = re.compile(rf"^[\s{_OPEN}]*{_HOLE}[\s{_CLOSE}{_SEP}]*")
_HOLE_LAST = re.compile(rf"[\s{_OPEN}{_SEP}]*{_HOLE}[\s{_CLOSE}]*$")
_HOLE_INSIDE = re.compile(rf"\s*([{_SEP}])?\s*{_HOLE}\s*([{_SEP}])?\s*")


def _issuer_start(printed: str, bracket: int, floor: int, name_follows: bool) -> int | None:
    """Where the issuer of the reference whose year opens at ``bracket`` begins; None: it has none.

    The issuer is the run of CJK characters before the bracket, not reaching back past ``floor`` (the end of the
    previous reference); a joiner (及, 和) just after that reference and a word leading the reference (根据,
    提前下达 …) are not the issuer's. Led by a separator or bracket, such a word, or the start of the text with
    the name after the reference, a run of up to four characters is the issuer (穗财政, 粤财社, 粤教高函); glued to
    the text before it (法律援助经费穗财预〔2023〕12号, 2024年穗财政【2023】79号…), or a longer run (法律援助穗财政
    【2023】79号经费: the name's words before the issuer), the issuer begins at its first place or 财/国 among the last
    six characters, else (中共中央办公厅) a bounded run of up to eight is the issuer whole."""
    end = bracket
    while end > floor and printed[end - 1].isspace():
        end -= 1
    start = end
    while start > floor and _CJK.match(printed[start - 1]):
        start -= 1
    start = _spaced(printed, start, end, floor)
    at_text_start = not printed[:start].strip(_OPEN + " \t")
    bounded = (at_text_start and name_follows) or (start > floor and not _WORD.match(printed[start - 1]))
    if floor and start == floor and (joiner := _JOINER.match(printed, start, end)):
        start, bounded = joiner.end(), True
    if (lead := max((m.end() for m in _LEAD.finditer(printed, start, end)), default=None)) is not None:
        start, bounded = lead, True  # the last such word: 根据穗财政…, 提前下达穗财政…
    if start == end:
        return None
    if bounded and end - start <= _SHORT_ISSUER:
        return start
    glued = next((i for i in range(max(start, end - _GLUED_ISSUER), end - 1) if printed[i] in _ISSUER_FIRST), None)
    return start if glued is None and bounded and end - start <= _MAX_ISSUER else glued


def _spaced(printed: str, start: int, end: int, floor: int) -> int:
    """Where an issuer printed one character at a time (穗 财 政〔2023〕79号, a PDF's letter-spaced text) begins, when
    the run of CJK before the bracket is one character: it was read as 政, the rest left in the name (穗 财法律援助)."""
    if end - start != 1:
        return start
    while (
        start - 2 >= floor
        and printed[start - 1].isspace()
        and _CJK.match(printed[start - 2])
        and (start - 3 < floor or not _CJK.match(printed[start - 3]))
    ):
        start -= 2
    return start


def is_document_only(text: str) -> bool:
    """Whether the text prints nothing but document references (穗财政【2023】79号, （穗财预〔2023〕12号）): a line of
    its own above the project it belongs to, in a text dump."""
    if "号" not in text:
        return False
    refs, spans = _references(text)
    starts, ends = [0, *(e for _, e in spans)], [*(s for s, _ in spans), len(text)]
    rest = "".join(text[a:b] for a, b in zip(starts, ends, strict=True))
    return bool(refs) and not rest.strip(" \t()（）[]【】,，、;；")


def _references(printed: str) -> tuple[list[str], list[tuple[int, int]]]:
    """The document references printed, in order, and the spans they take (a run of them: one span)."""
    refs: list[str] = []
    spans: list[tuple[int, int]] = []
    floor = pos = 0
    while core := _CORE.search(printed, pos):
        end = core.end()
        more = []
        while cont := _CONT.match(printed, end):
            more.append(cont.group("ref"))
            end = cont.end()
        start = _issuer_start(printed, core.start(), floor, bool(_WORD.search(printed, end)))
        if start is None or not _reads_as_document(printed, core, start):
            pos = core.start() + 1
            continue
        refs += [printed[start : core.end()], *more]
        spans.append((start, end))
        floor = pos = end
    return refs, spans


def _reads_as_document(printed: str, core: re.Match[str], start: int) -> bool:
    """Whether a year and number are a document's: in 【】〔〕 before no address word, or after an issuer that reads
    as one (a place, 财 or 国, or a word of the documents' kinds). 小区(2023)3号改造 and 学校【2023】3号楼改造 are
    names; 中办发(2023)5号, 穗财政【2023】185号院前急救… are documents."""
    after = printed[core.end() : core.end() + 1]
    if printed[core.start()] not in _ROUND and not (after and after in _ADDRESS):
        return True
    return bool(_ISSUER_WORDS.intersection(printed[start : core.start()]))


# the common printing, read by one match (0.7 µs against 7 for the general reading, which gives the same):
# one reference first in 【】〔〕[] (round brackets ask more of the issuer), its issuer at most 4 characters and no
# word of a lead-in (根据, 提前下达 …), no address after 号 (3号楼), then a name that holds no other 号, begins with
# a word's character and not with the reference's verb (下达的 …)
_LEADING_DOC = re.compile(
    rf"^[(（]?(?P<doc>[\u4e00-\u9fff]{{1,{_SHORT_ISSUER}}}\s*[\[【〔]\s*\d{{4}}\s*[\]】〕]\s*第?\s*\d{{1,4}}\s*号"
    rf"(?![{_ADDRESS}]){_WEN})"
    r"[)）]?\s*[-－—:：、]?\s*(?P<name>\S.*)$"
)
_REFERENCE_VERBS = ("精神", "要求", "规定", "提前下达", "转下达", "下达", "拨付", "安排", "分配", "追加")


def _one_leading_doc(printed: str) -> tuple[str, str] | None:
    """split_transfer_doc's result for the common printing 穗财政【2023】79号名称, else None (read in full)."""
    m = _LEADING_DOC.match(printed)
    if m is None:
        return None
    doc, name = m["doc"], m["name"].strip()
    if "号" in name or _LEAD.search(doc) or not _WORD.match(name) or name.startswith(_REFERENCE_VERBS):
        return None
    return None if _LEAD_ONLY.fullmatch(name) else (doc.strip(), _after_spirit(doc, name))


def _after_spirit(doc: str, name: str) -> str:
    """The name without the 精神 of a reference's …号文件精神 (the document's spirit, the reference's words): 穗财政
    〔2023〕第79号文件精神人民调解经费 is 人民调解经费 (it was 精神人民调解经费)."""
    if doc.rstrip().endswith("文件") and name.startswith("精神") and _WORD.search(rest := name[2:].lstrip("，,、:： ")):
        return rest
    return name


def split_transfer_doc(printed: str) -> tuple[str | None, str]:
    """穗财政【2023】79号专职人民调解服务项目经费 -> (穗财政【2023】79号, 专职人民调解服务项目经费).

    Every document reference with its issuer and year is set apart, wherever it is printed and however many:
    before the name (（穗财政【2023】79号）…, 穗财政[2023]第79号-…), after it (…经费（穗财政【2023】79号）,
    …经费-穗财预〔2023〕12号), several (穗财政【2023】79号、80号…, 穗财预〔2023〕12号及穗财预〔2023〕15号…,
    穗财政【2023】79号,穗财政【2023】80号…); the document is the references as printed, joined by 、 in printed
    order, and the name what remains, without the brackets, separators and joiners the references leave, and
    without the words that belong to a reference (根据…, 依据…, 文号：…, …下达的). A word of the project's own
    (提前下达2024年…资金) stays.
    Brackets 【】〔〕[]［］()（）﹝﹞〖〗, 第79号, spaces inside the reference are read alike.

    A bare number (12号楼维修, 79号文法律顾问经费) is part of the name, and a name that would be only a document
    (or a word leading it) is not split. A reference written …号文 or …号文件 keeps 文/文件 in the document:
    穗财政【2023】79号文法律顾问经费 -> (穗财政【2023】79号文, 法律顾问经费). Cut after 号, the name was 文法律顾问经费,
    another name than next year's 穗财政【2024】12号法律顾问经费 (法律顾问经费), so one project read as two (or linked
    only by a fuzzy score). A name beginning with a word of 文 (…79号文化站建设经费) keeps its 文. The row keeps
    the name as printed (printed_name)."""
    if "号" not in printed:
        return None, printed
    if found := _one_leading_doc(printed):
        return found
    refs, spans = _references(printed)
    if not refs:
        return None, printed
    text = printed
    for start, end in reversed(spans):
        text = f"{text[:start]}{_HOLE}{text[end:]}"
    text = _HOLES.sub(_HOLE, text)
    text = _HOLE_LEAD.sub(_HOLE, text)
    text = _HOLE_TAIL.sub(_HOLE, text)
    text = _HOLE_BRACKETED.sub(_HOLE, text)
    text = _HOLE_FIRST.sub("", text, count=1)
    text = _HOLE_LAST.sub("", text, count=1)
    name = _HOLE_INSIDE.sub(lambda m: m[1] if m[1] and m[2] else "", text).strip()
    if not _WORD.search(name) or _LEAD_ONLY.fullmatch(name):
        return None, printed
    spirit = printed[spans[0][1] :].startswith("精神")  # …号文件精神 right after the first reference
    return "、".join(r.strip() for r in refs), _after_spirit(refs[0], name) if spirit else name


def parse_grid(grid: Grid, year: int | None = None) -> SourceTable:
    """Classify the grid's rows; rows that cannot be read become rejects, not errors."""
    header = parse_header(grid.preamble)
    if not grid.rows:
        reason = "no header row (项目名称 | 总计 | … | 绩效指标) found"
        raise TableRefused(grid.path, reason, kind=RefusalKind.NOT_A_TARGET_TABLE)
    titles = frozenset(fold_key(line) for _, line in grid.preamble if line.strip())
    rows = [r for r in grid.rows[1:] if not _is_note(r, titles)]
    positions, header_rows, rows = header_block(grid.rows[0], rows)  # a header on two rows or three
    refuse_unknown_sub_columns(grid.path, header_rows, rows, positions)
    positions = packed_value(positions)
    # an export of targets may print no amounts at all: its projects are read with 0 (the header says so)
    missing = [c for c in REQUIRED_COLUMNS if c not in positions and not (c == "total" and is_per_row(positions))]
    if missing:
        raise TableRefused(
            grid.path,
            f"header row lacks column(s): {', '.join(missing)}",
            grid.rows[0].line_no,
            RefusalKind.UNSUPPORTED_LAYOUT,
        )
    table = table_with_unit(grid, header, year, _columns_unit(grid, header_rows, rows, positions, header.source_unit))
    cursor: ProjectCursor | None = None
    if is_per_row(positions):
        rows = right_align_short_rows(rows, len(grid.rows[0].cells), positions)
        positions = infer_target_columns(grid.rows[0].cells, rows, positions)
        if grid.source_format in _UNQUOTED:  # a name wrapped onto a line of its own
            rows = join_wrapped_names(rows, positions)
    elif grid.source_format == "pdf":
        rows = join_page_breaks(rows, positions)
    rows = drop_repeated_headers(rows, positions, grid.rows[0].cells)
    refuse_doubled_columns(grid.path, grid.rows[0].cells, rows, positions)
    _refuse_a_second_table(table, rows)
    if not is_per_row(positions):
        if grid.source_format in _UNQUOTED:  # a cell's line breaks written as they are
            rows = join_broken_lines(rows, positions, len(grid.rows[0].cells))
        rows = join_continued_indicators(rows, positions)
    rows = restore_leading_cells(rows, positions, len(grid.rows[0].cells))
    refuse_lines_inside(table, rows)  # (after a cell's broken lines are joined: a goal's line may name a 表)
    amounts = (*AMOUNT_COLUMNS, *(c for c in positions if "+" in c))  # and a part's second column (fiscal+5)
    named = max(i for r in header_rows for i, c in enumerate(r.cells) if c.strip())  # (a remark column: 备注)
    for row in rows:
        cursor = _classify_row(table, row, positions, cursor, amounts, named)
    refuse_if_truncated(table, rows, positions, _is_note(grid.rows[-1], titles))  # a note under the table
    _group_rows(table)
    refuse_unknown_parts(table, header_rows, rows, positions)
    refuse_unknown_targets(table, header_rows, rows, positions)
    if not table.department_name:
        named = _first_unit(table) or header.preparer or department_in_title(table.title)
        table.department_name = clean_department(named or _refuse_no_department(grid.path))
    return table


def _refuse_a_second_table(table: SourceTable, rows: list[GridRow]) -> None:
    """A row that names another department as a title line does (部门名称：X) starts a second table: its projects
    were filed under the first department, in the first table's unit, and the load said nothing."""
    own = fold_key(table.department_name)  # already cleaned (header.new_table)
    for row in rows:
        named = department_in_row(row.cells)
        if named and own and fold_key(named) != own:
            said = f"line {row.line_no} names {named}, after the table of {table.department_name}"
            raise TableRefused(table.path, f"several tables in one file: {said}; load each from a file of its own")


_MONEY = re.compile(r"资金|拨款|收入|预算|金额|经费|结转|结余|补助|投资|自筹|筹措|筹集")
_NOT_A_PART = re.compile(r"中期|实施期|项目期|总投资|累计|上年|以前年度|三年|总额")


def refuse_unknown_parts(
    table: SourceTable, header_rows: list[GridRow], rows: list[GridRow], positions: dict[str, int]
) -> None:
    """A column whose header names money the column map does not know (单位资金 as 自有资金来源…), holding amounts in
    project rows that print no known part of the total: its amounts would load as 0 parts with nothing to say so
    (budget_parts_add_up skips a project whose parts are all 0). Refused, naming the column, to be added to the map."""
    known = set(positions.values())
    unknown = {
        i: cell.strip()
        for r in header_rows
        for i, cell in enumerate(r.cells)
        if i not in known and cell.strip() and _MONEY.search(cell) and canonical_column(cell)[0] is None
    }
    if not any(c in positions for c in PART_COLUMNS):  # no breakdown printed: a period amount is no part
        unknown = {i: name for i, name in unknown.items() if not _NOT_A_PART.search(name)}
    if not unknown:
        return
    cells = {r.line_no: r.cells for r in rows}
    for project in table.projects:
        printed = cells.get(project.line_no, [])
        held = [i for i in unknown if i < len(printed) and _is_amount(squash(printed[i])) and _nonzero(printed[i])]
        if held and not any(_nonzero(project.raw_amounts.get(c, "")) for c in PART_COLUMNS):
            reason = (
                f"column {unknown[held[0]]!r} holds amounts ({project.project_name}: {squash(printed[held[0]])}) but "
                "is no known part of the total: add its name to etl/extract/columns.csv"
            )
            raise TableRefused(table.path, reason, project.line_no, RefusalKind.UNSUPPORTED_LAYOUT)


_TARGET_VALUE = re.compile(r"(?:指标|目标)值$")
# a value of another year or a base printed beside the table's own targets (上年指标值, 基期指标值, 参考目标值)
_OTHER_VALUE = re.compile(r"^(?:上一?年度?|往年|去年|前年|历史|基期|基准|参考)")
_BRACKETED = re.compile(r"[(\[【][^()\[\]【】]*[)\]】]")


def refuse_unknown_targets(
    table: SourceTable, header_rows: list[GridRow], rows: list[GridRow], positions: dict[str, int]
) -> None:
    """A column whose header names a goal (项目年度绩效目标, 绩效目标【年度】) where the map found none, or a target
    value (全年指标值, …目标值) in a one-indicator-per-row export, that the column map does not know, holding text:
    its cells were left unread and every project loaded without its goal or targets, saying nothing. Refused, naming
    the column, to be added to the map (etl/extract/columns.csv)."""
    known = set(positions.values())
    for header in header_rows:
        for i, cell in enumerate(header.cells):
            if i in known or not cell.strip() or canonical_column(cell)[0] is not None:
                continue
            what = _unread_targets(_BRACKETED.sub("", header_key(cell)), positions)
            if what and any(squash(_at(r.cells, i)) for r in rows):
                said = f"column {squash(cell)!r} holds {what} but is no column the map knows"
                reason = f"{said}: add its name to etl/extract/columns.csv"
                raise TableRefused(table.path, reason, header.line_no, RefusalKind.UNSUPPORTED_LAYOUT)


def _unread_targets(key: str, positions: dict[str, int]) -> str | None:
    """What an unknown header cell's column would hold that the table then loads without: target values beside the
    per-row columns, goals or packed indicators where the map found no such column."""
    if is_per_row(positions):  # 上年指标值 beside this year's 指标值: another year's, printed for comparison
        other = _OTHER_VALUE.match(key) is not None and "value" in positions
        return "target values" if _TARGET_VALUE.search(key) and not other else None
    if "目标" in key and "goal" not in positions:
        return "goals"
    return "indicators" if "指标" in key and "indicators" not in positions else None


def _nonzero(text: str) -> bool:
    return any(c in "123456789" for c in text)


_NOT_A_HEADING = frozenset("0123456789-+.,¥￥—–/０１２３４５６７８９")


def drop_repeated_headers(
    rows: list[GridRow], positions: dict[str, int], header: list[str] | None = None
) -> list[GridRow]:
    """The column header row printed again inside the table (at a page break of a Word or HTML table converted
    from print, a text dump of several pages) is read once: it was a row without amounts, rejected twice. So is the
    second row of a header on two rows printed again under it (a row of no name: 'row has no project name'), and a
    header printed again broken over two lines at a cell's line break (项目名称（资金使用 / 单位）| 总计 | …: a unit
    named 项目名称（资金使用 and a rejected row)."""
    at = positions.get("total")
    if at is None:
        return rows
    kept: list[GridRow] = []
    after_header = False  # the row before was a header printed again: its second row (财政拨款 | 其他资金 …) goes too
    i = 0
    while i < len(rows):
        r = rows[i]
        if _repeats_header(r, at) or (after_header and (sub_header(r.cells) or second_header_row(header, r.cells))):
            after_header, i = True, i + 1
        elif i + 1 < len(rows) and _repeats_broken_header(r, rows[i + 1], at):
            after_header, i = True, i + 2
        else:
            after_header, i = False, i + 1
            kept.append(r)
    return kept


def _repeats_broken_header(first: GridRow, second: GridRow, total_at: int) -> bool:
    """Whether two rows joined at a line break (the first's last cell and the second's first) are the header."""
    seam = len(first.cells) - 1
    if seam < 0 or not second.cells or not first.cells[-1].strip() or not second.cells[0].strip():
        return False
    if total_at == seam:
        total = first.cells[-1].strip() + second.cells[0].strip()
    else:
        total = (first.cells[total_at] if total_at < seam else _at(second.cells, total_at - seam)).strip()
    if not total or total[0] in _NOT_A_HEADING or canonical_column(total)[0] != "total":  # (the common case)
        return False
    joined = first.cells[-1].strip() + second.cells[0].strip()
    return _repeats_header(GridRow(first.line_no, [*first.cells[:-1], joined, *second.cells[1:]]), total_at)


def _repeats_header(row: GridRow, total_at: int) -> bool:
    cell = row.cells[total_at].strip() if total_at < len(row.cells) else ""
    return bool(cell) and cell[0] not in _NOT_A_HEADING and is_header_row([c.strip() for c in row.cells])


def join_page_breaks(rows: list[GridRow], positions: dict[str, int], page_rows: int = 1000) -> list[GridRow]:
    """A PDF row broken by a page: the next page's first row has no name and continues the previous row's cells.

    Only for layouts with one row per project (never the per-row layout, whose nameless rows are
    indicators). Row numbers of PDF grids are page * 1000 + the row's position on its page.
    """
    name_at = positions.get("project_name", 0)
    out: list[GridRow] = []
    for r in rows:
        first_on_page = r.line_no % page_rows <= 2
        nameless = not (r.cells[name_at].strip() if name_at < len(r.cells) else "")
        if out and first_on_page and nameless and any(c.strip() for c in r.cells):
            at = _continued(out, name_at)
            prev = out[at]
            width = max(len(prev.cells), len(r.cells))
            cells = [_cat(_at(prev.cells, i), _at(r.cells, i)) for i in range(width)]
            out[at] = GridRow(prev.line_no, cells)
            continue
        out.append(r)
    return out


def _continued(rows: list[GridRow], name_at: int) -> int:
    """The row a page's nameless first row continues: the last one, or the one before the page's totals printed
    under it (本页合计, 过次页: the rest of the broken row was run into the total)."""
    at = len(rows) - 1
    while at > 0 and page_row_kind(_at(rows[at].cells, name_at).strip()):
        at -= 1
    return at


_COMPARISONS = frozenset({"≥", "≤", "=", "＝", ">", "<", "＞", "＜", "≧", "≦", ">=", "<="})
_UNIT_LIKE = re.compile(r"^(?:%|％|‰|[^\W\d_]{1,4})$")
_NOT_UNITS = frozenset({"正向", "反向", "正", "反", "逆向", "定性", "定量", "无"})


def _columns_unit(
    grid: Grid, header_rows: list[GridRow], rows: list[GridRow], positions: dict[str, int], line: str | None
) -> str | None:
    """The amount unit the columns print: in a header (总计（元）), or in a column of its own headed 单位 that prints
    元 (or 万元) on every row printing a total (round 31's hunt: it was not read, and under 单位：万元 every amount was
    loaded 10,000 times too large; with no unit line the table was refused as printing its unit nowhere). One that
    disagrees with a header or the unit line is a refusal, as a header's and a line's are (header.amount_unit)."""
    in_header = column_unit(grid.path, header_rows)
    total = positions.get("total")
    if is_per_row(positions) or total is None:  # a per-row export's 单位 is the targets' (人次, %)
        return in_header
    taken = set(positions.values())
    priced = [r for r in rows if total < len(r.cells) and r.cells[total].strip()]
    for i, cell in enumerate(grid.rows[0].cells):
        if i in taken or fold_key(cell) not in _UNIT_COLUMN_HEADERS or not priced:
            continue
        printed = {fold_key(r.cells[i]) if i < len(r.cells) else "" for r in priced}
        if len(printed) == 1 and (unit := printed.pop()) in ("元", "万元"):  # every priced row, one unit
            if (said := in_header or line) and said != unit:
                where = f"the column headers say ({in_header})" if in_header else f"the unit line says 单位：{line}"
                raise TableRefused(
                    grid.path, f"amount unit disagrees: {where}, the column {cell.strip()} says {unit} on every row"
                )
            return unit
    return in_header


_UNIT_COLUMN_HEADERS = frozenset(("单位", "金额单位", "资金单位", "货币单位"))


def infer_target_columns(header: list[str], rows: list[GridRow], positions: dict[str, int]) -> dict[str, int]:
    """The per-row columns beside 指标值 that the column map does not name (指标值符号, 单位): the one before it
    holding only ≥ ≤ = is the comparison, the one after it holding only unit words (%, 公里, 万平方米) the unit.
    Left out, a target lost its sign or unit with nothing to say so (≥30公里 loaded as 30公里 or ≥30)."""
    at = positions.get("value")
    if at is None:
        return positions
    known = set(positions.values())
    found = dict(positions)
    for column, i, fits in (("comparison", at - 1, _COMPARISONS.__contains__), ("unit", at + 1, _is_unit_word)):
        if column in positions or i < 0 or i in known or (i < len(header) and canonical_column(header[i])[0]):
            continue
        values = [squash(r.cells[i]) for r in rows if i < len(r.cells) and r.cells[i].strip()]
        if len(values) >= 2 and all(fits(v) for v in values):
            found[column] = i
    return found


def _is_unit_word(text: str) -> bool:
    """A unit word, also with the comparison word a per-row export prints after it (%以下, 次以上: round 31's hunt,
    a column headed 单位 holding them was dropped unsaid, every target's unit lost and 15%以下 read = 15)."""
    text = without_comparison_word(text)
    return bool(_UNIT_LIKE.match(text)) and text not in _NOT_UNITS and "指标" not in text


def join_continued_indicators(rows: list[GridRow], positions: dict[str, int]) -> list[GridRow]:
    """A project's packed 绩效指标 printed one item per row, its name, amounts and goal in cells merged over those
    rows (a workbook, a Word or HTML table): a row with only the 绩效指标 cell, whose items continue the numbering
    of the project row above, is joined to it (was: 'row has no project name', every item after the first lost)."""
    at = positions.get("indicators")
    if at is None:
        return rows
    name_at = positions.get("project_name", 0)
    out: list[GridRow] = []
    for r in rows:
        if not out or (name_at < len(r.cells) and r.cells[name_at].strip()):  # a named row (the common case)
            out.append(r)
            continue
        more = r.cells[at].strip() if at < len(r.cells) else ""
        amounts = _amounts_under_merge(out[-1], r, at, positions)
        if more and (_only_cell(r, at) or amounts):
            if not _continues_items(out[-1], at, positions, more):  # numbered from 1 again: only under the merge
                more = _numbered_on(out[-1], at, positions, more) if isinstance(r.cells, UnderMerge) else ""
            if more:
                prev = out[-1]
                joined = [*prev.cells[:at], prev.cells[at] + "\n" + more, *prev.cells[at + 1 :]]
                for i, value in (amounts or {}).items():
                    joined += [""] * (i + 1 - len(joined))
                    joined[i] = value
                out[-1] = GridRow(prev.line_no, joined)
                continue
        out.append(r)
    return out


def _amounts_under_merge(prev: GridRow, row: GridRow, at: int, positions: dict[str, int]) -> dict[int, str]:
    """The amounts a row under the project's merged cells prints where the project row printed none (其他资金 on the
    second of the project's two rows, its name, 总计 and goal merged over both), by column; {} unless every other
    cell it prints is such an amount (the row was a reject, 'row has no project name', and its amount lost)."""
    if not isinstance(row.cells, UnderMerge):
        return {}
    columns = {positions[c] for c in AMOUNT_COLUMNS if c in positions}
    found = {i: c for i, c in enumerate(row.cells) if i != at and c.strip()}
    if not found or any(i not in columns or (i < len(prev.cells) and prev.cells[i].strip()) for i in found):
        return {}
    return found


def _numbered_on(prev: GridRow, at: int, positions: dict[str, int], more: str) -> str:
    """The items of a row that holds only a 绩效指标 cell numbered from 1 again (a list printed a row per indicator
    type, the project's name, amounts and goal merged over its rows: the row lies under the merge), numbered on from
    the project row's above: its items were a reject, 'row has no project name'. '' when either list does not read as
    items numbered from 1. A row outside the merge numbered from 1 again is still a reject."""
    before = prev.cells[at] if at < len(prev.cells) else ""
    if not before.strip() or not _cell(prev.cells, positions, "project_name"):
        return ""
    try:
        had = split_items(before)
        items = split_items(more)
    except ItemError:
        return ""
    if not had or not items or items[0][0] != 1:
        return ""
    return "\n".join(f"{len(had) + seq}、{body}" for seq, body in items)


def _only_cell(row: GridRow, at: int) -> bool:
    return all(not c.strip() for i, c in enumerate(row.cells) if i != at)


def _continues_items(prev: GridRow, at: int, positions: dict[str, int], more: str) -> bool:
    """Whether ``more`` numbers on from the items of the project row ``prev`` (2、 after 1、)."""
    before = prev.cells[at] if at < len(prev.cells) else ""
    if not before.strip() or not _cell(prev.cells, positions, "project_name"):
        return False
    try:
        return len(split_items(before + "\n" + more)) > len(split_items(before))
    except ItemError:
        return False


def _at(cells: list[str], i: int) -> str:
    return cells[i] if i < len(cells) else ""


def _cat(a: str, b: str) -> str:
    """Two halves of one cell; a space only between two Latin letters (as PDF line wraps are joined)."""
    return f"{a} {b}" if a and b and _latin_seam(a, b) else a + b


def _latin_seam(a: str, b: str) -> bool:
    """Whether a wrapped line's two sides, both non-empty, meet between two Latin letters (a word break)."""
    return a[-1].isascii() and a[-1].isalpha() and b[0].isascii() and b[0].isalpha()


# a label over the parts of the total in a header's row, naming no column itself: 总计 | 其中 over 财政拨款 | …
_SPAN_LABEL = re.compile(r"^(?:其中:?|资金来源)$")
MAX_HEADER_ROWS = 3  # 项目名称 | 资金情况 over 总计 | 其中 over 财政拨款 | 财政专户拨款 | 其他资金


def sub_header(cells: list[str]) -> dict[str, int]:
    """A lower row of a header on two or three rows (no project name, no amount, 2+ known column names, or one and a
    label over parts, 总计 | 其中): its columns."""
    if not cells or cells[0].strip() or any(_AMOUNTISH.match(c.strip()) for c in cells if c.strip()):
        return {}
    found = {}
    spanning = False
    for i, cell in enumerate(cells):
        name = canonical_column(cell)[0] if cell.strip() else None
        if name and name not in found:
            found[name] = i
        elif name in PART_COLUMNS:  # 财政拨款 over 一般公共预算 | 政府性基金: see header_positions
            found[f"{name}+{i}"] = i
        elif name is None and cell.strip():
            spanning = spanning or _SPAN_LABEL.match(header_key(cell)) is not None
    return found if len(found) >= 2 or (found and spanning) else {}


def header_block(first: GridRow, rows: list[GridRow]) -> tuple[dict[str, int], list[GridRow], list[GridRow]]:
    """The header's columns, its rows and the rows after it: the first row, and up to two rows under it that are
    lower rows of the header (see sub_header), each read under the row above it (项目名称 | 资金情况 over 总计 | 其中
    over 财政拨款 | 财政专户拨款 | 其他资金: a third row was read as a row of no project name, and its columns not
    at all). A lower row's names stand for the columns under them: 其中's parts, not 资金情况, are the columns."""
    positions = header_positions(first.cells)[0]
    block = [first]
    while len(block) < MAX_HEADER_ROWS and rows and (cells := second_header_row(block[-1].cells, rows[0].cells)):
        positions = with_sub_header(positions, sub_header(cells))
        block.append(GridRow(rows[0].line_no, cells))
        rows = rows[1:]
    return positions, block, rows


def refuse_unknown_sub_columns(
    path: Path, block: list[GridRow], rows: list[GridRow], positions: dict[str, int]
) -> None:
    """A header's lower row naming a column the map does not know under money (其中 over 财政拨款 | 单位自筹), its
    column holding amounts: refused, naming it, to be added to the map. Such a row, with one known name, was no
    header row: it was rejected and its known parts left unread too; with two, the column's amounts were left out.
    The row under the header is one of its rows by every other sign: an empty first cell, no amount, a known name."""
    lower = list(block)
    if rows and len(block) < MAX_HEADER_ROWS and (cells := _lower_row(block[-1].cells, rows[0].cells, _header_like)):
        lower.append(GridRow(rows[0].line_no, cells))
    known = set(positions.values())
    for k in range(1, len(lower)):
        for i, cell in enumerate(lower[k].cells):
            if i in known or not _unknown_money(cell, _label_over(lower[k - 1].cells, i)):
                continue
            held = next((r for r in rows if _nonzero_amount(_at(r.cells, i))), None)
            if held is not None:
                amount = f"line {held.line_no}: {squash(held.cells[i])}"
                said = f"column {squash(cell)!r} in row {k + 1} of the header holds amounts ({amount})"
                reason = f"{said} but is no column the map knows: add its name to etl/extract/columns.csv"
                raise TableRefused(path, reason, lower[k].line_no, RefusalKind.UNSUPPORTED_LAYOUT)


def _header_like(cells: list[str]) -> bool:
    """A row that reads as a header's lower row but for names the map does not know: an empty first cell, two or
    more names, no amount, and a name the map knows among them."""
    filled = [c for c in cells if c.strip()]
    if not cells or cells[0].strip() or len(filled) < 2 or any(_AMOUNTISH.match(c.strip()) for c in filled):
        return False
    return any(canonical_column(c)[0] for c in filled)


def _label_over(above: list[str], i: int) -> str:
    """The header cell over column i in the row above: its own, else the nearest to its left (a label spanning it)."""
    return next((above[j] for j in range(min(i, len(above) - 1), -1, -1) if above[j].strip()), "")


def _unknown_money(cell: str, over: str) -> bool:
    """Whether a header cell names no column the map knows but money: by its words (自主筹措), or under a label of
    money (其中, 资金来源, an amount column's name)."""
    key = header_key(cell)
    if not key or canonical_column(cell)[0] is not None or _SPAN_LABEL.match(key) or _REMARK.search(key):
        return False
    label = canonical_column(over)[0] if over.strip() else None
    return bool(_MONEY.search(cell)) or label in AMOUNT_COLUMNS or bool(_SPAN_LABEL.match(header_key(over)))


_REMARK = re.compile(r"备注|说明")  # a remark's column under 项目资金 (a number in it is no amount of the table's)


def _nonzero_amount(text: str) -> bool:
    return _is_amount(squash(text)) and _nonzero(text)


def second_header_row(header: list[str] | None, cells: list[str]) -> list[str] | None:
    """The cells of a header's second row under ``header``, or None when they are not one. A text export that
    leaves out a row's empty first cells prints 总计 | 财政拨款 | … under 项目名称 | 项目资金 | | | …: read as a 总计
    row (refused, '财政拨款' is not a number); its cells are put back under the label spanning them (项目资金 and the
    empty cells after it), the only place they fit."""
    return _lower_row(header, cells, lambda row: bool(sub_header(row)))


def _lower_row(header: list[str] | None, cells: list[str], fits: Callable[[list[str]], bool]) -> list[str] | None:
    """The cells as a lower row of the header that ``fits`` takes: as they are, or with the empty first cells a text
    export left out put back, its first cell under a label of the row above and the others under empty cells."""
    if fits(cells):
        return cells
    if not header or not cells or not cells[0].strip():
        return None
    for shift in range(1, 4):
        shifted = [""] * shift + cells
        filled = [i for i, c in enumerate(shifted) if c.strip()]
        under = [_at(header, i).strip() for i in filled]
        if under[0] and not any(under[1:]) and fits(shifted):
            return shifted
    return None


def with_sub_header(positions: dict[str, int], sub: dict[str, int]) -> dict[str, int]:
    """The columns of a header on two rows. 绩效指标 over 一级指标 | 二级指标 | 三级指标 | 指标值 is the label of the
    per-row columns under it, not a packed 绩效指标 column."""
    merged = {**positions, **sub}
    if "indicator_name" in sub and "indicators" not in sub:
        merged.pop("indicators", None)
    return merged


def header_columns(rows: list[GridRow]) -> dict[str, int]:
    """The header's columns, with its lower rows' when it has them (see header_block)."""
    if not rows:
        return {}
    return packed_value(header_block(rows[0], [r for r in rows[1:] if not _is_note(r)])[0])


_INDICATOR_NAMING = frozenset({"indicators", "indicator_name", "level1", "level2", "period_value"})


def packed_value(positions: dict[str, int]) -> dict[str, int]:
    """A value column (绩效指标值) with no indicator's name or type beside it holds a department list's packed
    indicators: read as its 绩效指标 (the list had been read without targets, the column left unread)."""
    if "value" not in positions or _INDICATOR_NAMING.intersection(positions):
        return positions
    found = {c: i for c, i in positions.items() if c != "value"}
    found["indicators"] = positions["value"]
    return found


def right_align_short_rows(rows: list[GridRow], width: int, positions: dict[str, int]) -> list[GridRow]:
    """Exports that omit merged cells: a continuation row is shorter and its cells are the rightmost columns.

    Only when rows other than the last are short (a table that merely ends short is left to the
    truncation check). A short row is aligned right (empty cells on the left, as if the merged cells
    were there) unless its cells read better from the left: a group row (820-马踏镇部门 | 1250000 …),
    a 合计 row, or a row whose trailing empty cells were left out.
    """
    if not any(len(r.cells) < width and any(r.cells) and not _starts_left(r) for r in rows[:-1]):
        return rows
    out = []
    for r in rows:
        if len(r.cells) < width and not _starts_left(r):
            r = GridRow(r.line_no, _placed(r.cells, width, positions))
        out.append(r)
    return out


def _placed(cells: list[str], width: int, positions: dict[str, int]) -> list[str]:
    """A short row's cells placed right (its merged cells left out) or left (its trailing empty cells left out),
    whichever sits better; when both put a cell where it cannot be, at the offset that sits best (a row leaving
    out both, 质量指标 | 合格率 | ≥ | 95 | % without its empty 权重 and 指标方向: right-aligned, 质量指标 was the
    comparison and % the direction, the indicator rejected; left-aligned, a project named 质量指标)."""
    gap = width - len(cells)
    right, left = [""] * gap + cells, cells + [""] * gap
    (right_fit, right_off), (left_fit, left_off) = _plausible(right, positions), _plausible(left, positions)
    best, fit, off = (right, right_fit, right_off) if right_fit >= left_fit else (left, left_fit, left_off)
    if off:  # a cell misplaced either way: the offsets between
        for shift in range(1, gap):
            middle = [""] * shift + cells + [""] * (gap - shift)
            if (middle_fit := _plausible(middle, positions))[0] > fit:
                best, fit = middle, middle_fit[0]
    return best


def _plausible(cells: list[str], positions: dict[str, int]) -> tuple[int, int]:
    """How well cells sit in the columns: +1 for each filled cell of the kind its column holds, -1 otherwise; and
    how many sit where they cannot."""
    score = misfits = 0
    for column, i in positions.items():
        text = squash(cells[i]) if i < len(cells) else ""
        if text and (check := _FITS.get(column)):
            fits = check(text)
            score += 1 if fits else -1
            misfits += not fits
    return score, misfits


def _is_amount(text: str) -> bool:
    return bool(_AMOUNTISH.match(text))


_FITS: dict[str, Callable[[str], bool]] = {
    "project_name": lambda t: not _is_amount(t) and t not in _OPERATORS,
    "total": _is_amount,
    "fiscal": _is_amount,
    "special_account": _is_amount,
    "other": _is_amount,
    "level1": lambda t: "指标" in t,
    "level2": lambda t: "指标" in t or "满意度" in t,
    "indicator_name": lambda t: not _is_amount(t) and t not in _OPERATORS,
    "comparison": lambda t: t in _OPERATORS,
    "unit": lambda t: len(t) <= 6 and not _is_amount(t),
    "weight": lambda t: bool(re.fullmatch(r"[\d.]+%?", t)),
    "direction": lambda t: t in ("正向", "反向", "正", "反", "逆向"),
}


def restore_leading_cells(rows: list[GridRow], positions: dict[str, int], width: int) -> list[GridRow]:
    """A text export that leaves out a row's empty first cells (序号 or an empty column before 项目名称, empty in a
    合计, unit or group row): the row is short, its name in the 序号 column and its first amount under 项目名称. It was
    read as a unit named 1,485.34 that took every project, and the 合计 was lost. Such a row (a name first, not a row
    number or code, an amount where the name goes) gets its leading cells back."""
    at = positions.get("project_name", 0)
    if not at or all(len(r.cells) >= width for r in rows):
        return rows
    return [GridRow(r.line_no, [""] * at + r.cells) if _leading_cells_left_out(r, at, width) else r for r in rows]


def _leading_cells_left_out(row: GridRow, at: int, width: int) -> bool:
    cells = row.cells
    if len(cells) + at > width or len(cells) <= at:
        return False
    first, under_name = squash(cells[0]), squash(cells[at])
    return bool(first) and not _ROW_NUMBER.match(first) and not _is_amount(first) and _is_amount(under_name)


def _starts_left(row: GridRow) -> bool:
    first = row.cells[0].strip() if row.cells else ""
    return bool(_GROUP_CODE.match(first)) or is_grand_total(first) or page_row_kind(first) is not None


def _group_rows(table: SourceTable) -> None:
    """Group rows with codes (820-马踏镇部门, 820001-井研县马踏镇人民政府): the code is set apart from the name,
    and a group whose code begins another group's code (the department over its units) is the table total."""
    coded = [(a, m) for a in table.aggregates if (m := _GROUP_CODE.match(a.name))]
    if not coded:
        return
    codes = [m["code"] for _, m in coded]
    for agg, m in coded:
        agg.name, agg.code = m["name"].strip(), m["code"]
        if agg.kind == "unit_subtotal" and any(c != m["code"] and c.startswith(m["code"]) for c in codes):
            agg.kind = "grand_total"
            table.department_name = table.department_name or m["name"].strip()


def unit_name(name: str) -> str:
    """The unit's name without a group code: 820001-井研县马踏镇人民政府 -> 井研县马踏镇人民政府."""
    m = _GROUP_CODE.match(name)
    return m["name"].strip() if m else name


_TEXT_COLUMNS = frozenset({"goal", "indicators"})  # columns whose line breaks are breaks between sentences or items


def _cell(cells: list[str], positions: dict[str, int], column: str) -> str:
    i = positions.get(column)
    if i is None or i >= len(cells):
        return ""
    text = cells[i]
    if column not in _TEXT_COLUMNS and not text.isprintable():
        if "\n" in text:  # a name wrapped in its cell: 社区矫正和安置<br>帮教经费
            text = _unwrapped(text)
        text = without_invisible(text)  # 法律援助<U+200B>经费 is the project 法律援助经费, 合<U+200B>计 the total
    return squash(strip_tags(text))


def _unwrapped(text: str) -> str:
    """A cell's lines joined as _cat joins two halves (a space only between two Latin letters), in linear time."""
    parts: list[str] = []
    for line in filter(None, (line.strip() for line in text.splitlines())):
        if parts and _latin_seam(parts[-1], line):
            parts.append(" ")
        parts.append(line)
    return "".join(parts)


_NOTE_STARTS = frozenset("注说备填附制审数单财负联编公发打日（(第-—0123456789共Pp")
# a page's number as exports print it beside etl.text.NOTE_LINE's (第1页，共2页, - 1 -): 第1页/共3页, 共3页 第2页,
# 共3页, 第二页, 2/3, Page 2 of 3
_PAGE_LINE = re.compile(
    r"^(?:第\s*[\d一二三四五六七八九十]+\s*页\s*[,，/／]?\s*(?:共\s*\d+\s*页)?|共\s*\d+\s*页\s*[,，/／]?\s*(?:第\s*\d+\s*页)?"
    r"|\d+\s*[/／]\s*\d+|[Pp]age\s*\d+(?:\s*(?:of|/)\s*\d+)?)\s*$"
)


def _is_note(row: GridRow, titles: frozenset[str] = frozenset()) -> bool:
    """A note under the grid (注：…, 说明：…), a page's number, or a line of signatures (填报人：… | 审核人：… |
    填报日期：…) in several cells, is not a row of the table; nor a line above the table printed again inside it
    (``titles``: the title, 单位：万元, 部门名称：… at a page break of an export), which was a unit of no amounts that
    took the projects after it."""
    filled = [c for c in row.cells if c.strip()]
    if not filled:
        return False
    if titles and len(filled) == 1 and fold_key(filled[0]) in titles:
        return True
    if filled[0][0] not in _NOTE_STARTS:
        return False
    return all(NOTE_LINE.match(c) or _PAGE_LINE.match(c) for c in filled)


def _row_problem(cells: list[str], positions: dict[str, int], named: int = 0) -> str | None:
    """What makes a row unreadable: text beyond the last column the header names (known or not: a 备注 column the
    map leaves unread is no reason), or a cell longer than a spreadsheet's."""
    if extra := [c for c in cells[max(*positions.values(), named) + 1 :] if c.strip()]:
        return f"{len(extra)} cell(s) beyond the header's columns"
    if (longest := max((len(c) for c in cells), default=0)) > MAX_CELL_CHARS:
        return f"a cell of {longest} characters exceeds the limit of {MAX_CELL_CHARS}"
    return None


def _classify_row(
    table: SourceTable,
    row: GridRow,
    positions: dict[str, int],
    cursor: ProjectCursor | None,
    amounts: tuple[str, ...] = AMOUNT_COLUMNS,
    named: int = 0,
) -> ProjectCursor | None:
    """File the row as an aggregate, a project or (per-row layout) an indicator of the current project; ``named``:
    the last column the header names."""
    if reason := _row_problem(row.cells, positions, named):
        table.rejects.append(_reject(table, row, reason))
        return cursor
    cells = row.cells
    name = _cell(cells, positions, "project_name")
    per_row = is_per_row(positions)
    unit = _cell(cells, positions, "unit_name")  # a 单位名称 column beside 项目名称
    if not name and unit and not (per_row and has_indicator(cells, positions)):
        name, unit = unit, ""  # a unit or group row (820-马踏镇部门) printed in the unit column
    if not name and not _ROW_NUMBER.match(numbered := _cell(cells, positions, "row_no")):
        name = numbered  # 合计 or a unit's name in the 序号 column, merged across 项目名称
    repeated = per_row and cursor is not None and _continues(cursor.project, cells, positions, name, unit)
    if not name or repeated:
        if per_row and cursor and has_indicator(cells, positions):
            _continued_amounts(table, cursor.project, row, {c: _cell(cells, positions, c) for c in amounts})
            _add_row_indicator(table, cursor, row, positions)
        else:
            table.rejects.append(_reject(table, row, "row has no project name"))
        return cursor
    raw = {c: _cell(cells, positions, c) for c in amounts}
    goal = _cell(cells, positions, "goal")
    packed = "" if per_row else _cell(cells, positions, "indicators")
    indicator = per_row and has_indicator(cells, positions)
    if is_grand_total(name) or not (goal or packed or indicator) or _placeholder_unit(table, name, goal, packed):
        # a page break's total: the project it interrupts goes on (a per-row export's next rows)
        return cursor if _file_aggregate(table, row, name, raw) in PAGE_KINDS else None
    project = _project(table, row, name, raw, goal, packed)
    if unit:
        project.unit_name = unit_name(unit)
    elif "unit_name" in positions and (previous := _merged_unit(table)):
        project.unit_name = previous  # a 单位名称 cell merged over its unit's projects: printed on the first only
    table.projects.append(project)
    cursor = ProjectCursor(project)
    if indicator:
        _add_row_indicator(table, cursor, row, positions)
    return cursor


def _placeholder_unit(table: SourceTable, name: str, goal: str, packed: str) -> bool:
    """A row printing only placeholders for its goal and targets (—, /, 无) is a unit when it names the department
    (its row, or its 本级): its money was counted twice as a project's (round 30). Any other such row stays a project
    without targets, as before (a project whose cells were left as —)."""
    if _printed(goal) or _printed(packed):
        return False
    department = fold_key(table.department_name or "")
    return bool(department) and fold_key(unit_name(name)).startswith(department)


def _printed(cell: str) -> bool:
    """Whether the cell prints something: a unit row with — in its goal and targets was read as a project (its
    department's money counted twice, round 30); the settle step still gives back a row that does not add up."""
    return not prints_nothing(cell)


def _file_aggregate(table: SourceTable, row: GridRow, name: str, raw: dict[str, str]) -> str:
    """File a 合计 row, or a row of amounts without a goal or targets: a page break's total (本页合计, 累计), the
    table's 合计, 小计 closing a unit, else a unit's subtotal. The kind filed."""
    if (kind := page_row_kind(name)) is None and is_grand_total(name):
        kind = "grand_total"
    bare = fold(name).replace(" ", "")
    if kind is None and (bare == "小计" or (bare.endswith("小计") and _closes_rows(table, raw))):  # 本级小计 …
        _closing_subtotal(table, row, name, raw)
        return "小计"
    if kind is None and _SECTION.match(squash(fold(name))):
        kind = "category"  # checked against its projects; they stay their unit's (round 30: the section became it)
    kind = kind or "unit_subtotal"
    table.aggregates.append(AggregateRow(row.line_no, kind, name, raw))
    return kind


# a section of a unit's projects (一、一般性项目, （二）转移支付项目, 转移支付项目, 其他运转类): no unit of its own
_SECTION = re.compile(
    r"^(?:其中:?)?(?:(?:[一二三四五六七八九十]+[、.]|\([一二三四五六七八九十]+\))\s*\S*(?:项目|类|支出)"
    r"|(?:其他)?运转类(?:项目)?|特定目标类(?:项目)?|本级项目|一般性项目|转移支付(?:项目)?)$"
)


def _continued_amounts(table: SourceTable, project: ProjectRow, row: GridRow, raw: dict[str, str]) -> None:
    """Amounts a per-row export prints on a project's later row: the project's when its first row printed none, the
    same again, or a reject naming them (they were never read: 800000 on the second row loaded as 0, round 30)."""
    if all(_amount_text(v) == 0 for v in raw.values() if _printed(v)) or _same_amounts(raw, project.raw_amounts):
        return  # nothing printed, 0 (a later row's zeros), or the same amounts again
    if not any(_printed(v) for v in project.raw_amounts.values()):
        project.raw_amounts = raw
        return
    shown = " | ".join(v or "-" for v in raw.values())
    reason = f"amounts ({shown}) differ from those on the first row of {project.printed_name}: not read"
    table.rejects.append(_reject(table, row, reason))


def _continues(project: ProjectRow, cells: list[str], positions: dict[str, int], name: str, unit: str) -> bool:
    """A per-row export printing the project on every row: the row continues the project when it prints the same
    name, and no other unit (the next unit's project of the same name, 党建工作经费), total or goal."""
    if name != project.printed_name or (unit and unit_name(unit) != project.unit_name):
        return False
    if _starts_again(project, cells, positions):
        return False  # the project printed twice, one after the other: a second printing (a reject), not more rows
    total, goal = _cell(cells, positions, "total"), _cell(cells, positions, "goal")
    return (not total or total == project.raw_amounts.get("total")) and (not goal or goal == project.goal_text)


def _starts_again(project: ProjectRow, cells: list[str], positions: dict[str, int]) -> bool:
    """The row prints the project's first indicator again, its level-1 and level-2 types as that one's: the project's
    rows begin again (its targets were stored twice and its second amount dropped, with no reject)."""
    if not project.indicators:
        return False
    first = project.indicators[0]
    level1, level2 = _cell(cells, positions, "level1"), _cell(cells, positions, "level2")
    return (
        visible_name(_cell(cells, positions, "indicator_name")) == first.name
        and bool(level1 or level2)
        and (not level1 or split_code(level1) == (first.level1_code, first.level1_name))
        and (not level2 or split_code(level2) == (first.level2_code, first.level2_name))
    )


def _closes_rows(table: SourceTable, raw: dict[str, str]) -> bool:
    """Whether a row named …小计 (公证处小计) closes the projects filed since the last group row: there are some, and
    it prints their sum. Printed before its projects (广州市天河区公证处小计 40.00 after another unit's 60.00), it heads
    them as a unit does."""
    since = _since_last_closing(table)
    totals = [_amount_text(p.raw_amounts.get("total", "")) for p in since]
    printed = _amount_text(raw.get("total", ""))
    if not since or not all(isinstance(t, Decimal) for t in [*totals, printed]):
        return False
    return sum(totals, Decimal(0)) == printed


def _since_last_closing(table: SourceTable) -> list[ProjectRow]:
    """The projects printed since the last group row, total or closing 小计 (not a page break's total)."""
    lines = [a.line_no for a in table.aggregates if a.kind not in PAGE_KINDS]
    last = max([*lines, *(s.row.line_no for s in table.subtotals)], default=0)
    return [p for p in table.projects if p.line_no > last]


def _closing_subtotal(table: SourceTable, row: GridRow, name: str, raw: dict[str, str]) -> None:
    """小计 (本级小计 …) after a unit's projects is that unit's subtotal, not a unit named 小计 (which took the projects
    after it, and counted twice in the 合计's sum of units): it gives its amounts to the unit row above when that
    printed none (a heading), else it must repeat them (table.subtotals: reconciled, a failure where it does not; it
    was a reject, and the load exited 0). Without a unit row it closes the projects of the whole table: the 合计
    then, or the 合计 it must repeat (it was dropped unchecked); or, in a table whose 单位名称 column names the units,
    the projects of its unit (_closes_a_unit)."""
    unit = next((a for a in reversed(table.aggregates) if a.kind in ("unit_subtotal", "category")), None)
    total = next((a for a in table.aggregates if a.kind == "grand_total"), None)
    here = AggregateRow(row.line_no, "subtotal", name, raw)
    if unit is None and _closes_a_unit(table, total, raw):
        table.subtotals.append(Subtotal(here, closes=tuple(p.line_no for p in _since_last_closing(table))))
        return
    if unit is None and total is None:
        table.aggregates.append(AggregateRow(row.line_no, "grand_total", name, raw))
        return
    above = unit or total
    if not any(v.strip() for v in above.raw_amounts.values()):
        above.raw_amounts = raw
    else:
        table.subtotals.append(Subtotal(here, repeats=_repeated(table, above, total, raw)))


def _repeated(
    table: SourceTable, nearest: AggregateRow, total: AggregateRow | None, raw: dict[str, str]
) -> AggregateRow:
    """The row a closing 小计 repeats: the nearest unit or section row, else the unit row above the sections
    (一、一般性项目 … 二、转移支付项目 … 小计) or the 合计, whichever it prints the amounts of; the nearest when none
    does (its check fails). Checked against the last section only, a 小计 closing two sections failed a table that
    adds up (the review of round 33)."""
    units = [a for a in table.aggregates if a.line_no < nearest.line_no and a.kind == "unit_subtotal"]
    candidates = [nearest, *(units[-1:] if nearest.kind == "category" else []), *([total] if total else [])]
    return next((a for a in candidates if _same_amounts(raw, a.raw_amounts)), nearest)


def _closes_a_unit(table: SourceTable, total: AggregateRow | None, raw: dict[str, str]) -> bool:
    """Whether a 小计 of a table without unit rows closes the projects printed since the last one (a 单位名称 column
    names each unit, and a 小计 closes each: the first was the table's 合计, and every later one a failure against
    it, round 33's hunt of layouts): some 小计 before it did, or the first one closed the projects before it (it was
    filed as the 合计, and is a unit's now), or it prints the sum of the projects since the 合计 printed above."""
    if not _since_last_closing(table):
        return False
    if any(s.repeats is None for s in table.subtotals):
        return True
    if total is None:
        return False
    if fold(total.name).replace(" ", "").endswith("小计"):  # the first unit's 小计, filed as the 合计
        table.aggregates.remove(total)
        closed = tuple(p.line_no for p in table.projects if p.line_no < total.line_no)
        first = AggregateRow(total.line_no, "subtotal", total.name, total.raw_amounts)
        table.subtotals.append(Subtotal(first, closes=closed))
        return True
    return not _same_amounts(raw, total.raw_amounts) and _closes_rows(table, raw)


def _same_amounts(a: dict[str, str], b: dict[str, str]) -> bool:
    """The same amounts, as numbers where both read as numbers (559.8200 and 559.82, １，２３４ and 1,234)."""
    return all(_amount_text(a.get(k, "")) == _amount_text(b.get(k, "")) for k in {*a, *b})


def _amount_text(text: str) -> Decimal | str:
    """The amount as normalise reads it (in 万元: finer decimals allowed), else the text as printed."""
    try:
        return to_yuan(text, "万元")
    except AmountError:
        return text.strip()


def _merged_unit(table: SourceTable) -> str | None:
    """The unit of the project above, when no 合计 or unit row came between them."""
    if not table.projects:
        return None
    previous = table.projects[-1]
    last = next((a for a in reversed(table.aggregates) if a.kind not in PAGE_KINDS), None)  # not a page's total
    if last is not None and last.line_no > previous.line_no:
        return None
    return previous.unit_name


def _add_row_indicator(table: SourceTable, cursor: ProjectCursor, row: GridRow, positions: dict[str, int]) -> None:
    try:
        add_indicator(cursor, row, positions)
    except RowError as exc:
        table.rejects.append(_reject(table, row, f"{cursor.project.project_name}: indicator {cursor.seq}: {exc}"))


def _project(table: SourceTable, row: GridRow, name: str, raw: dict[str, str], goal: str, packed: str) -> ProjectRow:
    unit = next((a.name for a in reversed(table.aggregates) if a.kind == "unit_subtotal"), None)  # the last one
    doc, project_name = split_transfer_doc(name)
    project = ProjectRow(
        line_no=row.line_no,
        unit_name=unit_name(unit) if unit is not None else table.department_name,
        printed_name=name,
        project_name=project_name,
        transfer_doc_no=doc,
        raw_amounts=raw,
        goal_text=goal,
        cells=row.cells,
    )
    for item in parse_indicators(packed):
        if isinstance(item, ItemError):
            table.rejects.append(Reject(str(table.path), row.line_no, item.text, f"{project_name}: {item}"))
        else:
            project.indicators.append(item)
    return project


def _reject(table: SourceTable, row: GridRow, reason: str) -> Reject:
    return Reject(str(table.path), row.line_no, "\t".join(row.cells)[:2000], reason)


def _first_unit(table: SourceTable) -> str | None:
    return next((a.name for a in table.aggregates if a.kind == "unit_subtotal"), None)


def _refuse_no_department(path: Path) -> str:
    raise TableRefused(path, "no department: neither a 部门名称 line, a unit row nor a title that begins with it")
