"""Helpers the tests share to write GENERATED tables: a file filed under its year's folder, a text table of a few
rows, and a cell's number as a workbook stores it."""

from __future__ import annotations

from pathlib import Path


def filed(tmp_path: Path, name: str, year: str = "2024") -> Path:
    """tmp_path/<year>/<name>, its folder made (the year comes from the folder, as in data/raw/)."""
    path = tmp_path / year / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def cell_number(text: str) -> float | str | None:
    """A printed amount as a workbook stores it (1,485.34 -> 1485.34); text stays text, "" is an empty cell."""
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return text or None


def write_text_table(tmp_path: Path, department: str, header: str, row: str) -> Path:
    """A tab-separated 项目支出绩效目标表 in 万元 of one department, its header and one row: 2024/table.txt."""
    lines = ["项目支出绩效目标表", f"部门名称：{department}", "单位：万元", header, row]
    path = filed(tmp_path, "table.txt")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
