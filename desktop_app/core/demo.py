"""The demo county: a realistic, reproducible database so a newcomer sees a living app.

Each feature appends its own step to DEMO_STEPS (units and settings here; officers, training and tasks
in their own modules); every step draws from one seeded random generator, so the same seed always gives
the same database. The names are those of a 红寺堡区-like county; the codes are invented but valid.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from desktop_app.core.credit_code import make_credit_code, org_code_check
from desktop_app.core.db import db
from desktop_app.core.errors import AppError
from desktop_app.core.jobs import JobControl
from desktop_app.core.models import Unit
from desktop_app.core.settings import set_settings
from desktop_app.core.unit_groups import GroupInput, create_group
from desktop_app.core.units import UnitInput, create_unit

DEMO_SEED = 2026
AREA_CODE = "640303"


@dataclass
class DemoContext:
    rng: random.Random
    today: dt.date
    units: dict[str, Unit] = field(default_factory=dict)  # by short name
    used_codes: set[str] = field(default_factory=set)

    def credit_code(self, prefix: str) -> str:
        while True:
            body = f"{self.rng.randrange(10**7, 10**8)}"
            code = make_credit_code(prefix + AREA_CODE + body + org_code_check(body))
            if code not in self.used_codes:
                self.used_codes.add(code)
                return code


DemoStep = Callable[[DemoContext], None]

SETTINGS = {
    "county_name": "红寺堡区",
    "bureau_name": "红寺堡区司法局",
    "issuing_authority": "吴忠市红寺堡区司法局",
    "doc_number_prefix": "红司发",
    "rotation_training_deadline": "2024-06-15",
}

# (full name, short name, kind, parent short name, credit-code prefix, aliases)
UNITS: list[tuple[str, str, str, str, str, tuple[str, ...]]] = [
    ("吴忠市红寺堡区人民政府", "区政府", "government", "", "11", ()),
    ("吴忠市红寺堡区人民政府办公室", "政府办", "other", "区政府", "11", ("区政府办",)),
    ("中共吴忠市红寺堡区委员会机构编制委员会办公室", "区委编办", "other", "", "11", ("编办",)),
    ("红寺堡区审批服务管理局", "审批服务管理局", "other", "区政府", "11", ("审批局",)),
    ("红寺堡区审计局", "审计局", "other", "区政府", "11", ()),
    ("宁夏太阳山开发区管理委员会", "太阳山开发区管委会", "other", "", "11", ()),
    ("红寺堡区司法局", "司法局", "justice", "区政府", "11", ()),
    ("红寺堡区发展和改革局", "发展和改革局", "enforcement", "区政府", "11", ("发改局",)),
    ("红寺堡区教育局", "教育局", "enforcement", "区政府", "11", ()),
    ("红寺堡区工业信息化和商务局", "工业信息化和商务局", "enforcement", "区政府", "11", ("工信商务局",)),
    ("吴忠市公安局红寺堡分局", "公安分局", "enforcement", "", "11", ()),
    ("红寺堡区民政局", "民政局", "enforcement", "区政府", "11", ()),
    ("红寺堡区财政局", "财政局", "enforcement", "区政府", "11", ()),
    ("红寺堡区人力资源和社会保障局", "人力资源和社会保障局", "enforcement", "区政府", "11", ("人社局",)),
    ("吴忠市自然资源局红寺堡分局", "自然资源分局", "enforcement", "", "11", ("自然资源局",)),
    ("吴忠市生态环境局红寺堡分局", "生态环境分局", "enforcement", "", "11", ("生态环境局",)),
    ("红寺堡区住房城乡建设和交通局", "住房城乡建设和交通局", "enforcement", "区政府", "11", ("住建交通局",)),
    ("红寺堡区水务局", "水务局", "enforcement", "区政府", "11", ()),
    ("红寺堡区农业农村局", "农业农村局", "enforcement", "区政府", "11", ()),
    ("红寺堡区文化旅游广电局", "文化旅游广电局", "enforcement", "区政府", "11", ("文旅局",)),
    ("红寺堡区卫生健康局", "卫生健康局", "enforcement", "区政府", "11", ("卫健局",)),
    ("红寺堡区应急管理局", "应急管理局", "enforcement", "区政府", "11", ()),
    ("吴忠市市场监督管理局红寺堡分局", "市场监督管理分局", "enforcement", "", "11", ("市场监管分局",)),
    ("红寺堡区医疗保障局", "医疗保障局", "enforcement", "区政府", "11", ("医保局",)),
    ("红寺堡区林业和草原局", "林业和草原局", "enforcement", "区政府", "11", ("林草局",)),
    ("红寺堡区综合执法局", "综合执法局", "enforcement", "区政府", "11", ("城市管理综合执法局",)),
    ("红寺堡区统计局", "统计局", "enforcement", "区政府", "11", ()),
    ("红寺堡区退役军人事务局", "退役军人事务局", "enforcement", "区政府", "11", ()),
    ("红寺堡区消防救援大队", "消防救援大队", "enforcement", "", "11", ()),
    ("红寺堡区气象局", "气象局", "enforcement", "", "12", ()),
    ("国家税务总局吴忠市红寺堡区税务局", "税务局", "enforcement", "", "11", ()),
    ("红寺堡区烟草专卖局", "烟草专卖局", "enforcement", "", "12", ()),
    ("红寺堡区红寺堡镇人民政府", "红寺堡镇", "township", "区政府", "11", ()),
    ("红寺堡区太阳山镇人民政府", "太阳山镇", "township", "区政府", "11", ()),
    ("红寺堡区大河乡人民政府", "大河乡", "township", "区政府", "11", ()),
    ("红寺堡区新庄集乡人民政府", "新庄集乡", "township", "区政府", "11", ()),
    ("红寺堡区柳泉乡人民政府", "柳泉乡", "township", "区政府", "11", ()),
    ("红寺堡区司法局红寺堡镇司法所", "红寺堡镇司法所", "other", "司法局", "", ()),
    ("红寺堡区司法局太阳山镇司法所", "太阳山镇司法所", "other", "司法局", "", ()),
    ("红寺堡区司法局大河乡司法所", "大河乡司法所", "other", "司法局", "", ()),
    ("红寺堡区司法局新庄集乡司法所", "新庄集乡司法所", "other", "司法局", "", ()),
    ("红寺堡区司法局柳泉乡司法所", "柳泉乡司法所", "other", "司法局", "", ()),
]

INDUSTRY_REGULATORS = ["发展和改革局", "教育局", "工业信息化和商务局", "民政局", "人力资源和社会保障局",
                       "自然资源分局", "住房城乡建设和交通局", "水务局", "农业农村局", "文化旅游广电局",
                       "卫生健康局", "应急管理局", "市场监督管理分局", "林业和草原局"]
COMPREHENSIVE_TEAMS = ["市场监督管理分局", "生态环境分局", "文化旅游广电局", "住房城乡建设和交通局",
                       "农业农村局", "应急管理局", "综合执法局"]


def seed_settings(ctx: DemoContext) -> None:
    set_settings(SETTINGS)


def seed_units(ctx: DemoContext) -> None:
    for order, (name, short, kind, parent, prefix, aliases) in enumerate(UNITS):
        parent_id = ctx.units[parent].id if parent else None
        code = ctx.credit_code(prefix) if prefix else ""
        ctx.units[short] = create_unit(UnitInput(name, kind, short, parent_id, code, "", list(aliases), order))


def seed_groups(ctx: DemoContext) -> None:
    ids = lambda shorts: [ctx.units[s].id for s in shorts]  # noqa: E731
    create_group(GroupInput("各行政执法部门〔单位〕", "enforcement", ids(["司法局"]),
                            ["各行政执法部门", "各行政执法单位", "各行政主管部门〔单位〕"], "", 1))
    create_group(GroupInput("各乡镇〔街道〕", "township", [], ["各乡镇", "各乡（镇）"], "", 2))
    create_group(GroupInput("各行业主管部门", None, ids(INDUSTRY_REGULATORS), [], "", 3))
    create_group(GroupInput("综合行政执法队伍", None, ids(COMPREHENSIVE_TEAMS), ["七支综合执法队伍"],
                            "市场监管、生态环境、文化市场、交通运输、农业、应急管理、城市管理", 4))


def seed_tasks(ctx: DemoContext) -> None:
    from desktop_app.core.demo_tasks import seed_tasks as seed

    seed(ctx)


def seed_personnel(ctx: DemoContext) -> None:
    from desktop_app.core.personnel.demo_personnel import seed_personnel as seed

    seed(ctx)


def seed_training(ctx: DemoContext) -> None:
    from desktop_app.core.training.demo_training import seed_training as seed

    seed(ctx)


DEMO_STEPS: list[tuple[str, DemoStep]] = [
    ("基本设置", seed_settings),
    ("单位", seed_units),
    ("单位分组", seed_groups),
    ("任务清单与进展", seed_tasks),
    ("执法人员与证件", seed_personnel),
    ("培训学时", seed_training),
]


def populate_demo(control: JobControl | None = None, seed: int = DEMO_SEED,
                  today: dt.date | None = None) -> None:
    """Fill the open, empty database with the demo county, all steps in one transaction."""
    control = control or JobControl()
    if Unit.select().exists():
        raise AppError("数据库中已有单位数据，演示数据只能建在新的空数据库里。")
    ctx = DemoContext(random.Random(seed), today or dt.date.today())
    with db.atomic():
        for number, (label, step) in enumerate(DEMO_STEPS):
            control.progress(number / len(DEMO_STEPS), f"正在生成演示数据：{label}")
            step(ctx)
    control.progress(1.0, "演示数据已生成")


def create_demo_database(path: Path, control: JobControl | None = None, seed: int = DEMO_SEED) -> None:
    """Create a new demo database file at `path` (refuses an existing non-empty one)."""
    from desktop_app.core.session import open_session

    session = open_session(Path(path))
    try:
        populate_demo(control, seed)
    finally:
        session.close()
