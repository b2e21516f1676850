"""Where the repository's own files are (tests run from a source checkout)."""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = PROJECT_ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt"
