"""单位管理 on the demo county: search, filter, add, retire, merge, groups, bulk add, as a clerk does them."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from desktop_app.core.models import Unit
from desktop_app.core.units import count_units, list_units
from desktop_app.ui.dialogs.bulk_add_dialog import BulkAddDialog
from desktop_app.ui.dialogs.group_dialog import GroupDialog
from desktop_app.ui.dialogs.merge_dialog import MergeDialog
from desktop_app.ui.dialogs.unit_dialog import UnitDialog


@pytest.fixture
def units_tab(demo_window):
    demo_window.show_page("units")
    return demo_window.page("units").units_tab


def ime_type(widget, text: str) -> None:
    """Chinese arrives through the input method (QTest.keyClicks only knows Latin-1 keys)."""
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def names(tab) -> list[str]:
    return [row.name for row in tab.model.rows]


def select(tab, name: str) -> None:
    tab.table.selectRow(names(tab).index(name))
    assert tab.current().name == name


def dashboard_total(window) -> str:
    return window.page("dashboard").units.body.text()


def save(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.Ok).click()


def test_search_filters_rows(qtbot, units_tab):
    everything = len(units_tab.model.rows)
    ime_type(units_tab.search, "司法")
    rows = units_tab.model.rows
    assert 0 < len(rows) < everything
    assert all("司法" in r.name + r.short_name + r.aliases for r in rows)
    assert "红寺堡区司法局" in names(units_tab) and "红寺堡区教育局" not in names(units_tab)
    assert f"共 {len(rows)} 个单位" in units_tab.count_label.text()
    units_tab.search.clear()
    assert len(units_tab.model.rows) == everything


def test_kind_filter(units_tab):
    units_tab.kind_filter.setCurrentIndex(units_tab.kind_filter.findText("乡镇/街道"))
    assert len(units_tab.model.rows) == count_units()["township"] == 5
    assert {r.kind_label for r in units_tab.model.rows} == {"乡镇/街道"}
    units_tab.kind_filter.setCurrentIndex(0)
    assert len(units_tab.model.rows) == sum(count_units().values())


def test_new_unit_through_dialog_updates_list_and_dashboard(qtbot, demo_window, units_tab, drive_dialog):
    from desktop_app.core.credit_code import make_credit_code

    total = sum(count_units().values())
    code = make_credit_code("11640303MB1234567")

    def fill(dialog: UnitDialog) -> None:
        ime_type(dialog.name_edit, "红寺堡区档案馆")
        ime_type(dialog.short_edit, "档案馆")
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("other"))
        qtbot.keyClicks(dialog.code_edit, code)
        assert "校验通过" in dialog.code_hint.text()
        save(dialog)

    drive_dialog(UnitDialog, fill)
    with qtbot.waitSignal(demo_window.bus.changed):
        qtbot.mouseClick(units_tab.add_button, Qt.LeftButton)
    assert "红寺堡区档案馆" in names(units_tab)
    assert Unit.get(Unit.name == "红寺堡区档案馆").credit_code == code
    assert f"在用单位 <b>{total + 1}</b> 个" in dashboard_total(demo_window)


def test_invalid_credit_code_keeps_dialog_open(qtbot, demo_window, units_tab, drive_dialog):
    before = Unit.select().count()
    seen = {}

    def fill(dialog: UnitDialog) -> None:
        ime_type(dialog.name_edit, "红寺堡区档案馆")
        qtbot.keyClicks(dialog.code_edit, "12345")
        assert "应为 18 位" in dialog.code_hint.text()
        save(dialog)
        seen["open"] = dialog.isVisible()
        seen["error"] = dialog.error_label.text() if dialog.error_label.isVisible() else ""

    drive_dialog(UnitDialog, fill)
    qtbot.mouseClick(units_tab.add_button, Qt.LeftButton)
    assert seen["open"]
    assert "统一社会信用代码应为 18 位" in seen["error"]
    assert Unit.select().count() == before
    assert "红寺堡区档案馆" not in names(units_tab)


def test_retire_and_show_retired(qtbot, units_tab, message_boxes):
    select(units_tab, "红寺堡区审计局")
    assert units_tab.retire_button.text() == "撤销"
    qtbot.mouseClick(units_tab.retire_button, Qt.LeftButton)
    assert "撤销“红寺堡区审计局”" in message_boxes.texts("question")[0]
    assert "红寺堡区审计局" not in names(units_tab)
    qtbot.mouseClick(units_tab.show_retired, Qt.LeftButton)
    row = units_tab.model.rows[names(units_tab).index("红寺堡区审计局")]
    assert row.status.startswith("已撤销")
    select(units_tab, "红寺堡区审计局")
    assert units_tab.retire_button.text() == "恢复"


def test_retiring_a_unit_with_subunits_is_refused(qtbot, units_tab, message_boxes):
    select(units_tab, "红寺堡区司法局")
    qtbot.mouseClick(units_tab.retire_button, Qt.LeftButton)
    (warning,) = message_boxes.texts("warning")
    assert warning.startswith("“红寺堡区司法局”下还有在用的下级单位：红寺堡区司法局红寺堡镇司法所")
    assert Unit.get(Unit.name == "红寺堡区司法局").is_active
    assert "红寺堡区司法局" in names(units_tab)


def test_restore_brings_unit_back(qtbot, units_tab, message_boxes):
    select(units_tab, "红寺堡区审计局")
    qtbot.mouseClick(units_tab.retire_button, Qt.LeftButton)
    units_tab.show_retired.setChecked(True)
    select(units_tab, "红寺堡区审计局")
    qtbot.mouseClick(units_tab.retire_button, Qt.LeftButton)
    assert len(message_boxes.texts("question")) == 1  # restoring asks nothing
    units_tab.show_retired.setChecked(False)
    assert "红寺堡区审计局" in names(units_tab)
    assert units_tab.model.rows[names(units_tab).index("红寺堡区审计局")].status == "在用"


def test_merge_marks_unit_merged(qtbot, units_tab, drive_dialog, message_boxes):
    select(units_tab, "红寺堡区统计局")

    def merge(dialog: MergeDialog) -> None:
        assert dialog.remove_combo.currentText() == "红寺堡区统计局"
        dialog.keep_combo.setCurrentIndex(dialog.keep_combo.findText("红寺堡区财政局"))
        save(dialog)

    drive_dialog(MergeDialog, merge)
    qtbot.mouseClick(units_tab.merge_button, Qt.LeftButton)
    assert "并入“红寺堡区财政局”" in message_boxes.texts("question")[0]
    assert "合并完成" in [title for _, title, _ in message_boxes.calls]
    assert "红寺堡区统计局" not in names(units_tab)
    units_tab.show_retired.setChecked(True)
    row = units_tab.model.rows[names(units_tab).index("红寺堡区统计局")]
    assert row.status == "已并入“红寺堡区财政局”"
    assert not row.active


def test_group_dialog_edits_members(qtbot, demo_window, drive_dialog):
    demo_window.show_page("units")
    tab = demo_window.page("units").groups_tab
    group_row = [g.name for g in tab.model.rows].index("各行业主管部门")
    tab.table.selectRow(group_row)
    members = lambda: [u.name for u in tab.members_model.rows]
    assert "红寺堡区教育局" in members() and "红寺堡区审计局" not in members()

    def edit(dialog: GroupDialog) -> None:
        for row in range(dialog.members.count()):
            item = dialog.members.item(row)
            if item.text() == "红寺堡区教育局":
                item.setCheckState(Qt.Unchecked)
            if item.text() == "红寺堡区审计局":
                item.setCheckState(Qt.Checked)
        save(dialog)

    drive_dialog(GroupDialog, edit)
    qtbot.mouseClick(tab.edit_button, Qt.LeftButton)
    assert tab.model.rows[tab.table.currentIndex().row()].name == "各行业主管部门"
    assert "红寺堡区审计局" in members()
    assert "红寺堡区教育局" not in members()


def test_bulk_add_skips_duplicate_and_bad_rows(qtbot, demo_window, units_tab, drive_dialog, message_boxes):
    before = Unit.select().count()
    paste = "红寺堡区教育局\n红寺堡区档案馆\t其他\t档案馆\t123\n红寺堡区乡村振兴局"
    state = {}

    def bulk(dialog: BulkAddDialog) -> None:
        dialog.text_edit.setPlainText(paste)
        qtbot.mouseClick(dialog.preview_button, Qt.LeftButton)
        state["summary"] = dialog.summary.text()
        state["enabled_before"] = dialog.import_button.isEnabled()
        box = dialog.skip_invalid  # click the box itself: the check box spans the whole dialog width
        qtbot.mouseClick(box, Qt.LeftButton, pos=QPoint(box.height() // 2, box.height() // 2))
        state["enabled_after"] = dialog.import_button.isEnabled()
        qtbot.mouseClick(dialog.import_button, Qt.LeftButton)

    drive_dialog(BulkAddDialog, bulk)
    with qtbot.waitSignal(demo_window.bus.changed):
        qtbot.mouseClick(units_tab.bulk_button, Qt.LeftButton)
    assert "共 3 行：新增 1 个，跳过 1 个，有错误 1 行" in state["summary"]
    assert state["enabled_before"] is False and state["enabled_after"] is True
    assert message_boxes.texts("information") == ["已添加 1 个单位。"]
    assert Unit.select().count() == before + 1
    assert "红寺堡区乡村振兴局" in names(units_tab)
    assert "红寺堡区档案馆" not in names(units_tab)
    assert len([n for n in names(units_tab) if n == "红寺堡区教育局"]) == 1
    assert list_units(text="乡村振兴")[0].kind == "enforcement"
