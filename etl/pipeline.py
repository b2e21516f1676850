"""The pipeline as an ordered tuple of small named steps: path -> grid -> table -> checked table."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from etl.model import SourceTable
from etl.normalise import normalise_amounts
from etl.parse.table import parse_grid
from etl.read import read_grid
from etl.reconcile import reconcile

Step = tuple[str, Callable[..., Any]]

STEPS: tuple[Step, ...] = (
    ("read", read_grid),
    ("parse", parse_grid),
    ("normalise", normalise_amounts),
    ("reconcile", reconcile),
)


def process_file(path: Path, year: int | None = None) -> SourceTable:
    """Run every step on one file. Raises TableRefused when the table as a whole is unusable."""
    value: Any = Path(path)
    for name, step in STEPS:
        value = step(value, year) if name == "parse" else step(value)
    return value
