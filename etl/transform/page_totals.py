"""Rows a long table prints at its page breaks: the page's own total (本页合计, 本页小计, 小计（本页）) and the running
total carried over the break (累计, 承前页, 过次页).

They are aggregates of rows already counted, never a unit: read as one (a row of amounts but no goal and no
indicators), such a row took the projects of the next page under it as a unit of its own, and the unit above
"added up" as a level over it (its projects plus the page's), so every project after the break loaded under a unit
named 本页合计. Each is kept as an aggregate of its own kind (``fact_table_aggregate.row_kind``), takes no project,
and is checked against the projects it sums (etl.transform.reconcile): a page's total against the projects since the
page total before it, a running total against every project before it.
"""

from __future__ import annotations

import re

from etl.model import AMOUNT_UNITS
from etl.text import fold

PAGE_SUBTOTAL = "page_subtotal"
RUNNING_TOTAL = "running_total"
PAGE_KINDS = frozenset({PAGE_SUBTOTAL, RUNNING_TOTAL})

_SUM = r"(?:合计|小计|总计|共计)"
_THIS_PAGE = r"(?:截至|截止|至)?本页止?"
_PAGE = re.compile(rf"本页(?:金额)?{_SUM}(?:数|金额)?|{_SUM}\({_THIS_PAGE}\)")
_RUNNING = re.compile(
    rf"(?:{_THIS_PAGE})?累计(?:{_SUM}|数|金额)?(?:\({_THIS_PAGE}\))?"
    r"|承前页|承上页|接上页|接前页|上页转来|过次页|过下页|转下页|转次页|转后页"
)
# a colon or the unit after the words (本页合计：, 本页合计（万元）), as is_grand_total reads 合计
_DRESSING = re.compile(rf"(?:[:]|\((?:单位:?)?(?:{AMOUNT_UNITS})\))+$")


def page_row_kind(name: str) -> str | None:
    """PAGE_SUBTOTAL or RUNNING_TOTAL for a row named as a page break's total (any spacing, widths, a colon or a
    unit after it), else None. A name without 页 or 累计 (nearly every row) is answered by two searches."""
    if "页" not in name and "累计" not in name:
        return None
    key = _DRESSING.sub("", fold(name).replace(" ", "").replace("\u3000", ""))
    if _PAGE.fullmatch(key):
        return PAGE_SUBTOTAL
    if _RUNNING.fullmatch(key):
        return RUNNING_TOTAL
    return None
