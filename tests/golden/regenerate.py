"""Rewrite the golden files from the current parser: python tests/golden/regenerate.py

Review the diff before committing it: the golden files are the expected output, not a snapshot to
accept blindly.
"""

from __future__ import annotations

from pathlib import Path

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


if __name__ == "__main__":
    for name, df in golden_frames().items():
        df.to_csv(HERE / name, index=False)
        print(HERE / name, len(df))
