"""上报数据_<单位>_<年度>.xlsx: what the county bureau sends upward for a year, in one workbook — 人员清单 and
持证统计 (personnel/export.py), 培训学时 and 单位汇总 (training/export.py), 任务进展 (task_export.py) and a 说明
sheet saying who, which year, as of which day, by which software, whether 身份证号 and 电话 are masked, and
how many data rows each sheet holds.

Every sheet is written by the same writer as the separate exports (same headers, colours and notes), so
the figures agree with them. Personnel and tasks are as of the statistics day (12-31 of a past year, today
for the current one); training covers the calendar year. Written in write-only mode and saved atomically:
a cancelled or failed export leaves no file (and an older file of the same name as it was).
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from desktop_app.core import xlsx_style as xs
from desktop_app.core.dates import format_cn_date
from desktop_app.core.errors import ValidationError
from desktop_app.core.jobs import JobControl
from desktop_app.core.settings import get_setting

SHEETS = ("人员清单", "持证统计", "培训学时", "单位汇总", "任务进展", "说明")
PERSONNEL_SHEET, STATS_SHEET, TRAINING_SHEET, UNITS_SHEET, TASKS_SHEET, NOTE_SHEET = SHEETS
NOTE_HEADERS = ["项目", "内容", "数据行数"]
NOTE_WIDTHS = [20, 70, 10]
CONTENTS = {
    PERSONNEL_SHEET: "执法人员清单：每人一行，含证件和预警",
    STATS_SHEET: "持证情况统计：每个单位一行，末行为合计",
    TRAINING_SHEET: "培训学时统计表：每名执法人员一行",
    UNITS_SHEET: "培训情况单位汇总表：每个单位一行，末行为合计",
    TASKS_SHEET: "任务进展台账：每项任务的每个承担单位一行",
}
MASKED_TEXT = "已脱敏（如 6403**********1232、139****5678）"
UNMASKED_TEXT = "未脱敏：含完整身份证号码和联系电话，请妥善保管，不得公开"
_NOT_IN_NAMES = re.compile(r'[\\/:*?"<>|\s]+')


def unit_label(unit_id: int | None = None) -> str:
    """Who the workbook is from: the unit's name, else 司法局名称, else 县（市、区）名称, else 本单位."""
    if unit_id is not None:
        from desktop_app.core.models import Unit

        unit = Unit.get_or_none(Unit.id == unit_id)
        if unit is None:
            raise ValidationError(f"找不到编号为 {unit_id} 的单位。", "unit")
        return unit.name
    return get_setting("bureau_name") or get_setting("county_name") or "本单位"


def default_upward_filename(year: int, unit_id: int | None = None) -> str:
    """上报数据_<单位>_<年度>.xlsx, with characters Windows refuses in a file name left out."""
    name = _NOT_IN_NAMES.sub("", unit_label(unit_id)) or "本单位"
    return f"上报数据_{name}_{int(year)}.xlsx"



def _part(control: JobControl, low: float, high: float) -> JobControl:
    """A control whose 0…1 is low…high of `control` (cancelling either cancels both)."""
    return JobControl(lambda fraction, message: control.progress(low + (high - low) * fraction, message),
                      control.cancel_event)


def export_upward_xlsx(path: Path, year: int, unit_id: int | None = None, unmasked: bool = False,
                       today: dt.date | None = None, control: JobControl | None = None) -> Path:
    """Write the upward workbook for `year` (all units, or one) to `path`. Raises ValidationError for a bad
    year or unit, Cancelled when cancelled (no file is left), AppError with 文件被占用 when the target is
    open in Excel/WPS (the old file is left as it was)."""
    control = control or JobControl()
    from desktop_app.core.reports.catalog import statistics_day

    statistics_day(year)  # a year after this one, or before 2000, is refused
    day = today or statistics_day(year)
    label = unit_label(unit_id)
    book = xs.new_workbook(PERSONNEL_SHEET, write_only=True)
    try:
        _write_book(book, year, unit_id, unmasked, day, label, control)
    except BaseException:
        _discard(book)
        raise
    control.progress(0.95, "正在保存")
    saved = xs.save_workbook(book, Path(path))
    control.progress(1.0, "已导出")
    return saved


def _write_book(book, year: int, unit_id: int | None, unmasked: bool, day: dt.date, label: str,
                control: JobControl) -> None:
    from desktop_app.core.personnel import export as pe
    from desktop_app.core.personnel.roster import load_roster
    from desktop_app.core.task_board import load_assignments
    from desktop_app.core.task_export import _title as tasks_title
    from desktop_app.core.task_export import write_tasks
    from desktop_app.core.training import export as te
    from desktop_app.core.training import ledger

    counts: dict[str, int] = {}

    control.progress(0.0, "正在读取执法人员")
    people = load_roster(day)
    if unit_id is not None:
        people = [r for r in people if r.unit_id == unit_id]
    control.progress(0.05, "正在写入人员清单")
    counts[PERSONNEL_SHEET] = pe._write_list(book, people, day, unmasked, _part(control, 0.05, 0.4))
    control.progress(0.4, "正在写入持证统计")
    counts[STATS_SHEET] = pe._write_stats(book, people, day, STATS_SHEET)
    del people

    control.progress(0.42, "正在统计培训学时")
    start, end = te.resolve_period(year)
    members = ledger.population(end, unit_id)
    hours = ledger.officer_hours(start, end, [m.id for m in members] if unit_id is not None else None)
    officers = te.officer_rows(start, end, unit_id, known=(members, hours))
    units = ledger.unit_summaries(start, end, unit_id, known=(members, hours))
    threshold = ledger.threshold_for(start, end)
    counts[TRAINING_SHEET] = te._write_officers(book, officers, start, end, threshold, unmasked,
                                                _part(control, 0.4, 0.8), book.create_sheet(TRAINING_SHEET))
    control.progress(0.8, "正在写入单位汇总")
    counts[UNITS_SHEET] = te._write_units(book, units, start, end, threshold, UNITS_SHEET)
    del members, hours, officers, units

    control.progress(0.82, "正在读取任务进展")
    tasks = load_assignments(None, day, reports_until=day)
    if unit_id is not None:
        tasks = [r for r in tasks if r.unit_id == unit_id]
    counts[TASKS_SHEET] = write_tasks(book, book.create_sheet(TASKS_SHEET), tasks, tasks_title(None, day),
                                      _part(control, 0.82, 0.92))
    del tasks

    control.progress(0.92, "正在写入说明")
    _write_note(book, label, int(year), day, unmasked, counts)


def _discard(book) -> None:
    """Close the streams of a workbook abandoned half-written (cancelled, failed) in order — each sheet's rows,
    then its file — and delete their temporary files, instead of leaving that to the garbage collector."""
    import contextlib
    import os

    for sheet in book.worksheets:
        writer = getattr(sheet, "_writer", None)
        with contextlib.suppress(Exception):
            if getattr(sheet, "_rows", None) is not None:
                sheet._rows.close()
        if writer is not None:
            with contextlib.suppress(Exception):
                writer.xf.close()
            with contextlib.suppress(OSError, TypeError):
                os.remove(writer.out)


def _write_note(book, label: str, year: int, day: dt.date, unmasked: bool, counts: dict[str, int]) -> None:
    from desktop_app import APP_NAME, __version__

    table = xs.LedgerSheet(book, book.create_sheet(NOTE_SHEET), f"{label} {year}年度上报数据说明", NOTE_HEADERS,
                           NOTE_WIDTHS)
    plain = [table.formats.get(), table.formats.get(), table.formats.get(horizontal="center")]
    lines = [("单位", label), ("年度", f"{year}年度"), ("统计截至日期", format_cn_date(day)),
             ("生成时间", dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")),
             ("生成软件", f"{APP_NAME} {__version__}"),
             ("身份证号码、联系电话", UNMASKED_TEXT if unmasked else MASKED_TEXT)]
    for name, text in lines:
        table.add([name, text, None], plain, xs.row_height([(text, NOTE_WIDTHS[1])]))
    for name, number in counts.items():
        table.add([f"工作表“{name}”", CONTENTS[name], number], plain)
    table.note("说明：人员清单、持证统计和任务进展为统计截至日期的情况；培训学时和单位汇总为该年度 1 月 1 日至 "
               "12 月 31 日的培训（按培训结束日期计入）。数据行数不含标题行、表头和说明行。")
    table.finish()
