"""培训学时: the period picker, sessions and their attendees (dialogs, per-row hours), the officers' hours,
the unit summary's colours, export and charts when their modules exist, and the 工作台 card.

The demo database is built once per module and copied for each test; a unit of our own with three
officers and a few sessions, entered through the core services, is added to it, so the tests hold
whether or not the demo brings training of its own.
"""
from __future__ import annotations

import datetime as dt
import importlib.machinery
import sys
import types

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app.core.id_card import id_check_character
from desktop_app.core.models import Attendance, Officer, TrainingSession, Unit
from desktop_app.core.training.sessions import SessionInput, add_attendees, create_session
from desktop_app.ui.dialogs.export_options_dialog import ExportOptionsDialog
from desktop_app.ui.dialogs.training_attendees_dialog import AddAttendeesDialog
from desktop_app.ui.dialogs.training_session_dialog import CopySessionDialog, SessionDialog
from desktop_app.ui.pages import training_page as tp
from desktop_app.ui.pages.training_page import TrainingPage
from desktop_app.ui.table_models.personnel_models import GREEN, ORANGE, RED
from desktop_app.ui.table_models.training_models import OfficerHoursModel, SessionTableModel, UnitSummaryModel

TODAY = dt.date.today()
YEAR = TODAY.year
UNIT = "测试培训执法大队"
OTHER_UNIT = "测试培训二中队"
NAMES = ("培训甲", "培训乙", "培训丙")
LAW = "测试公共法律知识培训班"
POLITICS = "测试政治理论学习"
LAST_YEAR = "测试上年度业务培训"


def id_number(serial: int) -> str:
    body = f"64030319860101{serial:03d}"
    return body + id_check_character(body)


def add_training() -> None:
    """Three officers of one unit: 24 countable hours each this year (a 公共法律知识 class) and 10 political
    hours that do not count; 培训甲 also had 60 hours of 业务知识 last year. A second unit has no officers."""
    from desktop_app.core.personnel.officers import OfficerInput, create_officer
    from desktop_app.core.units import UnitInput, create_unit

    unit = create_unit(UnitInput(name=UNIT, kind="enforcement"))
    create_unit(UnitInput(name=OTHER_UNIT, kind="enforcement"))
    ids = [create_officer(OfficerInput(unit_id=unit.id, name=name, id_number=id_number(700 + n),
                                       category="行政编制公务员", law_field="城市管理")).id
           for n, name in enumerate(NAMES)]
    law = create_session(SessionInput(LAW, dt.date(YEAR, 1, 8), dt.date(YEAR, 1, 10), form="集中轮训",
                                      category="公共法律知识", default_hours=24))
    add_attendees(law.id, ids)
    politics = create_session(SessionInput(POLITICS, dt.date(YEAR, 1, 15), form="以会代训", category="政治理论",
                                           default_hours=10))
    add_attendees(politics.id, ids)
    last = create_session(SessionInput(LAST_YEAR, dt.date(YEAR - 1, 5, 6), dt.date(YEAR - 1, 5, 15),
                                       category="业务知识", default_hours=60))
    add_attendees(last.id, ids[:1])


@pytest.fixture(scope="module")
def template_db(make_template):
    return make_template("training-template", add_training)


@pytest.fixture
def window(tmp_path, template_db, main_window_on):
    main = main_window_on(tmp_path / "training-ui.sqlite", template_db)
    main.resize(1366, 800)
    return main


@pytest.fixture
def page(window) -> TrainingPage:
    window.show_page("training")
    found = window.page("training")
    assert isinstance(found, TrainingPage)
    return found


def session_id(name: str) -> int:
    return TrainingSession.get(TrainingSession.name == name).id


def officer_id(name: str) -> int:
    return Officer.get(Officer.name == name).id


def unit_id(name: str) -> int:
    return Unit.get(Unit.name == name).id


def select_session(page: TrainingPage, name: str):
    assert page.sessions.select_session(session_id(name))
    session = page.sessions.current_session()
    assert session is not None and session.name == name
    return session


def attendee_hours(page: TrainingPage) -> dict[str, float]:
    return {row.name: row.hours for row in page.sessions.attendee_model.rows()}


def officer_row(page: TrainingPage, name: str):
    page.tabs.setCurrentIndex(tp.OFFICERS)
    return next(row for row in page.officers.model.all_rows() if row.name == name)


def unit_row(page: TrainingPage, name: str):
    page.tabs.setCurrentIndex(tp.UNITS)
    return page.units.model.row_of(unit_id(name))


def cell(model, row: int, column: int, role=Qt.DisplayRole):
    return model.data(model.index(row, column), role)


def colour(model, row: int, column: int) -> str | None:
    found = cell(model, row, column, Qt.ForegroundRole)
    return found.color().name() if found is not None else None


def click_ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.Ok).click()


# ---- the period and the sessions list
def test_opens_on_the_working_year_with_its_sessions(page, qtmodeltester):
    assert page.period.year_box.currentData() == YEAR
    assert page.period.period() == (dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31))
    assert "每人应完成 60 学时" in page.period_label.text()
    names = [row.name for row in page.sessions.model.rows()]
    assert LAW in names and POLITICS in names and LAST_YEAR not in names
    law = page.sessions.model.row_of(session_id(LAW))
    model = page.sessions.model
    assert cell(model, law, SessionTableModel.DATES) == f"{YEAR}-01-08～01-10"
    assert cell(model, law, SessionTableModel.HOURS) == "24"
    assert cell(model, law, SessionTableModel.ATTENDEES) == "3"
    politics = model.row_of(session_id(POLITICS))
    assert "不计入" in cell(model, politics, SessionTableModel.NAME, Qt.ToolTipRole)
    qtmodeltester.check(model)


def test_search_by_name(qtbot, page):
    page.sessions.search.setText("测试政治")  # Chinese arrives from the input method as committed text
    qtbot.waitUntil(lambda: [r.name for r in page.sessions.model.rows()] == [POLITICS])
    assert "显示 1 个" in page.sessions.count_label.text()


def test_period_picker_years_and_custom_range(qtbot, page):
    page.period.set_year(YEAR - 1)
    assert [r.name for r in page.sessions.model.rows() if r.name.startswith("测试")] == [LAST_YEAR]
    row = officer_row(page, "培训甲")
    assert row.by_category == {"业务知识": 60} and row.shortfall == 0
    assert page.officers.model.data(page.officers.model.index(
        page.officers.model.row_of(row.id), OfficerHoursModel.SHORTFALL)) == "达标"
    page.period.set_range(dt.date(YEAR, 1, 1), dt.date(YEAR, 6, 30))
    assert page.period.year_box.currentData() == tp.CUSTOM
    assert page.period.start_edit.isVisible() and page.period.end_edit.isVisible()
    assert "每人应完成 30 学时" in page.period_label.text()  # 60 prorated by days, to half an hour
    assert officer_row(page, "培训乙").shortfall == 6  # 30 − 24
    page.period.set_range(dt.date(YEAR, 6, 30), dt.date(YEAR, 1, 1))
    assert "早于开始日期" in page.period_label.text()
    page.period.set_year(YEAR)
    assert not page.period.start_edit.isVisible()


# ---- sessions: dialogs
def test_new_session_through_the_dialog(qtbot, page, drive_dialog):
    def fill(dialog: SessionDialog) -> None:
        click_ok(dialog)  # no name: the error sits under the field
        assert "培训名称" in dialog.field_error("name")
        dialog.name_edit.setText("测试行政执法技能培训")
        dialog.category_box.setCurrentIndex(dialog.category_box.findData("行政执法技能"))
        dialog.form_box.setCurrentIndex(dialog.form_box.findData("专题培训"))
        dialog.start_edit.setDate(dialog.start_edit.date().fromString(f"{YEAR}-02-03", "yyyy-MM-dd"))
        dialog.end_edit.setDate(dialog.end_edit.date().fromString(f"{YEAR}-02-04", "yyyy-MM-dd"))
        dialog.days_spin.setValue(2)
        dialog.convert_button.click()  # 2 days × 6
        assert dialog.hours_spin.value() == 12
        dialog.days_spin.setValue(1.3)
        dialog.convert_button.click()
        assert "半天" in dialog.field_error("hours")
        dialog.mental_check.setChecked(True)
        click_ok(dialog)

    drive_dialog(SessionDialog, fill)
    page.sessions.add_button.click()
    saved = TrainingSession.get(TrainingSession.name == "测试行政执法技能培训")
    assert (saved.category, saved.form, saved.default_hours, saved.is_mental_health) == ("行政执法技能", "专题培训",
                                                                                          12, True)
    assert saved.start_date == dt.date(YEAR, 2, 3) and saved.end_date == dt.date(YEAR, 2, 4)
    current = page.sessions.current_session()
    assert current is not None and current.id == saved.id
    assert "心理" in page.sessions.model.data(page.sessions.model.index(
        page.sessions.model.row_of(saved.id), SessionTableModel.MARKS))


def test_a_session_saved_in_another_year_is_shown_there(qtbot, page, drive_dialog):
    select_session(page, LAW)

    def move(dialog: SessionDialog) -> None:
        dialog.start_edit.setDate(dialog.start_edit.date().fromString(f"{YEAR - 1}-03-01", "yyyy-MM-dd"))
        dialog.end_edit.setDate(dialog.end_edit.date().fromString(f"{YEAR - 1}-03-02", "yyyy-MM-dd"))
        click_ok(dialog)

    drive_dialog(SessionDialog, move)
    page.sessions.edit_button.click()
    assert page.period.year_box.currentData() == YEAR - 1
    assert page.sessions.current_session().name == LAW


def test_add_attendees_by_unit(qtbot, page, drive_dialog, message_boxes):
    from desktop_app.core.personnel.officers import OfficerInput, create_officer

    create_officer(OfficerInput(unit_id=unit_id(UNIT), name="培训丁", id_number=id_number(790),
                                category="行政编制公务员"))
    page.refresh()
    select_session(page, LAW)
    assert sorted(attendee_hours(page)) == sorted(NAMES)

    def choose(dialog: AddAttendeesDialog) -> None:
        assert not dialog.add_button.isEnabled()
        units = dialog.unit_list
        item = next(units.item(n) for n in range(units.count()) if units.item(n).text() == UNIT)
        item.setCheckState(Qt.Checked)
        assert "共 4 人" in dialog.summary.text()
        dialog.hours.setValue(20)
        click_ok(dialog)

    drive_dialog(AddAttendeesDialog, choose)
    page.sessions.add_people_button.click()
    assert message_boxes.texts("information") == ["已添加 1 人。\n3 人原已在参训名单中，学时未改动。"]
    assert attendee_hours(page) == {"培训甲": 24, "培训乙": 24, "培训丙": 24, "培训丁": 20}
    assert page.sessions.current_session().attendees == 4


def test_add_attendees_by_picking(qtbot, page, drive_dialog, message_boxes):
    page.period.set_year(YEAR - 1)
    select_session(page, LAST_YEAR)

    def pick(dialog: AddAttendeesDialog) -> None:
        dialog.tabs.setCurrentIndex(2)
        qtbot.waitUntil(lambda: dialog.pick_model.rowCount() > 0)
        assert all(r.status == "在职" for r in dialog.pick_model.rows())  # 在职 only unless asked
        dialog.search.setText("培训乙")
        dialog.apply_filter()
        assert [r.name for r in dialog.pick_model.rows()] == ["培训乙"]
        dialog.pick_model.setData(dialog.pick_model.index(0, 0), Qt.Checked, Qt.CheckStateRole)
        dialog.search.setText("培训")
        dialog.apply_filter()  # the check mark survives another search
        assert dialog.pick_model.chosen == {officer_id("培训乙")}
        click_ok(dialog)

    drive_dialog(AddAttendeesDialog, pick)
    page.sessions.add_people_button.click()
    assert attendee_hours(page) == {"培训甲": 60, "培训乙": 60}


def test_editing_one_attendees_hours_changes_the_officers_tab(qtbot, page, qtmodeltester):
    assert officer_row(page, "培训甲").countable == 24
    qtmodeltester.check(page.officers.model)
    page.tabs.setCurrentIndex(tp.SESSIONS)
    select_session(page, LAW)
    model = page.sessions.attendee_model
    qtmodeltester.check(model)
    row = model.row_of(officer_id("培训甲"))
    assert model.flags(model.index(row, model.HOURS)) & Qt.ItemIsEditable
    assert model.setData(model.index(row, model.HOURS), 60.0)
    assert model.setData(model.index(row, model.RESULT), "优秀")
    qtbot.waitUntil(lambda: Attendance.get(Attendance.officer == officer_id("培训甲"),
                                           Attendance.session == session_id(LAW)).result == "优秀")
    qtbot.waitUntil(lambda: officer_row(page, "培训甲").countable == 60)
    row = officer_row(page, "培训甲")
    assert row.shortfall == 0 and row.political == 10
    shown = page.officers.model.row_of(row.id)
    assert colour(page.officers.model, shown, OfficerHoursModel.SHORTFALL) == GREEN
    other = page.officers.model.row_of(officer_id("培训乙"))
    assert cell(page.officers.model, other, OfficerHoursModel.SHORTFALL) == "36"
    assert colour(page.officers.model, other, OfficerHoursModel.SHORTFALL) == RED


def test_bad_hours_are_refused(qtbot, page, message_boxes):
    select_session(page, LAW)
    model = page.sessions.attendee_model
    row = model.row_of(officer_id("培训乙"))
    assert not model.setData(model.index(row, model.HOURS), 900.0)
    qtbot.waitUntil(lambda: bool(message_boxes.texts("warning")))
    assert "500" in message_boxes.texts("warning")[0]
    assert model.row_at(row).hours == 24


def test_remove_attendees(qtbot, page, message_boxes):
    select_session(page, POLITICS)
    table = page.sessions.attendees
    table.selectRow(page.sessions.attendee_model.row_of(officer_id("培训丙")))
    page.sessions.remove_button.click()
    assert "培训丙" in message_boxes.texts("question")[0]
    assert sorted(attendee_hours(page)) == ["培训乙", "培训甲"]


def test_copy_as_a_new_round(qtbot, page, drive_dialog):
    select_session(page, LAW)

    def copy(dialog: CopySessionDialog) -> None:
        assert "3 人" in dialog.attendees_check.text()
        dialog.set_dates(dt.date(YEAR, 3, 2), dt.date(YEAR, 3, 4))
        dialog.attendees_check.setChecked(True)
        click_ok(dialog)

    drive_dialog(CopySessionDialog, copy)
    page.sessions.copy_button.click()
    copies = list(TrainingSession.select().where(TrainingSession.name == LAW).order_by(TrainingSession.id))
    assert len(copies) == 2 and copies[1].start_date == dt.date(YEAR, 3, 2)
    current = page.sessions.current_session()
    assert current.id == copies[1].id and current.attendees == 3
    assert officer_row(page, "培训乙").countable == 48


def test_delete_asks_with_the_attendee_count(qtbot, page, message_boxes, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    select_session(page, LAW)
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *args: QMessageBox.No))
    page.sessions.delete_button.click()
    assert TrainingSession.get_or_none(TrainingSession.name == LAW) is not None
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(
        lambda parent, title, text, *args: asked.append(text) or QMessageBox.Yes))
    page.sessions.delete_button.click()
    assert "3 人次参训记录将一并删除" in asked[0]
    assert TrainingSession.get_or_none(TrainingSession.name == LAW) is None
    assert page.sessions.model.row_of(session_id(POLITICS)) >= 0
    assert officer_row(page, "培训甲").countable == 0


# ---- the ledger tabs
def test_header_click_sorts_largest_gap_first(qtbot, page):
    page.tabs.setCurrentIndex(tp.OFFICERS)
    table = page.officers.table
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(OfficerHoursModel.SHORTFALL) + 5
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(x, 5))
    assert header.sortIndicatorSection() == OfficerHoursModel.SHORTFALL
    gaps = [row.shortfall for row in page.officers.model.rows()]
    assert gaps == sorted(gaps, reverse=True) and gaps[0] > 0
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(x, 5))
    gaps = [row.shortfall for row in page.officers.model.rows()]
    assert gaps == sorted(gaps)



def test_officers_tab_filters_and_detail(qtbot, page):
    page.tabs.setCurrentIndex(tp.OFFICERS)
    officers = page.officers
    officers.unit_filter.setCurrentIndex(officers.unit_filter.findData(unit_id(UNIT)))
    assert sorted(r.name for r in officers.model.rows()) == sorted(NAMES)
    officers.short_only.setChecked(True)
    assert sorted(r.name for r in officers.model.rows()) == sorted(NAMES)  # 24 of 60 each
    row = officers.model.row_of(officer_id("培训甲"))
    assert cell(officers.model, row, OfficerHoursModel.COUNTABLE) == "24"
    assert cell(officers.model, row, OfficerHoursModel.POLITICAL) == "10"
    assert cell(officers.model, row, OfficerHoursModel.SESSIONS) == "2"
    officers.table.selectRow(row)
    officers.short_only.setChecked(False)  # the selection follows its officer through the filters
    assert officers.current_id() == officer_id("培训甲")
    text = officers.browser.toPlainText()
    assert str(YEAR - 1) in text and str(YEAR - 2) in text  # the last three years
    assert LAW in text and POLITICS in text
    assert "差 36" in text
    officers.open_session.emit(session_id(POLITICS))
    assert page.tabs.currentIndex() == tp.SESSIONS
    assert page.sessions.current_session().name == POLITICS


def test_unit_summary_colours_a_short_unit(qtbot, page, qtmodeltester):
    row = unit_row(page, UNIT)
    model = page.units.model
    assert row >= 0 and unit_row(page, OTHER_UNIT) < 0  # a unit without officers has no line
    assert [cell(model, row, c) for c in range(len(model.HEADERS))] == [
        UNIT, "3", "0", "0.0%", "24.0", "0", "0.0%", "3", "无"]
    assert colour(model, row, UnitSummaryModel.REACH_RATE) == RED
    assert colour(model, row, UnitSummaryModel.MENTAL) == RED
    page.units.table.selectRow(row)
    assert sorted(r[0].name for r in page.units.short_model.rows()) == sorted(NAMES)
    qtmodeltester.check(page.units.short_model)
    assert [cell(page.units.short_model, 0, c) for c in (1, 2)] == ["24", "36"]
    page.units.officers_button.click()
    assert page.tabs.currentIndex() == tp.OFFICERS
    assert page.officers.short_only.isChecked()
    assert page.officers.unit_filter.currentData() == unit_id(UNIT)
    qtmodeltester.check(model)


def test_unit_summary_turns_orange_then_green(qtbot, page):
    from desktop_app.core.training.sessions import set_attendance

    for name in ("培训甲", "培训乙"):
        set_attendance(session_id(LAW), officer_id(name), 60)
    page.bus.notify("training")
    row = unit_row(page, UNIT)
    assert cell(page.units.model, row, UnitSummaryModel.REACH_RATE) == "66.7%"
    assert colour(page.units.model, row, UnitSummaryModel.REACH_RATE) == ORANGE
    set_attendance(session_id(LAW), officer_id("培训丙"), 60)
    mental = create_session(SessionInput("测试心理健康讲座", dt.date(YEAR, 4, 1), category="业务知识",
                                         default_hours=2, is_mental_health=True, organiser="本单位",
                                         organiser_unit_id=unit_id(UNIT)))
    page.bus.notify("training")
    row = unit_row(page, UNIT)
    assert colour(page.units.model, row, UnitSummaryModel.REACH_RATE) == GREEN
    assert cell(page.units.model, row, UnitSummaryModel.MENTAL) == "1 次"
    assert colour(page.units.model, row, UnitSummaryModel.MENTAL) is None
    assert mental.id


def test_large_county_loads_the_ledger_off_the_gui_thread(qtbot, page, monkeypatch):
    from desktop_app.ui import training_loader

    monkeypatch.setattr(training_loader, "BACKGROUND_FROM", 0)
    training_loader.forget()
    page.tabs.setCurrentIndex(tp.OFFICERS)
    page.refresh()
    assert page.is_loading()
    qtbot.waitUntil(lambda: not page.is_loading(), timeout=20000)
    assert officer_row(page, "培训甲").countable == 24


# ---- import, export and charts (their modules are written separately)
def fake_module(monkeypatch, name: str, **functions) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__spec__ = importlib.machinery.ModuleSpec(name, None)
    for key, value in functions.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, name, module)
    return module


def test_import_button_opens_the_import_after_choosing_a_file(qtbot, page, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    calls = []
    fake_module(monkeypatch, "desktop_app.ui.dialogs.training_import_dialog",
                run_training_import=lambda parent, path: calls.append(path) or True)
    page.refresh()
    assert page.sessions.import_button.isVisible()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("", "")))
    page.sessions.import_button.click()
    assert calls == []
    chosen = str(tmp_path / "签到表.xlsx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (chosen, "")))
    with qtbot.waitSignal(page.bus.changed):
        page.sessions.import_button.click()
    assert calls == [tmp_path / "签到表.xlsx"]


def test_export_is_masked_unless_asked(qtbot, page, monkeypatch, drive_dialog, message_boxes, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    calls = []

    def export(path, year=None, start=None, end=None, unit_id=None, unmasked=False, control=None):
        calls.append((year, start, end, unmasked))
        return path

    fake_module(monkeypatch, tp.EXPORT_MODULE, export_training_xlsx=export)
    page.refresh()
    assert page.export_button.isVisible()
    target = tmp_path / "培训学时"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    drive_dialog(ExportOptionsDialog, lambda dialog: dialog.accept())
    page.export_button.click()
    qtbot.waitUntil(lambda: bool(message_boxes.texts("information")))
    assert calls == [(YEAR, None, None, False)]
    assert str(target) + ".xlsx" in message_boxes.texts("information")[0]
    page.period.set_range(dt.date(YEAR, 1, 1), dt.date(YEAR, 3, 31))

    def unmask(dialog: ExportOptionsDialog) -> None:
        assert dialog.windowTitle() == "导出培训学时"
        dialog.unmasked_check.setChecked(True)
        dialog.accept()

    drive_dialog(ExportOptionsDialog, unmask)
    page.export_button.click()
    qtbot.waitUntil(lambda: len(calls) == 2)
    assert calls[1] == (None, dt.date(YEAR, 1, 1), dt.date(YEAR, 3, 31), True)


def test_charts_dialog(qtbot, page, drive_dialog, monkeypatch):
    from matplotlib.figure import Figure

    from desktop_app.ui.dialogs.training_chart_dialog import ChartDialog

    seen = {}

    def distribution(hours, threshold, *, title="", size=None):
        seen["hours"], seen["threshold"] = list(hours), threshold
        return Figure(figsize=(4, 3))

    def reach_rates(units, *, target=1.0, title="", size=None):
        seen["units"] = [u.unit_name for u in units]
        return Figure(figsize=(4, 3))

    fake_module(monkeypatch, tp.CHARTS_MODULE, hours_distribution=distribution, unit_reach_rates=reach_rates)
    page.refresh()
    assert page.chart_button.isVisible()
    dialogs = drive_dialog(ChartDialog, lambda dialog: None)
    page.chart_button.click()
    assert dialogs and dialogs[0].tabs.count() == 2
    from desktop_app.ui.training_loader import cached_ledger

    ledger = cached_ledger(*page.period.period())
    assert seen["threshold"] == 60 and len(seen["hours"]) == len(ledger.officers)
    assert UNIT in seen["units"]


# ---- the 工作台 card
def test_dashboard_card_shows_this_years_figures_and_links(qtbot, window):
    dashboard = window.page("dashboard")
    qtbot.waitUntil(lambda: "人均" in dashboard.training.body.text())
    text = dashboard.training.body.text()
    assert f"{YEAR} 年" in text and "达标率" in text and "全员轮训率" in text
    assert "training:short" in text  # our three officers are short
    assert "training:units" in text  # and our unit held no 心理健康 activity
    dashboard.training.body.linkActivated.emit("training:short")
    assert window.current_page_key() == "training"
    page = window.page("training")
    assert page.tabs.currentIndex() == tp.OFFICERS and page.officers.short_only.isChecked()
    assert set(NAMES) <= {row.name for row in page.officers.model.rows()}
    dashboard.training.body.linkActivated.emit("training:units")
    assert page.tabs.currentIndex() == tp.UNITS


def test_empty_database_page_and_card(empty_window):
    card = empty_window.page("dashboard").training
    assert "尚未建立数据" in card.body.text()
    empty_window.show_page("training")
    page = empty_window.page("training")
    assert page.sessions.model.rowCount() == 0
    assert page.sessions.list_stack.currentWidget() is page.sessions.empty
    assert "新增培训" in page.sessions.empty.text.text()
    assert not page.sessions.edit_button.isEnabled()
    page.tabs.setCurrentIndex(tp.OFFICERS)
    assert "没有在职执法人员" in page.officers.count_label.text()
    page.tabs.setCurrentIndex(tp.UNITS)
    assert "没有在职执法人员" in page.units.totals.text()
