"""The 工作台's figures as aggregates, without loading the row lists the pages show (Qt-free, worker-safe).

The dashboard shows counts: tasks by status and each unit's met/total (各单位任务完成率), officers by the state
of their 行政执法证 with the warnings per kind, and this working year's training figures with every
officer's countable hours (the histogram). The pages' loads (task_board.load_assignments, personnel.roster
.load_roster, training.queries.compute_ledger) build a Python object per row — ~0.4 s and tens of MB each at
a prefecture's 20,000 officers — so the figures here are computed with SQL aggregates where the rules allow
it and with lean tuples where they do not (a task's status is computed by obligations.status), giving the
SAME numbers as the full computations (tests/core/test_dashboard_figures.py compares them):

- task_figures ≡ task_board.summary;
- personnel_figures ≡ roster.load_roster(today) → alert_counts, unit_ratios / unit_alerts and
  charts.certificate_counts;
- training_figures ≡ training.queries.compute_ledger(start, end) → the Ledger's figures.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from desktop_app.core import obligations as ob
from desktop_app.core.db import db
from desktop_app.core.settings import get_setting

# ---------------------------------------------------------------- 任务清单


@dataclass
class TaskFigures:
    """task_board.TaskSummary's figures: shares of tasks (分工) by status, per unit met (done or on track)."""

    overdue: int
    due_soon: int
    unreported: int
    assignments: int
    completion_by_unit: list[tuple[str, int, int]]  # unit, met, total; the lowest rate first


# only what a status needs: no task text, section or role (task_board.ASSIGNMENTS_SQL without them)
TASK_RULES_SQL = """
    SELECT a.id, u.name, t.deadline_kind, t.due_date, t.due_month, t.due_day, p.issued_on, p.start_year
    FROM assignment a JOIN task t ON t.id = a.task_id JOIN plan p ON p.id = t.plan_id JOIN unit u ON u.id = a.unit_id
    ORDER BY p.id, t.sort_order, CASE a.role WHEN 'lead' THEN 0 WHEN 'responsible' THEN 1 ELSE 2 END,
             u.sort_order, u.id"""
# in no order: a status asks whether some report does something (obligations: any(...)), never which came first
TASK_REPORTS_SQL = "SELECT assignment_id, period, state, on_date FROM progress"


def task_figures(today: dt.date | None = None) -> TaskFigures:
    """The 任务清单 card and chart (task_board.summary's numbers): each share's status by obligations.status,
    as load_assignments computes it, from the rule and the reports only. A dated or unspecified task only asks
    whether an 已完成 report exists, so such a rule's status is computed once for each answer."""
    from desktop_app.core.task_board import _date, _rule

    today = today or dt.date.today()
    soon, months = get_setting("task_due_soon_days"), get_setting("standing_report_months")
    rows = db.execute_sql(TASK_RULES_SQL).fetchall()
    only_done = {row[0] for row in rows if row[2] in ONLY_DONE_MATTERS or (row[2] == "annual" and not row[4])}
    reports: dict[int, list] = defaultdict(list)
    done: set[int] = set()
    for assignment_id, period, state, on_date in db.execute_sql(TASK_REPORTS_SQL):
        if state == "已完成":
            done.add(assignment_id)
        if assignment_id not in only_done:
            reports[assignment_id].append(ob.Report(period, state, _date(on_date)))
    by_done: dict[tuple, str] = {}
    per_unit: dict[str, list[int]] = {}
    counts: dict[str, int] = defaultdict(int)
    met_labels = (ob.DONE, ob.OK)
    status = ob.status
    for aid, unit, kind, due, month, day, issued, start in rows:
        if aid in only_done:
            key = (kind, due, month, day, issued, start, aid in done)
            label = by_done.get(key)
            if label is None:
                rule = _rule(kind, due, month, day, issued, start)
                label = by_done[key] = status(rule, DONE_REPORT if key[-1] else NO_REPORTS, today, soon,
                                              months).label
        else:
            rule = _rule(kind, due, month, day, issued, start)
            label = status(rule, reports.get(aid, NO_REPORTS), today, soon, months).label
        counts[label] += 1
        figures = per_unit.get(unit)
        if figures is None:
            figures = per_unit[unit] = [0, 0]
        figures[1] += 1
        if label in met_labels:
            figures[0] += 1
    completion = sorted(((u, met, n) for u, (met, n) in per_unit.items()), key=lambda x: x[1] / x[2])
    return TaskFigures(counts[ob.OVERDUE], counts[ob.SOON], counts[ob.UNREPORTED], sum(counts.values()),
                       completion)


# obligations.status reads nothing but “is there an 已完成 report” for these kinds (and for a dated or
# annual rule without its date, which falls through to the same test)
ONLY_DONE_MATTERS = ("date", "unspecified")
NO_REPORTS: list = []
DONE_REPORT = [ob.Report("", "已完成", None)]


# ---------------------------------------------------------------- 执法人员与证件


@dataclass
class PersonnelFigures:
    """What the 执法人员与证件 card and the 行政执法证状态 chart show, as load_roster(today) would give them."""

    officers: int  # 在职 执法人员 (辅助人员 not counted)
    valid: int  # of them holding a valid 行政执法证
    alert_counts: dict[str, int]  # officers per warning code (roster.alert_counts)
    short_units: list  # alerts.UnitRatio  # units below the 法制审核 ratio, in roster order (unit_ratios ∩ unit_alerts)
    certificate_counts: dict[str, int] = field(default_factory=dict)  # charts.certificate_counts' first value


def _rows(sql: str, params: list, columns: int) -> list:
    """The statement's rows fetched as one JSON array in one row: a worker thread takes the GIL back after
    each row SQLite hands over, and while the GUI thread holds it (Qt waiting for events) that wait costs
    more than the query — one row, one wait."""
    import json

    names = ", ".join(f"column{n + 1}" for n in range(columns))  # SQLite's names of a VALUES list's columns
    (found,) = db.execute_sql(f"WITH rows({names}) AS ({sql}) SELECT json_group_array(json_array({names})) "
                              "FROM rows", params).fetchone()
    return json.loads(found)


def _in(values, first: int) -> tuple[str, list]:
    """An IN list of numbered parameters from ?`first` on (an empty one matches nothing)."""
    values = sorted(values)
    marks = ",".join(f"?{first + n}" for n in range(len(values)))
    return marks or "SELECT NULL WHERE 0", values


# Each card's state on the day (the latest event on or before it, then expiry — cert_status.card_statuses'
# rule, one index probe per card), then per officer the facts the warning rules (alerts.officer_alerts) read.
PERSONNEL_SQL = """
WITH card AS (
  SELECT c.officer_id AS oid, c.kind AS kind, c.valid_until AS valid_until, e.kind AS event, e.until AS until
  FROM certificate c JOIN certificate_event e ON e.id = (
    SELECT f.id FROM certificate_event f WHERE f.certificate_id = c.id AND f.on_date <= :day
    ORDER BY f.on_date DESC, f.id DESC LIMIT 1)
), state AS MATERIALIZED (
  SELECT oid, kind = 'law' AS law, valid_until, until,
         CASE WHEN event IN ({dated_events}) AND valid_until < :day THEN {expired}
              ELSE CASE event {result} END END AS r
  FROM card
), per AS (
  SELECT oid,
         sum(r = {valid} AND law) AS valid_law,
         sum(r = {valid} AND NOT law) AS valid_supervision,
         max(r IN ({valid}, {suspended}) AND valid_until <= :soon) AS expiring,
         max(r = {expired}) AS expired,
         max(r = {suspended} AND until < :day) AS suspend_overdue,
         max(r IN ({valid}, {suspended}, {applied}, {expired})) AS live,
         max(r IN ({valid}, {suspended}, {applied})) AS live_unexpired,
         min(CASE WHEN law THEN r END) AS law_rank
  FROM state GROUP BY oid
), officers AS (
  SELECT o.status = '在职' AS serving, o.category IN ({auxiliary}) AS aux, o.on_enforcement_post AS on_post,
         coalesce(p.valid_law, 0) AS valid_law, coalesce(p.valid_supervision, 0) AS valid_supervision,
         coalesce(p.expiring, 0) AS expiring, coalesce(p.expired, 0) AS expired,
         coalesce(p.suspend_overdue, 0) AS suspend_overdue, coalesce(p.live, 0) AS live,
         coalesce(p.live_unexpired, 0) AS live_unexpired, p.law_rank AS law_rank
  FROM per p JOIN officer o ON o.id = p.oid
  UNION ALL  -- those without a card yet on the day (quicker than a LEFT JOIN's index over `per`)
  SELECT o.status = '在职', o.category IN ({auxiliary}), o.on_enforcement_post, 0, 0, 0, 0, 0, 0, 0, NULL
  FROM officer o WHERE NOT EXISTS (
    SELECT 1 FROM certificate c JOIN certificate_event e ON e.certificate_id = c.id
    WHERE c.officer_id = o.id AND e.on_date <= :day)
)
SELECT CASE WHEN serving AND NOT aux THEN coalesce(law_rank, -1) END, expiring AND serving,
       count(*), sum(expiring AND serving), sum(expired), sum(suspend_overdue), sum(NOT serving AND live),
       sum(serving AND aux AND live_unexpired), sum(serving AND on_post AND NOT aux AND valid_law = 0),
       sum(valid_law > 1 OR valid_supervision > 1)
FROM officers GROUP BY 1, 2
"""
REVIEWERS_SQL = """
SELECT o.unit_id, u.name, count(*), sum(o.is_legal_reviewer != 0)
FROM officer o JOIN unit u ON u.id = o.unit_id
WHERE o.status = '在职' AND o.category NOT IN ({auxiliary})
GROUP BY o.unit_id ORDER BY u.sort_order, u.id
"""


def _personnel_sql(auxiliary: str) -> str:
    """PERSONNEL_SQL with each state as its cert_status.RANK (a small integer compares faster than text)."""
    from desktop_app.core.personnel.cert_status import RANK
    from desktop_app.core.personnel.certificates import APPLIED, EXPIRED, RESULT, SUSPENDED, VALID

    dated = ", ".join(f"'{k}'" for k, v in RESULT.items() if v in (VALID, SUSPENDED))
    return PERSONNEL_SQL.format(
        dated_events=dated, expired=RANK[EXPIRED], valid=RANK[VALID], suspended=RANK[SUSPENDED],
        applied=RANK[APPLIED], auxiliary=auxiliary,
        result=" ".join(f"WHEN '{k}' THEN {RANK[v]}" for k, v in RESULT.items()))


# ledger.under_trained's rule in one statement (its TOTALS_SQL sum), counted among those who are 在职 执法人员 now
# (the roster's condition): below the threshold, or without any hours in the year unless registered (登记)
# after it began; ?5 lists (JSON) those not 在职 on the year's last day (personnel/roster.as_of_service).
# One row back: a worker thread hands the GIL over once, not once per officer.
UNDER_TRAINED_SQL = """
WITH totals AS (
  SELECT a.officer_id AS oid, total(CASE WHEN s.category != ?1 THEN a.hours ELSE 0 END) AS hours
  FROM training_session s JOIN attendance a ON a.session_id = s.id
  WHERE s.end_date BETWEEN ?2 AND ?3
  GROUP BY a.officer_id
)
SELECT count(*) FROM officer o LEFT JOIN totals h ON h.oid = o.id
WHERE o.status = '在职' AND o.category NOT IN ({auxiliary}) AND coalesce(h.hours, 0.0) + 1e-9 < ?4
  AND (h.hours IS NOT NULL
       OR o.id NOT IN (SELECT officer_id FROM officer_change WHERE kind = '登记' AND on_date > ?2))
  AND o.id NOT IN (SELECT value FROM json_each(?5))
"""


def _under_trained(year: int, auxiliary_set) -> int:
    """How many officers load_roster warns of 上年度学时不足 (ledger.under_trained ∩ 在职 执法人员 now)."""
    import json

    from desktop_app.core.models import POLITICAL_CATEGORY
    from desktop_app.core.personnel.roster import as_of_service
    from desktop_app.core.training.ledger import recorded, threshold_for, year_range

    start, end = year_range(year)
    if not recorded(start, end):
        return 0  # the ledger was not kept for the year: no warning for anyone
    past = as_of_service(end) if end < dt.date.today() else {}
    gone = json.dumps(sorted(oid for oid, (_unit, _name, status) in past.items() if status != "在职"))
    marks, auxiliary = _in(auxiliary_set, 6)
    params = [POLITICAL_CATEGORY, start.isoformat(), end.isoformat(), threshold_for(start, end), gone,
              *auxiliary]
    return db.execute_sql(UNDER_TRAINED_SQL.format(auxiliary=marks), params).fetchone()[0]


def personnel_figures(today: dt.date | None = None) -> PersonnelFigures:
    """The figures of load_roster(today). A past day on which someone served elsewhere or had not yet left
    is replayed by the roster itself (the dashboard always asks for today)."""
    from desktop_app.core.personnel import alerts as al
    from desktop_app.core.personnel import dictionaries
    from desktop_app.core.personnel.cert_status import RANK
    from desktop_app.core.personnel.certificates import EXPIRED, NONE, SUSPENDED, VALID
    from desktop_app.core.personnel.roster import EXPIRING_STATE, expiry_days

    today = today or dt.date.today()
    if today < dt.date.today():
        from desktop_app.core.personnel.roster import as_of_service, load_roster

        if as_of_service(today):  # moves or departures to undo: the roster's own replay
            return personnel_figures_from_rows(load_roster(today, details=False))
    marks, auxiliary = _in(dictionaries.auxiliary_categories(), 3)
    listed, _same = _in(auxiliary, 1)
    soon = (today + dt.timedelta(days=expiry_days())).isoformat()
    names = {rank: state for state, rank in RANK.items()}
    names[-1] = NONE
    states = {VALID: 0, EXPIRING_STATE: 0, SUSPENDED: 0, EXPIRED: 0}
    codes = (al.EXPIRING, al.EXPIRED_CARD, al.SUSPEND_OVERDUE, al.LEFT_CERT, al.AUX_CERT, al.NO_CERT,
             al.TWO_VALID)
    counts = dict.fromkeys(codes, 0)
    officers = 0
    sql = _personnel_sql(marks).replace(":day", "?1").replace(":soon", "?2")
    for rank, expiring, _n, *alerts in _rows(sql, [today.isoformat(), soon, *auxiliary], 10):
        if rank is not None:
            officers += _n
            state = names[rank]
            if state == VALID and expiring:
                state = EXPIRING_STATE
            states[state] = states.get(state, 0) + _n
        for code, n in zip(codes, alerts):
            counts[code] += n or 0
    counts[al.UNDER_TRAINED] = _under_trained(today.year - 1, auxiliary)
    minimum = float(get_setting("legal_review_ratio"))
    ratios = [al.UnitRatio(uid, name, n, reviewers)
              for uid, name, n, reviewers in _rows(REVIEWERS_SQL.format(auxiliary=listed), auxiliary, 4)]
    below = {a.unit_id for a in al.reviewer_alerts(ratios, minimum)}
    short_units = [r for r in ratios if r.unit_id in below]
    return PersonnelFigures(officers, states[VALID] + states[EXPIRING_STATE],
                            {code: n for code, n in counts.items() if n}, short_units, states)


def personnel_figures_from_rows(rows) -> PersonnelFigures:
    """The same figures from loaded roster rows (roster.load_roster / RosterCache): the reference the SQL
    above is tested against, and the card for a caller that has the rows already."""
    from desktop_app.core.charts import certificate_counts
    from desktop_app.core.personnel.certificates import VALID
    from desktop_app.core.personnel.roster import alert_counts, unit_alerts, unit_ratios

    states, officers = certificate_counts(rows)
    valid = sum(1 for r in rows if r.status == "在职" and not r.auxiliary and r.cert_state == VALID)
    short = {a.unit_id for a in unit_alerts(rows)}
    return PersonnelFigures(officers, valid, alert_counts(rows),
                            [r for r in unit_ratios(rows) if r.unit_id in short], states)


# ---------------------------------------------------------------- 培训学时


@dataclass
class TrainingFigures:
    """The working year's Ledger figures the 培训学时 card and the histogram show (compute_ledger's)."""

    start: dt.date
    end: dt.date
    threshold: float
    officers: int  # the population: 在职 执法人员 on the range's last day
    reaching: int
    rotated: int
    total_hours: float
    hours: list[float]  # each officer's countable hours (0 for those without), the histogram's input
    units_without_mental_health: list[tuple[int, str]]  # (unit id, name), in the units' order

    @property
    def short(self) -> int:
        return self.officers - self.reaching

    @property
    def reach_rate(self) -> float:
        return self.reaching / self.officers if self.officers else 0.0

    @property
    def average_hours(self) -> float:
        return self.total_hours / self.officers if self.officers else 0.0

    @property
    def rotation_rate(self) -> float:
        return self.rotated / self.officers if self.officers else 0.0


# The population's countable hours (政治理论 left out) counted per value — the histogram needs no more than
# how many officers have each — with how many of them attended a 轮训 by the deadline (ledger.ROTATION_SQL).
# A few hundred rows back instead of one per officer: a worker thread hands the GIL over once per row.
TRAINING_SQL = """
WITH totals AS (
  SELECT a.officer_id AS oid, total(CASE WHEN s.category != ?3 THEN a.hours END) AS countable
  FROM training_session s JOIN attendance a ON a.session_id = s.id
  WHERE s.end_date BETWEEN ?1 AND ?2 GROUP BY a.officer_id
), rotated AS (
  SELECT DISTINCT a.officer_id AS oid
  FROM training_session s CROSS JOIN attendance a ON a.session_id = s.id
  WHERE s.is_rotation = 1 AND s.end_date <= ?4
)
SELECT coalesce(h.countable, 0.0), count(*), sum(o.id IN rotated)
FROM officer o LEFT JOIN totals h ON h.oid = o.id
WHERE o.status = '在职' AND o.category NOT IN ({auxiliary})
GROUP BY 1
"""
# the units of the population, and those that held a 心理健康 activity: organised it, or one of their
# officers (of the population) attended it (ledger._mental_health_by_unit)
UNITS_SQL = """
SELECT u.id, u.name, u.id IN (
    SELECT s.organiser_unit_id FROM training_session s
    WHERE s.is_mental_health = 1 AND s.end_date BETWEEN ?1 AND ?2
    UNION
    SELECT o.unit_id FROM training_session s JOIN attendance a ON a.session_id = s.id
    JOIN officer o ON o.id = a.officer_id
    WHERE s.is_mental_health = 1 AND s.end_date BETWEEN ?1 AND ?2
      AND o.status = '在职' AND o.category NOT IN ({auxiliary}))
FROM unit u
WHERE u.id IN (SELECT unit_id FROM officer WHERE status = '在职' AND category NOT IN ({auxiliary}))
ORDER BY u.sort_order, u.id
"""


def training_figures(start: dt.date, end: dt.date) -> TrainingFigures:
    """compute_ledger(start, end)'s figures: the population (ledger.population), their hours
    (ledger.officer_hours), reaching as Ledger.reaching counts it (the shortfall rounded to 0.01 is 0) and the
    units of the population without a 心理健康 activity. A range that ended before today with someone
    moved or gone since is replayed by the ledger itself."""
    from desktop_app.core.models import POLITICAL_CATEGORY
    from desktop_app.core.personnel import dictionaries
    from desktop_app.core.personnel.roster import as_of_service
    from desktop_app.core.training.ledger import rotation_deadline, threshold_for

    if end < start:
        from desktop_app.core.errors import ValidationError

        raise ValidationError(f"统计区间的结束日期 {end:%Y-%m-%d} 早于开始日期 {start:%Y-%m-%d}。")
    if end < dt.date.today() and as_of_service(end):
        from desktop_app.core.training.queries import compute_ledger

        return training_figures_from_ledger(compute_ledger(start, end))
    threshold = threshold_for(start, end)
    marks, auxiliary = _in(dictionaries.auxiliary_categories(), 5)
    deadline = min(rotation_deadline(), end)
    hours: list[float] = []
    reaching = rotated = 0
    total = 0.0
    params = [start.isoformat(), end.isoformat(), POLITICAL_CATEGORY, deadline.isoformat(), *auxiliary]
    for countable, n, attended in _rows(TRAINING_SQL.format(auxiliary=marks), params, 3):
        countable = round(countable, 2)  # ledger.officer_hours rounds each category's sum to 0.01
        hours += [countable] * n
        total += countable * n
        rotated += attended
        if max(0.0, round(threshold - countable, 2)) <= 0:
            reaching += n
    marks, auxiliary = _in(dictionaries.auxiliary_categories(), 3)
    units = _rows(UNITS_SQL.format(auxiliary=marks), [start.isoformat(), end.isoformat(), *auxiliary], 3)
    without = [(uid, name) for uid, name, held in units if not held]
    return TrainingFigures(start, end, threshold, len(hours), reaching, rotated, total, sorted(hours), without)


def training_figures_from_ledger(ledger) -> TrainingFigures:
    """The same figures from a computed Ledger (training.queries.compute_ledger): the tests' reference, and
    a past range in which officers moved or left."""
    rows = ledger.officers
    return TrainingFigures(ledger.start, ledger.end, ledger.threshold, len(rows), ledger.reaching,
                           sum(1 for row in rows if row.rotation), sum(row.countable for row in rows),
                           sorted(row.countable for row in rows),
                           [(u.unit_id, u.unit_name) for u in ledger.units_without_mental_health()])
