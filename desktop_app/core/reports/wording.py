"""How the reports write numbers, names and the parties of a document, in one place so that all five say
“87.9%”, “第12项任务” and “吴忠市红寺堡区司法局” the same way."""
from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from desktop_app.core.settings import get_setting


def issuer() -> str:
    """发文机关 (署名 and 版记): the 发文机关 setting, else the bureau's name; "" leaves them out."""
    return get_setting("issuing_authority") or get_setting("bureau_name") or ""


def recipient(plan_issuer: str = "") -> str:
    """主送机关 of a report sent upward: the 报告主送机关 setting; else the body above the plan's issuer
    (某区人民政府办公室 → 某区人民政府) when the plan was not issued by the bureau itself; else the county's
    government; "" when nothing is known (the line is then left out)."""
    chosen = get_setting("report_recipient")
    if chosen:
        return chosen
    plan_issuer = (plan_issuer or "").strip()
    own = {get_setting("issuing_authority"), get_setting("bureau_name")} - {""}
    if plan_issuer and plan_issuer not in own:
        if plan_issuer.endswith(("人民政府办公室", "人民政府办公厅")):
            return plan_issuer[:-3]
        return plan_issuer
    county = get_setting("county_name")
    return f"{county}人民政府" if county else ""


def number(value: float, places: int = 1) -> str:
    """47.333 → “47.3”, 60.0 → “60”: rounded, no trailing zeros."""
    text = f"{value:.{places}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(part: int, whole: int, empty: str = "0%") -> str:
    """“87.9%”; all of them is “100%” (fits one line of a 17 mm column); `empty` when there is no whole."""
    if not whole:
        return empty
    return "100%" if part == whole else f"{part / whole * 100:.1f}%"


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 25 → 二十五, 105 → 一百零五 (for 一、 and （一） headings and 一是… lists)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    tail = "" if not rest else ("零" + digits[rest] if rest < 10 else
                                ("一" + cn_number(rest) if rest < 20 else cn_number(rest)))
    return digits[hundreds] + "百" + tail


def short(text: str, limit: int = 40) -> str:
    """A task's first clause, or its first `limit` characters, for naming it inside a sentence."""
    text = " ".join(text.split()).rstrip("。；;")
    for stop in "。；;":
        head = text.split(stop)[0]
        if head != text and len(head) <= limit:
            return head
    return text if len(text) <= limit else text[:limit] + "……"


def task_label(row: Any) -> str:
    return f"第{row.number}项任务" if row.number else "任务"


def overdue_days(row: Any, day: dt.date) -> int:
    """Days past the due date of a task_board.AssignmentRow on `day` (0 without a due date)."""
    return (day - row.status.due).days if row.status.due else 0


def status_clauses(count: Mapping[str, int], total: int, overdue_units: int) -> list[str]:
    """What an overview says after 已完成 / 正常推进 of `total` task shares (分工), from counts by
    obligations status label: the overdue ones (or that there are none), due soon, standing tasks not
    reported this period, without a fixed deadline — each only when there are any."""
    from desktop_app.core import obligations as ob

    overdue = count.get(ob.OVERDUE, 0)
    clauses = [f"逾期未完成{overdue}项，占{percent(overdue, total)}，涉及{overdue_units}个单位" if overdue
               else "没有逾期未完成的分工"]
    if count.get(ob.SOON, 0):
        clauses.append(f"{count[ob.SOON]}项将在{get_setting('task_due_soon_days')}天内到期")
    if count.get(ob.UNREPORTED, 0):
        clauses.append(f"{count[ob.UNREPORTED]}项长期坚持的任务本期未报告落实情况")
    if count.get(ob.OPEN, 0):
        clauses.append(f"{count[ob.OPEN]}项无固定时限")
    return clauses
