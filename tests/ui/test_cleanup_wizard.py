"""年度证件清理 wizard: candidates with masked 身份证号, decisions per line and per selection, 应用 writing
certificate events after a backup, a refusal applying nothing, and the result saved as .xlsx / .docx.

The demo database is built once per module and copied for each test; a unit of our own is added through the
core services with one officer per kind of line (retired with a live card, an expired card, a suspected
duplicate registration with and without a card), so the tests hold whatever the demo brings.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import QItemSelection, QItemSelectionModel, Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QFileDialog, QStyleOptionViewItem

from desktop_app.core.id_card import id_check_character, mask_id_number
from desktop_app.core.models import Certificate, CertificateEvent, Officer
from desktop_app.core.personnel import certificates as certs
from desktop_app.core.personnel import cleanup as cl
from desktop_app.ui.dialogs import cleanup_decision_dialogs as cdd
from desktop_app.ui.dialogs import cleanup_pages as cp
from desktop_app.ui.dialogs import cleanup_wizard as cw
from desktop_app.ui.table_models import cleanup_models as cm

TODAY = dt.date.today()
UNIT, UNIT2 = "测试清理大队", "测试清理中队"
# name, unit, birth date, card number, valid until (None: no card)
PEOPLE = (("清理甲", UNIT, "19700315", "QL0001", TODAY + dt.timedelta(days=900)),  # retired, card live
          ("清理乙", UNIT, "19800420", "QL0002", TODAY - dt.timedelta(days=30)),  # expired
          ("清理丙", UNIT, "19900105", "QL0003", TODAY + dt.timedelta(days=900)),  # registered twice …
          ("清理丙", UNIT2, "19900105", None, None))  # … the second record without a card


def id_number(birth: str, serial: int) -> str:
    body = f"640303{birth}{serial:03d}"
    return body + id_check_character(body)


def add_people() -> None:
    from desktop_app.core.personnel import officers as of
    from desktop_app.core.units import UnitInput, create_unit

    units = {name: create_unit(UnitInput(name=name, kind="enforcement")).id for name in (UNIT, UNIT2)}
    for n, (name, unit, birth, number, until) in enumerate(PEOPLE):
        officer = of.create_officer(of.OfficerInput(unit_id=units[unit], name=name, id_number=id_number(birth, 21 + n),
                                                    category="行政编制公务员", law_field="城市管理"))
        if number:
            certs.register_existing(officer.id, certs.CertificateInput(
                number=number, issuer="测试区人民政府", issued_on=TODAY - dt.timedelta(days=800), valid_until=until,
                law_field="城市管理"))
        if name == "清理甲":
            of.set_status(officer.id, "退休", TODAY - dt.timedelta(days=10), cancel_certificates=False)


@pytest.fixture(scope="module")
def template_db(make_template):
    return make_template("cleanup-template", add_people)


@pytest.fixture
def window(tmp_path, template_db, main_window_on):
    main = main_window_on(tmp_path / "cleanup-ui.sqlite", template_db)
    return main


@pytest.fixture
def wizard(qtbot, window):
    dialog = cw.CleanupWizard(window)
    dialog.resize(1200, 700)
    dialog.show()
    yield dialog
    dialog.done(0)  # not reject(): no “放弃” question at teardown


def find(qtbot, wizard) -> None:
    wizard.doc_edit.setText("测司发〔2026〕12号")
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.step == cp.DECIDE, timeout=20_000)


def line_of(wizard, name: str, unit: str = UNIT) -> cm.DecisionLine:
    return next(line for line in wizard.model.lines if line.officer.name == name and line.officer.unit_name == unit)


def cert(number: str) -> Certificate:
    return Certificate.get(Certificate.number == number)


def select_lines(wizard, *lines: cm.DecisionLine) -> None:
    wizard.rule_combo.setCurrentIndex(0)
    selection = QItemSelection()
    for line in lines:
        row = wizard.model.row_of(line)
        selection.select(wizard.model.index(row, 0), wizard.model.index(row, len(cm.HEADERS) - 1))
    wizard.table.selectionModel().select(selection, QItemSelectionModel.ClearAndSelect)


def shown(wizard, line: cm.DecisionLine, column: int) -> str:
    return wizard.model.index(wizard.model.row_of(line), column).data()


def test_candidates_are_listed_with_masked_id_numbers_and_suggestions(qtbot, wizard):
    find(qtbot, wizard)
    lines = wizard.model.lines
    assert len(lines) == wizard.model.rowCount() >= 4
    retired, expired = line_of(wizard, "清理甲"), line_of(wizard, "清理乙")
    assert (retired.action, retired.reason, retired.card_number) == (cl.CANCEL, "退休", "QL0001")
    assert (expired.action, expired.reason) == (cl.CANCEL, "期满未换证")
    assert line_of(wizard, "清理丙").action == cl.KEEP and line_of(wizard, "清理丙", UNIT2).action_text == "不作处理"
    # no full 身份证号 anywhere in the table or the line details; the masked form in its column
    full_ids = {o.id: o.id_number for o in Officer.select(Officer.id, Officer.id_number)}
    for row in range(wizard.model.rowCount()):
        line = wizard.model.line_at(row)
        texts = [wizard.model.index(row, c).data() or "" for c in range(len(cm.HEADERS))]
        assert texts[cm.ID_NUMBER] == mask_id_number(full_ids[line.officer.id])
        assert not any(full_ids[line.officer.id] in t for t in texts)
        wizard.table.setCurrentIndex(wizard.model.index(row, 0))
        assert full_ids[line.officer.id] not in wizard.current_label.text()
    assert "退休" in shown(wizard, retired, cm.ACTION_REASON) and shown(wizard, retired, cm.ACTION) == "注销"
    # the rule filter lists one rule's lines; counts shown per decision
    wizard.rule_combo.setCurrentIndex(wizard.rule_combo.findData(cl.LEFT))
    assert retired in wizard.model.visible and expired not in wizard.model.visible
    assert all(cl.LEFT in line.candidate.rules for line in wizard.model.visible)
    assert f"注销 <b>{wizard.model.counts()[cl.CANCEL]}</b>" in wizard.counts_label.text()


def test_one_decision_through_the_editors_and_one_for_a_selection(qtbot, wizard, drive_dialog):
    find(qtbot, wizard)
    model, dup, expired = wizard.model, line_of(wizard, "清理丙"), line_of(wizard, "清理乙")
    index = model.index(model.row_of(dup), cm.ACTION)
    editor = wizard.delegate.createEditor(wizard.table.viewport(), QStyleOptionViewItem(), index)
    assert isinstance(editor, QComboBox)
    assert [editor.itemData(i) for i in range(editor.count())] == list(dup.candidate.actions)
    editor.setCurrentIndex(editor.findData(cl.SUSPEND))
    wizard.delegate.setModelData(editor, model, index)
    editor.deleteLater()
    assert dup.action == cl.SUSPEND and dup.until == TODAY + dt.timedelta(days=cm.SUSPEND_DAYS)
    assert dup.missing(TODAY) == "请选择处理原因" and "待补充 <b>1</b>" in wizard.counts_label.text()
    # 下一步 is refused while a reason is missing, pointing at the line
    wizard.next_button.click()
    assert wizard.step == cp.DECIDE and "清理丙" in wizard.decide_error.text()
    assert wizard.selected_lines() == [dup]
    assert model.setData(model.index(model.row_of(dup), cm.ACTION_REASON), "被投诉查实")
    assert dup.decision(TODAY) == cl.Decision.suspend(dup.candidate, "被投诉查实", TODAY + dt.timedelta(days=90))
    assert shown(wizard, dup, cm.DETAIL).startswith("至 ")
    # a choice the card does not allow is refused (an expired card cannot stay 有效)
    assert not model.setData(model.index(model.row_of(expired), cm.ACTION), cl.KEEP)

    # a selection: 注销 with each line's own reason; the line without a card is left as it is
    retired, nocard = line_of(wizard, "清理甲"), line_of(wizard, "清理丙", UNIT2)
    select_lines(wizard, dup, expired, nocard)
    assert wizard.selection_label.text() == "对所选 3 项："
    assert wizard.bulk_buttons[cl.CANCEL].isEnabled() and not wizard.bulk_buttons[cl.RESTORE].isEnabled()
    driven = drive_dialog(cdd.ReasonDialog, lambda d: d.findChild(QDialogButtonBox).accepted.emit())
    wizard.bulk_buttons[cl.CANCEL].click()
    assert driven and driven[0].reason is None  # “按各项的清理原因填写”
    assert (dup.action, expired.action, nocard.action) == (cl.CANCEL, cl.CANCEL, cl.KEEP)
    assert expired.reason == "期满未换证" and dup.reason == ""  # 丙 has no reason implied: to be completed
    assert "另有 1 项" in wizard.status_label.text()

    def named(dialog):
        dialog.reason_combo.setEditText("遗失")
        dialog.findChild(QDialogButtonBox).accepted.emit()

    drive_dialog(cdd.ReasonDialog, named)
    select_lines(wizard, dup, retired)
    wizard.bulk_buttons[cl.REVOKE].click()
    assert (dup.action, dup.reason, retired.action, retired.reason) == (cl.REVOKE, "遗失", cl.REVOKE, "遗失")
    assert wizard.model.index(wizard.model.row_of(retired), cm.ACTION).data(Qt.FontRole).bold()
    wizard.suggest_button.click()
    assert (dup.action, retired.action, retired.reason) == (cl.KEEP, cl.CANCEL, "退休")


def test_renew_asks_for_the_new_card(qtbot, wizard, drive_dialog):
    find(qtbot, wizard)
    model, expired = wizard.model, line_of(wizard, "清理乙")

    def fill(dialog):
        dialog.findChild(QDialogButtonBox).accepted.emit()  # no number yet: refused inline
        assert dialog.isVisible() and "新证号" in dialog.error_label.text()
        dialog.number_edits[0].setText("ql0002")
        dialog.findChild(QDialogButtonBox).accepted.emit()  # the old number again
        assert dialog.isVisible() and "新的证号" in dialog.error_label.text()
        dialog.number_edits[0].setText(" ql 1002 ")
        dialog.findChild(QDialogButtonBox).accepted.emit()

    driven = drive_dialog(cdd.RenewDialog, fill)
    assert model.setData(model.index(model.row_of(expired), cm.ACTION), cl.RENEW)
    assert expired.action == cl.CANCEL  # nothing changes before the new card is given
    qtbot.waitUntil(lambda: bool(driven))
    assert expired.action == cl.RENEW and expired.number == "QL1002"
    assert expired.valid_until == certs.default_valid_until(TODAY) and expired.issuer == "测试区人民政府"
    assert shown(wizard, expired, cm.DETAIL) == "新证 QL1002"
    tip = model.index(model.row_of(expired), cm.DETAIL).data(Qt.ToolTipRole)
    assert f"有效期至 {certs.default_valid_until(TODAY):%Y-%m-%d}" in tip and "测试区人民政府" in tip


def test_apply_writes_the_events_after_a_backup(qtbot, window, wizard, drive_dialog):
    notified = []
    window.bus.changed.connect(notified.append)
    find(qtbot, wizard)
    dup = line_of(wizard, "清理丙")

    def fill(dialog):
        dialog.number_edits[0].setText("QL1003")
        dialog.findChild(QDialogButtonBox).accepted.emit()

    drive_dialog(cdd.RenewDialog, fill)
    select_lines(wizard, dup)
    wizard.bulk_buttons[cl.RENEW].click()
    assert dup.action == cl.RENEW
    wizard.next_button.click()
    assert wizard.step == cp.CONFIRM and wizard.next_button.text() == "应用"
    plan = wizard.plan_label.text()
    assert plan.startswith("将注销 ") and "换证 1 张" in plan and "另有 " in plan
    assert [line.officer.name for line in wizard.plan.rows].count("清理丙") == 1
    before = CertificateEvent.select().count()
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.step == cp.DONE, timeout=20_000)
    result = wizard.result_value
    assert certs.state_of(cert("QL0001")).state == certs.CANCELLED
    assert certs.state_of(cert("QL0001")).reason == "退休"
    assert certs.state_of(cert("QL0002")).state == certs.CANCELLED
    assert certs.state_of(cert("QL0003")).state == certs.RENEWED
    assert certs.state_of(cert("QL1003")).state == certs.VALID
    assert CertificateEvent.select().count() > before
    assert result.backup is not None and Path(result.backup).exists() and "清理前" in Path(result.backup).name
    assert result.doc_number == "测司发〔2026〕12号"
    assert result.summary in wizard.result_label.text() and str(result.backup) in wizard.backup_label.text()
    assert wizard.result_rows.rowCount() == len(wizard.model.lines)
    assert notified and "personnel" in notified[-1]
    assert not wizard.back_button.isVisible() and wizard.finish_button.isVisible()


def test_a_refused_decision_applies_nothing_and_returns_to_the_decisions(qtbot, wizard, message_boxes):
    find(qtbot, wizard)
    # the data changes underneath: 乙's card is cancelled elsewhere, so the planned 注销 can no longer be done
    certs.add_event(cert("QL0002").id, "cancel", TODAY, "遗失")
    before = CertificateEvent.select().count()
    wizard.next_button.click()
    assert wizard.step == cp.CONFIRM
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.step == cp.DECIDE, timeout=20_000)
    warning = message_boxes.texts("warning")
    assert len(warning) == 1 and "清理乙" in warning[0] and "QL0002" in warning[0] and "未作任何更改" in warning[0]
    assert CertificateEvent.select().count() == before
    assert certs.state_of(cert("QL0001")).state == certs.VALID  # 甲's 注销 was not written either
    assert wizard.result_value is None and "清理未执行" in wizard.decide_error.text()
    assert wizard.decide_error.isVisible() and wizard.next_button.isEnabled()


def test_the_results_are_saved_as_xlsx_and_docx(qtbot, wizard, monkeypatch, tmp_path):
    find(qtbot, wizard)
    wizard.next_button.click()
    wizard.next_button.click()
    qtbot.waitUntil(lambda: wizard.step == cp.DONE, timeout=20_000)
    asked = []

    def save_as(parent, caption, start, filter_):
        asked.append(start)
        return str(tmp_path / Path(start).stem), filter_  # the suffix left off: the wizard adds it

    opened = []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_as))
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    assert not wizard.open_folder_button.isEnabled()
    year = wizard.result_value.year
    wizard.save_xlsx_button.click()
    xlsx = tmp_path / f"清理结果_{year}.xlsx"
    qtbot.waitUntil(lambda: wizard.saved_path == xlsx, timeout=20_000)  # the file exists a moment before
    wizard.save_docx_button.click()
    docx = tmp_path / f"证件清理名单_{year}.docx"
    qtbot.waitUntil(docx.exists, timeout=20_000)
    assert Path(asked[0]).name == f"清理结果_{year}.xlsx" and Path(asked[0]).parent == cw.documents_dir()
    assert Path(asked[1]).parent == tmp_path  # the next save starts where the last one went
    qtbot.waitUntil(lambda: str(docx) in wizard.saved_label.text())

    from docx import Document
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "清理甲" in values and "QL0001" in values
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs) + "".join(
        cell.text for table in Document(str(docx)).tables for row in table.rows for cell in row.cells)
    assert "清理甲" in text and "清理丙" not in text  # the 名单 lists only 注销/收回/暂扣
    wizard.open_folder_button.click()
    assert opened and Path(opened[0].toLocalFile()) == tmp_path


def test_run_cleanup_wizard_returns_the_result_or_none(qtbot, window, drive_dialog, message_boxes):
    def through(dialog):
        find(qtbot, dialog)
        dialog.next_button.click()
        dialog.next_button.click()
        qtbot.waitUntil(lambda: dialog.step == cp.DONE, timeout=20_000)
        dialog.finish_button.click()

    drive_dialog(cw.CleanupWizard, through)
    result = cw.run_cleanup_wizard(window)
    assert isinstance(result, cl.CleanupResult) and result.count(cl.CANCEL) >= 2

    def give_up(dialog):
        find(qtbot, dialog)
        assert dialog.model.set_action([line_of(dialog, "清理丙")], cl.REVOKE, "遗失") == (1, 0)
        dialog.cancel_button.click()  # a decision changed: asks first (answered 是)

    drive_dialog(cw.CleanupWizard, give_up)
    assert cw.run_cleanup_wizard(window) is None
    assert any("放弃本次清理" in text for text in message_boxes.texts("question"))


def test_a_changed_scope_lists_again_and_one_unit_only(qtbot, wizard, message_boxes):
    find(qtbot, wizard)
    everyone = len(wizard.model.lines)
    wizard.back_button.click()
    wizard.unit_combo.setCurrentIndex(next(i for i in range(wizard.unit_combo.count())
                                           if wizard.unit_combo.itemText(i).strip() == UNIT))
    wizard.next_button.click()
    qtbot.waitUntil(lambda: len(wizard.model.lines) != everyone, timeout=20_000)
    assert {line.officer.unit_name for line in wizard.model.lines} == {UNIT}
    assert not message_boxes.calls  # nothing had been changed: no question
    # changed decisions and a new scope: asked before they are dropped
    wizard.model.set_action([line_of(wizard, "清理甲")], cl.REVOKE)
    wizard.back_button.click()
    wizard.unit_combo.setCurrentIndex(0)
    wizard.next_button.click()
    qtbot.waitUntil(lambda: len(wizard.model.lines) == everyone, timeout=20_000)
    assert len(message_boxes.texts("question")) == 1


def test_a_scope_with_nothing_to_clear_says_so(qtbot, window):
    from desktop_app.core.units import UnitInput, create_unit

    create_unit(UnitInput(name="测试无证单位", kind="enforcement"))
    dialog = cw.CleanupWizard(window)
    dialog.show()
    try:
        dialog.unit_combo.setCurrentIndex(next(i for i in range(dialog.unit_combo.count())
                                               if dialog.unit_combo.itemText(i).strip() == "测试无证单位"))
        dialog.next_button.click()
        qtbot.waitUntil(lambda: dialog.step == cp.DECIDE, timeout=20_000)
        assert dialog.model.rowCount() == 0 and "没有找到需要清理的证件" in dialog.decide_error.text()
        assert not dialog.next_button.isEnabled() and dialog.back_button.isEnabled()
    finally:
        dialog.done(0)
