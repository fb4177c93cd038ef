"""年度清理 of 行政执法证件 in four steps (core/personnel/cleanup.py does the work):

1 范围 — 清理日期, 年度, one unit or all, 文号; 下一步 lists the candidates on a worker thread.
2 逐项决定 — one line per officer × card, prefilled with the suggested decision; the clerk changes a line
  (处理决定 / 处理原因 / 暂扣至 / 新证) or sets one decision for a selection; counts follow live.
3 确认 — what will be written; 应用 backs the database up (清理前) and applies everything in one
  transaction on a worker thread. A refusal names the officer and card, nothing is applied, and the wizard
  returns to step 2.
4 完成 — the result, 保存清理结果（Excel）…, 保存名单（Word）…, 打开所在文件夹.

`run_cleanup_wizard(parent)` returns the CleanupResult, or None when nothing was applied.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QWidget

from desktop_app.core.errors import AppError
from desktop_app.core.personnel import cleanup as cl
from desktop_app.ui.data_bus import DataBus
from desktop_app.ui.dialogs.cleanup_decisions import DecisionsPage
from desktop_app.ui.dialogs.cleanup_pages import (
    CONFIRM,
    DECIDE,
    DONE,
    SCOPE,
    ConfirmPage,
    DonePage,
    ScopePage,
    banner,
)
from desktop_app.ui.dialogs.step_frame import wizard_frame
from desktop_app.ui.error_dialog import show_error
from desktop_app.ui.pages.common import set_property
from desktop_app.ui.table_models import cleanup_models as cm
from desktop_app.ui.worker import run_job

STEPS = ("范围", "逐项决定", "确认", "完成")
MARKS = ("①", "②", "③", "④")


def documents_dir() -> Path:
    """Where the save dialogs start: the clerk's Documents folder (home when there is none)."""
    location = QStandardPaths.writableLocation(QStandardPaths.DocumentsLocation)
    path = Path(location) if location else Path.home()
    return path if path.is_dir() else Path.home()


def find_bus(widget: QWidget | None) -> DataBus | None:
    """The main window's data bus, reached from whatever page or dialog opened the wizard."""
    while widget is not None:
        bus = getattr(widget, "bus", None)
        if isinstance(bus, DataBus):
            return bus
        widget = widget.parentWidget()
    return None



# ---- the wizard ---------------------------------------------------------------------------------------------
class CleanupWizard(ScopePage, DecisionsPage, ConfirmPage, DonePage, QDialog):
    def __init__(self, parent: QWidget | None = None, bus: DataBus | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("年度证件清理")
        self.bus = bus or find_bus(parent)
        self.result_value: cl.CleanupResult | None = None
        self.saved_path: Path | None = None
        self._scope_key: tuple | None = None  # the scope the listed candidates were found for
        self._busy = False
        self.step = SCOPE

        self.finish_button = wizard_frame(
            self, [self._scope_page(), self._decide_page(), self._confirm_page(), self._done_page()], "完成",
            self.go_back, self.go_next, self.accept)

        self.setMinimumSize(980, 600)
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        room = screen.availableGeometry() if screen is not None else None
        # 1200 × 720, or less on a 1366 × 768 office screen (the title bar and task bar need their share)
        self.resize(min(1200, room.width() - 40) if room else 1200, min(720, room.height() - 60) if room else 720)
        self._show_step(SCOPE)

    # ---- navigation
    def _show_step(self, step: int) -> None:
        self.step = step
        self.stack.setCurrentIndex(step)
        marks = []
        for n, name in enumerate(STEPS):
            if n == step:
                marks.append(f"<span style='color:#1f3a5f; font-weight:bold'>{MARKS[n]} {name}</span>")
            elif n < step:
                marks.append(f"<span style='color:#1e8449'>{MARKS[n]} {name}</span>")
            else:
                marks.append(f"<span style='color:#9aa5b1'>{MARKS[n]} {name}</span>")
        self.steps_label.setText("<span style='color:#9aa5b1'>&nbsp;&nbsp;&nbsp;›&nbsp;&nbsp;&nbsp;</span>"
                                 .join(marks))
        self.status_label.clear()
        self.back_button.setVisible(step in (DECIDE, CONFIRM))
        self.next_button.setVisible(step != DONE)
        self.next_button.setText("应用" if step == CONFIRM else "下一步 ›")
        self.finish_button.setVisible(step == DONE)
        self.cancel_button.setVisible(step != DONE)
        self.next_button.setDefault(step in (SCOPE, DECIDE))  # 应用 is clicked, never reached by Enter
        self.finish_button.setDefault(step == DONE)
        self._set_busy(self._busy)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for button in (self.back_button, self.next_button, self.cancel_button):
            button.setEnabled(not busy)
        if self.step == DECIDE and not busy:
            self.next_button.setEnabled(bool(self.model.lines))

    def go_back(self) -> None:
        if not self._busy and self.step in (DECIDE, CONFIRM):
            self._show_step(self.step - 1)

    def go_next(self) -> None:
        if self._busy:
            return
        if self.step == SCOPE:
            self.find_candidates()
        elif self.step == DECIDE:
            self.to_confirm()
        elif self.step == CONFIRM:
            self.apply()

    def find_candidates(self) -> None:
        on_date, year, unit_id, _doc = self.scope()
        key = (on_date, year, unit_id)
        if key == self._scope_key:  # same scope: keep the decisions made so far
            self._show_step(DECIDE)
            return
        changed = self.model.changed_lines()
        if changed and QMessageBox.question(
                self, "重新查找", f"清理范围已改变，重新查找会放弃已修改的 {len(changed)} 项决定。是否继续？",
                QMessageBox.Yes | QMessageBox.No, QMessageBox.No) != QMessageBox.Yes:
            return

        def work(control):
            found = cl.build_candidates(today=on_date, year=year, unit_id=unit_id)
            control.check_cancelled()
            return found

        self._set_busy(True)
        run_job(self, "正在查找需要清理的证件…", work, lambda found: self._found(found, key), self._job_failed,
                lambda: self._set_busy(False))

    def _found(self, candidates: list[cl.Candidate], key: tuple) -> None:
        self._set_busy(False)
        self._scope_key = key
        self.model.set_candidates(candidates, key[0])
        self._fill_rule_combo()
        self.rule_combo.setCurrentIndex(0)
        self._update_shown()
        self._fit_columns()
        self.decide_error.hide()
        self._show_step(DECIDE)
        if not candidates:
            banner(self.decide_error, "按所选范围没有找到需要清理的证件，不需要办理。可以返回修改范围，或点“取消”关闭。",
                    ok=True)

    def _job_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self, exc)

    def to_confirm(self) -> None:
        missing = self.model.missing_lines()
        if missing:
            first = missing[0]
            banner(self.decide_error, f"还有 {len(missing)} 项没有填完整（表中标红的格子），例如 {first.officer.name}"
                                       f"（{first.officer.unit_name}）：{first.missing(self.model.on_date)}。")
            self.select_line(first)
            return
        self.decide_error.hide()
        self._fill_confirm()
        self._show_step(CONFIRM)

    def select_line(self, line: cm.DecisionLine) -> None:
        if self.model.row_of(line) < 0:
            self.rule_combo.setCurrentIndex(0)
        row = self.model.row_of(line)
        if row >= 0:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    def apply(self) -> None:
        on_date, year, _unit_id, doc = self.scope()
        decisions = self.model.decisions()
        self.confirm_error.hide()
        self._set_busy(True)
        run_job(self, "正在办理证件清理…",
                lambda control: cl.apply_decisions(decisions, on_date, doc, control, year),
                self._applied, self._refused, self._apply_cancelled)

    def _applied(self, result: cl.CleanupResult) -> None:
        self._set_busy(False)
        self.result_value = result
        if self.bus is not None:
            self.bus.notify("personnel", "audit", "backups")
        self._fill_done()
        self._show_step(DONE)

    def _refused(self, exc: BaseException) -> None:
        self._set_busy(False)
        if not isinstance(exc, AppError):
            show_error(self, exc)
            return
        QMessageBox.warning(self, "清理未执行", exc.message)
        banner(self.decide_error, f"清理未执行，没有改动任何数据：{exc.message}")
        self._show_step(DECIDE)

    def _apply_cancelled(self) -> None:
        self._set_busy(False)
        self.confirm_error.setText("已取消，没有改动任何证件。")
        self.confirm_error.show()

    # ---- saving the results
    def _save_as(self, caption: str, name: str, filter_: str, suffix: str) -> Path | None:
        start = str((self.saved_path.parent if self.saved_path else documents_dir()) / name)
        path, _ = QFileDialog.getSaveFileName(self, caption, start, filter_)
        if not path:
            return None
        target = Path(path)
        return target if target.suffix.lower() == suffix else target.with_name(target.name + suffix)

    def save_xlsx(self) -> None:
        result = self.result_value
        target = self._save_as("保存清理结果", f"清理结果_{result.year}.xlsx", "Excel 工作簿 (*.xlsx)", ".xlsx")
        if target is not None:
            run_job(self, "正在保存清理结果…", lambda control: cl.write_cleanup_xlsx(result, target),
                    lambda written: self._saved(Path(written or target), "清理结果"))

    def save_docx(self) -> None:
        from desktop_app.core.docx_style import installed_fonts

        result = self.result_value
        target = self._save_as("保存清理结果名单", f"证件清理名单_{result.year}.docx", "Word 文档 (*.docx)", ".docx")
        if target is not None:
            fonts = installed_fonts(QFontDatabase.families())
            run_job(self, "正在保存清理结果名单…",
                    lambda control: cl.write_cleanup_docx(result, target, fonts=fonts),
                    lambda written: self._saved(Path(written or target), "名单"))

    def _saved(self, path: Path, what: str) -> None:
        self.saved_path = path
        self.saved_label.setText(f"{what}已保存：{path}")
        set_property(self.saved_label, "state", "ok")
        self.open_folder_button.setEnabled(True)

    def open_folder(self) -> None:
        if self.saved_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.saved_path.parent)))

    # ---- closing
    def reject(self) -> None:
        if self._busy:
            return
        if self.result_value is not None:  # applied: closing is finishing
            self.accept()
            return
        changed = self.model.changed_lines()
        if changed and QMessageBox.question(
                self, "放弃清理", f"已修改 {len(changed)} 项决定，尚未应用。确定放弃本次清理吗？",
                QMessageBox.Yes | QMessageBox.No, QMessageBox.No) != QMessageBox.Yes:
            return
        super().reject()


def run_cleanup_wizard(parent: QWidget | None, bus: DataBus | None = None) -> cl.CleanupResult | None:
    """Open the wizard; the CleanupResult when decisions were applied, else None."""
    wizard = CleanupWizard(parent, bus)
    wizard.exec()
    return wizard.result_value
