"""Merging two units that share a task keeps every progress report and evidence file of the one that goes."""
from __future__ import annotations

import datetime as dt

from desktop_app.core.models import Assignment, Evidence, Plan, Progress, Task, Unit
from desktop_app.core.progress import add_progress, evidence_file
from desktop_app.core.unit_merge import merge_units


def test_reports_of_a_dropped_duplicate_assignment_move_to_its_twin(demo_session, tmp_path):
    keep = Unit.get(Unit.short_name == "财政局")
    gone = Unit.get(Unit.short_name == "统计局")
    plan = Plan.create(title="测试", start_year=2025, end_year=2026)
    task = Task.create(plan=plan, number="1", content="共同任务", deadline_kind="date",
                       due_date=dt.date(2026, 6, 30))
    kept_assignment = Assignment.create(task=task, unit=keep, role="responsible")
    gone_assignment = Assignment.create(task=task, unit=gone, role="responsible")
    proof = tmp_path / "统计局的材料.pdf"
    proof.write_bytes(b"%PDF proof")
    report = add_progress(gone_assignment.id, "已完成", dt.date(2026, 5, 1), "统计局已完成", files=[proof])

    reports_before = Progress.select().count()
    result = merge_units(keep.id, gone.id)

    assert result.dropped_duplicates["assignment"] >= 1  # the demo's own tasks share many too
    assert Progress.select().count() == reports_before  # not one report lost
    moved = Progress.get_by_id(report.id)
    assert moved.assignment_id == kept_assignment.id and moved.text == "统计局已完成"
    evidence = Evidence.get(Evidence.progress == report.id)
    assert evidence_file(evidence).read_bytes() == b"%PDF proof"
    assert Assignment.select().where(Assignment.task == task).count() == 1
