"""The 工作台's 培训学时 card: the working year's real figures, the shortfalls as links to the 培训学时 page."""
from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop_app.core.dashboard_figures import TrainingFigures

RED, ORANGE, GREEN = "#c0392b", "#b9770e", "#1e8449"
UNITS_SHOWN = 3


def training_summary_html(ledger: TrainingFigures, sessions: int) -> str:
    """The card from core/dashboard_figures.training_figures (a Ledger's figures without its rows)."""
    year = ledger.start.year
    officers = ledger.officers
    so_far = "（截至今日）" if ledger.start <= dt.date.today() < ledger.end else ""
    lines = [f"{year} 年{so_far}：培训 <b>{sessions}</b> 个，在职执法人员 <b>{officers}</b> 人。"]
    if not officers:
        return lines[0]
    lines.append(f"人均 <b>{ledger.average_hours:.1f}</b> 学时（每人应达 {ledger.threshold:g} 学时），"
                 f"全员轮训率 <b>{ledger.rotation_rate:.1%}</b>。")
    rate = ledger.reach_rate
    colour = RED if rate < 0.6 else ORANGE if rate < 1 else GREEN
    short = (f"，<a href='training:short' style='color:{colour}'>未达标 <b>{ledger.short}</b> 人</a>"
             if ledger.short else "")
    lines.append(f"达标 <b>{ledger.reaching}</b> 人，<span style='color:{colour}'>达标率 <b>{rate:.1%}</b></span>"
                 f"{short}。")
    without = ledger.units_without_mental_health
    if without:
        names = "、".join(html.escape(name) for _uid, name in without[:UNITS_SHOWN])
        more = f"等 {len(without)} 个单位" if len(without) > UNITS_SHOWN else ""
        lines.append(f"<a href='training:units' style='color:{RED}'>没有心理健康活动</a>：{names}{more}。")
    else:
        lines.append(f"<span style='color:{GREEN}'>✓ 各单位都有心理健康活动。</span>")
    return "<br>".join(lines)
