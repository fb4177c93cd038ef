"""Reproducible benchmark data at a county's or a prefecture's scale, written in bulk.

    from benchmarks.scale_data import COUNTY, PREFECTURE, build
    counts = build(Path("bench.sqlite"), PREFECTURE)

The database is created through the real migrations (`open_session`), then filled inside one transaction
with raw `executemany` / peewee `insert_many` (never row by row through the services): units, officers with
valid 身份证号, their 执法证 (some closed by 换证, some 暂扣 / 注销 / expiring / expired) and card events,
their history (登记, moves, departures), three years of training sessions and attendance, and a task list
(tasks × units assignments with three years of progress reports). Every generator takes a
`random.Random` with a fixed seed, so the same scale gives the same rows (dates are relative to today).

The generators are shared with `benchmarks.personnel`, `benchmarks.training` and `benchmarks.task_board`.
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉海峰宁晓东亮雪梅"
COURSES = ("习近平法治思想概论", "行政执法程序规范", "行政执法中的证据规则", "行政复议与行政应诉实务",
           "优化营商环境与包容审慎监管", "行政执法与刑事司法衔接", "政府信息公开实务", "数字政府与“互联网+监管”")
DEADLINES = [("date", "2024年6月15日前"), ("date_then_standing", "2024年2月底前并长期坚持"),
             ("standing", "长期坚持"), ("annual", "每年10月底前"), ("unspecified", "适时")]
ENFORCEMENT_UNIT = "测试执法单位{:03d}"  # the names the generated roster file (benchmarks.personnel) uses
ATTENDANCE_PER_OFFICER = 36.85  # rows per officer over three years when every session is fully attended
OLD_CARD_SHARE = 0.27  # officers on post with an older card closed by 换证 (≈ 1.16 cards per officer)


@dataclass(frozen=True)
class Scale:
    key: str  # county / prefecture
    label: str
    officers: int
    certificates: int  # about; the generator aims at it through the share of officers with an older card
    attendance: int  # about
    tasks: int
    units: int  # every unit is an enforcement unit and has a part in every task
    years: int = 3  # training and progress reports over this many years, the current one up to today
    seed: int = 9
    page_budget_s: float = 0.100  # issue 9: each page's model load
    report_budget_s: float = 0.5  # reports: 0.5 s at county (issue 9), 2 s at prefecture (our choice)


COUNTY = Scale("county", "县级", officers=2_000, certificates=2_500, attendance=60_000, tasks=43, units=40,
               page_budget_s=0.100, report_budget_s=0.5)
PREFECTURE = Scale("prefecture", "地市级", officers=20_000, certificates=25_000, attendance=600_000, tasks=200,
                   units=60, page_budget_s=0.300, report_budget_s=2.0)
SCALES = {scale.key: scale for scale in (COUNTY, PREFECTURE)}


def _stamp() -> str:
    return dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def make_id(rng: random.Random, used: set[str]) -> str:
    from desktop_app.core.id_card import id_check_character

    while True:
        born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 35 * 365))
        body = f"6403{rng.randrange(1, 30):02d}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
        number = body + id_check_character(body)
        if number not in used:
            used.add(number)
            return number


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def add_units(count: int, name: str = ENFORCEMENT_UNIT) -> list[int]:
    """`count` enforcement units named name.format(i); their ids in order."""
    from desktop_app.core.db import db

    stamp = _stamp()
    before = db.execute_sql("SELECT coalesce(max(id), 0) FROM unit").fetchone()[0]
    db.connection().executemany(
        "INSERT INTO unit (name, short_name, kind, sort_order, note, created_at, updated_at) "
        "VALUES (?, '', 'enforcement', ?, '', ?, ?)", [(name.format(i), i, stamp, stamp) for i in range(count)])
    return [row[0] for row in db.execute_sql("SELECT id FROM unit WHERE id > ? ORDER BY id", (before,))]


def add_officers(rng: random.Random, unit_ids: list[int], count: int) -> None:
    """Officers with valid 身份证号: 8 % 辅助人员 (not on an enforcement post), 5 % 法制审核, 3 % retired."""
    from desktop_app.core.db import db

    stamp = _stamp()
    used: set[str] = set()
    rows = []
    for _ in range(count):
        number = make_id(rng, used)
        aux = rng.random() < 0.08
        rows.append((rng.choice(unit_ids), person_name(rng), number, "男" if int(number[16]) % 2 else "女",
                     f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
                     "编外·辅助人员" if aux else "行政编制公务员", 0 if aux else 1, "市场监管",
                     int(rng.random() < 0.05), "在职" if rng.random() > 0.03 else "退休", stamp, stamp))
    db.connection().executemany(
        "INSERT INTO officer (unit_id, name, id_number, gender, birth_date, category, on_enforcement_post, "
        "law_field, is_legal_reviewer, status, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)


def add_certificates(rng: random.Random, old_share: float = OLD_CARD_SHARE) -> int:
    """One current card per officer on an enforcement post (some expiring early), an older card closed by
    换证 for `old_share` of them, 3 % 暂扣 and 2 % 注销; returns the number of cards."""
    from desktop_app.core.db import db

    today = dt.date.today()
    stamp = _stamp()
    officer_ids = [row[0] for row in db.execute_sql("SELECT id FROM officer WHERE on_enforcement_post = 1")]
    card_id = db.execute_sql("SELECT coalesce(max(id), 0) FROM certificate").fetchone()[0]
    cards, events = [], []
    for oid in officer_ids:
        issued = today - dt.timedelta(days=rng.randrange(30, 5 * 365))
        if rng.random() < old_share:  # an older card closed by 换证 on the new card's issue day
            card_id += 1
            old_issued = issued - dt.timedelta(days=5 * 365)
            cards.append((card_id, oid, f"64{card_id:08d}", "宁夏回族自治区人民政府", old_issued,
                          old_issued + dt.timedelta(days=5 * 365), stamp))
            events += [(card_id, "issue", old_issued, ""), (card_id, "renew", issued, "换发新证")]
        card_id += 1
        cards.append((card_id, oid, f"64{card_id:08d}", "宁夏回族自治区人民政府", issued,
                      issued + dt.timedelta(days=5 * 365 - rng.choice((0, 0, 0, 400))), stamp))
        events.append((card_id, "issue", issued, ""))
        roll = rng.random()
        if roll < 0.03:
            events.append((card_id, "suspend", issued + dt.timedelta(days=10), "被投诉查实"))
        elif roll < 0.05:
            events.append((card_id, "cancel", issued + dt.timedelta(days=10), "调离"))
    db.connection().executemany(
        "INSERT INTO certificate (id, officer_id, kind, number, issuer, issued_on, valid_until, created_at) "
        "VALUES (?, ?, 'law', ?, ?, ?, ?, ?)", cards)
    db.connection().executemany(
        "INSERT INTO certificate_event (certificate_id, kind, on_date, reason, entered_by, entered_at) "
        "VALUES (?, ?, ?, ?, '基准', datetime('now'))", events)
    return len(cards)


def add_history(rng: random.Random, moves: int = 400, departures: int = 200) -> None:
    """登记 for every officer years ago; moves and departures in the last three years (the officer rows
    say where they are now, the history where they were before)."""
    from desktop_app.core.db import db

    today = dt.date.today()
    officers = db.execute_sql("SELECT id, unit_id FROM officer ORDER BY id").fetchall()
    unit_ids = [u for (u,) in db.execute_sql("SELECT id FROM unit ORDER BY id")]
    changes = [(oid, "登记", dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(2500)), None, uid)
               for oid, uid in officers]
    picked = rng.sample(officers, min(len(officers), moves + departures))
    for oid, uid in picked[:moves]:
        origin = rng.choice([u for u in unit_ids if u != uid])
        changes.append((oid, "调动", today - dt.timedelta(days=rng.randrange(30, 3 * 365)), origin, uid))
    leaving = []
    for oid, uid in picked[moves:]:
        kind = rng.choice(("调离", "退休", "辞职"))
        changes.append((oid, kind, today - dt.timedelta(days=rng.randrange(30, 3 * 365)), uid, None))
        leaving.append((kind, oid))
    db.connection().executemany(
        "INSERT INTO officer_change (officer_id, kind, on_date, from_unit_id, to_unit_id, reason, "
        "doc_number, entered_by, entered_at) VALUES (?, ?, ?, ?, ?, '', '', '基准', datetime('now'))",
        [(o, k, d.isoformat(), f, t) for o, k, d, f, t in changes])
    db.connection().executemany("UPDATE officer SET status = ? WHERE id = ?", leaving)


def add_training(rng: random.Random, attendance: int, years: int = 3) -> tuple[int, int]:
    """`years` years of sessions (the current one up to today) and about `attendance` rows: the 司法局's
    全员轮训 and 专题培训 for everyone, each unit's own trainings, 政治理论 and 心理健康 sessions, and online
    platform courses. Returns (sessions, attendance rows)."""
    from desktop_app.core.db import db

    today = dt.date.today()
    stamp = _stamp()
    by_unit: dict[int, list[int]] = {}
    for oid, uid in db.execute_sql("SELECT id, unit_id FROM officer ORDER BY id"):
        by_unit.setdefault(uid, []).append(oid)
    everyone = [oid for members in by_unit.values() for oid in members]
    sessions: list[tuple] = []
    rows: list[tuple] = []

    def session(name, organiser, unit_id, form, category, start, days, hours, rotation=0, mental=0, key=None):
        end = start + dt.timedelta(days=days - 1)
        if end > today:
            return None
        sessions.append((len(sessions) + 1, name, organiser, unit_id, form, category, start.isoformat(),
                         end.isoformat(), hours, rotation, mental, key, "", stamp))
        return len(sessions)

    def attend(sid, officers, share, hours):
        for oid in officers:
            if rng.random() < share:
                rows.append((sid, oid, hours if rng.random() > 0.04 else hours / 2, "合格", ""))

    share = min(1.0, attendance / (ATTENDANCE_PER_OFFICER * max(1, len(everyone))) * 3 / years)
    for year in range(today.year - years + 1, today.year + 1):
        for n in range(4):
            sid = session(f"{year}年度全员轮训（第{n + 1}期）", "司法局", None, "集中轮训", "公共法律知识",
                          dt.date(year, 3 + n, 10), 3, 18.0, rotation=1)
            if sid:
                attend(sid, everyone[n::4], 0.9 * share, 18.0)
        for n in range(4):
            sid = session(f"{year}年专题培训{n + 1}", "司法局", None, "专题培训", "业务知识",
                          dt.date(year, 2 + 3 * n, 15), 1, 6.0)
            if sid:
                attend(sid, everyone, 0.5 * share, 6.0)
        for uid, members in by_unit.items():
            for n in range(6):  # four one-day courses, two of two days
                days = 2 if n % 3 == 2 else 1
                sid = session(f"单位{uid}业务培训{year}-{n + 1}", "本单位", uid, "专题培训",
                              rng.choice(("业务知识", "行政执法技能", "公共法律知识")),
                              dt.date(year, 1 + 2 * n, rng.randint(1, 27)), days, 6.0 * days)
                if sid:
                    attend(sid, members, 0.9 * share, 6.0 * days)
            sid = session(f"单位{uid}专题党课{year}", "本单位", uid, "专题培训", "政治理论",
                          dt.date(year, 6, rng.randint(1, 28)), 1, 4.0)
            if sid:
                attend(sid, members, 0.9 * share, 4.0)
            if rng.random() < 0.9:
                sid = session(f"单位{uid}心理健康讲座{year}", "本单位", uid, "专题培训", "行政执法技能",
                              dt.date(year, 9, rng.randint(1, 28)), 1, 3.0, mental=1)
                if sid:
                    attend(sid, members, 0.7 * share, 3.0)
        for course in COURSES:
            for month in (4, 8, 12):
                day = dt.date(year, month, 20)
                sid = session(course, "网络平台", None, "网络学习", "业务知识", day, 1, 2.0,
                              key=f"platform:{course}:{day.isoformat()}")
                if sid:
                    attend(sid, everyone, 0.12 * share, 2.0)
    db.connection().executemany(
        "INSERT INTO training_session (id, name, organiser, organiser_unit_id, form, category, start_date, "
        "end_date, default_hours, is_rotation, is_mental_health, source_key, note, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", sessions)
    db.connection().executemany(
        "INSERT INTO attendance (session_id, officer_id, hours, result, note) VALUES (?, ?, ?, ?, ?)", rows)
    return len(sessions), len(rows)


def add_tasks(rng: random.Random, tasks: int, unit_ids: list[int], years: int = 3) -> tuple[int, int, int]:
    """A three-year plan (2023–2025, six sections) with `tasks` tasks, every unit with a part in each
    (牵头 / 责任 / 配合 in turn), and progress reports over the last `years` years (60 % of the parts
    report in a year). Returns (plan id, assignments, progress reports)."""
    from desktop_app.core.models import Assignment, Plan, PlanSection, Progress, Task, now

    plan = Plan.create(title="基准方案", start_year=2023, end_year=2025, issued_on=dt.date(2023, 12, 1))
    sections = [PlanSection.create(plan=plan, number=f"（{i}）", title=f"第{i}部分", sort_order=i)
                for i in range(1, 7)]
    task_rows = []
    for n in range(tasks):
        kind, text = DEADLINES[n % len(DEADLINES)]
        task_rows.append((plan.id, sections[n % 6].id, str(n + 1), f"第{n + 1}项任务的内容" * 4, text, kind,
                          dt.date(2024, 6, 15) if kind in ("date", "date_then_standing") else None,
                          10 if kind == "annual" else None, n))
    Task.insert_many(task_rows, fields=[Task.plan, Task.section, Task.number, Task.content, Task.deadline_text,
                                        Task.deadline_kind, Task.due_date, Task.due_month,
                                        Task.sort_order]).execute()
    task_ids = [t for (t,) in Task.select(Task.id).where(Task.plan == plan).tuples()]
    roles = ["lead", "responsible", "cooperating"]
    Assignment.insert_many([(t, u, roles[(t + u) % 3]) for t in task_ids for u in unit_ids],
                           fields=[Assignment.task, Assignment.unit, Assignment.role]).execute()
    this_year = dt.date.today().year
    stamp = now()
    reports = []
    for (aid,) in Assignment.select(Assignment.id).join(Task).where(Task.plan == plan).tuples():
        for year in range(this_year - years + 1, this_year + 1):
            if rng.random() < 0.6:
                reports.append((aid, f"{year}年", rng.choice(["推进中", "已完成", "本期已落实"]),
                                dt.date(year, rng.randint(1, 10), rng.randint(1, 28)), "进展说明", "基准", stamp))
    for start in range(0, len(reports), 5000):
        Progress.insert_many(reports[start:start + 5000],
                             fields=[Progress.assignment, Progress.period, Progress.state, Progress.on_date,
                                     Progress.text, Progress.entered_by, Progress.entered_at]).execute()
    return plan.id, len(task_ids) * len(unit_ids), len(reports)


def build(db_path: Path, scale: Scale) -> dict:
    """A new database at `db_path` with every kind of data at `scale`, in one transaction; the counts."""
    from desktop_app.core.db import db
    from desktop_app.core.session import open_session
    from desktop_app.core.settings import set_settings

    rng = random.Random(scale.seed)
    session = open_session(db_path)
    try:
        with db.atomic():
            unit_ids = add_units(scale.units)
            add_officers(rng, unit_ids, scale.officers)
            on_post = db.execute_sql("SELECT count(*) FROM officer WHERE on_enforcement_post = 1").fetchone()[0]
            old_share = min(1.0, max(0.0, scale.certificates / max(1, on_post) - 1))
            cards = add_certificates(rng, old_share)
            add_history(rng, moves=scale.officers // 50, departures=scale.officers // 100)
            sessions, attendance = add_training(rng, scale.attendance, scale.years)
            plan_id, assignments, reports = add_tasks(rng, scale.tasks, unit_ids, scale.years)
            set_settings({"rotation_training_deadline": f"{dt.date.today().year - 1}-06-30"})
        # no ANALYZE: the app never runs it, so the plans timed are those a clerk's database gets
    finally:
        session.close()
    return {"units": len(unit_ids), "officers": scale.officers, "certificates": cards, "sessions": sessions,
            "attendance": attendance, "plan_id": plan_id, "tasks": scale.tasks, "assignments": assignments,
            "progress": reports}
