"""Table models of the 单位管理 page."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from desktop_app.core.models import UNIT_KINDS, Unit
from desktop_app.core.unit_bulk import PreviewRow
from desktop_app.core.unit_groups import GroupRow
from desktop_app.core.units import UnitRow
from desktop_app.ui.table_models.row_model import Column, RowTableModel

CENTER = Qt.AlignCenter


class UnitTableModel(RowTableModel[UnitRow]):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("单位全称", lambda r: ("　" * r.depth + ("└ " if r.depth else "")) + r.name),
            Column("简称", lambda r: r.short_name),
            Column("类别", lambda r: r.kind_label),
            Column("统一社会信用代码", lambda r: r.credit_code),
            Column("别名", lambda r: r.aliases, tooltip=lambda r: r.aliases),
            Column("所属分组", lambda r: r.groups, tooltip=lambda r: r.groups),
            Column("状态", lambda r: r.status, CENTER),
        ], parent)

    def is_muted(self, row: UnitRow) -> bool:
        return not row.active


class GroupTableModel(RowTableModel[GroupRow]):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("分组名称", lambda r: r.name),
            Column("成员", lambda r: r.member_count, CENTER),
            Column("成员规则", lambda r: r.rule),
            Column("别名", lambda r: r.aliases, tooltip=lambda r: r.aliases),
        ], parent)


class MemberTableModel(RowTableModel[Unit]):
    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("成员单位", lambda u: u.name),
            Column("类别", lambda u: UNIT_KINDS.get(u.kind, u.kind)),
        ], parent)


class BulkPreviewModel(RowTableModel[PreviewRow]):
    error_brush = QBrush(QColor("#c0392b"))

    def __init__(self, parent=None) -> None:
        super().__init__([
            Column("行", lambda r: r.line, CENTER),
            Column("单位全称", lambda r: r.data.name),
            Column("类别", lambda r: UNIT_KINDS.get(r.data.kind, "")),
            Column("简称", lambda r: r.data.short_name),
            Column("统一社会信用代码", lambda r: r.data.credit_code),
            Column("分组", lambda r: "、".join(r.groups)),
            Column("处理", lambda r: "；".join(r.errors) if r.errors else (r.skip_reason and f"跳过：{r.skip_reason}")
                   or "新增", tooltip=lambda r: "\n".join(r.errors)),
        ], parent)

    def is_muted(self, row: PreviewRow) -> bool:
        return bool(row.skip_reason) and not row.errors

    def data(self, index, role=Qt.DisplayRole):
        row = self.row_at(index.row()) if index.isValid() else None
        if role == Qt.ForegroundRole and row is not None and row.errors:
            return self.error_brush
        return super().data(index, role)
