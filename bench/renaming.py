"""Linking under heavy renaming: the loader's CPU where new names meet a large unit (round 18's scaling hunt).

Two GENERATED corpora under bench/corpus/ (one department, one unit, 80% of its project names new each later year;
each file labelled GENERATED in its first line): 3,000 projects over 2022-2025, loaded whole; and 1,000 projects over
1996-2025, where the last year is loaded alone into the 29 before it. Linking costs what the new names and their unit
hold, not their product, so both stay a few CPU seconds. Each load runs in this process (the loader's CPU is this
process's; the parsing workers are not counted).

    .venv/bin/python -m bench.renaming            # prints the two loader CPU figures
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
from decimal import Decimal
from pathlib import Path

from bench.corpus import CORPUS_ROOT
from etl.transform.header import GENERATED_MARK

DEPARTMENT = "广州市天河区教育局"
_CHARACTERS = "学校教育经费专项补助维修改造设备购置培训管理服务建设运行保障信息化课程体系实验室图书资料体育艺术卫生"
_ITEM = "1、1-产出指标：11-数量指标：服务人次：实施周期指标值：≥100人次；年度指标值：≥100人次。"


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_CHARACTERS) for _ in range(rng.randint(6, 12))) + rng.choice(("经费", "项目", "资金"))


def _table(year: int, projects: list[tuple[str, Decimal]]) -> str:
    total = sum(amount for _, amount in projects)
    head = [
        f"{GENERATED_MARK} GENERATED data, not a published table (bench.renaming, {year}, {DEPARTMENT})",
        f"{year}年项目支出绩效目标表",
        f"部门名称：{DEPARTMENT}",
        "单位：万元",
        "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标",
        f"合计\t{total:,.2f}\t{total:,.2f}\t\t\t\t",
        f"{DEPARTMENT}\t{total:,.2f}\t{total:,.2f}\t\t\t\t",
    ]
    rows = [f"{n}\t{a:,.2f}\t{a:,.2f}\t\t\t保障{n}正常开展\t{_ITEM}" for n, a in projects]
    return "\n".join(head + rows) + "\n"


def renamed_corpus(
    n_projects: int, years: list[int], share: float = 0.8, seed: int = 18, root: Path = CORPUS_ROOT
) -> Path:
    """bench/corpus/generated-renaming-<n>x<years>: a table a year, ``share`` of the names new in each later one."""
    folder = root / f"generated-renaming-{n_projects}x{len(years)}-seed{seed}"
    if (folder / str(years[-1])).is_dir():
        return folder
    rng = random.Random(seed)
    projects = [(_name(rng), Decimal(rng.randint(100, 99999)) / 100) for _ in range(n_projects)]
    for i, year in enumerate(years):
        if i:
            projects = [(_name(rng) if rng.random() < share else n, a) for n, a in projects]
        projects = list({n: (n, a) for n, a in projects}.values())  # a name printed once a table
        path = folder / str(year) / "d0001-jyj.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_table(year, projects), encoding="utf-8")
    return folder


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def loader_cpu(paths: list[Path], warehouse: Path, before: list[Path] | None = None) -> float:
    """The loader's CPU seconds for loading ``paths`` (after ``before``, loaded first and not counted)."""
    from etl.load.run import run_load

    if before:
        run_load(before, warehouse, batch_size=500, workers=2)
    start = _cpu()
    run_load(paths, warehouse, batch_size=500, workers=2)
    return round(_cpu() - start, 2)


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m bench.renaming", description=__doc__.split("\n\n")[0]).parse_args(argv)
    whole = renamed_corpus(3000, list(range(2022, 2026)))
    history = renamed_corpus(1000, list(range(1996, 2026)))
    years = sorted(p for p in history.iterdir() if p.is_dir())
    with tempfile.TemporaryDirectory(prefix="jixiao-renaming-") as tmp:
        first = loader_cpu([whole], Path(tmp) / "a.duckdb")
        print(f"3,000 projects, 80% renamed a year, 2022-2025, loaded whole: loader {first} CPU s")
        last = loader_cpu(years[-1:], Path(tmp) / "b.duckdb", before=years[:-1])
        print(f"1,000 projects, 80% renamed a year: 2025 loaded into 1996-2024: loader {last} CPU s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
