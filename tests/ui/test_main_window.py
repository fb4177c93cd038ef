"""The main window as the clerk first sees it: navigation, honest empty pages, the dashboard, Chinese Qt."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QPushButton

from desktop_app.core.units import count_units
from desktop_app.ui.app import create_application, load_translations

NAVIGATION = ["工作台", "任务清单", "执法人员与证件", "培训学时", "报表中心", "单位管理", "数据与备份", "设置"]
KEYS = ["dashboard", "tasks", "personnel", "training", "reports", "units", "data", "settings"]


def labels_of(widget) -> list[str]:
    return [label.text() for label in widget.findChildren(QLabel)]


def click_navigation(qtbot, window, row: int) -> None:
    nav = window.navigation
    rect = nav.visualItemRect(nav.item(row))
    qtbot.mouseClick(nav.viewport(), Qt.LeftButton, pos=rect.center())


def test_navigation_entries_in_order(demo_window):
    nav = demo_window.navigation
    assert [nav.item(i).text() for i in range(nav.count())] == NAVIGATION
    assert demo_window.stack.count() == len(NAVIGATION)
    assert demo_window.current_page_key() == "dashboard"


def test_clicking_each_entry_shows_its_page(qtbot, demo_window):
    shown = []
    for row in [*range(1, len(NAVIGATION)), 0]:
        before = demo_window.stack.currentWidget()
        click_navigation(qtbot, demo_window, row)
        page = demo_window.stack.currentWidget()
        assert page is not before
        assert page is demo_window.page(KEYS[row])
        assert page.isVisible()
        assert demo_window.navigation.currentRow() == row
        shown.append(demo_window.current_page_key())
    assert shown == [*KEYS[1:], "dashboard"]


def test_pages_built_on_demand_do_not_steal_the_view(demo_window):
    assert set(demo_window.pages) == {"dashboard"}  # start-up builds only 工作台
    settings = demo_window.page("settings")
    assert demo_window.current_page_key() == "dashboard"
    assert demo_window.stack.currentWidget() is demo_window.page("dashboard")
    demo_window.show_page("settings")
    assert demo_window.stack.currentWidget() is settings
    assert demo_window.stack.count() == len(NAVIGATION)


def test_dashboard_buttons_navigate(qtbot, demo_window):
    dashboard = demo_window.page("dashboard")
    button = next(b for b in dashboard.units.findChildren(QPushButton) if b.text() == "单位管理")
    qtbot.mouseClick(button, Qt.LeftButton)
    assert demo_window.current_page_key() == "units"
    assert demo_window.navigation.currentItem().text() == "单位管理"


def test_every_page_is_a_real_page(demo_window):
    from desktop_app.ui.pages.personnel_page import PersonnelPage
    from desktop_app.ui.pages.reports_page import ReportsPage
    from desktop_app.ui.pages.tasks_page import TasksPage
    from desktop_app.ui.pages.training_page import TrainingPage

    assert isinstance(demo_window.page("tasks"), TasksPage)
    assert isinstance(demo_window.page("personnel"), PersonnelPage)
    assert isinstance(demo_window.page("training"), TrainingPage)
    assert isinstance(demo_window.page("reports"), ReportsPage)  # 报表中心 was the last placeholder


def test_dashboard_shows_real_unit_count_on_demo(demo_window):
    dashboard = demo_window.page("dashboard")
    total = sum(count_units().values())
    assert total > 0
    text = dashboard.units.body.text()
    assert f"在用单位 <b>{total}</b> 个" in text
    assert "还没有登记任何单位" not in text
    assert not dashboard.demo_button.isVisible()
    assert "红寺堡区" in dashboard.basics.body.text()


def test_dashboard_on_empty_database(empty_window):
    dashboard = empty_window.page("dashboard")
    assert "还没有登记任何单位" in dashboard.units.body.text()
    assert dashboard.demo_button.isVisible()
    assert "打开演示数据库" in dashboard.demo_button.text()
    assert "未填写" in dashboard.basics.body.text()
    assert "演示" not in empty_window.windowTitle()


def test_empty_window_opens_demo_in_its_own_process(qtbot, empty_window, monkeypatch):
    from PySide6.QtCore import QProcess

    started = []
    detached = staticmethod(lambda program, args: started.append(args) or True)
    monkeypatch.setattr(QProcess, "startDetached", detached)
    qtbot.mouseClick(empty_window.page("dashboard").demo_button, Qt.LeftButton)
    assert started == [["-m", "desktop_app", "--demo"]]


def test_window_title_names_bureau_and_demo(demo_window):
    title = demo_window.windowTitle()
    assert "红寺堡区司法局" in title
    assert "演示" in title
    assert "演示数据库" in labels_of(demo_window)


def test_open_demo_from_demo_window_says_so(demo_window, message_boxes):
    demo_window.open_demo()
    assert message_boxes.texts("information") == ["当前打开的就是演示数据库。"]


def test_qt_buttons_are_chinese_after_translations(qapp, restore_app_state):
    assert create_application() is qapp
    translators = load_translations(qapp)
    assert translators, "qtbase_zh_CN.qm not found"
    box = QMessageBox(QMessageBox.Question, "标题", "内容", QMessageBox.Ok | QMessageBox.Cancel)
    try:
        assert box.button(QMessageBox.Ok).text().replace("&", "") == "确定"
        assert box.button(QMessageBox.Cancel).text().replace("&", "") == "取消"
    finally:
        box.deleteLater()
