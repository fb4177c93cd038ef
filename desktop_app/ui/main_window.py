"""The main window: navigation on the left, one page per area, the database in the status bar."""
from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QProcess, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app import APP_NAME, __version__
from desktop_app.core.migrations import SCHEMA_VERSION
from desktop_app.core.session import Session
from desktop_app.core.settings import get_setting
from desktop_app.ui.data_bus import DataBus
from desktop_app.ui.pages.dashboard_page import DashboardPage
from desktop_app.ui.pages.pending_page import PendingPage

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


class MainWindow(QMainWindow):
    def __init__(self, session: Session, is_demo: bool = False) -> None:
        super().__init__()
        self.session = session
        self.is_demo = is_demo
        self.bus = DataBus(self)
        self.pages: dict[str, QWidget] = {}
        self._build()
        self.bus.changed.connect(self._on_data_changed)
        self._update_title()
        self.resize(1200, 760)

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
        for _key, label in PAGES:
            self.stack.addWidget(QWidget())  # built on first visit: start-up builds only 工作台
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
        self.statusBar().addPermanentWidget(QLabel(f"数据库：{self.session.path}"))
        self._build_menu()

    def _show_row(self, row: int) -> None:
        key = PAGES[row][0]
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
        if key not in self.pages:
            current = self.navigation.currentRow()
            self._show_row([k for k, _ in PAGES].index(key))
            self.stack.setCurrentIndex(current)
        return self.pages[key]

    def _make_page(self, key: str) -> QWidget:
        if key == "dashboard":
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
        if key == "units":
            from desktop_app.ui.pages.units_page import UnitsPage

            return UnitsPage(self.bus)
        if key == "data":
            from desktop_app.ui.pages.data_page import DataPage

            return DataPage(self.session, self.bus)
        if key == "settings":
            from desktop_app.ui.pages.settings_page import SettingsPage

            return SettingsPage(self.bus)
        return PendingPage(key)

    def _build_menu(self) -> None:
        file_menu = self.menuBar().addMenu("文件(&F)")
        backups = QAction("备份与恢复…", self)
        backups.triggered.connect(lambda: self.show_page("data"))
        file_menu.addAction(backups)
        demo = QAction("打开演示数据库", self)
        demo.triggered.connect(self.open_demo)
        file_menu.addAction(demo)
        quit_action = QAction("退出(&X)", self)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)
        help_menu = self.menuBar().addMenu("帮助(&H)")
        about = QAction("关于", self)
        about.triggered.connect(self.show_about)
        help_menu.addAction(about)

    def start_background_work(self) -> None:
        """After the window is shown: the day's first backup, off the GUI thread."""
        from desktop_app.ui.worker import run_job

        run_job(self, "正在进行每日备份…", lambda control: self.session.daily_backup_if_due(),
                lambda path: path and self.bus.notify("backups"),
                lambda exc: log.warning("daily backup failed: %s", exc))

    def closeEvent(self, event) -> None:
        """A backup on the way out when anything changed since the last one."""
        from PySide6.QtWidgets import QApplication

        from desktop_app.ui.worker import Job

        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            Job.finish_all()
            self.session.exit_backup()
        except Exception as exc:  # never keep the clerk from closing; the failure is logged
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
        bureau = get_setting("bureau_name") or get_setting("county_name")
        self.subtitle.setText(bureau or "尚未设置单位名称")
        suffix = "（演示数据库）" if self.is_demo else ""
        self.setWindowTitle(f"{APP_NAME}{' — ' + bureau if bureau else ''}{suffix}")

    def open_demo(self) -> None:
        """The demo opens in its own window and process, so the clerk's database is never touched."""
        if self.is_demo:
            QMessageBox.information(self, "演示数据库", "当前打开的就是演示数据库。")
            return
        args = ["--demo"] if getattr(sys, "frozen", False) else ["-m", "desktop_app", "--demo"]
        if not QProcess.startDetached(sys.executable, args):
            QMessageBox.warning(self, "演示数据库", "无法启动演示窗口。")

    def show_about(self) -> None:
        QMessageBox.about(self, f"关于{APP_NAME}", about_html(self.session.path))


def about_html(db_path) -> str:
    """The 关于 box: name, version (desktop_app.__version__, the one place it is kept), folders, runtime."""
    import html
    import platform

    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from desktop_app import paths

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
