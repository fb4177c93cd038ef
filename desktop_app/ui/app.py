"""GUI bootstrap: logging, Chinese Qt translations, fonts, error hook, database session, main window."""
from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QTimer, QTranslator
from PySide6.QtGui import QFont, QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_app import APP_NAME, __version__, paths
from desktop_app.core.errors import DatabaseError
from desktop_app.logging_setup import configure_logging

log = logging.getLogger(__name__)

UI_FONTS = ["Microsoft YaHei UI", "Microsoft YaHei", "微软雅黑", "PingFang SC", "Noto Sans CJK SC",
            "Source Han Sans SC", "WenQuanYi Micro Hei", "SimHei"]


def load_translations(app: QApplication) -> list[QTranslator]:
    """qtbase_zh_CN turns Qt's own buttons (OK/Cancel/Yes) into 确定/取消/是."""
    locale = QLocale(QLocale.Chinese, QLocale.China)
    QLocale.setDefault(locale)
    folders = [str(paths.resource_path("resources", "translations")),
               QLibraryInfo.path(QLibraryInfo.TranslationsPath)]
    loaded = []
    for name in ("qtbase", "qt"):
        translator = QTranslator(app)
        if any(translator.load(locale, name, "_", folder) for folder in folders):
            app.installTranslator(translator)
            loaded.append(translator)
    return loaded


def choose_ui_font(app: QApplication) -> str | None:
    families = set(QFontDatabase.families())
    for family in UI_FONTS:
        if family in families:
            font = QFont(family)
            font.setPointSizeF(max(app.font().pointSizeF(), 10.0))
            app.setFont(font)
            return family
    return None


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or [sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName("desktop_app")
    load_translations(app)
    choose_ui_font(app)
    icon = paths.resource_path("resources", "icons", "app.png")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    qss = paths.resource_path("resources", "style.qss")
    if qss.exists():
        app.setStyleSheet(qss.read_text(encoding="utf-8"))
    return app


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


def ensure_demo() -> None:
    """Fill the (open) demo database on first use; about 0.2 s, so no progress dialog is needed."""
    from desktop_app.core.models import Unit

    if not Unit.select().exists():
        from desktop_app.core.demo import populate_demo

        populate_demo()


def run_gui(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    configure_logging(paths.log_dir())
    hold_app_mutex()
    app = create_application()
    from desktop_app.ui.error_dialog import install_excepthook

    install_excepthook()
    db_path, is_demo = resolve_db_path(args)
    from desktop_app.core.session import open_session

    try:
        session = open_session(db_path)
    except DatabaseError as exc:
        QMessageBox.critical(None, APP_NAME, exc.message)
        return 1
    if is_demo:
        ensure_demo()
    if session.migration.backup_path:
        log.info("upgraded %s; backup at %s", db_path, session.migration.backup_path)
    from desktop_app.ui.main_window import MainWindow

    window = MainWindow(session, is_demo)
    window.show()
    if not args.quit_after_shown:
        QTimer.singleShot(0, window.start_background_work)
    log.info("main window shown after %.3f s", time.perf_counter() - started)
    if args.quit_after_shown:  # start-up measurement (benchmarks/cold_start.py) and smoke runs
        print(f"SHOWN {time.time():.6f}", flush=True)
        QTimer.singleShot(0, app.quit)
    try:
        return app.exec()
    finally:
        session.close()
