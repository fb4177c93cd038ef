"""设置: a form generated from the setting declarations in the core, saved all-or-nothing."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
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
    SettingDef,
    default_value,
    format_setting,
    set_settings,
    stored_settings,
)
from desktop_app.paths import resource_path
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
        self.edits: dict[str, QLineEdit] = {}  # text-like settings, and the path of `file` settings
        self.combos: dict[str, QComboBox] = {}  # `choice` settings
        self.browse_buttons: dict[str, QPushButton] = {}  # `file` settings
        for section in SECTIONS:
            box = QGroupBox(section)
            form = QFormLayout(box)
            for definition in (d for d in SETTINGS if d.section == section):
                form.addRow(definition.label, self._field(definition))
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

    def _field(self, definition: SettingDef) -> QWidget:
        """A line edit; a combo box for a `choice`; a line edit with 浏览… for a `file` (a .docx)."""
        key = definition.key
        if definition.kind == "choice":
            combo = QComboBox()
            combo.setObjectName(f"setting_{key}")
            combo.addItems(list(definition.choices))
            combo.setMinimumWidth(200)
            combo.setMaximumWidth(420)
            if definition.help:
                combo.setToolTip(definition.help)
            self.combos[key] = combo
            return combo
        edit = QLineEdit()
        edit.setMaximumWidth(420)
        edit.setObjectName(f"setting_{key}")
        if definition.help:
            edit.setToolTip(definition.help)
        self.edits[key] = edit
        if definition.kind != "file":
            edit.setPlaceholderText(format_setting(key, default_value(key)))
            return edit
        edit.setPlaceholderText("未选择（使用内置）")
        edit.setMinimumWidth(420)
        browse = QPushButton("浏览…")
        browse.setObjectName(f"browse_{key}")
        browse.clicked.connect(lambda _checked=False, d=definition: self.browse(d))
        self.browse_buttons[key] = browse
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(edit)
        layout.addWidget(browse)
        layout.addStretch(1)
        return row

    def browse(self, definition: SettingDef) -> None:
        edit = self.edits[definition.key]
        current = Path(edit.text().strip()) if edit.text().strip() else None
        start = current.parent if current is not None and current.parent.is_dir() else resource_path("templates_docx")
        path, _ = QFileDialog.getOpenFileName(self, f"选择{definition.label}", str(start), "Word 文档 (*.docx)")
        if path:
            edit.setText(str(Path(path)))
            set_property(edit, "invalid", False)

    def _widget(self, key: str) -> QWidget | None:
        edit = self.edits.get(key)
        return edit if edit is not None else self.combos.get(key)

    def refresh(self) -> None:
        stored = stored_settings()
        for key, edit in self.edits.items():
            # a default that moves (the working year) stays blank until the clerk fixes it
            value = stored.get(key, BY_KEY[key].default)
            edit.setText(format_setting(key, value))
            set_property(edit, "invalid", False)
        for key, combo in self.combos.items():
            value = stored.get(key) or BY_KEY[key].default
            index = combo.findText(str(value))
            combo.setCurrentIndex(index if index >= 0 else combo.findText(str(BY_KEY[key].default)))
            set_property(combo, "invalid", False)
        self.message.hide()

    def values(self) -> dict[str, str]:
        values = {key: edit.text() for key, edit in self.edits.items()}
        values.update({key: combo.currentText() for key, combo in self.combos.items()})
        return values

    def save(self) -> bool:
        try:
            set_settings(self.values())
        except ValidationError as exc:
            self._say(exc.message, "error")
            edit = self._widget(exc.field or "")
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
            if definition.section not in ("基本信息", "公文格式") and definition.key in self.edits:
                self.edits[definition.key].setText(format_setting(definition.key, default_value(definition.key)))

