"""Render the report tables as an offline HTML page (Jinja2, autoescaped), an Excel workbook and Markdown."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from etl.report import UnwritableFolder
from etl.report.charts import BarChart
from etl.report.reading import ReportData
from etl.report.tables import CHANGE_NAMES, STATUS_NAMES, Table
from etl.warehouse.backend import storable

TEMPLATES = Path(__file__).with_name("templates")


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def html_page(data: ReportData, tables: list[Table], chart: BarChart, counts: dict) -> str:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    env.filters["cell"] = cell_text
    return env.get_template("report.html.j2").render(
        department=data.department,
        from_year=data.from_year,
        to_year=data.to_year,
        generated_years=[str(y) for y in data.generated_years],
        tables=tables,
        chart=chart,
        counts=counts,
        status_names=STATUS_NAMES,
        change_names=CHANGE_NAMES,
    )


def workbook(tables: list[Table], path: Path) -> Path:
    """One sheet per table, Chinese headers in bold, amounts as numbers with two decimals."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.title)
        sheet.append(list(table.headers))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_text_safe(v) for v in row])
        for column in sheet.iter_cols(min_row=1):
            for cell in column:
                if isinstance(cell.value, Decimal):
                    cell.number_format = decimal_format(cell.value)
                elif isinstance(cell.value, str):
                    cell.data_type = "s"  # text is text: never a formula (=HYPERLINK(…), +, -, @ …)
        for letter, width in zip("ABCDEFG", (12, 40, 40, 16, 16, 16, 14), strict=False):
            sheet.column_dimensions[letter].width = width
    save_whole(book.save, path)
    return path


def decimal_format(value: Decimal) -> str:
    """A cell's number format showing as many decimals as the value has, at least two (as the page and the Markdown
    print it): 826,000.50 元 is 82.600050 万元, a share 0.7455; "#,##0.00" showed 82.60 and 0.75."""
    exponent = value.as_tuple().exponent
    places = max(2, min(-exponent, 10)) if isinstance(exponent, int) else 2
    return "#,##0." + "0" * places


def make_folder(folder: Path) -> None:
    """folder and its parents made (os.access allowed /proc/x to root, then mkdir failed: exit 1 with a traceback's
    FileNotFoundError)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise UnwritableFolder(f"{folder} cannot be created ({why}): name a folder you can write") from None


def save_whole(save: Callable[[Path], object], path: Path) -> None:
    """``save(temporary)`` beside ``path``, then the temporary file renamed over it: a workbook whose save failed
    (a full disk, a kill mid-write) leaves the previous file as it was, never a truncated one Excel cannot open."""
    with saved_together(path) as (temporary,):
        save(temporary)


@contextmanager
def saved_together(*paths: Path) -> Iterator[tuple[Path, ...]]:
    """A temporary name beside each of ``paths`` for the body to write; when it returns, each renamed over its
    path; when anything fails, the files before are left as they were (a report whose workbook failed no longer
    leaves its page beside the last report's workbook). A path that is a folder is refused before the body runs
    (UnwritableFolder: exit 2); it had failed the third rename after the first two had replaced the old files. Each
    file replaced is kept under a backup name until every rename has succeeded, and put back if one fails."""
    for path in paths:
        if path.is_dir() and not path.is_symlink():  # (a link is replaced itself, never what it names)
            raise UnwritableFolder(
                f"{storable(str(path))} is a folder, not a file: move it away, or name another --out folder"
            )
    temporaries = tuple(_beside(p, "tmp") for p in paths)
    try:  # (made by the body: umask's mode)
        yield temporaries
        _replace_all(temporaries, paths)
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)  # (none left once all are renamed)


def _beside(path: Path, kind: str) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.{kind}")


def _replace_all(temporaries: tuple[Path, ...], paths: tuple[Path, ...]) -> None:
    """Each temporary renamed over its path, all or none: the files there are first kept under a second name (a hard
    link, or a copy where links are not allowed), so that a rename that fails puts back those already replaced (and
    takes away those that were new). A backup that cannot be made fails before anything is replaced."""
    backups: dict[Path, Path | None] = {}
    try:
        for path in paths:
            backups[path] = _backup(path)
        done: list[Path] = []
        try:
            for temporary, path in zip(temporaries, paths, strict=True):
                os.replace(temporary, path)
                done.append(path)
        except BaseException:
            for path in reversed(done):
                with contextlib.suppress(OSError):
                    if (backup := backups[path]) is not None:
                        os.replace(backup, path)
                    else:
                        path.unlink(missing_ok=True)
            raise
    finally:
        for backup in backups.values():
            if backup is not None:
                with contextlib.suppress(OSError):
                    backup.unlink(missing_ok=True)


def _backup(path: Path) -> Path | None:
    """A second name for the file at path (None: no file there)."""
    if not os.path.lexists(path):
        return None
    backup = _beside(path, "old")
    try:
        os.link(path, backup, follow_symlinks=False)
    except OSError:  # a file system without hard links (FAT, some shares)
        backup.unlink(missing_ok=True)
        shutil.copy2(path, backup, follow_symlinks=False)
    return backup


# (not _ or #: vague_value stays readable on a terminal; an underscore inside a word and a # inside a line do nothing)
_MD_ACTIVE = str.maketrans(
    {c: f"\\{c}" for c in "\\`*[]|"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": " ", "\r": " "}
)


def md_text(value: Any) -> str:
    """A value as Markdown text: the characters Markdown acts on escaped (a department named
    广州市<script>…</script>局 or **粗**[链](javascript:…) went raw into the heading and the table cells; only | was
    escaped), control characters shown as U+FFFD."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", cell_text(value)).translate(_MD_ACTIVE)


def _text_safe(value: Any) -> Any:
    """Text without the control characters a workbook cannot hold (openpyxl refuses them)."""
    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value) if isinstance(value, str) else value


def markdown(data: ReportData, tables: list[Table], counts: dict) -> str:
    lines = [f"# {md_text(data.department)}：{data.from_year}–{data.to_year} 年度对比", ""]
    if data.generated_years:
        lines += [
            f"> {'、'.join(map(str, data.generated_years))} 年为程序生成的数据（GENERATED），非公开发布表格。",
            "",
        ]
    lines.append("项目：" + "，".join(f"{STATUS_NAMES[s]} {n}" for s, n in counts["projects"].items()))
    lines.append("指标：" + "，".join(f"{CHANGE_NAMES[c]} {n}" for c, n in counts["targets"].items()))
    for table in tables:
        lines += ["", f"## {table.title}（{len(table.rows)}）", ""]
        lines.append("| " + " | ".join(table.headers) + " |")
        lines.append("|" + "---|" * len(table.headers))
        for row in table.rows:
            lines.append("| " + " | ".join(md_text(v) for v in row) + " |")
    return "\n".join(lines) + "\n"
