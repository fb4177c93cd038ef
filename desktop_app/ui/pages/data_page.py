"""数据与备份: backups (now, to a USB stick, restore) and the audit trail (filter, verify, export)."""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.audit import ENTITY_LABELS, verify_chain
from desktop_app.core.audit_view import export_xlsx, list_entries
from desktop_app.core.backup import list_backups, read_info
from desktop_app.core.errors import AppError
from desktop_app.core.models import Unit
from desktop_app.core.session import Session
from desktop_app.ui.data_bus import DataBus
from desktop_app.ui.error_dialog import show_error
from desktop_app.ui.pages.common import make_table, page_title, selected_row, set_property
from desktop_app.ui.table_models.safety_models import AuditTableModel, BackupTableModel
from desktop_app.ui.worker import Job, run_job

ALL_TOPICS = ("units", "settings", "audit", "backups")


class BackupsTab(QWidget):
    def __init__(self, session: Session, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session, self.bus = session, bus
        layout = QVBoxLayout(self)
        info = QLabel(f"备份文件夹：{session.backup_dir}<br>每天第一次打开和每次退出时自动备份；导入、升级和恢复前"
                      "也会先备份。自动备份按设置保留（默认每天 7 份、每周 4 份、每月 12 份），手动备份不会被自动删除。")
        info.setWordWrap(True)
        info.setObjectName("hintLabel")
        layout.addWidget(info)
        bar = QHBoxLayout()
        self.backup_button = QPushButton("立即备份")
        self.export_button = QPushButton("备份到…（如 U 盘）")
        self.restore_button = QPushButton("从选中的备份恢复")
        self.restore_file_button = QPushButton("从备份文件恢复…")
        self.open_button = QPushButton("打开备份文件夹")
        for button in (self.backup_button, self.export_button, self.restore_button, self.restore_file_button,
                       self.open_button):
            bar.addWidget(button)
        bar.addStretch(1)
        layout.addLayout(bar)
        self.model = BackupTableModel(self)
        self.table = make_table(self.model)
        layout.addWidget(self.table, 1)
        self.backup_button.clicked.connect(lambda: self.backup_to(None))
        self.export_button.clicked.connect(self.choose_folder)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.choose_backup_file)
        self.open_button.clicked.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.session.backup_dir))))
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(list_backups(self.session.backup_dir))
        self.table.resizeColumnsToContents()
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(selected_row(self.table) is not None)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "选择备份存放的文件夹（如 U 盘）")
        if folder:
            self.backup_to(Path(folder))

    def backup_to(self, folder: Path | None) -> None:
        def done(path: Path) -> None:
            QMessageBox.information(self, "备份完成", f"已备份到：\n{path}\n\n{read_info(path).summary()}")
            self.bus.notify("backups")

        run_job(self, "正在备份…", lambda control: self.session.backup("手动", folder), done)

    def choose_backup_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "选择备份文件", str(self.session.backup_dir),
                                              "备份文件 (*.zip *.sqlite);;所有文件 (*)")
        if path:
            self.restore(Path(path))

    def restore_selected(self) -> None:
        info = selected_row(self.table)
        if info is not None:
            self.restore(info.path)

    def restore(self, path: Path) -> None:
        """Runs on the GUI thread: the database connection it must close and reopen lives here."""
        if Job.busy():
            QMessageBox.information(self, "从备份恢复", "有后台任务（备份、导入或导出）正在进行，请等它完成后再恢复。")
            return
        try:
            info = read_info(path)
        except AppError as exc:
            show_error(self, exc)
            return
        question = (f"从以下备份恢复？\n{info.summary()}\n\n当前数据会先另存一份“恢复前”备份，"
                    "然后被备份中的数据替换。")
        if QMessageBox.question(self, "从备份恢复", question) != QMessageBox.Yes:
            return
        QApplication.setOverrideCursor(Qt.WaitCursor)
        try:
            result = self.session.restore(path)
        except Exception as exc:  # reported as it is; the current data stays in place
            QApplication.restoreOverrideCursor()
            show_error(self, exc)
            return
        QApplication.restoreOverrideCursor()
        self.bus.notify(*ALL_TOPICS)
        QMessageBox.information(self, "恢复完成", f"已恢复：{result.restored.summary()}\n\n"
                                               f"恢复前的数据已另存为：\n{result.safety_copy}")


class AuditTab(QWidget):
    def __init__(self, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.bus = bus
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.entity_filter = QComboBox()
        self.entity_filter.addItem("全部对象", None)
        for entity, label in ENTITY_LABELS.items():
            self.entity_filter.addItem(label, entity)
        self.unit_filter = QComboBox()
        self.unit_filter.setMinimumWidth(240)
        self.search = QLineEdit()
        self.search.setPlaceholderText("搜索对象、经办人或变更内容")
        self.search.setClearButtonEnabled(True)
        self.export_button = QPushButton("导出 Excel…")
        for widget in (QLabel("对象："), self.entity_filter, QLabel("单位："), self.unit_filter, self.search):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.export_button)
        layout.addLayout(bar)
        self.chain_label = QLabel()
        layout.addWidget(self.chain_label)
        self.model = AuditTableModel(self)
        self.table = make_table(self.model)
        layout.addWidget(self.table, 1)
        self.count_label = QLabel()
        layout.addWidget(self.count_label)
        self.entity_filter.currentIndexChanged.connect(self.reload)
        self.unit_filter.currentIndexChanged.connect(self.reload)
        self.search.textChanged.connect(self.reload)
        self.export_button.clicked.connect(self.export)
        self.refresh()

    def refresh(self) -> None:
        current = self.unit_filter.currentData()
        self.unit_filter.blockSignals(True)
        self.unit_filter.clear()
        self.unit_filter.addItem("全部单位", None)
        for unit in Unit.select().order_by(Unit.retired_on.is_null(False), Unit.sort_order, Unit.name):
            self.unit_filter.addItem(unit.name + ("（已撤销）" if unit.retired_on else ""), unit.id)
        self.unit_filter.setCurrentIndex(max(0, self.unit_filter.findData(current)))
        self.unit_filter.blockSignals(False)
        chain = verify_chain()
        self.chain_label.setText(chain.message())
        set_property(self.chain_label, "state", "ok" if chain.ok else "error")
        self.reload()

    def reload(self) -> None:
        rows = list_entries(self.entity_filter.currentData(), self.unit_filter.currentData(), self.search.text())
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(5, min(self.table.columnWidth(5), 640))
        self.count_label.setText(f"共 {len(rows)} 条")

    def export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "导出操作记录", "操作记录.xlsx", "Excel 工作簿 (*.xlsx)")
        if not path:
            return
        rows = list(self.model.rows)

        def done(written: Path) -> None:
            QMessageBox.information(self, "导出完成", f"已导出 {len(rows)} 条操作记录：\n{written}")

        run_job(self, "正在导出…", lambda control: export_xlsx(rows, Path(path), control), done)


class DataPage(QWidget):
    def __init__(self, session: Session, bus: DataBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addWidget(page_title("数据与备份", "备份、恢复，以及谁在什么时候改了什么。"))
        self.tabs = QTabWidget()
        self.backups_tab = BackupsTab(session, bus)
        self.audit_tab = AuditTab(bus)
        self.tabs.addTab(self.backups_tab, "备份与恢复")
        self.tabs.addTab(self.audit_tab, "操作记录")
        layout.addWidget(self.tabs, 1)

    def refresh(self) -> None:
        self.backups_tab.refresh()
        self.audit_tab.refresh()
