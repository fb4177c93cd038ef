"""The demo county's 培训学时: last year and this year up to `ctx.today` (and the 2024 全员轮训 wave before its
deadline when the demo reaches back that far), for the officers the personnel step created.

What a 司法局 really organises: the 全员轮训 in four 期次 of three days (18 学时) plus a 补训班 for those who
missed it, 专题培训 of a day, 以会代训 and 案例研讨 of half a day, a 技能竞赛 (以赛促训); the line ministries'
own courses (上级业务部门); each unit's trainings (本单位, `organiser_unit` set); 政治理论/党性教育 sessions
(recorded, not counted toward the 60); courses of the online learning platform (网络平台, one session per
course and completion date, keyed `platform:<course>:<date>` as the platform import keys them); a 心理健康
activity in most units (two hold none and send nobody to the county's).

Attendance is drawn per officer from the unit they served in on the day (moves, departures and late
starters respected), with officers who left early (own hours below the default) and 合格/不合格 results.
The outcome has most officers over 60 学时 last year, some short, and three units (LAGGING) that ran no
training of their own nearly all short. Sessions are checked by the services' own rules
(sessions.clean_session) and written in bulk with their attendance; one audit entry records the step.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from desktop_app.core import audit
from desktop_app.core.db import db
from desktop_app.core.models import (
    Certificate,
    CertificateEvent,
    Officer,
    OfficerChange,
    TrainingSession,
    now,
)
from desktop_app.core.personnel import dictionaries
from desktop_app.core.personnel.demo_personnel import STAFF, TOWNSHIPS
from desktop_app.core.training import sessions as ts
from desktop_app.core.training.ledger import rotation_deadline

LEAVING = ("调离", "退休", "辞职", "死亡")
PLATFORM = "宁夏干部教育培训网络学院"
# Units that ran no training of their own and sent few people: the whole unit falls short of 60.
LAGGING = ("退役军人事务局", "统计局", "柳泉乡")
# Units with no 心理健康 activity: they held none and sent nobody to the county's.
NO_MENTAL_HEALTH = ("财政局", "气象局")
RESULTS_PASSED = (("合格", 97), ("不合格", 3))
CONTEST_RESULTS = (("优秀", 15), ("良好", 35), ("合格", 50))

# 专题培训 of the 司法局, one day each: (name, category, month); odd and even years alternate.
TOPICS = {
    0: (("《中华人民共和国行政复议法》新法解读专题培训", "公共法律知识", 3),
        ("行政执法“三项制度”落实专题培训", "行政执法技能", 5),
        ("行政执法文书制作与案卷评查专题培训", "行政执法技能", 8),
        ("涉企行政执法与优化营商环境专题培训", "业务知识", 10)),
    1: (("《中华人民共和国行政处罚法》适用专题培训", "公共法律知识", 3),
        ("行政执法监督与行政执法责任制专题培训", "业务知识", 5),
        ("行政检查规范与“双随机、一公开”专题培训", "行政执法技能", 8),
        ("行政执法证据收集与执法记录专题培训", "行政执法技能", 10)),
}
# The line ministries' courses (上级业务部门): unit → course (three days).
SUPERIOR = {
    "市场监督管理分局": "自治区市场监管系统执法稽查业务培训班",
    "综合执法局": "自治区城市管理综合执法业务骨干培训班",
    "住房城乡建设和交通局": "自治区交通运输综合执法业务培训班",
    "农业农村局": "自治区农业综合行政执法能力提升培训班",
    "生态环境分局": "自治区生态环境执法业务培训班",
    "自然资源分局": "自治区自然资源执法监察业务培训班",
    "卫生健康局": "自治区卫生健康监督执法业务培训班",
    "税务局": "自治区税务稽查业务培训班",
    "应急管理局": "自治区应急管理综合行政执法培训班",
    "文化旅游广电局": "自治区文化市场综合执法业务培训班",
    "林业和草原局": "自治区林草行政执法业务培训班",
    "水务局": "自治区水行政执法业务培训班",
    "公安分局": "吴忠市公安机关执法办案能力培训班",
}
# A unit's own trainings: (name after the unit's field or short name, form, category, 学时).
OWN = (("{field}法律法规学习会", "以会代训", "业务知识", 3.0),
       ("{field}执法实务培训班", "专题培训", "行政执法技能", 12.0),
       ("{field}执法业务培训", "专题培训", "业务知识", 6.0),
       ("行政执法文书规范制作培训", "专题培训", "行政执法技能", 4.0),
       ("执法记录仪与执法装备使用培训", "专题培训", "行政执法技能", 3.0),
       ("典型案例讲评会", "案例研讨", "行政执法技能", 3.0),
       ("行政处罚裁量基准学习会", "以会代训", "业务知识", 3.0),
       ("{field}新规解读培训", "专题培训", "公共法律知识", 6.0))
POLITICAL = (("党纪学习教育专题党课", 3.0, 4), ("学习贯彻习近平新时代中国特色社会主义思想专题读书班", 12.0, 9))
# Platform courses: (title, 学时 the platform grants, category).
COURSES = (("习近平法治思想概论", 4.0, "公共法律知识"), ("《中华人民共和国行政许可法》精讲", 2.0, "公共法律知识"),
           ("行政执法程序规范", 3.0, "行政执法技能"), ("行政强制措施的实施", 2.0, "行政执法技能"),
           ("行政执法中的证据规则", 2.5, "行政执法技能"), ("《中华人民共和国民法典》总则解读", 3.0, "公共法律知识"),
           ("优化营商环境与包容审慎监管", 1.5, "业务知识"), ("行政执法与刑事司法衔接", 2.0, "业务知识"),
           ("政府信息公开实务", 1.5, "业务知识"), ("行政复议与行政应诉实务", 3.0, "公共法律知识"),
           ("执法人员职业道德与廉洁执法", 1.0, "行政执法技能"), ("数字政府与“互联网+监管”", 2.0, "业务知识"),
           ("新时代党的创新理论专题", 4.0, "政治理论"), ("党章党规党纪学习", 2.0, "政治理论"))
MENTAL = ("执法人员心理健康讲座", "执法人员心理减压团体辅导", "心理调适与情绪管理讲座")


def weekday(day: dt.date) -> dt.date:
    """The Monday after a weekend day (sessions are held on working days)."""
    return day + dt.timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


@dataclass
class Member:
    """One officer as the training step sees them: where they served when, how keen they are."""

    id: int
    auxiliary: bool
    on_post: bool
    reviewer: bool
    start: dt.date
    first_unit: int
    moves: list[tuple[dt.date, int]] = field(default_factory=list)  # (day, to unit)
    left: dt.date | None = None
    zeal: float = 0.92  # how likely they turn up to what they are sent to

    def unit_on(self, day: dt.date) -> int | None:
        if day < self.start or (self.left is not None and day >= self.left):
            return None
        unit = self.first_unit
        for when, target in self.moves:
            if when <= day:
                unit = target
        return unit


class TrainingDemo:
    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.rng = ctx.rng
        self.today: dt.date = ctx.today
        self.short = {u.id: short for short, u in ctx.units.items()}
        self.staff_units = [ctx.units[short].id for short, *_ in STAFF]
        self.fields = {ctx.units[short].id: fields[0] for short, _, fields, _ in STAFF}
        self.members: list[Member] = []
        self.by_unit: dict[int, list[Member]] = {}  # everyone who served in the unit at some time
        self.next_id = (TrainingSession.select(TrainingSession.id).order_by(TrainingSession.id.desc())
                        .scalar() or 0) + 1
        self.sessions: list[dict] = []
        self.attendance: list[tuple] = []
        self.stamp = now()

    # -- who served where -----------------------------------------------------------------------------
    def load_members(self) -> None:
        auxiliary = dictionaries.auxiliary_categories()
        found: dict[int, Member] = {}
        officers = Officer.select(Officer.id, Officer.category, Officer.on_enforcement_post,
                                  Officer.is_legal_reviewer).order_by(Officer.id).tuples()
        facts = {oid: (category in auxiliary, bool(post), bool(reviewer))
                 for oid, category, post, reviewer in officers}
        changes = (OfficerChange.select(OfficerChange.officer, OfficerChange.kind, OfficerChange.on_date,
                                        OfficerChange.to_unit)
                   .order_by(OfficerChange.officer, OfficerChange.on_date, OfficerChange.id).tuples())
        for oid, kind, day, to_unit in changes:
            member = found.get(oid)
            if kind == "登记":
                aux, post, reviewer = facts[oid]
                found[oid] = Member(oid, aux, post, reviewer, day, to_unit)
            elif member is None:
                continue
            elif kind == "调动":
                member.moves.append((day, to_unit))
            elif kind in LEAVING:
                member.left = day
            elif kind == "恢复在职":
                member.left = None
        # the officers whose card failed last spring's 年审 for want of hours did train little
        failed = {oid for (oid,) in CertificateEvent.select(Certificate.officer).join(Certificate).where(
            (CertificateEvent.kind == "review_fail") & CertificateEvent.reason.contains("学时")).tuples()}
        for member in found.values():
            roll = self.rng.random()
            keen = 0.45 if roll < 0.05 else 0.85 if roll < 0.12 else 0.95
            member.zeal = keen * (1 if member.on_post else 0.8)
            if member.id in failed:
                member.zeal = 0.35
            self.members.append(member)
            for uid in dict.fromkeys([member.first_unit, *(t for _, t in member.moves)]):
                self.by_unit.setdefault(uid, []).append(member)

    def present(self, unit_id: int, day: dt.date, auxiliary: bool = False) -> list[Member]:
        return [m for m in self.by_unit.get(unit_id, ()) if m.unit_on(day) == unit_id
                and (auxiliary or not m.auxiliary)]

    def everyone(self, day: dt.date) -> dict[int, list[Member]]:
        return {uid: self.present(uid, day) for uid in self.staff_units}

    # -- writing ---------------------------------------------------------------------------------------
    def session(self, name: str, start: dt.date, hours: float, *, days: int = 1, organiser: str = "司法局",
                unit_id: int | None = None, form: str = "专题培训", category: str = "业务知识",
                rotation: bool = False, mental: bool = False, source_key: str | None = None,
                note: str = "") -> int | None:
        """A session checked by the services' rules; None when it would end after today."""
        end = start + dt.timedelta(days=days - 1)
        if end > self.today:
            return None
        values = ts.clean_session(ts.SessionInput(name, start, end, organiser, None, form, category, hours,
                                                  rotation, mental, note))
        # the demo's units exist: the unit is set after the check, sparing a lookup per session
        values.update(id=self.next_id, organiser_unit=unit_id, source_key=source_key, created_at=self.stamp)
        self.next_id += 1
        self.sessions.append(values)
        return values["id"]

    def attend(self, session_id: int, member: Member, hours: float, result: str = "",
               partial: float = 0.04) -> None:
        note = ""
        if hours >= 3 and self.rng.random() < partial:  # left early: half a day less, or half the session
            hours = hours - 3 if hours >= 6 else hours / 2
            note = self.rng.choice(("中途离开", "请假半天", "因公务提前离开"))
        self.attendance.append((session_id, member.id, hours, result, note))

    def result(self, pairs=RESULTS_PASSED) -> str:
        return self.rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]

    def goes(self, member: Member, chance: float) -> bool:
        return self.rng.random() < chance * member.zeal

    def lagging(self, unit_id: int) -> bool:
        return self.short[unit_id] in LAGGING

    # -- the kinds of training -------------------------------------------------------------------------
    def rotation(self, year: int, deadline: dt.date) -> None:
        """全员轮训 in four 期次 of three days (units in turn), then a 补训班 in September for who missed it.
        In the deadline's year the four 期次 end before the deadline."""
        three_days = ts.days_to_hours(3)
        last = min(deadline - dt.timedelta(days=10), dt.date(year, 6, 20)) if deadline.year == year else \
            dt.date(year, 6, 20)
        first = dt.date(year, 3, 4)
        step = max(7, (last - first).days // 4)
        groups: list[list[int]] = [[], [], [], []]
        for index, uid in enumerate(self.staff_units):
            groups[index % 4].append(uid)
        attended: set[int] = set()
        for number, units in enumerate(groups):
            start = weekday(first + dt.timedelta(days=step * number + self.rng.randint(0, 3)))
            if start.weekday() > 2:  # three days inside one week
                start += dt.timedelta(days=7 - start.weekday())
            sid = self.session(f"{year}年度全区行政执法人员全员轮训班（第{number + 1}期）", start, three_days, days=3,
                               form="集中轮训", category="公共法律知识", rotation=True)
            if sid is None:
                continue
            for uid in units:
                chance = 0.6 if self.lagging(uid) else 1.0
                for member in self.present(uid, start):
                    if self.goes(member, chance):
                        self.attend(sid, member, three_days, self.result())
                        attended.add(member.id)
        start = weekday(dt.date(year, 9, 15))
        sid = self.session(f"{year}年度全区行政执法人员全员轮训补训班", start, three_days, days=3, form="集中轮训",
                           category="公共法律知识", rotation=True, note="未参加春季轮训人员补训")
        if sid is None:
            return
        for uid in self.staff_units:
            for member in self.present(uid, start):
                if member.id not in attended and self.goes(member, 0.3 if self.lagging(uid) else 0.6):
                    self.attend(sid, member, three_days, self.result())

    def bureau_events(self, year: int) -> None:
        """The 司法局's 专题培训, 以会代训, 案例研讨 and 技能竞赛."""
        for name, category, month in TOPICS[year % 2]:
            start = weekday(dt.date(year, month, self.rng.randint(8, 24)))
            sid = self.session(name, start, ts.days_to_hours(1), category=category)
            if sid is None:
                continue
            for uid, members in self.everyone(start).items():
                share = 0.1 if self.lagging(uid) else 0.6
                for member in members:
                    if self.goes(member, share + 0.4 * member.reviewer):
                        self.attend(sid, member, 6.0, self.result())
        start = weekday(dt.date(year, 2, self.rng.randint(20, 27)))
        sid = self.session("全区法治政府建设暨行政执法工作推进会（以会代训）", start, ts.days_to_hours(0.5),
                           form="以会代训")
        if sid is not None:
            for members in self.everyone(start).values():
                for member in members:
                    if member.reviewer or self.rng.random() < 0.2:
                        self.attend(sid, member, 3.0, partial=0)
        start = weekday(dt.date(year, 7, self.rng.randint(6, 20)))
        sid = self.session("行政执法典型案例研讨会", start, 3.0, form="案例研讨", category="行政执法技能")
        if sid is not None:
            for uid, members in self.everyone(start).items():
                for member in members:
                    if member.reviewer or (not self.lagging(uid) and self.rng.random() < 0.15):
                        self.attend(sid, member, 3.0, partial=0)
        start = weekday(dt.date(year, 10, self.rng.randint(12, 24)))
        sid = self.session(f"{year}年全区行政执法技能竞赛", start, 6.0, form="以赛促训", category="行政执法技能")
        if sid is not None:
            for uid, members in self.everyone(start).items():
                if self.lagging(uid) or not members:
                    continue
                for member in self.rng.sample(members, min(len(members), 2 + len(members) // 20)):
                    self.attend(sid, member, 6.0, self.result(CONTEST_RESULTS), partial=0)

    def superior(self, year: int) -> None:
        for short, course in SUPERIOR.items():
            uid = self.ctx.units[short].id
            start = weekday(dt.date(year, self.rng.randint(4, 11), self.rng.randint(1, 20)))
            if start.weekday() > 2:
                start += dt.timedelta(days=7 - start.weekday())
            sid = self.session(f"{year}年{course}", start, 18.0, days=3, organiser="上级业务部门")
            if sid is None:
                continue
            for member in self.present(uid, start):
                if self.goes(member, 0.3):
                    self.attend(sid, member, 18.0, self.result())

    def own(self, year: int) -> None:
        """Each unit's own trainings (seven or eight a year; the lagging units one at most), its 政治理论
        sessions and its 心理健康 activity (townships go to the county's instead)."""
        for uid in self.staff_units:
            short = self.short[uid]
            count = self.rng.randint(0, 1) if short in LAGGING else self.rng.randint(7, 8)
            for name, form, category, hours in self.rng.sample(OWN, count):
                label = name.format(field=self.fields[uid].replace("乡镇（街道）", ""))
                start = weekday(dt.date(year, self.rng.randint(1, 12), self.rng.randint(1, 28)))
                sid = self.session(f"{short}{label}", start, hours, days=max(1, int(hours // 6)),
                                   organiser="本单位", unit_id=uid, form=form, category=category)
                if sid is None:
                    continue
                for member in self.present(uid, start, auxiliary=True):
                    if self.goes(member, 0.4 if member.auxiliary else 0.92):
                        self.attend(sid, member, hours, "合格" if form == "专题培训" else "")
            for name, hours, month in POLITICAL:
                start = weekday(dt.date(year, month, self.rng.randint(1, 25)))
                sid = self.session(f"{short}{name}", start, hours, days=1 if hours <= 6 else 2,
                                   organiser="本单位", unit_id=uid, category="政治理论")
                if sid is None:
                    continue
                for member in self.present(uid, start):
                    if self.goes(member, 1.0):
                        self.attend(sid, member, hours)
            if short in TOWNSHIPS or short in NO_MENTAL_HEALTH or short == "司法局":
                continue
            start = weekday(dt.date(year, self.rng.randint(5, 9), self.rng.randint(1, 28)))
            sid = self.session(f"{short}{self.rng.choice(MENTAL)}", start, 3.0, organiser="本单位", unit_id=uid,
                               category="行政执法技能", mental=True)
            if sid is not None:
                for member in self.present(uid, start, auxiliary=True):
                    if self.goes(member, 0.8):
                        self.attend(sid, member, 3.0, partial=0)
        start = weekday(dt.date(year, 6, self.rng.randint(10, 25)))
        sid = self.session("全区行政执法人员心理健康与压力调适讲座", start, 3.0, category="行政执法技能", mental=True)
        if sid is not None:
            for short in (*TOWNSHIPS, "司法局"):
                for member in self.present(self.ctx.units[short].id, start):
                    if self.goes(member, 0.8):
                        self.attend(sid, member, 3.0, partial=0)

    def platform(self, year: int) -> None:
        """Online courses: each officer finishes a few (the lagging units fewer). The platform's export is
        pulled at two or three dates a year, so a course's completions of one export are one session, with
        the hours the platform granted (half without the final test)."""
        end = min(dt.date(year, 12, 31), self.today)
        if end < dt.date(year, 1, 1):
            return
        batches = [[dt.date(year, month, 20) for month in sorted(self.rng.sample(range(1, 13), 3))]
                   for _ in COURSES]
        completions: dict[tuple[int, dt.date], list[tuple[Member, float, str]]] = {}
        for member in self.members:
            if member.auxiliary:
                continue
            unit = member.unit_on(end)
            if unit is None:
                continue
            count = self.rng.randint(0, 3) if self.short.get(unit) in LAGGING else self.rng.randint(4, 9)
            for course in self.rng.sample(range(len(COURSES)), count):
                day = self.rng.choice(batches[course])
                if day > end or member.unit_on(day) is None:
                    continue
                hours = COURSES[course][1]
                tested = self.rng.random() < 0.93
                completions.setdefault((course, day), []).append(
                    (member, hours if tested else hours / 2, "合格" if tested else "未考核"))
        for (course, day), rows in sorted(completions.items()):
            title, hours, category = COURSES[course]
            sid = self.session(title, day, hours, organiser="网络平台", form="网络学习", category=category,
                               source_key=f"platform:{title}:{day.isoformat()}", note=PLATFORM)
            for member, granted, result in rows:
                self.attendance.append((sid, member.id, granted, result, ""))

    # -- the step --------------------------------------------------------------------------------------
    def run(self) -> None:
        self.load_members()
        deadline = rotation_deadline()
        first_year = self.today.year - 1
        if first_year - 2 <= deadline.year < first_year and deadline < self.today:
            self.rotation(deadline.year, deadline)  # the 全员轮训 wave before the national deadline
        for year in (first_year, self.today.year):
            self.rotation(year, deadline)
            self.bureau_events(year)
            self.superior(year)
            self.own(year)
            self.platform(year)
        self.write()

    def write(self) -> None:
        if not self.sessions:  # a demo dated 1 January: nothing has ended yet
            return
        columns = list(self.sessions[0])
        names = ", ".join(c + "_id" if c == "organiser_unit" else c for c in columns)
        db.connection().executemany(
            f"INSERT INTO training_session ({names}) VALUES ({', '.join('?' * len(columns))})",
            [[TrainingSession._meta.fields[c].db_value(row[c]) for c in columns] for row in self.sessions])
        db.connection().executemany(
            "INSERT INTO attendance (session_id, officer_id, hours, result, note) VALUES (?, ?, ?, ?, ?)",
            self.attendance)
        audit.record("create", "training", None, None,
                     {"培训": len(self.sessions), "参训人次": len(self.attendance)},
                     summary=f"生成演示培训记录：{len(self.sessions)} 期培训，{len(self.attendance)} 人次参训")


def seed_training(ctx) -> None:
    TrainingDemo(ctx).run()
