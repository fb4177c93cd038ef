"""导入培训记录: read → 列对应 → 核对姓名 → 预览 → 导入, each on a worker thread; nothing is guessed (an
ambiguous name waits for the clerk), nothing is written before 导入 or when the clerk cancels, re-imports add
nothing, and errors name their row and column."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from PySide6.QtWidgets import QComboBox, QFileDialog

from desktop_app.core.id_card import id_check_character
from desktop_app.core.models import Attendance, AuditLog, Certificate, TrainingSession
from desktop_app.core.personnel.officers import OfficerInput, create_officer
from desktop_app.core.personnel.roster_errors import ERROR_COLUMN, ERROR_FILL
from desktop_app.core.settings import set_settings
from desktop_app.core.training.sessions import SessionInput, create_session
from desktop_app.core.units import UnitInput, create_unit
from desktop_app.ui.dialogs import training_import_dialog as tid
from desktop_app.ui.dialogs.training_import_dialog import (
    MAP,
    PREVIEW,
    SETTLE,
    TrainingImportDialog,
    run_training_import,
)
from desktop_app.ui.table_models.training_import_models import SettleModel


def ident(birth: str, seq: str) -> str:
    body = "640303" + birth + seq
    return body + id_check_character(body)


ZHANG, LI = ident("19850315", "123"), ident("19900101", "013")
WEI1, WEI2 = ident("19870202", "015"), ident("19920303", "017")
BAD_ID = ZHANG[:17] + ("1" if ZHANG[17] != "1" else "2")
TODAY = dt.date.today()
DAY1, DAY2 = TODAY - dt.timedelta(days=3), TODAY - dt.timedelta(days=1)


def write_sheet(path: Path, header: list[str], rows: list[list], title: str = "培训签到表") -> Path:
    """A title row, the header in row 2, the people from row 3."""
    book = Workbook()
    sheet = book.active
    sheet.append([title])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def people(empty_window):
    set_settings({"county_name": "红寺堡区"})
    justice = create_unit(UnitInput("红寺堡区司法局", "justice", "司法局"))
    school = create_unit(UnitInput("红寺堡区教育局", "enforcement", "教育局"))
    officers = {
        "张三": create_officer(OfficerInput(justice.id, "张三", ZHANG)).id,
        "李四": create_officer(OfficerInput(school.id, "李四", LI)).id,
        "张伟1": create_officer(OfficerInput(justice.id, "张伟", WEI1)).id,
        "张伟2": create_officer(OfficerInput(school.id, "张伟", WEI2)).id,
    }
    session = create_session(SessionInput("全县行政执法人员专题培训", DAY1, DAY1, default_hours=6))
    return {"window": empty_window, "session": session.id, **officers}


def written() -> tuple[int, ...]:
    return Attendance.select().count(), TrainingSession.select().count(), AuditLog.select().count()


def hours_of(session_id: int) -> dict[int, float]:
    return {a.officer_id: a.hours for a in Attendance.select().where(Attendance.session == session_id)}


def open_dialog(qtbot, parent, path: Path, session_id: int | None = None) -> TrainingImportDialog:
    dialog = TrainingImportDialog(parent, path, session_id)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.step == MAP and not dialog.busy, timeout=20_000)
    return dialog


def check(qtbot, dialog, step: int) -> None:
    assert dialog.next_button.isEnabled(), dialog.problems_label.text()
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.step == step and not dialog.busy, timeout=20_000)


def do_import(qtbot, dialog) -> None:
    assert dialog.import_button.isEnabled(), dialog.status_label.text()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=20_000)


SIGN_IN = ["序号", "姓名", "身份证号", "学时"]


def test_sign_in_sheet_by_id_number_into_a_chosen_session(qtbot, people, tmp_path, drive_dialog, message_boxes):
    path = write_sheet(tmp_path / "签到表.xlsx", SIGN_IN, [[1, "张三", ZHANG, 4], [2, "李四", LI, None]])
    sid = people["session"]

    def act(dialog: TrainingImportDialog) -> None:
        qtbot.waitUntil(lambda: dialog.step == MAP and not dialog.busy, timeout=20_000)
        assert dialog.session_row.isVisibleTo(dialog)
        # no 培训名称 column and no session chosen: said live, and 下一步 waits
        assert dialog.current_session() is None
        assert "没有指定培训" in dialog.problems_label.text()
        assert not dialog.next_button.isEnabled()
        texts = [dialog.session_combo.itemText(i) for i in range(dialog.session_combo.count())]
        assert any("全县行政执法人员专题培训" in t and "6 学时" in t for t in texts)
        dialog.choose_session(sid)
        assert dialog.problems_label.isHidden()
        check(qtbot, dialog, PREVIEW)  # every row matched by 身份证号: no 核对姓名 step
        assert "新增参训 <b>2</b> 条" in dialog.counts_label.text()
        assert [(s.name, s.state) for s in dialog.session_model.rows] == [("全县行政执法人员专题培训", "已有（所选培训）")]
        assert [line.matched_by for line in dialog.lines] == ["身份证号码", "身份证号码"]
        assert dialog.skip_check.isHidden()
        do_import(qtbot, dialog)

    drive_dialog(TrainingImportDialog, act)
    summary = run_training_import(people["window"], path)
    assert summary is not None and summary.attendance_added == 2 and summary.sessions_created == 0
    assert hours_of(sid) == {people["张三"]: 4, people["李四"]: 6}  # blank 学时: the session's default
    assert message_boxes.texts("information")[0].startswith("已导入：参训记录 2 条")


def test_the_session_given_by_the_caller_is_preselected(qtbot, people, tmp_path):
    path = write_sheet(tmp_path / "签到表.xlsx", SIGN_IN, [[1, "张三", ZHANG, 4]])
    dialog = open_dialog(qtbot, people["window"], path, people["session"])
    assert dialog.current_session() == people["session"]
    assert dialog.next_button.isEnabled()


def test_an_ambiguous_name_waits_for_the_clerk(qtbot, people, tmp_path, message_boxes):
    Certificate.create(officer=people["张伟2"], number="64030012")
    path = write_sheet(tmp_path / "签到表.xlsx", ["姓名", "学时"], [["张三", 3], ["张伟", 3]])
    dialog = open_dialog(qtbot, people["window"], path)
    dialog.choose_session(people["session"])
    check(qtbot, dialog, SETTLE)
    assert [(line.row, line.name) for line in dialog.settle_model.rows] == [(4, "张伟")]
    assert "有 2 名“张伟”" in dialog.settle_model.rows[0].problem
    # nothing is guessed: the combo starts at （请选择）, offers both, masked, and 跳过此行
    editor = dialog.settle_table.indexWidget(dialog.settle_model.index(0, SettleModel.CHOICE_COLUMN))
    assert isinstance(editor, QComboBox) and editor.currentText() == "（请选择）"
    items = [editor.itemText(i) for i in range(editor.count())]
    assert items[-1] == "跳过此行" and len(items) == 4
    assert any(t.startswith("张伟（红寺堡区教育局，6403**********") and t.endswith("，证号 64030012）") for t in items)
    assert not any(WEI1 in t or WEI2 in t for t in items)
    assert not dialog.next_button.isEnabled()
    assert "还有 <b>1</b> 行未确认" in dialog.pending_label.text()
    # picking in the combo answers the row
    editor.setCurrentIndex(editor.findData(people["张伟2"]))
    assert dialog.settle_model.answers == {4: people["张伟2"]}
    check(qtbot, dialog, PREVIEW)
    assert "新增参训 <b>2</b> 条" in dialog.counts_label.text()
    assert [line.matched_by for line in dialog.lines] == ["姓名", "人工确认"]
    dialog.back_button.click()
    assert dialog.step == SETTLE
    dialog.next_button.click()
    qtbot.waitUntil(lambda: dialog.step == PREVIEW and not dialog.busy, timeout=20_000)
    do_import(qtbot, dialog)
    assert hours_of(people["session"]) == {people["张三"]: 3, people["张伟2"]: 3}


def test_skipping_the_unmatched_rows(qtbot, people, tmp_path, message_boxes):
    path = write_sheet(tmp_path / "签到表.xlsx", ["姓名", "单位", "学时"],
                       [["张伟", "教育局", 2], ["王五", "司法局", 2], ["张伟", None, 2]])
    dialog = open_dialog(qtbot, people["window"], path, people["session"])
    check(qtbot, dialog, SETTLE)
    assert [line.row for line in dialog.settle_model.rows] == [4, 5]
    assert "没有名为“王五”的人员" in dialog.settle_model.rows[0].problem
    dialog.settle(5, people["张伟1"])
    assert not dialog.next_button.isEnabled()
    dialog.skip_all_button.click()
    assert dialog.settle_model.answers == {4: None, 5: people["张伟1"]}
    check(qtbot, dialog, PREVIEW)
    assert "核对姓名时跳过 1 行" in dialog.counts_label.text()
    do_import(qtbot, dialog)
    # 张伟 of 教育局 was matched by 姓名+单位; the third row was settled as 张伟 of 司法局
    assert hours_of(people["session"]) == {people["张伟2"]: 2, people["张伟1"]: 2}


PLATFORM = ["姓名", "身份证号", "课程名称", "学时", "完成日期"]


def test_a_platform_export_creates_sessions_and_a_second_import_adds_nothing(qtbot, people, tmp_path,
                                                                              message_boxes):
    rows = [["张三", ZHANG, "行政处罚法解读", 2, f"{DAY1:%Y-%m-%d} 10:21:33"],
            ["李四", LI, "行政处罚法解读", 2, f"{DAY1:%Y-%m-%d} 15:02:00"],
            ["张三", ZHANG, "行政复议法", 1.5, f"{DAY2:%Y-%m-%d}"]]
    path = write_sheet(tmp_path / "平台导出.xlsx", PLATFORM, rows, title="学习记录")
    before = TrainingSession.select().count()
    dialog = open_dialog(qtbot, people["window"], path)
    assert "学习平台导出" in dialog.kind_label.text()
    assert dialog.session_row.isHidden()
    check(qtbot, dialog, PREVIEW)
    assert [(s.name, s.state, s.new_rows) for s in dialog.session_model.rows] == [
        ("行政处罚法解读", "新建", 2), ("行政复议法", "新建", 1)]
    assert dialog.sessions_label.text() == "涉及培训 2 次，其中新建 2 次："
    do_import(qtbot, dialog)
    assert dialog.summary.sessions_created == 2 and dialog.summary.attendance_added == 3
    assert TrainingSession.select().count() == before + 2
    counts = written()

    again = open_dialog(qtbot, people["window"], path)
    assert again.remembered_label.isVisibleTo(again)  # the mapping confirmed the first time
    check(qtbot, again, PREVIEW)
    assert "新增参训 <b>0</b> 条" in again.counts_label.text()
    assert "已导入过 <b>3</b> 条" in again.counts_label.text()
    assert {s.state for s in again.session_model.rows} == {"已有"}
    assert not again.import_button.isEnabled()
    assert again.status_label.text() == "没有需要写入的内容：文件中的参训记录都已导入过。"
    assert written() == counts


HOURS_ERROR = "第 3 行 D 列（学时）：学时“半小时多”无法识别：请填写数字（如 3 或 3.5），或“半天”“1天”。"


def bad_sheet(tmp_path: Path) -> Path:
    return write_sheet(tmp_path / "签到表.xlsx", SIGN_IN,
                       [[1, "张三", ZHANG, "半小时多"], [2, "李四", LI, 3], [3, "张三", BAD_ID, 3]])


def test_bad_cells_show_exact_messages_and_block_until_skipped(qtbot, people, tmp_path, message_boxes):
    dialog = open_dialog(qtbot, people["window"], bad_sheet(tmp_path), people["session"])
    check(qtbot, dialog, PREVIEW)
    assert "错误 2 行" in dialog.counts_label.text()
    errors = [line for line in dialog.lines if line.has_errors]
    assert [line.row for line in errors] == [3, 5]
    assert errors[0].errors == (HOURS_ERROR,)
    assert errors[1].errors[0].startswith("第 5 行 C 列（身份证号）：")
    dialog.errors_only.setChecked(True)
    assert [line.row for line in dialog.preview_model.rows] == [3, 5]
    dialog.preview_table.selectRow(0)
    assert dialog.row_errors_label.text() == HOURS_ERROR
    assert not dialog.import_button.isEnabled()
    assert dialog.status_label.text() == "有错误的行：请修改文件后重新导入，或勾选“跳过有错误的行”。"
    assert dialog.skip_check.isVisibleTo(dialog)
    dialog.skip_check.setChecked(True)
    do_import(qtbot, dialog)
    assert hours_of(people["session"]) == {people["李四"]: 3}
    assert dialog.summary.skipped == 2


def test_cancelling_writes_nothing(qtbot, people, tmp_path, monkeypatch, message_boxes):
    path = write_sheet(tmp_path / "平台导出.xlsx", PLATFORM, [["张三", ZHANG, "行政复议法", 2, f"{DAY2:%Y-%m-%d}"]])
    before = written()
    dialog = open_dialog(qtbot, people["window"], path)
    check(qtbot, dialog, PREVIEW)
    dialog.cancel_button.click()  # closing at the preview
    assert not dialog.isVisible() and dialog.summary is None
    assert written() == before

    real = tid.commit_training

    def cancelled_while_writing(preview, skip, control):
        report = control.progress

        def progress(fraction, message=""):
            if "写入" in message:
                control.cancel()  # as if the clerk pressed 取消 in the progress dialog
            report(fraction, message)

        control.progress = progress
        return real(preview, skip, control)

    monkeypatch.setattr(tid, "commit_training", cancelled_while_writing)
    dialog = open_dialog(qtbot, people["window"], path)
    check(qtbot, dialog, PREVIEW)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=20_000)
    assert dialog.isVisible() and dialog.summary is None
    assert dialog.status_label.text() == "已取消导入，没有写入任何数据。"
    assert written() == before


def test_the_error_workbook_is_written(qtbot, people, tmp_path, monkeypatch, message_boxes):
    source = bad_sheet(tmp_path)
    target = tmp_path / "out" / "错误清单.xlsx"
    target.parent.mkdir()
    offered = []

    def save_name(parent, title, suggested, filters):
        offered.append(suggested)
        return str(target), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(save_name))
    dialog = open_dialog(qtbot, people["window"], source, people["session"])
    check(qtbot, dialog, PREVIEW)
    assert dialog.export_button.isEnabled()
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not dialog.busy and target.exists(), timeout=20_000)
    assert offered == [str(tmp_path / "签到表_错误清单.xlsx")]
    assert "错误清单已保存" in message_boxes.texts("information")[0]
    sheet = load_workbook(target).active
    header = [c.value for c in sheet[2]]
    assert header[-1] == ERROR_COLUMN
    assert sheet["D3"].fill.fgColor.rgb.endswith(ERROR_FILL)
    assert "无法识别" in sheet.cell(3, len(header)).value
    assert written()[0] == 0  # exporting writes nothing to the database
