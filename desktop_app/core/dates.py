"""Dates as clerks type them and as Excel stores them, for the importers.

Accepted: date/datetime objects, Excel serial numbers (1900 date system), and text such as
“2024-06-15”, “2024/6/15”, “2024.6.15”, “2024年6月15日”, “2024 年 6 月 15 日”, “２０２４年６月１５日”,
“20240615”. Anything else raises ValidationError with a message that quotes what was given.
"""
from __future__ import annotations

import calendar
import datetime as dt
import math
import numbers
import re
import unicodedata

from desktop_app.core.errors import ValidationError

MIN_YEAR, MAX_YEAR = 1900, 2100
# Excel's 1900 system: serial 1 is 1900-01-01 and serial 60 is the non-existent 1900-02-29 (a bug kept
# for Lotus 1-2-3 compatibility), so from serial 61 on the epoch is effectively 1899-12-30.
_EPOCH = dt.date(1899, 12, 30)
MAX_SERIAL = (dt.date(MAX_YEAR, 12, 31) - _EPOCH).days
_MAX_TEXT = 40  # longer (after removing spaces) cannot be a date

_PATTERNS = [re.compile(p, re.ASCII) for p in (
    r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?:(?P=sep)(?P<d>\d{1,2}))?",
    r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?:(?P<d>\d{1,2})[日号]?)?",
    r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})?",
)]
# A time of day after the date, as str(datetime) and pandas give it: “2024-06-15 00:00:00”.
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?", re.ASCII)
_ISO_TIME = re.compile(r"T\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$", re.ASCII)


def _shown(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 30 else text[:30] + "…"


def _shown_number(value: object) -> str:
    if isinstance(value, numbers.Integral):
        n = int(value)
        return str(n) if n.bit_length() <= 64 else "一个极大的数"  # str() of huge ints is refused
    try:
        return format(float(value), ".15g")  # as Excel shows it: 45458, 6.40303198503151e+17
    except (OverflowError, ValueError, TypeError):
        return "一个无法表示的数"


def _split(text: str, field: str) -> tuple[int, int, int | None]:
    """(year, month, day or None) from clerk's text; only the shape is checked here."""
    # Full-width digits and spaces → ASCII; a huge cell is not normalised (NFKC can multiply its size).
    tokens = unicodedata.normalize("NFKC", text).split() if len(text.strip()) <= 200 else ["?"]
    if len(tokens) > 1 and _TIME.fullmatch(tokens[-1]):
        tokens.pop()
    compact = "".join(tokens)
    if len(compact) <= _MAX_TEXT:
        compact = _ISO_TIME.sub("", compact)
        for pattern in _PATTERNS:
            match = pattern.fullmatch(compact)
            if match:
                day = match.group("d")
                return int(match.group("y")), int(match.group("m")), int(day) if day else None
    raise ValidationError(
        f"{field}“{_shown(text)}”无法识别：请写成 2024-06-15 或 2024年6月15日 的形式。", field)


def _check_year_month(year: int, month: int, shown: str, field: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(
            f"{field}“{shown}”无效：年份 {year} 不合理，应在 {MIN_YEAR}–{MAX_YEAR} 年之间。", field)
    if not 1 <= month <= 12:
        raise ValidationError(f"{field}“{shown}”无效：月份应在 1–12 之间。", field)


def _make(year: int, month: int, day: int | None, shown: str, field: str) -> dt.date:
    _check_year_month(year, month, shown, field)
    if day is None:
        raise ValidationError(f"{field}“{shown}”不完整：缺少日，例如 {year}年{month}月1日。", field)
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= 31:
        raise ValidationError(f"{field}“{shown}”无效：日应在 1–31 之间。", field)
    if day > days:
        raise ValidationError(
            f"{field}“{shown}”无效：{year}年{month}月没有 {day} 日（该月只有 {days} 天）。", field)
    return dt.date(year, month, day)


def _as_text(value: object, field: str) -> str | None:
    """The text of a str or UTF-8 bytes value; None for other types; empty input is refused."""
    if isinstance(value, (bytes, bytearray)):
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError(f"{field}无法识别：内容不是文本。", field) from None
    if value is None or (isinstance(value, str) and not value.strip()):
        raise ValidationError(f"{field}为空。", field)
    return value if isinstance(value, str) else None


def _reject_other(value: object, field: str) -> None:
    if isinstance(value, bool):  # an int subclass: TRUE would otherwise be serial 1; shown as Excel does
        raise ValidationError(f"{field}“{str(value).upper()}”无效：这是是/否值，不是日期。", field)
    if not isinstance(value, numbers.Real):
        raise ValidationError(f"{field}无法识别：单元格内容（{type(value).__name__}）不是日期。", field)


def _from_number(value: numbers.Real, field: str) -> dt.date:
    shown = _shown_number(value)
    if isinstance(value, numbers.Integral):
        whole, fraction = int(value), False
    else:
        try:
            number = float(value)
        except (OverflowError, ValueError, TypeError):
            number = math.nan
        if not math.isfinite(number):
            raise ValidationError(f"{field}“{shown}”不是有效的数字。", field)
        if 0 < number < 1:
            raise ValidationError(f"{field}“{shown}”只有时间，没有日期。", field)
        whole = math.floor(number)  # the fraction is the time of day
        fraction = whole != number
    if not fraction and 10_000_000 <= whole <= 99_999_999:  # 20240615 typed into a number cell
        return _make(whole // 10000, whole // 100 % 100, whole % 100, shown, field)
    if not 1 <= whole <= MAX_SERIAL:
        raise ValidationError(
            f"{field}“{shown}”无效：作为 Excel 日期序号应在 1–{MAX_SERIAL} 之间"
            f"（{MIN_YEAR}年1月1日至{MAX_YEAR}年12月31日）。", field)
    if whole == 60:
        raise ValidationError(f"{field}“{shown}”无效：Excel 序号 60 是并不存在的 1900年2月29日。", field)
    return _EPOCH + dt.timedelta(days=whole + (1 if whole < 60 else 0))


def parse_date(value: object, *, field: str = "日期") -> dt.date:
    """A date from an import cell or a form; raises ValidationError (and nothing else) otherwise."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return _make(value.year, value.month, value.day, value.isoformat(), field)
    text = _as_text(value, field)
    if text is not None:
        return _make(*_split(text, field), _shown(text), field)
    _reject_other(value, field)
    return _from_number(value, field)  # type: ignore[arg-type]


def parse_month(value: object, *, field: str = "月份") -> tuple[int, int]:
    """(year, month) from “2024年6月”, “2024-06”, “2024.6”, “202406”, a date, or an Excel cell."""
    if isinstance(value, dt.date):
        _check_year_month(value.year, value.month, value.isoformat(), field)
        return value.year, value.month
    text = _as_text(value, field)
    if text is None:
        _reject_other(value, field)
        number = float(value) if isinstance(value, float) else None
        if isinstance(value, numbers.Integral) or (number is not None and number.is_integer()):
            whole = int(value)
            if MIN_YEAR <= whole <= MAX_YEAR:  # not Excel serial 2024 (a day in 1905)
                raise ValidationError(f"{field}“{whole}”只有年份，缺少月份，例如 {whole}年6月。", field)
            if 190_001 <= whole <= 210_012:
                text = str(whole)  # 202406 in a number cell
        elif number is not None and MIN_YEAR <= number < MAX_YEAR + 1:
            text = repr(number)  # “2024.6” turned into a number by Excel
            if text.endswith(".1"):  # 2024.10 and 2024.1 are the same number
                raise ValidationError(
                    f"{field}“{text}”被存成了数字，无法分辨是 1 月还是 10 月。"
                    "请把该列单元格格式设为“文本”后重新录入。", field)
        if text is None:
            day = parse_date(value, field=field)  # an Excel serial of some day in the month
            return day.year, day.month
    year, month, day = _split(text, field)
    _check_year_month(year, month, _shown(text), field)
    if day is not None:
        raise ValidationError(f"{field}“{_shown(text)}”应只写到月，例如 {year}年{month}月。", field)
    return year, month


def format_cn_date(d: dt.date) -> str:
    """“2024年6月5日”: no zero padding, as GB/T 9704 dates are written."""
    return f"{d.year}年{d.month}月{d.day}日"
