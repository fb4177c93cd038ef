"""导入执法人员名册: read → 列对应 → 预览 → 导入, on a worker thread at each step; nothing is written before
导入 or when the clerk cancels, errors name their row and column, and a confirmed mapping is remembered."""
from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog

from desktop_app.core.id_card import id_check_character
from desktop_app.core.models import AuditLog, Certificate, ColumnMapping, Officer, OfficerChange
from desktop_app.core.personnel.roster_errors import ERROR_COLUMN, ERROR_FILL
from desktop_app.core.settings import set_settings
from desktop_app.core.units import UnitInput, create_unit
from desktop_app.ui.dialogs import roster_import_dialog as rid
from desktop_app.ui.dialogs.roster_import_dialog import MAP, PREVIEW, RosterImportDialog, run_roster_import

HEADER = ["单位", "姓名", "公民身份号码", "性别", "办公电话", "人员类别"]


def ident(birth: str, seq: str) -> str:
    body = "640303" + birth + seq
    return body + id_check_character(body)


ZHANG, LI, WANG = ident("19850315", "123"), ident("19900101", "013"), ident("19880808", "022")
BAD_ID = ZHANG[:17] + ("1" if ZHANG[17] != "1" else "2")  # a wrong check digit
UNKNOWN_UNIT = ("第 4 行 A 列（单位）：单位“红寺堡区水务局”不在单位登记册中。请核对名称，或先在“单位”中登记该单位"
                "（也可为已有单位添加别名）。")
CLEAN = [["司法局", "张三", ZHANG, "男", "0953-1234567", "行政编制公务员"],
         ["红寺堡区教育局", "李四", LI, "男", "0953-7654321", "事业编制"]]


def write_roster(path: Path, rows: list[list], header: list[str] = HEADER) -> Path:
    """A title row, the header in row 2, then the people from row 3."""
    book = Workbook()
    sheet = book.active
    sheet.title = "人员名册"
    sheet.append(["红寺堡区行政执法人员名册"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def window(empty_window):
    set_settings({"county_name": "红寺堡区"})
    create_unit(UnitInput("红寺堡区司法局", "justice", "司法局"))
    create_unit(UnitInput("红寺堡区教育局", "enforcement", "教育局"))
    return empty_window


def written() -> tuple[int, ...]:
    return (Officer.select().count(), OfficerChange.select().count(), Certificate.select().count(),
            ColumnMapping.select().count(), AuditLog.select().count())


def open_dialog(qtbot, parent, path: Path) -> RosterImportDialog:
    dialog = RosterImportDialog(parent, path)
    qtbot.addWidget(dialog)
    dialog.show()
    wait_for_mapping(qtbot, dialog)
    return dialog


def wait_for_mapping(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: dialog.step == MAP and not dialog.busy, timeout=20_000)


def to_preview(qtbot, dialog) -> None:
    assert dialog.next_button.isEnabled()
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.step == PREVIEW and not dialog.busy, timeout=20_000)


def import_now(qtbot, dialog) -> None:
    assert dialog.import_button.isEnabled()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)


def column_of(dialog, header: str) -> int:
    return next(line.column for line in dialog.mapping_model.rows if line.header == header)


def test_a_clean_file_imports_from_the_page_and_the_officers_appear(qtbot, window, tmp_path, monkeypatch,
                                                                    drive_dialog, message_boxes):
    source = write_roster(tmp_path / "名册.xlsx", CLEAN)
    window.show_page("personnel")
    page = window.page("personnel")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(source), "")))
    topics = []
    window.bus.changed.connect(topics.append)

    def review(dialog) -> None:
        wait_for_mapping(qtbot, dialog)
        assert not dialog.remembered_label.isVisible() and not dialog.problems_label.isVisible()
        to_preview(qtbot, dialog)
        assert "新增 <b>2</b> 人" in dialog.counts_label.text() and "没有错误" in dialog.counts_label.text()
        assert [(line.row, line.name, line.unit, line.result) for line in dialog.preview_model.rows] == [
            (3, "张三", "司法局", "新增"), (4, "李四", "红寺堡区教育局", "新增")]
        assert not dialog.skip_check.isVisible() and not dialog.export_button.isEnabled()
        import_now(qtbot, dialog)

    driven = drive_dialog(RosterImportDialog, review)
    page.import_button.click()
    assert driven and driven[0].summary is not None
    assert message_boxes.texts("information")[0].startswith("已导入：新增 2 人，更新 0 人，无变化 0 人。")
    people = {o.name: (o.unit.name, o.phone, o.category) for o in Officer.select()}
    assert people == {"张三": ("红寺堡区司法局", "", "行政编制公务员"), "李四": ("红寺堡区教育局", "", "事业编制")}
    assert frozenset({"personnel", "audit"}) in topics  # the page refreshed itself
    assert {row.name for row in page.model.rows()} == {"张三", "李四"}


def test_bad_cells_are_shown_by_row_and_column_and_block_import_until_skipped(qtbot, window, tmp_path,
                                                                            message_boxes, qtmodeltester):
    source = write_roster(tmp_path / "名册.xlsx", [
        CLEAN[0],
        ["红寺堡区水务局", "王五", WANG, "女"],
        ["司法局", "赵六", BAD_ID, "男"],
    ])
    dialog = open_dialog(qtbot, window, source)
    qtmodeltester.check(dialog.mapping_model)
    to_preview(qtbot, dialog)
    qtmodeltester.check(dialog.preview_model)
    errors = {line.row: line.error_list for line in dialog.lines if line.has_errors}
    assert errors[4] == (UNKNOWN_UNIT,)
    assert len(errors[5]) == 1 and errors[5][0].startswith("第 5 行 C 列（公民身份号码）：") and "校验位" in errors[5][0]
    assert "有错误 2 行" in dialog.counts_label.text()
    assert not dialog.import_button.isEnabled()
    assert dialog.skip_check.isVisible() and dialog.skip_check.text() == "跳过有错误的行，只导入其余 1 行"
    assert "勾选“跳过有错误的行”" in dialog.status_label.text()

    dialog.errors_only.setChecked(True)
    assert [line.row for line in dialog.preview_model.rows] == [4, 5]
    dialog.preview_table.selectRow(1)
    assert dialog.row_errors_label.isVisible() and dialog.row_errors_label.text() == errors[5][0]

    dialog.skip_check.setChecked(True)
    assert dialog.import_button.isEnabled()
    import_now(qtbot, dialog)
    assert [o.name for o in Officer.select()] == ["张三"]
    assert message_boxes.texts("information")[0].startswith("已导入：新增 1 人，更新 0 人，无变化 0 人；跳过有错误的 2 行。")


def test_mapping_problems_show_live_and_a_changed_mapping_takes_effect(qtbot, window, tmp_path, message_boxes):
    source = write_roster(tmp_path / "名册.xlsx", CLEAN)
    dialog = open_dialog(qtbot, window, source)
    phone, name = column_of(dialog, "办公电话"), column_of(dialog, "姓名")
    assert dialog.combos[phone].currentData() is None and dialog.combos[phone].currentText() == "不导入"
    plain = QComboBox()
    plain.addItems(["不导入", "单位"])
    for combo in (plain, dialog.combos[phone]):
        QApplication.sendEvent(combo, QWheelEvent(QPointF(5, 5), QPointF(5, 5), QPoint(0, 0), QPoint(0, -120),
                                                  Qt.NoButton, Qt.NoModifier, Qt.NoScrollPhase, False))
    assert plain.currentIndex() == 1  # what a wheel does to an ordinary combo …
    assert dialog.combos[phone].currentText() == "不导入"  # … but scrolling the table leaves the mapping alone

    dialog.set_field(name, None)
    assert dialog.problems_label.isVisible() and "没有对应“姓名”的列" in dialog.problems_label.text()
    assert not dialog.next_button.isEnabled()
    dialog.set_field(phone, "category")  # 人员类别 twice
    assert "都对应“人员类别”" in dialog.problems_label.text()
    dialog.set_field(name, "name")
    dialog.set_field(phone, "phone")
    assert not dialog.problems_label.isVisible() and dialog.next_button.isEnabled()

    to_preview(qtbot, dialog)
    dialog.back_button.click()  # back and forth: the clerk drops 人员类别 after seeing the preview
    dialog.set_field(column_of(dialog, "人员类别"), None)
    to_preview(qtbot, dialog)
    import_now(qtbot, dialog)
    people = {o.name: (o.phone, o.category) for o in Officer.select()}
    assert people == {"张三": ("0953-1234567", ""), "李四": ("0953-7654321", "")}


def test_the_confirmed_mapping_is_reused_for_the_next_file_with_the_same_headers(qtbot, window, tmp_path,
                                                                                message_boxes):
    first = open_dialog(qtbot, window, write_roster(tmp_path / "一月.xlsx", CLEAN))
    assert not first.remembered_label.isVisible()
    first.set_field(column_of(first, "办公电话"), "phone")
    to_preview(qtbot, first)
    import_now(qtbot, first)

    second = open_dialog(qtbot, window, write_roster(tmp_path / "二月.xlsx", [["司法局", "王五", WANG, "女", "0953-5555555"]]))
    assert second.remembered_label.isVisible()
    assert "上次导入同样表头的名册" in second.remembered_label.text()
    assert second.combos[column_of(second, "办公电话")].currentData() == "phone"
    to_preview(qtbot, second)
    import_now(qtbot, second)
    assert Officer.get(Officer.name == "王五").phone == "0953-5555555"

    other = open_dialog(qtbot, window, write_roster(tmp_path / "别的格式.xlsx", CLEAN, HEADER[:5] + ["备注"]))
    assert not other.remembered_label.isVisible()  # another header layout: guessed, not recalled


def test_cancelling_writes_nothing(qtbot, window, tmp_path, monkeypatch, drive_dialog, message_boxes):
    source = write_roster(tmp_path / "名册.xlsx", CLEAN)
    before = written()

    def cancel_at_preview(dialog) -> None:
        wait_for_mapping(qtbot, dialog)
        to_preview(qtbot, dialog)
        dialog.cancel_button.click()

    drive_dialog(RosterImportDialog, cancel_at_preview)
    assert run_roster_import(window, source) is None
    assert written() == before

    real_commit = rid.commit_roster

    def cancelled_midway(preview, skip, control):
        control.cancel()  # as if the clerk pressed 取消 in the progress dialog
        return real_commit(preview, skip, control)

    monkeypatch.setattr(rid, "commit_roster", cancelled_midway)
    dialog = open_dialog(qtbot, window, source)
    to_preview(qtbot, dialog)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert dialog.isVisible() and dialog.step == PREVIEW and dialog.summary is None
    assert dialog.status_label.text() == "已取消导入，没有写入任何数据。"
    assert dialog.import_button.isEnabled()  # the clerk may try again
    assert written() == before
    assert not message_boxes.calls


def test_the_error_workbook_is_written_next_to_the_roster(qtbot, window, tmp_path, monkeypatch, message_boxes):
    source = write_roster(tmp_path / "红寺堡区名册.xlsx", [CLEAN[0], ["司法局", "赵六", BAD_ID, "男"]])
    dialog = open_dialog(qtbot, window, source)
    to_preview(qtbot, dialog)
    assert dialog.export_button.isEnabled()
    offered = []

    def save_as(answer: Path):
        def ask(parent, title, default, *args, **kwargs):
            offered.append(default)
            return str(answer), ""
        return staticmethod(ask)

    original = source.read_bytes()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as(source))
    dialog.export_button.click()  # the roster itself: refused, it is the unit's original
    assert message_boxes.texts("warning") == ["不能覆盖原名册文件，请换一个文件名。"]
    assert source.read_bytes() == original

    target = tmp_path / "红寺堡区名册_错误清单.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as(target))
    dialog.export_button.click()
    qtbot.waitUntil(lambda: bool(message_boxes.texts("information")), timeout=20_000)
    assert offered == [str(target)] * 2  # “<原文件名>_错误清单.xlsx” beside the source
    assert message_boxes.texts("information")[0].startswith(f"错误清单已保存：\n{target}")
    sheet = load_workbook(target).active
    assert sheet["G2"].value == ERROR_COLUMN
    assert "第 4 行 C 列（公民身份号码）" in sheet["G4"].value and "校验位" in sheet["G4"].value
    assert sheet["C4"].fill.fgColor.rgb.endswith(ERROR_FILL)
    assert sheet["G3"].value is None  # the good row has nothing to fix
    assert written()[0] == 0  # exporting the errors imports nothing


def test_an_unreadable_file_is_reported_and_the_dialog_closes(qtbot, window, tmp_path, drive_dialog,
                                                              message_boxes):
    source = tmp_path / "名册.xlsx"
    source.write_text("姓名,身份证号\n张三,1\n", encoding="utf-8")  # a CSV renamed to .xlsx
    drive_dialog(RosterImportDialog, lambda dialog: qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000))
    assert run_roster_import(window, source) is None
    assert "不是有效的 .xlsx 文件" in message_boxes.texts("warning")[0]
