"""完成时限 as written in a task list, understood as a kind of deadline and a date (or a day of the year).

Task lists write deadlines as prose: “长期坚持”, “2024年6月15日前并长期坚持”, “2024年底前”, “每年2月底前”,
“适时”. PDF conversions put spaces anywhere (“2024 年 6 月”) and WPS writes full-width digits. What is
not understood comes back as kind "unspecified" with a Chinese warning for the clerk: parse_deadline
never raises, whatever the text.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from desktop_app.core.dates import MAX_YEAR, MIN_YEAR

KINDS = ("date", "date_then_standing", "standing", "annual", "unspecified")
_MAX_TEXT = 80  # a deadline longer than this (without spaces) is prose, not a deadline
_SPACE = re.compile(r"\s+")
_TRAILING = re.compile(r"[。．.，,；;！!、]+$")

_STANDING = r"(?:长期坚持|长期执行|长期推进|持续推进|持续开展|常态化推进|长期)"
_BEFORE = r"(?:(?:以|之)?前)?(?:完成|办结|落实|前完成)?"  # “前”, “以前”, “前完成”, “完成”
_TAIL = rf"(?P<tail>[,，、;；]?(?:并|且|及|后|并且)?{_STANDING})?"
_DAY = r"(?P<d>\d{1,2})[日号]"
_PART = r"(?P<part>底|末|份|上旬|中旬|下旬)"

_RE_STANDING = re.compile(_STANDING)
_RE_TIMELY = re.compile(r"适时(?:开展|完成|推进|组织)?|根据工作需要|按上级要求|视情况")
_RE_ANNUAL = re.compile(rf"每年(?:的)?(?:(?P<m>\d{{1,2}})月(?:{_PART}|{_DAY})?|(?P<ye>年底|年末|底))"
                        rf"{_BEFORE}{_TAIL}")
_RE_DATED = [re.compile(p + rf"{_BEFORE}{_TAIL}") for p in (
    rf"(?P<y>\d{{4}})年(?P<m>\d{{1,2}})月{_DAY}",
    rf"(?P<y>\d{{4}})年(?P<m>\d{{1,2}})月{_PART}?",
    r"(?P<y>\d{4})年(?:年)?(?P<ye>底|末|内|年底|年末|全年)",
    r"(?P<y>\d{4})年(?P<half>上半年|年中|下半年)",
    r"(?P<y>\d{4})(?P<sep>[-/.])(?P<m>\d{1,2})(?:(?P=sep)(?P<d>\d{1,2}))?",
)]
# A month or a year-end without a year: “6月底完成”, “年底前”.
_RE_NO_YEAR = re.compile(rf"(?:\d{{1,2}}月(?:{_PART}|{_DAY})?|年底|年末|年内|上半年|下半年){_BEFORE}{_TAIL}")


@dataclass(frozen=True)
class Deadline:
    text: str  # the phrase with all whitespace removed, otherwise verbatim
    kind: str  # one of KINDS
    due: dt.date | None = None  # for date / date_then_standing
    month: int | None = None  # for annual
    day: int | None = None  # for annual; None = the end of the month


def parse_deadline(text: str) -> tuple[Deadline, str | None]:
    """(deadline, Chinese warning or None). Never raises."""
    compact = _SPACE.sub("", str(text or ""))
    try:
        return _parse(compact)
    except Exception:  # a last guard: a clerk's odd text must never stop an import
        return Deadline(compact, "unspecified"), _not_understood(compact)


def _shown(compact: str) -> str:
    return compact if len(compact) <= 30 else compact[:30] + "…"


def _not_understood(compact: str) -> str:
    return f"完成时限“{_shown(compact)}”无法识别，请手工指定"


def _parse(compact: str) -> tuple[Deadline, str | None]:
    if not compact:
        return Deadline("", "unspecified"), "未写完成时限"
    unspecified = Deadline(compact, "unspecified")
    if len(compact) > _MAX_TEXT:
        return unspecified, _not_understood(compact)
    # Full-width digits and punctuation → ASCII, for matching only; `text` stays as written.
    key = _TRAILING.sub("", unicodedata.normalize("NFKC", compact))
    if _RE_STANDING.fullmatch(key):
        return Deadline(compact, "standing"), None
    if _RE_TIMELY.fullmatch(key):
        return unspecified, f"完成时限为“{_shown(compact)}”，没有固定日期"
    match = _RE_ANNUAL.fullmatch(key)
    if match:
        return _annual(compact, match)
    for pattern in _RE_DATED:
        match = pattern.fullmatch(key)
        if match:
            return _dated(compact, match)
    if _RE_NO_YEAR.fullmatch(key):
        return unspecified, f"完成时限“{_shown(compact)}”没有写年份，请手工指定"
    return unspecified, _not_understood(compact)


def _annual(compact: str, match: re.Match) -> tuple[Deadline, str | None]:
    if match.group("ye"):
        return Deadline(compact, "annual", month=12), None
    month = int(match.group("m"))
    day = int(match.group("d")) if match.group("d") else _part_day(match.group("part"))
    if not 1 <= month <= 12:
        return Deadline(compact, "unspecified"), _bad(compact, f"没有{month}月")
    # A rule for every year: 2月29日 would not exist three years in four.
    days = calendar.monthrange(2023, month)[1]
    if day is not None and not 1 <= day <= days:
        return Deadline(compact, "unspecified"), _bad(compact, f"{month}月没有{day}日（并非每年都有）")
    return Deadline(compact, "annual", month=month, day=day), None


def _dated(compact: str, match: re.Match) -> tuple[Deadline, str | None]:
    groups = match.groupdict()
    year = int(groups["y"])
    if not MIN_YEAR <= year <= MAX_YEAR:
        return Deadline(compact, "unspecified"), _bad(compact, f"年份{year}不合理")
    if groups.get("ye"):
        month, day = 12, 31
    elif groups.get("half"):
        month, day = (12, 31) if groups["half"] == "下半年" else (6, 30)
    else:
        month = int(groups["m"])
        day = int(groups["d"]) if groups.get("d") else _part_day(groups.get("part"))
    if not 1 <= month <= 12:
        return Deadline(compact, "unspecified"), _bad(compact, f"没有{month}月")
    days = calendar.monthrange(year, month)[1]
    if day is None:
        day = days  # “2024年2月底前”, “2024年6月前”: the month's last day (leap years included)
    elif not 1 <= day <= days:
        return Deadline(compact, "unspecified"), _bad(compact, f"{year}年{month}月只有{days}天，没有{day}日")
    kind = "date_then_standing" if groups.get("tail") else "date"
    return Deadline(compact, kind, due=dt.date(year, month, day)), None


def _part_day(part: str | None) -> int | None:
    """Day for “上旬/中旬” (10th, 20th); None (= the month's end) for 底/末/份/下旬 or no part."""
    return {"上旬": 10, "中旬": 20}.get(part or "")


def _bad(compact: str, problem: str) -> str:
    return f"完成时限“{_shown(compact)}”有误：{problem}，请手工指定"
