"""Pick the reader for a file by its suffix and content."""

from __future__ import annotations

from pathlib import Path

from etl.model import Grid, TableRefused
from etl.read.delimited import read_delimited

SUPPORTED_SUFFIXES = (".txt", ".tsv")


def read_grid(path: Path) -> Grid:
    """Read one source file into a grid; refuse (never crash on) what cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableRefused(path, f"cannot read file: {exc.strerror or exc}") from None
    suffix = path.suffix.lower()
    if suffix in SUPPORTED_SUFFIXES:
        return read_delimited(path, data, sep="\t")
    raise TableRefused(path, f"unsupported file type {suffix or '(none)'}")
