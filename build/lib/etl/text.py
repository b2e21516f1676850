"""Small text helpers shared by the parsers: width folding and whitespace."""

from __future__ import annotations

import re

_FOLD = str.maketrans({"（": "(", "）": ")", "：": ":", "；": ";", "，": ",", "　": " ", "［": "[", "］": "]"})
_SPACES = re.compile(r"\s+")
_TAGS = re.compile(r"</?\s*[a-zA-Z][^<>]*>")


def fold(text: str) -> str:
    """Full-width brackets, colons, semicolons, commas and spaces to half-width."""
    return text.translate(_FOLD)


def squash(text: str) -> str:
    """Collapse runs of whitespace to one space and trim."""
    return _SPACES.sub(" ", text).strip()


def strip_tags(text: str) -> str:
    """Drop HTML tags such as <p>…</p> that some exports leave in cells."""
    return _TAGS.sub(" ", text) if "<" in text else text


def header_key(text: str) -> str:
    """The form a header cell is looked up by: folded, no spaces."""
    return _SPACES.sub("", fold(strip_tags(text)))
