"""导出执法人员名册: one choice before the file name — mask 身份证号 and 电话 (default) or not."""
from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from desktop_app.ui.dialogs.field_form import fit_height


class ExportOptionsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, count: int = 0, unit_name: str = "", *,
                 title: str = "导出执法人员名册", intro: str = "") -> None:
        """`title` and `intro` for other lists with personal data (培训学时); the 名册's own by default."""
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        scope = f"“{unit_name}”的 {count} 名人员" if unit_name else f"全部 {count} 名人员"
        text = QLabel(intro or f"导出{scope}及其证件状态、预警，并附各单位持证情况统计（Excel 工作簿）。"
                      "只导出某个单位时，请先在列表上方选择该单位。")
        text.setWordWrap(True)
        layout.addWidget(text)
        self.unmasked_check = QCheckBox("导出完整身份证号和电话（不脱敏）")
        layout.addWidget(self.unmasked_check)
        hint = QLabel("默认隐去身份证号码和电话号码的中间几位（如 6403**********1232），适合报送和公示。"
                      "不脱敏的文件含有个人信息，请妥善保管，不要外传。")
        hint.setObjectName("hintLabel")
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.button(QDialogButtonBox.Ok).setText("选择保存位置…")
        buttons.button(QDialogButtonBox.Cancel).setText("取消")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(460, 0)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        QTimer.singleShot(0, self, lambda: fit_height(self, grow_only=False))

    @property
    def unmasked(self) -> bool:
        return self.unmasked_check.isChecked()
