"""Docs checked by tests: every repository path and every module the README names in backticks exists."""

from __future__ import annotations

import importlib
import re

import pytest

from tests.paths import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
TOP = ("etl/", "sql/", "migrations/", "tests/", "tools/", "bench/", "flows/", "scripts/", "deploy/", "data/raw", ".ci/")
# produced by running (git-ignored) or the user's own files: named in the README, never in the repository
NOT_IN_REPO = ("data/generated/", "bench/corpus/", "bench/results/", "data/project_aliases.csv")
MODULES = ("etl.", "flows.", "tools.", "bench.")


def named(pattern: str) -> list[str]:
    """Backticked words of the README (no spaces) that look like repository paths or dotted module names."""
    words = {w for w in re.findall(r"`([^`\s]+)`", README)}
    return sorted(w for w in words if re.match(pattern, w))


PATHS = named(r"^(?:" + "|".join(re.escape(t) for t in TOP) + ")")
NAMES = named(r"^(?:" + "|".join(re.escape(m) for m in MODULES) + r")[\w.]+(?:\(.*\))?$")


def test_the_readme_names_paths_and_modules() -> None:
    assert len(PATHS) > 30 and len(NAMES) > 5


@pytest.mark.parametrize("path", PATHS)
def test_every_path_the_readme_names_exists(path: str) -> None:
    if path.startswith(NOT_IN_REPO):
        return
    path = re.split(r"[<…]", path)[0]  # data/raw/<year>/… names its folder
    if "*" in path:
        assert list(PROJECT_ROOT.glob(path)), path
    else:
        assert (PROJECT_ROOT / path).exists(), path


@pytest.mark.parametrize("name", NAMES)
def test_every_module_the_readme_names_imports(name: str) -> None:
    parts = name.split("(")[0].split(".")
    for cut in range(len(parts), 0, -1):
        try:
            found = importlib.import_module(".".join(parts[:cut]))
            break
        except ModuleNotFoundError:
            continue
    for attribute in parts[cut:]:
        found = getattr(found, attribute)
