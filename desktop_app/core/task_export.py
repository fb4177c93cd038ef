"""任务进展台账.xlsx: one row per task × unit, laid out as an office sends it upward (title, styled header,
widths, wrapped text, frozen header, autofilter, status colours, A4 landscape fitted to width)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from desktop_app.core import obligations as ob
from desktop_app.core.dates import format_cn_date
from desktop_app.core.files import atomic_path
from desktop_app.core.jobs import JobControl
from desktop_app.core.models import Plan
from desktop_app.core.settings import get_setting
from desktop_app.core.task_board import load_assignments

HEADERS = ["序号", "任务", "单位", "角色", "时限", "状态", "最近进展", "日期"]
WIDTHS = [7, 60, 26, 7, 22, 10, 40, 12]
LINE_HEIGHT = 15.0  # points per line of 11 pt text


def _lines(text: str, width: float) -> int:
    """Lines a text needs in a column `width` characters wide (a Chinese character is two wide)."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text or "")
    return max(1, min(20, -(-units // max(1, int(width) - 1))))


FILLS = {ob.OVERDUE: "F8D7DA", ob.SOON: "FFF3CD", ob.UNREPORTED: "FFF8DC", ob.OK: "D4EDDA", ob.DONE: "D6EAF8",
         ob.OPEN: "EEEEEE"}


def export_tasks_xlsx(path: Path, plan_id: int | None = None, today: dt.date | None = None,
                      control: JobControl | None = None) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    control = control or JobControl()
    today = today or dt.date.today()
    rows = load_assignments(plan_id, today)
    book = Workbook()
    sheet = book.active
    sheet.title = "任务进展台账"
    title = _title(plan_id, today)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    sheet["A1"].font = Font(name="黑体", size=16)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 32
    sheet.append(HEADERS)
    thin = Side(style="thin", color="808080")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9E1F2")
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = border
    wrap = Alignment(vertical="top", wrap_text=True)
    fills = {label: PatternFill("solid", fgColor=colour) for label, colour in FILLS.items()}
    for index, row in enumerate(rows, start=1):
        if index % 500 == 0:
            control.progress(index / len(rows), f"已写入 {index} 行")
        number = int(row.number) if row.number.isdigit() else row.number  # sorts 1, 2 … 10, not 1, 10, 2
        sheet.append([number, row.content, row.unit_name, row.role, row.deadline_text or "—",
                      row.status.label, row.last_report, row.last_date])
        for cell in sheet[index + 2]:
            cell.alignment = wrap
            cell.border = border
        # Excel and WPS do not grow a row for wrapped text in a generated file: give it the height
        sheet.row_dimensions[index + 2].height = LINE_HEIGHT * max(
            _lines(row.content, WIDTHS[1]), _lines(row.last_report, WIDTHS[6]), _lines(row.unit_name, WIDTHS[2]))
        sheet.cell(index + 2, 6).fill = fills[row.status.label]
        sheet.cell(index + 2, 8).number_format = "yyyy-mm-dd"
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A3"
    sheet.auto_filter.ref = f"A2:{get_column_letter(len(HEADERS))}{len(rows) + 2}"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    book.properties.creator = f"执法质量台账 {_version()}"
    with atomic_path(Path(path)) as temp:
        book.save(temp)
    return Path(path)


def _title(plan_id: int | None, today: dt.date) -> str:
    bureau = get_setting("bureau_name") or get_setting("county_name")
    plan = Plan.get_or_none(Plan.id == plan_id) if plan_id else None
    name = f"{plan.title}进展台账" if plan else "任务进展台账"
    return f"{bureau + ' ' if bureau else ''}{name}（截至{format_cn_date(today)}）"


def _version() -> str:
    from desktop_app import __version__

    return __version__
