"""Split a load into shards that separate machines can load side by side (pure; no database, no Prefect).

A shard is a set of departments: every file whose name (without folder and suffix) is the same goes to
the same shard, so one department's years (data/raw/2023/x.txt, data/raw/2024/x.txt) are loaded by one
shard in year order, and two shards never wait for each other's department locks. The assignment is a
stable hash of that name, the same on every machine and every night.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from etl.extract.discover import discover


def department_key(path: Path | str) -> str:
    """What ties a department's files together across year folders: the file name without its suffix."""
    return Path(path).stem


def shard_of(path: Path | str, n_shards: int) -> int:
    digest = hashlib.blake2b(department_key(path).encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % n_shards


def shard_files(paths: Sequence[Path | str], shard: int, n_shards: int) -> list[str]:
    """The files under paths that belong to shard number `shard` (0-based) of n_shards."""
    if not 0 <= shard < n_shards:
        raise ValueError(f"shard {shard} is not one of 0..{n_shards - 1}")
    return [str(p) for p in discover(paths) if shard_of(p, n_shards) == shard]
