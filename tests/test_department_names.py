"""One department's tables are one department whatever invisible characters or stamp place its 部门名称 line
prints (GENERATED: the real sample with its 部门名称 line altered). Before, each variant loaded as another
department beside the first: the department's budget counted twice under look-alike names."""

from __future__ import annotations

from pathlib import Path

import pytest

from etl.model import SourceTable
from etl.transform.header import clean_department
from etl.transform.pipeline import run_file

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "raw" / "2024" / "tianhe-sfj.txt"
NAME = "广州市天河区司法局"


@pytest.mark.parametrize(
    "printed",
    [
        "广州市天河区\u200b司法局",
        "\ufeff广州市天河区司法局",
        "广州市天河区司法局\u202e",
        "广州市天河区司法局（盖章）",
        "广州市天河区司法局 (公章)",
    ],
)
def test_the_department_prints_alike(tmp_path: Path, printed: str) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace(f"部门名称：{NAME}", f"部门名称：{printed}")
    path = tmp_path / "2024" / "GENERATED-dept.txt"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    table = run_file(path)
    assert isinstance(table, SourceTable)
    assert table.department_name == NAME


def test_a_name_that_merely_contains_zhang_is_kept() -> None:
    assert clean_department("广州市印章管理中心") == "广州市印章管理中心"
    assert clean_department("某局(第二章)") == "某局(第二章)"


def test_loaders_on_postgresql_lock_one_department_however_it_is_spaced() -> None:
    """Two loaders writing 广州市天河区 司法局 and 广州市天河区司法局 side by side take the same advisory lock (the
    tables are one department-year: etl.load.writer.table_key); keyed as printed, both could write at once."""
    from etl.warehouse.postgres import department_lock_key

    assert department_lock_key("广州市天河区 司法局") == department_lock_key(NAME)
    assert department_lock_key("ＡＢ局") == department_lock_key("AB局")
    assert department_lock_key("广州市越秀区司法局") != department_lock_key(NAME)
