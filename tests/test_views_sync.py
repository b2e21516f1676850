"""The newest migration that defines each view carries the SQL of its sql/views/ file."""

from __future__ import annotations

import importlib.util

from etl.settings import MIGRATIONS_DIR
from etl.views import view_files


def migrated_views() -> dict[str, str]:
    latest: dict[str, str] = {}
    for path in sorted((MIGRATIONS_DIR / "versions").glob("*.py")):
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        latest.update(getattr(module, "VIEWS", {}))
    return latest


def test_every_view_file_is_migrated_as_written() -> None:
    migrated = migrated_views()
    for name, sql in view_files().items():
        assert name in migrated, f"{name}: no migration creates it (python -m etl.views ...)"
        assert migrated[name].strip() == sql.strip().rstrip(";"), f"{name}: edited since its migration"
