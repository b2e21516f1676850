"""Decode a table's bytes: UTF-8 (with or without BOM), GB18030 (a superset of GBK), or UTF-16 (Excel's "Unicode
Text": with a BOM, or without one when it reads as a table).

Anything else is refused with a reason: UTF-32, binary content, or bytes that GB18030 can decode
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
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        reason = "UTF-32 text is not supported; save the table as UTF-8 or GB18030"
        raise TableRefused(path, reason, kind=RefusalKind.UNSUPPORTED_LAYOUT)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16(data, path), "utf-16"
    if _looks_utf16(data):
        return _utf16(data, path, _endianness(data)), "utf-16"
    try:
        return _checked(data.decode("utf-8"), path), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.reason == "unexpected end of data" and exc.start >= len(data) - 3:
            # cut inside the last character: a truncated file; the parser says where the grid stops short
            return _checked(data[: exc.start].decode("utf-8", errors="replace"), path), "utf-8"
        as_utf8 = exc.start
    if (text := _table_in_utf16(data)) is not None:  # no BOM, and so few NULs (Chinese text) that they do not tell
        return _checked(text, path), "utf-16"
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


def _utf16(data: bytes, path: Path | str, codec: str = "utf-16") -> str:
    """UTF-16 text, as Excel saves "Unicode Text" (tab-separated, a BOM, little-endian): it was refused. A character
    cut off at the end (an odd byte) is dropped, as a truncated UTF-8 file's is; any other bad unit is refused."""
    body = data[: len(data) - len(data) % 2]
    try:
        return _checked(body.decode(codec), path)
    except UnicodeDecodeError as exc:
        reason = f"UTF-16 text with a unit that is no character at offset {exc.start}: save the table as UTF-8"
        raise TableRefused(path, reason) from None


def _endianness(data: bytes) -> str:
    """utf-16-le or utf-16-be for UTF-16 without a BOM: the zero bytes of its ASCII characters (digits, tabs, line
    ends) stand after them (little-endian) or before them."""
    sample = data[:4000]
    return "utf-16-le" if sample[1::2].count(0) >= sample[0::2].count(0) else "utf-16-be"


def _table_in_utf16(data: bytes) -> str | None:
    """The text of a UTF-16 file without a BOM whose NULs are too few to tell (most characters Chinese), when it reads
    as a table so: every unit a character, line ends and cells, and the words of a target table's header."""
    if len(data) % 2 or len(data) < 16:
        return None
    codec = _endianness(data)
    head = data[:8000].decode(codec, errors="ignore")  # (a GBK file fails UTF-8 too: only its head is tried)
    if "\n" not in head or ("\t" not in head and "," not in head) or "项目" not in head:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _looks_utf16(data: bytes) -> bool:
    sample = data[:4000]
    return len(sample) >= 8 and sample.count(0) > len(sample) // 4


def _checked(text: str, path: Path | str) -> str:
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > _BINARY_SHARE * len(text):
        raise TableRefused(path, "binary content, not a text table")
    return text
