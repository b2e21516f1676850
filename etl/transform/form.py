"""The single-project form (项目支出绩效目标申报表 / 批复表 / 绩效目标表): one project per form.

A key–value block (labels in one cell, values beside them or below them; form_labels.csv), the
money lines (annual and period blocks side by side or stacked), the goals, then an indicator grid
一级指标 | 二级指标 | 三级指标 | 指标值 … whose level-1/level-2 cells span their rows (they arrive
empty and are inherited). 实施期 and 年度 values come as two value columns, or as two blocks side
by side (二级/三级/值 repeated), or as two grids one after the other (长期/年度绩效指标). A file may
hold several forms; each is one project.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from etl.extract.columns import canonical_column
from etl.model import Grid, GridRow, Indicator, ProjectRow, RefusalKind, Reject, SourceTable, TableRefused
from etl.text import fold_key, prints_nothing, squash, strip_tags
from etl.transform.cut_rows import refuse_cut_form
from etl.transform.form_labels import label_key, labels, match, unit_in_label
from etl.transform.header import UNIT_NOT_PRINTED, new_table, parse_header
from etl.transform.indicator_types import is_level2_name, resolve_type
from etl.transform.money_grid import PART_KEYS, money_grid
from etl.transform.normalise import AmountError, to_yuan
from etl.transform.per_row import RowError, split_code, target_text, weight_of
from etl.transform.table import split_transfer_doc
from etl.transform.target_values import parse_target_value

_SCORE_SUFFIX = re.compile(r"\s*[(（]\s*\d+(?:\.\d+)?\s*分\s*[)）]\s*$")
_AMOUNT = re.compile(r"^[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?\s*(?:万元|千元|元|万)?")
_DEPT_CODE = re.compile(r"^\s*(?:[\[【(（]\s*\d{2,}\s*[\]】)）]|\d{3,}\s*[-－—])\s*")
_NUMBER = re.compile(r"^[\d.,%\s]+$")
_NOTE = re.compile(r"^(注|说明|备注|填报人|审核人|联系电话|填表人|负责人|单位负责人)\s*[:：]?")


@dataclass(slots=True)
class Found:
    row: int
    col: int
    value: str
    block: str | None = None  # a money grid's amount knows its block (etl.transform.money_grid)


@dataclass(slots=True)
class Block:
    """One indicator block of a grid header: the columns it reads and whether it is 年度 or 实施期."""

    kind: str
    columns: dict[str, int]


@dataclass(slots=True)
class Form:
    rows: list[GridRow]
    values: dict[str, list[Found]] = field(default_factory=dict)
    grid_at: int | None = None

    def first(self, key: str) -> str:
        return next((f.value for f in self.values.get(key, []) if f.value), "")


def is_label(cell: str) -> bool:
    return bool(cell) and label_key(cell) in labels()


def form_starts(rows: list[GridRow]) -> list[int]:
    """Row indexes where a form begins: a 项目名称 label cell (a value beside it or not)."""
    return [i for i, r in enumerate(rows) if any(match(c)[0] == "project_name" for c in r.cells[:4] if c)]


def indicator_header(cells: list[str]) -> dict[str, list[int]] | None:
    """canonical column -> positions, when the row is an indicator grid header (一级/二级/三级指标 …)."""
    found: dict[str, list[int]] = {}
    for i, cell in enumerate(cells):
        name = canonical_column(cell)[0] if cell else None
        if name:
            found.setdefault(name, []).append(i)
    ok = "level2" in found and ("indicator_name" in found or "value" in found or "period_value" in found)
    return found if ok and "level1" in found else None


def split_forms(rows: list[GridRow]) -> list[Form]:
    starts = form_starts(rows)
    return [Form(rows[s : (starts[k + 1] if k + 1 < len(starts) else len(rows))]) for k, s in enumerate(starts)]


def read_values(form: Form) -> None:
    """Fill form.values (label key -> where and what) from the rows above the indicator grid; a money grid's
    amounts (labels in a header row, amounts under them: etl.transform.money_grid) with their block."""
    grid_end = -1
    for ri, row in enumerate(form.rows):
        if indicator_header(row.cells):
            form.grid_at = ri
            return
        if ri <= grid_end:
            continue
        if grid := money_grid(form.rows, ri, match):
            amounts, grid_end = grid
            for a in amounts:
                form.values.setdefault(a.key, []).append(Found(a.row, a.col, a.value, a.block))
            continue
        for ci, cell in enumerate(row.cells):
            key, inline = match(cell)
            if key:
                value = inline or _beside(row.cells, ci) or _below(form.rows, ri, ci, key)
                form.values.setdefault(key, []).append(Found(ri, ci, squash(strip_tags(value))))


def _beside(cells: list[str], ci: int) -> str:
    for cell in cells[ci + 1 :]:
        if cell.strip():
            return "" if is_label(cell) or match(cell)[0] else cell
    return ""


def _below(rows: list[GridRow], ri: int, ci: int, key: str) -> str:
    """A goal printed under its label (中期目标 | 年度目标 side by side, texts in the row below)."""
    if not key.endswith("_goal") or ri + 1 >= len(rows):
        return ""
    cells = rows[ri + 1].cells
    here = cells[ci] if ci < len(cells) else ""
    if here.strip():
        return "" if is_label(here) else here
    # spans left out (cells packed to the left): the k-th goal label of the row takes the k-th text below
    labels_here = [i for i, c in enumerate(rows[ri].cells) if c and (match(c)[0] or "").endswith("_goal")]
    below = [c for c in cells if c.strip()]
    if len(below) == len(labels_here) and ci in labels_here and not any(is_label(c) for c in below):
        return below[labels_here.index(ci)]
    return ""


def _amount(text: str) -> str:
    m = _AMOUNT.match(text.replace(" ", ""))
    return m.group(0) if m else text


def money(form: Form) -> dict[str, str]:
    """The annual block's amounts (and the period total) as printed: 总计 = annual total, else the parts' sum."""
    period = form.values.get("period_total", [])
    annual = form.values.get("annual_total", [])
    fiscal_total = form.values.get("annual_fiscal", [])
    annual = annual or fiscal_total
    heads = ([("period", f) for f in period] if annual else []) + [("annual", f) for f in annual]
    parts = _parts(form, heads, "annual")
    borrowed = False  # the year's parts are those printed under the period's total
    if annual and not any(parts.values()) and period:
        # the parts printed under the period block only (项目总投资 … 其他资金 … 预算申报数): when they add up
        # to the annual total they are its breakdown (a one-year project), else they stay the period's
        period_parts = _parts(form, heads, "period")
        if _same_amount(period_parts, annual[0].value):
            parts, borrowed = period_parts, True
    if fiscal_total and fiscal_total[0].value and not parts["fiscal"]:
        parts["fiscal"].append(_amount(fiscal_total[0].value))
    every = _printed_parts(parts, annual[0].value if annual else "")
    fiscal = every[: len(every) - len(parts["special_account"]) - len(parts["other"])]
    return {
        "total": _amount(annual[0].value) if annual and annual[0].value else "+".join(every),
        "fiscal": "+".join(fiscal),
        "special_account": "+".join(parts["special_account"]),
        "other": "+".join(parts["other"]),
        "period_total": _amount(period[0].value) if period and period[0].value else "",
        "period_parts": "+".join(_period_parts(form, heads, period)) if annual and not borrowed else "",
    }


def _printed_parts(parts: dict[str, list[str]], total: str) -> list[str]:
    """The amounts that make up the total: the fiscal line (or its parts), the fiscal parts beside it too when only
    so do they add up to the total (_fiscal_parts_are_parts), 财政专户 and other money; fiscal ones first."""
    fiscal = parts["fiscal"][:1] or parts["fiscal_part"]
    if parts["fiscal"] and parts["fiscal_part"] and total and _fiscal_parts_are_parts(parts, total):
        fiscal = parts["fiscal"][:1] + parts["fiscal_part"]  # 一般公共预算拨款 60 + 政府性基金预算拨款 40
    return fiscal + parts["special_account"] + parts["other"]


def _period_parts(form: Form, heads: list[tuple[str, Found]], period: list[Found]) -> list[str]:
    """The parts printed under the period's total (中期资金总额: 其中 财政拨款 …, beside the annual block), read as the
    annual ones are; none when no period total is printed."""
    if not period or not period[0].value:
        return []
    printed = _parts(form, heads, "period")
    parts = {k: [v for v in found if not prints_nothing(v.strip())] for k, found in printed.items()}
    return _printed_parts(parts, period[0].value)  # [] when none prints an amount (— for each: nothing to check)


def _parts(form: Form, heads: list[tuple[str, Found]], block: str) -> dict[str, list[str]]:
    parts: dict[str, list[str]] = {k: [] for k in PART_KEYS}
    for key in PART_KEYS:
        for f in form.values.get(key, []):
            if f.value and _block_of(f, heads) == block:
                parts[key].append(_amount(f.value))
    return parts


def _fiscal_parts_are_parts(parts: dict[str, list[str]], total: str) -> bool:
    """Whether the fiscal parts printed beside 财政拨款 or 一般公共预算拨款 (政府性基金预算拨款, 上级资金 …) are parts
    of the total of their own, not its breakdown: only they, added, make the parts add up to the total (of
    一般公共预算拨款 60 | 政府性基金预算拨款 40 | 年度资金总额 100 the 40 was dropped: 60 stored, a row failure)."""
    if _same_amount(parts, total):
        return False
    return _adds_to([*parts["fiscal"][:1], *parts["fiscal_part"], *parts["special_account"], *parts["other"]], total)


def _same_amount(parts: dict[str, list[str]], total: str) -> bool:
    """Do the parts add up to the total (both as printed, units inside the cells or none)?"""
    chosen = (
        parts["fiscal"][:1] + parts["special_account"] + parts["other"]
        if parts["fiscal"]
        else [p for k in ("fiscal_part", "special_account", "other") for p in parts[k]]
    )
    return _adds_to(chosen, total)


def _adds_to(printed: list[str], total: str) -> bool:
    """Whether the amounts (as printed, units inside the cells or none) add up to the total; False for none."""
    try:
        return bool(printed) and sum(to_yuan(p, "万元") for p in printed) == to_yuan(_amount(total), "万元")
    except AmountError:
        return False


def _block_of(f: Found, heads: list[tuple[str, Found]]) -> str:
    """The money block a line belongs to: its own (a money grid's), else the nearest block head above it (column
    first, then row)."""
    if f.block:
        return f.block
    above = [(abs(f.col - h.col), f.row - h.row, kind) for kind, h in heads if h.row <= f.row]
    return min(above)[2] if above else "annual"


def department(form: Form) -> tuple[str, str]:
    """(department without its code, the code) from 主管部门及代码 / 预算部门 / …: [017]金寨县司法局."""
    text = form.first("department")
    m = _DEPT_CODE.match(text)
    if not m:
        return text, ""
    return text[m.end() :].strip(), re.sub(r"\D", "", m.group(0))


def unit_of(form: Form, path: Path | str = "") -> str | None:
    """万元 / 元 from a label such as 项目资金 (万元) or 中期市财政预算(万元); None when no label names one. Labels
    that name different units (中期…(万元) over 本年度…(元)) are a refusal: every amount was read in the first
    label's, one of them 10,000 times off."""
    said = {u for row in form.rows[: form.grid_at] for cell in row.cells if cell and (u := unit_in_label(cell))}
    if len(said) > 1:
        raise TableRefused(path, f"amount unit disagrees: the form's labels say {' and '.join(sorted(said))}")
    return next(iter(said), None)


def _clean_level(text: str) -> str:
    return _SCORE_SUFFIX.sub("", text).strip()


def blocks_of(header: dict[str, list[int]], above: list[str], mode: str) -> list[Block]:
    """One block per 二级指标 column; each block's columns lie between its 二级 and the next block's."""
    l2s = sorted(header["level2"])
    blocks = []
    for k, start in enumerate(l2s):
        end = l2s[k + 1] if k + 1 < len(l2s) else 10**6
        cols = {c: next((p for p in ps if start <= p < end), -1) for c, ps in header.items() if c != "level1"}
        level1s = [p for p in header["level1"] if p < start]
        cols["level1"] = level1s[-1] if level1s else -1
        cols = {c: p for c, p in cols.items() if p >= 0}
        blocks.append(Block(_kind(k, len(l2s), cols, above, start, mode), cols))
    return blocks


def _kind(k: int, n: int, cols: dict[str, int], above: list[str], start: int, mode: str) -> str:
    if "value" in cols and "period_value" in cols:
        return "both"
    if n == 1:
        return "period" if "period_value" in cols and "value" not in cols else mode
    left = cols.get("level1", start) if k == 0 else start
    for cell in above[left : max(cols.get("value", start), start) + 1]:
        key = labels().get(label_key(cell)) if cell else None
        if key in ("period_block", "annual_block"):
            return key.removesuffix("_block")
    return "period" if k == 0 else "annual"


@dataclass(slots=True)
class Row:
    """One indicator read from one block of one grid row."""

    line_no: int
    level1: str
    level2: str
    name: str
    value: str | None
    period: str | None
    raw: str
    weight: str = ""  # a 分值 / 权重 column's cell (it was not read: round 33's hunt of layouts)


def _cell(cells: list[str], cols: dict[str, int], name: str) -> str:
    i = cols.get(name)
    return squash(strip_tags(cells[i])) if i is not None and i < len(cells) else ""


def grid_rows(form: Form) -> tuple[list[Row], list[Row]]:
    """(annual rows, period rows) of the form's indicator grid(s)."""
    annual: list[Row] = []
    period: list[Row] = []
    blocks: list[Block] = []
    state: dict[int, tuple[str, str]] = {}
    mode, previous = "annual", []
    parted: list[str] | None = None  # a header's row whose 指标值 is parted on the row below it (中期 | 年度)
    grid = form.rows[max((form.grid_at or 0) - 1, 0) :]  # from the row above: 长期绩效指标 …
    for at, row in enumerate(grid):
        cells = row.cells
        if header := indicator_header(cells):
            blocks, state = blocks_of(header, previous, _mode(cells, mode)), {}
            previous, parted = cells, cells
            continue
        if parted is not None and (both := _value_subheader(indicator_header(parted) or {}, parted, cells)):
            blocks, state, parted = blocks_of(both, previous, _mode(parted, mode)), {}, None
            continue  # (the header's period and annual columns read from the row below it)
        if parted is not None and (doubled := _doubled_value(indicator_header(parted) or {}, grid[at:])):
            raise DoubledValueColumn(row.line_no - 1, doubled)
        parted = None
        mode = _mode(cells, mode)
        previous = cells
        if _skip(cells):
            continue
        for k, block in enumerate(blocks):
            read = _read(row, block, state.get(k, ("", "")))
            if read is None:
                continue
            state[k] = (read.level1, read.level2)
            if read.name or read.value or read.period:
                (period if block.kind == "period" else annual).append(read)
    return annual, period


# the row under a grid's header naming the two columns its 指标值 spans (round 31's hunt: 中期 | 年度 under one 指标值,
# the period value was stored as the year's and the year's lost)
_PERIOD_WORDS = frozenset(("中期", "实施期", "实施周期", "长期", "中长期", "全周期", "项目周期"))
_ANNUAL_WORDS = frozenset(("年度", "本年度", "当年", "本年"))


def _subheader_kind(cell: str) -> str | None:
    key = fold_key(cell).removesuffix("指标值").removesuffix("目标值")
    return "period_value" if key in _PERIOD_WORDS else "value" if key in _ANNUAL_WORDS else None


def _value_subheader(header: dict[str, list[int]], above: list[str], cells: list[str]) -> dict[str, list[int]] | None:
    """The header with its value columns as the row below names them (中期 | 年度, 实施期指标值 | 年度指标值), when
    that row names only them (or repeats the header's cells, as merged cells print): else None."""
    values = [*header.get("value", []), *header.get("period_value", [])]
    spans = {p + d for p in values for d in (0, 1)}  # a value column and the one its merged header spans
    kinds: dict[int, str] = {}
    for i, cell in enumerate(cells):
        if not cell.strip() or (i < len(above) and cell.strip() == above[i].strip()):
            continue
        if i not in spans or (kind := _subheader_kind(cell)) is None:
            return None  # (中期 | 年度 over the blocks of a national form: each block's label, read by _mode)
        kinds[i] = kind
    if set(kinds.values()) != {"period_value", "value"}:
        return None
    both = {k: v for k, v in header.items() if k not in ("value", "period_value")}
    for i, kind in sorted(kinds.items()):
        both.setdefault(kind, []).append(i)
    return both


class DoubledValueColumn(ValueError):
    """A grid block whose header names its value column twice (指标值 | 指标值): which is the year's is not printed."""

    def __init__(self, line_no: int, name: str) -> None:
        super().__init__(name)
        self.line_no, self.name = line_no, name


def _doubled_value(header: dict[str, list[int]], rows: list[GridRow]) -> str | None:
    """The value column a block of the header names twice and whose two columns differ on a row below it (round 31's
    hunt: the second 指标值 was dropped unsaid); one merged cell a reader printed in both columns is no such column."""
    l2s = sorted(header.get("level2", []))
    for k, start in enumerate(l2s):
        end = l2s[k + 1] if k + 1 < len(l2s) else 10**6
        for column in ("value", "period_value"):
            named = [p for p in header.get(column, []) if start <= p < end]
            if len(named) > 1 and any(len({_at(r.cells, p) for p in named}) > 1 for r in rows):
                return column
    return None


def _at(cells: list[str], i: int) -> str:
    return cells[i].strip() if i < len(cells) else ""


def _mode(cells: list[str], mode: str) -> str:
    for cell in cells[:3]:
        key = labels().get(label_key(cell)) if cell else None
        if key in ("period_block", "annual_block"):
            return key.removesuffix("_block")
    return mode


def _skip(cells: list[str]) -> bool:
    filled = [c for c in cells if c.strip()]
    return not filled or bool(_NOTE.match(filled[0])) or (len(filled) == 1 and is_label(filled[0]))


def _read(row: GridRow, block: Block, inherited: tuple[str, str]) -> Row | None:
    cells, cols = row.cells, block.columns
    level1 = _clean_level(_cell(cells, cols, "level1")) or inherited[0]
    printed_l2 = _cell(cells, cols, "level2")
    level2 = printed_l2 or (inherited[1] if not _cell(cells, cols, "level1") else "")
    name = _cell(cells, cols, "indicator_name")
    if "indicator_name" not in cols and _types_one_column_left(cells, cols, inherited):
        # 一级指标 | 二级指标 | 绩效标准 | 值 holding 数量指标 | <indicator> | …: the columns are one type to the left
        level1, level2, name = "", _clean_level(_cell(cells, cols, "level1")) or inherited[1], printed_l2
    comparison, unit = _cell(cells, cols, "comparison"), _cell(cells, cols, "unit")
    value = target_text(comparison, _cell(cells, cols, "value"), unit) if "value" in cols else None
    period = target_text(comparison, _cell(cells, cols, "period_value"), unit) if "period_value" in cols else None
    if block.kind == "period" and "value" in cols:
        value, period = None, value
    raw = "\t".join(c for c in (cells[p] if p < len(cells) else "" for p in sorted(set(cols.values()))) if c)
    return Row(row.line_no, level1, level2, name, value, period, raw, _cell(cells, cols, "weight"))


def _types_one_column_left(cells: list[str], cols: dict[str, int], inherited: tuple[str, str]) -> bool:
    printed = _clean_level(_cell(cells, cols, "level1"))
    return is_level2_name(printed) if printed else (not inherited[0] and bool(inherited[1]))


def indicators(form: Form) -> tuple[list[Indicator], list[tuple[Row, str]]]:
    """The form's targets: the annual rows (with the period value of the same indicator), then the
    period rows that pair with none. Rows with no level-2 type are returned as problems, with their row (its line
    and text: a reject named the project's line for each)."""
    annual, period = grid_rows(form)
    by_key = {(r.level2, r.name): r for r in period}
    out: list[tuple[Indicator, Row]] = []
    for r in annual:
        p = by_key.pop((r.level2, r.name), None)
        out.append((_indicator(len(out) + 1, r, r.period or (p.period if p else None), r.value), r))
    for r in by_key.values():
        out.append((_indicator(len(out) + 1, r, r.period, None), r))
    problems: list[tuple[Row, str]] = []
    for ind, r in out:
        if not ind.level2_name:
            problems.append((r, f"indicator {ind.name!r} has no level-2 type (二级指标)"))
        elif _NUMBER.match(ind.name) or not ind.name:
            problems.append((r, f"{ind.level2_name}: {ind.name or '(no name)'!r} is not an indicator name "
                             f"(a score or weight in the name column?), value {ind.annual.text or ind.period.text!r}"))
    seen: set[tuple] = set()
    for ind, _ in out:
        fingerprint = (ind.type_key, ind.name, ind.period.text or "", ind.annual.text)
        ind.is_duplicate = fingerprint in seen
        seen.add(fingerprint)
    kept = [i for i, _ in out if i.level2_name and i.name and not _NUMBER.match(i.name) and not _empty_template_row(i)]
    for seq, ind in enumerate(kept, start=1):
        ind.seq = seq
    return kept, problems


_TEMPLATE_NAME = re.compile(r"指标\s*\d+\s*[:：.、]?")  # the national template's rows: 指标1: 指标2: …


def _empty_template_row(ind: Indicator) -> bool:
    """A template's row left as printed (指标1:, no value): nothing printed, so no target and no reject, as an empty
    row (4 of a form's 11 targets were these)."""
    return bool(_TEMPLATE_NAME.fullmatch(ind.name.strip())) and not (ind.period.text or ind.annual.text)


def _indicator(seq: int, r: Row, period: str | None, annual: str | None) -> Indicator:
    l1c, l1n = split_code(r.level1)
    l2c, l2n = split_code(r.level2)
    key, misparented = resolve_type(l1c, l1n, l2c, l2n)
    return Indicator(
        seq=seq,
        level1_code=l1c,
        level1_name=l1n,
        level2_code=l2c,
        level2_name=l2n,
        name=r.name,
        period=parse_target_value(period, r.name),
        annual=parse_target_value(annual, r.name),
        raw_text=r.raw[:2000],
        type_key=key,
        is_misparented=misparented,
        weight=_weight(r.weight),
    )


def _weight(text: str) -> Decimal | None:
    """A 分值 or 权重 as per_row reads it (20, 20%, 20分); one that is no number is left out (it stays in raw_text)."""
    try:
        return weight_of(text)
    except RowError:
        return None


def project(form: Form, path: str, department_name: str, unit: str) -> tuple[ProjectRow, list[Reject]]:
    """The form as one project: amounts as printed (with the form's unit), goal, targets."""
    name_found = form.values["project_name"][0]
    line_no = form.rows[name_found.row].line_no
    printed = name_found.value
    doc, name = split_transfer_doc(printed)
    raw = {k: _with_unit(v, unit) for k, v in money(form).items()}
    period_total, period_parts = raw.pop("period_total"), raw.pop("period_parts")
    goal = form.first("annual_goal") or form.first("period_goal")
    row = ProjectRow(
        line_no=line_no,
        unit_name=form.first("unit") or department_name,
        printed_name=printed,
        project_name=name,
        transfer_doc_no=doc,
        raw_amounts=raw,
        goal_text=goal,
        raw_period_total=period_total,
        raw_period_parts=period_parts,
    )
    targets, problems = indicators(form)
    row.indicators = targets
    rejects = [Reject(path, r.line_no, r.raw or printed, f"{name}: {why}") for r, why in problems]
    return row, rejects


def _with_unit(text: str, unit: str) -> str:
    """'50.00' in a 万元 form -> '50.00万元'; parts '30+20' -> their sum in 元; a unit in the cell stays."""
    if not text:
        return text
    parts = ["0" if prints_nothing(p.strip()) else p for p in text.split("+")]  # —, /, 无 (it read '无万元')
    parts = [p if p.rstrip().endswith(("元", "万")) else p + unit for p in parts]
    if len(parts) == 1:
        return parts[0]
    try:
        return f"{sum(to_yuan(p, unit) for p in parts)}元"
    except AmountError:
        return text  # the normaliser rejects it with its reason


def parse_form_table(grid: Grid, year: int | None = None) -> SourceTable:
    """Every form of the file, one project each, as one table (one department, one budget year)."""
    rows = grid.raw_rows or []
    forms = split_forms(rows)
    for form in forms:
        read_values(form)
    with_grid = [f for f in forms if f.grid_at is not None]
    if not with_grid:
        raise TableRefused(
            grid.path,
            f"single-project form recognised ({recognised_text(rows)}) but no indicator grid "
            "(一级指标 | 二级指标 | 三级指标 | 指标值) follows it: the form is cut off (load the whole file)",
            kind=RefusalKind.BAD_INPUT,
            layout="single_project_form",
        )
    refuse_cut_form(grid, forms)  # a dump cut off inside its last form
    first_row = rows.index(forms[0].rows[0]) if forms else len(rows)
    header = parse_header([(r.line_no, " ".join(c for c in r.cells if c)) for r in rows[:first_row]] + _titles(forms))
    dept, _ = department(forms[0])
    dept = dept or header.department_name or ""
    if not dept:
        raise TableRefused(grid.path, "no department: the form names no 主管部门 / 预算部门 / 预算单位")
    _refuse_several_departments(grid, forms)
    labels = [unit_of(form, grid.path) for form in forms]  # each form's own unit, read once
    # round 31's hunt: 单位：元 above 项目资金(万元) loaded in 万元 without a word (several forms may print their own
    # units: each is read in its label's when one of them agrees with the line)
    if header.source_unit and (other := {u for u in labels if u}) and header.source_unit not in other:
        raise TableRefused(
            grid.path,
            f"amount unit disagrees: the unit line says {header.source_unit}, the form's labels "
            + "、".join(sorted(other)),
            layout="single_project_form",
        )
    printed = header.source_unit or next(filter(None, labels), None)
    unit = printed or "万元"
    table = new_table(grid, header, year, labels[0] or unit, department=dept)
    if printed is None:  # read in 万元, as the other layouts: normalise refuses it when its amounts say 元
        table.notes.append(UNIT_NOT_PRINTED)
    try:
        for form, label in zip(forms, labels, strict=True):
            _add_form(table, form, dept, label or header.source_unit or unit)
    except DoubledValueColumn as doubled:
        raise TableRefused(
            grid.path,
            f"the indicator grid names its {doubled.name} column twice (指标值 | 指标值): which is the year's target "
            "is not printed",
            doubled.line_no,
            layout="single_project_form",
        ) from None
    table.notes += _unpriced(table.projects)
    if not table.projects:
        reasons = "; ".join(dict.fromkeys(r.reason for r in table.rejects[:3]))
        raise TableRefused(
            grid.path,
            f"single-project form(s) recognised but no project could be read: {reasons}"[:500],
            layout="single_project_form",
        )
    return table


def _unpriced(projects: list[ProjectRow]) -> list[str]:
    """A note naming the forms that print no amount of the year (no 本年度… line): loaded as 0, which no 合计 shows
    (a form has none), so it is said; a period total (中期…) is not the year's."""
    names = [p.project_name for p in projects if not any(v.strip() for v in p.raw_amounts.values())]
    if not names:
        return []
    shown = "、".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    return [f"no amount of the year printed on the form of {shown}: loaded as 0 (a period total is not the year's)"]


def _refuse_several_departments(grid: Grid, forms: list[Form]) -> None:
    """Forms of several departments in one file (主管部门 A on one form, B on another) are several tables: the
    table is one department's, so the later forms' projects would be filed under the first department. Forms
    naming only their 预算单位 (units of one department) are not compared."""
    named: dict[str, str] = {}  # folded name -> as printed
    for form in forms:
        found = next((f for f in form.values.get("department", []) if f.value), None)
        if found is None or label_key(form.rows[found.row].cells[found.col]).startswith("预算单位"):
            continue
        name = department(form)[0]
        named.setdefault(fold_key(name), name)
    if len(named) > 1:
        raise TableRefused(
            grid.path,
            f"forms of {len(named)} departments in one file ({', '.join(list(named.values())[:3])}): a table is one "
            "department's; load each department's forms as its own file",
            kind=RefusalKind.UNSUPPORTED_LAYOUT,
            layout="single_project_form",
        )


def _titles(forms: list[Form]) -> list[tuple[int, str]]:
    """Title-like lines inside the forms (a year in a title such as ( 2024 年度) may sit there)."""
    out = []
    for form in forms:
        for r in form.rows[: form.grid_at]:
            filled = [c for c in r.cells if c.strip()]
            if len(filled) == 1 and not is_label(filled[0]):
                out.append((r.line_no, filled[0]))
    return out


def _add_form(table: SourceTable, form: Form, dept: str, unit: str) -> None:
    name = form.first("project_name")
    line_no = form.rows[0].line_no
    if not name:
        table.rejects.append(
            Reject(str(table.path), line_no, "\t".join(form.rows[0].cells)[:2000], "form has no project name")
        )
        return
    if form.grid_at is None:
        table.rejects.append(Reject(str(table.path), line_no, name, f"{name}: form has no indicator grid"))
        return
    project_row, rejects = project(form, str(table.path), dept, unit)
    table.rejects.extend(rejects)
    if project_row.indicators:
        table.projects.append(project_row)
    else:
        reason = f"{project_row.project_name}: no target could be read from the form's indicator grid"
        table.rejects.append(Reject(str(table.path), project_row.line_no, project_row.raw_text, reason))


def _label_text(cell: str) -> str:
    """The label part of a label cell, for messages: 年度资金总额:50.00 -> 年度资金总额."""
    return re.split(r"[:：]", squash(cell), maxsplit=1)[0][:24]


def recognised_text(rows: list[GridRow]) -> str:
    """The form labels seen in the rows, for a refusal: 项目名称 …, 主管部门及代码, 年度资金总额 …"""
    seen: list[str] = []
    for row in rows[:400]:
        for cell in row.cells:
            if cell and match(cell)[0] and len(seen) < 8 and (label := _label_text(cell)) not in seen:
                seen.append(label)
    return ", ".join(seen)
