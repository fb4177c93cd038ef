"""The demo county's task list: the 43 tasks of the real 红寺堡区 分工方案 (shipped in resources/demo),
imported through the same code as the clerk's import, then a believable spread of progress: most dated
tasks done (some late, some still open), standing duties reported in some periods and not in others,
yearly duties mostly met."""
from __future__ import annotations

import datetime as dt

from desktop_app.core import obligations as ob
from desktop_app.core.models import Assignment, Progress, Task, now
from desktop_app.paths import resource_path

SEED_FILE = ("resources", "demo", "红寺堡区提升行政执法质量三年行动任务分工方案.txt")
PLAN = dict(title="吴忠市红寺堡区关于提升行政执法质量三年行动任务分工方案", doc_number="",
            issuer="吴忠市红寺堡区人民政府办公室", start_year=2023, end_year=2025, issued_on=dt.date(2023, 12, 15),
            midterm_date=dt.date(2024, 10, 31), final_date=dt.date(2025, 10, 31))
DONE_TEXT = ["已按要求完成并报送司法局。", "已制定并印发，已在政府网站公开。", "已完成，相关材料已归档。"]
ONGOING_TEXT = ["正在梳理，已完成初稿。", "已部署，正在推进。"]
STANDING_TEXT = ["本期已按要求落实，开展专题学习 2 次。", "本期已落实，台账已更新。", "持续推进中。"]


def seed_tasks(ctx) -> None:
    from desktop_app.core.task_import import PlanInput, commit_task_import, preview_task_import

    preview = preview_task_import(resource_path(*SEED_FILE))
    plan = commit_task_import(preview, PlanInput(**PLAN), backup=False)
    rng, today = ctx.rng, ctx.today
    rows = []
    query = (Assignment.select(Assignment.id, Task.deadline_kind, Task.due_date, Task.due_month, Task.due_day)
             .join(Task).where(Task.plan == plan).tuples())
    for assignment_id, kind, due, month, day in query:
        rows += _reports_for(rng, today, assignment_id, kind, due, month, day)
    Progress.insert_many(rows, fields=[Progress.assignment, Progress.period, Progress.state, Progress.on_date,
                                       Progress.text, Progress.entered_by, Progress.entered_at]).execute()


def _report(assignment_id, period, state, on_date, text):
    return (assignment_id, period, state, on_date, text, "演示数据", now())


def _reports_for(rng, today, assignment_id, kind, due, month, day) -> list[tuple]:
    out = []
    if kind in ("date", "date_then_standing") and due:
        roll = rng.random()
        if roll < 0.72:  # done, mostly on time
            late = rng.random() < 0.25
            when = min(today, due + dt.timedelta(days=rng.randint(1, 40)) if late
                       else due - dt.timedelta(days=rng.randint(0, 60)))
            out.append(_report(assignment_id, "", "已完成", when, rng.choice(DONE_TEXT)))
        elif roll < 0.88:
            when = min(today, due - dt.timedelta(days=rng.randint(5, 90)))
            out.append(_report(assignment_id, "", "推进中", when, rng.choice(ONGOING_TEXT)))
        if kind == "date_then_standing" and out and out[-1][2] == "已完成":
            out += _standing_reports(rng, today, assignment_id, start=due)
    elif kind == "standing":
        out += _standing_reports(rng, today, assignment_id, start=dt.date(2024, 1, 1))
    elif kind == "annual" and month:
        for year in range(PLAN["issued_on"].year, today.year + 1):
            deadline = ob.annual_due(ob.Rule("annual", month=month, day=day), year)
            if deadline < PLAN["issued_on"]:
                continue  # the plan did not exist yet
            if deadline > today and rng.random() < 0.6:
                continue  # this year's not yet reported
            if rng.random() < 0.85:
                when = min(today, deadline - dt.timedelta(days=rng.randint(0, 25)))
                out.append(_report(assignment_id, f"{year}年", "已完成", when, rng.choice(DONE_TEXT)))
    return out


def _standing_reports(rng, today, assignment_id, start: dt.date) -> list[tuple]:
    out = []
    day = start
    while day <= today:
        label, first, last = ob.period_of(day, 6)
        if rng.random() < 0.7:
            span = (min(today, last) - first).days
            when = first + dt.timedelta(days=rng.randint(max(0, span - 60), span))
            out.append(_report(assignment_id, label, "本期已落实", when, rng.choice(STANDING_TEXT)))
        day = last + dt.timedelta(days=1)
    return out
