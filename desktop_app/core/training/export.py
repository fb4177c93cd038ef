"""培训学时统计.xlsx: the training ledger (ledger.py) as three sheets in the ledger look of xlsx_style.py —
培训学时统计表 (one row per officer counted), 单位汇总表 (per unit, with a 合计 line) and 未达标名单 (those short,
by unit, the largest shortfall first).

Every figure comes from ledger.py: the population on the period's last day (在职 执法人员, 辅助人员 left out),
hours counted on each session's end date, 政治理论 shown but not counted, the threshold prorated for a
range shorter than a year, 轮训 attended by the deadline setting. 身份证号 is masked unless the caller asks
otherwise (the title and the printed footer say which). Written in write-only mode: 20,000 officers in a
few seconds.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core import xlsx_style as xs
from desktop_app.core.dates import format_cn_date
from desktop_app.core.db import db
from desktop_app.core.errors import ValidationError
from desktop_app.core.id_card import mask_id_number
from desktop_app.core.jobs import JobControl
from desktop_app.core.models import POLITICAL_CATEGORY
from desktop_app.core.settings import get_setting
from desktop_app.core.training import ledger
from desktop_app.core.training.ledger import COUNTED, Member, OfficerHours, UnitTraining

OFFICERS_SHEET, UNITS_SHEET, SHORT_SHEET = "培训学时统计表", "单位汇总表", "未达标名单"
OFFICER_HEADERS = ["序号", "单位", "姓名", "身份证号", *COUNTED, "小计（计入）", f"{POLITICAL_CATEGORY}（不计入）",
                   "参训次数", "是否参加轮训", "缺口学时", "是否达标"]
OFFICER_WIDTHS = [7, 28, 9, 21] + [10] * len(COUNTED) + [10, 11, 8, 9, 9, 8]
SESSIONS_COLUMN, ROTATION_COLUMN, GAP_COLUMN, VERDICT_COLUMN = (
    OFFICER_HEADERS.index(h) for h in ("参训次数", "是否参加轮训", "缺口学时", "是否达标"))
UNIT_HEADERS = ["序号", "单位", "执法人员数", "已参加轮训人数", "轮训率", "人均学时", "达标人数", "达标率", "未达标人数",
                "心理健康活动次数"]
UNIT_WIDTHS = [7, 34, 10, 10, 9, 9, 9, 9, 9, 12]
SHORT_HEADERS = ["序号", "单位", "姓名", "计入学时", "缺口学时"]
SHORT_WIDTHS = [7, 34, 10, 10, 10]
SHORT_FILL, WARN_FILL = "F8D7DA", "FFF3CD"  # 未达标 (red), 未轮训 / 未开展心理健康活动 (amber)
MASKED_NOTE = "身份证号已脱敏"
UNMASKED_NOTE = "含完整身份证号，请妥善保管，不得公开"
HOURS_FORMAT = "0.0#"


def resolve_period(year: int | None = None, start: dt.date | None = None,
                   end: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """A calendar year, or [start, end]; the current year when neither is given."""
    if year is not None:
        if start is not None or end is not None:
            raise ValidationError("统计区间请只给年度，或只给开始和结束日期。")
        if not 1990 <= int(year) <= 2100:
            raise ValidationError(f"年度 {year} 无效。")
        return ledger.year_range(int(year))
    if start is None and end is None:
        return ledger.year_range(dt.date.today().year)
    if start is None or end is None:
        raise ValidationError("统计区间须同时给出开始日期和结束日期。")
    if end < start:
        raise ValidationError(f"统计区间的结束日期 {end:%Y-%m-%d} 早于开始日期 {start:%Y-%m-%d}。")
    return start, end


def period_text(start: dt.date, end: dt.date) -> str:
    """“2025年度”, “2024—2025年度” or “2025年1月1日至2025年6月30日”."""
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return f"{start.year}年度" if start.year == end.year else f"{start.year}—{end.year}年度"
    return f"{format_cn_date(start)}至{format_cn_date(end)}"


@dataclass
class OfficerRow:
    """One officer of the ledger's population with their hours over the period."""

    member: Member
    id_number: str
    hours: OfficerHours | None
    threshold: float

    def category(self, name: str) -> float:
        return self.hours.by_category.get(name, 0.0) if self.hours else 0.0

    @property
    def countable(self) -> float:
        return round(self._countable, 2)

    @property
    def _countable(self) -> float:
        return self.hours.countable if self.hours else 0.0

    @property
    def political(self) -> float:
        return self.hours.political if self.hours else 0.0

    @property
    def sessions(self) -> int:
        return self.hours.sessions if self.hours else 0

    @property
    def rotation(self) -> bool:
        return bool(self.hours and self.hours.rotation)

    @property
    def reaching(self) -> bool:
        return self._countable + 1e-9 >= self.threshold  # the rule of ledger.unit_summaries

    @property
    def shortfall(self) -> float:
        return 0.0 if self.reaching else round(self.threshold - self._countable, 2)


def officer_rows(start: dt.date, end: dt.date, unit_id: int | None = None,
                 known: tuple[list, dict] | None = None) -> list[OfficerRow]:
    """Every officer the ledger counts over [start, end] (in unit order, then by name), those without any
    training included with 0 — what the hours-distribution chart needs as well. `known`: the
    (population, officer_hours) already read for this range."""
    if known is None:
        members = ledger.population(end, unit_id)
        hours = ledger.officer_hours(start, end, [m.id for m in members] if unit_id is not None else None)
    else:
        members, hours = known
    threshold = ledger.threshold_for(start, end)
    sql = "SELECT id, id_number FROM officer" + (" WHERE unit_id = ?" if unit_id is not None else "")
    numbers = dict(db.execute_sql(sql, [unit_id] if unit_id is not None else []))
    if unit_id is not None:  # someone moved out of the unit since `end` is still counted in it
        missing = [m.id for m in members if m.id not in numbers]
        if missing:
            numbers.update(db.execute_sql(f"SELECT id, id_number FROM officer WHERE id IN "
                                          f"({','.join('?' * len(missing))})", missing))
    return [OfficerRow(m, numbers.get(m.id, ""), hours.get(m.id), threshold) for m in members]


def _bureau() -> str:
    return get_setting("bureau_name") or get_setting("county_name") or ""


def _title(name: str, start: dt.date, end: dt.date, threshold: float, unmasked: bool | None) -> str:
    bureau = _bureau()
    note = "" if unmasked is None else f"，{UNMASKED_NOTE if unmasked else MASKED_NOTE}"
    return f"{bureau + ' ' if bureau else ''}{name}（{period_text(start, end)}，达标线 {threshold:g} 学时{note}）"


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _rotation_deadline(end: dt.date) -> dt.date:
    return min(ledger.rotation_deadline(), end)


def _explanation(start: dt.date, end: dt.date, threshold: float) -> str:
    return (f"说明：执法人员为{format_cn_date(end)}在职的行政执法人员（不含辅助人员）；学时按培训结束日期计入；"
            f"{POLITICAL_CATEGORY}类学时单独列出，不计入达标学时；达标线为每人 {threshold:g} 学时"
            f"{'' if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) else '（按天数折算）'}；"
            f"参加轮训指 {format_cn_date(_rotation_deadline(end))}前参加过全员轮训。")


def _write_officers(book, rows: list[OfficerRow], start: dt.date, end: dt.date, threshold: float, unmasked: bool,
                    control: JobControl, sheet=None) -> int:
    """The officers on `sheet` (default: the book's first sheet); returns the number written."""
    title = _title("执法人员培训学时统计表", start, end, threshold, unmasked)
    widths = _fit_title(title, OFFICER_WIDTHS)
    table = xs.LedgerSheet(book, book.worksheets[0] if sheet is None else sheet, title, OFFICER_HEADERS, widths)
    formats = table.formats
    centred = {0, 2, SESSIONS_COLUMN, ROTATION_COLUMN, VERDICT_COLUMN}
    hours_columns = set(range(4, SESSIONS_COLUMN)) | {GAP_COLUMN}  # by category, 小计, 政治理论; 缺口
    plain = [formats.get(horizontal="center" if i in centred else None,
                         number_format=HOURS_FORMAT if i in hours_columns else None)
             for i in range(len(OFFICER_HEADERS))]
    short = list(plain)
    short[GAP_COLUMN] = formats.get(number_format=HOURS_FORMAT, fill=SHORT_FILL)
    short[VERDICT_COLUMN] = formats.get(horizontal="center", fill=SHORT_FILL)
    styles = {}  # (reaching, rotated) → the row's formats
    for reaching in (True, False):
        for rotated in (True, False):
            chosen = list(plain if reaching else short)
            if not rotated:
                chosen[ROTATION_COLUMN] = formats.get(horizontal="center", fill=WARN_FILL)
            styles[reaching, rotated] = chosen
    heights: dict[str, float | None] = {}  # per unit name
    for index, row in enumerate(rows, start=1):
        if index % 1000 == 0:
            control.progress(0.1 + 0.75 * index / len(rows), f"已写入 {index} 人")
        member = row.member
        values = officer_values(index, row, unmasked)
        if member.unit_name not in heights:
            heights[member.unit_name] = _height(member.unit_name, widths[1])
        table.add(values, styles[row.reaching, row.rotation], heights[member.unit_name])
    last = table.last_row
    table.note(_explanation(start, end, threshold))
    table.finish(UNMASKED_NOTE if unmasked else MASKED_NOTE, last_table_row=last)
    return len(rows)


def officer_values(index: int, row: OfficerRow, unmasked: bool) -> list:
    """One line of 培训学时统计表 as written."""
    return [index, row.member.unit_name, row.member.name, row.id_number if unmasked else mask_id_number(row.id_number),
            *(row.category(c) for c in COUNTED), row.countable, row.political, row.sessions, _yes(row.rotation),
            row.shortfall, _yes(row.reaching)]


def _height(text: str, width: float) -> float | None:
    """A row's height when its text wraps; None (the default height, no row record written — a quarter
    of the time of a long sheet) when it fits on one line."""
    height = xs.row_height([(text, width)])
    return height if height > xs.LINE_HEIGHT else None


def _fit_title(title: str, widths: list[float]) -> list[float]:
    """Column widths with the 单位 column grown until the 16 pt title fits on its row (it is merged over the
    table and its row does not grow): a long bureau name or a date range must not be cut off."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in title) * 16 / 11 + 4
    fitted = list(widths)
    fitted[1] += max(0.0, units - sum(widths))
    return fitted


def _ratio(part: int, whole: int):
    return part / whole if whole else "—"


def _write_units(book, units: list[UnitTraining], start: dt.date, end: dt.date, threshold: float,
                 sheet_name: str = UNITS_SHEET) -> int:
    """The per-unit summary on a new sheet; returns its table rows (one per unit, and the 合计 line)."""
    title = _title("执法人员培训情况单位汇总表", start, end, threshold, None)
    widths = _fit_title(title, UNIT_WIDTHS)
    table = xs.LedgerSheet(book, book.create_sheet(sheet_name), title, UNIT_HEADERS, widths)
    number_formats = {4: xs.PERCENT_FORMAT, 5: "0.0", 7: xs.PERCENT_FORMAT}

    def formats(**extra) -> list:
        return [table.formats.get(horizontal=None if i == 1 else "center", number_format=number_formats.get(i),
                                  **extra) for i in range(len(UNIT_HEADERS))]

    plain, bold = formats(), formats(bold=True)
    flags = {4: WARN_FILL, 7: SHORT_FILL, 8: SHORT_FILL, 9: WARN_FILL}  # 轮训率, 达标率, 未达标人数, 心理健康
    for index, unit in enumerate(units, start=1):
        wanting = {4: unit.rotated < unit.officers, 7: unit.reaching < unit.officers,
                   8: unit.reaching < unit.officers, 9: unit.mental_health_sessions == 0}
        row_formats = [table.formats.get(horizontal="center", number_format=number_formats.get(i), fill=flags[i])
                       if wanting.get(i) else fmt for i, fmt in enumerate(plain)]
        table.add([index, unit.unit_name, unit.officers, unit.rotated, _ratio(unit.rotated, unit.officers),
                   round(unit.average_hours, 2), unit.reaching, _ratio(unit.reaching, unit.officers),
                   len(unit.short), unit.mental_health_sessions], row_formats,
                  xs.row_height([(unit.unit_name, widths[1])]))
    last_unit = table.last_row
    officers = sum(u.officers for u in units)
    rotated = sum(u.rotated for u in units)
    reaching = sum(u.reaching for u in units)
    total_hours = sum(u.total_hours for u in units)
    held = sum(u.mental_health_sessions > 0 for u in units)
    held_text = f"{held}/{len(units)} 个单位已开展"
    table.add(["", "合计", officers, rotated, _ratio(rotated, officers),
               round(total_hours / officers, 2) if officers else "—", reaching, _ratio(reaching, officers),
               sum(len(u.short) for u in units), held_text], bold, xs.row_height([(held_text, widths[-1])]))
    table.note(_explanation(start, end, threshold) + "心理健康活动次数为本单位承办或本单位人员参加的心理健康教育、"
               "心理训练活动，每年应不少于 1 次。红色为未达标，黄色为未全员轮训或未开展心理健康活动。")
    table.finish(last_table_row=last_unit)  # the 合计 line stays out of sorting and filtering
    return len(units) + 1


def _write_short(book, units: list[UnitTraining], countable: dict[int, float], start: dt.date, end: dt.date,
                 threshold: float) -> None:
    title = _title("培训学时未达标人员名单", start, end, threshold, None)
    widths = _fit_title(title, SHORT_WIDTHS)
    table = xs.LedgerSheet(book, book.create_sheet(SHORT_SHEET), title, SHORT_HEADERS, widths)
    plain = [table.formats.get(horizontal="center" if i in (0, 2) else None,
                               number_format=HOURS_FORMAT if i in (3, 4) else None) for i in range(len(SHORT_HEADERS))]
    index = 0
    for unit in units:
        height = _height(unit.unit_name, widths[1])
        for member, shortfall in unit.short:  # the largest shortfall first (ledger.unit_summaries)
            index += 1
            hours = countable.get(member.id, round(threshold - shortfall, 2))
            table.add([index, unit.unit_name, member.name, hours, shortfall], plain, height)
    last = table.last_row
    table.note(f"共 {index} 人未达到 {threshold:g} 学时；缺口学时 = 达标线 − 计入学时（不含{POLITICAL_CATEGORY}）。")
    table.finish(last_table_row=last)


def export_training_xlsx(path: Path, year: int | None = None, start: dt.date | None = None,
                         end: dt.date | None = None, unit_id: int | None = None, unmasked: bool = False,
                         control: JobControl | None = None) -> Path:
    """Write 培训学时统计表 + 单位汇总表 + 未达标名单 for a year or [start, end] (all units, or one). Raises
    ValidationError for a bad period and AppError with 文件被占用 when the target is open in Excel/WPS (the old
    file is then left as it was)."""
    control = control or JobControl()
    start, end = resolve_period(year, start, end)
    control.progress(0.0, "正在统计培训学时")
    members = ledger.population(end, unit_id)
    hours = ledger.officer_hours(start, end, [m.id for m in members] if unit_id is not None else None)
    rows = officer_rows(start, end, unit_id, known=(members, hours))
    units = ledger.unit_summaries(start, end, unit_id, known=(members, hours))
    threshold = ledger.threshold_for(start, end)
    control.progress(0.1, "正在写入培训学时统计表")
    book = xs.new_workbook(OFFICERS_SHEET, write_only=True)
    _write_officers(book, rows, start, end, threshold, unmasked, control)
    control.progress(0.88, "正在写入单位汇总表")
    _write_units(book, units, start, end, threshold)
    _write_short(book, units, {r.member.id: r.countable for r in rows}, start, end, threshold)
    control.progress(0.92, "正在保存")
    return xs.save_workbook(book, Path(path))
