"""A PDF table without ruling lines, its columns aligned by whitespace: cells cut at the header row's columns.

pdfplumber's text strategy guesses columns from where words line up on the whole page, so a column whose
cells are empty on most rows, or two cells printed close together, comes out split or merged. Here the
column header row (项目名称 | 总计 | … as `is_header_row` knows it) says where the columns are:

- a page's characters are grouped into lines by their top, a line into words by the gaps between characters;
- the first line whose words are a header row is the header (or two lines close together, a wrapped header
  cell's lower half joined to the word above it: 项目名称（资金使 / 用单位）); the lines above it on the first
  page are the preamble (title, 部门名称, 单位), those above it on a later page (a repeated title) are dropped;
- between two header cells' centres, the gutters are the runs crossed by the fewest words of the lines below;
  the column boundary is the gutter that puts no two words another gutter parts on one line into one cell (公里
  and 20 are two columns), of several, numbers between them go to the column that can hold numbers when the other
  cannot (权重 beside 度量单位: a unit, a comparison, a direction or a type is never a bare number), else left under
  left-aligned headers (amounts are right-aligned, as Excel prints them), other text to the nearer header centre;
  text as near one centre as the other is ColumnsUnclear.
  Each character goes to the column its centre falls in;
- a line printed closer to the one above it than rows are to each other (two spacings on the page) is a
  wrapped cell: its cells are joined to the row above; where rows and lines are spaced alike, a line with text
  only in columns that wrap (项目名称, 绩效目标, 绩效指标, 三级指标), each filled in the row above, is one;
- a page without a header row continues with the boundaries of the page before; page numbers are dropped.

Pure functions of pdfplumber's character dicts (text, x0, x1, top, size).
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from statistics import median
from typing import Any

from etl.extract.columns import canonical_column, is_header_row
from etl.text import NOTE_LINE

Char = dict[str, Any]
Line = list[Char]
WORD_GAP = 0.8  # of the font size: a wider gap between two characters separates two words
TIGHT = 0.1  # of the font size: a gap inside one cell's text (CJK characters touch; a space is wider)
SAME_LINE = 0.5  # of the font size: characters whose tops differ by less are on one line
UNCLEAR = 0.1  # of the distance between two header cells' centres: text nearer to neither is refused
_PAGE_NO = re.compile(r"^(?:第\d+页(?:/?共\d+页)?|-?\d+-?|\d+/\d+)$")


def lines_of(chars: Sequence[Char]) -> list[Line]:
    """Characters (spaces dropped) grouped into lines, top to bottom, each left to right."""
    lines: list[Line] = []
    for ch in sorted((c for c in chars if c["text"].strip()), key=lambda c: (c["top"], c["x0"])):
        if lines and ch["top"] - lines[-1][0]["top"] < SAME_LINE * max(ch["size"], 1.0):
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def words_of(line: Line, gap: float = WORD_GAP) -> list[tuple[float, float, str]]:
    """(x0, x1, text) of the runs of characters separated by more than ``gap`` font sizes."""
    words: list[tuple[float, float, str]] = []
    for ch in line:
        if words and ch["x0"] - words[-1][1] <= gap * max(ch["size"], 1.0):
            x0, _, text = words[-1]
            words[-1] = (x0, max(ch["x1"], words[-1][1]), text + ch["text"])
        else:
            words.append((ch["x0"], ch["x1"], ch["text"]))
    return words


def _text(line: Line) -> str:
    return "".join(w for _, _, w in words_of(line, 0.3))


class ColumnsUnclear(ValueError):
    """Text between two header cells that belongs to neither more than to the other."""


Span = tuple[int, float, float, str]  # (line, x0, x1, text) of a word of the body
_NUMBER = re.compile(r"^[-+]?[\d,，.]+%?$")


def _gutters(spans: list[Span], lo: float, hi: float) -> list[tuple[float, float]]:
    """The runs of (lo, hi) crossed by the fewest words: where one column can end and the next begin."""
    edges = sorted({lo, hi, *(x for _, x0, x1, _ in spans for x in (x0, x1) if lo < x < hi)})
    mids = [(a + b) / 2 for a, b in itertools.pairwise(edges)]
    crossing = [0] * (len(mids) + 1)  # words over each piece's middle, by a sweep: per piece and word was quadratic
    for _, s0, s1, _ in spans:
        crossing[bisect_right(mids, s0)] += 1
        crossing[bisect_left(mids, s1)] -= 1
    counts = list(itertools.accumulate(crossing[:-1]))
    pieces = [(a, b, n) for (a, b), n in zip(itertools.pairwise(edges), counts, strict=True)]
    least = min(n for _, _, n in pieces)
    gutters: list[tuple[float, float]] = []
    for x0, x1, n in pieces:
        if n == least and gutters and gutters[-1][1] == x0:
            gutters[-1] = (gutters[-1][0], x1)
        elif n == least:
            gutters.append((x0, x1))
    return gutters


def _clashes(spans: list[Span], gutters: list[tuple[float, float]], at: int) -> int:
    """Lines whose cell, left or right of gutter ``at``, would join words that other gutters part (two columns)."""
    starts = [g[0] for g in gutters]
    sides: dict[tuple[int, bool], set[int]] = {}
    for line, x0, x1, _ in spans:
        segment = bisect_right(starts, (x0 + x1) / 2)
        sides.setdefault((line, segment <= at), set()).add(segment)
    return sum(1 for segments in sides.values() if len(segments) > 1)


def _left_headed(header: list[Word], spans: list[Span]) -> bool:
    """Whether header cells start where their columns' text starts (left-aligned, as Excel prints text): some
    text (not a number) starts at a header cell's start, at least as often as some is centred under one."""
    text = [s for s in spans if not _NUMBER.match(s[3])]
    starts, centres = {round(s[1]) for s in text}, {round((s[1] + s[2]) / 2) for s in text}
    left = sum(1 for x0, _, _ in header[1:] if {round(x0) - 1, round(x0), round(x0) + 1} & starts)
    centred = sum(1 for x0, x1, _ in header[1:] if {round((x0 + x1) / 2) + d for d in (-1, 0, 1)} & centres)
    return left > 0 and left >= centred


# columns whose cells are words of a closed list (units, ≥ ≤ =, 正向/反向, indicator types), never a bare number;
# a number between one of them and a column of numbers is the numbers' column's
NO_NUMBERS = frozenset({"unit", "comparison", "direction", "level1", "level2"})
NUMBERS = frozenset({"total", "fiscal", "special_account", "other", "value", "period_value", "weight", "row_no"})


def _numbers_side(left: Word, right: Word) -> str | None:
    """'left' or 'right': the one of two header cells whose column holds numbers when the other's cannot (度量单位
    beside 权重); None when both or neither can."""
    kinds = canonical_column(left[2])[0], canonical_column(right[2])[0]
    if kinds[0] in NO_NUMBERS and kinds[1] in NUMBERS:
        return "right"
    if kinds[1] in NO_NUMBERS and kinds[0] in NUMBERS:
        return "left"
    return None


def _cut(spans: list[Span], left: Word, right: Word, left_headed: bool = True) -> float:
    """Where the column of ``left`` ends and that of ``right`` begins, between the two header cells' centres.

    The runs crossed by the fewest words are the gutters. The cut is the gutter that puts no two words a gutter
    parts on one line into one cell; of several, numbers between them go to the one column that can hold numbers
    when the other cannot (a unit, a comparison: see NO_NUMBERS), else left (amounts are right-aligned) under
    left-aligned headers; other text to the header whose centre is nearer (a left-aligned value under a centred
    header)."""
    lo, hi = (left[0] + left[1]) / 2, (right[0] + right[1]) / 2
    near = [s for s in spans if left[0] <= (s[1] + s[2]) / 2 <= right[1]]
    gutters = _gutters(near, lo, hi)
    clashes = [_clashes(near, gutters, at) for at in range(len(gutters))]
    best = [at for at, n in enumerate(clashes) if n == min(clashes)]
    first, last = best[0], best[-1]
    between = [s[3] for s in near if gutters[first][1] <= s[1] and s[2] <= gutters[last][0]]
    if between and all(_NUMBER.match(text) for text in between):
        side = _numbers_side(left, right)
        if side is not None:  # left-aligned weights under a centred 权重 beside an empty 度量单位
            return sum(gutters[first if side == "right" else last]) / 2
        if left_headed:
            return sum(gutters[last]) / 2  # right-aligned amounts under left-aligned headers
    chosen = first
    for at in range(first, last):
        middle = (gutters[at][1] + gutters[at + 1][0]) / 2  # the text between two gutters
        if abs((middle - lo) - (hi - middle)) < UNCLEAR * (hi - lo):
            raise ColumnsUnclear(
                f"text at x={gutters[at][1]:.0f}-{gutters[at + 1][0]:.0f} pt lies as near {left[2]} as {right[2]}"
            )
        if middle - lo < hi - middle:
            chosen = at + 1
    return sum(gutters[chosen]) / 2


def boundaries(header: list[tuple[float, float, str]], body: list[Line]) -> list[float]:
    """The x where each column after the first begins (see the module's docstring)."""
    spans = [(n, x0, x1, text) for n, line in enumerate(body) for x0, x1, text in words_of(line, TIGHT)]
    style = _left_headed(header, spans)
    return [_cut(spans, left, right, style) for left, right in itertools.pairwise(header)]


def cells_of(line: Line, cuts: list[float]) -> list[str]:
    """The line's characters in the columns ``cuts`` separate (a space where a gap parts two Latin letters)."""
    cells: list[Line] = [[] for _ in range(len(cuts) + 1)]
    for ch in line:
        cells[bisect_right(cuts, (ch["x0"] + ch["x1"]) / 2)].append(ch)
    return [" ".join(w for _, _, w in words_of(cell, 0.3)) if cell else "" for cell in cells]


def _joined(above: str, below: str) -> str:
    """A cell's wrapped lines: joined without a space, but between two Latin letters."""
    latin = (
        above and below and above[-1].isascii() and above[-1].isalpha() and below[0].isascii() and below[0].isalpha()
    )
    return f"{above} {below}" if latin else above + below


Word = tuple[float, float, str]


def _header_at(lines: list[Line]) -> tuple[int, int, list[Word]] | None:
    """(first line, lines, words) of the column header row: one line, or two when header cells wrap (项目名称（资金
    使 over 用单位）, 指标 over 性质): a word of the second line joins the word of the first it lies under."""
    for i, line in enumerate(lines):
        words = words_of(line)
        if is_header_row([w for _, _, w in words]):
            if i + 1 < len(lines) and _continues_header(words, line, lines[i + 1]):
                return i, 2, _stacked(words, words_of(lines[i + 1]))
            return i, 1, words
        if i + 1 < len(lines) and _close(line, lines[i + 1]):
            joined = _stacked(words, words_of(lines[i + 1]))
            if is_header_row([w for _, _, w in joined]):
                return i, 2, joined
    return None


def _continues_header(words: list[Word], line: Line, below: Line) -> bool:
    """A line close under a header row, without digits, every word under a header word: the lower halves of
    wrapped header cells (指标 / 性质), not the first row of the table."""
    lower = words_of(below)
    return (
        _close(line, below)
        and not any(c.isdigit() for _, _, text in lower for c in text)
        and all(any(a < x1 and x0 < b for a, b, _ in words) for x0, x1, _ in lower)
    )


def _close(upper: Line, lower: Line) -> bool:
    """Two lines one font size or so apart: the lines of one wrapped header cell."""
    return lower[0]["top"] - upper[0]["top"] < 1.6 * max(upper[0]["size"], 1.0)


def _stacked(upper: list[Word], lower: list[Word]) -> list[Word]:
    """The words of two lines of header cells: each lower word appended to the upper one it overlaps."""
    out = list(upper)
    for x0, x1, text in lower:
        at = next((k for k, (a, b, _) in enumerate(out) if a < x1 and x0 < b), None)
        if at is None:
            out.append((x0, x1, text))
        else:
            a, b, above = out[at]
            out[at] = (min(a, x0), max(b, x1), above + text)
    return sorted(out)


def _wrapped(lines: list[Line]) -> list[bool]:
    """Whether each line continues the one above (closer than the rows are: two spacings on the page)."""
    gaps = [b[0]["top"] - a[0]["top"] for a, b in itertools.pairwise(lines)]
    if len(gaps) < 2 or max(gaps) < 1.3 * min(gaps):
        return [False] * len(lines)
    cut = (min(gaps) + median(g for g in gaps if g >= (min(gaps) + max(gaps)) / 2)) / 2
    return [False, *(g < cut for g in gaps)]


# columns whose text wraps over lines; a line with text only in these continues the row above where the page
# spaces rows and lines alike (no other cue): a wrapped name, goal or packed cell has no amount, value or type
WRAPPING = frozenset({"project_name", "goal", "indicators", "indicator_name", "content"})
Columns = tuple[list[float], list[str | None]]  # the cuts, and the canonical column of each header cell


def _continues(cells: list[str], above: list[str], kinds: list[str | None]) -> bool:
    """Text only in wrapping columns, each of which the row above has text in."""
    filled = [i for i, text in enumerate(cells) if text]
    return bool(filled) and all(kinds[i] in WRAPPING and above[i] for i in filled)


def page_rows(
    chars: Sequence[Char], page_no: int, columns: Columns | None, page_rows: int
) -> tuple[list[tuple[int, list[str]]], Columns | None]:
    """One page's rows (numbered page_no * page_rows + k) and the columns to use on the next page.

    Without a header row on this page and none before (``columns`` None), nothing is read: ([], None)."""
    lines = [line for line in lines_of(chars) if not _PAGE_NO.match(_text(line))]
    found = _header_at(lines)
    rows: list[tuple[int, list[str]]] = []
    if found is not None:
        at, height, header = found
        columns = boundaries(header, lines[at + height :]), [canonical_column(w)[0] for _, _, w in header]
        if page_no == 1:
            rows += [(page_no * page_rows, [_text(line)]) for line in lines[:at]]
        rows.append((page_no * page_rows + 1, [w for _, _, w in header]))
        lines = lines[at + height :]
    if columns is None:
        return [], None
    cuts, kinds = columns
    wrapped = _wrapped(lines)
    uniform = not any(wrapped)
    body = len(rows)  # rows before this one are the page's header and title lines: never continued
    for line, close in zip(lines, wrapped, strict=True):
        if NOTE_LINE.match(text := _text(line)):  # 注：… or 填报人：… under the table, across the columns: one cell
            rows.append((page_no * page_rows + len(rows) + 1, [text] + [""] * len(cuts)))
            continue
        cells = cells_of(line, cuts)
        above = rows[-1][1] if len(rows) > body else None
        if above is not None and (close or (uniform and _continues(cells, above, kinds))):
            rows[-1] = (rows[-1][0], [_joined(a, b) for a, b in zip(above, cells, strict=True)])
        else:
            rows.append((page_no * page_rows + len(rows) + 1, cells))
    return rows, columns


def document_rows(pages_chars: Sequence[Sequence[Char]], page_rows_limit: int) -> list[tuple[int, list[str]]]:
    """Every page's rows, or [] when no page prints a header row."""
    rows: list[tuple[int, list[str]]] = []
    columns: Columns | None = None
    for page_no, chars in enumerate(pages_chars, start=1):
        found, columns = page_rows(chars, page_no, columns, page_rows_limit)
        rows += found
    return rows
