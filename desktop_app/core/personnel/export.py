"""执法人员清单.xlsx: the roster as the 执法人员 公示/报送 list (shared/domain.md §2.2) on one sheet and the
持证情况统计 per unit on a second, both in the ledger look of xlsx_style.py.

公民身份号码 and 联系电话 are masked unless the caller asks otherwise (the title and the printed footer say
which); the figures agree with the warnings, because both come from the same roster rows.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from desktop_app.core import xlsx_style as xs
from desktop_app.core.dates import format_cn_date
from desktop_app.core.id_card import mask_id_number, mask_phone
from desktop_app.core.jobs import JobControl
from desktop_app.core.models import CERT_KINDS
from desktop_app.core.personnel import alerts as al
from desktop_app.core.personnel.certificates import (
    APPLIED,
    CANCELLED,
    EXPIRED,
    NONE,
    RENEWED,
    REVOKED,
    SUSPENDED,
    VALID,
)
from desktop_app.core.personnel.roster import RosterRow, expiry_days, load_roster
from desktop_app.core.settings import get_setting

LIST_SHEET, STATS_SHEET = "执法人员清单", "持证情况统计"
LIST_HEADERS = ["序号", "单位", "姓名", "性别", "民族", "出生年月", "公民身份号码", "政治面貌", "学历", "职务/职级",
                "人员类别", "执法领域", "执法区域", "证件种类", "证号", "发证机关", "发证日期", "有效期至", "证件状态",
                "法制审核人员", "公职律师", "联系电话", "在职状态", "预警"]
LIST_WIDTHS = [7, 26, 9, 5, 7, 9, 21, 11, 10, 14, 15, 12, 12, 13, 18, 24, 11, 11, 9, 8, 7, 14, 8, 30]
DATE_COLUMNS = {16, 17}  # 0-based: 发证日期, 有效期至
CENTRED_COLUMNS = {0, 3, 4, 5, 18, 19, 20, 22}
STATE_COLUMN = 18
STATS_HEADERS = ["序号", "单位", "执法人员数", "持有效证件人数", "持证率", "暂扣", "过期", "即将到期", "辅助人员数",
                 "法制审核人员数", "法制审核占比", "是否达标"]
STATS_WIDTHS = [7, 34, 10, 10, 9, 7, 7, 9, 10, 10, 10, 16]
STATE_FILLS = {SUSPENDED: "FFF3CD", EXPIRED: "F8D7DA", APPLIED: "EEEEEE", REVOKED: "D9D9D9", CANCELLED: "D9D9D9",
               RENEWED: "D9D9D9"}
MASKED_NOTE = "公民身份号码、联系电话已脱敏"
UNMASKED_NOTE = "含完整公民身份号码和联系电话，请妥善保管，不得公开"


@dataclass
class UnitStats:
    """One line of 持证情况统计. 执法人员 = 在职 and not 辅助人员; the card figures count those people."""

    unit_id: int | None
    unit_name: str
    officers: int = 0
    valid: int = 0
    suspended: int = 0
    expired: int = 0
    expiring: int = 0
    auxiliary: int = 0
    reviewers: int = 0
    minimum_percent: float = 5.0
    is_total: bool = False
    units_counted: list[bool] = field(default_factory=list)  # 合计 only: 达标 of each unit with officers

    @property
    def valid_ratio(self) -> float | None:
        return self.valid / self.officers if self.officers else None

    @property
    def reviewer_ratio(self) -> float | None:
        return self.reviewers / self.officers if self.officers else None

    @property
    def meets_reviewer_ratio(self) -> bool | None:
        """Same rule as the 法制审核人员占比不足 warning; None for a unit without 执法人员."""
        if not self.officers:
            return None
        return self.reviewers / self.officers * 100 >= self.minimum_percent - 1e-9

    @property
    def verdict(self) -> str:
        if self.is_total:
            return f"{sum(self.units_counted)}/{len(self.units_counted)} 个单位达标"
        ok = self.meets_reviewer_ratio
        return "—" if ok is None else ("是" if ok else "否")


def unit_statistics(rows: list[RosterRow], minimum_percent: float | None = None) -> tuple[list[UnitStats],
                                                                                          UnitStats]:
    """Per-unit figures in the roster's unit order, and the 合计 line."""
    minimum = float(get_setting("legal_review_ratio") if minimum_percent is None else minimum_percent)
    units: dict[int, UnitStats] = {}
    for row in rows:
        stats = units.setdefault(row.unit_id, UnitStats(row.unit_id, row.unit_name, minimum_percent=minimum))
        if row.status != "在职":
            continue
        if row.auxiliary:
            stats.auxiliary += 1
            continue
        stats.officers += 1
        stats.reviewers += row.is_legal_reviewer
        if any(c.kind == "law" and c.state == VALID for c in row.cards):
            stats.valid += 1
        state = row.cert_state
        stats.suspended += state == SUSPENDED
        stats.expired += state == EXPIRED
        stats.expiring += any(a.code == al.EXPIRING for a in row.alerts)
    lines = [s for s in units.values() if s.officers or s.auxiliary]
    total = UnitStats(None, "合计", minimum_percent=minimum, is_total=True)
    for stats in lines:
        for name in ("officers", "valid", "suspended", "expired", "expiring", "auxiliary", "reviewers"):
            setattr(total, name, getattr(total, name) + getattr(stats, name))
    total.units_counted = [s.meets_reviewer_ratio for s in lines if s.officers]
    return lines, total


def _title(name: str, today: dt.date, unmasked: bool | None) -> str:
    bureau = get_setting("bureau_name") or get_setting("county_name")
    note = "" if unmasked is None else f"，{UNMASKED_NOTE if unmasked else MASKED_NOTE}"
    return f"{bureau + ' ' if bureau else ''}{name}（截至{format_cn_date(today)}{note}）"


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def list_values(index: int, row: RosterRow, unmasked: bool) -> list:
    card = row.cards[0] if row.cards else None  # the card that speaks for them: 行政执法证 first, valid first
    birth = f"{row.birth_date.year}.{row.birth_date.month:02d}" if row.birth_date else ""
    id_number = row.id_number if unmasked else mask_id_number(row.id_number)
    phone = row.phone if unmasked or not row.phone else mask_phone(row.phone)
    card_values = ([CERT_KINDS.get(card.kind, card.kind), card.number, card.issuer, card.issued_on, card.valid_until,
                    card.state] if card else ["", "", "", None, None, NONE])
    return [index, row.unit_name, row.name, row.gender, row.ethnicity, birth, id_number, row.political_status,
            row.education, row.post, row.category, row.law_field, row.region, *card_values,
            _yes(row.is_legal_reviewer), _yes(row.is_public_lawyer), phone, row.status, row.alert_text]


def _write_list(book, rows: list[RosterRow], today: dt.date, unmasked: bool, control: JobControl,
                sheet=None) -> int:
    """The list on `sheet` (default: the book's first sheet); returns the number of people written."""
    table = xs.LedgerSheet(book, book.worksheets[0] if sheet is None else sheet,
                           _title("执法人员清单", today, unmasked), LIST_HEADERS, LIST_WIDTHS)
    formats = table.formats
    plain = [formats.get(horizontal="center" if i in CENTRED_COLUMNS else None,
                         number_format=xs.DATE_FORMAT if i in DATE_COLUMNS else None)
             for i in range(len(LIST_HEADERS))]
    by_state: dict[str, list] = {}
    for state, colour in STATE_FILLS.items():
        by_state[state] = list(plain)
        by_state[state][STATE_COLUMN] = formats.get(horizontal="center", fill=colour)
    wrapped = [(1, LIST_WIDTHS[1]), (9, LIST_WIDTHS[9]), (15, LIST_WIDTHS[15]), (23, LIST_WIDTHS[23])]
    for index, row in enumerate(rows, start=1):
        if index % 1000 == 0:
            control.progress(0.9 * index / len(rows), f"已写入 {index} 人")
        values = list_values(index, row, unmasked)
        table.add(values, by_state.get(values[STATE_COLUMN], plain),
                  xs.row_height((values[i], width) for i, width in wrapped))
    table.finish(UNMASKED_NOTE if unmasked else MASKED_NOTE)
    return len(rows)


def _stats_values(index: int | str, stats: UnitStats) -> list:
    def ratio(value: float | None):
        return "—" if value is None else value

    return [index, stats.unit_name, stats.officers, stats.valid, ratio(stats.valid_ratio), stats.suspended,
            stats.expired, stats.expiring, stats.auxiliary, stats.reviewers, ratio(stats.reviewer_ratio),
            stats.verdict]


def _write_stats(book, rows: list[RosterRow], today: dt.date, sheet_name: str = STATS_SHEET) -> int:
    """The statistics on a new sheet; returns its table rows (one per unit, and the 合计 line)."""
    table = xs.LedgerSheet(book, book.create_sheet(sheet_name), _title("行政执法人员持证情况统计", today, None),
                           STATS_HEADERS, STATS_WIDTHS)
    lines, total = unit_statistics(rows)

    def formats(**extra) -> list:
        return [table.formats.get(horizontal=None if i == 1 else "center",
                                  number_format=xs.PERCENT_FORMAT if i in (4, 10) else None, **extra)
                for i in range(len(STATS_HEADERS))]

    plain, bold = formats(), formats(bold=True)
    short = plain[:-1] + [table.formats.get(horizontal="center", fill="F8D7DA")]
    for index, stats in enumerate(lines, start=1):
        table.add(_stats_values(index, stats), short if stats.meets_reviewer_ratio is False else plain,
                  xs.row_height([(stats.unit_name, STATS_WIDTHS[1])]))
    last_unit = table.last_row
    table.add(_stats_values("", total), bold)
    table.note("说明：执法人员数为在职人员，不含辅助人员（工勤、编外等）；持有效证件人数指持有效行政执法证的"
               "执法人员；暂扣、过期按其行政执法证状态计；即将到期指 "
               f"{expiry_days()} 天内到期；法制审核占比不低于 {total.minimum_percent:g}% 为达标。")
    table.finish(last_table_row=last_unit)  # the 合计 line stays out of sorting and filtering
    return len(lines) + 1


def export_personnel_xlsx(path: Path, today: dt.date | None = None, unmasked: bool = False,
                          unit_id: int | None = None, control: JobControl | None = None) -> Path:
    """Write 执法人员清单 + 持证情况统计 as of `today` (all units, or one). Raises AppError with 文件被占用 when
    the target is open in Excel/WPS (the old file is left as it was)."""
    control = control or JobControl()
    today = today or dt.date.today()
    control.progress(0.0, "正在读取执法人员")
    rows = load_roster(today)
    if unit_id is not None:
        rows = [r for r in rows if r.unit_id == unit_id]
    book = xs.new_workbook(LIST_SHEET, write_only=True)  # streams rows: 20,000 people in a few seconds
    _write_list(book, rows, today, unmasked, control)
    control.progress(0.92, "正在统计持证情况")
    _write_stats(book, rows, today)
    control.progress(0.95, "正在保存")
    return xs.save_workbook(book, Path(path))
