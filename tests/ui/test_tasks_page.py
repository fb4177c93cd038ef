"""任务清单 as a clerk uses it: tasks by section, filters, a task's units, progress with evidence, the unit
view, the ledger export. The tasks are built here directly with the models (every kind of deadline) on the
demo county's units and groups, so the figures are known whatever the demo's own task list becomes."""
from __future__ import annotations

import datetime as dt
import random

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog

from desktop_app.core import obligations as ob
from desktop_app.core.models import Assignment, Evidence, Plan, PlanSection, Progress, Task, Unit, UnitGroup
from desktop_app.core.progress import evidence_root
from desktop_app.core.task_board import load_assignments, summary
from desktop_app.core.task_export import HEADERS
from desktop_app.core.unit_groups import expand_group
from desktop_app.ui.dialogs.progress_dialog import HistoryDialog, ProgressDialog
from desktop_app.ui.pages.common import EmptyState
from desktop_app.ui.table_models.task_models import AssignmentModel, SectionHeader, TaskListModel

TODAY = dt.date.today()
SECTION_1, SECTION_2 = "全面提升行政执法人员能力素质", "全面推进严格规范公正文明执法"
# section, number, content, kind, due, month, deadline text, leaders, [(unit short name or group, role)]
TASKS = [
    (1, "1", "制定行政执法人员年度培训计划，\n组织开展全员轮训并建立培训档案。", "date", TODAY - dt.timedelta(days=20), None,
     "限期完成", "王副区长", [("司法局", "lead"), ("教育局", "responsible")]),
    (1, "2", "开展行政执法证件清理，收回离岗人员证件。", "date", TODAY + dt.timedelta(days=10), None, "近期完成", "",
     [("公安分局", "responsible")]),
    (1, "3", "建立行政执法案卷评查制度并长期坚持。", "date_then_standing", TODAY + dt.timedelta(days=100), None,
     "限期建立，长期坚持", "", [("审计局", "cooperating"), ("司法局", "lead"), ("财政局", "responsible")]),
    (2, "4", "规范乡镇行政执法行为。", "standing", None, None, "长期坚持", "", [("各乡镇〔街道〕", "responsible")]),
    (2, "5", "报送年度行政执法统计数据。", "annual", None, 12, "每年12月底前", "", [("司法局", "lead")]),
    (2, "6", "适时开展行政执法监督检查。", "unspecified", None, None, "适时", "", [("综合执法局", "cooperating")]),
    (2, "7", "完成行政执法公示平台建设。", "date", TODAY - dt.timedelta(days=60), None, "限期完成", "",
     [("市场监督管理分局", "responsible")]),
]


def seed_plans() -> None:
    units = {u.short_name: u for u in Unit.select()}
    groups = {g.name: g for g in UnitGroup.select()}
    plan = Plan.create(title="测试任务分工方案", start_year=TODAY.year, end_year=TODAY.year + 2,
                       issued_on=dt.date(TODAY.year, 1, 1))
    sections = {1: PlanSection.create(plan=plan, number="一", title=SECTION_1, sort_order=0),
                2: PlanSection.create(plan=plan, number="（二）", title=SECTION_2, sort_order=1)}
    for order, (section, number, content, kind, due, month, text, leaders, parts) in enumerate(TASKS):
        task = Task.create(plan=plan, section=sections[section], number=number, content=content, deadline_text=text,
                           deadline_kind=kind, due_date=due, due_month=month, leaders=leaders, sort_order=order)
        for name, role in parts:
            if name in groups:
                for unit in expand_group(groups[name].id):
                    Assignment.create(task=task, unit=unit, role=role, written_name=name, via_group=groups[name])
            else:
                assignment = Assignment.create(task=task, unit=units[name], role=role, written_name=name)
                if number == "7":
                    Progress.create(assignment=assignment, state="已完成", on_date=TODAY - dt.timedelta(days=61),
                                    text="平台已上线。", entered_by="测试")
    other = Plan.create(title="第二份任务清单", start_year=TODAY.year, end_year=TODAY.year)
    section = PlanSection.create(plan=other, number="一", title="其他工作")
    task = Task.create(plan=other, section=section, number="1", content="另一份清单的任务。", deadline_kind="date",
                       due_date=TODAY + dt.timedelta(days=5), deadline_text="五日内")
    Assignment.create(task=task, unit=units["司法局"], role="lead")


@pytest.fixture
def task_window(qtbot, tmp_path):
    """A main window over the demo county's units and groups plus the two plans above."""
    from desktop_app.core import demo
    from desktop_app.core.db import db
    from desktop_app.core.session import open_session
    from desktop_app.ui.main_window import MainWindow

    session = open_session(tmp_path / "tasks-ui.sqlite")
    try:
        ctx = demo.DemoContext(random.Random(demo.DEMO_SEED), TODAY)
        with db.atomic():
            for step in (demo.seed_settings, demo.seed_units, demo.seed_groups):
                step(ctx)
            seed_plans()
        window = MainWindow(session, is_demo=True)
    except BaseException:
        session.close()
        raise
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    session.close()


@pytest.fixture
def page(task_window):
    task_window.show_page("tasks")
    return task_window.page("tasks")


def ime_type(widget, text: str) -> None:
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(widget, event)


def task_numbers(page) -> list[str]:
    return [r.number for r in page.task_tab.model.rows if not isinstance(r, SectionHeader)]


def headers(page) -> list[str]:
    return [r.text for r in page.task_tab.model.rows if isinstance(r, SectionHeader)]


def choose(box, text: str) -> None:
    index = box.findText(text)
    assert index >= 0, text
    box.setCurrentIndex(index)


def select_task(page, number: str, plan_title: str = "测试任务分工方案") -> None:
    plan = Plan.get(Plan.title == plan_title)
    task = Task.get((Task.plan == plan) & (Task.number == number))
    page.task_tab.select_task(task.id)
    assert page.task_tab.current_task().id == task.id


def select_assignment(table, unit_short: str) -> None:
    name = Unit.get(Unit.short_name == unit_short).name
    row = next(i for i, r in enumerate(table.model.rows) if r.unit_name == name)
    table.table.selectRow(row)
    assert table.current().unit_name == name


def test_models_follow_qt_contract(qtmodeltester, page):
    qtmodeltester.check(page.task_tab.model)
    select_task(page, "1")
    qtmodeltester.check(page.task_tab.assignments.model)
    choose(page.unit_tab.unit_combo, "红寺堡区司法局")
    qtmodeltester.check(page.unit_tab.assignments.model)
    for model in (TaskListModel(), AssignmentModel(), AssignmentModel(with_task=True)):
        qtmodeltester.check(model)  # empty


def test_page_groups_tasks_by_section(page):
    assert page.stack.currentWidget() is page.tabs
    assert page.plan_combo.itemText(0) == "全部任务清单"
    assert [page.plan_combo.itemText(i) for i in range(page.plan_combo.count())][1:] == ["测试任务分工方案", "第二份任务清单"]
    assert task_numbers(page) == ["1", "2", "3", "4", "5", "6", "7", "1"]
    overdue_2 = sum(1 for t in page.task_tab.model.rows if not isinstance(t, SectionHeader)
                    and t.section == SECTION_2 and t.worst == ob.OVERDUE)
    titles = headers(page)
    assert titles[0] == f"测试任务分工方案 · （一）{SECTION_1} — 3 项，逾期 1"
    assert titles[1] == f"测试任务分工方案 · （二）{SECTION_2} — 4 项，逾期 {overdue_2}"
    table, model = page.task_tab.table, page.task_tab.model
    for row, item in enumerate(model.rows):
        spanned = table.columnSpan(row, 0) == model.columnCount()
        assert spanned == isinstance(item, SectionHeader)
    first = model.rows[1]
    assert model.index(1, 1).data() == "制定行政执法人员年度培训计划， 组织开展全员轮训并建立培训档案。"
    assert "组织开展全员轮训" in model.index(1, 1).data(Qt.ToolTipRole)
    assert first.worst == ob.OVERDUE and model.index(1, 3).data() == ob.OVERDUE
    assert model.index(1, 3).data(Qt.ForegroundRole).color().name() == ob.COLOURS[ob.OVERDUE]
    assert model.index(1, 4).data() == "2"  # both units overdue
    assert not model.flags(model.index(0, 0)) & Qt.ItemIsSelectable  # a header is not a task

    choose(page.plan_combo, "测试任务分工方案")
    assert task_numbers(page) == ["1", "2", "3", "4", "5", "6", "7"]
    assert headers(page)[0] == f"（一）{SECTION_1} — 3 项，逾期 1"
    choose(page.plan_combo, "第二份任务清单")
    assert task_numbers(page) == ["1"] and headers(page) == ["（一）其他工作 — 1 项，逾期 0"]


def test_status_filter_shows_only_overdue(page):
    choose(page.plan_combo, "测试任务分工方案")
    choose(page.task_tab.status_filter, ob.OVERDUE)
    expected = {r.number for r in load_assignments(Plan.get(Plan.title == "测试任务分工方案").id)
                if r.status.label == ob.OVERDUE}
    assert "1" in expected and "7" not in expected
    assert set(task_numbers(page)) == expected
    assert all(t.worst == ob.OVERDUE and set(t.counts) == {ob.OVERDUE}
               for t in page.task_tab.model.rows if not isinstance(t, SectionHeader))
    choose(page.task_tab.status_filter, ob.DONE)
    assert task_numbers(page) == ["7"]
    choose(page.task_tab.status_filter, "全部")
    choose(page.task_tab.due_filter, "30 天内")
    assert "2" in task_numbers(page) and "1" not in task_numbers(page)  # due in 10 days; overdue is not “due”
    choose(page.task_tab.due_filter, "7 天内")
    assert "2" not in task_numbers(page)


def test_unit_and_group_filters(page):
    choose(page.task_tab.unit_filter, "红寺堡区教育局")
    assert task_numbers(page) == ["1"]
    select_task(page, "1")
    assert [r.unit_name for r in page.task_tab.assignments.model.rows] == ["红寺堡区教育局"]
    choose(page.task_tab.unit_filter, "全部单位")
    choose(page.task_tab.group_filter, "各乡镇〔街道〕")
    assert task_numbers(page) == ["4"]
    select_task(page, "4")
    assert len(page.task_tab.assignments.model.rows) == 5
    assert {r.status.label for r in page.task_tab.assignments.model.rows} == {ob.UNREPORTED}


def test_search(page):
    ime_type(page.task_tab.search, "证件")
    assert task_numbers(page) == ["2"]
    page.task_tab.search.clear()
    ime_type(page.task_tab.search, "综合执法局")  # a unit's name finds its tasks
    assert task_numbers(page) == ["6"]
    page.task_tab.search.clear()
    assert len(task_numbers(page)) == 8


def test_selecting_a_task_shows_its_units(page):
    tab = page.task_tab
    assert "选择左侧" in tab.heading.text()
    select_task(page, "1")
    assert "任务 1" in tab.heading.text() and SECTION_1 in tab.heading.text()
    assert tab.content.toPlainText() == TASKS[0][2]
    assert "王副区长" in tab.info.text() and "限期完成" in tab.info.text()
    rows = tab.assignments.model.rows
    assert [(r.unit_name, r.role) for r in rows] == [("红寺堡区司法局", "牵头"), ("红寺堡区教育局", "责任")]
    assert tab.assignments.model.index(0, 3).data().startswith("应于")
    assert not page.progress_button.isEnabled()
    select_assignment(tab.assignments, "教育局")
    assert page.progress_button.isEnabled() and tab.assignments.history_button.isEnabled()
    select_task(page, "3")
    assert [r.role for r in tab.assignments.model.rows] == ["牵头", "责任", "配合"]  # lead first
    assert not page.progress_button.isEnabled()


def test_progress_report_with_evidence_completes_an_overdue_task(qtbot, page, drive_dialog, monkeypatch, tmp_path,
                                                                  message_boxes):
    evidence = tmp_path / "培训签到表.pdf"
    evidence.write_bytes(b"%PDF-1.4 sign-in sheet")
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(lambda *a, **k: ([str(evidence)], "")))
    select_task(page, "1")
    select_assignment(page.task_tab.assignments, "教育局")
    assert page.task_tab.assignments.current().status.label == ob.OVERDUE

    def fill(dialog: ProgressDialog) -> None:
        assert dialog.date_edit.date().toPython() == TODAY
        assert dialog.period_edit.text() == ""  # a dated task: no period
        choose(dialog.state_combo, "已完成")
        ime_type(dialog.text_edit, "已制定培训计划，完成全员轮训。")
        qtbot.mouseClick(dialog.add_files_button, Qt.LeftButton)
        assert [p.name for p in dialog.files.rows] == ["培训签到表.pdf"]
        dialog.buttons.button(QDialogButtonBox.Ok).click()
        qtbot.waitUntil(lambda: not dialog.isVisible())

    driven = drive_dialog(ProgressDialog, fill)
    qtbot.mouseClick(page.progress_button, Qt.LeftButton)
    assert driven and driven[0].result() == ProgressDialog.Accepted
    # the bus refreshed the page; the same task and unit stay selected
    current = page.task_tab.assignments.current()
    assert current.unit_name == "红寺堡区教育局" and current.status.label == ob.DONE
    assert current.last_report == "已完成：已制定培训计划，完成全员轮训。" and current.last_date == TODAY
    assert page.task_tab.model.rows[1].counts == {ob.OVERDUE: 1, ob.DONE: 1}

    seen = {}

    def look(dialog: HistoryDialog) -> None:
        seen["history"] = [(h.report.state, h.report.text, len(h.files)) for h in dialog.model.rows]
        seen["files"] = [e.file_name for _, e in dialog.evidence.rows]
        opened = []
        monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
        dialog.evidence_table.selectRow(0)
        assert dialog.open_selected()
        seen["opened"] = opened[0].toLocalFile()
        stored = Evidence.get()
        (evidence_root() / stored.stored_path).write_bytes(b"changed")  # tampered: refused, named
        assert not dialog.open_selected()

    drive_dialog(HistoryDialog, look)
    qtbot.mouseClick(page.task_tab.assignments.history_button, Qt.LeftButton)
    assert seen["history"] == [("已完成", "已制定培训计划，完成全员轮训。", 1)]
    assert seen["files"] == ["培训签到表.pdf"]
    assert seen["opened"].endswith("培训签到表.pdf") and seen["opened"] != str(evidence)
    assert "校验值不符" in message_boxes.texts("warning")[0]


def test_unit_view_sorts_by_urgency(qtbot, page, drive_dialog):
    page.tabs.setCurrentWidget(page.unit_tab)
    choose(page.unit_tab.unit_combo, "红寺堡区司法局")
    rows = page.unit_tab.assignments.model.rows
    assert len(rows) == 4  # tasks 1, 3, 5 and the second plan's task
    urgencies = [r.status.urgency for r in rows]
    assert urgencies == sorted(urgencies)
    assert rows[0].number == "1" and rows[0].status.label == ob.OVERDUE
    model = page.unit_tab.assignments.model
    assert [c.header for c in model.columns][:3] == ["序号", "任务", "时限"]
    assert "共 4 条分工" in page.unit_tab.summary.text()
    choose(page.plan_combo, "第二份任务清单")
    assert [r.content for r in page.unit_tab.assignments.model.rows] == ["另一份清单的任务。"]
    page.unit_tab.assignments.table.selectRow(0)
    assert page.progress_button.isEnabled()
    driven = drive_dialog(ProgressDialog, lambda dialog: None)  # double-click opens 填报进展 (left unsaved)
    view = page.unit_tab.assignments.table
    position = view.visualRect(model.index(0, 1)).center()
    qtbot.mouseClick(view.viewport(), Qt.LeftButton, pos=position)  # Qt takes a double-click after a press
    qtbot.mouseDClick(view.viewport(), Qt.LeftButton, pos=position)
    assert len(driven) == 1 and driven[0].row.content == "另一份清单的任务。"
    assert Progress.select().count() == 1  # only the fixture's own report


def test_export_writes_the_ledger(qtbot, page, monkeypatch, tmp_path, message_boxes):
    from openpyxl import load_workbook

    target = tmp_path / "台账"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    qtbot.mouseClick(page.export_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: bool(message_boxes.calls))
    path = tmp_path / "台账.xlsx"
    assert message_boxes.texts("information") == [f"任务进展台账已导出：\n{path}"]
    sheet = load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "任务进展台账" in rows[0][0] and "红寺堡区司法局" in rows[0][0]
    assert list(rows[1]) == HEADERS == ["序号", "任务", "单位", "角色", "时限", "状态", "最近进展", "日期"]
    assert len(rows) == 2 + Assignment.select().count()


def test_dashboard_card_shows_real_figures(task_window):
    text = task_window.page("dashboard").tasks.body.text()
    figures = summary()
    assert f"逾期 <b>{figures.overdue}</b> 条" in text
    assert f"30 天内到期 <b>{figures.due_soon}</b> 条" in text
    assert f"长期坚持本期未报告 <b>{figures.unreported}</b> 条" in text
    unit, met, total = figures.completion_by_unit[0]
    assert f"完成率最低的单位（已完成或进度正常的分工占比）：<br>　{unit} {round(met * 100 / total)}%（{met}/{total}）" in text
    assert text.count("%（") == 5


def test_empty_database_says_so(empty_window):
    empty_window.show_page("tasks")
    page = empty_window.page("tasks")
    assert page.stack.currentWidget() is page.empty
    assert isinstance(page.empty, EmptyState)
    assert not page.export_button.isEnabled() and not page.progress_button.isEnabled()
    assert page.import_button.isEnabled()
    assert "尚未建立数据" in empty_window.page("dashboard").tasks.body.text()

