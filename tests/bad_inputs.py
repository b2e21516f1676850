"""The bad-input corpus: every way a file can arrive broken, built from the real sample.

Each case is (name, relative path, bytes). Cases that still parse get their own 部门名称, so a case
never replaces another case's table (or the real one) in the warehouse. Generated in a temporary
folder by the tests; nothing here is published data.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator

from tests.paths import PROJECT_ROOT

SAMPLE = PROJECT_ROOT / "data" / "raw" / "2024" / "tianhe-sfj.txt"
DEPARTMENT_LINE = "部门名称：广州市天河区司法局"
Case = tuple[str, str, bytes]


def sample_text(department: str | None = None) -> str:
    text = SAMPLE.read_text(encoding="utf-8")
    return text.replace(DEPARTMENT_LINE, f"部门名称：{department}") if department else text


def _lines(department: str) -> list[str]:
    return sample_text(department).split("\n")


def _edit(name: str, edit) -> Case:
    lines = _lines(f"坏输入-{name}")
    edit(lines)
    return name, f"2024/{name}.txt", "\n".join(lines).encode("utf-8")


def _cells(lines: list[str], line_no: int) -> list[str]:
    return lines[line_no - 1].split("\t")


def _set_cell(line_no: int, col: int, value: str):
    def edit(lines: list[str]) -> None:
        cells = _cells(lines, line_no)
        cells[col] = value
        lines[line_no - 1] = "\t".join(cells)

    return edit


def _drop_column(col: int):
    def edit(lines: list[str]) -> None:
        for i, line in enumerate(lines):
            if "\t" in line:
                cells = line.split("\t")
                del cells[col]
                lines[i] = "\t".join(cells)

    return edit


def truncated() -> Iterator[Case]:
    data = sample_text("坏输入-截断").encode("utf-8")
    for share in (0.05, 0.2, 0.33, 0.5, 0.61, 0.75, 0.9, 0.97, 0.999):
        cut = int(len(data) * share)
        yield f"truncated-{share}", f"2024/truncated-{share}.txt", data[:cut]


def junk() -> Iterator[Case]:
    rng = random.Random(20241127)
    noise = bytes(rng.randrange(256) for _ in range(5000))
    yield "junk-random", "2024/junk-random.txt", noise
    yield "junk-png", "2024/junk-png.txt", b"\x89PNG\r\n\x1a\n" + noise[:500]
    yield "junk-xlsx", "2024/junk.xlsx", noise
    yield "junk-zip-xlsx", "2024/junk-zip.xlsx", b"PK\x03\x04" + noise[:800]
    yield "junk-xls", "2024/junk.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + noise[:800]
    yield "junk-html", "2024/junk.html", noise
    yield "junk-csv", "2024/junk.csv", noise
    yield "text-not-a-table", "2024/prose.txt", ("这不是一张表。\n" * 50).encode("utf-8")
    yield "html-without-tables", "2024/notables.html", "<html><body><p>部门预算</p></body></html>".encode()
    yield "html-wrong-tables", "2024/wrongtables.html", b"<table><tr><td>a</td><td>b</td></tr></table>"


def empty() -> Iterator[Case]:
    for suffix in ("txt", "csv", "xlsx", "xls", "html", "psv"):
        yield f"empty-{suffix}", f"2024/empty.{suffix}", b""
    yield "blank-lines", "2024/blank.txt", b"\n\n \t \n\r\n"


def wrong_encodings() -> Iterator[Case]:
    text = sample_text("坏输入-编码")
    yield "utf16-bom", "2024/utf16-bom.txt", text.encode("utf-16")
    yield "utf16-no-bom", "2024/utf16-nobom.txt", sample_text("坏输入-编码乙").encode("utf-16-le")  # (loads: its own)
    yield "utf32", "2024/utf32.txt", text.encode("utf-32")
    yield "big5", "2024/big5.txt", text.encode("big5", errors="replace")
    yield "latin1", "2024/latin1.txt", ("Projekt\tSumme\n" + "Ä" * 40 + "\n").encode("latin-1") * 20
    yield "cp500-ebcdic", "2024/ebcdic.txt", "项目".join(["abc"] * 5).encode("cp500", errors="replace")
    yield "bom-then-gbk", "2024/bom-gbk.txt", b"\xef\xbb\xbf" + text.encode("gbk")


def columns() -> Iterator[Case]:
    yield _edit("missing-total-column", _drop_column(1))
    yield _edit("missing-indicator-column", _drop_column(6))
    yield _edit("missing-header", lambda ls: ls.__setitem__(8, "名称\t数\t数\t数\t数\t文\t文"))
    yield _edit("extra-header-column", lambda ls: ls.__setitem__(8, ls[8] + "\t备注"))
    yield _edit("extra-cell-in-row", lambda ls: ls.__setitem__(13, ls[13] + "\t多出来的一格"))


def amounts() -> Iterator[Case]:
    yield _edit("non-numeric-amount", _set_cell(12, 1, "八十二点六"))
    yield _edit("negative-amount", _set_cell(14, 1, "-14.07"))
    yield _edit("unreadable-grand-total", _set_cell(10, 1, "一千多"))
    yield _edit("totals-disagree", _set_cell(10, 1, "1,500.00"))
    yield _edit("amount-with-unit-in-cell", _set_cell(12, 2, "826000元"))
    yield _edit("amount-finer-than-fen", _set_cell(12, 1, "82.60001"))
    yield _edit("huge-amount", _set_cell(12, 1, "9" * 40))


FULL_WIDTH = str.maketrans("0123456789.,-", "０１２３４５６７８９．，－")


def full_width_amounts() -> Iterator[Case]:
    """Issue 10: amounts typed with full-width digits, dot, comma (and a full-width minus) are read (NFKC)."""

    def widen(line_no: int, cols: range):
        def edit(lines: list[str]) -> None:
            cells = _cells(lines, line_no)
            for c in cols:
                if c < len(cells):
                    cells[c] = cells[c].translate(FULL_WIDTH)
            lines[line_no - 1] = "\t".join(cells)

        return edit

    yield _edit("full-width-amount", widen(12, range(1, 3)))
    yield _edit("full-width-thousands", widen(10, range(1, 3)))
    yield _edit("full-width-every-amount", lambda ls: [widen(n, range(1, 5))(ls) for n in range(10, 34)])
    yield _edit("full-width-negative", _set_cell(14, 1, "－１４．０７"))


SEPARATORS_IN_CELL = {"u2028": "\u2028", "u2029": "\u2029", "nel": "\x85", "vt": "\x0b", "ff": "\x0c", "fs": "\x1c"}


def separators_in_cells() -> Iterator[Case]:
    """Issue 10: a line or paragraph separator inside a goal or indicator cell does not end the row."""
    for name, sep in SEPARATORS_IN_CELL.items():
        yield _edit(f"separator-{name}-in-goal", lambda ls, s=sep: _set_cell(12, 5, f"第一段{s}第二段")(ls))
        yield _edit(
            f"separator-{name}-in-indicators", lambda ls, s=sep: ls.__setitem__(13, ls[13].replace("2、", s + "2、", 1))
        )
    text = sample_text("坏输入-分隔符CSV").replace("保障局办公大楼", "保障局\u2028办公\x85大楼\x0b\x0c")
    csv_text = "\n".join(",".join(f'"{c}"' if c else "" for c in line.split("\t")) for line in text.split("\n"))
    yield "separators-in-csv", "2024/separators.csv", csv_text.encode("utf-8")
    psv = sample_text("坏输入-分隔符PSV").replace("保障局办公大楼", "保障局\u2029办公大楼").replace("\t", "|")
    yield "separators-in-psv", "2024/separators.psv", psv.encode("utf-8")
    yield (
        "separators-crlf",
        "2024/separators-crlf.txt",
        text.replace("坏输入-分隔符CSV", "坏输入-分隔符CRLF").replace("\n", "\r\n").encode("utf-8"),
    )
    yield _edit("separators-mixed", lambda ls: ls.__setitem__(15, ls[15].replace("。", "\u2028\x85\x0b\x0c", 2)))


def rows() -> Iterator[Case]:
    yield _edit("duplicate-project", lambda ls: ls.insert(14, ls[13]))
    yield _edit("row-without-name", _set_cell(15, 0, ""))
    yield _edit("broken-indicator", _set_cell(16, 6, "1、产出：数量：没有值"))
    yield _edit("enormous-cell", _set_cell(17, 5, "很长的目标" * 20000))
    yield _edit(
        "enormous-indicator-cell", _set_cell(18, 6, "1、1-产出指标：11-数量指标：x；实施周期指标值:" + "9" * 100000)
    )
    yield _edit("no-department-no-unit", lambda ls: (ls.__setitem__(4, ""), ls.__setitem__(10, "")))
    big = sample_text("坏输入-巨型CSV格").replace("\t", ",")
    yield "csv-field-over-limit", "2024/bigfield.csv", (big + '\n"' + "长" * 5_000_000 + '"\n').encode("utf-8")
    yield "unterminated-csv-quote", "2024/quote.csv", (big + '\n"' + "半截").encode("utf-8")


def workbooks() -> Iterator[Case]:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.append(["这个工作簿没有表头"])
    buf = io.BytesIO()
    book.save(buf)
    yield "xlsx-without-header", "2024/noheader.xlsx", buf.getvalue()
    layout = (PROJECT_ROOT / "tests" / "fixtures" / "layouts" / "2024" / "tianhe-sfj.xlsx").read_bytes()
    yield "xlsx-truncated", "2024/cut.xlsx", layout[: len(layout) // 2]


def sample_workbook(department: str, stored: dict[str, str] | None = None, unit: str = "万元") -> bytes:
    """The sample as an .xlsx with numeric amount cells (what an office suite saves); ``stored`` sets the
    value a cell stores in the sheet's XML by reference ({"B12": "82.59999999999997"}), as a =SUM() cell
    of a real workbook caches its binary double."""
    import re
    import zipfile

    import openpyxl

    text = sample_text(department).replace("单位：万元", f"单位：{unit}")
    rows = [line.split("\t") for line in text.split("\n")]
    for row in rows[9:]:  # below the header row (line 9)
        for c in range(1, 5):
            if len(row) > c and row[c].strip():
                row[c] = float(row[c].replace(",", ""))
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buf = io.BytesIO()
    book.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                text = data.decode("utf-8")
                for ref, value in (stored or {}).items():
                    text = re.sub(rf'(<c r="{ref}"[^>]*><v>)[^<]*(</v>)', rf"\g<1>{value}\g<2>", text)
                data = text.encode("utf-8")
            dst.writestr(item, data)
    return out.getvalue()


def xlsx_doubles() -> Iterator[Case]:
    """Issue 10: a numeric cell holding a binary double near a fen amount (what =SUM() caches) is read
    as that amount; a genuine third decimal still rejects the row."""
    total = {f"{c}{r}": "1485.3400000000001" for c in "BC" for r in (10, 11)}
    yield "double-sum-total", "2024/sum-double.xlsx", sample_workbook("坏输入-双精度", total)
    yield "double-below", "2024/double-below.xlsx", sample_workbook("坏输入-双精度2", {"B12": "82.59999999999997"})
    everywhere = {**total, "B12": "82.600000000000009", "C12": "82.6", "B14": "14.069999999999999", "C14": "14.07"}
    yield "double-everywhere", "2024/doubles.xlsx", sample_workbook("坏输入-双精度3", everywhere)
    yield "double-exponent", "2024/double-exp.xlsx", sample_workbook("坏输入-双精度4", {"B15": "1.2000000000000002E0"})
    yield "double-within-1e-6", "2024/within.xlsx", sample_workbook("坏输入-双精度5", {"B12": "82.6000004"})
    yuan = {f"{c}{r}": "1485.3400000000001" for c in "BC" for r in (10, 11)}
    yield "double-yuan-table", "2024/double-yuan.xlsx", sample_workbook("坏输入-双精度元", yuan, unit="元")
    # in a 元 table a third decimal is finer than one fen: the row is rejected (in 万元 it is 10 yuan, and loads)
    yield "double-third-decimal", "2024/third.xlsx", sample_workbook("坏输入-三位小数", {"B12": "82.605"}, unit="元")
    yield "double-just-off", "2024/just-off.xlsx", sample_workbook("坏输入-差一点", {"B12": "82.60001"}, unit="元")


def no_year() -> Iterator[Case]:
    yield "no-year-folder", "loose/no-year.txt", sample_text("坏输入-无年份").encode("utf-8")
    yield "year-folder-1905", "1905/old.txt", sample_text("坏输入-1905年").encode("utf-8")
    yield "year-folder-2101", "2101/future.txt", sample_text("坏输入-2101年").encode("utf-8")


def all_cases() -> list[Case]:
    groups = (
        truncated,
        junk,
        empty,
        wrong_encodings,
        columns,
        amounts,
        full_width_amounts,
        separators_in_cells,
        rows,
        workbooks,
        xlsx_doubles,
        no_year,
    )
    return [case for group in groups for case in group()]
