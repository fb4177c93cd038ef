"""One benchmark run over every operation with a budget (issue 9), at county and/or prefecture scale.

    python -m benchmarks [--scale county|prefecture|both] [--runs N] [--json PATH] [--only NAME ...]
                         [--no-gate] [--smoke]

For each scale the data is generated (fixed seed, benchmarks.scale_data) into a temporary database created
through the real migrations, then each operation is timed through the same core calls the GUI / CLI make
(median of N runs after one warm-up) and, where cheap, the page itself offscreen. Prints a table
(operation, scale, median, budget, ratio, PASS/FAIL) and writes it as JSON.

Exit status: 0 every budget met (or --no-gate / --smoke); 1 a budget missed; 2 an operation crashed.
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks import scale_data
from benchmarks.scale_data import SCALES, Scale
from benchmarks.timing import samples

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = REPO_ROOT / "benchmarks" / "results" / "benchmarks.json"
# seed 004 (红寺堡区任务分工方案), shipped byte for byte as the demo's task list: no checkout outside the repo needed
SEED_004 = REPO_ROOT / "resources" / "demo" / "红寺堡区提升行政执法质量三年行动任务分工方案.txt"
COLD_START_RATIO = 1.3
UPWARD_RATIO = 1.2
FILTER_BUDGET_S = 0.100
LEDGER_BUDGET_S = 0.500
UNIT_SUMMARY_BUDGET_S = 0.050
IMPORT_BUDGET_S = 4.0
TASK_IMPORT_BUDGET_S = 0.300
MEMORY_BUDGET_MB = 400.0
ONCE = "—"  # the scale column of operations measured once

PASS, FAIL, INFO, MISSING, ERROR = "PASS", "FAIL", "INFO", "未实现", "ERROR"


class NotImplementedYet(Exception):
    """The product code this operation calls does not exist yet."""


@dataclass
class Result:
    key: str
    label: str
    scale: str
    value: float | None = None  # seconds, or MB for memory
    budget: float | None = None
    budget_text: str = ""
    unit: str = "s"
    status: str = INFO
    samples: list[float] = field(default_factory=list)
    note: str = ""
    detail: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.budget:
            return None
        return self.value / self.budget

    def judge(self) -> Result:
        if self.budget is not None and self.value is not None:
            self.status = PASS if self.value <= self.budget else FAIL
        return self

    def as_json(self) -> dict:
        r = lambda v: None if v is None else round(v, 4)
        return {"key": self.key, "operation": self.label, "scale": self.scale, "unit": self.unit,
                "median": r(self.value), "budget": r(self.budget), "budget_text": self.budget_text,
                "ratio": r(self.ratio), "status": self.status, "samples": [r(s) for s in self.samples],
                "note": self.note, **({"detail": self.detail} if self.detail else {})}


@dataclass
class Context:
    scale: Scale | None
    runs: int
    tmp: Path
    db_path: Path | None = None
    counts: dict = field(default_factory=dict)
    cache: dict = field(default_factory=dict)

    @property
    def scale_key(self) -> str:
        return self.scale.key if self.scale else ONCE


@dataclass
class Operation:
    key: str
    scales: tuple[str, ...]  # county / prefecture, or (ONCE,)
    run: Callable[[Context], list[Result]]


def median_result(ctx: Context, key: str, label: str, fn, budget: float | None, budget_text: str = "",
                  runs: int | None = None) -> Result:
    times = samples(fn, runs or ctx.runs)
    text = budget_text or (f"≤ {budget * 1000:.0f} ms" if budget is not None and budget < 1 else
                           f"≤ {budget:g} s" if budget is not None else "—")
    return Result(key, label, ctx.scale_key, statistics.median(times), budget, text, samples=times).judge()


# ---------------------------------------------------------------- once: cold start, task list import

def op_cold_start(ctx: Context) -> list[Result]:
    from benchmarks import cold_start as cs

    data_dir = ctx.tmp / "cold_start"
    data_dir.mkdir(exist_ok=True)
    script = data_dir / "reference_window.py"
    script.write_text(cs.REFERENCE_SCRIPT, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKTOP_APP_DATA_DIR=str(data_dir))
    app = cs.Subject("应用 desktop_app", [sys.executable, "-m", "desktop_app", "--demo", "--db",
                                          str(data_dir / "demo.sqlite"), "--quit-after-shown"])
    ref = cs.Subject("参照 空白窗口", [sys.executable, str(script)])
    try:
        app.warmup_s = cs.time_once(app, env)  # also creates the demo database
        ref.warmup_s = cs.time_once(ref, env)
        for _ in range(ctx.runs):
            ref.times_s.append(cs.time_once(ref, env))
            app.times_s.append(cs.time_once(app, env))
    except cs.RunFailed as exc:
        raise RuntimeError(f"{exc.label}: {exc.detail}\n{cs._tail(exc.stderr)}") from None
    budget = COLD_START_RATIO * ref.median_s
    return [Result("cold_start", "冷启动至主窗口显示（演示数据库，offscreen）", ONCE, app.median_s, budget,
                   f"≤ 1.3 × 参照 {ref.median_s:.3f} s", samples=app.times_s,
                   detail={"app": app.summary(), "reference": ref.summary()}).judge()]


def op_task_import(ctx: Context) -> list[Result]:
    from desktop_app.core.session import open_session
    from desktop_app.core.task_import import (
        commit_task_import,
        guess_plan,
        preview_task_import,
        settle_unknown_by_creating,
    )

    if not SEED_004.is_file():
        raise FileNotFoundError(f"找不到种子文档 {SEED_004}")
    template = ctx.tmp / "empty.sqlite"
    open_session(template).close()  # the real migrations, once; each run imports into a fresh copy
    counter = iter(range(10_000))

    def one() -> None:
        target = ctx.tmp / f"task_import{next(counter)}.sqlite"
        shutil.copyfile(template, target)
        session = open_session(target)
        try:
            start = time.perf_counter()
            preview = preview_task_import(SEED_004)
            settle_unknown_by_creating(preview)  # import-tasks --create-missing-units
            commit_task_import(preview, guess_plan(preview))
            times.append(time.perf_counter() - start)
            tasks.append(len(preview.parsed.tasks))
        finally:
            session.close()

    times: list[float] = []
    tasks: list[int] = []
    for _ in range(ctx.runs + 1):
        one()
    measured = times[1:]
    return [Result("task_import", f"导入任务清单 种子 004（{tasks[-1]} 项，解析+预览+写入）", ONCE,
                   statistics.median(measured), TASK_IMPORT_BUDGET_S, "≤ 300 ms", samples=measured).judge()]


# ---------------------------------------------------------------- per scale: core loads each page makes

def _session(ctx: Context):
    from desktop_app.core.session import open_session

    if "session" not in ctx.cache:
        ctx.cache["session"] = open_session(ctx.db_path)
    return ctx.cache["session"]


def _gui(ctx: Context):
    """The QApplication (offscreen) and a data bus; None when the GUI cannot be imported."""
    if importlib.util.find_spec("PySide6") is None:
        return None
    from desktop_app.ui.app import create_application
    from desktop_app.ui.data_bus import DataBus

    create_application()
    if "bus" not in ctx.cache:
        ctx.cache["bus"] = DataBus()
    return ctx.cache["bus"]


def _wait(condition: Callable[[], bool], timeout_s: float = 120.0) -> None:
    """Run the event loop, idle-waiting like the real one, until `condition()` holds.

    `processEvents(WaitForMoreEvents, ms)` does not wait (with a time limit Qt drops the flag): the GUI
    thread would spin in Python and take the GIL from the worker it waits for, doubling a worker's time.
    A 50 ms timer wakes the truly waiting loop for the deadline check instead."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    deadline = time.monotonic() + timeout_s
    tick = QTimer()
    tick.start(50)
    try:
        QApplication.processEvents()
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError("页面载入超时")
            QApplication.processEvents(QEventLoop.WaitForMoreEvents)
    finally:
        tick.stop()


def _page_budget(ctx: Context) -> float:
    return ctx.scale.page_budget_s


def _ledger_period(ctx: Context) -> tuple[dt.date, dt.date]:
    from desktop_app.core.training.ledger import year_range

    return year_range(dt.date.today().year - 1)  # the last full year


def op_tasks_page(ctx: Context) -> list[Result]:
    from desktop_app.core.task_board import load_assignments, task_rows

    _session(ctx)
    plan_id = ctx.counts["plan_id"]
    out = [median_result(ctx, "page.tasks.core", "任务清单页：载入分工、计算状态、按任务汇总（核心）",
                         lambda: task_rows(load_assignments(plan_id), include_unassigned=True, plan_id=plan_id),
                         _page_budget(ctx))]
    if _gui(ctx) is not None:
        from desktop_app.ui.pages.tasks_page import TasksPage

        page = TasksPage(ctx.cache["bus"])
        page.resize(1366, 800)
        out.append(median_result(ctx, "page.tasks.ui", "任务清单页：刷新（界面，含核心）", page.refresh,
                                 _page_budget(ctx)))
        page.close()
        page.deleteLater()
    return out


def op_personnel_page(ctx: Context) -> list[Result]:
    from desktop_app.core.personnel.roster import load_roster

    _session(ctx)
    out = []
    if _gui(ctx) is None:
        return [median_result(ctx, "page.personnel.core", "执法人员页：载入名册、证件状态和预警（核心）",
                              lambda: load_roster(details=False), _page_budget(ctx))]
    from desktop_app.ui import roster_loader
    from desktop_app.ui.pages.personnel_page import PersonnelPage
    from desktop_app.ui.table_models.personnel_models import prepare

    out.append(median_result(ctx, "page.personnel.core", "执法人员页：载入名册、证件状态和预警（核心）",
                             lambda: prepare(load_roster(details=False)), _page_budget(ctx)))
    page = PersonnelPage(ctx.cache["bus"])
    page.resize(1366, 800)
    page.show()

    def open_cold() -> None:
        roster_loader.forget()
        page.reload()
        _wait(lambda: not page.is_loading())

    out.append(median_result(ctx, "page.personnel.ui", "执法人员页：打开（载入至显示，含核心）", open_cold,
                             _page_budget(ctx)))
    ctx.cache["personnel_page"] = page
    return out


def op_training_page(ctx: Context) -> list[Result]:
    from desktop_app.core.training.queries import compute_ledger, list_sessions

    _session(ctx)
    start, end = _ledger_period(ctx)
    budget = _page_budget(ctx)
    out = [median_result(ctx, "page.training.sessions.core", "培训学时页·培训班次：列出年度班次（核心）",
                         lambda: list_sessions(start, end), budget),
           median_result(ctx, "page.training.ledger.core", "培训学时页·人员学时/单位汇总：年度台账（核心）",
                         lambda: compute_ledger(start, end), budget)]
    if _gui(ctx) is not None:
        from desktop_app.ui.pages.training_page import TrainingPage

        page = TrainingPage(ctx.cache["bus"])
        page.resize(1366, 800)
        page.period.set_year(start.year, quiet=True)
        page.sessions.set_period(start, end)
        ledger = compute_ledger(start, end)
        out += [median_result(ctx, "page.training.sessions.ui", "培训学时页·培训班次：刷新（界面，含核心）",
                              page.sessions.reload, budget),
                median_result(ctx, "page.training.officers.ui", "培训学时页·人员学时：显示台账（界面，不含核心）",
                              lambda: page.officers.set_ledger(ledger), budget),
                median_result(ctx, "page.training.units.ui", "培训学时页·单位汇总：显示台账（界面，不含核心）",
                              lambda: page.units.set_ledger(ledger), budget)]
        page.close()
        page.deleteLater()
    return out


def op_units_page(ctx: Context) -> list[Result]:
    from desktop_app.core.units import list_units

    _session(ctx)
    out = [median_result(ctx, "page.units.core", "单位管理页：列出单位（核心）", list_units, _page_budget(ctx))]
    if _gui(ctx) is not None:
        from desktop_app.ui.pages.units_page import UnitsPage

        page = UnitsPage(ctx.cache["bus"])
        out.append(median_result(ctx, "page.units.ui", "单位管理页：刷新（界面，含核心）", page.refresh,
                                 _page_budget(ctx)))
        page.close()
        page.deleteLater()
    return out


def op_dashboard(ctx: Context) -> list[Result]:
    from desktop_app.core.dashboard_figures import personnel_figures, task_figures, training_figures
    from desktop_app.core.models import UnitGroup
    from desktop_app.core.settings import all_settings
    from desktop_app.core.training.ledger import year_range
    from desktop_app.core.units import count_units

    _session(ctx)

    def core() -> None:  # every card, nothing cached: what the 工作台 computes after a data change
        settings = all_settings()
        count_units()
        UnitGroup.select().count()
        task_figures()  # the dashboard's aggregates (core/dashboard_figures.py), not the pages' row lists
        personnel_figures()
        training_figures(*year_range(int(settings["current_year"])))

    out = [median_result(ctx, "page.dashboard.core", "工作台：全部卡片（单位、任务、名册、当年台账，核心）",
                         core, _page_budget(ctx))]
    if _gui(ctx) is not None:
        from desktop_app.ui import roster_loader, training_loader
        from desktop_app.ui.pages.dashboard_page import DashboardPage

        page = DashboardPage()
        page.resize(1366, 800)
        page.show()
        _wait(lambda: True)

        def settled() -> bool:
            return not (page._personnel_stale or page._training_stale or page._personnel_job is not None
                        or page._training_job is not None)

        def charts_idle() -> bool:  # the charts are drawn on worker threads after the cards (not timed)
            return not any(view.busy() for view in getattr(page, "charts", {}).values()
                           if hasattr(view, "busy"))

        def calm() -> None:
            end = time.monotonic() + 0.3  # a chart's draw may be scheduled a moment after its data arrive
            while time.monotonic() < end or not charts_idle():
                _wait(lambda: time.monotonic() >= end or not charts_idle(), timeout_s=60)
                if time.monotonic() >= end and charts_idle():
                    break

        times = []
        for run in range(ctx.runs + 1):
            calm()  # the previous run's charts must not compete with this run's loads
            roster_loader.forget()
            training_loader.forget()
            start = time.perf_counter()
            page.refresh()
            _wait(settled)
            if run:
                times.append(time.perf_counter() - start)
        out.append(Result("page.dashboard.ui", "工作台：刷新至各卡片显示（界面，含核心，不含图表绘制）", ctx.scale_key,
                          statistics.median(times), _page_budget(ctx),
                          f"≤ {_page_budget(ctx) * 1000:.0f} ms", samples=times).judge())
        calm()
        page.close()
        page.deleteLater()
    return out


# ---------------------------------------------------------------- prefecture: filters, ledger, import

def op_personnel_filter(ctx: Context) -> list[Result]:
    from desktop_app.core.personnel import roster

    _session(ctx)
    rows = roster.load_roster(details=False)
    name = rows[len(rows) // 2].name
    worst, typed, worst_samples, worst_text = 0.0, "", [], ""
    for ch in name:
        typed += ch
        times = samples(lambda t=typed: roster.filter_rows(rows, roster.RosterFilter(text=t)), ctx.runs)
        if statistics.median(times) >= worst:
            worst, worst_samples, worst_text = statistics.median(times), times, typed
    out = [Result("personnel.filter.core", f"执法人员：边输入边搜索（核心，“{name}”逐字取最慢）", ctx.scale_key,
                  worst, FILTER_BUDGET_S, "≤ 100 ms", samples=worst_samples, note=f"最慢：“{worst_text}”").judge()]
    page = ctx.cache.get("personnel_page")
    if page is not None:
        page.search.setText(name[0])
        out.append(median_result(ctx, "personnel.filter.ui", f"执法人员页：输入“{name[0]}”后刷新列表（界面）",
                                 page.apply_filters, FILTER_BUDGET_S))
        page.search.clear()
    return out


def op_training_ledger(ctx: Context) -> list[Result]:
    from desktop_app.core.training import ledger

    _session(ctx)
    first, last = _ledger_period(ctx)
    summaries = ledger.unit_summaries(first, last)
    unit = max(summaries, key=lambda u: u.officers)
    return [median_result(ctx, "training.ledger_year", f"全部人员 {first.year} 年度学时（officer_hours）",
                          lambda: ledger.officer_hours(first, last), LEDGER_BUDGET_S),
            median_result(ctx, "training.unit_summary", f"一个单位的培训汇总（{unit.officers} 人）",
                          lambda: ledger.unit_summaries(first, last, unit.unit_id), UNIT_SUMMARY_BUDGET_S)]


def op_roster_import(ctx: Context) -> list[Result]:
    """The CLI path: a fresh process per run (parse + validate + commit of 20,000 rows, process start
    included), each into a new database holding only the units."""
    from benchmarks import personnel

    source = ctx.tmp / "roster20k.xlsx"
    personnel.write_roster_file(source, 20000)
    template = ctx.tmp / "import_template.sqlite"
    personnel.build(template, 0)
    times = []
    for run in range(ctx.runs + 1):
        target = ctx.tmp / f"import{run}.sqlite"
        shutil.copyfile(template, target)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "desktop_app", "import-personnel", str(source), "--db",
                               str(target)], check=False, capture_output=True, text=True, encoding="utf-8",
                              cwd=REPO_ROOT)
        times.append(time.perf_counter() - start)
        if done.returncode != 0:
            raise RuntimeError(f"import-personnel 退出码 {done.returncode}\n{done.stdout[-1500:]}{done.stderr[-1500:]}")
    return [Result("roster_import", "导入 20,000 行名册（命令行 import-personnel，含进程启动）", ctx.scale_key,
                   statistics.median(times[1:]), IMPORT_BUDGET_S, "≤ 4 s", samples=times[1:]).judge()]


# ---------------------------------------------------------------- reports, upward workbook

def _report(ctx: Context, kind: str, label: str, **kwargs) -> Result:
    from desktop_app.core.reports import catalog

    key = f"report.{kind}"
    budget = ctx.scale.report_budget_s
    module = f"desktop_app.core.reports.{catalog.KINDS[kind].module}"
    if importlib.util.find_spec(module) is None:
        return Result(key, label, ctx.scale_key, budget=budget, budget_text=f"≤ {budget:g} s", status=MISSING,
                      note=f"{module} 尚不存在")
    _session(ctx)
    year = dt.date.today().year - 1
    counter = iter(range(10_000))

    def one() -> None:
        request = catalog.make_request(kind, year, today=dt.date.today(), **kwargs)
        catalog.generate(request, ctx.tmp / f"{kind}{next(counter)}.docx")

    return median_result(ctx, key, label, one, budget, f"≤ {budget:g} s")


def op_reports(ctx: Context) -> list[Result]:
    return [_report(ctx, "annual", f"年度行政执法工作报告（附件 {ctx.scale.officers:,} 行）"),
            _report(ctx, "assessment", "三年行动评估报告（中期）", plan_id=ctx.counts["plan_id"])]


def op_upward(ctx: Context) -> list[Result]:
    label = "上报工作簿（对比 openpyxl 只写模式写出相同单元格）"
    if importlib.util.find_spec("benchmarks.upward") is None:
        return [Result("upward", label, ctx.scale_key, budget_text="≤ 1.2 × openpyxl", status=MISSING,
                       note="benchmarks/upward.py 尚不存在")]
    from benchmarks import upward

    session = ctx.cache.pop("session", None)  # upward opens the database itself
    if session is not None:
        session.close()
    detail = upward.measure(ctx.db_path, ctx.runs)
    value = _first(detail, "median_s", "app_median_s", "workbook_median_s", "product_median_s")
    reference = _first(detail, "reference_median_s", "openpyxl_median_s", "raw_median_s", "baseline_median_s")
    ratio = _first(detail, "ratio")
    if value is None or reference is None:
        if ratio is None:
            return [Result("upward", label, ctx.scale_key, budget_text="≤ 1.2 × openpyxl", status=ERROR,
                           note="upward.measure 的结果中没有中位数或比值", detail=detail)]
        value, reference = ratio, 1.0  # only a ratio reported: show it against 1.0
    return [Result("upward", label, ctx.scale_key, value, UPWARD_RATIO * reference,
                   f"≤ 1.2 × 参照 {reference:.3f} s", samples=list(detail.get("samples_s", []) or []),
                   detail=detail).judge()]


def _first(detail: dict, *keys: str) -> float | None:
    for key in keys:
        value = detail.get(key)
        if isinstance(value, int | float):
            return float(value)
    return None


# ---------------------------------------------------------------- peak memory of the app

MEMORY_SCRIPT = r"""
import datetime as dt
import resource
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEventLoop
from PySide6.QtWidgets import QApplication

from desktop_app.core.session import open_session
from desktop_app.ui.app import create_application

app = create_application()
session = open_session(Path(sys.argv[1]))
from desktop_app.ui.main_window import PAGES, MainWindow  # noqa: E402



def step(name):
    # resident and peak memory so far (Linux /proc), to see which step raises the peak
    try:
        status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
        rss, hwm = (int(status[k].split()[0]) // 1024 for k in ("VmRSS", "VmHWM"))
    except (OSError, KeyError, ValueError):
        rss = hwm = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"STEP {name} {rss} {hwm}", flush=True)


step("opened")
window = MainWindow(session, False)
window.show()


def settle(timeout=300):
    deadline = time.monotonic() + timeout
    for _ in range(20):
        app.processEvents()
    while time.monotonic() < deadline:
        busy = [p for p in window.pages.values() if getattr(p, "is_loading", lambda: False)()]
        dash = window.pages.get("dashboard")
        if dash is not None and (getattr(dash, "_personnel_job", None) or getattr(dash, "_training_job", None)):
            busy.append(dash)
        if not busy:
            return
        app.processEvents(QEventLoop.WaitForMoreEvents, 50)


settle()
step("window")
for key, _label in PAGES:
    window.show_page(key)
    settle()
    step(key)
window.show_training("short")  # the 人员学时 tab: the year's ledger
settle()
step("training_ledger")
from desktop_app.core.training.ledger import year_range  # noqa: E402
from desktop_app.core.training.queries import compute_ledger  # noqa: E402
from desktop_app.ui.roster_loader import list_rows  # noqa: E402

rows = list_rows()
ledger = compute_ledger(*year_range(dt.date.today().year - 1))
step("roster_and_last_year")
print(f"ROWS {len(rows)} LEDGER {len(ledger.officers)}", flush=True)
print(f"MAXRSS_KB {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", flush=True)
window.close()
session.close()
"""


def op_memory(ctx: Context) -> list[Result]:
    session = ctx.cache.pop("session", None)
    if session is not None:
        session.close()
    script = ctx.tmp / "memory_probe.py"
    script.write_text(MEMORY_SCRIPT, encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", DESKTOP_APP_DATA_DIR=str(ctx.tmp / "memory_data"))
    (ctx.tmp / "memory_data").mkdir(exist_ok=True)
    out_path, err_path = ctx.tmp / "memory.out", ctx.tmp / "memory.err"
    with out_path.open("w") as out, err_path.open("w") as err:
        proc = subprocess.Popen([sys.executable, str(script), str(ctx.db_path)], cwd=REPO_ROOT, env=env,
                                stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"内存探测进程退出码 {proc.returncode}\n{err_path.read_text()[-2000:]}")
    # The child's own high-water mark (VmHWM, read by the child). Its ru_maxrss from wait4 is not usable on
    # Linux: exec records the high-water mark of the address space it replaces — after vfork that is this
    # (large) benchmark process's — so ru_maxrss reports max(parent at spawn, child).
    rusage_mb = usage.ru_maxrss / 1024  # kilobytes on Linux
    lines = out_path.read_text().splitlines()
    steps = {name: {"rss_mb": int(rss), "peak_mb": int(hwm)}
             for name, rss, hwm in (line.split()[1:4] for line in lines if line.startswith("STEP "))}
    peak_mb = float(max((v["peak_mb"] for v in steps.values()), default=rusage_mb))
    note = "；".join(f"{name} {v['peak_mb']}" for name, v in steps.items())
    return [Result("memory", "应用峰值内存（打开各页、名册和年度台账，子进程 VmHWM）", ctx.scale_key, peak_mb,
                   MEMORY_BUDGET_MB, "≤ 400 MB", unit="MB", samples=[peak_mb], note=f"各步峰值 MB：{note}",
                   detail={"steps": steps, "wait4_ru_maxrss_mb": round(rusage_mb, 1)}).judge()]


# ---------------------------------------------------------------- the registry and the run

ALL = ("county", "prefecture")
PREF = ("prefecture",)
OPERATIONS = [
    Operation("cold_start", (ONCE,), op_cold_start),
    Operation("task_import", (ONCE,), op_task_import),
    Operation("page.tasks", ALL, op_tasks_page),
    Operation("page.personnel", ALL, op_personnel_page),
    Operation("page.training", ALL, op_training_page),
    Operation("page.units", ALL, op_units_page),
    Operation("page.dashboard", ALL, op_dashboard),
    Operation("personnel.filter", PREF, op_personnel_filter),
    Operation("training.ledger", PREF, op_training_ledger),
    Operation("report", ALL, op_reports),
    Operation("roster_import", PREF, op_roster_import),
    Operation("upward", PREF, op_upward),
    Operation("memory", PREF, op_memory),
]


def selected(op: Operation, only: list[str] | None) -> bool:
    return not only or any(op.key.startswith(name) or name.startswith(op.key) or name in op.key for name in only)


def run_operation(op: Operation, ctx: Context) -> list[Result]:
    print(f"  {op.key} …", end="", flush=True)
    start = time.perf_counter()
    try:
        results = op.run(ctx)
    except Exception as exc:  # noqa: BLE001 - one crash must not hide the other operations
        tail = "".join(traceback.format_exception(exc))[-3000:]
        print(f" 出错：{exc!r}", flush=True)
        print(tail, file=sys.stderr)
        return [Result(op.key, op.key, ctx.scale_key, status=ERROR, note=f"{type(exc).__name__}: {exc}"[:500])]
    print(f" {time.perf_counter() - start:.1f} s", flush=True)
    return results


def _close(ctx: Context) -> None:
    for key in ("personnel_page",):
        page = ctx.cache.pop(key, None)
        if page is not None:
            page.close()
            page.deleteLater()
    if importlib.util.find_spec("PySide6") is not None and "bus" in ctx.cache:
        from desktop_app.ui import roster_loader, training_loader

        _wait(lambda: True)
        roster_loader.forget()
        training_loader.forget()
    session = ctx.cache.pop("session", None)
    if session is not None:
        session.close()


def display_width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def format_value(result: Result) -> str:
    if result.value is None:
        return "—"
    if result.unit == "MB":
        return f"{result.value:.0f} MB"
    return f"{result.value * 1000:.1f} ms" if result.value < 1 else f"{result.value:.2f} s"


def print_table(results: list[Result]) -> None:
    rows = [("操作", "规模", "中位数", "预算", "比值", "结果")]
    for r in results:
        rows.append((r.label, r.scale, format_value(r), r.budget_text or "—",
                     f"{r.ratio:.2f}" if r.ratio is not None else "—", r.status))
    widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    print()
    for n, row in enumerate(rows):
        print("  ".join(pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            print("  ".join("-" * w for w in widths))
    for r in results:
        if r.note and r.status in (ERROR, MISSING):
            print(f"  {r.key}（{r.scale}）：{r.note}")


def machine_info() -> dict:
    from benchmarks.cold_start import pyside6_version

    return {"measured_at": dt.datetime.now().isoformat(timespec="seconds"), "python": platform.python_version(),
            "pyside6": pyside6_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in os.getloadavg()]}


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description="议题 9：两种规模下各操作的性能预算。")
    parser.add_argument("--scale", choices=("county", "prefecture", "both"), default="both",
                        help="数据规模：county（县级）、prefecture（地市级）或 both（默认）")
    parser.add_argument("--runs", type=int, default=5, help="每项计时次数（另有 1 次预热），默认 5")
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON,
                        help=f"JSON 结果文件，默认 {DEFAULT_JSON.relative_to(REPO_ROOT)}")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="只运行这些操作（名称或前缀，如 page.personnel、report、cold_start）")
    parser.add_argument("--no-gate", action="store_true", help="未达到预算时退出码仍为 0")
    parser.add_argument("--smoke", action="store_true",
                        help="CI 冒烟：只用县级规模、每项 2 次、从不因预算失败（崩溃仍以退出码 2 结束）")
    args = parser.parse_args(argv)
    if args.smoke:
        args.scale, args.runs, args.no_gate = "county", 2, True
        if args.json == DEFAULT_JSON:  # keep the last full run's results
            args.json = DEFAULT_JSON.with_name("benchmarks-smoke.json")
    if args.runs < 1:
        parser.error("--runs 至少为 1")
    unknown = [name for name in args.only or () if not any(selected(op, [name]) for op in OPERATIONS)]
    if unknown:
        parser.error(f"没有这些操作：{'、'.join(unknown)}；可选：{'、'.join(op.key for op in OPERATIONS)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    scales = [SCALES[key] for key in (ALL if args.scale == "both" else (args.scale,))]
    info = machine_info()
    print(f"基准：Python {info['python']}，PySide6 {info['pyside6'] or '未安装'}，{info['cpus']} 核，"
          f"负载 {info['load_average_before']}，每项 {args.runs} 次（另有 1 次预热）")
    results: list[Result] = []
    data: dict = {}
    with tempfile.TemporaryDirectory(prefix="desktop_app-bench-") as tmp:
        tmp_path = Path(tmp)
        os.environ["DESKTOP_APP_DATA_DIR"] = str(tmp_path)
        once = [op for op in OPERATIONS if op.scales == (ONCE,) and selected(op, args.only)]
        if once:
            print("一次性项目：")
            ctx = Context(None, args.runs, tmp_path)
            for op in once:
                results += run_operation(op, ctx)
        for scale in scales:
            ops = [op for op in OPERATIONS if scale.key in op.scales and selected(op, args.only)]
            if not ops:
                continue
            ctx = Context(scale, args.runs, tmp_path / scale.key)
            ctx.tmp.mkdir()
            ctx.db_path = ctx.tmp / "bench.sqlite"
            start = time.perf_counter()
            ctx.counts = scale_data.build(ctx.db_path, scale)
            built = time.perf_counter() - start
            data[scale.key] = {**ctx.counts, "build_s": round(built, 2)}
            print(f"{scale.label}（{scale.key}）：生成数据 {built:.1f} s — {ctx.counts['officers']:,} 名执法人员，"
                  f"{ctx.counts['certificates']:,} 张证件，{ctx.counts['attendance']:,} 条参训记录，"
                  f"{ctx.counts['tasks']} 项任务 × {ctx.counts['units']} 个单位，{ctx.counts['progress']:,} 条进展")
            try:
                for op in ops:
                    results += run_operation(op, ctx)
            finally:
                _close(ctx)
    info["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print_table(results)
    crashed = any(r.status == ERROR for r in results)
    failed = any(r.status == FAIL for r in results)
    status = 2 if crashed else 1 if failed and not args.no_gate else 0
    payload = {"benchmark": "issue9", **info, "runs": args.runs, "scales": [s.key for s in scales],
               "only": args.only, "gated": not args.no_gate, "data": data, "exit_status": status,
               "results": [r.as_json() for r in results]}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"\n负载（前 / 后）：{info['load_average_before']} / {info['load_average_after']}")
    print(f"结果已写入：{args.json}")
    if crashed:
        print("有操作出错：退出码 2。", file=sys.stderr)
    elif failed:
        print("有操作未达到预算" + ("（--no-gate / --smoke：退出码仍为 0）。" if args.no_gate else "：退出码 1。"),
              file=sys.stderr)
    return status
