"""执法人员与证件: the list, search and filters, sorting, the detail pane, the dialogs, batch actions, and the
工作台 card linking to the list.

The demo database is built once per module and copied for each test (building it takes seconds); a unit
of our own with four officers, entered through the core services, is added to it, so the tests hold
whether or not the demo brings officers of its own.
"""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app.core.id_card import id_check_character
from desktop_app.core.models import Officer
from desktop_app.core.personnel import certificates as certs
from desktop_app.core.personnel import dictionaries
from desktop_app.core.personnel.alerts import EXPIRING, NO_CERT
from desktop_app.core.personnel.officers import OfficerInput, create_officer
from desktop_app.ui.dialogs.batch_dialog import BatchDialog
from desktop_app.ui.dialogs.certificate_dialog import CertificateDialog
from desktop_app.ui.dialogs.dictionary_dialog import DictionaryDialog
from desktop_app.ui.dialogs.officer_change_dialogs import StatusDialog
from desktop_app.ui.dialogs.officer_dialog import OPEN_EXISTING, OfficerDialog
from desktop_app.ui.pages.common import EmptyState
from desktop_app.ui.pages.personnel_page import PersonnelPage
from desktop_app.ui.table_models import personnel_models as pm

TODAY = dt.date.today()
UNIT = "测试综合执法大队"
NAMES = ("测试甲", "测试乙", "测试丙", "测试丁")


def id_number(birth: str, serial: int) -> str:
    body = f"640303{birth}{serial:03d}"
    return body + id_check_character(body)


def add_people() -> dict[str, int]:
    """甲: a valid card far from expiry; 乙: a card expiring in 30 days; 丙: on an enforcement post with
    no card; 丁: a valid card. Entered through the services, as the clerk's forms do."""
    from desktop_app.core.units import UnitInput, create_unit

    unit = create_unit(UnitInput(name=UNIT, kind="enforcement"))
    ids = {}
    for n, name in enumerate(NAMES):
        officer = create_officer(OfficerInput(unit_id=unit.id, name=name, id_number=id_number("19850315", 11 + n),
                                              category="行政编制公务员", law_field="城市管理",
                                              phone="13900001111", region="全区"))
        ids[name] = officer.id
    issued = TODAY - dt.timedelta(days=400)
    for name, number, until in (("测试甲", "TEST0001", TODAY + dt.timedelta(days=1500)),
                                ("测试乙", "TEST0002", TODAY + dt.timedelta(days=30)),
                                ("测试丁", "TEST0004", TODAY + dt.timedelta(days=1500))):
        certs.register_existing(ids[name], certs.CertificateInput(
            number=number, issuer="测试区人民政府", issued_on=issued, valid_until=until, law_field="城市管理"))
    return ids


@pytest.fixture(scope="module")
def template_db(make_template):
    return make_template("personnel-template", add_people)


@pytest.fixture
def window(tmp_path, template_db, main_window_on):
    main = main_window_on(tmp_path / "personnel-ui.sqlite", template_db)
    main.resize(1366, 800)
    return main


@pytest.fixture
def page(window) -> PersonnelPage:
    window.show_page("personnel")
    found = window.page("personnel")
    assert isinstance(found, PersonnelPage)
    return found


def ids_of() -> dict[str, int]:
    return {o.name: o.id for o in Officer.select().where(Officer.name.in_(NAMES))}


def shown_names(page: PersonnelPage) -> list[str]:
    return [row.name for row in page.model.rows()]


def select(page: PersonnelPage, *names: str) -> None:
    page.clear_filters()
    selection = QItemSelection()
    for name in names:
        row = page.model.row_of(ids_of()[name])
        selection.select(page.model.index(row, 0), page.model.index(row, len(pm.HEADERS) - 1))
    page.table.selectionModel().select(selection, QItemSelectionModel.ClearAndSelect)


def only(page: PersonnelPage, name: str):
    select(page, name)
    row = page.detail.row
    assert row is not None and row.name == name
    return row


def click_ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.Ok).click()


def test_list_shows_every_officer_with_counts(page, qtmodeltester):
    total = Officer.select().count()
    assert total >= len(NAMES)  # the demo's own officers too, once it brings them
    assert page.model.rowCount() == total == len(page.all_rows)
    assert page.count_label.text() == f"共 {total} 人，显示 {total} 人"
    assert set(NAMES) <= set(shown_names(page))
    qtmodeltester.check(page.model)


def test_cells_colours_and_tooltips(page):
    row = page.model.row_of(ids_of()["测试乙"])
    index = lambda column: page.model.index(row, column)
    assert page.model.data(index(pm.NUMBER)) == "TEST0002"
    assert page.model.data(index(pm.STATE)) == "有效"
    assert page.model.data(index(pm.VALID_UNTIL)) == (TODAY + dt.timedelta(days=30)).isoformat()
    assert page.model.data(index(pm.ALERTS)) == "证件即将到期"
    assert page.model.data(index(pm.VALID_UNTIL), Qt.ForegroundRole).color().name() == pm.ORANGE
    assert "还有 30 天" in page.model.data(index(pm.NAME), Qt.ToolTipRole)
    no_card = page.model.row_of(ids_of()["测试丙"])
    assert page.model.data(page.model.index(no_card, pm.STATE)) == "未发证"
    assert page.model.data(page.model.index(no_card, pm.ALERTS), Qt.ForegroundRole).color().name() == pm.RED


def test_search_as_you_type_narrows(qtbot, page):
    qtbot.keyClicks(page.search, "test000")  # 证号, typed in any case
    qtbot.waitUntil(lambda: sorted(shown_names(page)) == sorted(["测试甲", "测试乙", "测试丁"]))
    qtbot.keyClicks(page.search, "2")
    qtbot.waitUntil(lambda: shown_names(page) == ["测试乙"])
    assert page.count_label.text().endswith("显示 1 人")
    page.search.clear()
    for char in "测试":  # Chinese arrives from the input method as committed text
        page.search.insert(char)
    qtbot.waitUntil(lambda: sorted(shown_names(page)) == sorted(NAMES))
    page.search.setText(id_number("19850315", 13))  # 身份证号 of 测试丙
    qtbot.waitUntil(lambda: shown_names(page) == ["测试丙"])


def test_filter_by_warning_with_counts(page):
    box = page.alert_filter
    index = box.findData(EXPIRING)
    expiring = sum(1 for r in page.all_rows if any(a.code == EXPIRING for a in r.alerts))
    assert box.itemText(index) == f"证件即将到期（{expiring}）"
    box.setCurrentIndex(index)
    assert "测试乙" in shown_names(page)
    assert page.model.rowCount() == expiring
    assert all(any(a.code == EXPIRING for a in r.alerts) for r in page.model.rows())
    box.setCurrentIndex(box.findData(NO_CERT))
    assert "测试丙" in shown_names(page) and "测试乙" not in shown_names(page)
    page.unit_filter.setCurrentIndex(page.unit_filter.findText(UNIT))
    assert shown_names(page) == ["测试丙"]


def test_status_filter_by_certificate_state(page):
    page.unit_filter.setCurrentIndex(page.unit_filter.findText(UNIT))
    page.status_filter.setCurrentIndex(page.status_filter.findData(certs.NONE))
    assert shown_names(page) == ["测试丙"]
    page.status_filter.setCurrentIndex(page.status_filter.findData(certs.VALID))
    assert sorted(shown_names(page)) == sorted(["测试甲", "测试乙", "测试丁"])


def test_clicking_a_header_sorts_in_the_model(qtbot, page):
    page.unit_filter.setCurrentIndex(page.unit_filter.findText(UNIT))
    header = page.table.horizontalHeader()

    def click(column: int) -> None:
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(x, 5))

    click(pm.VALID_UNTIL)
    assert header.sortIndicatorSection() == pm.VALID_UNTIL  # the first click marks the clicked column
    assert shown_names(page)[:2] == ["测试乙", "测试甲"] or shown_names(page)[:2] == ["测试乙", "测试丁"]
    assert shown_names(page)[-1] == "测试丙"  # no card: last
    click(pm.VALID_UNTIL)
    assert shown_names(page)[0] == "测试丙" and shown_names(page)[-1] == "测试乙"
    click(pm.NAME)  # 拼音 order: 甲 jiǎ, 丁 dīng, 丙 bǐng, 乙 yǐ
    assert shown_names(page) == ["测试丙", "测试丁", "测试甲", "测试乙"]


def test_sort_keeps_the_selection_on_its_officer(page):
    only(page, "测试乙")
    page.model.sort(pm.NAME, Qt.DescendingOrder)
    assert [r.name for r in page.selected_rows()] == ["测试乙"]


def test_detail_shows_record_and_certificate_timeline(page):
    card = only(page, "测试甲").card
    certs.add_event(card.id, "suspend", TODAY, "被投诉查实", "测试〔2026〕1号", TODAY + dt.timedelta(days=30))
    page.bus.notify("personnel")
    text = page.detail.browser.toPlainText()
    assert id_number("19850315", 11) in text  # in full: the clerk's own screen
    assert "13900001111" in text
    for expected in ("证件", "TEST0001", "暂扣", "发证", "登记已有证件", "被投诉查实", "测试〔2026〕1号",
                     "资格考试", "年度考核", "履历", "登记"):
        assert expected in text, expected
    assert text.index("发证") < text.index("被投诉查实")  # events in order
    assert "测试甲" in page.detail.heading.text()


def test_new_officer_dialog_marks_a_bad_id_then_saves(qtbot, page, drive_dialog):
    def fill(dialog: OfficerDialog) -> None:
        dialog.name_edit.setText("测试戊")
        dialog.unit_combo.setCurrentIndex(dialog.unit_combo.findText(UNIT))
        good = id_number("19900101", 21)
        dialog.id_edit.setText(good[:-1] + ("1" if good[-1] == "0" else "0"))  # wrong check character
        click_ok(dialog)
        assert dialog.isVisible()
        assert "校验位" in dialog.field_error("id_number")
        assert dialog.field_error("name") == ""
        dialog.id_edit.setText(id_number("19900101", 21))
        click_ok(dialog)

    driven = drive_dialog(OfficerDialog, fill)
    page.add_officer()
    assert driven and driven[0].result()
    assert [r.name for r in page.selected_rows()] == ["测试戊"]
    assert "测试戊" in page.detail.heading.text()


def test_duplicate_id_offers_to_open_the_registered_person(page, drive_dialog):
    def fill(dialog: OfficerDialog) -> None:
        dialog.name_edit.setText("测试己")
        dialog.unit_combo.setCurrentIndex(dialog.unit_combo.findText(UNIT))
        dialog.id_edit.setText(id_number("19850315", 12))  # 测试乙's number
        click_ok(dialog)
        assert "已登记为“测试乙”" in dialog.field_error("id_number")
        assert dialog.duplicate_button.isVisible()
        dialog.duplicate_button.click()

    page.search.setText("测试甲")
    page.apply_filters()
    driven = drive_dialog(OfficerDialog, fill)
    page.add_officer()
    assert driven[0].result() == OPEN_EXISTING
    assert [r.name for r in page.selected_rows()] == ["测试乙"]  # the filter hiding them was cleared
    assert Officer.select().where(Officer.name == "测试己").count() == 0


def test_certificate_buttons_follow_state_suspend_then_restore(page, drive_dialog):
    only(page, "测试甲")
    buttons = page.detail.card_buttons
    assert buttons["suspend"].isEnabled() and buttons["review_pass"].isEnabled()
    assert not buttons["restore"].isEnabled() and not buttons["issue"].isEnabled()
    assert "有效" in buttons["restore"].toolTip()

    def suspend(dialog: CertificateDialog) -> None:
        click_ok(dialog)  # no reason yet
        assert "原因" in dialog.field_error("reason")
        dialog.reason_combo.setCurrentText("被投诉查实")
        click_ok(dialog)

    drive_dialog(CertificateDialog, suspend)
    buttons["suspend"].click()
    row = page.detail.row
    assert row.name == "测试甲" and row.cert_state == certs.SUSPENDED
    assert buttons["restore"].isEnabled() and not buttons["suspend"].isEnabled()
    assert "暂扣" in page.model.data(page.model.index(page.model.row_of(row.id), pm.STATE))

    drive_dialog(CertificateDialog, click_ok)
    buttons["restore"].click()
    assert page.detail.row.cert_state == certs.VALID
    assert buttons["suspend"].isEnabled() and not buttons["restore"].isEnabled()
    assert "恢复" in page.detail.browser.toPlainText()


def test_no_card_offers_apply_and_register_only(page):
    only(page, "测试丙")
    assert page.detail.apply_button.isEnabled() and page.detail.register_button.isEnabled()
    assert not any(button.isEnabled() for button in page.detail.card_buttons.values())


def test_apply_without_exam_is_refused_with_the_reason(page, drive_dialog):
    only(page, "测试丙")

    def apply(dialog: CertificateDialog) -> None:
        click_ok(dialog)
        assert dialog.isVisible()
        assert "资格考试" in dialog.field_error("exam")

    drive_dialog(CertificateDialog, apply)
    page.detail.apply_button.click()


def test_leaving_cancels_the_cards(page, drive_dialog):
    only(page, "测试丁")

    def retire(dialog: StatusDialog) -> None:
        dialog.status_combo.setCurrentText("退休")
        assert dialog.cancel_check.isChecked()
        click_ok(dialog)

    drive_dialog(StatusDialog, retire)
    page.detail.status_button.click()
    row = page.detail.row
    assert row.status == "退休" and row.cert_state == certs.CANCELLED
    assert page.detail.status_button.text() == "恢复在职…"
    assert not page.detail.move_button.isEnabled()


def test_batch_review_pass_on_two_rows(qtbot, page, drive_dialog, message_boxes):
    select(page, "测试甲", "测试丁")
    assert page.count_label.text().endswith("已选 2 人")
    button = page.batch_buttons["review_pass"]
    assert button.isEnabled()
    driven = drive_dialog(BatchDialog, click_ok)
    button.click()
    assert driven[0].buttons.button(QDialogButtonBox.Ok).text() == "年审通过（2 人）"
    qtbot.waitUntil(lambda: bool(message_boxes.texts("information")), timeout=10_000)
    assert message_boxes.texts("information") == ["已办理 2 人。"]
    ids = ids_of()
    for name in ("测试甲", "测试丁"):
        kinds = [event.kind for _, event in certs.timeline(ids[name])]
        assert kinds[-1] == "review_pass", name
    assert sorted(r.name for r in page.selected_rows()) == ["测试丁", "测试甲"]  # selection kept


def test_batch_reports_refusals_and_does_the_rest(qtbot, page, drive_dialog, message_boxes):
    select(page, "测试丙", "测试丁")
    drive_dialog(BatchDialog, click_ok)
    page.batch_buttons["review_pass"].click()
    qtbot.waitUntil(lambda: bool(message_boxes.texts("information")), timeout=10_000)
    summary = message_boxes.texts("information")[0]
    assert summary.startswith("已办理 1 人。\n未办理 1 人：")
    assert "测试丙：没有行政执法证" in summary
    assert certs.timeline(ids_of()["测试丁"])[-1][1].kind == "review_pass"


def test_batch_cancel_needs_a_reason_and_cancels(qtbot, page, drive_dialog, message_boxes):
    select(page, "测试甲", "测试乙")

    def cancel(dialog: BatchDialog) -> None:
        click_ok(dialog)
        assert "注销原因" in dialog.field_error("reason")
        dialog.reason_combo.setCurrentText("不再从事执法")
        click_ok(dialog)

    drive_dialog(BatchDialog, cancel)
    page.batch_buttons["cancel"].click()
    qtbot.waitUntil(lambda: bool(message_boxes.texts("information")), timeout=10_000)
    assert message_boxes.texts("information") == ["已办理 2 人。"]
    states = {r.name: r.cert_state for r in page.all_rows if r.name in ("测试甲", "测试乙")}
    assert states == {"测试甲": certs.CANCELLED, "测试乙": certs.CANCELLED}


def test_dictionary_dialog_adds_a_field_and_an_auxiliary_category(page, drive_dialog):
    def edit(dialog: DictionaryDialog) -> None:
        dialog.fields.add_entry()
        dialog.fields.list.currentItem().setText("测试领域")
        dialog.categories.add_entry()
        item = dialog.categories.list.currentItem()
        item.setText("测试辅助")
        item.setCheckState(Qt.Checked)
        click_ok(dialog)

    drive_dialog(DictionaryDialog, edit)
    page.dictionary_button.click()
    assert "测试领域" in dictionaries.values(dictionaries.LAW_FIELD)
    assert "测试辅助" in dictionaries.auxiliary_categories()
    assert page.category_filter.findData("测试辅助") >= 0


def test_dashboard_warning_link_filters_the_list(qtbot, window):
    dashboard = window.page("dashboard")
    qtbot.waitUntil(lambda: "alert:" in dashboard.personnel.body.text())
    text = dashboard.personnel.body.text()
    assert f"alert:{EXPIRING}" in text and "证件即将到期" in text
    dashboard.personnel.body.linkActivated.emit(f"alert:{EXPIRING}")
    assert window.current_page_key() == "personnel"
    page = window.page("personnel")
    assert page.alert_filter.currentData() == EXPIRING
    assert "测试乙" in shown_names(page)
    assert all(any(a.code == EXPIRING for a in r.alerts) for r in page.model.rows())


def test_dashboard_unit_link_filters_by_unit(qtbot, window):
    dashboard = window.page("dashboard")
    qtbot.waitUntil(lambda: "执法人员" in dashboard.personnel.body.text())
    unit_id = Officer.get(Officer.name == "测试甲").unit_id
    dashboard.personnel.body.linkActivated.emit(f"unit:{unit_id}")
    page = window.page("personnel")
    assert sorted(shown_names(page)) == sorted(NAMES)


def test_large_roster_loads_off_the_gui_thread(qtbot, page, monkeypatch):
    from desktop_app.ui import roster_loader

    monkeypatch.setattr(roster_loader, "BACKGROUND_FROM", 0)
    only(page, "测试乙")
    roster_loader.forget()  # nothing changed since the last load would otherwise be answered at once
    page.reload()
    assert page.is_loading()
    qtbot.waitUntil(lambda: not page.is_loading(), timeout=20000)
    assert page.model.rowCount() == Officer.select().count()
    assert [r.name for r in page.selected_rows()] == ["测试乙"]


def test_worker_loads_share_one_roster_while_nothing_changes(qtbot, page, monkeypatch):
    """The dashboard's figures and the page each load on a worker thread (own connection): the roster is
    read once, keyed on the GUI thread's change stamp, not the worker connection's."""
    from desktop_app.core.personnel import roster
    from desktop_app.ui import roster_loader

    monkeypatch.setattr(roster_loader, "BACKGROUND_FROM", 0)
    loads = []
    real = roster.load_roster
    monkeypatch.setattr(roster, "load_roster", lambda *a, **k: loads.append(1) or real(*a, **k))
    roster_loader.forget()
    got = []
    for then in (None, pm.prepare):
        job = roster_loader.load_roster_then(page, got.append, quiet=True, then=then)
        qtbot.waitUntil(lambda job=job: not job.busy(), timeout=20000)
    assert len(loads) == 1
    assert [r.id for r in got[0]] == [r.id for r in got[1].rows]
    create_officer(OfficerInput(name="测试新", unit_id=Officer.get().unit_id, id_number=id_number("19900101", 77)))
    roster_loader.load_roster_then(page, got.append, quiet=True)
    qtbot.waitUntil(lambda: len(got) == 3, timeout=20000)
    assert len(loads) == 2 and "测试新" in {r.name for r in got[2]}


def test_empty_database_says_how_to_start(empty_window):
    empty_window.show_page("personnel")
    page = empty_window.page("personnel")
    assert page.stack.currentWidget() is page.empty
    assert isinstance(page.empty, EmptyState)
    assert page.add_button.isVisible()


def test_export_is_masked_unless_asked(qtbot, page, drive_dialog, message_boxes, monkeypatch, tmp_path):
    from openpyxl import load_workbook
    from PySide6.QtWidgets import QFileDialog

    from desktop_app.ui.dialogs.export_options_dialog import ExportOptionsDialog

    assert page.export_button.isVisible()
    target = tmp_path / "名册.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    page.unit_filter.setCurrentIndex(page.unit_filter.findText(UNIT))
    driven = drive_dialog(ExportOptionsDialog, lambda d: d.accept())
    page.export_button.click()
    assert not driven[0].unmasked_check.isChecked()  # masked unless the clerk ticks it
    assert "“测试综合执法大队”的 4 名人员" in driven[0].findChildren(type(page.count_label))[0].text()
    qtbot.waitUntil(lambda: bool(message_boxes.texts("information")), timeout=20_000)
    assert message_boxes.texts("information")[0].startswith("执法人员名册已导出")
    cells = [str(c) for sheet in load_workbook(target) for row in sheet.iter_rows(values_only=True) for c in row]
    assert set(NAMES) <= set(cells)  # the chosen unit's people
    assert not any(id_number("19850315", 11) in c for c in cells)  # 身份证号 masked


def test_import_and_cleanup_buttons_open_their_dialogs(qtbot, page, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog

    from desktop_app.ui.dialogs import cleanup_wizard, roster_import_dialog

    calls = []
    monkeypatch.setattr(roster_import_dialog, "run_roster_import",
                        lambda parent, path: calls.append(("import", path)) or False)
    monkeypatch.setattr(cleanup_wizard, "run_cleanup_wizard", lambda parent: calls.append(("cleanup", None)))
    roster = tmp_path / "名册.xlsx"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(roster), "")))
    assert page.import_button.isVisible() and page.cleanup_button.isVisible() and page.export_button.isVisible()
    page.import_button.click()
    page.cleanup_button.click()
    assert calls == [("import", roster), ("cleanup", None)]


def test_cancelling_a_batch_undoes_all_of_it(page):
    from desktop_app.core.jobs import Cancelled, JobControl
    from desktop_app.core.personnel.batch import review_pass, run_batch

    select(page, "测试甲", "测试丁")
    rows = page.selected_rows()
    control = JobControl()
    calls = []

    def step(row):
        review_pass(TODAY, "")(row)
        calls.append(row.name)
        control.cancel()  # the clerk presses 取消 after the first officer

    with pytest.raises(Cancelled):
        run_batch(rows * 11, step, control)  # progress is checked every 20 officers
    assert calls  # the first ones were done inside the transaction …
    for name in ("测试甲", "测试丁"):  # … and rolled back with it
        assert certs.timeline(ids_of()[name])[-1][1].kind == "issue"
