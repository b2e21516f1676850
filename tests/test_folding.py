"""One folding rule and one 万元 rule: Python (etl.text.fold_key, etl.report.tables.to_wan) and the SQL macros the
views use (sql/macros/) must give the same answers, character for character and cent for cent."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pandas as pd
import pytest

from etl.load import names
from etl.report.tables import to_wan, wan
from etl.text import fold_key, header_key
from etl.transform import frames
from etl.warehouse import views

TRICKY = [
    "专职人民调解服务项目经费",
    "穗财政【2023】79号专职人民调解服务项目经费",
    "广州市天河区司法局（本级）",
    "广州市天河区司法局(本级)",
    "法律援助［2024］经费",
    "法律援助[2024]经费",
    "法律援助〔2024〕经费",
    "《民法典》宣传",
    "ＡＢＣ－１２３ ａｂｃ",
    "ABC-123 abc",
    "２０２４年度 普法\u3000宣传",
    "2024年度普法宣传",
    "NBSP\u00a0between",
    "tab\tand\nnewline\r\n",
    "thin\u2009space\u202fnarrow\u205fmath\u2028line",
    "full-width punctuation：；，！？％＋＝～＇＂＼",
    "ideographic、。「」『』",
    "  leading and trailing  ",
    "",
    "１００％ 完成率",
    "满意度≥９５％",
    "ⅠⅡ①②㎡℃",
    "零宽\u200b空格",
]


@pytest.fixture(scope="module")
def con() -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    views.create_macros(views.Native(con))
    return con


def sql_keys(con: duckdb.DuckDBPyConnection, texts: list[str]) -> list[str]:
    con.register("texts", pd.DataFrame({"i": range(len(texts)), "t": pd.Series(texts, dtype=object)}))
    try:
        return [r[0] for r in con.execute("SELECT fold_key(t) FROM texts ORDER BY i").fetchall()]
    finally:
        con.unregister("texts")


def test_tricky_names_fold_alike_in_python_and_sql(con: duckdb.DuckDBPyConnection) -> None:
    assert sql_keys(con, TRICKY) == [fold_key(t) for t in TRICKY]


def test_every_character_folds_alike_in_python_and_sql(con: duckdb.DuckDBPyConnection) -> None:
    chars = [chr(c) for c in range(1, 0x10000) if not 0xD800 <= c <= 0xDFFF]
    texts = [f"a{c}b" for c in chars]
    got = sql_keys(con, texts)
    differ = [(hex(ord(c)), g, fold_key(t)) for c, t, g in zip(chars, texts, got, strict=True) if g != fold_key(t)]
    assert differ == []


def test_what_the_rule_folds() -> None:
    assert fold_key("ＡＢＣ－１２３ ａｂｃ") == "ABC-123abc"
    assert fold_key("法律援助［2024］（本级）") == fold_key("法律援助[2024](本级)") == "法律援助[2024](本级)"
    assert fold_key("２０２４年度 普法\u3000宣传\u00a0\t") == "2024年度普法宣传"
    assert fold_key("穗财政【2023】79号") == "穗财政【2023】79号"  # not a width variant: kept
    assert fold_key("〔2024〕") == "〔2024〕"


@pytest.mark.parametrize("text", TRICKY)
def test_every_python_key_uses_the_rule(text: str) -> None:
    assert names.printed(None, text) == fold_key(text)  # how the linker compares printed names and aliases
    assert header_key(text) == fold_key(text)
    assert frames.name_key(text, text, text, text) == "|".join([fold_key(text)] * 4)


def test_sample_keys_are_those_of_before() -> None:
    """The rule folds more than the old ones, but nothing the real sample prints: its keys did not move."""
    assert fold_key("广州市天河区司法局（本级）：经费；其他，") == "广州市天河区司法局(本级):经费;其他,"


AMOUNTS = ["0", "0.01", "-0.01", "12345.67", "14853400.00", "9999999999999999.99", "-250000.50", "0.005", "-0.005"]


def test_to_wan_alike_in_python_and_sql(con: duckdb.DuckDBPyConnection) -> None:
    for text in AMOUNTS:
        scale = 3 if text.endswith("005") else 2
        [(got,)] = con.execute(f"SELECT to_wan(CAST(? AS DECIMAL(18, {scale})))", [text]).fetchall()
        assert got == to_wan(Decimal(text)), text
    assert to_wan(Decimal("14853400.00")) == Decimal("1485.340000")
    assert wan(Decimal("14853400.00")) == Decimal("1485.34") and wan(Decimal("0.01")) == Decimal("0.000001")


def test_views_convert_and_fold_only_through_the_macros() -> None:
    for name, sql in views.view_files().items():
        assert "translate(" not in sql and "0.0001" not in sql, name
    text = "\n".join(views.view_files().values())
    assert "fold_key(" in text and "to_wan(" in text
