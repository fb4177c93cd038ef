"""执法人员与证件 at prefecture scale: 20,000 officers, 25,000 certificates (issue 5 budgets).

    python -m benchmarks.personnel [--runs N] [--officers 20000] [--gate]

Builds the data with bulk inserts into a temporary database (officers with valid 身份证号, one card each,
a fifth of them with an older card closed by 换证, some 暂扣 / 注销 / expired), then times — median of N
runs after a warm-up — the same calls the 执法人员 page makes: loading the roster with every card's status
and warnings, each filter as the clerk types, and (when the GUI is importable) the page's own refresh.
It also times a 20,000-row roster import (parse + validate + commit) through the importer the CLI uses.
Budgets: list open and each filter ≤ 100 ms; import ≤ 4 s.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import scale_data
from benchmarks.scale_data import make_id, person_name
from benchmarks.timing import report, timed

LIST_BUDGET_S = 0.100
LOAD_BUDGET_S = 0.300  # issue 9: a page's model load at prefecture scale
IMPORT_BUDGET_S = 4.0


def build(db_path: Path, officers: int, units: int = 60, seed: int = 5) -> None:
    """Units, officers and their cards (benchmarks.scale_data generators) in one transaction."""
    from desktop_app.core.db import db
    from desktop_app.core.session import open_session

    rng = random.Random(seed)
    session = open_session(db_path)
    try:
        with db.atomic():
            unit_ids = scale_data.add_units(units)
            scale_data.add_officers(rng, unit_ids, officers)
            scale_data.add_certificates(rng)
    finally:
        session.close()


def write_roster_file(path: Path, count: int, seed: int = 11) -> None:
    """A unit's roster as they send it: title row, header, 20k people of the benchmark units."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    used: set[str] = set()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("执法人员")
    sheet.append(["执法人员名册"])
    sheet.append(["序号", "单位", "姓名", "性别", "公民身份号码", "人员类别", "执法领域", "联系电话"])
    for n in range(count):
        number = make_id(rng, used)
        sheet.append([n + 1, f"测试执法单位{n % 60:03d}", person_name(rng), "男" if int(number[16]) % 2 else "女",
                      number, "行政编制公务员", "市场监管",
                      f"139{rng.randrange(10**7, 10**8)}"])
    book.save(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--officers", type=int, default=20000)
    parser.add_argument("--gate", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    results: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["DESKTOP_APP_DATA_DIR"] = tmp
        path = Path(tmp) / "bench.sqlite"
        start = time.perf_counter()
        build(path, args.officers)
        print(f"生成数据：{args.officers} 名执法人员，用时 {time.perf_counter() - start:.1f} s")
        from desktop_app.core.personnel import roster
        from desktop_app.core.personnel.cert_status import card_statuses
        from desktop_app.core.session import open_session

        session = open_session(path)
        try:
            from desktop_app.core.db import db

            cards = db.execute_sql("SELECT count(*) FROM certificate").fetchone()[0]
            print(f"证件 {cards} 个")
            rows = roster.load_roster()
            results.append(("其中：全部证件当日状态", timed(lambda: card_statuses(dt.date.today()), args.runs),
                            None))
            results.append(("打开：载入名册、证件状态和预警", timed(
                lambda: roster.load_roster(details=False), args.runs), LOAD_BUDGET_S))
            cache = roster.RosterCache()
            results.append(("再次打开（数据未变）", timed(cache.rows, args.runs), LIST_BUDGET_S))
            typed = ""
            for ch in rows[len(rows) // 2].name:
                typed += ch
                results.append((f"搜索输入“{typed}”", timed(
                    lambda t=typed: roster.filter_rows(rows, roster.RosterFilter(text=t)), args.runs), LIST_BUDGET_S))
            results.append(("筛选：单位", timed(lambda: roster.filter_rows(
                rows, roster.RosterFilter(unit_id=rows[0].unit_id)), args.runs), LIST_BUDGET_S))
            results.append(("筛选：预警=证件即将到期", timed(lambda: roster.filter_rows(
                rows, roster.RosterFilter(alert="expiring")), args.runs), LIST_BUDGET_S))
            results += _gui_timings(args.runs)
            results += _import_timing(Path(tmp), path)
        finally:
            session.close()
    failed = report(results)
    return 1 if failed and args.gate else 0


def _gui_timings(runs: int) -> list[tuple[str, float, float | None]]:
    """The page as the clerk meets it: from reload() until the rows are on screen (the load runs on a
    worker thread above 5,000 officers), and how long the window itself is blocked while rows are applied."""
    if importlib.util.find_spec("desktop_app.ui.pages.personnel_page") is None:
        return []
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui import roster_loader
    from desktop_app.ui.app import create_application
    from desktop_app.ui.data_bus import DataBus
    from desktop_app.ui.pages.personnel_page import PersonnelPage

    create_application()
    page = PersonnelPage(DataBus())
    page.resize(1366, 800)
    page.show()
    blocked: list[float] = []
    apply_rows = page._loaded

    def timed_apply(prepared) -> None:
        start = time.perf_counter()
        apply_rows(prepared)
        blocked.append(time.perf_counter() - start)

    page._loaded = timed_apply

    def open_page(cold: bool) -> None:
        if cold:
            roster_loader.forget()
        page.reload()
        while page.is_loading():
            QApplication.processEvents(QEventLoop.WaitForMoreEvents)  # idle like the real event loop

    cold = timed(lambda: open_page(True), runs)
    cold_blocked = statistics.median(blocked[1:])
    blocked.clear()
    warm = timed(lambda: open_page(False), runs)
    page.search.setText("魏")
    typed = timed(page.apply_filters, runs)
    page.close()
    return [("页面：打开（载入至显示）", cold, LOAD_BUDGET_S),
            ("其中：界面线程被占用", cold_blocked, None),
            ("页面：再次打开（数据未变）", warm, LIST_BUDGET_S),
            ("页面：搜索“魏”后刷新列表", typed, LIST_BUDGET_S)]


def _import_timing(tmp: Path, db_path: Path) -> list[tuple[str, float, float]]:
    if importlib.util.find_spec("desktop_app.core.personnel.roster_import") is None:
        return []
    import subprocess

    source = tmp / "roster20k.xlsx"
    write_roster_file(source, 20000)
    # The CLI path: a fresh process per run, so the commit really inserts 20k people each time.
    samples = []
    for run in range(3):
        target = tmp / f"import{run}.sqlite"
        build(target, 0)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "desktop_app", "import-personnel", str(source), "--db",
                               str(target)], check=False, capture_output=True, text=True, encoding="utf-8")
        samples.append(time.perf_counter() - start)
        if done.returncode != 0:
            print(done.stdout[-2000:], done.stderr[-2000:])
            raise SystemExit("名册导入失败")
    return [("导入 20,000 行名册（命令行，含进程启动）", statistics.median(samples), IMPORT_BUDGET_S)]


if __name__ == "__main__":
    sys.exit(main())
