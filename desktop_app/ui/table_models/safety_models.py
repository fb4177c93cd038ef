"""Table models of the 数据与备份 page."""
from __future__ import annotations

from PySide6.QtCore import Qt

from desktop_app.core.audit_view import AuditRow
from desktop_app.core.backup import BackupInfo
from desktop_app.ui.table_models.row_model import Column, RowTableModel

RIGHT = Qt.AlignRight | Qt.AlignVCenter
CENTER = Qt.AlignCenter


def _size(info: BackupInfo) -> str:
    size = info.size
    return f"{size / 1024:.0f} KB" if size < 1 << 20 else f"{size / (1 << 20):.1f} MB"


class BackupTableModel(RowTableModel[BackupInfo]):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("备份时间", lambda b: f"{b.created_at:%Y-%m-%d %H:%M:%S}"),
            Column("原因", lambda b: b.reason, CENTER),
            Column("软件版本", lambda b: b.app_version, CENTER),
            Column("数据结构版本", lambda b: b.schema_version, CENTER),
            Column("单位数", lambda b: b.counts.get("unit", ""), RIGHT),
            Column("数据行数", lambda b: sum(b.counts.values()), RIGHT),
            Column("大小", _size, RIGHT),
            Column("文件", lambda b: b.path.name, tooltip=lambda b: str(b.path)),
        ], parent)


class AuditTableModel(RowTableModel[AuditRow]):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("时间", lambda r: r.at),
            Column("经办人", lambda r: r.actor),
            Column("操作", lambda r: r.action, CENTER),
            Column("对象类别", lambda r: r.entity, CENTER),
            Column("对象", lambda r: r.summary),
            Column("变更内容", lambda r: r.changes, tooltip=lambda r: r.changes.replace("；", "\n")),
        ], parent)
