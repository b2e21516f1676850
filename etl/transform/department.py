"""A department's one stored spelling (clean_department), in a module of its own: the CLI checks a typed
--department with it before a command runs, and importing etl.transform.header (the parser's, which pulls in the
readers and openpyxl) took 55-80 ms of the report's second, before its reads could start."""

from __future__ import annotations

import re
import unicodedata

from etl.text import fold_key

# a stamp's place printed after the name (部门名称：X（盖章）), and characters that print nothing (U+200B zero-width
# space, U+FEFF, U+202E …: Unicode's format characters, category Cf): without them the name is the department's
_STAMP = re.compile(r"\s*[(（]\s*(?:盖章|公章|章|签章|单位盖章)\s*[)）]\s*$")


_PARENTHESES = str.maketrans({"(": "（", ")": "）"})


def clean_department(name: str) -> str:
    """The department's one spelling, as the loader stores it and the views pair its years on: the name as printed
    less a stamp's place after it and any character that prints nothing (a format or a control character), folded
    as etl.text.fold_key folds it (every space and line break dropped, full-width ASCII forms as ASCII: ＡＢ１ -> AB1),
    then its parentheses full-width, as government documents print them: （区外事局）.

    One department's tables (the same name with an invisible character in it) were two departments, both loaded;
    an ESC sequence in it was echoed to the terminal; 广州市天河区 司法局 in one year and 广州市天河区司法局 (or
    (区外事局) and （区外事局）) in the next were two departments in the year-over-year views, with no pairs.
    Its fold_key is the printed name's (less those characters): the projects' keys (etl.transform.frames.name_key)
    and the replacement unit (etl.load.writer.table_key) are what they were, for every spelling."""
    if not name.isascii() or not name.isprintable():  # Cf, and the controls (Cc: ESC, BEL) too
        name = "".join(c for c in name if unicodedata.category(c) not in ("Cf", "Cc"))
    return _STAMP.sub("", fold_key(name)).translate(_PARENTHESES)
