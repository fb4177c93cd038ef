"""The 工作台's charts (ui/widgets/chart_view.py over core/charts.py): on the demo county the three charts the
reports embed are drawn, off the GUI thread, at their box's size; an empty database shows what each will hold;
they follow the data and the window's size; and building the page does not import matplotlib."""
from __future__ import annotations

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGroupBox

from desktop_app.ui.widgets.chart_view import CHART, EMPTY

DRAW_TIMEOUT_MS = 60_000  # the first chart imports matplotlib


def settled(dashboard) -> bool:
    return all(view.state in (CHART, EMPTY) and not view.busy() for view in dashboard.charts.values())


def coloured_pixels(view) -> int:
    """Pixels of the picture that are neither white nor grey (bars), sampled on a grid."""
    image = view.image.pixmap().toImage()
    found = 0
    for x in range(0, image.width(), 4):
        for y in range(0, image.height(), 4):
            colour = QColor(image.pixel(x, y))
            found += max(colour.red(), colour.green(), colour.blue()) - min(colour.red(), colour.green(),
                                                                            colour.blue()) > 40
    return found


def test_demo_dashboard_draws_three_charts_under_the_cards(qtbot, demo_window):
    from desktop_app.core.settings import get_setting

    demo_window.resize(1366, 800)
    dashboard = demo_window.page("dashboard")
    qtbot.waitUntil(lambda: settled(dashboard), timeout=DRAW_TIMEOUT_MS)
    views = list(dashboard.charts.values())
    assert [view.title() for view in views] == ["各单位任务完成率", f"{get_setting('current_year')} 年培训学时分布",
                                                "行政执法证状态"]
    for view in views:
        assert isinstance(view, QGroupBox) and view.isVisible()
        assert view.state == CHART and view.has_picture(), view.title()
        picture = view.image.pixmap()
        size = picture.deviceIndependentSize()
        assert abs(size.width() - view.image.width()) <= 1 and abs(size.height() - view.image.height()) <= 1
        assert size.height() >= 200
        assert coloured_pixels(view) > 50, view.title()
        # under the cards, side by side
        assert view.geometry().top() >= dashboard.personnel.geometry().bottom()
        assert view.geometry().top() >= dashboard.tasks.geometry().bottom()
    assert len({view.geometry().top() for view in views}) == 1
    assert views[0].geometry().right() < views[1].geometry().left() < views[2].geometry().left()
    # the cards still show their figures
    assert "分工共" in dashboard.tasks.body.text() and "人均" in dashboard.training.body.text()
    assert "在职执法人员" in dashboard.personnel.body.text()


def test_empty_database_shows_what_each_chart_will_hold(qtbot, empty_window):
    dashboard = empty_window.page("dashboard")
    qtbot.waitUntil(lambda: settled(dashboard), timeout=DRAW_TIMEOUT_MS)
    qtbot.wait(50)
    texts = {}
    for key, view in dashboard.charts.items():
        assert view.state == EMPTY and not view.has_picture()
        texts[key] = view.image.text()
    assert "还没有导入任务清单" in texts["tasks"]
    assert "还没有培训记录" in texts["training"]
    assert "还没有执法人员" in texts["personnel"]


def test_charts_are_drawn_again_when_the_data_or_the_size_changes(qtbot, demo_window):
    from desktop_app.core.settings import get_setting, set_setting

    dashboard = demo_window.page("dashboard")
    qtbot.waitUntil(lambda: settled(dashboard), timeout=DRAW_TIMEOUT_MS)
    hours = dashboard.charts["training"]
    before = hours.image.pixmap().deviceIndependentSize()
    year = get_setting("current_year")
    set_setting("current_year", year - 1)
    with qtbot.waitSignal(hours.drawn, timeout=DRAW_TIMEOUT_MS):
        demo_window.bus.notify("settings")
    assert hours.title() == f"{year - 1} 年培训学时分布"

    demo_window.resize(demo_window.width() + 240, demo_window.height() + 120)
    qtbot.waitUntil(lambda: settled(dashboard) and hours.image.pixmap().deviceIndependentSize() != before,
                    timeout=DRAW_TIMEOUT_MS)
    after = hours.image.pixmap().deviceIndependentSize()
    assert after.width() > before.width() and abs(after.width() - hours.image.width()) <= 1


def test_a_chart_that_fails_says_so_instead_of_hanging(qtbot, demo_window, caplog):
    dashboard = demo_window.page("dashboard")
    qtbot.waitUntil(lambda: settled(dashboard), timeout=DRAW_TIMEOUT_MS)
    view = dashboard.charts["tasks"]

    def broken(width, height):
        raise ValueError("坏了")

    view.set_chart(broken)
    qtbot.waitUntil(lambda: view.state == "failed" and not view.busy(), timeout=DRAW_TIMEOUT_MS)
    assert "未能绘制" in view.image.text() and not view.has_picture()
    assert any("drawing a chart failed" in r.getMessage() for r in caplog.records)


def test_the_dashboard_module_does_not_import_matplotlib(run_child):
    result = run_child("-c", "import sys, desktop_app.ui.pages.dashboard_page, desktop_app.ui.widgets.chart_view\n"
                             "print(sorted(m for m in ('matplotlib', 'numpy') if m in sys.modules))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
