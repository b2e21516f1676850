"""Round 17's hostile review of the HTML hiding and footnote reading, the placeholder audit rules and the warehouse
check, on GENERATED inputs built from the real sample tianhe-sfj.txt (none is a real page or warehouse).

Found and fixed (each test below failed before its fix):
- a page's hidden text inside a shown cell was read: 1<span style="display:none">9</span>4.07 (shown 14.07) loaded
  as 194.07, a hidden withdrawn name (业务装备购置经费<span hidden>（旧）</span>) loaded into the project's name;
- Word's and Excel's <style><!-- .old {display:none} … --></style>: the first rule after <!-- was not read, so
  the row it hides loaded beside its replacement;
- a row hidden by visibility:hidden (shown as an empty band) was loaded;
- a footnote marker ending a text cell was run into it: 合计<sup>1</sup> became a unit subtotal '合计1' and the
  table lost its grand total; 业务装备购置经费<sup>1</sup> a project '业务装备购置经费1';
- 注 alone as a marker (14.07<sup>注</sup>) and Word's footnote references (<a href="#_ftn1">…[1]…</a>, raised by
  its style sheet, not <sup>) rejected the row the amount was in;
- the audit did not see a goal, name or value that is only an invisible character (U+200B from a web editor, a
  no-break space) or only an ellipsis (……);
- `jixiao load` and `jixiao db upgrade` wrote into the analysts' copy (X.published.duckdb) when it was passed as the
  warehouse, published it again as X.published.published.duckdb, and the next load of X.duckdb replaced it.
"""

from __future__ import annotations

import html
from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from typer.testing import CliRunner

from etl.cli.app import app
from etl.load.run import run_load
from etl.model import SourceTable
from etl.settings import MIGRATIONS_DIR
from etl.transform.pipeline import process_file
from etl.warehouse.connect import connect
from tests.inline_tables import filed
from tests.layout_facts import parsed_facts
from tests.paths import SAMPLE

TITLE, DEPARTMENT, UNIT = "项目支出绩效目标表（含转移支付项目）", "部门名称：广州市天河区司法局", "单位：万元"
PROJECT = "业务装备购置经费"  # 14.07 万元
STALE = [PROJECT, "20.00", "20.00", "", "", "旧的绩效目标（已撤回）", ""]
HIDDEN_REASON = "hidden row in the page (table 1, row 6): not loaded"


def _tr(cells: list[str], attrs: str = "", tag: str = "td") -> str:
    return f"<tr{attrs}>" + "".join(f"<{tag}>{html.escape(c)}</{tag}>" for c in cells) + "</tr>\n"


def _page(grid: tuple, stale: str | None = None, style: str = "", cells: dict[str, str] | None = None) -> str:
    """The sample as one HTML table; stale: the attributes of a withdrawn row above the row replacing it; cells:
    raw HTML replacing a printed cell (its text as printed -> the HTML), in the first row that prints it."""
    header, rows = grid
    body = []
    for row in rows:
        if stale is not None and row[0] == PROJECT:
            body.append(_tr(STALE, stale))
        body.append(_tr(row))
    table = "".join(body)
    for printed, raw in (cells or {}).items():
        table = table.replace(f"<td>{html.escape(printed)}</td>", f"<td>{raw}</td>", 1)
    head = "".join(f"<p>{t}</p>\n" for t in ("GENERATED from the real sample", TITLE, DEPARTMENT, UNIT))
    css = f"<head><style>{style}</style></head>" if style else ""
    return f"<html>{css}<body>\n{head}<table>\n{_tr(header, tag='th')}{table}</table></body></html>\n"


def _read(tmp_path: Path, page: str) -> SourceTable:
    path = filed(tmp_path, "tianhe-sfj.html")
    path.write_text(page, encoding="utf-8")
    return process_file(path)


def _facts(table: SourceTable) -> dict[str, object]:
    facts = parsed_facts(table)
    facts.pop("rejects")
    return facts


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory, grid: tuple, original: SourceTable) -> dict[str, object]:
    table = _read(tmp_path_factory.mktemp("shown"), _page(grid))
    assert table.rejects == [] and _facts(table) == _facts(original)
    return _facts(table)


# ---- what a page hides ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        '1<span style="display:none">9</span>4.07',  # shown 14.07; read 194.07
        '<span style="DISPLAY: NONE">20.00</span>14.07',  # a withdrawn amount kept hidden before the new one
        "<p class=MsoNormal><span lang=EN-US>14<span style='display:none;mso-hide:all'>9</span>.07<o:p></o:p>"
        "</span></p>",  # Word's hidden text
        '14<font class="gone">9</font>.07',
    ],
)
def test_hidden_text_inside_an_amount_is_not_read(
    tmp_path: Path, grid: tuple, shown: dict[str, object], cell: str
) -> None:
    page = _page(grid, style=".gone { display: none }", cells={"14.07": cell})
    table = _read(tmp_path, page)
    assert table.rejects == [] and _facts(table) == shown and table.reconciled
    assert any(n.startswith("hidden text in cells not read: line ") for n in table.notes)


def test_hidden_text_inside_a_name_or_a_packed_cell_is_not_read(
    tmp_path: Path, grid: tuple, shown: dict[str, object]
) -> None:
    _, rows = grid
    [packed] = [r[6] for r in rows if r[0] == PROJECT]
    cells = {
        PROJECT: f'{PROJECT}<span style="display:none">（旧）</span>',
        packed: html.escape(packed).replace("设备购置完成率", "设备购置<span hidden>旧</span>完成率"),
    }
    table = _read(tmp_path, _page(grid, cells=cells))
    assert table.rejects == [] and _facts(table) == shown


def test_a_hidden_row_of_a_table_nested_in_a_layout_cell_is_still_rejected(
    tmp_path: Path, grid: tuple, shown: dict[str, object]
) -> None:
    """The layout table's cell holds the whole target table: taking hidden text out of the outer cell must not take
    the inner table's hidden row away unrecorded."""
    page = _page(grid, ' style="display:none"')
    start, end = page.index("<body>") + len("<body>"), page.index("</body>")
    page = f"{page[:start]}<table width=100%><tr><td>{page[start:end]}</td></tr></table>{page[end:]}"
    table = _read(tmp_path, page)
    assert [r.reason for r in table.rejects] == ["hidden row in the page (table 2, row 6): not loaded"]
    assert _facts(table) == shown


@pytest.mark.parametrize(
    ("attrs", "style"),
    [
        (' class="old"', "<!--\n.old {display:none}\ntd {mso-number-format:General;} -->"),  # Excel's, Word's
        (' class="old"', "<!-- /* Style Definitions */\n tr.old, .gone {display:none;} -->"),
        (' style="visibility:hidden"', ""),
        (' class="old"', ".old { visibility: hidden }"),
    ],
)
def test_rows_a_page_hides_the_way_office_and_css_do_are_not_loaded(
    tmp_path: Path, grid: tuple, shown: dict[str, object], attrs: str, style: str
) -> None:
    table = _read(tmp_path, _page(grid, attrs, style))
    assert [r.reason for r in table.rejects] == [HIDDEN_REASON]
    assert _facts(table) == shown


def test_a_visible_row_with_no_height_is_read(tmp_path: Path, grid: tuple) -> None:
    """height:0 does not hide a table row (its text makes it as tall as it needs): it is read, as shown."""
    table = _read(tmp_path, _page(grid, ' style="height:0;visibility:visible"'))
    assert [r.reason for r in table.rejects] == [f"duplicate project {PROJECT!r} (first at line 12)"]


# ---- footnote markers ----------------------------------------------------------------------------------------------

WORD_NOTE = (
    "<a style='mso-footnote-id:ftn1' href='#_ftn1' name='_ftnref1' title=''><span class=MsoFootnoteReference>"
    "<span style='mso-special-character:footnote'><![if !supportFootnotes]><span class=MsoFootnoteReference>[1]"
    "</span><![endif]></span></span></a>"
)


@pytest.mark.parametrize(
    "cells",
    [
        {"合计": "合计<sup>1</sup>"},
        {"合计": "合计<sup>注</sup>"},
        {PROJECT: f"{PROJECT}<sup>1</sup>"},
        {PROJECT: f"{PROJECT}<sup>*</sup>"},
        {"14.07": "14.07<sup>注</sup>"},
        {"14.07": f"14.07{WORD_NOTE}"},
        {"1,485.34": f"1,485.34{WORD_NOTE}"},
    ],
)
def test_a_footnote_marker_ending_a_cell_is_left_out(
    tmp_path: Path, grid: tuple, shown: dict[str, object], cells: dict[str, str]
) -> None:
    """合计<sup>1</sup> was read '合计1', a unit subtotal: the table had no grand total; a name took the marker into
    it; 注 alone and Word's footnote reference rejected the amount's row."""
    table = _read(tmp_path, _page(grid, cells=cells))
    assert table.rejects == [] and _facts(table) == shown and table.reconciled
    assert any(n.startswith("footnote markers left out of") for n in table.notes)


def test_a_marker_inside_a_text_cell_is_read_as_before(tmp_path: Path, grid: tuple) -> None:
    """Only a marker that ends the cell: one with text after it is not told from the text (经费<sup>1</sup>（续）)."""
    table = _read(tmp_path, _page(grid, cells={PROJECT: f"{PROJECT}<sup>1</sup>（续）"}))
    assert f"{PROJECT}1（续）" in {p.project_name for p in table.projects}


# ---- the audit: values, names and goals that are only invisible characters or an ellipsis --------------------------


def _planted_sample() -> str:
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    swaps = {
        "律师管理业务经费": ("工单及时完成率; 实施周期指标值:100%", "\u200b; 实施周期指标值:100%"),
        "法制业务经费": ("述法活动；实施周期指标值:1次；年度指标值:1次", "述法活动；实施周期指标值:1次；年度指标值:……"),
        "人民调解案件补贴": ("年度指标值:达100%", "年度指标值:\u200b/\u200b"),
        # real values that merely start or end with a placeholder's mark or word: no finding
        "区管退休干部节日慰问经费": (
            "慰问活动次数；实施周期指标值:2次；年度指标值:2次",
            "慰问活动次数；实施周期指标值:/年；年度指标值:-5%",
        ),
        "居委调委会调解员工作补贴": (
            "实施周期指标值:不少于2000次；年度指标值:不少于2000次",
            "实施周期指标值:N/A%；年度指标值:≤-3",
        ),
        "律师行业政策支持资金": ("实施周期指标值:0; 年度指标值:0", "实施周期指标值:－５％; 年度指标值:无事故"),
    }
    for i, line in enumerate(lines):
        name = line.split("\t")[0]
        if name in swaps:
            old, new = swaps[name]
            assert line.count(old) == 1, name
            lines[i] = line.replace(old, new)
        if name == "专职人民调解服务项目经费":
            cells = line.split("\t")
            cells[5] = "\u200b\ufeff"
            lines[i] = "\t".join(cells)
    return "\n".join(lines)


NEW_FINDINGS = (
    "SELECT rule_id, severity, project_name, seq, message FROM v_target_audit "
    "WHERE rule_id IN ('placeholder_value', 'missing_indicator_name', 'missing_goal') ORDER BY 1, 2, 3, 4, 5"
)
EXPECTED = [
    ("missing_goal", "error", "专职人民调解服务项目经费", None, "未填绩效目标（项目有 5 个绩效指标）"),
    ("missing_indicator_name", "error", "律师管理业务经费", 4,
     "未填指标名称（指标类型“产出指标：时效指标”，年度指标值“100%”）"),
    ("placeholder_value", "error", "人民调解案件补贴", 3, "年度指标值“\u200b/\u200b”只是占位符，未说明目标"),
    ("placeholder_value", "error", "法制业务经费", 4, "年度指标值“……”只是占位符，未说明目标"),
]  # fmt: skip


def _planted_raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw" / "2024"
    folder.mkdir(parents=True)
    (folder / "tianhe-sfj.txt").write_text(_planted_sample(), encoding="utf-8")
    return tmp_path / "raw"


def _found(warehouse: str | Path) -> list[tuple]:
    con = connect(warehouse, read_only=True)
    try:
        return [tuple(row) for row in con.execute(NEW_FINDINGS).fetchall()]
    finally:
        con.close()


def test_invisible_and_ellipsis_placeholders_are_findings(tmp_path: Path) -> None:
    warehouse = tmp_path / "wh.duckdb"
    run_load([_planted_raw(tmp_path)], warehouse)
    assert _found(warehouse) == EXPECTED


def test_invisible_placeholders_are_findings_on_postgres(tmp_path: Path, pg_url: str) -> None:
    run_load([_planted_raw(tmp_path)], pg_url)
    assert _found(pg_url) == EXPECTED


# ---- warehouse files -----------------------------------------------------------------------------------------------


def jixiao(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def test_the_analysts_copy_passed_as_the_warehouse_is_left_as_it_is(sample_copy: Path, tmp_path: Path) -> None:
    """It was loaded into (exit 0), published again as w.published.published.duckdb, and the next load of w.duckdb
    replaced it with its own copy: what was loaded into it was gone."""
    warehouse = tmp_path / "wh" / "w.duckdb"
    assert jixiao("load", str(sample_copy), "-w", str(warehouse), "--quiet").exit_code == 0
    copy = tmp_path / "wh" / "w.published.duckdb"
    before = copy.read_bytes()
    for command_line in (
        ["load", str(sample_copy), "-w", str(copy), "--quiet", "--full"],
        ["db", "upgrade", "-w", str(copy)],
    ):
        result = jixiao(*command_line)
        assert result.exit_code == 2, result.output
        assert f"is the analysts' copy of the warehouse {warehouse}" in " ".join(result.output.split())
    assert copy.read_bytes() == before
    assert not (tmp_path / "wh" / "w.published.published.duckdb").exists()
    assert not (tmp_path / "wh" / "w.published.duckdb.lock").exists()  # refused before the run's lock


def test_a_warehouse_named_published_with_no_working_file_beside_it_loads(sample_copy: Path, tmp_path: Path) -> None:
    """A name alone says nothing: with no w.duckdb beside it, w.published.duckdb is a warehouse like any other."""
    lone = tmp_path / "elsewhere" / "w.published.duckdb"
    assert jixiao("load", str(sample_copy), "-w", str(lone), "--quiet").exit_code == 0


def _at_revision(path: Path, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    engine = sa.create_engine(f"duckdb:///{path}", poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, revision)
            conn.commit()
    finally:
        engine.dispose()


@pytest.mark.parametrize("revision", ["0001", "0010"])
def test_a_warehouse_of_an_older_revision_is_migrated_not_refused(
    sample_copy: Path, tmp_path: Path, revision: str
) -> None:
    old = tmp_path / "old.duckdb"
    _at_revision(old, revision)
    assert jixiao("load", str(sample_copy), "-w", str(old), "--quiet").exit_code == 0
    with duckdb.connect(str(old), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM fact_project_budget").fetchone()[0] == 22


def test_a_duckdb_file_of_views_only_is_refused_untouched(sample_copy: Path, tmp_path: Path) -> None:
    other = tmp_path / "views.duckdb"
    with duckdb.connect(str(other)) as con:
        con.execute("CREATE VIEW v_budget AS SELECT 1 AS x")
    before = other.read_bytes()
    result = jixiao("load", str(sample_copy), "-w", str(other), "--quiet")
    assert result.exit_code == 2 and "is not a jixiao warehouse" in result.output
    assert other.read_bytes() == before
