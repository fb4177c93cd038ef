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

from benchmarks.scale_data import add_history, add_training
from benchmarks.timing import report, timed

LEDGER_BUDGET_S = 0.500
UNIT_BUDGET_S = 0.050


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
    failed = report(results, "（报告，无单独预算）")
    return 1 if failed and args.gate else 0


if __name__ == "__main__":
    sys.exit(main())
