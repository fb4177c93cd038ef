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


CARDS_SQL = ("SELECT id, officer_id, kind, coalesce(number, ''), issuer, issued_on, valid_until, law_field "
             "FROM certificate")
EVENTS_SQL = ("SELECT certificate_id, kind, on_date, until, reason FROM certificate_event WHERE on_date <= ? "
              "{where} ORDER BY certificate_id, on_date, id")


def card_statuses(on_date: dt.date, officer_ids: list[int] | None = None) -> list[CardStatus]:
    """Cards that existed on `on_date` (at least one event by then) with their state that day.

    Two plain scans and a dict beat a correlated “latest event” subquery by half at 25,000 cards: events
    are refused out of order, so the last one on or before the day is the result of the whole replay."""
    day = on_date.isoformat()
    card_sql, event_where, params = CARDS_SQL, "", []
    if officer_ids is not None:
        if not officer_ids:
            return []
        marks = ",".join("?" * len(officer_ids))
        card_sql += f" WHERE officer_id IN ({marks})"
        event_where = f"AND certificate_id IN (SELECT id FROM certificate WHERE officer_id IN ({marks}))"
        params = list(officer_ids)
    last = {}
    for event in db.execute_sql(EVENTS_SQL.format(where=event_where), [day, *params]):
        last[event[0]] = event
    found = []
    append = found.append
    for cid, oid, kind, number, issuer, issued, valid_until, law_field in db.execute_sql(card_sql, params):
        event = last.get(cid)
        if event is None:
            continue  # not yet applied for on that day
        state = RESULT[event[1]]
        # ISO dates compare as text; the same rule as certificates.expiry_applied
        if (state == VALID or state == SUSPENDED) and valid_until is not None and valid_until < day:
            append(CardStatus(cid, oid, kind, number, issuer, issued, valid_until, law_field, EXPIRED,
                              None, None, ""))
        else:
            append(CardStatus(cid, oid, kind, number, issuer, issued, valid_until, law_field, state, event[2],
                              event[3] if state == SUSPENDED else None, event[4] or ""))
    return found


def by_officer(cards: list[CardStatus]) -> dict[int, list[CardStatus]]:
    """Each officer's cards, the one that speaks for them first (valid, then suspended, expired …)."""
    grouped: dict[int, list[CardStatus]] = {}
    for card in cards:
        grouped.setdefault(card.officer_id, []).append(card)
    for cards_ in grouped.values():
        if len(cards_) > 1:
            cards_.sort(key=lambda c: c.issued_iso or "", reverse=True)  # newest first among equals
            cards_.sort(key=lambda c: (c.kind != "law", RANK[c.state]))
    return grouped


def main_card(cards: list[CardStatus] | None, kind: str = "law") -> CardStatus | None:
    for card in cards or ():
        if card.kind == kind:
            return card
    return None
