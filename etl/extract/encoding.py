"""Decode a table's bytes: UTF-8 (with or without BOM) or GB18030 (a superset of GBK).

Anything else is refused with a reason: UTF-16, binary content, or bytes that GB18030 can decode
but only into characters no table prints (Big5, Shift-JIS, Latin-1 text decode that way).
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from etl.model import RefusalKind, TableRefused

_BINARY_SHARE = 0.02
_ODD_SHARE = 0.01
# What a Chinese table prints: ASCII, Latin-1, general punctuation, arrows and maths (≥ ≤),
# CJK punctuation, unified ideographs, full-width forms.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_UNEXPECTED = re.compile(
    r"[^\s\x20-\x7e\u00a0-\u00ff\u2000-\u22ff\u2460-\u24ff\u25a0-\u25ff\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]"
)


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stated_bytes(f: BinaryIO) -> Iterator[bytes]:
    """An open file's bytes up to the size its fstat gives, in chunks. A pseudo-file says 0 bytes and may never end:
    /proc/kmsg linked into a source folder blocked the run (and the writer lock) for ever when read to its end."""
    left = os.fstat(f.fileno()).st_size
    while left > 0 and (chunk := f.read(min(left, 1 << 20))):
        left -= len(chunk)
        yield chunk


MAX_FILE_BYTES = 64 * 1024 * 1024  # a larger file is refused unread (etl.extract.dispatch.read_grid)
NOT_REGULAR = "not a regular file (a pipe, socket or device)"
NOT_UTF8_NAME = "its name is not UTF-8 text, so the warehouse cannot record it: rename the file"


def shown_if_not_utf8(path: str) -> str | None:
    """The path with \\xNN escapes when its name is not UTF-8 (os.scandir's surrogate escapes), else None: such a
    file is refused by a load (the warehouse cannot store its path) and by `jixiao check` alike."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(path).decode("utf-8", "backslashreplace")
    return None


def open_regular(path: Path | str) -> BinaryIO:
    """The file opened for reading, never blocking: a pipe put where a file was found (between the folder's walk and
    the read) blocked open() until something wrote to it, and the run with the writer lock for ever. Anything but a
    regular file raises OSError (NOT_REGULAR)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, NOT_REGULAR, str(path))
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def too_large_digest(size: int) -> str:
    """What stands for the sha256 of a file too large to read: it is refused whatever its bytes, so its size alone
    decides. Hashing it was the cost of refusing it, twice (the plan, then the refusal): a 4 GB sparse file took
    18 s."""
    return hashlib.sha256(b"jixiao: a file too large to read, of %d bytes" % size).hexdigest()


def file_sha256(path: Path) -> str:
    """The file's sha256 (too_large_digest for a file over MAX_FILE_BYTES), or '' when it cannot be read (the parser
    then refuses it with the reason)."""
    try:
        with open_regular(path) as f:
            size = os.fstat(f.fileno()).st_size
            if size > MAX_FILE_BYTES:
                return too_large_digest(size)
            digest = hashlib.sha256()
            for chunk in stated_bytes(f):
                digest.update(chunk)
            return digest.hexdigest()
    except OSError:
        return ""


def decode(data: bytes, path: Path | str) -> tuple[str, str]:
    """Return (text, encoding name); refuse bytes that are neither UTF-8 nor GB18030 text."""
    if not data.strip():
        raise TableRefused(path, "empty file")
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return _checked(data[3:].decode("utf-8", errors="strict"), path), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise TableRefused(path, f"UTF-8 BOM but invalid UTF-8 at byte {exc.start + 3}") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) or _looks_utf16(data):
        wide = "UTF-32" if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")) else "UTF-16"
        reason = f"{wide} text is not supported; save the table as UTF-8 or GB18030"
        raise TableRefused(path, reason, kind=RefusalKind.UNSUPPORTED_LAYOUT)
    try:
        return _checked(data.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            # cut inside the last character: a truncated file; the parser says where the grid stops short
            return _checked(data[: exc.start].decode("utf-8", errors="replace"), path), "utf-8"
        as_utf8 = exc.start
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.start > 0:
            return _gb18030(data[: exc.start], path), "gb18030"
        line = data.count(b"\n", 0, as_utf8) + 1
        reason = (
            f"not UTF-8 or GB18030 text: byte 0x{data[as_utf8]:02x} at line {line} (offset {as_utf8}) is not UTF-8, "
            f"and offset {exc.start} is not GB18030"
        )
        raise TableRefused(path, reason) from None
    return _gb18030(data, path, text), "gb18030"


def _gb18030(data: bytes, path: Path | str, text: str | None = None) -> str:
    """GB18030 text, refused when it decodes only to characters no table prints (another encoding)."""
    text = _checked(data.decode("gb18030") if text is None else text, path)
    if len(_UNEXPECTED.findall(text)) > _ODD_SHARE * len(text):
        raise TableRefused(path, "not UTF-8 or GB18030 text (decodes only to unusual characters; another encoding?)")
    return text


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4000]
    return len(sample) >= 8 and sample.count(0) > len(sample) // 4


def _checked(text: str, path: Path | str) -> str:
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > _BINARY_SHARE * len(text):
        raise TableRefused(path, "binary content, not a text table")
    return text
