"""设置: a wrong entry is refused in Chinese and stores nothing; a good one is stored and shown everywhere."""
from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from desktop_app.core.settings import all_settings, get_setting
from desktop_app.ui.pages.settings_page import SettingsPage

KEY = "annual_training_hours"


@pytest.fixture
def settings_page(demo_window):
    demo_window.show_page("settings")
    return demo_window.page("settings")


def enter(qtbot, page, key: str, text: str) -> None:
    edit = page.edits[key]
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    assert edit.text() == text


def test_settings_form_shows_stored_values(settings_page):
    assert settings_page.edits["county_name"].text() == "红寺堡区"
    assert settings_page.edits[KEY].text() == "60"
    assert settings_page.edits["cert_expiry_warning_days"].text() == "180,90,30"


def test_non_number_is_refused_and_nothing_stored(qtbot, demo_window, settings_page):
    before = all_settings()
    emitted = []
    demo_window.bus.changed.connect(emitted.append)
    settings_page.edits["county_name"].setText("别的县")  # a valid change in the same save: all or nothing
    enter(qtbot, settings_page, KEY, "abc")
    qtbot.mouseClick(settings_page.save_button, Qt.LeftButton)
    assert settings_page.message.isVisible()
    assert settings_page.message.text() == "“每人每年培训学时下限”应为数字，现为“abc”。"
    assert settings_page.edits[KEY].property("invalid") is True
    assert settings_page.edits[KEY].hasFocus()
    assert emitted == []
    assert all_settings() == before
    assert get_setting(KEY) == 60
    reopened = SettingsPage(demo_window.bus)
    qtbot.addWidget(reopened)
    assert reopened.edits[KEY].text() == "60"
    assert reopened.edits["county_name"].text() == "红寺堡区"


def test_out_of_range_is_refused(qtbot, settings_page):
    enter(qtbot, settings_page, KEY, "0")
    qtbot.mouseClick(settings_page.save_button, Qt.LeftButton)
    assert "应在 1 到 500 之间" in settings_page.message.text()
    assert get_setting(KEY) == 60


def test_valid_change_is_stored_and_reaches_dashboard(qtbot, demo_window, settings_page):
    dashboard = demo_window.page("dashboard")
    assert "培训学时下限：60 学时" in dashboard.basics.body.text()
    enter(qtbot, settings_page, KEY, "72")
    with qtbot.waitSignal(demo_window.bus.changed) as blocker:
        qtbot.mouseClick(settings_page.save_button, Qt.LeftButton)
    assert "settings" in blocker.args[0]
    assert get_setting(KEY) == 72
    assert settings_page.message.text() == "设置已保存。"
    assert settings_page.edits[KEY].property("invalid") is False
    assert "培训学时下限：72 学时/人/年" in dashboard.basics.body.text()
    demo_window.show_page("dashboard")
    assert dashboard.basics.body.isVisible()


def test_bureau_name_change_updates_window_title(qtbot, demo_window, settings_page):
    edit = settings_page.edits["bureau_name"]
    edit.setText("某某区司法局")
    with qtbot.waitSignal(demo_window.bus.changed):
        qtbot.mouseClick(settings_page.save_button, Qt.LeftButton)
    assert "某某区司法局" in demo_window.windowTitle()
    assert demo_window.subtitle.text() == "某某区司法局"


def test_reset_thresholds_keeps_names(qtbot, settings_page, message_boxes):
    enter(qtbot, settings_page, KEY, "99")
    qtbot.mouseClick(settings_page.reset_button, Qt.LeftButton)
    assert "恢复为默认值" in message_boxes.texts("question")[0]
    assert settings_page.edits[KEY].text() == "60"
    assert settings_page.edits["county_name"].text() == "红寺堡区"
    assert get_setting(KEY) == 60  # nothing stored until 保存设置


def test_saving_other_settings_does_not_freeze_the_working_year(qtbot, demo_window, settings_page,
                                                               monkeypatch):
    """当前工作年度 “留空即取当年”: saving the form in one year must not pin that year for good."""
    import datetime as dt
    import types

    from desktop_app.core import settings as settings_module

    this_year = dt.date.today().year
    assert get_setting("current_year") == this_year
    enter(qtbot, settings_page, KEY, "72")
    qtbot.mouseClick(settings_page.save_button, Qt.LeftButton)
    assert get_setting(KEY) == 72

    class NextYear(dt.date):
        @classmethod
        def today(cls):
            return cls(this_year + 1, 1, 5)

    monkeypatch.setattr(settings_module, "dt", types.SimpleNamespace(date=NextYear, datetime=dt.datetime))
    assert get_setting("current_year") == this_year + 1, "the working year stayed at the year of saving"


def test_revert_discards_unsaved_edits(qtbot, settings_page):
    enter(qtbot, settings_page, KEY, "99")
    qtbot.mouseClick(settings_page.revert_button, Qt.LeftButton)
    assert settings_page.edits[KEY].text() == "60"
    assert get_setting(KEY) == 60


def test_training_page_follows_the_stored_threshold(qtbot, demo_window, settings_page):
    """The 培训学时 page must not keep announcing 60 学时 after the county set its own minimum."""
    enter(qtbot, settings_page, KEY, "72")
    with qtbot.waitSignal(demo_window.bus.changed):
        qtbot.mouseClick(settings_page.save_button, Qt.LeftButton)
    texts = " ".join(label.text() for label in demo_window.page("training").findChildren(QLabel))
    assert "60 学时" not in texts, texts
