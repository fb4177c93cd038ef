"""设置: a form generated from the setting declarations in the core, saved all-or-nothing."""
from __future__ import annotations

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import ValidationError
from desktop_app.core.settings import (
    BY_KEY,
    SECTIONS,
    SETTINGS,
    default_value,
    format_setting,
    set_settings,
    stored_settings,
)
from desktop_app.ui.data_bus import DataBus
from desktop_app.ui.pages.common import page_title, set_property


class SettingsPage(QWidget):
    def __init__(self, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        outer = QVBoxLayout(self)
        outer.addWidget(page_title("设置", "设置保存在数据库中，随数据库一起备份和迁移。各省标准不同的阈值可在此调整。"))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        body_layout = QVBoxLayout(body)
        self.edits: dict[str, QLineEdit] = {}
        for section in SECTIONS:
            box = QGroupBox(section)
            form = QFormLayout(box)
            for definition in (d for d in SETTINGS if d.section == section):
                edit = QLineEdit()
                edit.setMaximumWidth(420)
                edit.setObjectName(f"setting_{definition.key}")
                edit.setPlaceholderText(format_setting(definition.key, default_value(definition.key)))
                if definition.help:
                    edit.setToolTip(definition.help)
                self.edits[definition.key] = edit
                form.addRow(definition.label, edit)
                if definition.help:
                    hint = QLabel(definition.help)
                    hint.setObjectName("hintLabel")
                    hint.setWordWrap(True)
                    form.addRow("", hint)
            body_layout.addWidget(box)
        body_layout.addStretch(1)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        outer.addWidget(self.message)
        bar = QHBoxLayout()
        bar.addStretch(1)
        self.reset_button = QPushButton("恢复默认值")
        self.revert_button = QPushButton("放弃修改")
        self.save_button = QPushButton("保存设置")
        self.save_button.setDefault(True)
        for button in (self.reset_button, self.revert_button, self.save_button):
            bar.addWidget(button)
        outer.addLayout(bar)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.refresh)
        self.reset_button.clicked.connect(self.reset_thresholds)
        self.refresh()

    def refresh(self) -> None:
        stored = stored_settings()
        for key, edit in self.edits.items():
            # a default that moves (the working year) stays blank until the clerk fixes it
            value = stored.get(key, BY_KEY[key].default)
            edit.setText(format_setting(key, value))
            set_property(edit, "invalid", False)
        self.message.hide()

    def values(self) -> dict[str, str]:
        return {key: edit.text() for key, edit in self.edits.items()}

    def save(self) -> bool:
        try:
            set_settings(self.values())
        except ValidationError as exc:
            self._say(exc.message, "error")
            edit = self.edits.get(exc.field or "")
            if edit is not None:
                set_property(edit, "invalid", True)
                edit.setFocus()
            return False
        self.bus.notify("settings")
        self.refresh()
        self._say("设置已保存。", "ok")
        return True

    def _say(self, text: str, state: str) -> None:
        self.message.setText(text)
        set_property(self.message, "state", state)
        self.message.show()

    def reset_thresholds(self) -> None:
        """Only the numeric thresholds go back to their defaults; the county's names stay."""
        question = "把考核阈值、预警提前量和培训学时折算恢复为默认值？（县区名称、发文机关等不变）"
        if QMessageBox.question(self, "恢复默认值", question) != QMessageBox.Yes:
            return
        for definition in SETTINGS:
            if definition.section not in ("基本信息", "公文格式"):
                self.edits[definition.key].setText(format_setting(definition.key, default_value(definition.key)))

