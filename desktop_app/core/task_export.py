"""任务进展台账.xlsx: one row per task × unit, laid out as an office sends it upward (title, styled header,
widths, wrapped text, frozen header, autofilter, status colours, A4 landscape fitted to width; the shared
look lives in xlsx_style.py)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop_app.core import obligations as ob
from desktop_app.core import xlsx_style as xs
from desktop_app.core.dates import format_cn_date
from desktop_app.core.jobs import JobControl
from desktop_app.core.models import Plan
from desktop_app.core.settings import get_setting
from desktop_app.core.task_board import AssignmentRow, load_assignments

HEADERS = ["序号", "任务", "单位", "角色", "时限", "状态", "最近进展", "日期"]
WIDTHS = [7, 60, 26, 7, 22, 10, 40, 12]
STATUS_COLUMN = 5  # 0-based
SHEET = "任务进展台账"

FILLS = {ob.OVERDUE: "F8D7DA", ob.SOON: "FFF3CD", ob.UNREPORTED: "FFF8DC", ob.OK: "D4EDDA", ob.DONE: "D6EAF8",
         ob.OPEN: "EEEEEE"}


def export_tasks_xlsx(path: Path, plan_id: int | None = None, today: dt.date | None = None,
                      control: JobControl | None = None) -> Path:
    control = control or JobControl()
    today = today or dt.date.today()
    rows = load_assignments(plan_id, today)
    book = xs.new_workbook(SHEET)
    write_tasks(book, book.active, rows, _title(plan_id, today), control)
    return xs.save_workbook(book, Path(path))


def write_tasks(book, sheet, rows: list[AssignmentRow], title: str, control: JobControl) -> int:
    """The task ledger (one row per task × unit, status coloured) on `sheet` of `book` (normal or
    write-only); returns the number of rows written. Progress: `control` from 0 to 1 over the rows."""
    table = xs.LedgerSheet(book, sheet, title, HEADERS, WIDTHS)
    plain = [table.formats.get(number_format=xs.DATE_FORMAT if i == 7 else None) for i in range(len(HEADERS))]
    by_status = {}
    for label, colour in FILLS.items():
        by_status[label] = list(plain)
        by_status[label][STATUS_COLUMN] = table.formats.get(fill=colour)
    for index, row in enumerate(rows, start=1):
        if index % 500 == 0:
            control.progress(index / len(rows), f"已写入 {index} 行")
        table.add(task_values(row), by_status[row.status.label],
                  xs.row_height([(row.content, WIDTHS[1]), (row.last_report, WIDTHS[6]),
                                 (row.unit_name, WIDTHS[2])]))
    table.finish()
    return len(rows)


def task_values(row: AssignmentRow) -> list:
    """One line of the ledger as written."""
    number = int(row.number) if row.number.isdigit() else row.number  # sorts 1, 2 … 10, not 1, 10, 2
    return [number, row.content, row.unit_name, row.role, row.deadline_text or "—", row.status.label,
            row.last_report, row.last_date]


def _title(plan_id: int | None, today: dt.date) -> str:
    bureau = get_setting("bureau_name") or get_setting("county_name")
    plan = Plan.get_or_none(Plan.id == plan_id) if plan_id else None
    name = f"{plan.title}进展台账" if plan else "任务进展台账"
    return f"{bureau + ' ' if bureau else ''}{name}（截至{format_cn_date(today)}）"
