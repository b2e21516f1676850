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


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_pipe_put_where_a_file_was_found_is_refused_not_waited_on(tmp_path: Path) -> None:
    """A pipe that replaces a file between the folder's walk and the read (the walk takes regular files only) blocked
    open() in the planner's hash and in the reader until something wrote to it: the run, and its writer lock, for
    ever. Both now open without blocking and refuse what is not a regular file."""
    import threading

    from etl.model import Refusal
    from etl.transform.pipeline import run_file

    pipe = tmp_path / "2024" / "t.txt"
    pipe.parent.mkdir()
    os.mkfifo(pipe)
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.extend([encoding.file_sha256(pipe), run_file(pipe)]), daemon=True)
    worker.start()
    worker.join(timeout=5)
    if worker.is_alive():  # the old behaviour: release the blocked open() before failing
        with open(pipe, "wb"):
            pass
        worker.join(timeout=5)
        pytest.fail("blocked on a pipe")
    sha, refusal = results
    assert sha == "" and isinstance(refusal, Refusal)
    assert refusal.reason == "cannot read file: not a regular file (a pipe, socket or device)"
