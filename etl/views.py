"""The view files in sql/views/ (one view per file, named v_*.sql) and how a migration applies them.

Migrations carry a copy of the view SQL as it stood at their revision, so upgrading an old
warehouse never runs a newer view against an older schema; tests/test_views_sync.py checks that
the newest migration's copy equals the files here.
"""

from __future__ import annotations

from pathlib import Path

from etl.settings import SQL_DIR

VIEWS_DIR = SQL_DIR / "views"


def view_files(directory: Path = VIEWS_DIR) -> dict[str, str]:
    """view name -> its SQL, for every sql/views/v_*.sql."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(directory.glob("v_*.sql"))}


_MIGRATION = '''"""{message} (copies of sql/views/ at this revision).

Revision ID: {revision}
Revises: {down_revision}
"""

from __future__ import annotations

from alembic import op

revision = "{revision}"
down_revision = "{down_revision}"
branch_labels = None
depends_on = None

VIEWS = {{
{views}
}}


def upgrade() -> None:
    for name, sql in VIEWS.items():
        op.execute(f"CREATE OR REPLACE VIEW {{name}} AS\\n{{sql}}")


def downgrade() -> None:
    for name in reversed(list(VIEWS)):
        op.execute(f"DROP VIEW {{name}}")
'''


def view_migration_source(revision: str, down_revision: str, message: str, names: list[str]) -> str:
    """The text of a migration that (re)creates the named views from the current sql/views files.

    Used as: python -m etl.views 0003 0002 "Cross-year views" v_project_budget_yoy ...
    """
    files = view_files()
    views = "\n".join(f'    "{n}": """\n{files[n].strip().rstrip(";")}\n""",' for n in names)
    return _MIGRATION.format(message=message, revision=revision, down_revision=down_revision, views=views)


if __name__ == "__main__":
    import sys

    rev, down, msg, *view_names = sys.argv[1:]
    target = Path(__file__).resolve().parents[1] / "migrations" / "versions" / f"{rev}_views.py"
    target.write_text(view_migration_source(rev, down, msg, view_names), encoding="utf-8")
    print(target)
