"""The records that pass between pipeline steps.

Every step is a pure function over these: a reader makes a :class:`Grid`, the parser makes a
:class:`SourceTable` of :class:`ProjectRow`, :class:`AggregateRow` and :class:`Indicator`
records, and the normaliser and reconciler add findings. Nothing here touches a database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

AMOUNT_COLUMNS: tuple[str, ...] = ("total", "fiscal", "special_account", "other")

# The amount units a table may print (单位：万元 above it, 总计（元） in a column header, 1.5亿元 in a cell), each
# in yuan: the one list every reader builds its patterns from. A unit printed without 元 (单位：万, 单位：亿) is read
# as its 元 form (AMOUNT_UNIT_SHORT). Another currency (美元, 港元) is no unit of these: a table that prints one is
# refused, never read in the default 万元 (as a table in 亿元 was, before 亿元 was one: 10,000 times too small).
UNIT_TO_YUAN: dict[str, Decimal] = {
    "元": Decimal(1),
    "百元": Decimal(100),
    "千元": Decimal(1000),
    "万元": Decimal(10) ** 4,
    "十万元": Decimal(10) ** 5,
    "百万元": Decimal(10) ** 6,
    "千万元": Decimal(10) ** 7,
    "亿元": Decimal(10) ** 8,
}
MAX_YUAN = Decimal(10) ** 16  # DECIMAL(18, 2) holds less than this: an amount, and any sum of a table's amounts
AMOUNT_UNIT_SHORT: dict[str, str] = {"万": "万元", "亿": "亿元", "千": "千元", "百万": "百万元", "千万": "千万元"}
# the units as a regex alternation, the longest first (千万元 before 万元 before 元)
AMOUNT_UNITS = "|".join(sorted(UNIT_TO_YUAN, key=len, reverse=True))
AMOUNT_UNITS_OR_SHORT = "|".join(sorted([*UNIT_TO_YUAN, *AMOUNT_UNIT_SHORT], key=len, reverse=True))


class RefusalKind(StrEnum):
    """Why a file was refused whole (load_log.refusal_kind). The one list of kinds.

    An incremental run skips a refused file whose bytes it has seen only when the refusal is about the
    file itself and was made by the current parser (etl.transform.PARSER_VERSION): never an internal
    error (a bug, fixed by the next release) and never a conflict (it depends on another file).
    """

    BAD_INPUT = "bad_input"  # the file cannot be used as it is: empty, binary, cut off, no year, bad totals
    UNSUPPORTED_LAYOUT = "unsupported_layout"  # a table, in a format or column layout the parser does not read
    NOT_A_TARGET_TABLE = "not_a_target_table"  # readable, but no 绩效目标表 header in it
    CONFLICT = "conflict"  # another file holds the same department and year
    INTERNAL_ERROR = "internal_error"  # the parser failed (a bug): never skipped, parsed again every run


class TableRefused(Exception):
    """The table as a whole is unusable; the reason says why (file-level reject), the kind what sort of refusal."""

    def __init__(
        self,
        path: Path | str,
        reason: str,
        line_no: int | None = None,
        kind: RefusalKind = RefusalKind.BAD_INPUT,
        layout: str | None = None,
    ) -> None:
        where = f"{path}:{line_no}" if line_no else str(path)
        super().__init__(f"{where}: {reason}")
        self.path = str(path)
        self.reason = reason
        self.line_no = line_no
        self.kind = kind
        self.layout = layout
        self.layout_score: float | None = None
        self.sha256: str | None = None  # of the bytes refused, once they were read (etl.transform.pipeline)


@dataclass(slots=True)
class GridRow:
    """One row of the grid as read: its 1-based line (or row) number and its cells."""

    line_no: int
    cells: list[str]


@dataclass(slots=True)
class Grid:
    """What a reader produces: the lines before the grid, and the grid rows."""

    path: Path
    preamble: list[tuple[int, str]]
    rows: list[GridRow]
    encoding: str = "utf-8"
    sha256: str = ""
    source_format: str = "text"
    raw_rows: list[GridRow] | None = None  # every non-blank row, kept only when no header row was found
    notes: list[str] = field(default_factory=list)
    rejects: list[Reject] = field(default_factory=list)  # rows the reader left out (a workbook's hidden rows)


@dataclass(slots=True, frozen=True)
class TargetValue:
    """A target as printed, plus what could be read from it.

    status is ``quantitative`` (comparison, number and unit read), ``qualitative`` (text only)
    or ``missing`` (not printed at all, or only a placeholder mark such as — or /: its text kept).
    """

    text: str | None
    comparison: str | None = None
    number: Decimal | None = None
    unit: str | None = None
    unit_source: str | None = None
    status: str = "missing"


@dataclass(slots=True)
class Indicator:
    """One performance indicator split out of a packed 绩效指标 cell."""

    seq: int
    level1_code: str
    level1_name: str
    level2_code: str
    level2_name: str
    name: str
    period: TargetValue
    annual: TargetValue
    raw_text: str
    type_key: str = ""
    is_misparented: bool = False
    is_duplicate: bool = False
    weight: Decimal | None = None
    direction: str | None = None


@dataclass(slots=True)
class AggregateRow:
    """A 合计 row (kind ``grand_total``), a unit subtotal row (``unit_subtotal``), a category subtotal
    of a department list (``category``: 其他运转类, 本级项目, 特定目标类), or a page break's total (``page_subtotal``:
    本页合计; ``running_total``: 累计, 过次页; see etl/transform/page_totals.py)."""

    line_no: int
    kind: str
    name: str
    raw_amounts: dict[str, str]
    amounts: dict[str, Decimal] = field(default_factory=dict)
    code: str = ""  # a group code printed before the name (820001-…), kept apart from it


@dataclass(slots=True)
class ProjectRow:
    """One spending project; amounts are in yuan once normalised."""

    line_no: int
    unit_name: str
    printed_name: str
    project_name: str
    transfer_doc_no: str | None
    raw_amounts: dict[str, str]
    goal_text: str
    indicators: list[Indicator] = field(default_factory=list)
    amounts: dict[str, Decimal] = field(default_factory=dict)
    raw_period_total: str = ""  # the single-project form's 中期/实施期 amount, as printed
    period_total: Decimal | None = None
    raw_period_parts: str = ""  # the parts the form prints under that amount (财政拨款, 其他资金 …), as printed
    period_parts: Decimal | None = None  # their sum (reconcile checks it against period_total)
    cells: list[str] = field(default_factory=list, repr=False)  # the grid row it was read from, when it had one

    @property
    def is_transfer_payment(self) -> bool:
        return self.transfer_doc_no is not None

    @property
    def raw_text(self) -> str:
        """Its row as printed (cells parted by tabs), for a reject of the whole project: else its name."""
        return "\t".join(self.cells)[:2000] or self.printed_name


@dataclass(slots=True, frozen=True)
class Reject:
    """A row or item that could not be parsed; the rest of the table still loads."""

    path: str
    line_no: int
    raw_text: str
    reason: str


@dataclass(slots=True, frozen=True)
class Finding:
    """One reconciliation check: what was expected, what was found, and whether they agree."""

    check: str
    scope: str
    column: str
    line_no: int | None
    expected_yuan: Decimal
    actual_yuan: Decimal

    @property
    def difference_yuan(self) -> Decimal:
        return self.actual_yuan - self.expected_yuan

    @property
    def passed(self) -> bool:
        return self.expected_yuan == self.actual_yuan


@dataclass(slots=True)
class Subtotal:
    """A closing 小计 (本级小计 …; its row of kind ``subtotal``) and what it must equal: the unit, section or 合计 row
    whose amounts it repeats (checked as subtotal=<that row's kind>), else the projects it closes, by line
    (subtotal=sum(projects): a table whose 单位名称 column names each unit prints a 小计 under each)."""

    row: AggregateRow
    repeats: AggregateRow | None = None
    closes: tuple[int, ...] = ()


@dataclass(slots=True)
class SourceTable:
    """One published table (one department, one budget year), parsed and normalised."""

    path: Path
    sha256: str
    budget_year: int
    department_name: str
    title: str
    source_unit: str
    projects: list[ProjectRow]
    aggregates: list[AggregateRow]
    rejects: list[Reject] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    is_generated: bool = False
    source_format: str = "text"
    encoding: str = "utf-8"
    layout: str = ""
    layout_score: float | None = None
    notes: list[str] = field(default_factory=list)
    subtotals: list[Subtotal] = field(default_factory=list)  # closing 小计 rows, reconciled

    @property
    def n_targets(self) -> int:
        return sum(len(p.indicators) for p in self.projects)

    @property
    def reconciled(self) -> bool:
        return all(f.passed for f in self.findings)


@dataclass(slots=True, frozen=True)
class Refusal:
    """A file refused whole: it never reaches the warehouse's facts, only its load log."""

    path: str
    sha256: str
    reason: str
    budget_year: int | None = None
    kind: RefusalKind = RefusalKind.BAD_INPUT
    layout: str | None = None
    layout_score: float | None = None
