"""报表中心: the parameters follow the report chosen, a report is written through the narrative dialog into the
chosen folder and listed, failures are said in Chinese and write nothing, and the file actions (open, folder,
print, PDF) say plainly when this computer has no office program. Also the 公文格式 settings (choice, file)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from desktop_app.core import office_apps
from desktop_app.core.models import GeneratedReport
from desktop_app.core.reports import catalog
from desktop_app.core.settings import get_setting
from desktop_app.ui.dialogs.narrative_dialog import NarrativeDialog
from desktop_app.ui.pages.reports_page import ALL_PLANS, ReportsPage
from desktop_app.ui.table_models.report_history_model import MISSING

KINDS = list(catalog.KINDS)


@pytest.fixture
def page(demo_window, tmp_path) -> ReportsPage:
    demo_window.show_page("reports")
    page = demo_window.page("reports")
    assert isinstance(page, ReportsPage)
    page.folder_edit.setText(str(tmp_path / "报表输出"))
    return page


@pytest.fixture
def answered(monkeypatch):
    """The narrative dialog answers 确定 without exec(); `answered.dialogs` are the dialogs shown and
    `answered.edit` = {section: text} is typed into them first."""

    class Answered:
        def __init__(self) -> None:
            self.dialogs: list[NarrativeDialog] = []
            self.edit: dict[str, str] = {}
            self.result = QDialog.Accepted

    answered = Answered()

    def exec_(dialog: NarrativeDialog) -> int:
        answered.dialogs.append(dialog)
        for key, text in answered.edit.items():
            dialog.edits[key].setPlainText(text)
        return answered.result

    monkeypatch.setattr(NarrativeDialog, "exec", exec_)
    return answered


def wait_idle(qtbot, page: ReportsPage) -> None:
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=120_000)


def overdue_unit_id() -> int:
    """A unit of the demo county with an overdue task (the 催办通知 is refused for a unit owing nothing)."""
    from desktop_app.core import obligations as ob
    from desktop_app.core import task_board as tb

    rows = tb.load_assignments(None, dt.date.today())
    return next(r.unit_id for r in rows if r.status.label == ob.OVERDUE)


def choose(page: ReportsPage, kind: str) -> None:
    page.select_kind(kind)
    if catalog.KINDS[kind].needs_unit:
        page.unit_box.setCurrentIndex(page.unit_box.findData(overdue_unit_id()))


@pytest.mark.parametrize("kind", KINDS)
def test_fields_follow_the_report_chosen(page, kind):
    spec = catalog.KINDS[kind]
    page.select_kind(kind)
    assert page.kind_title.text() == spec.label
    assert page.description.text() == spec.description
    assert page.plan_box.isVisible() == spec.uses_plan
    assert page.unit_box.isVisible() == spec.needs_unit
    assert page.stage_box.isVisible() == bool(spec.stages)
    assert page.year_spin.isVisible() and page.number_edit.isVisible() and page.folder_edit.isVisible()
    if spec.uses_plan:
        plans = [page.plan_box.itemText(i) for i in range(page.plan_box.count())]
        assert (plans[0] == ALL_PLANS) == (not spec.needs_plan)
        assert len(plans) == 1 + (not spec.needs_plan)  # the demo county has one task list
    if spec.stages:
        assert [page.stage_box.itemText(i) for i in range(page.stage_box.count())] == ["中期", "终期"]
    if spec.needs_unit:
        assert page.unit_box.count() > 10


def test_year_and_doc_number_defaults(page):
    assert page.year_spin.value() == get_setting("current_year")
    assert page.year_spin.maximum() == dt.date.today().year
    assert page.number_edit.placeholderText() == f"可留空，如：红司发〔{dt.date.today().year}〕N号"
    assert "LibreOffice" in page.office_label.text() or "未找到" in page.office_label.text()


@pytest.mark.parametrize("kind", KINDS)
def test_generating_writes_the_file_and_lists_it(qtbot, page, answered, kind, tmp_path):
    choose(page, kind)
    sections = catalog.KINDS[kind].sections
    answered.edit = {section.key: f"{section.label}：本单位自拟的文字。" for section in sections}
    qtbot.mouseClick(page.generate_button, Qt.LeftButton)
    wait_idle(qtbot, page)
    assert len(answered.dialogs) == (1 if sections else 0)
    folder = tmp_path / "报表输出"
    written = sorted(folder.glob("*.docx"))
    assert len(written) == 1, sorted(folder.iterdir())
    assert page.result_panel.isVisible()
    assert page.result is not None and Path(page.result.path) == written[0]
    assert str(written[0]) in page.result_path.text()
    rows = page.history_model.rows
    assert rows[0].path == written[0] and rows[0].exists and rows[0].kind == kind
    assert page.history_model.data(page.history_model.index(0, 1)) == catalog.KINDS[kind].label
    if sections:
        request = page._request()
        assert catalog.remembered_narrative(request) == answered.edit


def test_second_report_of_the_same_name_gets_a_number(qtbot, page, answered, tmp_path):
    page.select_kind("training")
    for _ in range(2):
        qtbot.mouseClick(page.generate_button, Qt.LeftButton)
        wait_idle(qtbot, page)
    names = sorted(p.name for p in (tmp_path / "报表输出").iterdir())
    today = dt.date.today().strftime("%Y%m%d")
    year = get_setting("current_year")
    assert names == [f"全员轮训情况报告_{year}年度_{today}(2).docx", f"全员轮训情况报告_{year}年度_{today}.docx"]
    assert len(page.history_model.rows) == 2


def test_narrative_dialog_opens_with_drafts_and_restores_them(qtbot, page, answered):
    page.select_kind("training")
    answered.result = QDialog.Rejected
    qtbot.mouseClick(page.generate_button, Qt.LeftButton)  # the drafts are written on a worker first
    wait_idle(qtbot, page)
    assert not page.is_busy(), "取消 generates nothing"
    dialog = answered.dialogs[0]
    qtbot.addWidget(dialog)
    draft = catalog.draft_narrative(page._request())["plans"]
    assert dialog.edits["plans"].toPlainText() == draft
    assert "补训" in draft or "培训学时" in draft
    dialog.edits["plans"].setPlainText("改过的文字")
    qtbot.mouseClick(dialog.restore_buttons["plans"], Qt.LeftButton)
    assert dialog.edits["plans"].toPlainText() == draft
    assert not (Path(page.folder_edit.text())).exists() or not list(Path(page.folder_edit.text()).iterdir())
    assert page.history_model.rows == []


def test_report_without_data_is_refused_in_chinese_and_writes_nothing(qtbot, page, answered, message_boxes,
                                                                        tmp_path):
    page.select_kind("training")
    page.year_spin.setValue(2001)  # the demo county recorded no training that year
    qtbot.mouseClick(page.generate_button, Qt.LeftButton)
    wait_idle(qtbot, page)
    warnings = message_boxes.texts("warning")
    assert len(warnings) == 1 and "2001" in warnings[0], warnings
    assert not any(ch.isascii() and ch.isalpha() for ch in warnings[0].replace("2001", "")), warnings[0]
    assert list((tmp_path / "报表输出").glob("*")) == []
    assert GeneratedReport.select().count() == 0
    assert not page.result_panel.isVisible()
    assert page.generate_button.isEnabled()


def test_assessment_without_a_task_list_is_refused(qtbot, empty_window, answered, message_boxes, tmp_path):
    empty_window.show_page("reports")
    page = empty_window.page("reports")
    page.folder_edit.setText(str(tmp_path / "out"))
    page.select_kind("assessment")
    assert page.plan_box.itemText(0) == "（还没有导入任务清单）"
    qtbot.mouseClick(page.generate_button, Qt.LeftButton)
    assert message_boxes.texts("warning") == ["三年行动评估报告须指定任务清单。"]
    assert answered.dialogs == []
    assert not (tmp_path / "out").exists()


@pytest.fixture
def listed(page, tmp_path):
    """A .docx in the history, as if generated earlier."""
    import docx

    path = tmp_path / "旧报表" / "任务落实情况通报_2025年度_20260110.docx"
    path.parent.mkdir()
    docx.Document().save(path)
    GeneratedReport.create(kind="notice", title="关于任务落实情况的通报", path=str(path), year=2025)
    page.reload_history()
    page.history_table.selectRow(0)
    return path


def test_history_actions_open_file_and_folder(qtbot, page, listed, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    monkeypatch.setattr(office_apps, "reveal_in_folder", lambda path: False)
    open_button, folder_button = page.history_buttons[:2]
    assert all(button.isEnabled() for button in page.history_buttons)
    qtbot.mouseClick(open_button, Qt.LeftButton)
    qtbot.mouseClick(folder_button, Qt.LeftButton)
    assert [Path(p) for p in opened] == [listed, listed.parent]


def test_pdf_without_office_program_says_so(qtbot, page, listed, message_boxes, monkeypatch):
    monkeypatch.setattr(office_apps, "available", lambda *args: [])
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: pytest.fail("no save dialog when nothing converts")))
    qtbot.mouseClick(page.history_buttons[3], Qt.LeftButton)
    assert len(message_boxes.texts("warning")) == 1
    assert "未找到 Word、WPS 或 LibreOffice，无法转换为 PDF" in message_boxes.texts("warning")[0]
    assert not list(listed.parent.glob("*.pdf"))


def test_print_without_office_program_says_so(qtbot, page, listed, message_boxes, monkeypatch):
    monkeypatch.setattr(office_apps, "available", lambda *args: [])
    monkeypatch.setattr(office_apps.sys, "platform", "linux")  # Windows would hand the file to its print verb
    qtbot.mouseClick(page.history_buttons[2], Qt.LeftButton)
    wait_idle(qtbot, page)
    assert "打印" in message_boxes.texts("question")[0]
    assert message_boxes.texts("warning") == [office_apps.NO_PRINTER_APP]


def test_pdf_with_a_converter_writes_where_the_clerk_chose(qtbot, page, listed, message_boxes, monkeypatch,
                                                            tmp_path):
    target = tmp_path / "PDF" / "通报.pdf"
    target.parent.mkdir()
    calls = []

    def convert(docx, folder, name=None, control=None, apps=None, **_):
        calls.append((Path(docx), Path(folder), name))
        (Path(folder) / name).write_bytes(b"%PDF-1.4")
        return Path(folder) / name

    monkeypatch.setattr(office_apps, "available", lambda *args: [office_apps.OfficeApp("LibreOffice", None, True)])
    monkeypatch.setattr(office_apps, "convert_to_pdf", convert)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), "")))
    qtbot.mouseClick(page.history_buttons[3], Qt.LeftButton)
    wait_idle(qtbot, page)
    assert calls == [(listed, target.parent, "通报.pdf")]
    assert message_boxes.texts("information") == [f"已另存为 PDF：\n{target}"]


def test_missing_file_is_marked_and_forgetting_keeps_files(qtbot, page, listed, tmp_path):
    other = tmp_path / "旧报表" / "另一个.docx"
    other.write_bytes(b"x")
    GeneratedReport.create(kind="training", title="另一个", path=str(other), year=2024)
    listed.unlink()
    page.reload_history()
    by_name = {row.path.name: row for row in page.history_model.rows}
    assert by_name[listed.name].status == MISSING and not by_name[listed.name].exists
    assert "已被移动或删除" in page.history_hint.text()
    row = page.history_model.rows.index(by_name[listed.name])
    page.history_table.selectRow(row)
    assert not any(button.isEnabled() for button in page.history_buttons)
    assert page.forget_button.isEnabled()
    qtbot.mouseClick(page.forget_button, Qt.LeftButton)
    assert [r.path.name for r in page.history_model.rows] == ["另一个.docx"]
    assert other.exists()


def test_output_folder_is_remembered(qtbot, page, answered, demo_window, tmp_path):
    page.select_kind("training")
    qtbot.mouseClick(page.generate_button, Qt.LeftButton)
    wait_idle(qtbot, page)
    again = ReportsPage(demo_window.bus)
    qtbot.addWidget(again)
    assert again.folder_edit.text() == str(tmp_path / "报表输出")


# ---- 设置 → 公文格式: a choice and a file setting
@pytest.fixture
def settings_page(demo_window):
    demo_window.show_page("settings")
    return demo_window.page("settings")


def test_font_choice_is_a_combo_and_saves(qtbot, settings_page, demo_window):
    combo = settings_page.combos["doc_font_set"]
    assert [combo.itemText(i) for i in range(combo.count())] == ["通用字体", "标准字体", "按模板"]
    assert combo.currentText() == "通用字体"
    combo.setCurrentText("标准字体")
    with qtbot.waitSignal(demo_window.bus.changed):
        qtbot.mouseClick(settings_page.save_button, Qt.LeftButton)
    assert get_setting("doc_font_set") == "标准字体"
    assert settings_page.message.text() == "设置已保存。"
    combo.setCurrentText("按模板")
    qtbot.mouseClick(settings_page.revert_button, Qt.LeftButton)
    assert combo.currentText() == "标准字体"


def test_template_file_is_chosen_with_browse(qtbot, settings_page, monkeypatch, tmp_path):
    template = tmp_path / "我的模板.docx"
    template.write_bytes(b"PK")
    seen = []

    def pick(parent, caption, start, filters):
        seen.append((caption, filters))
        return str(template), filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(pick))
    qtbot.mouseClick(settings_page.browse_buttons["doc_template"], Qt.LeftButton)
    assert seen == [("选择公文模板", "Word 文档 (*.docx)")]
    assert settings_page.edits["doc_template"].text() == str(template)
    qtbot.mouseClick(settings_page.save_button, Qt.LeftButton)
    assert get_setting("doc_template") == str(template)
    settings_page.edits["doc_template"].clear()
    qtbot.mouseClick(settings_page.save_button, Qt.LeftButton)
    assert get_setting("doc_template") == ""


def test_upward_workbook_is_exported_masked_and_listed(qtbot, page, tmp_path):
    from openpyxl import load_workbook

    page.year_spin.setValue(dt.date.today().year - 1)
    qtbot.mouseClick(page.upward_button, Qt.LeftButton)
    wait_idle(qtbot, page)
    written = sorted((tmp_path / "报表输出").glob("上报数据_*.xlsx"))
    assert len(written) == 1 and f"_{page.year_spin.value()}.xlsx" in written[0].name
    book = load_workbook(written[0], read_only=True)
    assert book.sheetnames == ["人员清单", "持证统计", "培训学时", "单位汇总", "任务进展", "说明"]
    ids = [row[6] for row in book["人员清单"].iter_rows(min_row=4, values_only=True) if row[6]]
    assert ids and all("*" in str(value) for value in ids)  # masked unless 不脱敏 is ticked
    book.close()
    row = page.history_model.rows[0]
    assert row.path == written[0] and row.kind == "upward"
    assert page.history_model.data(page.history_model.index(0, 1)) == "上报数据工作簿"
    assert page.result_panel.isVisible() and "上报数据" in page.result_title.text()


def test_unmasked_upward_export_asks_first(qtbot, page, monkeypatch, tmp_path):
    asked = []
    monkeypatch.setattr(QMessageBox, "question", staticmethod(lambda *args: asked.append(args[2]) or QMessageBox.No))
    page.unmasked_check.setChecked(True)
    qtbot.mouseClick(page.upward_button, Qt.LeftButton)
    assert asked and "完整的身份证号码" in asked[0]
    assert not (tmp_path / "报表输出").exists() or not list((tmp_path / "报表输出").glob("*.xlsx"))
