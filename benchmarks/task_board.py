"""任务清单 at prefecture scale: 200 tasks × 60 units over 3 years of progress reports.

    python -m benchmarks.task_board [--runs N] [--tasks 200] [--units 60]

Builds the data with bulk inserts into a temporary database, then times (median of N runs after a
warm-up) the same core calls the 任务清单 page makes: loading every assignment with its computed status,
rolling them up per task, and each filter the clerk types or picks. With the GUI page available it also
times the page's own refresh offscreen. Budget: ≤ 100 ms for opening and for each filter.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.scale_data import add_tasks, add_units
from benchmarks.timing import timed

BUDGET_S = 0.100
def build(db_path: Path, tasks: int, units: int, seed: int = 9) -> None:
    """Units, a plan with `tasks` tasks × `units` assignments and 3 years of progress (scale_data generators)."""
    from desktop_app.core.db import db
    from desktop_app.core.session import open_session

    rng = random.Random(seed)
    session = open_session(db_path)
    try:
        with db.atomic():
            add_tasks(rng, tasks, add_units(units, "测试单位{:03d}"))
    finally:
        session.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--units", type=int, default=60)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DESKTOP_APP_DATA_DIR"] = tmp
        path = Path(tmp) / "bench.sqlite"
        start = time.perf_counter()
        build(path, args.tasks, args.units)
        print(f"生成数据：{args.tasks} 项任务 × {args.units} 个单位，3 年进展，用时 {time.perf_counter() - start:.1f} s")
        from desktop_app.core import obligations as ob
        from desktop_app.core import task_board as tb
        from desktop_app.core.session import open_session

        session = open_session(path)
        try:
            rows = tb.load_assignments()
            results = [
                ("打开：载入全部分工并计算状态", timed(tb.load_assignments, args.runs)),
                ("按任务汇总（任务列表）", timed(lambda: tb.task_rows(rows), args.runs)),
                ("筛选：单位", timed(lambda: tb.task_rows(tb.filter_rows(rows, unit_id=rows[0].unit_id)), args.runs)),
                ("筛选：状态=逾期", timed(lambda: tb.task_rows(tb.filter_rows(rows, status=ob.OVERDUE)), args.runs)),
                ("筛选：30 天内到期", timed(lambda: tb.task_rows(tb.filter_rows(rows, due_within=30)), args.runs)),
                ("筛选：搜索文字", timed(lambda: tb.task_rows(tb.filter_rows(rows, text="第17项")), args.runs)),
            ]
            results += _gui_timings(args.runs)
        finally:
            session.close()
    print(f"\n分工 {len(rows)} 条")
    failed = False
    for name, seconds in results:
        ok = seconds <= BUDGET_S
        failed |= not ok
        print(f"  {name:<24} {seconds * 1000:7.1f} ms   预算 {BUDGET_S * 1000:.0f} ms   {'PASS' if ok else 'FAIL'}")
    return 1 if failed and "--gate" in sys.argv else 0


def _gui_timings(runs: int) -> list[tuple[str, float]]:
    try:
        from desktop_app.ui.pages.tasks_page import TasksPage
    except ImportError:
        return []
    from desktop_app.ui.app import create_application
    from desktop_app.ui.data_bus import DataBus

    create_application()
    page = TasksPage(DataBus())
    return [("页面：刷新（界面）", timed(page.refresh, runs))]


if __name__ == "__main__":
    sys.exit(main())
