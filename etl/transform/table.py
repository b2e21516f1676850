"""Grid -> SourceTable: tell aggregate rows from project rows and split packed indicators."""

from __future__ import annotations

import re
from pathlib import Path

from etl.extract.columns import REQUIRED_COLUMNS, header_positions
from etl.model import (
    AMOUNT_COLUMNS,
    AggregateRow,
    Grid,
    GridRow,
    ProjectRow,
    RefusalKind,
    Reject,
    SourceTable,
    TableRefused,
)
from etl.text import fold, squash, strip_tags
from etl.transform.header import budget_year, parse_header
from etl.transform.indicators import ItemError, parse_indicators
from etl.transform.per_row import ProjectCursor, RowError, add_indicator, has_indicator, is_per_row
from etl.transform.truncation import refuse_if_truncated

GRAND_TOTAL_NAMES = frozenset({"合计", "总计", "合 计", "总 计"})
MAX_CELL_CHARS = 32767  # Excel's own limit for one cell
_NOTE = re.compile(r"^(注|说明|备注|填报|制表|审核|数据来源)\s*[:：\d一、]")
_TRANSFER_DOC = re.compile(
    r"^(?P<doc>[\u4e00-\u9fff]{1,8}\s*[\[【〔(（]\s*\d{4}\s*[\]】〕)）]\s*\d{1,4}\s*号)\s*(?P<name>\S.*)$"
)


def split_transfer_doc(printed: str) -> tuple[str | None, str]:
    """穗财政【2023】79号专职人民调解服务项目经费 -> (穗财政【2023】79号, 专职人民调解服务项目经费)."""
    m = _TRANSFER_DOC.match(printed)
    return (m.group("doc"), m.group("name").strip()) if m else (None, printed)


def parse_grid(grid: Grid, year: int | None = None) -> SourceTable:
    """Classify the grid's rows; rows that cannot be read become rejects, not errors."""
    header = parse_header(grid.preamble)
    if not grid.rows:
        reason = "no header row (项目名称 | 总计 | … | 绩效指标) found"
        raise TableRefused(grid.path, reason, kind=RefusalKind.NOT_A_TARGET_TABLE)
    positions, header_unit = header_positions(grid.rows[0].cells)
    missing = [c for c in REQUIRED_COLUMNS if c not in positions]
    if missing:
        raise TableRefused(
            grid.path,
            f"header row lacks column(s): {', '.join(missing)}",
            grid.rows[0].line_no,
            RefusalKind.UNSUPPORTED_LAYOUT,
        )
    table = SourceTable(
        path=grid.path,
        sha256=grid.sha256,
        budget_year=budget_year(grid.path, header, year),
        department_name=header.department_name or "",
        title=header.title,
        source_unit=header.source_unit or header_unit or "万元",
        projects=[],
        aggregates=[],
        is_generated=header.is_generated,
        source_format=grid.source_format,
        encoding=grid.encoding,
        notes=list(grid.notes),
    )
    cursor: ProjectCursor | None = None
    rows = [r for r in grid.rows[1:] if not _is_note(r)]
    for row in rows:
        cursor = _classify_row(table, row, positions, cursor)
    refuse_if_truncated(table, rows, positions)
    if not table.department_name:
        table.department_name = _first_unit(table) or _refuse_no_department(grid.path)
    return table


def _cell(cells: list[str], positions: dict[str, int], column: str) -> str:
    i = positions.get(column)
    return squash(strip_tags(cells[i])) if i is not None and i < len(cells) else ""


def _is_note(row: GridRow) -> bool:
    """A note under the grid (注：…, 说明：…) is not a row of the table."""
    filled = [c for c in row.cells if c.strip()]
    return len(filled) == 1 and bool(_NOTE.match(filled[0]))


def _row_problem(cells: list[str], positions: dict[str, int]) -> str | None:
    if extra := [c for c in cells[max(positions.values()) + 1 :] if c.strip()]:
        return f"{len(extra)} cell(s) beyond the header's columns"
    if (longest := max((len(c) for c in cells), default=0)) > MAX_CELL_CHARS:
        return f"a cell of {longest} characters exceeds the limit of {MAX_CELL_CHARS}"
    return None


def _classify_row(
    table: SourceTable, row: GridRow, positions: dict[str, int], cursor: ProjectCursor | None
) -> ProjectCursor | None:
    """File the row as an aggregate, a project or (per-row layout) an indicator of the current project."""
    if reason := _row_problem(row.cells, positions):
        table.rejects.append(_reject(table, row, reason))
        return cursor
    cells = row.cells
    name = _cell(cells, positions, "project_name")
    per_row = is_per_row(positions)
    if not name:
        if per_row and cursor and has_indicator(cells, positions):
            _add_row_indicator(table, cursor, row, positions)
        else:
            table.rejects.append(_reject(table, row, "row has no project name"))
        return cursor
    raw = {c: _cell(cells, positions, c) for c in AMOUNT_COLUMNS}
    goal = _cell(cells, positions, "goal")
    packed = "" if per_row else _cell(cells, positions, "indicators")
    indicator = per_row and has_indicator(cells, positions)
    if fold(name).replace(" ", "") in GRAND_TOTAL_NAMES:
        table.aggregates.append(AggregateRow(row.line_no, "grand_total", name, raw))
        return None
    if not goal and not packed and not indicator:
        table.aggregates.append(AggregateRow(row.line_no, "unit_subtotal", name, raw))
        return None
    project = _project(table, row, name, raw, goal, packed)
    table.projects.append(project)
    cursor = ProjectCursor(project)
    if indicator:
        _add_row_indicator(table, cursor, row, positions)
    return cursor


def _add_row_indicator(table: SourceTable, cursor: ProjectCursor, row: GridRow, positions: dict[str, int]) -> None:
    try:
        add_indicator(cursor, row, positions)
    except RowError as exc:
        table.rejects.append(_reject(table, row, f"{cursor.project.project_name}: indicator {cursor.seq}: {exc}"))


def _project(table: SourceTable, row: GridRow, name: str, raw: dict[str, str], goal: str, packed: str) -> ProjectRow:
    units = [a.name for a in table.aggregates if a.kind == "unit_subtotal"]
    doc, project_name = split_transfer_doc(name)
    project = ProjectRow(
        line_no=row.line_no,
        unit_name=units[-1] if units else table.department_name,
        printed_name=name,
        project_name=project_name,
        transfer_doc_no=doc,
        raw_amounts=raw,
        goal_text=goal,
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
    raise TableRefused(path, "no department: neither a 部门名称 line nor a unit row")
