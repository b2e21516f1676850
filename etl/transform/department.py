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


# a title that begins with its department (某区司法局2024年部门预算项目支出绩效目标表, 附件3：某县财政局部门预算…): the
# name before the year or the table's words, ending as a body's name ends
_TITLE_DEPARTMENT = re.compile(
    r"^(?:附件\s*\d*\s*[:：]?\s*)?(?:关于)?(?P<name>[\u4e00-\u9fff（）()]{2,40}?)\s*"
    r"(?:(?:19|20)\d{2}\s*年|二[〇零○]|部门预算|单位预算|部门项目|项目支出|预算项目|绩效目标)"
)
_BODY_ENDS = (
    "局", "委", "委员会", "办", "办公室", "院", "厅", "中心", "处", "站", "所", "队", "会", "部", "室", "馆", "署",
    "政府", "街道办事处", "街道", "镇", "乡", "学校", "幼儿园", "医院", "大学", "学院", "社", "团", "场", "园",
)  # fmt: skip


def department_in_title(title: str) -> str | None:
    """The department a title begins with (某区司法局 of 某区司法局2024年部门预算项目支出绩效目标表), when it names a
    body (ends in 局, 委, 中心 …); None otherwise (2024年项目支出绩效目标表). A table printing no 部门名称 line and no
    unit row was refused for it (round 33's hunt of layouts). Not a name of several bodies (…局所属学校, …局及所属单位:
    the review of round 33), and not the 关于 of 关于…的说明."""
    m = _TITLE_DEPARTMENT.match(fold_key(title))
    name = m["name"] if m else ""
    return name if name.endswith(_BODY_ENDS) and "所属" not in name else None
