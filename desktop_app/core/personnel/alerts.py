"""Warnings about officers, certificates and units: computed from the data each time they are shown,
never stored, so fixing the data clears them (issue 5 § Warnings)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.core.personnel.cert_status import CardStatus
from desktop_app.core.personnel.certificates import APPLIED, EXPIRED, SUSPENDED, VALID

EXPIRING, EXPIRED_CARD, SUSPEND_OVERDUE, NO_CERT, AUX_CERT, TWO_VALID, LEFT_CERT, REVIEWER_RATIO = (
    "expiring", "expired", "suspend_overdue", "no_cert", "aux_cert", "two_valid", "left_cert", "reviewer_ratio")
UNDER_TRAINED = "under_trained"  # last year's training hours below the threshold: a 年审 risk
LABELS = {
    EXPIRING: "证件即将到期",
    EXPIRED_CARD: "证件已过期",
    SUSPEND_OVERDUE: "暂扣期满未处理",
    NO_CERT: "执法岗位无有效证件",
    AUX_CERT: "辅助人员持有证件",
    TWO_VALID: "同时持有两个有效证件",
    LEFT_CERT: "已离岗仍持有证件",
    REVIEWER_RATIO: "法制审核人员占比不足",
    UNDER_TRAINED: "上年度学时不足",
}
DANGER = {EXPIRED_CARD, NO_CERT, AUX_CERT, LEFT_CERT, SUSPEND_OVERDUE, TWO_VALID}


@dataclass(frozen=True)
class Alert:
    code: str
    message: str
    officer_id: int | None = None
    unit_id: int | None = None
    cert_id: int | None = None
    days_left: int | None = None  # for EXPIRING: the threshold band is chosen by the caller's settings

    @property
    def label(self) -> str:
        return LABELS[self.code]

    @property
    def danger(self) -> bool:
        return self.code in DANGER


@dataclass(frozen=True)
class OfficerFacts:
    """What the rules need to know about one officer."""

    id: int
    name: str
    unit_id: int
    status: str
    on_enforcement_post: bool
    auxiliary: bool
    is_legal_reviewer: bool


def officer_alerts(officer: OfficerFacts, cards: list[CardStatus], today: dt.date,
                   expiry_days: int) -> list[Alert]:
    return card_alerts(officer.id, officer.unit_id, officer.status, officer.on_enforcement_post, officer.auxiliary,
                       cards, today, expiry_days)


NO_CERT_TEXT = "在执法岗位但没有有效的行政执法证，不得独立从事执法（持证上岗）"


def no_cert_alert(officer_id: int, unit_id: int) -> Alert:
    return Alert(NO_CERT, NO_CERT_TEXT, officer_id, unit_id)


def card_alerts(officer_id: int, unit_id: int, status: str, on_enforcement_post: bool, auxiliary: bool,
                cards: list[CardStatus], today: dt.date, expiry_days: int) -> list[Alert]:
    """officer_alerts without building OfficerFacts: the roster calls it for thousands of officers."""
    found: list[Alert] = []
    in_service = status == "在职"
    for card in cards:
        state = card.state
        if state == VALID or state == SUSPENDED:
            if in_service and card.valid_until_iso is not None:
                until = card.valid_until
                left = (until - today).days
                if left <= expiry_days:
                    found.append(Alert(EXPIRING, f"{_label(card)} 将于 {until:%Y-%m-%d} 到期（还有 {left} 天）",
                                       officer_id, unit_id, card.id, left))
            if state == SUSPENDED and card.until_iso is not None and card.until < today:
                found.append(Alert(SUSPEND_OVERDUE,
                                   f"{_label(card)} 暂扣至 {card.until:%Y-%m-%d}，期满未恢复、收回或注销",
                                   officer_id, unit_id, card.id))
        elif state == EXPIRED:
            found.append(Alert(EXPIRED_CARD, f"{_label(card)} 已于 {card.valid_until:%Y-%m-%d} 到期，应换证或注销",
                               officer_id, unit_id, card.id))
    live = [c for c in cards if c.state in LIVE]
    if not in_service and live:
        found.append(Alert(LEFT_CERT, f"已{status}，证件 {live[0].number or '（申领中）'} 尚未注销",
                           officer_id, unit_id, live[0].id))
    if in_service and auxiliary and any(c.state != EXPIRED for c in live):
        card = live[0]
        found.append(Alert(AUX_CERT, f"执法辅助人员不得持有执法证件（{card.number or '申领中'}）",
                           officer_id, unit_id, card.id))
    if in_service and on_enforcement_post and not auxiliary and not any(
            c.state == VALID and c.kind == "law" for c in cards):
        found.append(Alert(NO_CERT, NO_CERT_TEXT, officer_id, unit_id))
    if len(cards) > 1:
        for kind in ("law", "supervision"):
            valid = [c for c in cards if c.kind == kind and c.state == VALID]
            if len(valid) > 1:
                found.append(Alert(TWO_VALID, "同时有两个有效证件：" + "、".join(c.number for c in valid),
                                   officer_id, unit_id, valid[1].id))
    return found


LIVE = frozenset((VALID, SUSPENDED, APPLIED, EXPIRED))


def _label(card: CardStatus) -> str:
    return f"证件 {card.number}" if card.number else "申领中的证件"


def training_alert(officer_id: int, unit_id: int, year: int, shortfall: float, threshold: float) -> Alert:
    """An officer below `year`'s training hours (training/ledger.under_trained): 年审 may not be passed."""
    hours = max(0.0, round(threshold - shortfall, 2))
    return Alert(UNDER_TRAINED, f"{year}年度培训 {hours:g} 学时，不足 {threshold:g} 学时（差 {shortfall:g} 学时），"
                                "年审可能不予通过", officer_id=officer_id, unit_id=unit_id)


@dataclass(frozen=True)
class UnitRatio:
    unit_id: int
    unit_name: str
    officers: int  # 在职 enforcement officers (辅助人员 not counted)
    reviewers: int

    @property
    def ratio(self) -> float:
        return self.reviewers / self.officers if self.officers else 0.0


def reviewer_alerts(ratios: list[UnitRatio], minimum_percent: float) -> list[Alert]:
    found = []
    for unit in ratios:
        if unit.officers and unit.ratio * 100 < minimum_percent - 1e-9:
            needed = -(-unit.officers * minimum_percent // 100)
            found.append(Alert(REVIEWER_RATIO, f"{unit.unit_name}：法制审核人员 {unit.reviewers} 人，占执法人员 "
                               f"{unit.officers} 人的 {unit.ratio:.1%}，低于 {minimum_percent:g}%（至少需要 "
                               f"{int(needed)} 人）", unit_id=unit.unit_id))
    return found
