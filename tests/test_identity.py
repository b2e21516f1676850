"""etl.load.identity on hand-made names: which earlier project a new name continues, and never two at once."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl.load import identity

DEPT = "广州市天河区司法局"


def _names(rows: list[tuple], year: int) -> pd.DataFrame:
    """(key, doc, name[, indicators]) -> new names of one year in the department's own unit."""
    return pd.DataFrame(
        [
            {
                "name_key": r[0],
                "department_name": DEPT,
                "unit_name": DEPT,
                "project_name": r[2],
                "transfer_doc_no": r[1],
                "budget_year": year,
                "indicators": frozenset(r[3]) if len(r) > 3 else None,
            }
            for r in rows
        ]
    )


def _candidates(rows: list[tuple]) -> pd.DataFrame:
    """(project_id, year, doc, name[, indicators]) -> candidate project-years."""
    return pd.DataFrame(
        [
            {
                "project_id": r[0],
                "budget_year": r[1],
                "department_name": DEPT,
                "unit_name": DEPT,
                "project_name": r[3],
                "transfer_doc_no": r[2],
                "indicators": frozenset(r[4]) if len(r) > 4 else None,
            }
            for r in rows
        ]
    )


def _links(new: pd.DataFrame, candidates: pd.DataFrame, aliases: pd.DataFrame | None = None) -> dict:
    out = identity.link_names(new, candidates, aliases)
    return {r.name_key: (None if pd.isna(r.project_id) else int(r.project_id), r.link_method) for r in out.itertuples()}


def test_normalised_forms_link() -> None:
    cands = _candidates(
        [
            (1, 2023, None, "天河区一村（社区）法律顾问公益法律服务工作经费"),
            (2, 2023, None, "天河区司法局政法网设备运维项目(2022-2024年)"),
            (3, 2023, "穗财政【2022】5号", "律师行业政策支持资金"),
            (4, 2023, None, "普法宣传业务经费"),
        ]
    )
    new = _names(
        [
            ("a", None, "天河区一村(社区)法律顾问公益法律服务工作经费"),  # bracket width
            ("b", None, "天河区司法局政法网设备运维项目（2022-2025年）"),  # period changed
            ("c", None, "律师行业政策支持资金"),  # document number removed
            ("d", "穗财政【2023】79号", "普法宣传业务经费（2024-2026年）"),  # document and period added
        ],
        2024,
    )
    assert _links(new, cands) == {
        "a": (1, "normalised"),
        "b": (2, "normalised"),
        "c": (3, "normalised"),
        "d": (4, "normalised"),
    }


def test_transfer_twin_stays_a_project_of_its_own() -> None:
    """2023 printed the project once; 2024 prints it and its 穗财政 twin: the twin is new."""
    cands = _candidates([(1, 2023, None, "专职人民调解服务项目经费"), (1, 2024, None, "专职人民调解服务项目经费")])
    new = _names([("twin", "穗财政【2023】79号", "专职人民调解服务项目经费")], 2024)
    assert _links(new, cands) == {"twin": (None, "new")}


def test_one_project_is_claimed_once_best_first() -> None:
    cands = _candidates([(1, 2023, None, "专职人民调解服务项目经费")])
    new = _names(
        [
            ("doc", "穗财政【2023】79号", "专职人民调解服务项目经费"),
            ("plain", None, "专职人民调解服务项目经费(2024-2026年)"),
        ],
        2024,
    )
    assert _links(new, cands) == {"plain": (1, "normalised"), "doc": (None, "new")}


def test_fuzzy_needs_a_near_name_or_shared_indicators() -> None:
    kept = {"调解工作完成率", "矛盾纠纷案件调解率", "调解协议履行率"}
    cands = _candidates(
        [
            (1, 2023, None, "人民调解案件补贴", kept),
            (2, 2023, None, "法律援助补贴和业务经费", {"法律援助案件数"}),
        ]
    )
    new = _names(
        [
            ("reworded", None, "人民调解案件补助资金", kept),  # near name + same indicators
            ("other", None, "法律援助宣传经费", {"普法宣传场次"}),  # look-alike, other indicators
        ],
        2024,
    )
    links = _links(new, cands)
    assert links["reworded"] == (1, "fuzzy")
    assert links["other"] == (None, "new")


def test_fuzzy_does_not_jump_a_gap_year() -> None:
    kept = {"调解工作完成率", "调解协议履行率"}
    cands = _candidates([(1, 2022, None, "人民调解案件补贴", kept)])
    new = _names([("reworded", None, "人民调解案件补助资金", kept)], 2024)
    assert _links(new, cands) == {"reworded": (None, "new")}


def test_alias_wins_and_can_keep_apart(tmp_path: Path) -> None:
    alias_file = tmp_path / "aliases.csv"
    alias_file.write_text(
        "department_name,name,same_as,note\n"
        f"{DEPT},法制业务经费,律师管理业务经费,analyst: one project\n"
        f"{DEPT},天河区社区矫正中心物业管理服务,,analyst: a new contract\n",
        encoding="utf-8",
    )
    aliases = identity.read_aliases(alias_file)
    cands = _candidates(
        [
            (1, 2023, None, "律师管理业务经费"),
            (2, 2023, None, "法制业务经费"),
            (3, 2023, None, "天河区社区矫正中心物业管理服务(2021-2023年)"),
        ]
    )
    new = _names([("law", None, "法制业务经费"), ("pm", None, "天河区社区矫正中心物业管理服务")], 2024)
    assert _links(new, cands) == {"law": (2, "normalised"), "pm": (3, "normalised")}
    assert _links(new, cands, aliases) == {"law": (1, "alias"), "pm": (None, "kept_apart")}


def test_an_alias_copied_as_printed_with_its_document_after_the_name_links(tmp_path: Path) -> None:
    """The table printed 法律顾问经费（穗财政【2023】79号）: the document is split off (transfer_doc_no), and the linker
    compares document + name. An alias row copied from the table as printed matched nothing (it was compared
    whole); now it is read as the table's row is, and spaced or in either width alike."""
    alias_file = tmp_path / "aliases.csv"
    alias_file.write_text(
        "department_name,name,same_as,note\n"
        f"{DEPT},法律顾问经费（穗财政【2023】79号）,律师 管理业务经费,analyst: one project\n",
        encoding="utf-8",
    )
    aliases = identity.read_aliases(alias_file)
    cands = _candidates([(1, 2023, None, "律师管理业务经费"), (2, 2023, None, "法律援助经费")])
    new = _names([("doc", "穗财政【2023】79号", "法律顾问经费")], 2024)
    assert _links(new, cands, aliases) == {"doc": (1, "alias")}


def test_missing_alias_file_is_empty(tmp_path: Path) -> None:
    assert identity.read_aliases(tmp_path / "none.csv").empty


def _plausible_one_by_one(pool: identity._UnitPool, new: dict, threshold: float) -> list[dict]:
    """The rule _UnitPool.plausible keeps, spelled as it was before its names were scored together: every pooled
    name scored for the one new name, the same normalised name in any year, a near one in adjacent years."""
    import numpy as np
    from rapidfuzz import fuzz, process

    from etl.load.names import CORROBORATED_THRESHOLD, distinctive, normalised, without_funding_word

    a = normalised(new["project_name"])
    x = distinctive(a, pool.department)
    plain = process.cdist([x], pool.plain, scorer=fuzz.ratio, dtype=np.float64)[0]
    loose = process.cdist([without_funding_word(x)], pool.loose, scorer=fuzz.ratio, dtype=np.float64)[0]
    near = (plain >= threshold - 0.01) | (np.maximum(plain, loose) >= CORROBORATED_THRESHOLD - 0.01)
    found = []
    for i, name in enumerate(pool.names):
        if name == a:
            found += pool.rows[name]
        elif near[i]:
            found += [(p, r) for p, r in pool.rows[name] if abs(int(new["budget_year"]) - int(r["budget_year"])) <= 1]
    return [r for _, r in sorted(found, key=lambda pr: pr[0])]


def test_a_unit_s_new_names_scored_together_find_what_one_by_one_finds() -> None:
    """300 GENERATED names of one unit over three years against 300 new ones (reworded, renamed, reprinted with a
    period, new): prepare() in chunks gives each the rows the one-by-one rule gives, in the same order."""
    import random

    rng = random.Random(18)
    words = ["法律", "援助", "社区", "矫正", "普法", "宣传", "调解", "经费", "专项", "工作", "业务", "补助", "维修"]
    bases = ["".join(rng.sample(words, rng.randint(2, 5))) for _ in range(300)]
    rows = [
        {"project_id": i, "budget_year": 2021 + i % 3, "department_name": DEPT, "unit_name": DEPT,
         "project_name": b + ("（2021-2023年）" if i % 7 == 0 else ""), "transfer_doc_no": None}
        for i, b in enumerate(bases)
    ]  # fmt: skip
    pool = identity._UnitPool(rows, DEPT)
    news = [
        {"name_key": f"k{i}", "budget_year": 2024, "project_name": rng.choice([b, b + "经费", b[::-1], "新" + b[1:]])}
        for i, b in enumerate(bases)
    ]
    threshold = identity.FUZZY_THRESHOLD
    pool.prepare(news, threshold)
    assert len(pool._prepared) == len(news)
    for new in news:
        assert pool.plausible(new, threshold) == _plausible_one_by_one(pool, new, threshold)
    assert sum(len(_plausible_one_by_one(pool, n, threshold)) for n in news) > 100  # not a trivial agreement
