"""The 单位管理 dialogs on their own: what the clerk sees when opening them, and the refusals they give."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from desktop_app.core.models import Unit
from desktop_app.core.unit_groups import expand_group, list_groups
from desktop_app.core.units import list_units
from desktop_app.ui.dialogs.bulk_add_dialog import BulkAddDialog
from desktop_app.ui.dialogs.group_dialog import GroupDialog
from desktop_app.ui.dialogs.merge_dialog import MergeDialog
from desktop_app.ui.dialogs.unit_dialog import UnitDialog


def unit_id(name: str) -> int:
    return Unit.get(Unit.name == name).id


def group_id(name: str) -> int:
    return next(g.id for g in list_groups() if g.name == name)


def items(dialog: GroupDialog) -> dict[str, tuple[bool, bool]]:
    """Unit name → (checked, enabled) in the member checklist."""
    result = {}
    for row in range(dialog.members.count()):
        item = dialog.members.item(row)
        result[item.text()] = (item.checkState() == Qt.Checked, bool(item.flags() & Qt.ItemIsEnabled))
    return result


def ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.Ok).click()


def test_group_dialog_shows_rule_members_checked(qtbot, demo_window):
    """各行政执法部门〔单位〕 includes every enforcement department by rule: they must look included."""
    dialog = GroupDialog(demo_window, group_id("各行政执法部门〔单位〕"))
    qtbot.addWidget(dialog)
    state = items(dialog)
    assert state["红寺堡区司法局"] == (True, True)  # chosen by hand
    assert state["红寺堡区审计局"] == (False, True)  # not a member
    assert state["红寺堡区教育局"] == (True, False), "a member by rule is shown unchecked"


def test_group_rule_change_keeps_hand_picked_members(qtbot, demo_window):
    gid = group_id("各行政执法部门〔单位〕")
    dialog = GroupDialog(demo_window, gid)
    qtbot.addWidget(dialog)
    dialog.auto_combo.setCurrentIndex(dialog.auto_combo.findData(None))
    state = items(dialog)
    assert state["红寺堡区教育局"] == (False, True)
    assert state["红寺堡区司法局"] == (True, True)
    ok(dialog)
    assert dialog.result() == 1, dialog.error_label.text()
    assert [u.name for u in expand_group(gid)] == ["红寺堡区司法局"]


def test_group_without_name_is_refused_inline(qtbot, demo_window):
    dialog = GroupDialog(demo_window)
    qtbot.addWidget(dialog)
    before = len(list_groups())
    ok(dialog)
    assert dialog.result() == 0
    assert dialog.error_label.text() == "分组名称不能为空。"
    assert len(list_groups()) == before


def test_every_demo_unit_saves_unchanged(qtbot, demo_window):
    for row in list_units():
        dialog = UnitDialog(demo_window, row.id)
        qtbot.addWidget(dialog)
        assert dialog.windowTitle() == "编辑单位"
        assert dialog.name_edit.text() == row.name
        ok(dialog)
        assert dialog.result() == 1, (row.name, dialog.error_label.text())


def test_unit_cannot_hang_under_its_own_child(qtbot, demo_window):
    dialog = UnitDialog(demo_window, unit_id("红寺堡区司法局"))
    qtbot.addWidget(dialog)
    dialog.parent_combo.setCurrentIndex(dialog.parent_combo.findText("红寺堡区司法局柳泉乡司法所"))
    ok(dialog)
    assert dialog.result() == 0
    assert dialog.error_label.text() == "上级单位不能是本单位或其下级单位。"
    assert Unit.get_by_id(unit_id("红寺堡区司法局")).parent.name == "吴忠市红寺堡区人民政府"


def test_duplicate_name_is_refused_inline(qtbot, demo_window):
    dialog = UnitDialog(demo_window)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("红寺堡区教育局")
    ok(dialog)
    assert dialog.result() == 0
    assert "红寺堡区教育局" in dialog.error_label.text()
    assert Unit.select().where(Unit.name == "红寺堡区教育局").count() == 1


def test_merge_into_itself_is_refused_inline(qtbot, demo_window):
    dialog = MergeDialog(demo_window, unit_id("红寺堡区统计局"))
    qtbot.addWidget(dialog)
    assert dialog.remove_combo.currentText() == "红寺堡区统计局"
    assert dialog.keep_combo.currentText() != "红寺堡区统计局"
    dialog.keep_combo.setCurrentIndex(dialog.keep_combo.findText("红寺堡区统计局"))
    ok(dialog)
    assert dialog.result() == 0 and dialog.report is None
    assert dialog.error_label.text() == "不能把单位合并到它自己。"


def test_merge_needs_confirmation(qtbot, demo_window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *args: QMessageBox.No))
    dialog = MergeDialog(demo_window, unit_id("红寺堡区统计局"))
    qtbot.addWidget(dialog)
    ok(dialog)
    assert dialog.report is None
    assert Unit.get(Unit.name == "红寺堡区统计局").is_active


def test_bulk_add_of_clean_list_needs_no_checkbox(qtbot, demo_window):
    dialog = BulkAddDialog(demo_window)
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled()
    dialog.text_edit.setPlainText("红寺堡区档案馆\n红寺堡区乡村振兴局\t行政执法部门\t乡村振兴局")
    qtbot.mouseClick(dialog.preview_button, Qt.LeftButton)
    assert "新增 2 个" in dialog.summary.text()
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
    assert dialog.result() == 1 and dialog.added == 2
    assert Unit.get(Unit.name == "红寺堡区乡村振兴局").short_name == "乡村振兴局"
