"""The shape of the package: imports go one way, etl/ has a handful of modules at its top, and it never
imports Prefect, the generators or the tests. An AST walk over every module (imports inside functions and
under TYPE_CHECKING count too: they are dependencies all the same)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.paths import PROJECT_ROOT

ETL = PROJECT_ROOT / "etl"
TOP = "top"  # etl/model.py, text.py, settings.py, progress.py: below everything
# layer -> what its modules may import from etl (besides their own layer). One way:
# cli/flows -> load -> transform -> extract; warehouse below load, report and cli; transform reads only the
# warehouse's schema module (its frames take their columns from it).
ALLOWED: dict[str, set[str]] = {
    "cli": {"load", "report", "warehouse", "transform", "extract", TOP},
    "load": {"transform", "extract", "warehouse", TOP},
    "report": {"warehouse", TOP},
    "transform": {"extract", "warehouse.schema", TOP},
    "extract": {TOP},
    "warehouse": {TOP},
    TOP: set(),
}
# etl/ never imports these; the CLI alone hands a run to Prefect through flows/ (imported only when asked:
# `jixiao load` without --no-prefect), so no module of etl/ imports prefect itself.
FORBIDDEN = {"prefect", "tools", "bench", "tests", "flows"}
MAY_IMPORT_FLOWS = {"cli"}


def layer(module: str) -> str:
    """The subpackage of etl a dotted name is in (etl.load.writer.x -> load), or TOP for etl's own modules."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in ALLOWED else TOP


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def allowed(own: str, name: str) -> bool:
    """May a module of layer ``own`` import the dotted etl name?"""
    target, parts = layer(name), name.split(".")
    submodule = f"{target}.{parts[2]}" if len(parts) > 2 else target
    return target in (own, TOP) or target in ALLOWED[own] or submodule in ALLOWED[own]


def violations(root: Path = PROJECT_ROOT) -> list[str]:
    """One line per offending import statement."""
    bad: dict[str, str] = {}
    for path in sorted((root / "etl").rglob("*.py")):
        module = module_name(path, root)
        own = layer(module)
        for line, name in imports(path):
            head = name.split(".")[0]
            at = f"{path.relative_to(root)}:{line}"
            where = f"{at} imports {name}"
            if head in FORBIDDEN and not (head == "flows" and own in MAY_IMPORT_FLOWS):
                bad.setdefault(at, where)
            elif head == "etl" and not allowed(own, name):
                target = layer(name)
                bad.setdefault(at, f"{where} ({own} -> {target})")
    return list(bad.values())


def test_imports_go_one_way() -> None:
    assert violations() == []


def test_flows_never_import_generators_or_tests() -> None:
    bad = [
        f"{p.relative_to(PROJECT_ROOT)}:{line} imports {name}"
        for p in sorted((PROJECT_ROOT / "flows").rglob("*.py"))
        for line, name in imports(p)
        if name.split(".")[0] in {"tools", "bench", "tests"}
    ]
    assert bad == []


def test_the_check_catches_an_import_against_the_direction(tmp_path: Path) -> None:
    for rel, text in {
        "etl/__init__.py": "",
        "etl/extract/__init__.py": "",
        "etl/extract/reader.py": "from etl.transform import table\n",
        "etl/transform/__init__.py": "",
        "etl/transform/table.py": "from etl.warehouse.schema import metadata\nfrom etl.warehouse import connect\n",
        "etl/warehouse/__init__.py": "",
        "etl/warehouse/quality.py": "def f():\n    from etl.load import writer\n",
        "etl/report/__init__.py": "",
        "etl/report/html.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from etl.load.run import R\n",
        "etl/text.py": "import prefect\nfrom etl.cli import app\n",
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    found = violations(tmp_path)
    assert [v.split(" imports ")[0] for v in found] == [
        "etl/extract/reader.py:1",
        "etl/report/html.py:3",
        "etl/text.py:1",
        "etl/text.py:2",
        "etl/transform/table.py:2",
        "etl/warehouse/quality.py:2",
    ], found


@pytest.mark.parametrize("limit", [5])
def test_few_modules_at_the_top_of_etl(limit: int) -> None:
    modules = sorted(p.name for p in ETL.glob("*.py") if p.name != "__init__.py")
    assert len(modules) <= limit, modules
