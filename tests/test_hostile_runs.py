"""Runs over hostile files and situations stay bounded and leave a clear record: found by a hostile-input hunt. Every
input here is GENERATED in the test's temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from etl.extract import dispatch, encoding
from etl.load.run import run_load


def test_a_file_too_large_to_read_is_never_read(
    sample_copy: Path, warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It is refused whatever its bytes, yet it was hashed in full twice (the plan, then the refusal's record): a
    4 GB sparse file beside the sample took the run 18 s, 1.9 s now."""
    huge = sample_copy.with_name("huge.txt")
    with huge.open("wb") as f:
        f.truncate(encoding.MAX_FILE_BYTES + 1)  # sparse: no disk used
    read: list[int] = []
    stated = encoding.stated_bytes

    def counted(f):  # type: ignore[no-untyped-def]
        read.append(os.fstat(f.fileno()).st_size)
        return stated(f)

    monkeypatch.setattr(encoding, "stated_bytes", counted)
    monkeypatch.setattr(dispatch, "stated_bytes", counted)
    first = run_load([sample_copy.parent], warehouse)
    assert [r.message for r in first.refused] == [
        f"file too large ({encoding.MAX_FILE_BYTES + 1} bytes; the limit is {encoding.MAX_FILE_BYTES})"
    ]
    assert read and max(read) <= encoding.MAX_FILE_BYTES
    again = run_load([sample_copy.parent], warehouse)
    assert (again.n_skipped, [r.status for r in again.refused]) == (2, ["refused"])
