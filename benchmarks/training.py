"""培训学时 at prefecture scale: 20,000 officers, ~1,500 sessions over 3 years, 600,000 attendance rows.

    python -m benchmarks.training [--runs N] [--officers 20000] [--attendance 600000] [--gate]

Builds the officers and their cards with benchmarks.personnel.build, then adds their history (登记 for
everyone, a few hundred moves and departures in the last three years, so the ledger replays who served
where on the year's last day) and three years of training with raw executemany: the 司法局's 全员轮训 and
专题培训 for everyone, each unit's own trainings and 政治理论 sessions, a 心理健康 activity in most units and
online platform courses. Then times — median of N runs after a warm-up — the ledger for last year:
everyone's hours (officer_hours), one unit's summary, every unit's summary, the under-trained list, and
the personnel list's load now that it carries the 上年度学时不足 warning.
Budgets (issue 6): everyone's yearly hours ≤ 0.5 s; one unit's summary ≤ 50 ms.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.timing import timed

LEDGER_BUDGET_S = 0.500
UNIT_BUDGET_S = 0.050
COURSES = ("习近平法治思想概论", "行政执法程序规范", "行政执法中的证据规则", "行政复议与行政应诉实务",
           "优化营商环境与包容审慎监管", "行政执法与刑事司法衔接", "政府信息公开实务", "数字政府与“互联网+监管”")


def add_history(rng: random.Random, moves: int = 400, departures: int = 200) -> None:
    """登记 for every officer years ago; moves and departures in the last three years (the officer rows
    say where they are now, the history where they were before)."""
    from desktop_app.core.db import db

    today = dt.date.today()
    officers = db.execute_sql("SELECT id, unit_id FROM officer ORDER BY id").fetchall()
    unit_ids = [u for (u,) in db.execute_sql("SELECT id FROM unit ORDER BY id")]
    changes = [(oid, "登记", dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(2500)), None, uid)
               for oid, uid in officers]
    picked = rng.sample(officers, moves + departures)
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


def add_training(rng: random.Random, attendance: int) -> tuple[int, int]:
    """Three years of sessions (the current one up to today) and about `attendance` rows."""
    from desktop_app.core.db import db

    today = dt.date.today()
    stamp = dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")
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

    # per session: own trainings reach most of a unit (about 330 officers), the rest are sized to match
    share = min(1.0, attendance / 737_000)
    for year in (today.year - 2, today.year - 1, today.year):
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


def build(db_path: Path, officers: int, attendance: int, seed: int = 6) -> tuple[int, int]:
    from benchmarks import personnel
    from desktop_app.core.db import db
    from desktop_app.core.session import open_session
    from desktop_app.core.settings import set_settings

    personnel.build(db_path, officers)
    rng = random.Random(seed)
    session = open_session(db_path)
    try:
        with db.atomic():
            add_history(rng)
            counts = add_training(rng, attendance)
            set_settings({"rotation_training_deadline": f"{dt.date.today().year - 1}-06-30"})
        # no ANALYZE: the app never runs it, so the plans timed are those a clerk's database gets
    finally:
        session.close()
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--officers", type=int, default=20000)
    parser.add_argument("--attendance", type=int, default=600000)
    parser.add_argument("--gate", action="store_true")
    args = parser.parse_args(argv)
    results: list[tuple[str, float, float | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DESKTOP_APP_DATA_DIR"] = tmp
        path = Path(tmp) / "bench.sqlite"
        start = time.perf_counter()
        sessions, rows = build(path, args.officers, args.attendance)
        print(f"生成数据：{args.officers} 名执法人员，{sessions} 期培训，{rows} 条参训记录，"
              f"用时 {time.perf_counter() - start:.1f} s")
        from desktop_app.core.personnel import roster
        from desktop_app.core.session import open_session
        from desktop_app.core.training import ledger

        session = open_session(path)
        try:
            year = dt.date.today().year - 1
            first, last = ledger.year_range(year)
            summaries = ledger.unit_summaries(first, last)
            unit = max(summaries, key=lambda u: u.officers)
            short = sum(len(u.short) for u in summaries)
            print(f"{year} 年：{sum(u.officers for u in summaries)} 名在职执法人员，{len(summaries)} 个单位，"
                  f"未达 {ledger.threshold_for(first, last):g} 学时 {short} 人；最大单位 {unit.officers} 人")
            results.append((f"{year}年全员学时（officer_hours）",
                            timed(lambda: ledger.officer_hours(first, last), args.runs), LEDGER_BUDGET_S))
            results.append(("一个单位的汇总（unit_summaries）",
                            timed(lambda: ledger.unit_summaries(first, last, unit.unit_id), args.runs),
                            UNIT_BUDGET_S))
            results.append(("全部单位的汇总", timed(lambda: ledger.unit_summaries(first, last), args.runs), None))
            results.append(("学时不足名单（under_trained）", timed(lambda: ledger.under_trained(year), args.runs),
                            None))
            results.append(("人员名单载入（含上年度学时预警）",
                            timed(lambda: roster.load_roster(details=False), args.runs), None))
        finally:
            session.close()
    failed = False
    print()
    for name, seconds, budget in results:
        if budget is None:
            print(f"  {name:<28} {seconds * 1000:8.1f} ms   （报告，无单独预算）")
            continue
        ok = seconds <= budget
        failed |= not ok
        verdict = "PASS" if ok else "FAIL"
        print(f"  {name:<28} {seconds * 1000:8.1f} ms   预算 {budget * 1000:.0f} ms   {verdict}")
    return 1 if failed and args.gate else 0


if __name__ == "__main__":
    sys.exit(main())
