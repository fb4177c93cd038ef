"""`--smoke-test`: proves that an installed (or frozen) copy of the program works end to end.

In a new temporary folder (the clerk's data folder is never touched): start Qt the way the GUI does
(Chinese Qt translations, font, style sheet, icon), create the demo county's database, export
任务进展台账.xlsx, 执法人员清单.xlsx and the 上报数据 workbook, apply the 年度清理's suggested decisions to that
throw-away database and write 清理结果名单.docx, generate the 年度行政执法工作报告 through the 报表中心's catalog
(the shipped 公文模板.docx, three charts; a template fallback counts as a failure), re-open every file with
openpyxl / python-docx, draw one chart (PNG and the QtAgg canvas), then show the main window and
visit every page (each page module is imported on first visit, so a module PyInstaller missed fails here),
and close it (the exit backup runs too). Exit 0 with a one-line Chinese summary on stdout, or 1 with the
reason on stderr (the temporary folder is then kept for inspection).

Runs offscreen when there is no display (Linux CI); on Windows it briefly shows the real window, so
the qwindows platform plugin is exercised too (QT_QPA_PLATFORM=offscreen forces offscreen anywhere).
A windowed (console=False) .exe on Windows has no stdout/stderr unless the caller redirects them, as
installer/build.ps1 does; the exit status is reliable either way.
"""
from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

from desktop_app import APP_NAME, __version__

log = logging.getLogger(__name__)

TIMEOUT_S = 300  # a hang (a modal dialog nobody answers, a worker that never returns) fails instead
REQUIRED_RESOURCES = [("resources", "style.qss"), ("resources", "icons", "app.png"),
                      ("resources", "demo", "红寺堡区提升行政执法质量三年行动任务分工方案.txt"),
                      ("templates_docx", "公文模板.docx")]
CLEANUP_DOC_NUMBER = "红司发〔2026〕1号"


class SmokeFailure(Exception):
    """A check that failed; the message is the reason shown to whoever runs the smoke test."""


def _say(stream, text: str) -> None:
    """Print when the stream exists (a windowed .exe started without redirection has none)."""
    if stream is not None:
        try:
            print(text, file=stream, flush=True)
        except (OSError, ValueError):
            pass


def run_smoke_test(args: argparse.Namespace | None = None) -> int:
    started = time.perf_counter()
    for stream in (sys.stdout, sys.stderr):  # redirected to a file on Windows: UTF-8, not the ANSI code page
        if stream is not None and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    temp = Path(tempfile.mkdtemp(prefix="desktop_app-smoke-"))
    os.environ["DESKTOP_APP_DATA_DIR"] = str(temp / "数据")  # logs and settings stay in the temp folder
    os.environ["MPLCONFIGDIR"] = str(temp / "matplotlib")  # so does matplotlib's font list (see installer/launcher.py)
    if (sys.platform.startswith("linux") and not os.environ.get("QT_QPA_PLATFORM")
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    if sys.stderr is not None:
        import faulthandler

        try:
            faulthandler.dump_traceback_later(TIMEOUT_S, exit=True)  # exits 1 with every thread's stack
        except (OSError, ValueError, RuntimeError):  # a stderr without a file descriptor
            pass
    try:
        summary = _run(temp, started)
    except BaseException as exc:  # every failure becomes the reason and exit status 1
        reason = str(exc) if isinstance(exc, SmokeFailure) else f"{type(exc).__name__}: {exc}"
        log.error("smoke test failed: %s", reason, exc_info=not isinstance(exc, SmokeFailure))
        if not isinstance(exc, SmokeFailure):
            _say(sys.stderr, "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)).rstrip())
        _say(sys.stderr, f"冒烟测试失败：{reason}（临时文件夹已保留：{temp}）")
        return 1
    finally:
        if sys.stderr is not None:
            import faulthandler

            faulthandler.cancel_dump_traceback_later()
    _close_log_files(temp)
    shutil.rmtree(temp, ignore_errors=True)
    _say(sys.stdout, summary)
    return 0


def _close_log_files(temp: Path) -> None:
    """The log file lives in the temporary folder; Windows cannot delete a file that is still open."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if Path(getattr(handler, "baseFilename", "") or "/").resolve().is_relative_to(temp.resolve()):
            root.removeHandler(handler)
            handler.close()


def _run(temp: Path, started: float) -> str:
    from PySide6.QtCore import QCoreApplication

    from desktop_app import paths
    from desktop_app.logging_setup import configure_logging
    from desktop_app.ui.app import create_application

    configure_logging(paths.log_dir())
    log.info("smoke test of %s %s (frozen: %s)", APP_NAME, __version__, getattr(sys, "frozen", False))
    missing = [str(Path(*parts)) for parts in REQUIRED_RESOURCES if not paths.resource_path(*parts).is_file()]
    if missing:
        raise SmokeFailure(f"缺少资源文件：{'、'.join(missing)}（查找位置：{paths.resource_path()}）")
    app = create_application()
    if QCoreApplication.translate("QPlatformTheme", "Cancel") != "取消":
        raise SmokeFailure("没有载入 Qt 的中文翻译（qtbase_zh_CN.qm），对话框按钮会显示英文")
    errors = _ErrorCollector(app)
    out = temp / "输出"
    out.mkdir()
    from desktop_app.core.session import open_session

    session = open_session(temp / "冒烟测试.sqlite")
    try:
        units, officers = _demo_database()
        files = _documents(out) + _chart(out)
        window_note = _main_window(app, session, errors)
    finally:
        session.close()
    errors.check()
    names = "、".join(path.name for path in files)
    return (f"冒烟测试通过：{APP_NAME} {__version__}，演示数据库 {units} 个单位、{officers} 名执法人员；"
            f"已生成并重新打开 {names}；{window_note}；用时 {time.perf_counter() - started:.1f} 秒")


def _demo_database() -> tuple[int, int]:
    from desktop_app.core.demo import populate_demo
    from desktop_app.core.models import Officer, Unit

    populate_demo()
    units, officers = Unit.select().count(), Officer.select().count()
    if units == 0 or officers == 0:
        raise SmokeFailure(f"演示数据库是空的（单位 {units} 个，执法人员 {officers} 名）")
    return units, officers


def _documents(out: Path) -> list[Path]:
    """One export of each module and one Word document, each re-opened and checked."""
    from desktop_app.core.personnel.cleanup import apply_decisions, build_candidates, write_cleanup_docx
    from desktop_app.core.personnel.export import export_personnel_xlsx
    from desktop_app.core.reports import catalog
    from desktop_app.core.task_export import export_tasks_xlsx
    from desktop_app.core.upward_export import default_upward_filename, export_upward_xlsx

    today = dt.date.today()
    tasks = export_tasks_xlsx(out / "任务进展台账.xlsx", today=today)
    personnel = export_personnel_xlsx(out / "执法人员清单.xlsx", today=today)
    candidates = build_candidates(today)
    if not candidates:
        raise SmokeFailure("演示数据库的年度清理没有找到任何待清理项")
    # a throw-away database: the suggestions are applied for real, so the 清理前 backup runs as well
    result = apply_decisions([c.suggested for c in candidates], today, CLEANUP_DOC_NUMBER)
    cleanup = write_cleanup_docx(result, out / "清理结果名单.docx")
    upward = export_upward_xlsx(out / default_upward_filename(today.year), today.year)
    request = catalog.make_request("annual", today.year)
    report = catalog.generate(catalog.replace(request, narrative=catalog.draft_narrative(request)),
                              out / catalog.default_filename(request))
    if report.warnings:  # e.g. the template missing from the bundle
        raise SmokeFailure("年度报告：" + "；".join(report.warnings))
    _check_xlsx(tasks, min_rows=3)
    _check_xlsx(personnel, min_rows=3)
    _check_xlsx(upward, min_rows=3)
    _check_docx(cleanup)
    _check_docx(report.path)
    from docx import Document

    if len(Document(str(report.path)).inline_shapes) < 3:
        raise SmokeFailure("年度报告中的图表没有生成")
    return [tasks, personnel, upward, cleanup, report.path]


def _chart(out: Path) -> list[Path]:
    """One chart as a report embeds it (PNG) and as a dialog shows it (the QtAgg canvas), when this version has
    charts: the bundle must carry matplotlib's Agg and QtAgg backends and the CJK font."""
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg as canvas_class

    from desktop_app.core import charts
    from desktop_app.core.personnel.roster import load_roster

    rows = load_roster(dt.date.today())
    states: dict[str, int] = {}
    for row in rows:
        for card in row.cards:
            states[card.state] = states.get(card.state, 0) + 1
    figure = charts.certificate_status(states, total=len(rows))
    png = charts.figure_png(figure)
    if not png.startswith(b"\x89PNG\r\n\x1a\n") or len(png) < 5000:
        raise SmokeFailure(f"图表没有画出来（PNG {len(png)} 字节）")
    path = out / "证件状态图.png"
    path.write_bytes(png)
    canvas = canvas_class(figure)
    canvas.draw()
    return [path]


def _check_zip(path: Path) -> None:
    if not path.is_file() or path.stat().st_size == 0:
        raise SmokeFailure(f"没有生成文件或文件为空：{path.name}")
    if not zipfile.is_zipfile(path):
        raise SmokeFailure(f"{path.name} 不是有效的 Office 文件（不是 zip 格式）")
    with zipfile.ZipFile(path) as archive:
        broken = archive.testzip()
    if broken:
        raise SmokeFailure(f"{path.name} 已损坏：{broken} 校验失败")


def _check_xlsx(path: Path, min_rows: int) -> None:
    from openpyxl import load_workbook

    _check_zip(path)
    book = load_workbook(path, read_only=True)
    try:
        sheet = book.worksheets[0]
        rows = sum(1 for _ in sheet.iter_rows(values_only=True))
        creator = book.properties.creator or ""
    finally:
        book.close()
    if rows < min_rows:
        raise SmokeFailure(f"{path.name} 只有 {rows} 行")
    if __version__ not in creator:
        raise SmokeFailure(f"{path.name} 的文件属性中没有版本号（作者：{creator!r}）")


def _check_docx(path: Path) -> None:
    from docx import Document

    _check_zip(path)
    doc = Document(str(path))
    if not any(p.text.strip() for p in doc.paragraphs):
        raise SmokeFailure(f"{path.name} 没有正文")
    author = doc.core_properties.author or ""
    if __version__ not in author:
        raise SmokeFailure(f"{path.name} 的文件属性中没有版本号（作者：{author!r}）")


class _ErrorCollector:
    """Uncaught exceptions (Qt slots, threads) and any modal dialog are failures: a dialog would wait
    for a click that never comes, so a timer records its text and closes it."""

    def __init__(self, app) -> None:
        import threading

        from PySide6.QtCore import QTimer

        self.app = app
        self.errors: list[str] = []
        sys.excepthook = self._hook
        threading.excepthook = lambda a: self._hook(a.exc_type, a.exc_value, a.exc_traceback)
        self.timer = QTimer()
        self.timer.timeout.connect(self._close_dialogs)
        self.timer.start(100)

    def _hook(self, exc_type, exc, tb) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb)).rstrip()
        log.error("uncaught during smoke test\n%s", text)
        self.errors.append(f"未处理的异常：{exc_type.__name__}: {exc}")

    def _close_dialogs(self) -> None:
        from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QDialog) and widget.isVisible() and widget.isModal():
                text = widget.text() if isinstance(widget, QMessageBox) else widget.windowTitle()
                self.errors.append(f"出现了对话框：{' '.join(str(text).split())}")
                widget.reject()

    def check(self) -> None:
        self.timer.stop()
        if self.errors:
            raise SmokeFailure("；".join(dict.fromkeys(self.errors)))


def _main_window(app, session, errors: _ErrorCollector) -> str:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from desktop_app.ui.main_window import PAGES, MainWindow, about_html
    from desktop_app.ui.worker import Job

    def settle(seconds: float) -> None:
        """Run the event loop until no background job is left (page loads run on worker threads)."""
        deadline = time.monotonic() + seconds
        while True:
            app.processEvents(QEventLoop.AllEvents, 50)
            if not Job.busy() or time.monotonic() > deadline:
                break
            time.sleep(0.01)
        app.processEvents()
        if Job.busy():
            raise SmokeFailure(f"后台任务 {seconds:.0f} 秒内没有完成")

    window = MainWindow(None, is_demo=True, db_path=session.path)  # as the GUI starts: the frame first,
    window.show()
    app.processEvents()
    window.attach(session)  # then the open database and the 工作台
    settle(30)
    if window.current_page_key() != "dashboard" or "dashboard" not in window.pages:
        raise SmokeFailure("主窗口显示后没有建立“工作台”")
    if not window.isVisible():
        raise SmokeFailure("主窗口没有显示")
    for key, label in PAGES:
        window.show_page(key)
        settle(60)
        if window.current_page_key() != key:
            raise SmokeFailure(f"无法切换到“{label}”页")
    if __version__ not in about_html(session.path):
        raise SmokeFailure("“关于”中没有版本号")
    platform = QApplication.platformName()
    window.close()  # the exit backup runs here
    settle(30)
    return f"主窗口已显示（{platform}），{len(PAGES)} 个页面均已打开"
