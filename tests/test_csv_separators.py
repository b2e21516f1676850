"""CSV and text files by their field separator: GENERATED re-exports of the real sample (each test writes its own
into tmp_path; none is a real file) must load as the original, or be refused naming the cell, never load other data.

Found (fix-h2): a ;-separated CSV (what a European-locale Excel saves, and some Chinese exports) was refused as "no
header row": the CSV reader split on commas only. The separator is now the one that makes a header row of one of
the first records (comma, semicolon, tab or pipe; never the full-width ，, which Chinese text prints inside cells).
A ;-separated file's amounts may have a decimal comma (82,60): read when the file's amounts say so, refused when
they mix the two marks or cannot tell (1,485 alone), never read as 1485 when they may mean 1.485.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from etl.cli.app import app
from etl.extract import read_grid
from etl.extract.decimal_comma import NOTE
from etl.extract.delimited import read_csv
from etl.model import SourceTable, TableRefused
from etl.transform.pipeline import process_file
from tests.layout_facts import parsed_facts

LABEL = "GENERATED from the real sample tianhe-sfj.txt (not a real table)"
TITLE, DEPARTMENT, UNIT = "项目支出绩效目标表（含转移支付项目）", "部门名称：广州市天河区司法局", "单位：万元"


def _filed(tmp_path: Path, name: str) -> Path:
    path = tmp_path / "2024" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _write(path: Path, lines: list[list[str]], sep: str) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=sep, lineterminator="\r\n")
        for line in [[LABEL], [TITLE], [DEPARTMENT], [UNIT], *lines]:
            writer.writerow(line)
    return path


def _european(amount: str) -> str:
    """1,485.34 as a European-locale Excel writes it: 1.485,34."""
    return amount.replace(",", " ").replace(".", ",").replace(" ", ".")


@pytest.mark.parametrize(("sep", "name"), [(";", "semicolon"), (",", "comma"), ("\t", "tab"), ("|", "pipe")])
def test_a_csv_reads_as_the_sample_whatever_its_separator(
    tmp_path: Path, grid: tuple, original: SourceTable, sep: str, name: str
) -> None:
    header, rows = grid
    path = _write(_filed(tmp_path, f"tianhe-{name}.csv"), [header, *rows], sep)
    if sep in ";,":  # goals and indicators holding the separator are quoted, and read as one cell
        assert f'"{DEPARTMENT}' not in path.read_text(encoding="utf-8") and '"' in path.read_text(encoding="utf-8")
    table = process_file(path)
    assert parsed_facts(table) == parsed_facts(original)
    assert (len(table.projects), table.n_targets, table.rejects) == (22, 110, [])
    assert table.notes == original.notes


def test_quoted_cells_keep_their_separators_and_line_breaks(tmp_path: Path) -> None:
    text = '部门名称：测试局\n项目名称;总计;财政拨款;绩效目标\n"项目\n甲";1;1;"目标;含分号,和逗号"\n项目乙;2;2;目标\n'
    grid = read_csv(tmp_path / "t.csv", text.encode())
    assert [(r.line_no, r.cells) for r in grid.rows] == [
        (2, ["项目名称", "总计", "财政拨款", "绩效目标"]),
        (3, ["项目\n甲", "1", "1", "目标;含分号,和逗号"]),
        (5, ["项目乙", "2", "2", "目标"]),
    ]


def test_the_separator_is_the_header_rows_not_the_free_texts(tmp_path: Path) -> None:
    """Title lines and goals full of commas and semicolons do not outvote the header row's separator."""
    text = (
        "说明：本表,按项目,列示;单位,万元;如下,,,,\n项目名称,总计,财政拨款,绩效目标\n"
        '项目甲,1,1,"目标;一;二;三;四;五"\n'
    )
    grid = read_csv(tmp_path / "t.csv", text.encode())
    assert grid.rows[0].cells == ["项目名称", "总计", "财政拨款", "绩效目标"]
    assert grid.rows[1].cells[3] == "目标;一;二;三;四;五"


@pytest.mark.parametrize("suffix", ["txt", "tsv"])
def test_a_tab_separated_text_reads_as_before(
    tmp_path: Path, sample_path: Path, original: SourceTable, suffix: str
) -> None:
    path = _filed(tmp_path, f"tianhe-sfj.{suffix}")
    shutil.copy(sample_path, path)
    grid = read_grid(path)
    assert grid.source_format == "text" and grid.notes == []
    assert parsed_facts(process_file(path)) == parsed_facts(original)


def test_a_txt_saved_as_a_semicolon_csv_is_read_as_one(tmp_path: Path, grid: tuple, original: SourceTable) -> None:
    header, rows = grid
    path = _write(_filed(tmp_path, "tianhe-sfj.txt"), [header, *rows], ";")
    assert read_grid(path).source_format == "csv"
    assert parsed_facts(process_file(path)) == parsed_facts(original)


def test_decimal_commas_are_read_when_the_amounts_say_so(tmp_path: Path, grid: tuple, original: SourceTable) -> None:
    """A European-locale export: 1.485,34 and 82,60 are 1485.34 and 82.60, to the fen, and the load says so."""
    header, rows = grid
    european = [[r[0], *(_european(c) for c in r[1:5]), *r[5:]] for r in rows]
    assert european[0][1] == "1.485,34" and european[2][1] == "82,60"
    path = _write(_filed(tmp_path, "tianhe-eu.csv"), [header, *european], ";")
    table = process_file(path)
    assert parsed_facts(table) == parsed_facts(original)
    assert NOTE in table.notes
    assert sum(p.amounts["total"] for p in table.projects) == sum(p.amounts["total"] for p in original.projects)


def test_decimal_commas_beside_decimal_points_are_refused_naming_both(tmp_path: Path, grid: tuple) -> None:
    header, rows = grid
    mixed = [[r[0], *(_european(c) for c in r[1:5]), *r[5:]] if n == 4 else r for n, r in enumerate(rows)]
    path = _write(_filed(tmp_path, "mixed.csv"), [header, *mixed], ";")
    with pytest.raises(TableRefused) as refused:
        process_file(path)
    assert "decimal comma (line 10, 总计: '14,07')" in refused.value.reason
    assert "decimal point (line 6, 总计: '1,485.34')" in refused.value.reason


def test_an_amount_that_cannot_tell_its_mark_is_refused_naming_the_cell(tmp_path: Path) -> None:
    """1,485 in a ;-separated file with no other amount to tell: 1485 or 1.485? Refused, not guessed."""
    lines = [
        ["项目名称", "总计", "财政拨款", "绩效目标", "绩效指标"],
        ["合计", "1,485", "1,485", "", ""],
        ["项目甲", "1,485", "1,485", "目标", "1、1-产出指标：11-数量指标：人数；实施周期指标值:5人；年度指标值:5人。"],
    ]
    path = _write(_filed(tmp_path, "either.csv"), lines, ";")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 3
    assert "amount line 6, 总计: '1,485' in a ;-separated file" in " ".join(result.output.split())


def test_check_reads_a_semicolon_csv(tmp_path: Path, grid: tuple) -> None:
    header, rows = grid
    path = _write(_filed(tmp_path, "tianhe-sfj.csv"), [header, *rows], ";")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 0, result.output
    assert "22 projects, 110 targets, 0 rejected" in result.output
