"""A loader in its own process, for the fault and concurrency tests (they kill it or race it).

    python -m tests.loader_proc WAREHOUSE WAIT_SECONDS BATCH_SIZE PATH...

Prints one line per committed batch and "published" at the end; a busy warehouse prints
"busy: <message>" and exits 2.
"""

from __future__ import annotations

import sys
from pathlib import Path

from etl.load.batches import load_files
from etl.warehouse.connect import WarehouseBusy


def main(argv: list[str]) -> int:
    warehouse, wait, batch_size, *paths = argv
    batches = 0

    def committed(results: list) -> None:
        nonlocal batches
        batches += 1
        print(f"batch {batches} {','.join(r.status for r in results)}", flush=True)

    try:
        summary = load_files(
            paths, Path(warehouse), batch_size=int(batch_size), on_batch=committed, wait_seconds=float(wait)
        )
    except WarehouseBusy as exc:
        print(f"busy: {exc}", flush=True)
        return 2
    print(f"published {dict(summary.by_status)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
