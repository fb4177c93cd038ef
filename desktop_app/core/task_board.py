"""What the 任务清单 screens show: every task × unit with its computed status, rolled up per task, per
unit and for the dashboard. One query each for the tasks, their assignments and the reports; statuses are
computed in Python for the day asked (never stored)."""
from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from dataclasses import dataclass, field

from desktop_app.core import obligations as ob
from desktop_app.core.db import db
from desktop_app.core.gc_pause import paused_gc
from desktop_app.core.models import ROLES, Task
from desktop_app.core.settings import get_setting


@dataclass(slots=True)
class AssignmentRow:
    id: int
    task_id: int
    plan_id: int
    section: str
    number: str
    content: str
    unit_id: int
    unit_name: str
    role: str
    deadline_text: str
    status: ob.Status
    last_report: str = ""
    last_date: dt.date | None = None
    task_order: int = 0


@dataclass
class TaskRow:
    id: int
    plan_id: int
    section: str
    number: str
    content: str
    deadline_text: str
    leaders: str
    units: str
    counts: dict[str, int] = field(default_factory=dict)
    order: int = 0

    @property
    def worst(self) -> str:
        present = [label for label, n in self.counts.items() if n]
        return min(present, key=ob.URGENCY.get) if present else ob.OPEN


@functools.lru_cache(maxsize=4096)
def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


@functools.lru_cache(maxsize=4096)
def _rule(kind, due, month, day, issued_on, start_year) -> ob.Rule:
    start = _date(issued_on) or (dt.date(start_year, 1, 1) if start_year else None)
    return ob.Rule(kind, _date(due), month, day, start)


# Raw cursors, not model rows: converting ~10 fields per row through peewee cost 2/3 of the time at
# prefecture scale (12,000 assignments, 20,000+ reports). A task's columns are read once (200 rows), not once
# per assignment (12,000 rows carrying the same content 60 times): its rule is parsed once too.
TASKS_SQL = """
    SELECT t.id, t.plan_id, t.sort_order, COALESCE(s.title, ''), t.number, t.content, t.deadline_text,
           t.deadline_kind, t.due_date, t.due_month, t.due_day, p.issued_on, p.start_year
    FROM task t JOIN plan p ON p.id = t.plan_id LEFT JOIN plan_section s ON s.id = t.section_id
    {where}"""
ASSIGNMENTS_SQL = """
    SELECT a.id, a.task_id, u.id, u.name, a.role
    FROM assignment a JOIN task t ON t.id = a.task_id JOIN unit u ON u.id = a.unit_id
    {where}
    ORDER BY t.plan_id, t.sort_order, CASE a.role WHEN 'lead' THEN 0 WHEN 'responsible' THEN 1 ELSE 2 END,
             u.sort_order, u.id"""
NONE: list[ob.Report] = []
REPORTS_SQL = "SELECT assignment_id, period, state, on_date, text FROM progress ORDER BY on_date, id"


def load_assignments(plan_id: int | None = None, today: dt.date | None = None,
                     reports_until: dt.date | None = None) -> list[AssignmentRow]:
    """`reports_until`: ignore progress reports dated after that day (a report as of a past day)."""
    with paused_gc():
        return _load(plan_id, today or dt.date.today(), reports_until)


def _load(plan_id: int | None, today: dt.date, reports_until: dt.date | None) -> list[AssignmentRow]:
    soon, months = get_setting("task_due_soon_days"), get_setting("standing_report_months")
    reports: dict[int, list[ob.Report]] = {}
    last: dict[int, tuple[dt.date, str, str]] = {}
    report = ob.Report
    for assignment_id, period, state, on_date, text in db.execute_sql(REPORTS_SQL):
        day = _date(on_date)
        if reports_until is not None and day is not None and day > reports_until:
            continue
        found = reports.get(assignment_id)
        if found is None:
            reports[assignment_id] = [report(period, state, day)]
        else:
            found.append(report(period, state, day))
        last[assignment_id] = (day, state, text)  # in date order: the last one stays
    where, params = ("WHERE t.plan_id = ?", (plan_id,)) if plan_id is not None else ("", ())
    tasks = {}
    for tid, pid, order, section, number, content, dtext, kind, due, month, day, issued, start in db.execute_sql(
            TASKS_SQL.format(where=where), params):
        rule = _rule(kind, due, month, day, issued, start)
        tasks[tid] = (pid, section, number, content, dtext, rule, order,
                      ob.status(rule, NONE, today, soon, months))  # the status of an assignment without reports
    rows = []
    append = rows.append
    status = ob.status
    for aid, tid, uid, uname, role in db.execute_sql(ASSIGNMENTS_SQL.format(where=where), params):
        task = tasks.get(tid)
        if task is None:  # not in a plan (cannot happen with the foreign keys on)
            continue
        pid, section, number, content, dtext, rule, order, unreported = task
        found = reports.get(aid)
        if found is None:
            append(AssignmentRow(aid, tid, pid, section, number, content, uid, uname, ROLES[role], dtext,
                                 unreported, "", None, order))
            continue
        when, state, text = last[aid]
        append(AssignmentRow(aid, tid, pid, section, number, content, uid, uname, ROLES[role], dtext,
                             status(rule, found, today, soon, months), f"{state}：{text}" if text else state,
                             when, order))
    return rows


def filter_rows(rows: list[AssignmentRow], unit_id: int | None = None, group_id: int | None = None,
                status: str | None = None, due_within: int | None = None, text: str = "",
                today: dt.date | None = None) -> list[AssignmentRow]:
    today = today or dt.date.today()
    members = None
    if group_id is not None:
        from desktop_app.core.unit_groups import expand_group

        members = {u.id for u in expand_group(group_id)}
    needle = text.strip()
    out = []
    for row in rows:
        if unit_id is not None and row.unit_id != unit_id:
            continue
        if members is not None and row.unit_id not in members:
            continue
        if status and row.status.label != status:
            continue
        if due_within is not None and not (row.status.due and 0 <= (row.status.due - today).days <= due_within
                                           and row.status.label != ob.DONE):
            continue
        if needle and needle not in row.content and needle not in row.unit_name and needle != row.number:
            continue
        out.append(row)
    return out


def task_rows(assignments: list[AssignmentRow], include_unassigned: bool = False,
              plan_id: int | None = None) -> list[TaskRow]:
    """Roll assignments up per task (the list shows a task's worst status and its status counts).
    With `include_unassigned`, tasks the document gave no unit appear too, so none goes unseen."""
    by_task: dict[int, TaskRow] = {}
    leaders = dict(Task.select(Task.id, Task.leaders).tuples()) if assignments or include_unassigned else {}
    units: dict[int, list[str]] = defaultdict(list)
    for row in assignments:
        task = by_task.get(row.task_id)
        if task is None:
            task = by_task[row.task_id] = TaskRow(row.task_id, row.plan_id, row.section, row.number, row.content,
                                                  row.deadline_text, leaders.get(row.task_id, ""), "",
                                                  order=row.task_order)
        task.counts[row.status.label] = task.counts.get(row.status.label, 0) + 1
        units[row.task_id].append(f"{row.unit_name}（{row.role}）")
    for task_id, task in by_task.items():
        task.units = "、".join(units[task_id])
    if include_unassigned:
        sql = UNASSIGNED_SQL + (" AND t.plan_id = ?" if plan_id is not None else "")
        for tid, pid, order, section, number, content, dtext, lead in db.execute_sql(
                sql, (plan_id,) if plan_id is not None else ()):
            by_task[tid] = TaskRow(tid, pid, section, number, content, dtext, lead, "（文件未写承办单位）",
                                   order=order)
    return sorted(by_task.values(), key=lambda t: (t.plan_id, t.order))


UNASSIGNED_SQL = """
    SELECT t.id, t.plan_id, t.sort_order, COALESCE(s.title, ''), t.number, t.content, t.deadline_text, t.leaders
    FROM task t LEFT JOIN plan_section s ON s.id = t.section_id
    WHERE NOT EXISTS (SELECT 1 FROM assignment a WHERE a.task_id = t.id)"""


def unit_obligations(unit_id: int, rows: list[AssignmentRow] | None = None,
                     today: dt.date | None = None) -> list[AssignmentRow]:
    """Everything one unit owes, most urgent first (from `rows` when the caller has them loaded)."""
    rows = [r for r in (load_assignments(today=today) if rows is None else rows) if r.unit_id == unit_id]
    far = dt.date.max
    return sorted(rows, key=lambda r: (r.status.urgency, r.status.due or far, r.number))


@dataclass
class TaskSummary:
    overdue: int
    due_soon: int
    unreported: int
    assignments: int
    completion_by_unit: list[tuple[str, int, int]]  # unit, met (done or on track), total


def summary(today: dt.date | None = None) -> TaskSummary:
    rows = load_assignments(today=today)
    per_unit: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        per_unit[row.unit_name][1] += 1
        if row.status.label in (ob.DONE, ob.OK):
            per_unit[row.unit_name][0] += 1
    completion = sorted(((u, met, total) for u, (met, total) in per_unit.items()), key=lambda x: x[1] / x[2])
    count = lambda label: sum(1 for r in rows if r.status.label == label)
    return TaskSummary(count(ob.OVERDUE), count(ob.SOON), count(ob.UNREPORTED), len(rows), completion)
