"""Every certificate's status on one date in one query (lists, warnings, exports, reports).

The latest event on or before the date sets the state (events are refused out of order, so the latest one
is the result of the whole replay); expiry is then applied. An index on (certificate_id, on_date, id)
makes the correlated lookup one index probe per card.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.core.dates import parse_date
from desktop_app.core.db import db
from desktop_app.core.personnel.certificates import (
    APPLIED, CANCELLED, EXPIRED, RENEWED, RESULT, REVOKED, SUSPENDED, VALID, expiry_applied)

# Which card speaks for an officer when they have several of one kind.
RANK = {VALID: 0, SUSPENDED: 1, EXPIRED: 2, APPLIED: 3, REVOKED: 4, CANCELLED: 5, RENEWED: 6}


@dataclass(frozen=True)
class CardStatus:
    id: int
    officer_id: int
    kind: str
    number: str
    issuer: str
    issued_on: dt.date | None
    valid_until: dt.date | None
    law_field: str
    state: str
    since: dt.date | None
    until: dt.date | None  # 暂扣 end
    reason: str


def _day(value) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return parse_date(value)


SQL = """
SELECT c.id, c.officer_id, c.kind, coalesce(c.number, ''), c.issuer, c.issued_on, c.valid_until, c.law_field,
       e.kind, e.on_date, e.until, e.reason
FROM certificate c
JOIN certificate_event e ON e.id = (
    SELECT id FROM certificate_event x WHERE x.certificate_id = c.id AND x.on_date <= ?
    ORDER BY x.on_date DESC, x.id DESC LIMIT 1)
"""


def card_statuses(on_date: dt.date, officer_ids: list[int] | None = None) -> list[CardStatus]:
    """Cards that existed on `on_date` (at least one event by then) with their state that day."""
    sql, params = SQL, [on_date.isoformat()]
    if officer_ids is not None:
        if not officer_ids:
            return []
        sql += f" WHERE c.officer_id IN ({','.join('?' * len(officer_ids))})"
        params += officer_ids
    found = []
    for (cid, oid, kind, number, issuer, issued, until_valid, law_field, ekind, eday, until, reason) in \
            db.execute_sql(sql, params):
        valid_until = _day(until_valid)
        state = expiry_applied(RESULT[ekind], valid_until, on_date)
        since = _day(eday)
        if state == EXPIRED:
            since, until, reason = valid_until + dt.timedelta(days=1), None, ""
        found.append(CardStatus(cid, oid, kind, number, issuer, _day(issued), valid_until, law_field, state,
                                since, _day(until) if state == SUSPENDED else None, reason or ""))
    return found


def by_officer(cards: list[CardStatus]) -> dict[int, list[CardStatus]]:
    """Each officer's cards, the one that speaks for them first (valid, then suspended, expired …)."""
    grouped: dict[int, list[CardStatus]] = {}
    for card in cards:
        grouped.setdefault(card.officer_id, []).append(card)
    for cards_ in grouped.values():
        cards_.sort(key=lambda c: (c.kind != "law", RANK[c.state], -(c.issued_on or dt.date.min).toordinal()))
    return grouped


def main_card(cards: list[CardStatus] | None, kind: str = "law") -> CardStatus | None:
    for card in cards or ():
        if card.kind == kind:
            return card
    return None
