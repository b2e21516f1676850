"""Seeded, reproducible generator of realistic 项目支出绩效目标表 text dumps: GENERATED data.

Every file starts with the line ``# jixiao-synth: GENERATED data, not a published table (...)`` and then
reproduces the tab-separated layout of ``data/raw/2024/tianhe-sfj.txt``. A department is generated for a
base year and evolved year to year (projects continue, are dropped, appear, are renamed; budgets move;
targets are raised, lowered, added, removed or reworded). The ground truth of every change is kept in a
manifest. Pure standard library: the same seed gives the same bytes on every machine.

API: ``generate_department_years(department, years, seed) -> list[GeneratedTable]``,
``write_corpus(out_dir, departments, years, seed)`` and ``corpus_of_size(out_dir, n_tables, seed)``, both
writing ``<out_dir>/<year>/<slug>.txt`` plus ``<out_dir>/manifest.json``; CLI:
``python -m tools.synth OUT_DIR --departments N --years 2023 2024 --seed 7`` (or ``--tables N``).

``manifest.json`` holds ``tables`` (one summary per file) and ``departments``; each department lists its
``projects``, each with a stable ``id`` (``d0001-p004``), ``names`` and ``totals`` per year and one
``transitions`` entry per year step it takes part in: ``status`` (new / dropped / continued / renamed),
``rename_kind`` (see RENAME_KINDS), ``name_from``/``name_to``, ``budget_from``/``budget_to``/
``budget_change``/``budget_change_pct``, ``indicators`` (indicator name -> added / removed / unchanged /
raised / lowered / changed) and ``targets`` (name -> {"from", "to"} for the raised, lowered, changed ones).

Conventions: amounts are plain decimal strings in 万元 ("1485.34"); indicator names are given in their
canonical form (full-width brackets and commas) although a half-width row prints them half-width; target
values are annual values without formatting noise (a trailing "。" or the row's bracket width is noise,
not a change). Files end without a final newline, like the sample.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import re
import sys
import time
from bisect import bisect
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from functools import cached_property, lru_cache
from itertools import accumulate, pairwise
from pathlib import Path
from typing import Any, Generic, TypeVar

T = TypeVar("T")

LABEL_PREFIX = "# jixiao-synth:"
TITLE = "项目支出绩效目标表（含转移支付项目）"
HEADER = "项目名称（资金使用单位）\t总计\t财政拨款\t财政专户拨款\t其他资金\t绩效目标\t绩效指标"
UNIT_LINE = "单位：万元"
STATUSES = ("new", "dropped", "continued", "renamed")
RENAME_KINDS = (
    "bracket_width",
    "doc_prefix_added",
    "doc_prefix_removed",
    "period_added",
    "period_changed",
    "wording",
)
CHANGE_CLASSES = ("added", "removed", "unchanged", "raised", "lowered", "changed")
DEFAULT_YEARS = (2022, 2023, 2024, 2025)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# Evolution rates (per project / per indicator and year).
DROP_RATE = 0.07
RENAME_RATE = 0.12
TRANSFER_RATE = 0.09
TWIN_RATE = 0.3
REMOVE_RATE = 0.04
RAISE_RATE = 0.06
LOWER_RATE = 0.035
QUAL_CHANGE_RATE = 0.08
STYLE_REDRAW_RATE = 0.1

# ---------------------------------------------------------------------------------------------------------
# Word lists
# ---------------------------------------------------------------------------------------------------------

DISTRICTS = {
    "越秀": "yuexiu", "海珠": "haizhu", "荔湾": "liwan", "天河": "tianhe", "白云": "baiyun", "黄埔": "huangpu",
    "番禺": "panyu", "花都": "huadu", "南沙": "nansha", "从化": "conghua", "增城": "zengcheng",
}

# bureau -> (slug code, topic keywords)
BUREAUS: dict[str, tuple[str, tuple[str, ...]]] = {
    "司法局": ("sfj", ("法律援助", "社区矫正", "人民调解", "普法宣传", "公共法律服务", "行政复议", "律师管理",
                     "安置帮教")),
    "教育局": ("jyj", ("学前教育", "义务教育", "学生资助", "教师培训", "校园安全", "课后服务", "教育信息化",
                     "特殊教育")),
    "卫生健康局": ("wjj", ("基本公共卫生", "家庭医生签约", "妇幼保健", "疾病预防控制", "爱国卫生",
                         "计划生育奖励", "院前急救", "老年健康")),
    "民政局": ("mzj", ("社会救助", "养老服务", "儿童福利", "社区建设", "殡葬管理", "社会组织",
                     "残疾人两项补贴", "婚姻登记")),
    "人力资源和社会保障局": ("rsj", ("就业创业", "职业技能培训", "劳动保障监察", "劳动人事争议仲裁",
                                  "人才引进", "社会保险", "退休人员管理")),
    "住房和城乡建设局": ("zjj", ("建筑工地安全", "老旧小区改造", "物业管理", "住房保障", "建筑节能",
                              "白蚁防治", "燃气安全")),
    "城市管理和综合执法局": ("cgj", ("环境卫生", "垃圾分类", "市容市貌", "违法建设治理", "户外广告管理",
                                   "公厕管理", "综合执法")),
    "文化广电旅游体育局": ("wgltj", ("公共文化服务", "全民健身", "文物保护", "图书馆", "非遗保护",
                                   "旅游市场监管", "群众文化活动")),
    "市场监督管理局": ("scjgj", ("食品安全", "特种设备安全", "药品监管", "知识产权", "价格监督检查",
                              "计量检定", "消费维权")),
    "农业农村局": ("nyncj", ("动物防疫", "农产品质量安全", "农田水利", "乡村振兴", "耕地保护", "渔业管理")),
    "水务局": ("swj", ("河涌管养", "排水设施", "防汛防旱", "供水保障", "水土保持", "污水处理")),
    "应急管理局": ("yjglj", ("安全生产", "应急救援", "森林防火", "防灾减灾", "危险化学品监管", "应急物资储备")),
    "退役军人事务局": ("tyjrswj", ("优抚对象", "退役军人就业", "双拥工作", "军休服务", "烈士纪念设施")),
    "统计局": ("tjj", ("经济普查", "人口抽样调查", "统计执法", "统计数据质量", "农业普查")),
    "财政局": ("czj", ("预算绩效管理", "财政投资评审", "政府采购监管", "国有资产管理", "会计监督")),
    "审计局": ("sjj", ("审计项目", "经济责任审计", "投资审计", "审计信息化", "内部审计指导")),
    "医疗保障局": ("ybj", ("医保基金监管", "医疗救助", "长期护理保险", "医保经办服务", "医药价格监测")),
    "科技工业商务和信息化局": ("kgxj", ("科技创新", "企业服务", "商贸流通", "招商引资", "高新技术企业培育")),
    "发展和改革局": ("fgj", ("重点项目管理", "价格监测", "粮食储备", "社会信用体系", "能源管理")),
    "政务服务数据管理局": ("zsj", ("政务服务", "数据共享", "一网通办", "政务热线", "电子政务")),
}
STREET_A = "沙石五员林龙新东西南北华天长金凤黄岗江桥湖梅松兰荷元洪"
STREET_B = "河牌山村岗头园湾塘洲口坑岭埔田桥"
STREET_KEYWORDS = ("社区治理", "城市管理", "环境卫生", "综合治理", "安全生产", "来穗人员服务", "长者饭堂",
                   "社区文化", "党群服务", "出租屋管理", "网格化管理")
SCHOOL_KEYWORDS = ("教学教研", "德育", "校园安全", "学生资助", "教师培训", "校舍维修", "智慧校园",
                   "体育艺术", "食堂管理", "课后服务")
GENERIC_KEYWORDS = ("业务管理", "综合服务", "宣传教育", "安全管理", "信息化建设", "队伍建设")

KW_TEMPLATES = (
    "{kw}业务经费", "{kw}工作经费", "{kw}专项经费", "{kw}工作补贴", "{kw}补贴", "购买{kw}服务经费",
    "{kw}服务项目经费", "{kw}宣传经费", "{kw}培训经费", "{kw}专项资金", "{kw}政策支持资金",
    "{area}{kw}工作经费", "{kw}中心物业管理服务", "{kw}设备购置经费", "{kw}信息化建设项目",
    "{kw}场所维修维护费", "{kw}考核评估经费", "{kw}补助资金", "村（社区）{kw}服务经费",
    "{kw}服务（含线上）经费", "{area}{kw}专项整治经费", "{kw}购买服务项目", "{kw}队伍建设经费",
)
GENERIC_PROJECTS = (
    ("机关业务用房维修维护费", "维修维护"), ("业务装备购置经费", "设备购置"), ("办公设备购置经费", "设备购置"),
    ("区管退休干部节日慰问经费", "节日慰问"), ("机关物业管理服务", "物业管理"), ("档案数字化加工经费", "档案数字化"),
    ("党建工作经费", "党建"), ("安全保卫服务经费", "安全保卫"), ("政府购买服务岗位经费", "购买服务岗位"),
)
SYSTEMS = ("政法网设备", "办公自动化系统", "视频会议系统", "门户网站", "网络安全等级保护", "视频监控系统",
           "{kw}管理平台", "{kw}信息系统", "智能化{kw}中心")
WORDING = (
    ("经费", "资金"), ("资金", "经费"), ("工作经费", "经费"), ("业务经费", "工作经费"), ("补贴", "补助"),
    ("补助", "补贴"), ("维修维护", "维护"), ("购置", "采购"), ("服务项目", "服务"), ("宣传", "宣传教育"),
    ("培训", "教育培训"), ("物业管理服务", "物业服务"), ("建设项目", "建设经费"), ("运维项目", "运维服务项目"),
    ("专项整治", "整治"), ("政策支持", "政策扶持"),
)
UNIT_SUFFIXES = ("服务中心", "管理所", "事务中心", "指导中心")
STREET_UNIT_SUFFIXES = ("服务中心", "服务站", "综合保障中心")
CN_ORDINALS = "二三四五六七八九十"

GOAL_PHRASES = (
    "保障{kw}工作正常开展", "进一步提升{kw}服务水平", "为人民群众提供优质、便捷、高效的{kw}服务",
    "完善{kw}工作机制，推动{kw}规范化建设", "切实做好{kw}各项工作，维护社会和谐稳定",
    "加强{kw}队伍建设，提高工作人员业务能力", "按照文件标准落实{kw}相关经费，确保资金使用规范",
    "通过购买服务方式，充实{kw}工作力量", "推动{kw}工作提质增效", "确保{kw}项目按期完成并通过验收",
    "营造良好的{kw}工作环境", "加大{kw}宣传力度，提高群众知晓率", "严格落实{kw}监管责任",
    "及时发放{kw}相关补贴，保障对象权益落实到位",
)
GOAL_TAILS = (
    "达到规范化建设的标准。", "切实把矛盾解决在基层。", "进一步增强群众获得感和满意度。",
    "为全区经济社会高质量发展提供有力保障。", "确保各项业务工作顺利开展。",
)

L1_NAMES = {1: "产出指标", 2: "效益指标", 3: "满意度指标"}
L2_NAMES = {11: "数量指标", 12: "质量指标", 13: "时效指标", 21: "经济效益", 22: "社会效益", 24: "可持续影响",
            31: "服务对象满意度"}
L2_CODES = (11, 12, 13, 21, 22, 24, 31)
L2_WEIGHTS = (42, 20, 9, 2, 19, 2, 6)
N_INDICATORS = (2, 3, 4, 5, 6, 7, 8, 9, 11)
N_INDICATOR_WEIGHTS = (4, 14, 25, 24, 12, 10, 6, 3, 2)

# (name template, target kinds, unit, low, high)
Entry = tuple[str, tuple[str, ...], str, int, int]
CATALOG: dict[int, tuple[Entry, ...]] = {
    11: (
        ("{kw}工作完成率", ("pct100", "rate_text"), "", 0, 0),
        ("{kw}覆盖率", ("pct100", "ge_pct"), "", 80, 95),
        ("开展{kw}宣传活动（场次）", ("ge_count", "not_less"), "场", 1, 30),
        ("组织{kw}培训（场次）", ("ge_count", "count"), "场次", 1, 6),
        ("{kw}人员配置数量", ("count",), "人", 2, 20),
        ("{kw}服务人次", ("not_less", "ge_count"), "人次", 100, 5000),
        ("办理{kw}案件数（宗）", ("not_less",), "宗", 50, 500),
        ("{kw}活动次数", ("count", "more_than"), "次", 1, 4),
        ("实施{kw}项目（个数）", ("ge_count", "count"), "个", 1, 10),
        ("{kw}检查次数", ("not_less",), "次", 10, 2000),
        ("{kw}工单处理率", ("pct100", "ge_pct"), "", 90, 95),
        ("{kw}台账建档率", ("pct100",), "", 0, 0),
        ("发放{kw}补贴人数", ("ge_count", "count"), "人", 10, 800),
        ("{kw}政策宣传覆盖率", ("pct100", "ge_pct"), "", 85, 95),
        ("{kw}资金到位率", ("pct100",), "", 0, 0),
        ("预算执行率", ("pct100", "ge_pct"), "", 90, 95),
    ),
    12: (
        ("{kw}验收合格率", ("pct100",), "", 0, 0),
        ("采购程序的规范性", ("q:standard",), "", 0, 0),
        ("{kw}考核合格率（%）", ("ge_num",), "", 85, 95),
        ("{kw}补贴发放合规性", ("pct100", "q:standard"), "", 0, 0),
        ("{kw}服务质量", ("q:grade", "q:standard"), "", 0, 0),
        ("{kw}资料归档完整率", ("ge_pct", "pct100"), "", 85, 95),
        ("{kw}工作规范性", ("q:standard",), "", 0, 0),
        ("{kw}项目评估等级", ("q:grade",), "", 0, 0),
        ("{kw}数据准确率", ("ge_pct", "gt_pct"), "", 90, 95),
    ),
    13: (
        ("{kw}完成及时性", ("q:timely",), "", 0, 0),
        ("{kw}问题响应时间", ("le_hours",), "", 0, 0),
        ("资金拨付及时率", ("pct100",), "", 0, 0),
        ("{kw}事项办结时限", ("days",), "", 0, 0),
    ),
    21: (
        ("{kw}相关产业营收增长率", ("q:improve",), "", 0, 0),
        ("节约{kw}运行成本", ("ge_count",), "%", 5, 15),
        ("带动{kw}社会投资", ("q:improve",), "", 0, 0),
    ),
    22: (
        ("保障机构正常运行", ("q:run", "q:standard"), "", 0, 0),
        ("{kw}知晓率", ("ge_pct", "nl_pct"), "", 60, 90),
        ("{kw}投诉率", ("below_pct",), "", 0, 0),
        ("{kw}案件败诉率", ("below_pct",), "", 0, 0),
        ("提升{kw}工作水平", ("q:improve",), "", 0, 0),
        ("{kw}工作年度考核（等级）", ("q:grade",), "", 0, 0),
        ("{kw}群众受益率", ("ge_pct",), "", 80, 95),
        ("全年{kw}矛盾纠纷排查次数", ("not_less",), "次", 200, 2000),
    ),
    24: (
        ("提升{kw}的影响力", ("q:long",), "", 0, 0),
        ("{kw}长效机制建设", ("q:long", "q:improve"), "", 0, 0),
        ("{kw}工作可持续运行", ("q:long",), "", 0, 0),
    ),
    31: (
        ("{kw}服务对象满意度", ("ge_pct", "gt_pct"), "", 80, 95),
        ("群众满意度", ("ge_pct",), "", 85, 95),
        ("服务对象满意度", ("ge_pct", "gt_pct"), "", 85, 95),
        ("{kw}服务满意度", ("ge_pct", "nl_pct"), "", 80, 95),
        ("{kw}对象满意度", ("ge_pct", "pct100"), "", 85, 95),
    ),
}
# Indicator sets that belong to the generic projects (kw of GENERIC_PROJECTS and the 运维 projects).
PRESETS: dict[str, tuple[tuple[int, Entry], ...]] = {
    "信息化运维": (
        (11, ("信息化运维工作完成率", ("pct100",), "", 0, 0)), (11, ("设备运维频率", ("more_than",), "次", 1, 2)),
        (13, ("设备维护及时性", ("q:timely",), "", 0, 0)), (13, ("故障响应时间", ("le_hours",), "", 0, 0)),
        (22, ("信息化系统正常运行率", ("pct100", "ge_pct"), "", 95, 95)),
    ),
    "设备购置": (
        (11, ("设备购置完成率", ("pct100",), "", 0, 0)), (12, ("办公设备购置验收合格率", ("pct100",), "", 0, 0)),
        (12, ("采购程序的规范性", ("q:standard",), "", 0, 0)), (22, ("办公设备投入使用率", ("pct100",), "", 0, 0)),
        (22, ("保障机构正常运行", ("q:standard",), "", 0, 0)),
    ),
    "节日慰问": (
        (11, ("慰问人次", ("count",), "人", 5, 60)), (11, ("慰问完成率", ("pct100",), "", 0, 0)),
        (11, ("慰问活动次数", ("count",), "次", 1, 4)), (31, ("慰问对象满意度", ("pct100", "ge_pct"), "", 90, 95)),
    ),
    "维修维护": (
        (11, ("工程量完成率", ("pct100",), "", 0, 0)), (12, ("已完工程验收合格率", ("pct100",), "", 0, 0)),
        (13, ("工程完成及时性", ("q:timely",), "", 0, 0)), (13, ("维护维修及时性", ("q:timely",), "", 0, 0)),
        (22, ("保障机构正常运行", ("q:standard",), "", 0, 0)),
    ),
    "物业管理": (
        (11, ("水电保障率", ("pct100",), "", 0, 0)), (22, ("服务完成率", ("pct100",), "", 0, 0)),
        (22, ("保障机构正常运行", ("q:standard", "q:run"), "", 0, 0)),
        (31, ("物业服务满意度", ("ge_pct",), "", 85, 95)),
    ),
}
NEUTRAL = tuple((c, e) for c, entries in CATALOG.items() for e in entries if "{kw}" not in e[0])
QUAL: dict[str, tuple[str, ...]] = {
    "timely": ("及时", "及时完成", "按时完成"),
    "standard": ("达标", "符合规范", "符合标准", "符合文件标准", "合格"),
    "grade": ("良好以上", "合格以上", "优秀", "良好"),
    "long": ("长期", "长期有效", "持续发挥作用"),
    "improve": ("逐步提升", "有效提升", "明显提升", "力争正增长"),
    "run": ("正常运行", "运行良好，评估达标", "稳定运行", "通过考核"),
}
PCT_FORMATS = {"ge_pct": "≥{}%", "gt_pct": "＞{}%", "ge_num": "≥{}", "nl_pct": "不低于{}%"}
FIXED_TARGETS = {"le_hours": ("≤{}小时", (2, 4, 12, 24, 48)), "days": ("{}个工作日以内", (3, 5, 10, 15))}
RATE_TEXTS = ("完成率{}%", "法定期限办结率{}%", "达{}%")
NOT_LESS = ("不少于{}", "每年不少于{}", "全年不少于{}", "至少{}")
HALF = str.maketrans({"（": "(", "）": ")"})
FULL = str.maketrans({"(": "（", ")": "）"})


# ---------------------------------------------------------------------------------------------------------
# Data model
# ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
    """A department: its printed name, file slug and the vocabulary its projects draw on."""

    index: int
    name: str
    slug: str
    org: str
    area: str
    keywords: tuple[str, ...]
    unit_prefix: str
    unit_suffixes: tuple[str, ...]
    max_units: int = 3

    @property
    def code(self) -> str:
        return f"d{self.index:04d}"


@dataclass(frozen=True)
class GeneratedTable:
    """One generated table: where it goes, its text and the ground truth behind it."""

    year: int
    department: str
    slug: str
    file_name: str
    text: str
    manifest: dict[str, Any]

    @property
    def relpath(self) -> str:
        return f"{self.year}/{self.file_name}"


@dataclass(frozen=True)
class Amounts:
    fiscal: Decimal = ZERO
    special: Decimal = ZERO
    other: Decimal = ZERO

    @property
    def total(self) -> Decimal:
        return self.fiscal + self.special + self.other

    def __add__(self, o: Amounts) -> Amounts:
        return Amounts(self.fiscal + o.fiscal, self.special + o.special, self.other + o.other)


@dataclass(frozen=True)
class Target:
    """An annual target value: a format with one ``{}`` for the number, or a plain qualitative text."""

    fmt: str
    n: int | None = None
    better: int = 0  # +1: a higher number is more demanding, -1: a lower one is, 0: qualitative
    step: str = ""  # pct | count | halve
    group: str = ""

    @cached_property
    def text(self) -> str:
        return self.fmt if self.n is None else self.fmt.replace("{}", str(self.n))


@dataclass
class Indicator:
    l2: int
    name: str
    target: Target
    period_prefix: str = ""
    no_annual: bool = False
    misparent: bool = False
    period_text: str | None = None  # a period target of its own (the audit's planted faults), else prefix + annual
    type_label: str | None = None  # the types as printed, "{c}" for the colon: "1-产出指标{c}14-成本指标"

    @property
    def period(self) -> str:
        return self.period_text if self.period_text is not None else self.period_prefix + self.target.text


@dataclass
class Project:
    pid: str
    unit: str
    kw: str
    base: str
    goal: str
    amounts: Amounts
    style: str
    indicators: list[Indicator] = field(default_factory=list)
    used: set[str] = field(default_factory=set)
    doc: str = ""
    period: tuple[int, int] | None = None
    narrow_name: bool = False
    twin_of: str | None = None
    twinned: bool = False

    @property
    def shown_base(self) -> str:
        return self.base.translate(HALF) if self.narrow_name else self.base

    @property
    def name(self) -> str:
        suffix = ""
        if self.period:
            s, e = self.period
            suffix = f"({s}-{e}年)" if self.narrow_name else f"（{s}-{e}年）"
        return f"{self.doc}{self.shown_base}{suffix}"


@dataclass
class _State:
    profile: Profile
    seed: int
    rng: random.Random
    units: list[str]
    projects: list[Project] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)
    deck: list[str] = field(default_factory=list)
    counter: int = 0


@dataclass(frozen=True)
class RowFormat:
    wide: bool
    p: bool
    colon: str
    semi: str
    vcolon: str


class Weighted(Generic[T]):
    """A weighted choice with precomputed cumulative weights (``random.choices`` is slow for one pick)."""

    def __init__(self, items: Sequence[T], weights: Sequence[float]) -> None:
        self.items = tuple(items)
        self.cum = tuple(accumulate(weights))

    def pick(self, rng: random.Random) -> T:
        return self.items[bisect(self.cum, rng.random() * self.cum[-1])]


FORMATS = {
    "wide": RowFormat(True, False, "：", "；", ":"),
    "narrow": RowFormat(False, False, ": ", "; ", ":"),
    "p": RowFormat(True, True, "：", "；", "："),
}
STYLES = Weighted(("wide", "narrow", "p"), (45, 40, 15))
L2_PICK = Weighted(L2_CODES, L2_WEIGHTS)
N_INDICATORS_PICK = Weighted(N_INDICATORS, N_INDICATOR_WEIGHTS)
N_ADDED_PICK = Weighted((0, 1, 2), (78, 18, 4))


# ---------------------------------------------------------------------------------------------------------
# Departments
# ---------------------------------------------------------------------------------------------------------


def label_line(seed: int, year: int, department: str) -> str:
    """The first line of every generated file."""
    return (f"{LABEL_PREFIX} GENERATED data, not a published table "
            f"(seed={seed}, year={year}, department={department})")


def department_names(n: int, seed: int) -> list[str]:
    """``n`` distinct department names: district bureaus first, then street offices and schools."""
    rng = random.Random(f"jixiao-synth-departments|{seed}")
    bureaus = [f"广州市{d}区{b}" for d in DISTRICTS for b in BUREAUS]
    rng.shuffle(bureaus)
    if n <= len(bureaus):
        return bureaus[:n]
    others = [f"广州市{d}区{a}{b}街道办事处" for d in DISTRICTS for a in STREET_A for b in STREET_B]
    others += [f"广州市{d}区第{k}中学" for d in DISTRICTS for k in range(1, 31)]
    rng.shuffle(others)
    names = bureaus + others
    k = 31
    while len(names) < n:
        names += [f"广州市{d}区第{k}中学" for d in DISTRICTS]
        k += 1
    return names[:n]


def department_profiles(n: int, seed: int) -> list[Profile]:
    """Profiles for ``n`` departments, numbered from 1."""
    return [profile_for(name, i) for i, name in enumerate(department_names(n, seed), 1)]


def profile_for(name: str, index: int = 1) -> Profile:
    """Derive a department's vocabulary and ASCII slug from its name (any name is accepted)."""
    m = re.fullmatch(r"广州市(..)区(.+)", name)
    if not m or m.group(1) not in DISTRICTS:
        org = name.removeprefix("广州市")
        return Profile(index, name, f"d{index:04d}-dept", org, "全区", GENERIC_KEYWORDS, name, UNIT_SUFFIXES)
    district, rest = m.groups()
    py = DISTRICTS[district]
    slug = f"d{index:04d}-{py}"
    if rest in BUREAUS:
        code, kws = BUREAUS[rest]
        return Profile(index, name, f"{slug}-{code}", f"{district}区{rest}", f"{district}区", kws,
                       f"广州市{district}区", UNIT_SUFFIXES)
    street = re.fullmatch(r"(.)(.)街道办事处", rest)
    if street and street.group(1) in STREET_A and street.group(2) in STREET_B:
        a, b = street.groups()
        code = f"jd{STREET_A.index(a):02d}{STREET_B.index(b):02d}"
        return Profile(index, name, f"{slug}-{code}", f"{district}区{a}{b}街", f"{a}{b}街", STREET_KEYWORDS,
                       f"广州市{district}区{a}{b}街", STREET_UNIT_SUFFIXES, max_units=2)
    school = re.fullmatch(r"第(\d+)中学", rest)
    if school:
        return Profile(index, name, f"{slug}-zx{school.group(1)}", f"{district}区{rest}", "全校",
                       SCHOOL_KEYWORDS, name, UNIT_SUFFIXES, max_units=1)
    return Profile(index, name, f"{slug}-x", f"{district}区{rest}", f"{district}区", GENERIC_KEYWORDS,
                   f"广州市{district}区", UNIT_SUFFIXES)


def _draw_units(prof: Profile, rng: random.Random) -> list[str]:
    n = min(prof.max_units, rng.choices((1, 2, 3), (70, 20, 10))[0])
    units = [prof.name]
    for kw in rng.sample(prof.keywords, len(prof.keywords)):
        if len(units) >= n:
            break
        units.append(f"{prof.unit_prefix}{kw}{rng.choice(prof.unit_suffixes)}")
    return units


# ---------------------------------------------------------------------------------------------------------
# Targets and indicators
# ---------------------------------------------------------------------------------------------------------


def _nice(n: int) -> int:
    """Round to two significant digits from 100 up, the way budget targets are written."""
    if n < 100:
        return n
    mag = 10 ** (len(str(n)) - 2)
    return int(n / mag + 0.5) * mag


def _make_target(kind: str, unit: str, lo: int, hi: int, rng: random.Random) -> Target:
    if kind.startswith("q:"):
        group = kind[2:]
        return Target(rng.choice(QUAL[group]), group=group)
    if kind == "pct100":
        return Target("{}%", 100, 1, "pct")
    if kind == "rate_text":
        return Target(rng.choice(RATE_TEXTS), 100, 1, "pct")
    if kind in PCT_FORMATS:
        return Target(PCT_FORMATS[kind], rng.choice(range(lo, hi + 1, 5)), 1, "pct")
    if kind == "below_pct":
        return Target("{}%以下", rng.choice((5, 10, 15, 20)), -1, "pct")
    if kind in FIXED_TARGETS:
        fmt, values = FIXED_TARGETS[kind]
        return Target(fmt, rng.choice(values), -1, "halve")
    fmt = {"ge_count": "≥{}", "count": "{}", "more_than": "{}"}.get(kind) or rng.choice(NOT_LESS)
    fmt += unit + ("以上" if kind == "more_than" else "")
    return Target(fmt, _nice(rng.randint(lo, hi)), 1, "count")


def _step_number(t: Target, grow: bool) -> int | None:
    n = t.n or 0
    if t.step == "pct":
        m = min(100, n + 5) if grow else n - 5
        return m if 1 <= m <= 100 else None
    if t.step == "halve":
        return n * 2 if grow else (n // 2 if n > 1 else None)
    delta = max(1, round(n * (0.25 if grow else 0.2)))
    m = n + delta if grow else n - delta
    return _nice(m) if m >= 1 else None


def shift_target(t: Target, up: bool) -> Target | None:
    """The target made more demanding (``up``) or less demanding, or None when it cannot move."""
    if t.n is None:
        return None
    n = _step_number(t, (t.better > 0) == up)
    if n is None or n == t.n:
        return None
    fmt = t.fmt
    if fmt == "{}%" and n < 100:
        fmt = "≥{}%"
    elif fmt == "≥{}%" and n == 100:
        fmt = "{}%"
    return replace(t, fmt=fmt, n=n)


def _evolve_target(t: Target, rng: random.Random) -> tuple[str, Target]:
    r = rng.random()
    if t.n is None:
        if r < QUAL_CHANGE_RATE:
            return "changed", replace(t, fmt=rng.choice([x for x in QUAL[t.group] if x != t.fmt]))
        return "unchanged", t
    if r < RAISE_RATE + LOWER_RATE:
        up = r < RAISE_RATE
        new = shift_target(t, up)
        if new is not None:
            return ("raised" if up else "lowered"), new
    return "unchanged", t


def _build_indicator(code: int, entry: Entry, kw: str, rng: random.Random) -> Indicator:
    tpl, kinds, unit, lo, hi = entry
    target = _make_target(rng.choice(kinds), unit, lo, hi, rng)
    prefix = "年均" if target.fmt.startswith("{}") and target.step == "count" and rng.random() < 0.2 else ""
    misparent = code == 31 and rng.random() < 0.15
    return Indicator(code, _tidy(tpl.format(kw=kw)), target, prefix, rng.random() < 0.005, misparent)


def _draw_indicator(kw: str, used: set[str], rng: random.Random, l2: int | None = None) -> Indicator | None:
    """A new indicator for a project on topic ``kw`` whose name the project never used."""
    if kw in PRESETS:
        # the generic projects keep to their own indicators, then to names that fit any project
        preset = [(c, e) for c, e in PRESETS[kw] if e[0] not in used]
        code, entry = rng.choice(preset if preset and rng.random() < 0.85 else NEUTRAL)
        name = entry[0]
        if name not in used:
            used.add(name)
            return _build_indicator(code, entry, kw, rng)
        return None
    for _ in range(12):
        code = l2 or L2_PICK.pick(rng)
        entry = rng.choice(CATALOG[code])
        name = _tidy(entry[0].format(kw=kw))
        if name not in used:
            used.add(name)
            return _build_indicator(code, entry, kw, rng)
    return None


def _draw_indicators(kw: str, used: set[str], rng: random.Random) -> list[Indicator]:
    n = N_INDICATORS_PICK.pick(rng)
    if kw in PRESETS:
        n = min(n, len(PRESETS[kw]) + 1)
    out = [_draw_indicator(kw, used, rng, 11 if i == 0 else None) for i in range(n)]
    return sorted((i for i in out if i is not None), key=lambda i: i.l2)


def _insert_indicator(p: Project, ind: Indicator) -> None:
    pos = next((i for i, x in enumerate(p.indicators) if x.l2 > ind.l2), len(p.indicators))
    p.indicators.insert(pos, ind)


def _evolve_indicators(p: Project, rng: random.Random) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    classes: dict[str, str] = {}
    targets: dict[str, dict[str, str]] = {}
    kept: list[Indicator] = []
    left = len(p.indicators)
    for ind in p.indicators:
        if left > 1 and rng.random() < REMOVE_RATE:
            left -= 1
            classes[ind.name] = "removed"
            continue
        cls, new = _evolve_target(ind.target, rng)
        if cls != "unchanged":
            targets[ind.name] = {"from": ind.target.text, "to": new.text}
            ind.target = new
        classes[ind.name] = cls
        kept.append(ind)
    p.indicators = kept
    for _ in range(N_ADDED_PICK.pick(rng)):
        ind = _draw_indicator(p.kw, p.used, rng)
        if ind is not None:
            _insert_indicator(p, ind)
            classes[ind.name] = "added"
    return classes, targets


# ---------------------------------------------------------------------------------------------------------
# Projects
# ---------------------------------------------------------------------------------------------------------


DOUBLED = re.compile(r"(宣传|培训|服务|管理|监管|建设|教育|补贴|项目)\1")


@lru_cache(maxsize=1 << 16)
def _tidy(text: str) -> str:
    """普法宣传宣传经费 -> 普法宣传经费: a keyword ending like its template's next word is written once."""
    return DOUBLED.sub(r"\1", text)


def _norm(base: str) -> str:
    return base.translate(FULL)


def _doc(rng: random.Random, year: int) -> str:
    return f"穗财政【{year - 1}】{rng.randint(1, 199)}号"


def _goal(kw: str, rng: random.Random) -> str:
    phrases = rng.sample(GOAL_PHRASES, rng.choice((1, 2, 2, 3)))
    text = _tidy("，".join(p.format(kw=kw) for p in phrases) + "。")
    return text + rng.choice(GOAL_TAILS) if rng.random() < 0.35 else text


def _quantum(r: float, x: Decimal) -> Decimal:
    """Budgets are often whole or one-decimal 万元: pick the rounding step from a uniform draw ``r``."""
    if r < 0.4 and x >= 5:
        return Decimal(1)
    return Decimal("0.1") if r < 0.55 else CENT


def _round_amount(x: Decimal, q: Decimal) -> Decimal:
    return max(CENT, x.quantize(q, ROUND_HALF_UP)).quantize(CENT)


def _draw_amounts(rng: random.Random) -> Amounts:
    x = Decimal(f"{max(0.5, math.exp(rng.gauss(3.2, 1.3))):.2f}")
    total = _round_amount(x, _quantum(rng.random(), x))
    r = rng.random()
    if r < 0.86:
        return Amounts(total)
    if r < 0.97:
        part = _round_amount(total * Decimal(f"{rng.uniform(0.1, 0.5):.3f}"), CENT)
        if part >= total:
            return Amounts(total)
        return Amounts(total - part, other=part) if r < 0.93 else Amounts(total - part, special=part)
    return Amounts(special=total)


def _move_amounts(a: Amounts, rng: random.Random) -> Amounts:
    """The same project next year: unchanged, or every funding column scaled by one factor in -30%..+30%."""
    if rng.random() < 0.15:
        return a
    factor = Decimal(f"{1 + rng.uniform(-0.3, 0.3):.4f}")
    r = rng.random()

    def move(x: Decimal) -> Decimal:
        if not x:
            return ZERO
        y = _round_amount(x * factor, _quantum(r, x * factor))
        # rounding (to whole 万元 or to the cent) must not push the change outside -30%..+30%
        lo = (x * Decimal("0.7")).quantize(CENT, ROUND_CEILING)
        hi = (x * Decimal("1.3")).quantize(CENT, ROUND_FLOOR)
        return y if lo <= y <= hi else min(max(_round_amount(x * factor, CENT), lo), hi)

    return Amounts(move(a.fiscal), move(a.special), move(a.other))


def _candidate_base(prof: Profile, year: int, rng: random.Random) -> tuple[str, str, tuple[int, int] | None]:
    r = rng.random()
    if r < 0.1:
        base, kw = rng.choice(GENERIC_PROJECTS)
        return kw, base, None
    kw = rng.choice(prof.keywords)
    if r < 0.22:
        start = year - rng.randint(0, 2)
        system = rng.choice(SYSTEMS).format(kw=kw)
        base = _tidy(f"{prof.org}{system}运维项目")
        return "信息化运维", base, (start, max(year, start + rng.randint(2, 3)))
    base = _tidy(rng.choice(KW_TEMPLATES).format(kw=kw, area=prof.area))
    return kw, base, ((year, year + rng.randint(1, 3)) if rng.random() < 0.04 else None)


def _draw_base(st: _State, year: int) -> tuple[str, str, tuple[int, int] | None]:
    for _ in range(60):
        kw, base, period = _candidate_base(st.profile, year, st.rng)
        if _norm(base) not in st.taken:
            break
    k = 0
    while _norm(base) in st.taken:
        ordinal = CN_ORDINALS[k] if k < len(CN_ORDINALS) else str(k + 2)
        base, k = f"{base.split('（第')[0]}（第{ordinal}期）", k + 1
    st.taken.add(_norm(base))
    return kw, base, period


def _twin_partner(st: _State, unit: str) -> Project | None:
    pool = [q for q in st.projects if q.unit == unit and not q.doc and not q.twinned]
    return st.rng.choice(pool) if pool else None


def _new_project(st: _State, year: int, unit: str) -> Project:
    rng = st.rng
    transfer = rng.random() < TRANSFER_RATE
    partner = _twin_partner(st, unit) if transfer and rng.random() < TWIN_RATE else None
    if partner is not None:
        kw, base, period = partner.kw, partner.base, None
    else:
        kw, base, period = _draw_base(st, year)
    st.counter += 1
    style = STYLES.pick(rng)
    narrow = rng.random() < (0.7 if period else 0.3)
    p = Project(f"{st.profile.code}-p{st.counter:03d}", unit, kw, base, _goal(kw, rng), _draw_amounts(rng),
                style, doc=_doc(rng, year) if transfer else "", period=period, narrow_name=narrow)
    p.indicators = _draw_indicators(kw, p.used, rng)
    if partner is not None:
        p.twin_of, p.twinned, partner.twinned = partner.pid, True, True
    return p


def _pick_unit(st: _State) -> str:
    weights = (4, 1, 1)[: len(st.units)]
    return st.rng.choices(st.units, weights)[0]


def _insert_new(st: _State, year: int) -> Project:
    p = _new_project(st, year, _pick_unit(st))
    st.projects.insert(st.rng.randint(0, len(st.projects)), p)
    return p


# ---------------------------------------------------------------------------------------------------------
# Renames
# ---------------------------------------------------------------------------------------------------------


def _eligible(p: Project, kind: str) -> bool:
    if kind == "bracket_width":
        return "（" in p.base or p.period is not None
    if kind in ("doc_prefix_added", "doc_prefix_removed"):
        return not p.twinned and (kind == "doc_prefix_removed") == bool(p.doc)
    if kind == "period_added":
        return p.period is None
    if kind == "period_changed":
        return p.period is not None
    return True


def _draw_rename(st: _State, alive: list[Project], plan: dict[str, str]) -> tuple[str, Project] | None:
    """Deal the next rename kind that some project can take (a shuffled deck keeps every kind in play)."""
    for attempt in range(2):
        if not st.deck or attempt > 0:
            fresh = list(RENAME_KINDS)
            st.rng.shuffle(fresh)
            st.deck.extend(fresh)
        for i, kind in enumerate(st.deck):
            pool = [p for p in alive if p.pid not in plan and _eligible(p, kind)]
            if pool:
                del st.deck[i]
                return kind, st.rng.choice(pool)
    return None


def _plan_renames(st: _State, alive: list[Project], year: int) -> dict[str, str]:
    plan = {p.pid: "period_changed" for p in alive if p.period and p.period[1] < year}
    for _ in range(max(1, sum(st.rng.random() < RENAME_RATE for _ in alive))):
        drawn = _draw_rename(st, alive, plan)
        if drawn is None:
            break
        plan[drawn[1].pid] = drawn[0]
    return plan


def _reword(st: _State, p: Project) -> bool:
    options = [(a, b) for a, b in WORDING if a in p.base]
    st.rng.shuffle(options)
    candidates = [_tidy(p.base.replace(a, b, 1)) for a, b in options]
    candidates.append(p.base[:-2] + "专项" + p.base[-2:] if len(p.base) > 4 else p.base + "项目")
    for cand in candidates:
        if cand != p.base and _norm(cand) not in st.taken:
            st.taken.add(_norm(cand))
            p.base = cand
            return True
    return False


def _apply_rename(st: _State, p: Project, kind: str, year: int) -> bool:
    rng = st.rng
    if kind == "bracket_width":
        p.narrow_name = not p.narrow_name
    elif kind == "doc_prefix_added":
        p.doc = _doc(rng, year)
    elif kind == "doc_prefix_removed":
        p.doc = ""
    elif kind == "period_added":
        p.period = (year, year + rng.randint(2, 3))
    elif kind == "period_changed" and p.period is not None:
        s, e = p.period
        p.period = (year, year + rng.randint(2, 3)) if e < year else (s, e + rng.randint(1, 2))
    else:
        return _reword(st, p)
    return True


# ---------------------------------------------------------------------------------------------------------
# Evolution and manifest entries
# ---------------------------------------------------------------------------------------------------------


def _money(d: Decimal | None) -> str | None:
    return None if d is None else str(d.quantize(CENT))


def _entry(pid: str, status: str, kind: str | None, names: tuple[str | None, str | None],
           budgets: tuple[Decimal | None, Decimal | None], classes: dict[str, str],
           targets: dict[str, dict[str, str]]) -> dict[str, Any]:
    b0, b1 = budgets
    change = (b1 or ZERO) - (b0 or ZERO)
    pct = None if not b0 else str((change * 100 / b0).quantize(CENT, ROUND_HALF_UP))
    return {"id": pid, "status": status, "rename_kind": kind, "name_from": names[0], "name_to": names[1],
            "budget_from": _money(b0), "budget_to": _money(b1), "budget_change": _money(change),
            "budget_change_pct": pct, "indicators": classes, "targets": targets}


def _carry_over(st: _State, p: Project, kind: str | None, year: int) -> dict[str, Any]:
    name_from, budget_from = p.name, p.amounts.total
    done = kind if kind and _apply_rename(st, p, kind, year) else None
    p.amounts = _move_amounts(p.amounts, st.rng)
    classes, targets = _evolve_indicators(p, st.rng)
    if st.rng.random() < STYLE_REDRAW_RATE:
        p.style = STYLES.pick(st.rng)
    status = "renamed" if done else "continued"
    return _entry(p.pid, status, done, (name_from, p.name), (budget_from, p.amounts.total), classes, targets)


def _n_new(rng: random.Random, n_alive: int, n_dropped: int) -> int:
    n = n_dropped + rng.choice((-1, 0, 0, 1, 1, 2))
    n += (n_alive < 15) - (n_alive > 30)
    return max(n, 8 - n_alive, 0)


def _evolve(st: _State, year: int) -> list[dict[str, Any]]:
    """Move the department one budget year on; return the transition entry of every project involved."""
    rng = st.rng
    entries: list[dict[str, Any]] = []
    alive: list[Project] = []
    for p in st.projects:
        expired = p.period is not None and p.period[1] < year
        if len(st.projects) - len(entries) > 4 and rng.random() < (0.5 if expired else DROP_RATE):
            removed = {i.name: "removed" for i in p.indicators}
            entries.append(_entry(p.pid, "dropped", None, (p.name, None), (p.amounts.total, None), removed, {}))
        else:
            alive.append(p)
    plan = _plan_renames(st, alive, year)
    entries += [_carry_over(st, p, plan.get(p.pid), year) for p in alive]
    st.projects = alive
    for _ in range(_n_new(rng, len(alive), len(entries) - len(alive))):
        p = _insert_new(st, year)
        added = {i.name: "added" for i in p.indicators}
        entries.append(_entry(p.pid, "new", None, (None, p.name), (None, p.amounts.total), added, {}))
    return sorted(entries, key=lambda e: e["id"])


def _init_state(prof: Profile, year: int, seed: int) -> _State:
    rng = random.Random(f"jixiao-synth|{seed}|{prof.name}")
    st = _State(prof, seed, rng, _draw_units(prof, rng))
    # the first deck of rename kinds is rotated by the department number, so that a few departments
    # already show every kind of rename; later decks are shuffled
    k = (prof.index - 1) % len(RENAME_KINDS)
    st.deck = list(RENAME_KINDS[k:] + RENAME_KINDS[:k])
    for _ in range(rng.randint(10, 34)):
        st.projects.append(_new_project(st, year, _pick_unit(st)))
    return st


# ---------------------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------------------


def format_amount(d: Decimal) -> str:
    """万元 with two decimals and thousands separators; an empty cell for zero, as in the sample."""
    return "" if not d else f"{d:,.2f}"


@lru_cache(maxsize=1 << 16)
def _narrow(text: str) -> str:
    return text.translate(HALF).replace("，", ", ").replace("；", "; ")


def _render_indicator(i: int, ind: Indicator, fmt: RowFormat, rng: random.Random) -> str:
    l1 = 2 if ind.misparent else ind.l2 // 10
    sep2 = fmt.semi if rng.random() < (0.8 if ind.l2 == 31 else 0.01) else fmt.colon
    name, period, annual = ind.name, ind.period, ind.target.text
    if not fmt.wide:
        name, period, annual = _narrow(name), _narrow(period), _narrow(annual)
        if name.endswith(")") and rng.random() < 0.05:
            name += " "
    types = f"{l1}-{L1_NAMES[l1]}{fmt.colon}{ind.l2}-{L2_NAMES[ind.l2]}" if not ind.type_label else ""
    types = types or ind.type_label.format(c=fmt.colon)
    head = f"{i}、{types}{sep2}{name}{fmt.semi}实施周期指标值"
    if ind.no_annual:
        return f"{head}{fmt.vcolon}{period}。"
    dot = "。" if rng.random() < (0.06 if ind.target.n is None else 0.01) else ""
    return f"{head}{fmt.vcolon}{period}{dot}{fmt.semi}年度指标值{fmt.vcolon}{annual}。"


def _amount_cells(a: Amounts) -> str:
    return "\t".join(format_amount(x) for x in (a.total, a.fiscal, a.special, a.other))


def _render_project(p: Project, rng: random.Random) -> str:
    fmt = FORMATS[p.style]
    items = [_render_indicator(i, ind, fmt, rng) for i, ind in enumerate(p.indicators, 1)]
    goal = p.goal if fmt.wide else _narrow(p.goal)
    if fmt.p:
        goal, packed = f"<p>{goal}</p>", "<p>" + " ".join(items) + "</p>"
    else:
        packed = "".join(items)
    return f"{p.name}\t{_amount_cells(p.amounts)}\t{goal}\t{packed}"


def _unit_projects(st: _State, unit: str) -> list[Project]:
    return sorted((p for p in st.projects if p.unit == unit), key=lambda p: bool(p.doc))


def _render_table(st: _State, year: int) -> tuple[str, list[tuple[str, Amounts]]]:
    rng = st.rng
    lines = [label_line(st.seed, year, st.profile.name), "", "", TITLE, "", f"部门名称：{st.profile.name}", "",
             UNIT_LINE, "", HEADER, ""]
    grand, subtotals = Amounts(), []
    for unit in st.units:
        rows = _unit_projects(st, unit)
        if not rows:
            continue
        sub = sum((p.amounts for p in rows), Amounts())
        lines.append(f"{unit}\t{_amount_cells(sub)}\t\t")
        prev = ""
        for p in rows:
            if rng.random() < (0.5 if p.doc and p.style != prev else 0.03):
                lines.append("")
            lines.append(_render_project(p, rng))
            prev = p.style
        grand += sub
        subtotals.append((unit, sub))
    lines[10] = f"合计\t{_amount_cells(grand)}\t\t"
    return "\n".join(lines), subtotals


def _project_record(p: Project) -> dict[str, Any]:
    a = p.amounts
    return {
        "id": p.pid, "unit": p.unit, "name": p.name, "doc_number": p.doc or None, "base_name": p.shown_base,
        "period": f"{p.period[0]}-{p.period[1]}" if p.period else None, "twin_of": p.twin_of,
        "amounts": {"total": _money(a.total), "fiscal": _money(a.fiscal), "special": _money(a.special),
                    "other": _money(a.other)},
        "indicators": [{"name": i.name, "type": i.l2, "period": i.period,
                        "annual": None if i.no_annual else i.target.text} for i in p.indicators],
    }


def _table(st: _State, year: int, transition: dict[str, Any] | None) -> GeneratedTable:
    text, subtotals = _render_table(st, year)
    prof = st.profile
    names = [p.name for p in st.projects]
    if len(set(names)) != len(names):
        raise RuntimeError(f"duplicate project name in {prof.name} {year}")
    file_name = f"{prof.slug}.txt"
    manifest = {
        "year": year, "department": prof.name, "slug": prof.slug, "file": f"{year}/{file_name}",
        "seed": st.seed, "generated": True, "amount_unit": "万元",
        "total": _money(sum((s.total for _, s in subtotals), ZERO)),
        "units": [{"name": u, "total": _money(s.total)} for u, s in subtotals],
        "projects": [_project_record(p) for unit in st.units for p in _unit_projects(st, unit)],
        "transition": transition,
    }
    return GeneratedTable(year, prof.name, prof.slug, file_name, text, manifest)


# ---------------------------------------------------------------------------------------------------------
# Audit faults: a table of clean projects with planted target-quality faults (jixiao audit) and a ground truth
# ---------------------------------------------------------------------------------------------------------

COST_LABEL = "1-产出指标{c}14-成本指标"
AUDIT_TOPICS = ("社区矫正", "法律援助", "人民调解", "普法宣传", "公共法律服务", "行政复议", "律师管理", "法治督察",
                "安置帮教", "司法鉴定", "公证管理", "基层法治", "法律顾问", "矛盾排查", "信访维稳", "禁毒宣传")


def _ind(l2: int, name: str, annual: str, period: str | None = None, **kw: Any) -> Indicator:
    return Indicator(l2, name, Target(annual), period_text=period, **kw)


def audit_clean_indicators(kw: str) -> list[Indicator]:
    """A project's clean targets: output, quality, cost, effect and satisfaction, each quantitative and sound."""
    return [
        _ind(11, f"{kw}服务人次", "≥400人次", "≥1600人次"),
        _ind(12, f"{kw}验收合格率", "100%"),
        _ind(14, f"{kw}项目总成本", "≤50万元", "≤200万元", type_label=COST_LABEL),
        _ind(22, f"{kw}政策知晓率", "≥85%"),
        _ind(31, "服务对象满意度", "≥90%"),
    ]


def _set(inds: list[Indicator], l2: int, new: Indicator) -> list[Indicator]:
    """Replace the indicator of type l2 (the first one) by new."""
    at = next(i for i, x in enumerate(inds) if x.l2 == l2)
    return [*inds[:at], new, *inds[at + 1:]]


def _without(inds: list[Indicator], l2: int) -> list[Indicator]:
    return [x for x in inds if x.l2 != l2]


def _qualitative(inds: list[Indicator], texts: Sequence[str]) -> list[Indicator]:
    """The indicators with qualitative (but not vague) targets instead."""
    return [replace(x, target=Target(q), period_text=None) for x, q in zip(inds, texts, strict=False)]


def _add(inds: list[Indicator], new: Indicator) -> list[Indicator]:
    return sorted([*inds, new], key=lambda x: x.l2 if x.l2 != 14 else 13)


# (case, planted: (indicators of kw) -> indicators, its findings [(rule_id, severity, name of the flagged
# target or None)], clean neighbour: (indicators of kw) -> indicators). Each case is two projects.
def _audit_cases() -> list[tuple[str, Any, list[tuple[str, str, str | None]], Any]]:
    qual = ("符合规范", "通过考核", "良好以上", "合格以上", "符合标准")
    return [
        ("no_satisfaction", lambda k, c: _without(c, 31), [("missing_level1", "warning", None)],
         lambda k, c: _set(c, 31, _ind(31, "群众满意度", "≥85%"))),
        ("no_cost", lambda k, c: _without(c, 14), [("missing_level1", "info", None)],
         lambda k, c: _set(c, 14, _ind(14, f"{k}单位服务成本", "≤120元/人次", type_label=COST_LABEL))),
        ("misparented", lambda k, c: _set(c, 31, _ind(31, "服务对象满意度", "≥90%", misparent=True)),
         [("misparented_type", "warning", "服务对象满意度")], lambda k, c: c),
        ("unknown_type",
         lambda k, c: _add(c, _ind(11, f"{k}建设规模", "≥3个", "≥12个", type_label="1-产出指标{c}15-规模指标")),
         [("unknown_type", "warning", "{k}建设规模")],
         lambda k, c: _add(c, _ind(11, f"{k}建设规模", "≥3个", "≥12个"))),
        ("no_annual", lambda k, c: _set(c, 12, _ind(12, f"{k}验收合格率", "100%", no_annual=True)),
         [("missing_annual_value", "error", "{k}验收合格率")], lambda k, c: c),
        ("vague", lambda k, c: _add(c, _ind(22, f"提升{k}工作水平", "效果明显")),
         [("vague_value", "warning", "提升{k}工作水平")],
         lambda k, c: _add(c, _ind(22, f"提升{k}工作水平", "符合规范"))),
        ("qualitative_only", lambda k, c: _qualitative(c, qual), [("low_quantitative_share", "warning", None)],
         # exactly half quantitative: not below half
         lambda k, c: [*c[:2], *_qualitative(c[2:], qual), _ind(22, f"{k}群众受益率", "≥80%")]),
        ("input", lambda k, c: _add(c, _ind(11, "预算执行率", "≥90%")), [("input_as_target", "error", "预算执行率")],
         lambda k, c: _add(c, _ind(11, f"{k}工作完成率", "100%"))),
        ("duplicate", lambda k, c: _add(c, _ind(12, f"{k}验收合格率", "≥95%")),
         [("duplicate_indicator", "warning", "{k}验收合格率#2")],
         lambda k, c: _add(c, _ind(12, f"{k}资料验收合格率", "≥95%"))),
        ("annual_above_period", lambda k, c: _set(c, 11, _ind(11, f"{k}服务人次", "≥1800人次", "≥1600人次")),
         [("annual_exceeds_period", "error", "{k}服务人次")],
         # a rate above its period value is no count; a count equal to its period value is fine
         lambda k, c: _add(_set(c, 11, _ind(11, f"{k}服务人次", "≥1600人次", "≥1600人次")),
                           _ind(12, f"{k}资料归档完整率", "≥95%", "≥90%"))),
        ("unit_mismatch", lambda k, c: _add(c, _ind(11, f"开展{k}宣传活动", "≥5次", "≥20场")),
         [("period_annual_unit_mismatch", "warning", "开展{k}宣传活动")],
         lambda k, c: _add(c, _ind(11, f"开展{k}宣传活动", "≥5场", "≥20场次"))),
        ("capped_satisfaction", lambda k, c: _set(c, 31, _ind(31, "服务对象满意度", "≤90%")),
         [("direction_suspicious", "error", "服务对象满意度")],
         lambda k, c: _add(c, _ind(22, f"{k}投诉率", "5%以下"))),
        ("cost_floor",
         lambda k, c: _set(c, 14, _ind(14, f"{k}项目总成本", "≥50万元", "≥200万元", type_label=COST_LABEL)),
         [("direction_suspicious", "error", "{k}项目总成本")], lambda k, c: c),
    ]


def _audit_project(st: _State, kw: str, role: str, inds: list[Indicator]) -> Project:
    st.counter += 1
    rng = st.rng
    p = Project(f"{st.profile.code}-a{st.counter:03d}", st.units[0], kw, f"{kw}{role}专项经费", _goal(kw, rng),
                _draw_amounts(rng), STYLES.pick(rng))
    p.indicators = inds
    return p


def _expected(p: Project, kw: str, findings: list[tuple[str, str, str | None]]) -> list[dict[str, Any]]:
    out = []
    for rule_id, severity, name in findings:
        seq = None
        if name is not None:
            wanted, nth = (name.format(k=kw) + "#1").split("#")[:2]
            seq = [i for i, x in enumerate(p.indicators, 1) if x.name == wanted][int(nth) - 1]
        out.append({"rule_id": rule_id, "severity": severity, "project": p.name, "seq": seq})
    return out


def audit_table(seed: int, year: int = 2024, department: str = "广州市天河区审核样例局") -> GeneratedTable:
    """A GENERATED table whose every project is clean but for planted audit faults; manifest["audit"] says
    which findings jixiao audit must report (rule_id, severity, project, seq) and which projects are clean."""
    st = _State(profile_for(department), seed, random.Random(f"jixiao-synth-audit|{seed}"), [department])
    planted: list[dict[str, Any]] = []
    clean: list[str] = []
    topics = iter(AUDIT_TOPICS * 2)
    for case, plant, findings, neighbour in _audit_cases():
        kw = next(topics)
        p = _audit_project(st, kw, "", plant(kw, audit_clean_indicators(kw)))
        q = _audit_project(st, kw, "配套", neighbour(kw, audit_clean_indicators(kw)))
        st.projects += [p, q]
        planted += [{**e, "case": case} for e in _expected(p, kw, findings)]
        clean.append(q.name)
    kw = next(topics)
    base = _audit_project(st, kw, "", audit_clean_indicators(kw))
    st.projects.append(base)
    clean.append(base.name)
    table = _table(st, year, None)
    table.manifest["audit"] = {"planted": planted, "clean_projects": clean}
    return table


# ---------------------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------------------


def _check_years(years: Sequence[int]) -> list[int]:
    ys = [int(y) for y in years]
    if not ys or any(b <= a for a, b in pairwise(ys)):
        raise ValueError(f"years must be a non-empty increasing sequence, got {years!r}")
    return ys


def generate_department_years(department: str | Profile, years: Sequence[int], seed: int) -> list[GeneratedTable]:
    """Tables of one department for ``years`` (increasing): the first is the base, each next one evolves it."""
    ys = _check_years(years)
    prof = department if isinstance(department, Profile) else profile_for(department)
    st = _init_state(prof, ys[0], seed)
    tables = [_table(st, ys[0], None)]
    for prev, year in pairwise(ys):
        transition = {"from_year": prev, "to_year": year, "projects": _evolve(st, year)}
        tables.append(_table(st, year, transition))
    return tables


def department_manifest(tables: Sequence[GeneratedTable]) -> dict[str, Any]:
    """Ground truth of one department across its tables: project identities, names per year, transitions."""
    projects: dict[str, dict[str, Any]] = {}
    for t in tables:
        for p in t.manifest["projects"]:
            rec = projects.setdefault(p["id"], {"id": p["id"], "unit": p["unit"], "twin_of": p["twin_of"],
                                                "names": {}, "totals": {}, "transitions": []})
            rec["names"][str(t.year)] = p["name"]
            rec["totals"][str(t.year)] = p["amounts"]["total"]
        transition = t.manifest["transition"]
        for e in transition["projects"] if transition else ():
            step = {"from_year": transition["from_year"], "to_year": transition["to_year"]}
            projects[e["id"]]["transitions"].append(step | {k: v for k, v in e.items() if k != "id"})
    first = tables[0]
    return {"department": first.department, "slug": first.slug, "files": {str(t.year): t.relpath for t in tables},
            "projects": sorted(projects.values(), key=lambda r: r["id"])}


def _table_summary(t: GeneratedTable) -> dict[str, Any]:
    m = t.manifest
    return {"year": t.year, "department": t.department, "file": t.relpath, "total": m["total"],
            "n_units": len(m["units"]), "n_projects": len(m["projects"]),
            "n_indicators": sum(len(p["indicators"]) for p in m["projects"])}


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def _run_department(job: tuple[Profile, tuple[int, ...], int, str]) -> tuple[str, list[str]]:
    """Generate and write one department's files; return its manifest parts already encoded (cheap to ship)."""
    prof, years, seed, out_dir = job
    tables = generate_department_years(prof, years, seed)
    for t in tables:
        (Path(out_dir) / t.relpath).write_text(t.text, encoding="utf-8")
    return _dumps(department_manifest(tables)), [_dumps(_table_summary(t)) for t in tables]


def _write_manifest(path: Path, head: dict[str, Any], results: list[tuple[str, list[str]]]) -> None:
    """One JSON document, one table or department per line, so that big manifests stay greppable."""
    with path.open("w", encoding="utf-8") as f:
        f.write(_dumps(head)[:-1] + ',\n"tables":[')
        sep = "\n"
        for _, lines in results:
            for line in lines:
                f.write(sep + line)
                sep = ",\n"
        f.write('\n],\n"departments":[')
        for i, (dept, _) in enumerate(results):
            f.write(("\n" if i == 0 else ",\n") + dept)
        f.write("\n]}\n")


def _write(out_dir: Path, jobs: list[tuple[Profile, tuple[int, ...]]], seed: int, workers: int | None) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    all_years = sorted({y for _, ys in jobs for y in ys})
    for y in all_years:
        (out_dir / str(y)).mkdir(exist_ok=True)
    args = [(prof, ys, seed, str(out_dir)) for prof, ys in jobs]
    n_workers = workers if workers is not None else (os.cpu_count() or 1)
    if n_workers > 1 and len(args) > 1:
        with ProcessPoolExecutor(min(n_workers, len(args))) as pool:
            results = list(pool.map(_run_department, args, chunksize=max(1, len(args) // (n_workers * 8))))
    else:
        results = [_run_department(a) for a in args]
    head = {
        "generator": "jixiao-synth", "label": "GENERATED data, not a published table", "seed": seed,
        "years": all_years, "amount_unit": "万元", "statuses": list(STATUSES),
        "rename_kinds": list(RENAME_KINDS), "change_classes": list(CHANGE_CLASSES),
        "n_tables": sum(len(ys) for _, ys in jobs), "n_departments": len(jobs),
    }
    path = out_dir / "manifest.json"
    _write_manifest(path, head, results)
    return path


def write_corpus(out_dir: str | Path, departments: int | Sequence[str], years: Sequence[int], seed: int,
                 *, workers: int | None = 1) -> Path:
    """Write ``<out_dir>/<year>/<slug>.txt`` for every department and year, and ``manifest.json``.

    ``departments`` is a count (names drawn from the seed) or a list of names. Returns the manifest path.
    ``workers=None`` uses every CPU; the output does not depend on the number of workers.
    """
    ys = tuple(_check_years(years))
    if isinstance(departments, int):
        profiles = department_profiles(departments, seed)
    else:
        profiles = [profile_for(name, i) for i, name in enumerate(departments, 1)]
    return _write(Path(out_dir), [(p, ys) for p in profiles], seed, workers)


def corpus_of_size(out_dir: str | Path, n_tables: int, seed: int, years: Sequence[int] = DEFAULT_YEARS,
                   *, workers: int | None = None) -> Path:
    """Exactly ``n_tables`` tables spread over departments x years (the last departments skip the last year)."""
    ys = tuple(_check_years(years))
    n_depts = math.ceil(n_tables / len(ys))
    excess = n_depts * len(ys) - n_tables
    profiles = department_profiles(n_depts, seed)
    jobs = [(p, ys[:-1] if i >= n_depts - excess else ys) for i, p in enumerate(profiles)]
    return _write(Path(out_dir), jobs, seed, workers)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.synth", description="Write a GENERATED corpus of tables.")
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--departments", type=int, default=3, help="number of departments (default 3)")
    ap.add_argument("--years", type=int, nargs="+", default=[2023, 2024])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--tables", type=int, help="write exactly this many tables instead (overrides --departments)")
    ap.add_argument("--workers", type=int, default=None, help="processes (default: all CPUs)")
    ap.add_argument("--audit", action="store_true",
                    help="write one table of clean projects with planted audit faults (audit_table) and its manifest")
    a = ap.parse_args(argv)
    t0 = time.perf_counter()
    if a.audit:
        table = audit_table(a.seed, a.years[-1])
        path = a.out_dir / table.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(table.text, encoding="utf-8")
        path.with_suffix(".manifest.json").write_text(_dumps(table.manifest), encoding="utf-8")
        print(path)
        return 0
    if a.tables is not None:
        path = corpus_of_size(a.out_dir, a.tables, a.seed, a.years, workers=a.workers)
    else:
        path = write_corpus(a.out_dir, a.departments, a.years, a.seed, workers=a.workers)
    n = json.loads(path.read_text(encoding="utf-8"))["n_tables"]
    print(f"{n} generated tables, manifest {path} ({time.perf_counter() - t0:.1f}s)", file=sys.stderr)
    print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
