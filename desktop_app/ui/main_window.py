"""The main window: navigation on the left, one page per area, the database in the status bar.

Start-up shows the window as a frame first (`MainWindow(None, is_demo, db_path=...)`: title, navigation,
status bar, "正在打开数据库…") and `attach()`es the opened session on the next turn of the event loop
(ui/app.py), so nothing here may import peewee, the core or a page module at module level: this module is
imported before the window is shown (tests/ui/test_cold_start_frame.py). Nor `Qt` (PySide6.QtCore.Qt): the
namespace's Python type takes about 12 ms to build on first use; code that runs after the show imports it.
"""
from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME, __version__
from desktop_app.ui.data_bus import DataBus

if TYPE_CHECKING:
    from desktop_app.core.session import Session

log = logging.getLogger(__name__)

PAGES = [
    ("dashboard", "工作台"),
    ("tasks", "任务清单"),
    ("personnel", "执法人员与证件"),
    ("training", "培训学时"),
    ("reports", "报表中心"),
    ("units", "单位管理"),
    ("data", "数据与备份"),
    ("settings", "设置"),
]


OPENING_TEXT = "正在打开数据库…"


class MainWindow(QMainWindow):
    """`MainWindow(session, is_demo)`: the whole window at once. `MainWindow(None, is_demo, db_path=path)`: the
    frame only (no page, no database access) until `attach(session)` fills it in."""

    def __init__(self, session: Session | None, is_demo: bool = False, db_path: Path | None = None) -> None:
        super().__init__()
        if session is None and db_path is None:
            raise ValueError("a frame without a session needs db_path")
        self.session = session
        self.db_path = session.path if session is not None else Path(db_path).resolve()
        self.is_demo = is_demo
        self.bus = DataBus(self)
        self.pages: dict[str, QWidget] = {}
        self._build()
        self.bus.changed.connect(self._on_data_changed)
        self._update_title()
        self.resize(1200, 760)

    @property
    def attached(self) -> bool:
        """False while the window is only a frame (the database is still being opened)."""
        return self.session is not None

    def attach(self, session: Session) -> None:
        """The database is open: build the current page (工作台) and show what the database says."""
        if self.session is not None:
            raise RuntimeError("the main window already has a session")
        self.session = session
        self.db_path = session.path
        self.db_label.setText(f"数据库：{session.path}")
        self.statusBar().clearMessage()
        self._fill_menus()
        for label in self.stack.findChildren(QLabel, "openingPlaceholder"):
            label.setText("")  # the pages not built yet are built on their first visit, as usual
        self._update_title()
        self._show_row(max(self.navigation.currentRow(), 0))

    def _build(self) -> None:
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        side = QWidget()
        side.setFixedWidth(200)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.setSpacing(0)
        title = QLabel(APP_NAME)
        title.setObjectName("appTitle")
        self.subtitle = QLabel()
        self.subtitle.setObjectName("appSubtitle")
        side_layout.addWidget(title)
        side_layout.addWidget(self.subtitle)
        if self.is_demo:
            badge = QLabel("演示数据库")
            badge.setObjectName("demoBadge")
            side_layout.addWidget(badge)
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        side_layout.addWidget(self.navigation, 1)
        self.stack = QStackedWidget()
        for row, (_key, label) in enumerate(PAGES):
            self.stack.addWidget(self._placeholder(row))  # built on first visit: start-up builds only 工作台
            self.navigation.addItem(label)
        self.navigation.currentRowChanged.connect(self._show_row)
        self.navigation.setCurrentRow(0)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(16, 12, 16, 12)
        content_layout.addWidget(self.stack)
        layout.addWidget(side)
        layout.addWidget(content, 1)
        self.setCentralWidget(central)
        self.db_label = QLabel(f"数据库：{self.db_path}")
        self.statusBar().addPermanentWidget(self.db_label)
        if self.session is None:
            self.statusBar().showMessage(OPENING_TEXT)
        self._build_menu()

    def set_opening_message(self, text: str) -> None:
        """While a frame: what start-up is doing (opening the database, filling the demo county)."""
        self.statusBar().showMessage(text)
        for label in self.stack.findChildren(QLabel, "openingPlaceholder"):
            label.setText(text)

    def _placeholder(self, row: int) -> QWidget:
        """Stands in for a page not built yet; in a frame, the first one (工作台, shown) says the database is opening."""
        placeholder = QWidget()
        if self.session is None and row == 0:
            label = QLabel(OPENING_TEXT)
            label.setObjectName("openingPlaceholder")
            # centred by stretches: Qt.AlignCenter would build the Qt namespace's Python type (see above)
            across = QHBoxLayout()
            across.addStretch(1)
            across.addWidget(label)
            across.addStretch(1)
            down = QVBoxLayout(placeholder)
            down.addStretch(1)
            down.addLayout(across)
            down.addStretch(2)
        return placeholder

    def _show_row(self, row: int) -> None:
        key = PAGES[row][0]
        if key not in self.pages and self.session is None:  # a frame: the page is built by attach()
            self.stack.setCurrentIndex(row)
            return
        if key not in self.pages:
            page = self._make_page(key)
            self.pages[key] = page
            placeholder = self.stack.widget(row)
            self.stack.insertWidget(row, page)
            self.stack.removeWidget(placeholder)
            placeholder.deleteLater()
        self.stack.setCurrentIndex(row)

    def page(self, key: str) -> QWidget:
        """The page for `key`, built if it has not been shown yet."""
        if self.session is None:
            raise RuntimeError("the main window is still a frame: its pages are built once attach() has run")
        if key not in self.pages:
            current = self.navigation.currentRow()
            self._show_row([k for k, _ in PAGES].index(key))
            self.stack.setCurrentIndex(current)
        return self.pages[key]

    def _make_page(self, key: str) -> QWidget:
        if key == "dashboard":
            from desktop_app.ui.pages.dashboard_page import DashboardPage

            page = DashboardPage()
            page.navigate.connect(self.show_page)
            page.open_demo_requested.connect(self.open_demo)
            page.personnel_filter.connect(self.show_personnel)
            page.training_view.connect(self.show_training)
            return page
        if key == "tasks":  # page modules load on first visit, keeping start-up short
            from desktop_app.ui.pages.tasks_page import TasksPage

            return TasksPage(self.bus)
        if key == "personnel":
            from desktop_app.ui.pages.personnel_page import PersonnelPage

            return PersonnelPage(self.bus)
        if key == "training":
            from desktop_app.ui.pages.training_page import TrainingPage

            return TrainingPage(self.bus)
        if key == "reports":
            from desktop_app.ui.pages.reports_page import ReportsPage

            return ReportsPage(self.bus)
        if key == "units":
            from desktop_app.ui.pages.units_page import UnitsPage

            return UnitsPage(self.bus)
        if key == "data":
            from desktop_app.ui.pages.data_page import DataPage

            return DataPage(self.session, self.bus)
        if key == "settings":
            from desktop_app.ui.pages.settings_page import SettingsPage

            return SettingsPage(self.bus)
        raise KeyError(key)

    def _build_menu(self) -> None:
        """The menu bar; a frame's menus get their entries in attach() (none can be opened before then)."""
        self.file_menu = self.menuBar().addMenu("文件(&F)")
        self.help_menu = self.menuBar().addMenu("帮助(&H)")
        if self.session is not None:
            self._fill_menus()

    def _fill_menus(self) -> None:
        from PySide6.QtGui import QAction  # its Python type: not needed before the frame is shown

        backups = QAction("备份与恢复…", self)
        backups.triggered.connect(lambda: self.show_page("data"))
        self.file_menu.addAction(backups)
        demo = QAction("打开演示数据库", self)
        demo.triggered.connect(self.open_demo)
        self.file_menu.addAction(demo)
        quit_action = QAction("退出(&X)", self)
        quit_action.triggered.connect(self.close)
        self.file_menu.addAction(quit_action)
        about = QAction("关于", self)
        about.triggered.connect(self.show_about)
        self.help_menu.addAction(about)

    def start_background_work(self) -> None:
        """After the window is shown: the day's first backup, off the GUI thread."""
        from desktop_app.ui.worker import run_job

        run_job(self, "正在进行每日备份…", lambda control: self.session.daily_backup_if_due(),
                lambda path: path and self.bus.notify("backups"),
                lambda exc: log.warning("daily backup failed: %s", exc))

    def closeEvent(self, event) -> None:
        """A backup on the way out when anything changed since the last one."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        from desktop_app.ui.worker import Job

        if self.session is None:  # still a frame: nothing was opened, nothing to back up
            super().closeEvent(event)
            return
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            Job.finish_all()
            self.session.exit_backup()
        except Exception as exc:  # noqa: BLE001 (never keep the clerk from closing; the failure is logged)
            log.warning("exit backup failed: %s", exc)
        finally:
            QApplication.restoreOverrideCursor()
        super().closeEvent(event)

    def show_page(self, key: str) -> None:
        self.navigation.setCurrentRow([k for k, _ in PAGES].index(key))

    def show_personnel(self, alert: str = "", unit_id: int | None = None) -> None:
        """执法人员与证件 filtered to one warning or one unit (the 工作台's figures link here)."""
        self.show_page("personnel")
        self.page("personnel").show_filter(alert, unit_id)

    def show_training(self, view: str = "") -> None:
        """培训学时 at this year's officers short ('short') or unit summary ('units'), from the 工作台."""
        self.show_page("training")
        if view:
            self.page("training").show_view(view)

    def current_page_key(self) -> str:
        return PAGES[self.stack.currentIndex()][0]

    def _on_data_changed(self, topics: frozenset) -> None:
        for page in self.pages.values():
            refresh = getattr(page, "refresh", None)
            if refresh is not None:
                refresh()
        if "settings" in topics:
            self._update_title()

    def _update_title(self) -> None:
        suffix = "（演示数据库）" if self.is_demo else ""
        if self.session is None:  # a frame: the settings are read once the database is open
            self.subtitle.setText("")
            self.setWindowTitle(f"{APP_NAME}{suffix}")
            return
        from desktop_app.core.settings import get_setting

        bureau = get_setting("bureau_name") or get_setting("county_name")
        self.subtitle.setText(bureau or "尚未设置单位名称")
        self.setWindowTitle(f"{APP_NAME}{' — ' + bureau if bureau else ''}{suffix}")

    def open_demo(self) -> None:
        """The demo opens in its own window and process, so the clerk's database is never touched."""
        from PySide6.QtCore import QProcess
        from PySide6.QtWidgets import QMessageBox

        if self.is_demo:
            QMessageBox.information(self, "演示数据库", "当前打开的就是演示数据库。")
            return
        args = ["--demo"] if getattr(sys, "frozen", False) else ["-m", "desktop_app", "--demo"]
        if not QProcess.startDetached(sys.executable, args):
            QMessageBox.warning(self, "演示数据库", "无法启动演示窗口。")

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, f"关于{APP_NAME}", about_html(self.db_path))


def about_html(db_path) -> str:
    """The 关于 box: name, version (desktop_app.__version__, the one place it is kept), folders, runtime."""
    import html
    import platform

    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from desktop_app import paths
    from desktop_app.core.migrations import SCHEMA_VERSION

    def esc(value: object) -> str:
        return html.escape(str(value))

    frozen = "安装版" if getattr(sys, "frozen", False) else "源代码运行"
    font_dir = paths.resource_path("resources", "fonts")
    bundled = sorted(p.name for p in font_dir.glob("*") if p.suffix.lower() in (".otf", ".ttf", ".ttc"))
    if bundled:
        fonts = (f"图表的备用中文字体 {esc('、'.join(bundled))} 随软件附带，依 SIL Open Font License 1.1 授权"
                 f"（许可文本：{esc(font_dir / 'OFL.txt')}）；界面和文档使用本机已安装的字体。")
    else:
        fonts = "本软件不附带字体文件，界面和文档使用本机已安装的字体（如微软雅黑、仿宋、宋体）。"
    return (f"<p><b>{APP_NAME}</b> 版本 {__version__}<br>提升行政执法质量三年行动离线台账</p>"
            f"<p>数据文件夹：{esc(paths.user_data_dir())}<br>当前数据库：{esc(db_path)}<br>"
            f"数据结构版本：{SCHEMA_VERSION}</p>"
            f"<p>运行环境：{frozen}，Python {platform.python_version()}，Qt {qVersion()}"
            f"（PySide6 {pyside_version}），{esc(platform.platform(terse=True))}</p>"
            f"<p>{fonts}卸载本软件不会删除数据文件夹。</p>")
