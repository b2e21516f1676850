"""Decode a table's bytes: UTF-8 (with or without BOM) or GB18030 (a superset of GBK)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from etl.model import TableRefused

_BINARY_SHARE = 0.02
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(data: bytes, path: Path | str) -> tuple[str, str]:
    """Return (text, encoding name); refuse bytes that are neither UTF-8 nor GB18030 text."""
    if not data.strip():
        raise TableRefused(path, "empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        return _checked(data[3:].decode("utf-8", errors="strict"), path), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise TableRefused(path, "UTF-16 text is not supported; save the table as UTF-8 or GB18030")
    try:
        return _checked(data.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return _checked(data.decode("gb18030"), path), "gb18030"
    except UnicodeDecodeError as exc:
        raise TableRefused(path, f"not UTF-8 or GB18030 text (undecodable byte at offset {exc.start})") from None


def _checked(text: str, path: Path | str) -> str:
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > _BINARY_SHARE * len(text):
        raise TableRefused(path, "binary content, not a text table")
    return text
