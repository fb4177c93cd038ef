"""The 执法人员 page's toolbar and batch actions: 新增人员, 导入名册…, 导出…, 年度清理…, 字典…, 批量….

The dialogs and the export are imported when first used, so opening the page stays light.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox


class PersonnelActions:
    """Mixed into PersonnelPage (GUI thread only): uses its bus, filters, selection and rows."""

    def add_officer(self) -> None:
        from desktop_app.ui.dialogs.officer_dialog import OPEN_EXISTING, OfficerDialog

        dialog = OfficerDialog(self, unit_id=self.unit_filter.currentData())
        result = dialog.exec()
        if result == OPEN_EXISTING and dialog.existing_id is not None:
            self.select_officer(dialog.existing_id)
        elif result and dialog.saved is not None:
            self._select_after_load = dialog.saved.id
            self.bus.notify("personnel", "audit")

    def batch(self, action: str) -> None:
        """Confirm in the dialog, then run the batch on a worker thread (thousands of officers take
        seconds); 取消 rolls the whole batch back."""
        from desktop_app.core.personnel.batch import run_batch
        from desktop_app.ui.dialogs.batch_dialog import TITLES, BatchDialog
        from desktop_app.ui.worker import run_job

        rows = self.selected_rows()
        if len(rows) < 2:
            return
        dialog = BatchDialog(self, action, rows)
        if not dialog.exec() or dialog.step_fn is None:
            return
        step = dialog.step_fn

        def done(result) -> None:
            self.bus.notify("personnel", "audit")
            QMessageBox.information(self, f"批量{TITLES[action]}", result.summary())

        run_job(self, f"正在批量{TITLES[action]}…", lambda control: run_batch(rows, step, control), done)

    def edit_dictionaries(self) -> None:
        from desktop_app.ui.dialogs.dictionary_dialog import DictionaryDialog

        if DictionaryDialog(self).exec():
            self.bus.notify("personnel", "audit")

    def import_roster(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择执法人员名册", "",
                                              "名册 (*.xlsx *.xls *.csv);;所有文件 (*)")
        if not path:
            return
        from desktop_app.ui.dialogs.roster_import_dialog import run_roster_import

        if run_roster_import(self, Path(path)):
            self.bus.notify("personnel", "audit")

    def cleanup(self) -> None:
        from desktop_app.ui.dialogs.cleanup_wizard import run_cleanup_wizard

        run_cleanup_wizard(self)  # it notifies the bus itself

    def export(self) -> None:
        """The list as Excel, all units or the one chosen in the filter; 身份证号 and 电话 masked by default."""
        from desktop_app.ui.dialogs.export_options_dialog import ExportOptionsDialog

        unit_id = self.unit_filter.currentData()
        count = sum(1 for r in self.all_rows if r.unit_id == unit_id) if unit_id else len(self.all_rows)
        options = ExportOptionsDialog(self, count, self.unit_filter.currentText() if unit_id else "")
        if not options.exec():
            return
        path, _ = QFileDialog.getSaveFileName(self, "导出执法人员名册", "执法人员名册.xlsx", "Excel 工作簿 (*.xlsx)")
        if path:
            target = Path(path) if path.lower().endswith(".xlsx") else Path(path + ".xlsx")
            self._export_to(target, options.unmasked, unit_id)

    def _export_to(self, target: Path, unmasked: bool, unit_id: int | None) -> None:
        from desktop_app.core.personnel.export import export_personnel_xlsx
        from desktop_app.ui.worker import run_job

        def work(control):
            return export_personnel_xlsx(target, unmasked=unmasked, unit_id=unit_id or None, control=control)

        def done(written) -> None:
            QMessageBox.information(self, "导出完成", f"执法人员名册已导出：\n{written or target}")

        run_job(self, "正在导出执法人员名册…", work, done)
