"""The rows the personnel list, the dashboard and the exports show: one query for officers, one for the
cards' status on the chosen date, one aggregate of last year's training hours, warnings computed on the way
(shared/tech.md §5a: tuples, not models)."""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from desktop_app.core.db import db
from desktop_app.core.gc_pause import building_rows
from desktop_app.core.personnel import alerts as al
from desktop_app.core.personnel import dictionaries
from desktop_app.core.personnel.cert_status import CardStatus, by_officer, card_statuses, iso_day, main_card
from desktop_app.core.personnel.certificates import CANCELLED, NONE, RENEWED, REVOKED, VALID

CLOSED = (RENEWED, CANCELLED, REVOKED)
from desktop_app.core.settings import get_setting


@dataclass(slots=True)
class RosterRow:
    id: int
    name: str
    unit_id: int
    unit_name: str
    gender: str
    birth_date: dt.date | None
    id_number: str
    category: str
    law_field: str
    post: str
    region: str
    phone: str
    status: str
    on_enforcement_post: bool
    is_legal_reviewer: bool
    is_public_lawyer: bool
    auxiliary: bool
    political_status: str
    education: str
    ethnicity: str
    cards: list[CardStatus]
    alerts: list[al.Alert]
    search_key: str

    @property
    def card(self) -> CardStatus | None:
        return main_card(self.cards)

    @property
    def cert_state(self) -> str:
        card = self.card
        return card.state if card else NONE

    @property
    def shown_state(self) -> str:
        """The card's state as lists and charts show it: a 有效 card about to expire (the 证件即将到期 warning)
        is 即将到期."""
        state = self.cert_state
        if state == VALID and any(a.code == al.EXPIRING for a in self.alerts):
            return EXPIRING_STATE
        return state

    @property
    def cert_number(self) -> str:
        card = self.card
        return card.number if card else ""

    @property
    def valid_until(self) -> dt.date | None:
        card = self.card
        return card.valid_until if card else None

    @property
    def alert_text(self) -> str:
        return "；".join(a.label for a in self.alerts)


EXPIRING_STATE = "即将到期"
NO_CARDS: list[CardStatus] = []
NO_ALERTS: list[al.Alert] = []  # shared: callers must not append to a row's alerts

# the unit's name comes from a dict of the few units (not decoded again for each of 20,000 officers)
LIST_COLUMNS = ("o.id, o.name, o.unit_id, o.gender, o.id_number, o.category, o.law_field, o.status, "
                "o.on_enforcement_post, o.is_legal_reviewer")
DETAIL_COLUMNS = ", o.birth_date, o.post, o.region, o.phone, o.is_public_lawyer, o.political_status, o.education, " \
                 "o.ethnicity"
ORDER = " ORDER BY u.sort_order, u.id, o.status != '在职', o.name, o.id"


def expiry_days() -> int:
    days = get_setting("cert_expiry_warning_days") or [180]
    return max(days)


def load_roster(today: dt.date | None = None, include_left: bool = True, details: bool = True,
                officer_ids: list[int] | None = None) -> list[RosterRow]:
    """Officers with their cards' status on `today` and their warnings. The list asks for
    `details=False` (birth date, post, phone … stay empty: the detail pane reads one officer), which
    halves what SQLite hands to Python at 20,000 officers; exports ask for everything."""
    with building_rows():
        return _load(today or dt.date.today(), include_left, details, officer_ids)


def _load(today: dt.date, include_left: bool, details: bool, officer_ids: list[int] | None) -> list[RosterRow]:
    # last year's training hours: one aggregate for everyone, then a lookup per officer
    from desktop_app.core.training import ledger  # not at the top: the ledger imports as_of_service from here

    trained_year = today.year - 1
    cards = by_officer(card_statuses(today, officer_ids))
    auxiliary = dictionaries.auxiliary_categories()
    window = expiry_days()
    quiet_after = (today + dt.timedelta(days=window)).isoformat()
    sql = f"SELECT {LIST_COLUMNS}{DETAIL_COLUMNS if details else ''} FROM officer o JOIN unit u ON u.id = o.unit_id"
    params: list = []
    if officer_ids is not None:
        sql += f" WHERE o.id IN ({','.join('?' * len(officer_ids))})"
        params = list(officer_ids)
    past = as_of_service(today) if today < dt.date.today() else {}
    records = db.execute_sql(sql + ORDER, params).fetchall()
    unit_names = dict(db.execute_sql("SELECT id, name FROM unit").fetchall())
    short_of_hours = ledger.under_trained(trained_year, officer_ids)
    threshold = ledger.threshold_for(*ledger.year_range(trained_year)) if short_of_hours else 0.0
    training_alert = _training_alerts(trained_year, threshold)
    card_alerts = al.card_alerts
    cards_of = cards.get
    row = RosterRow
    rows: list[RosterRow] = []
    append = rows.append
    no_details = NO_DETAILS
    for record in records:
        if details:
            (oid, name, unit_id, gender, id_number, category, law_field, status, on_post, reviewer,
             birth, post, region, phone, lawyer, political, education, ethnicity) = record
            birth = iso_day(birth)
        else:
            oid, name, unit_id, gender, id_number, category, law_field, status, on_post, reviewer = record
            birth, post, region, phone, lawyer, political, education, ethnicity = no_details
        if past and oid in past:
            unit_id, unit_name, status = past[oid]
        else:
            unit_name = unit_names[unit_id]
        in_service = status == "在职"
        if not in_service and not include_left:
            continue
        own = cards_of(oid, NO_CARDS)
        is_aux = category in auxiliary
        if own:
            first = own[0]
            if len(own) == 1:
                numbers = first.number
                quiet = (in_service and on_post and not is_aux and first.state == VALID and first.kind == "law"
                         and first.valid_until_iso is not None and first.valid_until_iso > quiet_after)
            else:
                numbers = " ".join([c.number for c in own])
                quiet = (in_service and on_post and not is_aux and first.state == VALID and first.kind == "law"
                         and first.valid_until_iso is not None and first.valid_until_iso > quiet_after
                         and all(c.state in CLOSED for c in own[1:]))
            # the common case: one valid card far from expiry — nothing to check
            found = NO_ALERTS if quiet else card_alerts(oid, unit_id, status, bool(on_post), is_aux, own, today,
                                                        window)
        else:
            numbers = ""
            found = [al.no_cert_alert(oid, unit_id)] if in_service and on_post and not is_aux else NO_ALERTS
        if in_service and not is_aux and oid in short_of_hours:
            found = [*found, training_alert(oid, unit_id, short_of_hours[oid])]
        append(row(oid, name, unit_id, unit_name, gender, birth, id_number, category, law_field, post, region,
                   phone, status, bool(on_post), bool(reviewer), bool(lawyer), is_aux, political, education,
                   ethnicity, own, found, f"{name} {id_number} {numbers}"))
    return rows


def _training_alerts(year: int, threshold: float):
    """al.training_alert with its text worked out once per shortfall (a few dozen distinct values serve
    thousands of officers)."""
    texts: dict[float, str] = {}

    def alert(officer_id: int, unit_id: int, shortfall: float) -> al.Alert:
        text = texts.get(shortfall)
        if text is None:
            text = texts[shortfall] = al.training_alert(officer_id, unit_id, year, shortfall, threshold).message
        return al.Alert(al.UNDER_TRAINED, text, officer_id, unit_id)

    return alert


NO_DETAILS = (None, "", "", "", 0, "", "", "")
LEAVING = ("调离", "退休", "辞职", "死亡")


def as_of_service(day: dt.date) -> dict[int, tuple[int, str, str]]:
    """Officer → (unit id, unit name, 在职状态) on `day`, for those whose unit or status changed after it,
    replayed from their history, so a roster “截至 2024-12-31” drawn in 2026 shows who served where then.
    (登记 is not a start date: a roster imported in 2026 registers people who served for years.)"""
    iso = day.isoformat()
    ids = [row[0] for row in db.execute_sql(
        "SELECT DISTINCT officer_id FROM officer_change WHERE on_date > ? AND kind != '登记'", [iso])]
    if not ids:
        return {}
    names = dict(db.execute_sql("SELECT id, name FROM unit").fetchall())
    found: dict[int, tuple[int, str, str]] = {}
    history = db.execute_sql(
        f"SELECT officer_id, kind, on_date, from_unit_id, to_unit_id FROM officer_change "
        f"WHERE officer_id IN ({','.join('?' * len(ids))}) ORDER BY officer_id, on_date, id", ids)
    state: dict[int, list] = {}
    for oid, kind, on_date, from_unit, to_unit in history:
        unit, status, settled = state.setdefault(oid, [None, "在职", False])
        if settled:
            continue
        if on_date > iso:  # the first change after the day says where they were until then
            state[oid] = [unit or from_unit or to_unit, status, True]
        elif kind in ("登记", "调动"):
            state[oid] = [to_unit or unit, status, False]
        elif kind in LEAVING:
            state[oid] = [unit or from_unit, kind, False]
        elif kind == "恢复在职":
            state[oid] = [unit or from_unit, "在职", False]
    for oid, (unit, status, _settled) in state.items():
        if unit is not None:
            found[oid] = (unit, names.get(unit, ""), status)
    return found


def change_stamp() -> tuple:
    """The connection itself, its own changes since it opened, and SQLite's data_version (other
    connections' commits): equal stamps mean nothing the roster shows has changed. Holding the connection
    object keeps a reopened or restored database (a new connection, counters back at zero) from matching."""
    conn = db.connection()
    return conn, conn.total_changes, db.execute_sql("PRAGMA data_version").fetchone()[0]


class RosterCache:
    """The last list load, kept while the database is unchanged and the day is the same: reopening the
    page or the dashboard's figures cost nothing. A stamp read from another thread's connection only
    causes a reload, never stale rows."""

    def __init__(self) -> None:
        self._key: tuple | None = None
        self._rows: list[RosterRow] = []

    def rows(self, today: dt.date | None = None, stamp: tuple | None = None) -> list[RosterRow]:
        """`stamp`: (day, *change_stamp()) taken by the caller on its own thread before asking — a worker
        thread's fresh connection has a stamp of its own that would never match the last load's."""
        today = today or dt.date.today()
        key = stamp if stamp is not None else (today, *change_stamp())
        if key != self._key:
            self._rows = load_roster(today, details=False)
            self._key = key
        return self._rows

    def clear(self) -> None:
        self._key = None


@dataclass
class RosterFilter:
    text: str = ""
    unit_id: int | None = None
    category: str = ""
    status: str = ""  # officer status (在职 …) or a certificate state (有效, 暂扣, 未发证 …)
    alert: str = ""  # an alert code, or "any"


def filter_rows(rows: list[RosterRow], flt: RosterFilter) -> list[RosterRow]:
    """Search as you type over already loaded rows: no query, a few ms at 20,000 officers."""
    text = flt.text.strip().upper()  # IDs and card numbers are stored upper-case
    out = rows
    if flt.unit_id:
        out = [r for r in out if r.unit_id == flt.unit_id]
    if flt.category:
        out = [r for r in out if r.category == flt.category]
    if flt.status:
        if flt.status in ("在职", "调离", "退休", "辞职", "死亡"):
            out = [r for r in out if r.status == flt.status]
        else:
            out = [r for r in out if r.cert_state == flt.status]
    if flt.alert:
        if flt.alert == "any":
            out = [r for r in out if r.alerts]
        else:
            out = [r for r in out if any(a.code == flt.alert for a in r.alerts)]
    if text:
        parts = text.split()
        out = [r for r in out if all(p in r.search_key for p in parts)]
    return out


def unit_ratios(rows: list[RosterRow]) -> list[al.UnitRatio]:
    officers: Counter = Counter()
    reviewers: Counter = Counter()
    names = {}
    for row in rows:
        if row.status != "在职" or row.auxiliary:
            continue
        officers[row.unit_id] += 1
        reviewers[row.unit_id] += row.is_legal_reviewer
        names[row.unit_id] = row.unit_name
    return [al.UnitRatio(uid, names[uid], officers[uid], reviewers[uid]) for uid in officers]


def unit_alerts(rows: list[RosterRow]) -> list[al.Alert]:
    return al.reviewer_alerts(unit_ratios(rows), float(get_setting("legal_review_ratio")))


def alert_counts(rows: list[RosterRow]) -> dict[str, int]:
    """Officers per warning, for the dashboard and the filter's counts."""
    counts: dict[str, int] = {}
    get = counts.get
    for row in rows:
        found = row.alerts
        if not found:  # most officers
            continue
        if len(found) == 1:
            code = found[0].code
            counts[code] = get(code, 0) + 1
        else:
            for code in {a.code for a in found}:
                counts[code] = get(code, 0) + 1
    return counts
