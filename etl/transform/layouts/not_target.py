"""Look-alikes that are not target tables; each is recognised and refused, never half-read.

- a self-evaluation (自评表): 实际完成值 / 分值 / 得分 beside the targets;
- a target-vs-completion table inside a 决算 report (level-1 项目完成指标);
- a blank template: placeholders such as (450字内) and 评分细则, nothing filled in;
- text run together: labels of a target table inside one long cell, no cell boundaries to split.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from etl.model import Grid, GridRow, RefusalKind, SourceTable, TableRefused
from etl.text import header_key

RUN_TOGETHER_LABELS = (
    "项目名称",
    "主管部门",
    "实施单位",
    "一级指标",
    "二级指标",
    "三级指标",
    "年度目标",
    "绩效指标",
    "指标值",
)
LONG_CELL = 150
_TITLE = re.compile(r"[^\s|,.;:。]{0,40}?(?:绩效目标表|绩效目标申报表|自评表|批复表)(?:\s*\(\s*\d{4}\s*年度?\s*\))?")
_TITLE_WORD = re.compile(r"绩效目标表|绩效目标申报表|自评表|批复表")
_PLACEHOLDER = re.compile(r"\(\d+字(?:以)?内\)")


def _search_title(text: str) -> re.Match[str] | None:
    """_TITLE's first match, tried from 40 characters before the first title word only (tried from every character,
    a 3.5 MB cell without one took seconds a search)."""
    word = _TITLE_WORD.search(text)
    return _TITLE.search(text, max(0, word.start() - 40)) if word else None


_read: list[tuple[Grid, list[GridRow], str]] = []  # the last grid without a header row read, and its text


def _text(grid: Grid) -> str:
    """What the families look for: every cell when there is no header row, else the header row only.

    Without a header row, the text from the last title (…绩效目标表, …自评表) above the first row of cells on: a
    saved page's navigation before it (links to 2023年部门决算, …绩效自评表) says nothing about this table. It is
    read once for the families (500,000 lines before the cells took 1.3 s a family)."""
    if grid.raw_rows is None:
        return " ".join(grid.rows[0].cells) if grid.rows else ""
    if _read and _read[0][0] is grid and _read[0][1] is grid.raw_rows:
        return _read[0][2]
    rows = grid.raw_rows
    first = next((i for i, r in enumerate(rows) if sum(1 for c in r.cells if c.strip()) > 1), len(rows))
    titles = [i for i, r in enumerate(rows[: first + 1]) if _search_title(header_key(" ".join(r.cells)))]
    text = header_key(" ".join(c for r in rows[titles[-1] if titles else 0 :] for c in r.cells if c))
    _read[:] = [(grid, rows, text)]
    return text


def _title(text: str) -> str:
    m = _search_title(text)
    return f"{m.group(0)}; " if m else ""


def _refuse(grid: Grid, kind: str, reason: str) -> SourceTable:
    raise TableRefused(grid.path, f"not a target table: {reason}", kind=RefusalKind.NOT_A_TARGET_TABLE, layout=kind)


def score_self_evaluation(grid: Grid) -> float:
    text = _text(grid)
    if "实际完成值" in text and ("得分" in text or "分值" in text):
        return 1.0
    return 0.8 if "自评表" in text else 0.0


def parse_self_evaluation(grid: Grid, year: int | None = None) -> SourceTable:
    text = _text(grid)
    seen = [w for w in ("自评表", "年度指标值", "实际完成值", "分值", "得分", "偏差原因") if w in text]
    return _refuse(grid, "self_evaluation", f"a self-evaluation (自评表): {_title(text)}recognised {' / '.join(seen)}")


# a cell that titles a column of what was done (a completion table's, beside the targets): no target table has one
COMPLETION_COLUMNS = frozenset(
    {"实际完成值", "全年实际值", "实际完成情况", "完成情况", "实际值", "完成值", "全年完成值"}
)


_LEVELS = frozenset({"一级指标", "二级指标", "三级指标"})


def _completion_column(grid: Grid) -> str | None:
    """The first cell titling a column of what was done (年度指标值 | 实际完成值), in a row that titles the targets'
    columns (a goal that speaks of 完成情况, or an indicator named so, is no column); None when there is none."""
    rows = grid.raw_rows if grid.raw_rows is not None else grid.rows[:1]
    for row in rows:
        keys = [header_key(c) for c in row.cells]
        if any(k.endswith("指标值") or k in _LEVELS for k in keys):  # the targets' header row, not an indicator's
            found = next((k for k in keys if k in COMPLETION_COLUMNS), None)
            if found:
                return found
    return None


def score_completion(grid: Grid) -> float:
    text = _text(grid)
    done = "项目完成指标" in text or ("决算" in text and "完成情况" in text)
    return 1.0 if done or _completion_column(grid) else 0.0


def parse_completion(grid: Grid, year: int | None = None) -> SourceTable:
    text = _text(grid)
    seen = [w for w in ("项目完成指标", "决算", "绩效评价", "名词解释", "完成情况") if w in text]
    if (column := _completion_column(grid)) and column not in seen:
        seen.append(column)
    return _refuse(
        grid,
        "completion_table",
        f"a target-vs-completion table (a 决算 report's, or a 完成情况表): recognised {' / '.join(seen)}"
        " (targets beside what was done)",
    )


def score_template(grid: Grid) -> float:
    if grid.raw_rows is None:
        return 0.0
    text = _text(grid)
    hits = len(_PLACEHOLDER.findall(text)) + ("评分细则" in text)
    return 1.0 if hits >= 2 else 0.0


def parse_template(grid: Grid, year: int | None = None) -> SourceTable:
    text = _text(grid)
    seen = sorted(set(_PLACEHOLDER.findall(text)))[:3] + [w for w in ("评分细则", "分值") if w in text]
    return _refuse(grid, "blank_template", f"a blank template: {_title(text)}recognised {', '.join(seen)}; no values")


def _run_together_cell(grid: Grid) -> tuple[str, list[str]] | None:
    for row in grid.raw_rows or ():
        for cell in row.cells:
            if len(cell) < LONG_CELL:
                continue
            key = header_key(cell)
            labels = [label for label in RUN_TOGETHER_LABELS if label in key]
            if len(labels) >= 3:
                return key, labels
    return None


def score_run_together(grid: Grid) -> float:
    return 0.9 if grid.raw_rows is not None and _run_together_cell(grid) else 0.0


def parse_run_together(grid: Grid, year: int | None = None) -> SourceTable:
    """A target table whose cells were lost on the way (a copy of a page's text): a layout the parser cannot
    read (unsupported_layout), not something other than a target table."""
    found = _run_together_cell(grid)
    key, labels = found if found else ("", [])
    reason = (
        f"a target table as text run together with no cell boundaries: {_title(key)}recognised "
        f"{', '.join(labels)} inside one cell of {len(key)} characters; it cannot be split into cells reliably: "
        "load the original (DOCX, XLSX, PDF or HTML), which keeps its cells"
    )
    raise TableRefused(grid.path, reason, kind=RefusalKind.UNSUPPORTED_LAYOUT, layout="run_together")


Family = tuple[str, str, Callable[[Grid], float], Callable[[Grid, int | None], SourceTable]]
FAMILIES: tuple[Family, ...] = (
    ("self_evaluation", "self-evaluation 自评表 (refused)", score_self_evaluation, parse_self_evaluation),
    ("completion_table", "决算 completion table (refused)", score_completion, parse_completion),
    ("blank_template", "blank template (refused)", score_template, parse_template),
    ("run_together", "text run together (refused)", score_run_together, parse_run_together),
)
