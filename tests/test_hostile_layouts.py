"""Tables that loaded at the wrong scale or under the wrong department without a word: found by a hostile run over
the real fragments (a form with no unit, a form whose labels name two units, two tables in one file, two 部门名称
lines). Each is now refused with what it found; the real tables still load."""

from __future__ import annotations

from pathlib import Path

from etl.model import Refusal, RefusalKind, SourceTable
from etl.transform.pipeline import run_file
from tests.paths import PROJECT_ROOT, SAMPLE

REAL = PROJECT_ROOT / "tests" / "fixtures" / "layouts_real"


def _file(tmp_path: Path, text: str, name: str = "t.txt") -> Path:
    (folder := tmp_path / "2024").mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def _refused(path: Path) -> Refusal:
    result = run_file(path)
    assert isinstance(result, Refusal), "expected a refusal"
    return result


def test_a_form_that_prints_no_unit_is_read_in_wan_yuan_and_refused_when_its_amounts_are_yuan(tmp_path: Path) -> None:
    """The other layouts' rule now holds for forms: no unit printed is noted, and amounts that would make the median
    project 1亿元 or more in 万元 are 元 (the form loaded at 20亿元 a project)."""
    text = (REAL / "2024" / "jinzhai-national.txt").read_text(encoding="utf-8").replace("项目资金 (万元)", "项目资金")
    as_printed = run_file(_file(tmp_path, text, "wan.txt"))
    assert isinstance(as_printed, SourceTable) and "amount unit not printed" in "; ".join(as_printed.notes)
    in_yuan = text.replace("\t60.00", "\t600000").replace("\t20.00", "\t200000")
    assert "the amounts look like 元" in _refused(_file(tmp_path, in_yuan, "yuan.txt")).reason
    real = run_file(REAL / "2021" / "ningxiang-form.xlsx")  # no unit printed, 10606.7522: four decimals, not 元
    assert isinstance(real, SourceTable) and real.projects[0].amounts["total"] == 106067522


def test_a_form_whose_labels_name_two_units_is_refused(tmp_path: Path) -> None:
    text = (REAL / "undated" / "culture-forms.txt").read_text(encoding="utf-8")
    assert "本年度申请市财政预算资金(万元)\t200" in text
    text = text.replace("本年度申请市财政预算资金(万元)\t200", "本年度申请市财政预算资金(元)\t2000000")
    assert "amount unit disagrees: the form's labels say 万元 and 元" in _refused(_file(tmp_path, text)).reason


def test_two_tables_in_one_file_are_refused_not_loaded_as_one(tmp_path: Path) -> None:
    """The second table's 部门名称 line became a unit row, its projects the first department's, in its unit."""
    sample = SAMPLE.read_text(encoding="utf-8")
    other = sample.replace("广州市天河区司法局", "广州市天河区民政局").replace("单位：万元", "单位：元")
    refusal = _refused(_file(tmp_path, f"{sample}\n{other}"))
    assert refusal.kind == RefusalKind.BAD_INPUT
    assert "several tables in one file: line" in refusal.reason and "names 广州市天河区民政局" in refusal.reason
    again = run_file(_file(tmp_path, f"{sample}\n{sample}", "same.txt"))  # the same department's title again: as before
    assert not (isinstance(again, Refusal) and "several tables" in again.reason)


def test_two_department_lines_above_one_table_are_refused(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace(
        "部门名称：广州市天河区司法局\n", "部门名称：广州市天河区司法局\n部门名称：广州市天河区民政局\n", 1
    )
    reason = _refused(_file(tmp_path, text)).reason
    assert "the lines above the table name two departments: 部门名称：广州市天河区司法局 and" in reason


def _scaled_workbook(tmp_path: Path, number_format: str, unit_line: str) -> Path:
    """The sample workbook with its amounts stored in 元 and shown through ``number_format`` under ``unit_line``."""
    import openpyxl

    book = openpyxl.load_workbook(PROJECT_ROOT / "tests" / "fixtures" / "layouts" / "2024" / "tianhe-sfj.xlsx")
    sheet = book["绩效目标表"]
    sheet["A3"] = unit_line
    for row in sheet.iter_rows(min_row=5, min_col=2, max_col=5):
        for cell in row:
            if cell.value not in (None, ""):
                cell.value, cell.number_format = round(float(cell.value) * 10000, 2), number_format
    (target := tmp_path / "2024" / "scaled.xlsx").parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return target


def test_a_workbook_number_format_that_shows_thousands_is_read_as_shown(tmp_path: Path) -> None:
    """#,##0.00, shows 826000 as 826.00: the table said 单位：千元 and loaded 1,000 times too large, reconciled."""
    table = run_file(_scaled_workbook(tmp_path, "#,##0.00,", "单位：千元"))
    assert isinstance(table, SourceTable) and table.source_unit == "千元"
    grand = next(a for a in table.aggregates if a.kind == "grand_total")
    assert grand.amounts["total"] == 14853400  # 1,485.34 万元, in yuan
    tricked = _refused(_scaled_workbook(tmp_path, '0!.0,"万"', "单位：万元"))  # 82.6万 by a literal point: refused
    assert "scales values and prints a character among the digits" in tricked.reason
