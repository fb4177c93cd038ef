"""数据与备份: backing up from the GUI, restoring a backup (the window keeps working on the restored data),
the audit list with its filters, chain status and export, and the backup on exit."""
from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from desktop_app.core.backup import list_backups
from desktop_app.core.models import Unit
from desktop_app.core.units import UnitInput, get_unit, update_unit


def test_backup_now_then_restore_brings_the_old_data_back(qtbot, demo_window, message_boxes):
    page = demo_window.page("data").backups_tab
    qtbot.mouseClick(page.backup_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(page.model.rows) == 1, timeout=10_000)
    assert page.model.rows[0].reason == "手动"
    unit = Unit.get(Unit.short_name == "财政局")
    update_unit(unit.id, UnitInput("红寺堡区财政局（改错了）", unit.kind, unit.short_name))
    demo_window.bus.notify("units")
    page.table.selectRow(0)
    qtbot.mouseClick(page.restore_button, Qt.LeftButton)
    assert get_unit(unit.id).name == "红寺堡区财政局"
    assert message_boxes.calls[-1][1] == "恢复完成"
    assert sorted(b.reason for b in page.model.rows) == sorted(["手动", "恢复前"])  # list refreshed
    units_page = demo_window.page("units")
    assert any(r.name == "红寺堡区财政局" for r in units_page.units_tab.model.rows)


def test_backup_to_a_chosen_folder(qtbot, demo_window, message_boxes, monkeypatch, tmp_path):
    usb = tmp_path / "U盘"
    usb.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(usb)))
    page = demo_window.page("data").backups_tab
    qtbot.mouseClick(page.export_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: list_backups(usb) != [], timeout=10_000)
    qtbot.waitUntil(lambda: bool(message_boxes.calls and message_boxes.calls[-1][1] == "备份完成"), timeout=10_000)
    assert page.model.rows == []  # a backup elsewhere is not one of this folder's


def test_audit_list_filters_by_unit_and_exports(qtbot, demo_window, monkeypatch, tmp_path, message_boxes):
    unit = Unit.get(Unit.short_name == "审计局")  # a unit with no officers: its trail is its own two entries
    update_unit(unit.id, UnitInput(unit.name, unit.kind, "审计"))
    demo_window.bus.notify("units")
    tab = demo_window.page("data").audit_tab
    assert "逐条校验通过" in tab.chain_label.text()
    tab.unit_filter.setCurrentIndex(tab.unit_filter.findData(unit.id))
    assert [r.action for r in tab.model.rows] == ["修改", "新增"]
    assert "简称：审计局 → 审计" in tab.model.rows[0].changes
    target = tmp_path / "操作记录.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    qtbot.mouseClick(tab.export_button, Qt.LeftButton)
    qtbot.waitUntil(target.exists, timeout=10_000)
    sheet = load_workbook(target).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("序号", "时间", "经办人", "操作")
    assert len(rows) == 3 and rows[1][3] == "修改"


def test_closing_the_window_backs_up_only_when_something_changed(qtbot, demo_window):
    session = demo_window.session
    demo_window.close()
    first = list_backups(session.backup_dir)
    assert [b.reason for b in first] == ["退出"]
    demo_window.show()
    demo_window.close()  # nothing written since: no second backup
    assert len(list_backups(session.backup_dir)) == 1
    assert Path(first[0].path).stat().st_size > 0
