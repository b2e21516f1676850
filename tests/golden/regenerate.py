"""Rewrite the golden files from the current parser: python tests/golden/regenerate.py

Review the diff before committing it: the golden files are the expected output, not a snapshot to
accept blindly.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.transform import frames
from etl.transform.pipeline import process_file
from tests.paths import PROJECT_ROOT

HERE = Path(__file__).parent
SAMPLE = PROJECT_ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt"


def golden_frames() -> dict[str, object]:
    table = process_file(SAMPLE)
    return {
        "tianhe-sfj.projects.csv": frames.project_rows([table]).drop(columns=["batch_no", "goal_text"]),
        "tianhe-sfj.targets.csv": frames.target_rows([table]).drop(columns=["batch_no", "raw_text"]),
    }


def in_file_order(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """The frame's columns in the order the golden file has them, new ones last (the diff shows only changes)."""
    path = HERE / name
    known = list(pd.read_csv(path, nrows=0).columns) if path.exists() else []
    return df[[c for c in known if c in df.columns] + [c for c in df.columns if c not in known]]


if __name__ == "__main__":
    for name, df in golden_frames().items():
        df = in_file_order(name, df)
        df.to_csv(HERE / name, index=False)
        print(HERE / name, len(df))
