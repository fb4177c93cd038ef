"""导入任务清单 and 填报进展 dialogs: nothing written before 导入, names settled by the clerk, inline errors."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import test_tasks_page as base
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog
from test_tasks_page import choose, ime_type, select_assignment, select_task, task_numbers

from desktop_app.core import obligations as ob
from desktop_app.core.models import Assignment, Plan, Progress, Task, Unit
from desktop_app.core.task_import import TaskImportPreview, resolve_names
from desktop_app.core.tasks.parse import Deadline, ParsedPlan, ParsedSection, ParsedTask, ParseWarning
from desktop_app.ui.dialogs.progress_dialog import HistoryDialog, ProgressDialog
from desktop_app.ui.dialogs.task_import_dialog import TaskImportDialog
from desktop_app.ui.table_models.task_models import (
    EvidenceModel,
    FileListModel,
    HistoryModel,
    NameChoiceModel,
    ParsedTaskModel,
    WarningModel,
)

task_window, page = base.task_window, base.page  # the fixtures: demo units and groups plus two plans

REPO = Path(__file__).resolve().parents[2]
SEED_FILE = REPO / "tests" / "fixtures" / "tasks" / "seed004_utf8.txt"


def parsed_task(number, section, content, when, lead=(), responsible=(), cooperating=(), leaders=()):
    return ParsedTask(number, section, content, list(lead), list(responsible), list(cooperating), list(leaders),
                      when, int(number))


def make_preview():
    """A hand-made parse result: a known unit, a group alias, and two names the register does not know."""
    tasks = [
        parsed_task("1", "队伍建设", "开展行政执法人员全员培训。", Deadline("2027年6月底前", "date", dt.date(2027, 6, 30)),
                    lead=["司法局"], responsible=["各乡镇"], leaders=["张副区长"]),
        parsed_task("2", "队伍建设", "清理行政执法证件。", Deadline("长期坚持", "standing"),
                    responsible=["红寺堡区审计办"], cooperating=["司法局"]),
        parsed_task("3", "规范执法", "报送行政执法统计年报。", Deadline("每年1月底前", "annual", month=1),
                    lead=["司法局"], responsible=["区应急办"]),
    ]
    parsed = ParsedPlan("测试导入方案", "红政办发〔2026〕9号", "测试方案.txt",
                        [ParsedSection("（一）", "队伍建设"), ParsedSection("（二）", "规范执法")], tasks,
                        [ParseWarning("2", "时限写法不规范，按长期坚持处理")])
    return TaskImportPreview(parsed, resolve_names(parsed))


def counts() -> tuple[int, ...]:
    return Plan.select().count(), Task.select().count(), Assignment.select().count(), Unit.select().count()


def select_name(dialog, written: str) -> None:
    row = next(i for i, c in enumerate(dialog.names.rows) if c.written == written)
    dialog.names_table.selectRow(row)


def open_import(qtbot, page, monkeypatch, drive_dialog, preview_fn, review):
    from desktop_app.core import task_import

    monkeypatch.setattr(task_import, "preview_task_import", preview_fn)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: ("/清单/测试方案.txt", "")))
    driven = drive_dialog(TaskImportDialog, review)
    known = len(driven)  # the list is shared by every drive_dialog call of a test
    qtbot.mouseClick(page.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: len(driven) > known and not driven[-1].isVisible())
    return driven[-1]


def test_import_waits_for_unknown_names_then_commits_what_it_showed(qtbot, page, monkeypatch,
                                                                   drive_dialog, message_boxes, qtmodeltester):
    preview = make_preview()
    before = counts()
    shown = {}

    def review(dialog: TaskImportDialog) -> None:
        for model in (dialog.tasks, dialog.names, dialog.warnings):
            qtmodeltester.check(model)
        assert dialog.title_edit.text() == "测试导入方案"
        assert dialog.doc_number_edit.text() == "红政办发〔2026〕9号"
        assert (dialog.start_year.value(), dialog.end_year.value()) == (2026, 2028)
        # no issue date in the document: recurring duties start with the first fixed deadline's year
        assert dialog.issued_edit.isEnabled() and dialog.issued_edit.date().toString("yyyy-MM-dd") == "2027-01-01"
        shown["tasks"] = [t.number for t in dialog.tasks.rows]
        assert [dialog.tasks.index(r, 7).data() for r in range(3)] == ["限期：2027-06-30", "长期坚持", "每年 1 月底前"]
        assert dialog.names.rows[0].written in ("红寺堡区审计办", "区应急办")  # unsettled first
        assert dialog.names.index(0, 1).data() == "登记册中没有此单位"
        assert any("时限写法不规范" in w for _, w in dialog.warnings.rows)
        assert not dialog.import_button.isEnabled() and not dialog.assign_button.isEnabled()
        assert "还有 2 个单位名称" in dialog.summary.text()

        select_name(dialog, "红寺堡区审计办")
        choose(dialog.target_combo, "红寺堡区审计局")
        qtbot.mouseClick(dialog.assign_button, Qt.LeftButton)
        assert preview.choice("红寺堡区审计办").describe() == "→ 单位“红寺堡区审计局”"
        assert not dialog.import_button.isEnabled()  # 区应急办 is still open
        select_name(dialog, "区应急办")
        choose(dialog.target_combo, "红寺堡区应急管理局")
        qtbot.mouseClick(dialog.assign_button, Qt.LeftButton)
        assert dialog.import_button.isEnabled()
        assert not any("登记册中没有" in w for _, w in dialog.warnings.rows)
        assert counts() == before  # nothing is written before 导入
        qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible())

    dialog = open_import(qtbot, page, monkeypatch, drive_dialog, lambda path: preview, review)
    assert dialog.result() == TaskImportDialog.Accepted
    plan = Plan.get(Plan.title == "测试导入方案")
    assert dialog.plan.id == plan.id and plan.doc_number == "红政办发〔2026〕9号" and plan.start_year == 2026
    assert [t.number for t in Task.select().where(Task.plan == plan).order_by(Task.sort_order)] == shown["tasks"]
    assert counts()[:2] == (before[0] + 1, before[1] + 3) and counts()[3] == before[3]
    task2 = Task.get((Task.plan == plan) & (Task.number == "2"))
    assert sorted((a.unit.name, a.role) for a in task2.assignments) == [
        ("红寺堡区司法局", "cooperating"), ("红寺堡区审计局", "responsible")]
    task1 = Task.get((Task.plan == plan) & (Task.number == "1"))
    assert task1.assignments.count() == 1 + 5  # 司法局 + the five townships of 各乡镇
    assert message_boxes.texts("information") == ["已导入“测试导入方案”，共 3 项任务。"]
    assert page.plan_combo.currentText() == "测试导入方案"  # the bus refreshed the page; it shows the new plan
    assert task_numbers(page) == ["1", "2", "3"]


def test_import_can_create_a_unit_and_cancel_writes_nothing(qtbot, page, monkeypatch, drive_dialog,
                                                            message_boxes):
    preview = make_preview()
    before = counts()

    def cancel(dialog: TaskImportDialog) -> None:
        select_name(dialog, "区应急办")
        qtbot.mouseClick(dialog.create_button, Qt.LeftButton)
        assert preview.choice("区应急办").describe() == "→ 新建单位"
        dialog.reject()

    open_import(qtbot, page, monkeypatch, drive_dialog, lambda path: preview, cancel)
    assert counts() == before and not message_boxes.calls

    def create(dialog: TaskImportDialog) -> None:
        select_name(dialog, "红寺堡区审计办")
        choose(dialog.target_combo, "红寺堡区审计局")
        qtbot.mouseClick(dialog.assign_button, Qt.LeftButton)
        select_name(dialog, "区应急办")
        choose(dialog.kind_combo, "其他")
        qtbot.mouseClick(dialog.create_button, Qt.LeftButton)
        assert "并新建 1 个单位" in dialog.summary.text()
        dialog.title_edit.clear()
        qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
        assert dialog.error_label.text() == "请填写任务清单的名称。" and dialog.isVisible()
        ime_type(dialog.title_edit, "新建单位的方案")
        dialog.issued_check.setChecked(True)
        assert dialog.issued_edit.isEnabled()
        dialog.issued_edit.setDate(dt.date(2026, 3, 1))
        qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible())

    open_import(qtbot, page, monkeypatch, drive_dialog, lambda path: make_preview(), create)
    assert Plan.get(Plan.title == "新建单位的方案").issued_on == dt.date(2026, 3, 1)
    created = Unit.get(Unit.name == "区应急办")
    assert created.kind == "other" and created.assignments.count() == 1
    assert counts()[3] == before[3] + 1


def test_progress_dialog_prefills_the_period_and_reports_errors_inline(qtbot, page, drive_dialog, tmp_path,
                                                                       qtmodeltester):
    select_task(page, "4")  # standing duty of the townships
    select_assignment(page.task_tab.assignments, "红寺堡镇")
    row = page.task_tab.assignments.current()
    assert row.status.label == ob.UNREPORTED and row.status.period
    gone = tmp_path / "照片.jpg"
    gone.write_bytes(b"jpeg")

    def fill(dialog: ProgressDialog) -> None:
        assert dialog.period_edit.text() == row.status.period
        assert dialog.state_combo.currentText() == "本期已落实"
        assert dialog.date_edit.maximumDate().toPython() == dt.date.today()
        other = tmp_path / "另一处"
        other.mkdir()
        (other / gone.name).write_bytes(b"another photo")
        dialog.add_files([gone, gone, other / gone.name])  # the same name twice would share one stored copy
        assert dialog.files.rows == [gone]
        assert "同名" in dialog.error_label.text()
        qtmodeltester.check(dialog.files)
        gone.unlink()
        dialog.buttons.button(QDialogButtonBox.Ok).click()
        qtbot.waitUntil(lambda: not dialog.error_label.isHidden())
        assert "不存在" in dialog.error_label.text() and dialog.isVisible()
        assert dialog.buttons.isEnabled()
        dialog.files_table.selectRow(0)
        qtbot.mouseClick(dialog.remove_file_button, Qt.LeftButton)
        assert dialog.files.rows == []
        dialog.buttons.button(QDialogButtonBox.Ok).click()
        qtbot.waitUntil(lambda: not dialog.isVisible())

    drive_dialog(ProgressDialog, fill)
    qtbot.mouseClick(page.task_tab.assignments.progress_button, Qt.LeftButton)
    report = Progress.select().order_by(Progress.id.desc()).get()
    assert (report.state, report.period, report.on_date) == ("本期已落实", row.status.period, dt.date.today())
    assert page.task_tab.assignments.current().status.label == ob.OK


def test_history_and_import_models_follow_qt_contract(qtmodeltester, page, drive_dialog):
    select_task(page, "7")
    page.task_tab.assignments.table.selectRow(0)

    def look(dialog: HistoryDialog) -> None:
        assert [h.report.text for h in dialog.model.rows] == ["平台已上线。"]
        assert dialog.empty_label.isHidden()
        qtmodeltester.check(dialog.model)
        qtmodeltester.check(dialog.evidence)

    drive_dialog(HistoryDialog, look)
    page.show_history(page.task_tab.assignments.current())
    preview = make_preview()
    for model, rows in ((ParsedTaskModel(), preview.parsed.tasks), (NameChoiceModel(), list(preview.names.values())),
                        (WarningModel(), preview.warnings()), (HistoryModel(), []), (EvidenceModel(), []),
                        (FileListModel(), [])):
        model.set_rows(rows)
        qtmodeltester.check(model)


def test_import_a_real_document_through_the_dialog(qtbot, page, monkeypatch, drive_dialog,
                                                   message_boxes):
    before = counts()
    shown = {}

    def review(dialog: TaskImportDialog) -> None:
        shown["tasks"] = [t.number for t in dialog.tasks.rows]
        assert len(shown["tasks"]) == 43 and counts() == before
        assert dialog.title_edit.text() == "吴忠市红寺堡区关于提升行政执法质量三年行动任务分工方案"
        for choice in list(dialog.preview.unsettled):
            select_name(dialog, choice.written)
            qtbot.mouseClick(dialog.create_button, Qt.LeftButton)
        assert dialog.import_button.isEnabled()
        qtbot.mouseClick(dialog.import_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: not dialog.isVisible())

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(lambda *a, **k: (str(SEED_FILE), "")))
    driven = drive_dialog(TaskImportDialog, review)
    qtbot.mouseClick(page.import_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(driven) and not driven[0].isVisible(), timeout=20000)  # parse + commit
    plan = driven[0].plan
    assert plan is not None
    assert [t.number for t in Task.select().where(Task.plan == plan).order_by(Task.sort_order)] == shown["tasks"]
    assert page.plan_combo.currentData() == plan.id
    assert task_numbers(page) == shown["tasks"]
    assert message_boxes.texts("information") == [f"已导入“{plan.title}”，共 43 项任务。"]
    assert Assignment.select().join(Task).where(Task.plan == plan).count() > 43
