"""报表中心's 生成记录: the files written so far, newest first, greyed when the file is gone."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt

from desktop_app.ui.table_models.row_model import Column, RowTableModel

MISSING = "文件已不存在"


@dataclass(frozen=True)
class HistoryRow:
    id: int
    created_at: dt.datetime | None
    kind: str
    kind_label: str
    title: str
    year: int | None
    path: Path
    exists: bool
    note: str = ""

    @property
    def status(self) -> str:
        if not self.exists:
            return MISSING
        return "有提示" if self.note else "正常"


def history_rows(limit: int = 200) -> list[HistoryRow]:
    """catalog.history() with the kind's name and whether the file is still there."""
    from desktop_app.core.reports import catalog

    rows = []
    for report in catalog.history(limit):
        path = Path(report.path)
        rows.append(HistoryRow(report.id, report.created_at, report.kind, catalog.kind_label(report.kind),
                               report.title, report.year, path, path.is_file(), report.note or ""))
    return rows


def _when(row: HistoryRow) -> str:
    return row.created_at.strftime("%Y-%m-%d %H:%M") if row.created_at else ""


def _year(row: HistoryRow) -> str:
    return f"{row.year}" if row.year else ""


def _status_tip(row: HistoryRow) -> str:
    if not row.exists:
        return f"生成后已被移动、改名或删除：{row.path}"
    return row.note


COLUMNS = [
    Column("生成时间", _when),
    Column("报表", lambda r: r.kind_label, tooltip=lambda r: r.title),
    Column("年度", _year, Qt.AlignCenter),
    Column("文件", lambda r: r.path.name, tooltip=lambda r: str(r.path)),
    Column("状态", lambda r: r.status, tooltip=_status_tip),
]


class ReportHistoryModel(RowTableModel[HistoryRow]):
    def __init__(self, parent=None) -> None:
        super().__init__(COLUMNS, parent)

    def is_muted(self, row: HistoryRow) -> bool:
        return not row.exists

    def reload(self) -> None:
        self.set_rows(history_rows())
