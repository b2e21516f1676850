"""Small text helpers shared by the parsers: width folding and whitespace, and the one key-folding rule.

``fold_key`` is the form names are compared and keyed by everywhere: project identities
(``frames.name_key``; ``folded``, its cached form, for identity and the stored indicator keys), header and
type-name look-ups (``header_key``) and, in SQL, the ``fold_key()`` macro of sql/macros/fold_key.sql that the
views use. The two are kept identical by
tests/test_folding.py (every character of the Basic Multilingual Plane goes through both).
"""

from __future__ import annotations

import re
from functools import lru_cache

_FOLD = str.maketrans({"（": "(", "）": ")", "：": ":", "；": ";", "，": ",", "　": " ", "［": "[", "］": "]"})
_SPACES = re.compile(r"\s+")

# The key rule: full-width ASCII forms U+FF01-U+FF5E (！…～: letters, digits, （）［］：；，％ …) become their
# ASCII characters, and every whitespace character (str.isspace: ASCII spaces and controls, NBSP, U+2000-U+200A,
# U+3000 …) is dropped. Other brackets (【】〔〕《》) are kept as printed: they are not width variants.
FULL_WIDTH = "".join(chr(c) for c in range(0xFF01, 0xFF5F))
HALF_WIDTH = "".join(chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F))
WHITESPACE = "".join(chr(c) for c in range(0x10000) if chr(c).isspace())
_KEY = str.maketrans(FULL_WIDTH, HALF_WIDTH, WHITESPACE)
_TAGS = re.compile(r"</?\s*[a-zA-Z][^<>]*>")


def fold(text: str) -> str:
    """Full-width brackets, colons, semicolons, commas and spaces to half-width."""
    return text.translate(_FOLD)


_NUMERIC = str.maketrans(
    {**{chr(0xFF10 + d): str(d) for d in range(10)}, "．": ".", "，": ",", "－": "-", "−": "-", "＋": "+", "﹣": "-"}
)


def fold_number(text: str) -> str:
    """Full-width digits, dot, comma and signs (and the minus sign U+2212) to ASCII, as NFKC folds them:
    ８２．６０ -> 82.60, １，２３４．５ -> 1,234.5. Other characters are left as they are."""
    return text.translate(_NUMERIC)


_NOTHING = re.compile(r"[-—–―/／\s]*|无")


def prints_nothing(cell: str) -> bool:
    """Whether a cell prints nothing, or a dash, slash or 无 for it (-, —, ——, –, ／, 无): an amount of 0, a goal or
    target left empty. One rule for the tables' amounts, a form's money and a unit row's goal and targets."""
    return _NOTHING.fullmatch(cell) is not None


def squash(text: str) -> str:
    """Collapse runs of whitespace to one space and trim (str.split() splits on exactly what \\s matches, at a
    third of the regex's cost)."""
    return " ".join(text.split())


def strip_tags(text: str) -> str:
    """Drop HTML tags such as <p>…</p> that some exports leave in cells: a tag that breaks a line or a block (p, br,
    div, li, td …) is a space, an inline one (b, span, font …) nothing (round 31: 培训<b>人次</b> was 培训 人次)."""
    return _TAGS.sub(" ", _INLINE_TAGS.sub("", text)) if "<" in text else text


# two passes of the regex engine, no Python call a tag (the sample prints <p> in every cell); <sup> and <sub> are a
# space: 10<sup>4</sup> is no 104, nor 500<sup>1</sup> (a footnote's mark) 5001
_INLINE_TAGS = re.compile(
    r"</?\s*(?:a|abbr|b|big|code|em|font|i|mark|s|small|span|strike|strong|u)(?:\s[^<>]*)?/?\s*>", re.I
)


def read_references(text: str) -> str:
    """The character references an HTML export leaves in a packed indicator cell read (&lt;100%, &gt;=12人, &#8805;,
    &nbsp;: a comparison was read as = or as text, a value cut at the ;). Names and goals keep what they print."""
    return _ENTITY.sub(_character, text) if "&" in text else text


# a character reference as HTML writes one, its ; included (R&D, A&B stay as printed)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def _character(m: re.Match[str]) -> str:
    """The character a reference names (html.unescape's table); one it does not know stays as printed."""
    import html

    return html.unescape(m[0])


def fold_key(text: str) -> str:
    """The key two printings of one name share: full-width ASCII forms folded, all whitespace dropped."""
    return text.translate(_KEY)


@lru_cache(maxsize=1 << 18)
def folded(name: str | None) -> str:
    """fold_key by distinct name, None as "": names recur in every project and year (identity, frames)."""
    return fold_key(name or "")


def header_key(text: str) -> str:
    """The form a header cell is looked up by: tags stripped, then fold_key."""
    return fold_key(strip_tags(text))


# a note printed under a table, not a row of it: 注：…, 说明：…, 填报人：…, 单位负责人：…, 联系电话：…, 附件：…,
# 编制单位：…, 公开日期：…, 单位（盖章）, a date, a page number (第1页，共2页, - 1 -)
NOTE_LINE = re.compile(
    r"^(?:(?:注|说明|填表说明|备注|附件|附表|填报(?:人|单位|日期)?|制表(?:人|日期)?|审核(?:人)?|数据来源|(?:单位|财务)?负责人"
    r"|联系人|联系电话|编制单位|编制日期|(?:公开|发布|打印)?日期)\s*[:：\d一、]"
    r"|[(（]?(?:单位)?[(（]?(?:盖章|公章)[)）]?\s*[:：]?\s*$"
    r"|(?:19|20)\d\d\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?\s*$"
    r"|第\s*\d+\s*页(?:\s*[,，]?\s*共\s*\d+\s*页)?\s*$|[-—]\s*\d+\s*[-—]\s*$)"
)
