"""The 工作台's 执法人员与证件 card: real counts only, each warning a link to the list filtered by it."""
from __future__ import annotations

import html
from typing import TYPE_CHECKING

from desktop_app.core.personnel import alerts as al
from desktop_app.core.settings import get_setting

if TYPE_CHECKING:
    from desktop_app.core.dashboard_figures import PersonnelFigures
    from desktop_app.core.personnel.roster import RosterRow

RED, ORANGE = "#c0392b", "#b9770e"
UNITS_SHOWN = 5


def personnel_summary_html(rows: list[RosterRow]) -> str:
    """The card from loaded roster rows (load_roster's); the dashboard itself uses the figures."""
    from desktop_app.core.dashboard_figures import personnel_figures_from_rows

    return personnel_figures_html(personnel_figures_from_rows(rows))


def personnel_figures_html(figures: PersonnelFigures) -> str:
    """The card from core/dashboard_figures.personnel_figures (the same numbers without the rows)."""
    lines = [f"在职执法人员 <b>{figures.officers}</b> 人（不含辅助人员），持有效行政执法证 <b>{figures.valid}</b> 人。"]
    counts = figures.alert_counts
    warnings = [code for code in al.LABELS if counts.get(code)]
    if warnings:
        lines.append("需要处理的预警（点击查看名单）：")
        lines += [f"　<a href='alert:{code}' style='color:{RED if code in al.DANGER else ORANGE}'>"
                  f"{al.LABELS[code]}</a> <b>{counts[code]}</b> 人" for code in warnings]
    else:
        lines.append("<span style='color:#1e8449'>✓ 没有人员和证件预警。</span>")
    ratios = figures.short_units
    if ratios:
        minimum = get_setting("legal_review_ratio")
        lines.append(f"法制审核人员占比低于 {minimum:g}% 的单位 <b>{len(ratios)}</b> 个：")
        lines += [f"　<a href='unit:{r.unit_id}' style='color:{ORANGE}'>{html.escape(r.unit_name)}</a>"
                  f" {r.reviewers}/{r.officers} 人（{r.ratio:.1%}）" for r in ratios[:UNITS_SHOWN]]
        if len(ratios) > UNITS_SHOWN:
            lines.append(f"　……另有 {len(ratios) - UNITS_SHOWN} 个单位")
    return "<br>".join(lines)
