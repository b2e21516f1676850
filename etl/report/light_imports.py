"""openpyxl imported without numpy, for the report and the audit processes.

openpyxl imports numpy (0.19 s of a 1 s `jixiao report`, measured with ``python -X importtime``) only so that numpy
scalars are accepted as cell values (openpyxl.compat.numbers). The report and the audit write Python values only
(Decimal, int, str: their reads are plain records), and nothing else in their processes imports numpy
(tests/test_report_cli.py runs both with numpy unavailable).
"""

from __future__ import annotations

import sys


def openpyxl_without_numpy() -> None:
    """Import openpyxl with numpy out of its sight (``import numpy`` fails meanwhile, as when it is not installed),
    unless either is imported already: a process that has numpy (a load, the tests) keeps openpyxl's numpy types."""
    if "openpyxl" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  (the import system's "not importable" marker)
    try:
        import openpyxl  # noqa: F401
    finally:
        if sys.modules.get("numpy", ...) is None:
            del sys.modules["numpy"]
