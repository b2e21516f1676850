"""The single-project form's labels (form_labels.csv beside the layout registry) and how cells match them."""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from pathlib import Path

from etl.model import AMOUNT_UNITS
from etl.text import header_key

LABEL_FILE = Path(__file__).with_name("layouts") / "form_labels.csv"
_PAREN = re.compile(r"\([^()]*\)")
_ENUM = re.compile(r"^(?:[一二三四五六七八九十]+、|\d+[、.])")
_COLON = re.compile(r"([:：])")
# a label printed in brackets or marked as required: 【项目名称】, [项目名称]：, *项目名称, ★项目名称
_DRESSED = re.compile(r"^[*＊★※]*(?:【([^【】]+)】|\[([^\[\]]+)\]|〔([^〔〕]+)〕|([^*＊★※【\[〔].*))$")
_UNIT_IN_LABEL = re.compile(rf"\((?:单位:)?({AMOUNT_UNITS}|[\u4e00-\u9fff]{{1,3}}元)\)")


@cache
def labels() -> dict[str, str]:
    """normalised label -> key (project_name, department, annual_total, fiscal, …)."""
    with LABEL_FILE.open(encoding="utf-8") as fh:
        return {label_key(r["label"]): r["key"] for r in csv.DictReader(fh)}


@lru_cache(maxsize=4096)
def label_key(cell: str) -> str:
    """项目资金 (万元) -> 项目资金; 其中:财政拨款 -> 财政拨款; 中期目标(2024年—2024年) -> 中期目标."""
    key = _PAREN.sub("", header_key(cell)).rstrip(":")
    if key[:1] in "*＊★※【[〔" and (dressed := _DRESSED.match(key)):
        key = next(g for g in dressed.groups() if g)
    key = _ENUM.sub("", key)
    return key.removeprefix("其中:").removeprefix("其中")


# a label in brackets with its value after it, a colon or none: 【项目名称】行政复议规范化建设, [年度目标]：…
_BRACKETED_LABEL = re.compile(
    r"^\s*[*＊★※]?\s*(?:【([^【】]{1,20})】|[\[［]([^\[\]［］]{1,20})[\]］])\s*[:：]?\s*(\S.*)$", re.S
)
_PART_OF = re.compile(r"^\s*其中\s*[:：]\s*")  # 其中：财政拨款：20.00 (the part's label after 其中：)


def match(cell: str) -> tuple[str | None, str]:
    """(key, value written in the same cell after a colon, or after a label in brackets) for a label cell; (None,
    '') for others."""
    if not cell or (len(cell) > 60 and not any(c in cell[:30] for c in ":：】]］")):
        return None, ""
    key = labels().get(label_key(cell))
    if key:
        return key, ""
    cell = _PART_OF.sub("", cell, count=1)
    if (m := _BRACKETED_LABEL.match(cell)) and (key := labels().get(label_key(m[1] or m[2]))):
        return key, m[3].strip()
    parts = _COLON.split(cell, maxsplit=1)
    head, rest = (parts[0], parts[2]) if len(parts) == 3 else (cell, "")
    if rest.strip() and len(head) <= 20 and (key := labels().get(label_key(head))):
        return key, rest.strip()
    return None, ""


def unit_in_label(cell: str) -> str | None:
    m = _UNIT_IN_LABEL.search(header_key(cell))
    return m.group(1) if m else None
