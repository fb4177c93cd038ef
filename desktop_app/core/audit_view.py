"""Reading the audit trail for people: filtered lists and the .xlsx export."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.audit import ACTION_LABELS, ENTITY_LABELS, describe_changes
from desktop_app.core.files import atomic_path
from desktop_app.core.jobs import JobControl
from desktop_app.core.models import AuditLog


@dataclass
class AuditRow:
    id: int
    at: str
    actor: str
    action: str
    entity: str
    summary: str
    changes: str


def list_entries(entity: str | None = None, unit_id: int | None = None, text: str = "",
                 limit: int | None = 5000) -> list[AuditRow]:
    """Newest first. `unit_id` gives everything recorded about one unit (and later its officers, tasks)."""
    query = AuditLog.select().order_by(AuditLog.id.desc())
    if entity:
        query = query.where(AuditLog.entity == entity)
    if unit_id is not None:
        query = query.where(AuditLog.unit_id == unit_id)
    if text.strip():
        needle = f"%{text.strip()}%"
        query = query.where(AuditLog.summary ** needle | AuditLog.changes ** needle | AuditLog.actor ** needle)
    if limit:
        query = query.limit(limit)
    return [AuditRow(e.id, str(e.at), e.actor, ACTION_LABELS.get(e.action, e.action),
                     ENTITY_LABELS.get(e.entity, e.entity), e.summary, describe_changes(e.changes, e.action))
            for e in query]


HEADERS = ["序号", "时间", "经办人", "操作", "对象类别", "对象", "变更内容"]
WIDTHS = [8, 20, 12, 8, 10, 30, 90]


def export_xlsx(rows: list[AuditRow], path: Path, control: JobControl | None = None) -> Path:
    """操作记录 as a workbook (written under a temporary name, then renamed)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    control = control or JobControl()
    with atomic_path(Path(path)) as temp:
        book = Workbook(write_only=True)
        sheet = book.create_sheet("操作记录")
        for index, width in enumerate(WIDTHS, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        header = []
        for title in HEADERS:
            cell = WriteOnlyCell(sheet, value=title)
            cell.font = Font(bold=True)
            cell.alignment = Alignment(horizontal="center")
            header.append(cell)
        sheet.append(header)
        for number, row in enumerate(rows, start=1):
            if number % 500 == 0:
                control.progress(number / max(len(rows), 1), f"已写入 {number} 条")
            sheet.append([row.id, row.at, row.actor, row.action, row.entity, row.summary, row.changes])
        book.save(temp)
    return Path(path)
