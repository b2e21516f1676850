"""A header that names one column twice (总计 | … | 总计, 绩效指标 | 绩效指标): the first is read, and the second is
only safe to pass over when it holds what the first holds (a column exported twice). Found by a hostile run: a second
总计 of other numbers was dropped without a word, and a second 绩效指标 refused the file as "cell(s) beyond the
header's columns"."""

from __future__ import annotations

from pathlib import Path

from etl.extract.columns import PART_COLUMNS, canonical_column
from etl.model import GridRow, RefusalKind, TableRefused
from etl.text import squash, strip_tags


def refuse_doubled_columns(path: Path, header: list[str], rows: list[GridRow], positions: dict[str, int]) -> None:
    """Refuse the table when a column the header names twice holds other values in its second printing (a part of
    the total named twice is read as its second column instead: see header_positions)."""
    for first, second in _doubled(header, positions):
        for row in rows:
            a, b = _text(row.cells, first), _text(row.cells, second)
            if b and a != b:
                said = f"the header names {header[first].strip()!r} twice (columns {first + 1} and {second + 1})"
                differ = f"they differ on line {row.line_no} ({a[:40]!r}, {b[:40]!r})"
                reason = f"{said} and {differ}: which one holds the table's values is not known"
                raise TableRefused(path, reason, row.line_no, RefusalKind.UNSUPPORTED_LAYOUT)


def _doubled(header: list[str], positions: dict[str, int]) -> list[tuple[int, int]]:
    """(the column read, another the header gives the same name) for each name printed twice, but parts of 总计."""
    pairs = []
    for i, cell in enumerate(header):
        name = canonical_column(cell)[0] if cell.strip() else None
        first = positions.get(name) if name and name not in PART_COLUMNS else None
        if first is not None and first != i:
            pairs.append((first, i))
    return pairs


def _text(cells: list[str], i: int) -> str:
    return squash(strip_tags(cells[i])) if i < len(cells) else ""
