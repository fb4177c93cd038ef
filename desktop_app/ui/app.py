"""GUI bootstrap: locale, fonts and style sheet, the main window's frame shown at once; then, on the first turn of
the event loop, Qt's Chinese strings and the window icon, logging, the error hook, the database session (lock,
migrations, backup) and the 工作台.

Cold start (benchmarks/cold_start.py, issue 9): everything up to the frame's `show()` uses only Qt and the
standard library; peewee, the core and the page modules are imported after it (tests/ui/test_cold_start_frame.py).
Keep module-level imports here, in main_window.py, paths.py and desktop_app/__init__.py free of them.
"""
from __future__ import annotations

import logging
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from desktop_app import APP_NAME, __version__, paths

if TYPE_CHECKING:
    import argparse

    from desktop_app.core.session import Session
    from desktop_app.ui.main_window import MainWindow

log = logging.getLogger(__name__)

UI_FONTS = ["Microsoft YaHei UI", "Microsoft YaHei", "微软雅黑", "PingFang SC", "Noto Sans CJK SC",
            "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei"]


def chinese_locale() -> QLocale:
    """zh_CN as every widget's locale (dates, numbers): set before the first widget is created."""
    locale = QLocale(QLocale.Chinese, QLocale.China)
    QLocale.setDefault(locale)
    return locale


def load_translations(app: QApplication) -> list[QTranslator]:
    """qtbase_zh_CN turns Qt's own buttons (OK/Cancel/Yes) into 确定/取消/是."""
    from PySide6.QtCore import QLibraryInfo  # its Python type: about 0.5 ms, not before the frame's show

    locale = chinese_locale()
    folders = [str(paths.resource_path("resources", "translations")),
               QLibraryInfo.path(QLibraryInfo.TranslationsPath)]
    loaded = []
    for name in ("qtbase", "qt"):
        translator = QTranslator(app)
        if any(translator.load(locale, name, "_", folder) for folder in folders):
            app.installTranslator(translator)
            loaded.append(translator)
    return loaded


def choose_ui_font(app: QApplication) -> None:
    """The first of UI_FONTS installed on this PC, at 10 pt at least. Qt picks it from the list when text is first
    laid out (and falls back along the list per glyph), so start-up does not enumerate the installed fonts."""
    font = QFont(app.font())
    font.setFamilies(UI_FONTS)
    font.setPointSizeF(max(app.font().pointSizeF(), 10.0))
    app.setFont(font)


def create_application(argv: list[str] | None = None, complete: bool = True) -> QApplication:
    """The QApplication with the program's name, locale, font, style sheet, Qt's Chinese strings and icon.

    `complete=False` (run_gui) leaves the last two to `complete_application(app)`, called on the first turn of the
    event loop, right after the main window's frame is shown (the frame has no text of Qt's own; its icon follows
    within that turn): building QIcon's Python type and loading the translations cost about 1-2 ms of the cold
    start (benchmarks/cold_start.py)."""
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("desktop_app")
    chinese_locale()
    choose_ui_font(app)
    qss = paths.resource_path("resources", "style.qss")
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    if complete:
        complete_application(app)
    return app


def complete_application(app: QApplication) -> None:
    """Qt's own strings in Chinese (确定/取消) and the window icon."""
    from PySide6.QtGui import QIcon

    load_translations(app)
    icon = paths.resource_path("resources", "icons", "app.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))


# Named in installer/setup.iss (AppMutex): the installer and the uninstaller see a running copy by it and ask the
# clerk to close it first, so no file of the program is replaced while in use. Windows only.
APP_MUTEX = "desktop_app_zhifa_taizhang"
_mutex_handle = None


def hold_app_mutex() -> None:
    global _mutex_handle
    if sys.platform != "win32" or _mutex_handle is not None:
        return
    import ctypes

    _mutex_handle = ctypes.WinDLL("kernel32").CreateMutexW(None, False, APP_MUTEX)  # released when the process ends


def resolve_db_path(args: argparse.Namespace) -> tuple[Path, bool]:
    """The database to open and whether it is the demo one."""
    if args.demo:
        return (args.db or paths.demo_db_path()), True
    return (args.db or paths.default_db_path()), False


def ensure_demo(before_filling=None) -> None:
    """Fill the (open) demo database on first use (a few seconds); `before_filling()` runs first when it must."""
    from desktop_app.core.models import Unit

    if not Unit.select().exists():
        from desktop_app.core.demo import populate_demo

        if before_filling is not None:
            before_filling()
        populate_demo()


class Startup:
    """What follows the frame's `show()`, on the first turn of the event loop: logging and the error hook, then
    `open_session` (single-writer lock, "newer"/damaged database refused with the same dialog as before,
    migrations with their backup), the demo county on first use, and the 工作台 attached to the window.

    A DatabaseError is shown to the clerk and ends the program with status 1; any other failure ends the event loop
    and is re-raised by `run_gui` (so it reaches the error hook and fails `--quit-after-shown` runs)."""

    def __init__(self, app: QApplication, window: MainWindow, db_path: Path, is_demo: bool,
                 quit_after_shown: bool, started: float) -> None:
        self.app = app
        self.window = window
        self.db_path = db_path
        self.is_demo = is_demo
        self.quit_after_shown = quit_after_shown
        self.started = started
        self.shown_after = time.perf_counter() - started
        self.session: Session | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self._open()
        except Exception as exc:  # noqa: BLE001 (re-raised by run_gui once the event loop has ended)
            self.error = exc
            self._give_up()

    def _open(self) -> None:
        from desktop_app.logging_setup import configure_logging
        from desktop_app.ui.error_dialog import install_excepthook

        complete_application(self.app)  # Qt's Chinese strings before any dialog, and the window icon
        configure_logging(paths.log_dir())
        install_excepthook()
        log.info("main window frame shown after %.3f s", self.shown_after)
        from PySide6.QtWidgets import QMessageBox

        from desktop_app.core.errors import DatabaseError
        from desktop_app.core.session import open_session

        try:
            self.session = open_session(self.db_path)
        except DatabaseError as exc:
            QMessageBox.critical(self.window, APP_NAME, exc.message)
            self._give_up()
            return
        if self.is_demo:
            ensure_demo(self._say_filling_demo)
        if self.session.migration.backup_path:
            log.info("upgraded %s; backup at %s", self.db_path, self.session.migration.backup_path)
        self.window.attach(self.session)
        log.info("main window shown after %.3f s; database open and 工作台 built after %.3f s",
                 self.shown_after, time.perf_counter() - self.started)
        if self.quit_after_shown:  # start-up measurement (benchmarks/cold_start.py) and smoke runs
            QTimer.singleShot(0, self.app.quit)
        else:
            QTimer.singleShot(0, self.window.start_background_work)

    def _say_filling_demo(self) -> None:
        from PySide6.QtCore import QEventLoop

        self.window.set_opening_message("正在生成演示数据库…")
        self.app.processEvents(QEventLoop.ExcludeUserInputEvents)  # painted before the work starts

    def _give_up(self) -> None:
        self.window.hide()  # not close(): no exit backup, and no second quit from the last window closing
        self.app.exit(1)

    def close(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None


def run_gui(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    hold_app_mutex()
    app = create_application(complete=False)  # translations and icon: Startup, on the first turn of the loop
    db_path, is_demo = resolve_db_path(args)
    from desktop_app.ui.main_window import MainWindow

    window = MainWindow(None, is_demo, db_path=db_path)  # the frame: no database access yet
    window.show()
    if args.quit_after_shown:  # the moment the window is on screen, as benchmarks/cold_start.py measures it
        print(f"SHOWN {time.time():.6f}", flush=True)
    startup = Startup(app, window, db_path, is_demo, args.quit_after_shown, started)
    QTimer.singleShot(0, startup.run)
    try:
        status = app.exec()
    finally:
        startup.close()
    if startup.error is not None:
        raise startup.error
    return status
