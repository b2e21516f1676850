"""Characters that print nothing (Unicode's format characters, category Cf: U+200B zero-width space, U+FEFF, U+200E
…), which a page, or a document copied from one, leaves inside names and numbers. Read as shown: 1.00<U+200B> is the
amount 1.00, 法律援助<U+200B>经费 the project 法律援助经费 (another name, and another project in the year-over-year
views, than next year's 法律援助经费). A text of nothing else stays as printed: the audit names it a placeholder."""

from __future__ import annotations

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
