"""公民身份号码 (GB 11643-1999, check character by ISO 7064 MOD 11-2) and masking of personal data.

18 characters = 6 地址码 + 8 出生日期 + 3 顺序码 (odd 男, even 女) + 1 校验码 (0-9 or X).
Old 15-digit numbers (two-digit year, no check character) are upgraded to 18 on input.
"""
from __future__ import annotations

import datetime as dt
import numbers
import re
import unicodedata
from dataclasses import dataclass

from desktop_app.core.dates import parse_date
from desktop_app.core.errors import ValidationError

WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]  # 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2
CHECK_CHARS = "10X98765432"
FIELD = "id_number"
# How Excel displays an 18-digit number it has rounded: “6.40303198503151E+17”.
_SCIENTIFIC = re.compile(r"\d(?:\.\d+)?E\+?\d+", re.ASCII)
_NUMBER_CELL = ("在表格中被存成了数字：Excel 的数字只保留 15 位有效数字，18 位号码的末几位会因此丢失"
                "（末位 X 也存不下），无法据此核对。请把该列单元格格式设为“文本”后重新录入。")


@dataclass(frozen=True)
class IdNumber:
    number: str  # 18 characters, check character upper-case
    birth_date: dt.date
    gender: str  # '男' or '女'
    area_code: str
    upgraded_from_15: bool


def id_check_character(first17: str) -> str:
    """The 18th character for 17 digits; ValueError if they are not 17 ASCII digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(first17)
    return CHECK_CHARS[sum(int(c) * w for c, w in zip(first17, WEIGHTS)) % 11]


def normalise_id_number(text: str) -> str:
    """Full-width → half-width, no spaces, upper-case X; a leading ' (Excel's text marker) is dropped."""
    compact = "".join(unicodedata.normalize("NFKC", str(text)).split())
    return compact.removeprefix("'").upper()


def _shown(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 30 else text[:30] + "…"


def _as_text(value: object) -> str:
    if isinstance(value, bool) or value is None:
        raise ValidationError("身份证号码为空。" if value is None else "身份证号码无效：这是是/否值。", FIELD)
    if isinstance(value, numbers.Number):
        try:
            shown = format(value, ".15g") if isinstance(value, float) else format(value, "d")
        except (TypeError, ValueError):
            shown = type(value).__name__
        raise ValidationError(f"身份证号码“{_shown(shown)}”{_NUMBER_CELL}", FIELD)
    if isinstance(value, (bytes, bytearray)):
        try:
            value = bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError("身份证号码无法识别：内容不是文本。", FIELD) from None
    if not isinstance(value, str):
        raise ValidationError(f"身份证号码无法识别：单元格内容（{type(value).__name__}）不是文本。", FIELD)
    return value


def _birth_date(number: str, today: dt.date) -> dt.date:
    year = int(number[6:10])
    if year < 1900:
        raise ValidationError(f"身份证号码“{number}”中的出生年份 {year} 早于 1900 年，不可能。", FIELD)
    try:
        born = parse_date(number[6:14], field="出生日期") if year <= today.year else None
    except ValidationError as exc:
        raise ValidationError(f"身份证号码“{number}”中的{exc.message}", FIELD) from None
    if born is None or born > today:
        raise ValidationError(
            f"身份证号码“{number}”中的出生日期“{number[6:14]}”晚于今天，不可能。请核对是否抄错。", FIELD)
    return born


def validate_id_number(text: object, *, today: dt.date | None = None) -> IdNumber:
    """The parsed number, or ValidationError saying precisely what is wrong (never another exception)."""
    raw = _as_text(text)
    number = normalise_id_number(raw)
    if not number:
        raise ValidationError("身份证号码为空。", FIELD)
    if _SCIENTIFIC.fullmatch(number):
        raise ValidationError(f"身份证号码“{_shown(raw)}”{_NUMBER_CELL}", FIELD)
    if len(number) not in (15, 18):
        raise ValidationError(
            f"身份证号码应为 18 位（旧号码 15 位），“{_shown(raw)}”为 {len(number)} 位。", FIELD)
    body = number[:17] if len(number) == 18 else number
    bad = sorted({c for c in body if not ("0" <= c <= "9")})
    last_bad = len(number) == 18 and not ("0" <= number[17] <= "9" or number[17] == "X")
    if bad or last_bad:
        chars = "、".join(sorted(set(bad) | ({number[17]} if last_bad else set())))
        where = "只有 18 位号码的末位可以是 X" if len(number) == 18 else "15 位旧号码只能是数字"
        raise ValidationError(f"身份证号码“{number}”含有不允许的字符：{chars}（{where}）。", FIELD)
    upgraded = len(number) == 15
    if upgraded:  # GB 11643 appendix: the century 19 goes after the area code, then the check character
        number = number[:6] + "19" + number[6:]
        number += id_check_character(number)
    born = _birth_date(number, today or dt.date.today())
    expected = id_check_character(number[:17])
    if number[17] != expected:
        raise ValidationError(
            f"身份证号码“{number}”校验位不符：末位应为“{expected}”，现为“{number[17]}”，请核对是否抄错。",
            FIELD)
    gender = "男" if int(number[16]) % 2 else "女"
    return IdNumber(number, born, gender, number[:6], upgraded)


def is_valid_id_number(text: object) -> bool:
    try:
        validate_id_number(text)
    except ValidationError:
        return False
    return True


def mask_id_number(number: str) -> str:
    """“6403**********1232”: the province and prefecture (first 4) and the last 4 kept, as issue 5 shows;
    the county code, birth date and sequence — what identifies a person — are hidden."""
    text = normalise_id_number(number)
    if len(text) <= 10:
        return "*" * len(text)  # too short to keep anything without giving most of it away
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


def mask_phone(phone: str) -> str:
    """“139****5678”: first 3 and last 4 kept; shorter numbers are masked entirely."""
    text = "".join(unicodedata.normalize("NFKC", str(phone)).split())
    if len(text) < 8:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]
