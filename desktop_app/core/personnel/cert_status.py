"""Every certificate's status on one date in one query (lists, warnings, exports, reports).

The latest event on or before the date sets the state (events are refused out of order, so the latest one
is the result of the whole replay); expiry is then applied. An index on (certificate_id, on_date, id)
makes the correlated lookup one index probe per card.
"""
from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from desktop_app.core.dates import parse_date
from desktop_app.core.db import db
from desktop_app.core.personnel.certificates import (
    APPLIED,
    CANCELLED,
    EXPIRED,
    RENEWED,
    RESULT,
    REVOKED,
    SUSPENDED,
    VALID,
)

# Which card speaks for an officer when they have several of one kind.
RANK = {VALID: 0, SUSPENDED: 1, EXPIRED: 2, APPLIED: 3, REVOKED: 4, CANCELLED: 5, RENEWED: 6}


class CardStatus(NamedTuple):
    """A card and its state on one date. A tuple holding SQLite's ISO text: 25,000 are built per list load,
    so dates are parsed only when a caller reads them (the properties)."""

    id: int
    officer_id: int
    kind: str
    number: str
    issuer: str
    issued_iso: str | None
    valid_until_iso: str | None
    law_field: str
    state: str
    since_iso: str | None  # the event that set the state (None for 过期: the day after 有效期至)
    until_iso: str | None  # end of a 暂扣
    reason: str

    @property
    def issued_on(self) -> dt.date | None:
        return iso_day(self.issued_iso)

    @property
    def valid_until(self) -> dt.date | None:
        return iso_day(self.valid_until_iso)

    @property
    def since(self) -> dt.date | None:
        if self.state == EXPIRED:
            return self.valid_until + dt.timedelta(days=1)
        return iso_day(self.since_iso)

    @property
    def until(self) -> dt.date | None:
        return iso_day(self.until_iso)


_DAYS: dict[str, dt.date] = {}


def iso_day(value) -> dt.date | None:
    """ISO text from SQLite → date; a few thousand distinct days serve 25,000 cards, so memoise."""
    if value is None or isinstance(value, dt.date):
        return value
    day = _DAYS.get(value)
    if day is None:
        day = _DAYS[value] = dt.date.fromisoformat(value) if len(value) == 10 else parse_date(value)
    return day


# Each card with the last event on or before the day (events are refused out of order, so it is the result
# of the whole replay): one probe of the (certificate_id, on_date, id) index per card, read backwards.
CARDS_SQL = """
SELECT c.id, c.officer_id, c.kind, coalesce(c.number, ''), c.issuer, c.issued_on, c.valid_until, c.law_field,
       e.kind, e.on_date, e.until, e.reason
FROM certificate c JOIN certificate_event e ON e.id = (
    SELECT x.id FROM certificate_event x WHERE x.certificate_id = c.id AND x.on_date <= ?
    ORDER BY x.on_date DESC, x.id DESC LIMIT 1)
"""


def card_statuses(on_date: dt.date, officer_ids: list[int] | None = None) -> list[CardStatus]:
    """Cards that existed on `on_date` (at least one event by then) with their state that day.

    One query handing Python one row per card: at 25,000 cards 0.8× the time of scanning the cards and
    every event separately and keeping each card's last event in a dict."""
    day = on_date.isoformat()
    sql, params = CARDS_SQL, [day]
    if officer_ids is not None:
        if not officer_ids:
            return []
        sql += f"WHERE c.officer_id IN ({','.join('?' * len(officer_ids))})"
        params += officer_ids
    found = []
    append = found.append
    new, result = tuple.__new__, RESULT  # tuple.__new__: no Python-level __new__ per card
    for cid, oid, kind, number, issuer, issued, valid_until, law_field, event, since, until, reason in \
            db.execute_sql(sql, params):
        state = result[event]
        # ISO dates compare as text; the same rule as certificates.expiry_applied
        if (state == VALID or state == SUSPENDED) and valid_until is not None and valid_until < day:
            append(new(CardStatus, (cid, oid, kind, number, issuer, issued, valid_until, law_field, EXPIRED,
                                    None, None, "")))
        else:
            append(new(CardStatus, (cid, oid, kind, number, issuer, issued, valid_until, law_field, state, since,
                                    until if state == SUSPENDED else None, reason or "")))
    return found


def by_officer(cards: list[CardStatus]) -> dict[int, list[CardStatus]]:
    """Each officer's cards, the one that speaks for them first (valid, then suspended, expired …)."""
    grouped: dict[int, list[CardStatus]] = {}
    for card in cards:
        own = grouped.get(card.officer_id)
        if own is None:
            grouped[card.officer_id] = [card]
        else:
            own.append(card)
    for cards_ in grouped.values():
        if len(cards_) == 2:  # most often a renewed card and its successor: one comparison, same order
            a, b = cards_
            key_a, key_b = (a.kind != "law", RANK[a.state]), (b.kind != "law", RANK[b.state])
            if key_b < key_a or (key_b == key_a and (b.issued_iso or "") > (a.issued_iso or "")):
                cards_.reverse()
        elif len(cards_) > 1:
            cards_.sort(key=lambda c: c.issued_iso or "", reverse=True)  # newest first among equals
            cards_.sort(key=lambda c: (c.kind != "law", RANK[c.state]))
    return grouped


def main_card(cards: list[CardStatus] | None, kind: str = "law") -> CardStatus | None:
    for card in cards or ():
        if card.kind == kind:
            return card
    return None
