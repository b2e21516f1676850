"""Characters that print nothing (Unicode's format characters, category Cf: U+200B zero-width space, U+FEFF, U+200E
…), which a page, or a document copied from one, leaves inside names and numbers. Read as shown: 1.00<U+200B> is the
amount 1.00, 法律援助<U+200B>经费 the project 法律援助经费 (another name, and another project in the year-over-year
views, than next year's 法律援助经费). A text of nothing else stays as printed: the audit names it a placeholder."""

from __future__ import annotations

import re
import unicodedata


def without_invisible(text: str) -> str:
    """The text without its format characters (as fast as str.isprintable when it has none)."""
    if text.isprintable():
        return text
    return "".join(c for c in text if unicodedata.category(c) != "Cf")


def visible_name(name: str) -> str:
    """A name without its format characters, unless nothing shown would be left (a name that is only U+200B stays,
    for the audit to name)."""
    shown = without_invisible(name)
    return shown if shown is name or shown.strip() else name


WHITE = 0.95  # each of red, green and blue at least this (0..1): white or so near it that on paper it shows nothing


def is_white_rgb(rgb: tuple[float, ...]) -> bool:
    """Whether a colour (r, g, b in 0..1) prints as white: text of it on the paper is not seen."""
    return all(v >= WHITE for v in rgb)


# a footnote marker set above an amount (14.07¹, 82.60*, 1,485.34[1], 12.5注1), and the amount it may follow: one with a
# decimal point (after 1,485 or 10 a raised 34 or 4 may be part of the number: 1,485.34? 10⁴?); the shapes HTML's
# <sup> is read by (etl/extract/html_table.py), for the marks a PDF or a Word document raises
FOOTNOTE_MARK = re.compile(r"^[\[(（]?(?:注\d{0,2}|\d{1,2}|[a-z]|[*＊※†‡§#]{1,3}|[①-⑳])[\])）]?$")
AMOUNT_WITH_POINT = re.compile(r"^[-+]?\d[\d,]*\.\d+$")
# what a mark after it may be part of: a text all number (a name or a target, 年度指标值:100¹, reads as before)
AMOUNT_SHAPED = re.compile(r"^[-+]?[¥￥]?\d[\d,，.．]*$")
