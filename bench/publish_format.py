"""Publish time by storage format, on a GENERATED 1,000-table warehouse (issue 10).

    .venv/bin/python -m bench.publish_format [FOLDER]

Loads the corpus twice, once into a working file created in storage v1.4.0 (the default since issue 10)
and once in DuckDB's own format (JIXIAO_PUBLISH_STORAGE_VERSION=native, what older warehouses are), then
times publish() three times each way: a plain file copy when the working file is already in the wanted
format, ATTACH … (STORAGE_VERSION 'v1.4.0') + COPY FROM DATABASE when it is newer.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from etl.load.run import run_load
from etl.warehouse import publish as pub
from tools.synth import corpus_of_size


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.publish_format", description=__doc__.split("\n")[0])
    parser.add_argument("folder", nargs="?", type=Path, help="scratch folder, kept (its corpus is reused)")
    folder = parser.parse_args(argv).folder
    root = folder if folder is not None else Path(tempfile.mkdtemp(prefix="jixiao-publish-"))
    corpus = root / "corpus"
    if not corpus.exists():
        corpus_of_size(corpus, 1000, 7, workers=2)
    for created_as in ("v1.4.0", "native"):
        os.environ[pub.STORAGE_VERSION_ENV] = created_as
        working = root / f"wh-{created_as}" / "w.duckdb"
        if not working.exists():
            start = time.monotonic()
            run_load([corpus], working, workers=2, batch_size=250)
            print(f"working file created as {created_as}: load {time.monotonic() - start:.1f} s", flush=True)
        size = working.stat().st_size / 2**20
        for published_as in ("v1.4.0", "native"):
            os.environ[pub.STORAGE_VERSION_ENV] = published_as
            times = []
            for _ in range(3):
                start = time.monotonic()
                pub.publish(working)
                times.append(time.monotonic() - start)
            print(
                f"working {created_as} ({size:.0f} MiB), published as {published_as}: "
                f"{min(times):.2f}-{max(times):.2f} s",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
