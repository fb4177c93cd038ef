"""Importing a task list into the register, as a clerk sees it: seed 004 into a county that has its units
and groups but no plan yet (names resolve, groups expand, one transaction, an audit entry, a safety
backup), every form of the seed giving the same assignments; unknown and ambiguous names stopping the
commit until settled; bad files refused with the file named; and what the clerk then sees on the demo:
statuses at a fixed day, a completion report with fingerprinted evidence."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest

from desktop_app.core import audit, name_index
from desktop_app.core import obligations as ob
from desktop_app.core.backup import list_backups
from desktop_app.core.db import db
from desktop_app.core.errors import AppError
from desktop_app.core.models import (
    ROLES,
    Assignment,
    AuditLog,
    Evidence,
    Plan,
    PlanSection,
    Progress,
    Task,
    Unit,
    UnitGroup,
)
from desktop_app.core.task_board import load_assignments
from desktop_app.core.task_import import (
    PlanInput,
    commit_task_import,
    guess_plan,
    preview_task_import,
    settle_unknown_by_creating,
)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "tasks"
BAD = ROOT / "bad_inputs"
SEED = FIXTURES / "seed004_utf8.txt"
OTHER_FORMS = ["seed004.docx", "seed004_table.docx", "seed004_shuffled.xlsx"]
TABLE_FORMS = {"seed004_table.docx", "seed004_shuffled.xlsx"}
SECTIONS = ["全面提升行政执法人员能力素质", "全面推进严格规范公正文明执法", "健全完善行政执法工作体系",
            "加快构建行政执法协调监督工作体系", "健全行政执法和行政执法监督科技保障体系", "不断强化行政执法保障能力"]
TOWNSHIPS = {"红寺堡区红寺堡镇人民政府", "红寺堡区太阳山镇人民政府", "红寺堡区大河乡人民政府",
             "红寺堡区新庄集乡人民政府", "红寺堡区柳泉乡人民政府"}
DAY = dt.date(2026, 11, 21)


# ------------------------------------------------------------------------------------------- helpers

@pytest.fixture
def register(session, monkeypatch):
    """The demo county's settings, units and groups, but no task list (the 任务清单 step removed)."""
    from desktop_app.core import demo

    monkeypatch.setattr(demo, "DEMO_STEPS", demo.DEMO_STEPS[:3])
    demo.populate_demo()
    assert Plan.select().count() == 0 and Unit.select().count() > 30
    return session


@pytest.fixture
def demo_day(session, monkeypatch):
    """The demo (43 tasks with progress) generated as of DAY, so the statuses do not drift; the personnel
    step is left out, nothing here reads it."""
    from desktop_app.core import demo

    monkeypatch.setattr(demo, "DEMO_STEPS", [s for s in demo.DEMO_STEPS if s[0] != "执法人员与证件"])
    demo.populate_demo(today=DAY)
    return session


def row_counts() -> dict[str, int]:
    tables = [r[0] for r in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
    return {t: db.execute_sql(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def unit_id(name: str) -> int:
    return Unit.get((Unit.name == name) | (Unit.short_name == name)).id


def full_name(short: str) -> str:
    return Unit.get(Unit.short_name == short).name


def import_file(path: Path, backup: bool = True) -> Plan:
    preview = preview_task_import(path)
    assert preview.unsettled == [], [c.written for c in preview.unsettled]
    return commit_task_import(preview, guess_plan(preview), backup=backup)


def assignment_set(plan: Plan) -> set[tuple[str, int, str]]:
    query = (Assignment.select(Task.number, Assignment.unit, Assignment.role).join(Task)
             .where(Task.plan == plan).tuples())
    return set(query)


def task_units(plan: Plan, number: str, role: str | None = None,
               written: str | None = None) -> list[tuple[str, str]]:
    """(unit name, role label) of one task's assignments, optionally only one role or one written name."""
    query = (Assignment.select(Unit.name, Assignment.role).join(Unit).switch(Assignment).join(Task)
             .where((Task.plan == plan) & (Task.number == number)))
    if role:
        query = query.where(Assignment.role == role)
    if written:
        query = query.where(Assignment.written_name == written)
    return [(name, ROLES[r]) for name, r in query.tuples()]


def write_list(tmp_path: Path, name: str, body: str) -> Path:
    path = tmp_path / name
    path.write_text(body, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------- seed 004 import

def test_every_name_of_seed_004_resolves_to_the_register(register):
    preview = preview_task_import(SEED)
    assert len(preview.parsed.tasks) == 43
    assert preview.unsettled == []
    assert preview.warnings() == []
    justice = preview.choice("司法局").target
    assert (justice.kind, justice.id, justice.name) == ("unit", unit_id("红寺堡区司法局"), "红寺堡区司法局")
    townships = preview.choice("各乡镇〔街道〕").target
    assert townships.kind == "group" and townships.name == "各乡镇〔街道〕"
    # the alias task 18 uses leads to the same group as the name the other tasks use
    assert preview.choice("各行政主管部门〔单位〕").target.id == preview.choice("各行政执法部门〔单位〕").target.id
    assert preview.choice("政府办").target.name == "吴忠市红寺堡区人民政府办公室"
    assert preview.choice("区委编办").target.name == "中共吴忠市红寺堡区委员会机构编制委员会办公室"


def test_seed_004_commits_43_tasks_in_6_sections(register):
    audit_before = AuditLog.select().count()
    plan = import_file(SEED)
    assert Plan.select().count() == 1
    sections = PlanSection.select().where(PlanSection.plan == plan).order_by(PlanSection.sort_order)
    assert [s.title for s in sections] == SECTIONS
    tasks = list(Task.select().where(Task.plan == plan).order_by(Task.sort_order))
    assert [t.number for t in tasks] == [str(n) for n in range(1, 44)]
    per_section = [sum(t.section.title == title for t in tasks) for title in SECTIONS]
    assert per_section == [7, 11, 8, 9, 1, 7]
    task3 = tasks[2]
    assert (task3.deadline_text, task3.deadline_kind, task3.due_date) == \
        ("2024年6月15日前并长期坚持", "date_then_standing", dt.date(2024, 6, 15))
    assert (tasks[16].deadline_kind, tasks[16].due_month) == ("annual", 10)  # 17: 每年10月底前
    assert all(t.assignments.count() for t in tasks)  # every task of the seed names its units
    # one audit entry for the whole plan, none per task or assignment
    assert AuditLog.select().count() == audit_before + 1
    entry = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert (entry.entity, entry.action, entry.entity_id) == ("plan", "create", plan.id)
    assert AuditLog.select().where(AuditLog.entity == "plan").count() == 1
    assert '"任务数": [null, 43]' in entry.changes
    assert audit.verify_chain().ok


def test_groups_expand_to_their_members(register):
    plan = import_file(SEED)
    towns = {name for name, _ in task_units(plan, "1", "responsible", "各乡镇〔街道〕")}
    assert towns == TOWNSHIPS
    enforcement = {u.name for u in Unit.select().where(Unit.kind == "enforcement")}
    everyone = {name for name, _ in task_units(plan, "1", "responsible", "各行政执法部门〔单位〕")}
    assert everyone == enforcement | {"红寺堡区司法局"}
    assert task_units(plan, "1") and {role for _, role in task_units(plan, "1")} == {"责任"}
    assert len(task_units(plan, "1")) == len(enforcement) + 1 + len(TOWNSHIPS)
    # the via-group link is kept, so the clerk can see why a unit got the task
    group = UnitGroup.get(UnitGroup.name == "各乡镇〔街道〕")
    rows = (Assignment.select().join(Task).where((Task.plan == plan) & (Task.number == "1")
                                                 & (Assignment.written_name == "各乡镇〔街道〕")))
    assert {a.via_group_id for a in rows} == {group.id}


def test_司法局_is_the_county_bureau(register):
    plan = import_file(SEED)
    assert task_units(plan, "33") == [("红寺堡区司法局", "责任")]
    assert ("红寺堡区司法局", "牵头") in task_units(plan, "6")


def test_task_15_leads_and_cooperating_regulators(register):
    from desktop_app.core.demo import INDUSTRY_REGULATORS

    plan = import_file(SEED)
    lead_names = ("政府办", "发展和改革局", "市场监督管理分局")
    leads = {(full_name(s), "牵头") for s in lead_names}
    # a lead unit that is also in the 配合 group is assigned once, as the lead
    helpers = {(full_name(s), "配合") for s in INDUSTRY_REGULATORS if s not in lead_names}
    found = task_units(plan, "15")
    assert len(found) == len(set(found))
    assert set(found) == leads | helpers
    assert len(helpers) == len(INDUSTRY_REGULATORS) - 2


def test_a_unit_named_directly_and_through_a_group_gets_one_assignment(register, tmp_path):
    path = write_list(tmp_path, "重复单位.txt", "某区行政执法工作任务清单\n一、执法监督\n"
                      "1. 开展行政执法案卷评查。\n"
                      "责任单位：司法局、各行政执法部门〔单位〕、各行政执法部门、财政局\n"
                      "完成时限：2025年6月底前\n")
    plan = import_file(path)
    found = task_units(plan, "1")
    assert len(found) == len(set(found))
    assert found.count(("红寺堡区司法局", "责任")) == 1
    assert found.count(("红寺堡区财政局", "责任")) == 1
    enforcement = Unit.select().where(Unit.kind == "enforcement").count()
    assert len(found) == enforcement + 1
    assert Assignment.select().join(Task).where(Task.plan == plan).count() == enforcement + 1


def test_import_takes_a_safety_backup_first(register):
    assert list_backups(register.backup_dir) == []
    import_file(SEED)
    backups = list_backups(register.backup_dir)
    assert [b.reason for b in backups] == ["导入前"]
    assert "导入前" in backups[0].path.name
    assert backups[0].counts.get("task", 0) == 0  # taken before the plan went in


@pytest.mark.parametrize("name", OTHER_FORMS)
def test_every_form_of_the_seed_gives_the_same_plan(register, name):
    truth = import_file(SEED, backup=False)
    other = import_file(FIXTURES / name, backup=False)
    assert other.title == truth.title

    def tasks(plan):
        return [(t.number, t.section.title, t.deadline_text, t.deadline_kind, t.due_date, t.due_month,
                 t.due_day, re.sub(r"\s+", "", t.content) if name in TABLE_FORMS else t.content)
                for t in Task.select().where(Task.plan == plan).order_by(Task.sort_order)]

    assert tasks(other) == tasks(truth)
    pairs = assignment_set(truth)
    assert len(pairs) > 1000  # 43 tasks, most addressed to every enforcement unit and township
    assert len(pairs) == len({(number, unit) for number, unit, _ in pairs})  # one role per unit and task
    assert assignment_set(other) == assignment_set(truth)


# ------------------------------------------------------------------------ unknown and ambiguous names

UNKNOWN_LIST = ("红寺堡区档案工作任务清单\n一、档案管理\n"
                "1. 规范行政执法案卷归档，建立电子档案。\n"
                "牵头单位：红寺堡区档案馆\n"
                "配合单位：统计局、司法局\n"
                "完成时限：2025年6月底前\n"
                "2. 开展执法档案专项检查。\n"
                "责任单位：红寺堡区档案馆\n"
                "完成时限：长期坚持\n")


@pytest.fixture
def unknown_preview(register, tmp_path):
    """A list naming a unit the register lacks and a name two register entries answer to."""
    from desktop_app.core.units import UnitInput, create_unit

    # a second entry that also reads as “统计局” once the county name is left off
    create_unit(UnitInput("吴忠市红寺堡区统计局", "enforcement"))
    assert len(name_index.resolve("统计局")) == 2
    return preview_task_import(write_list(tmp_path, "档案任务.txt", UNKNOWN_LIST))


def test_unknown_and_ambiguous_names_stay_unsettled(unknown_preview):
    preview = unknown_preview
    assert [c.written for c in preview.unsettled] == ["红寺堡区档案馆", "统计局"]
    archive, stats = preview.unsettled
    assert archive.candidates == [] and archive.describe() == "登记册中没有此单位"
    assert archive.tasks == ["1", "2"]
    assert {m.name for m in stats.candidates} == {"红寺堡区统计局", "吴忠市红寺堡区统计局"}
    assert stats.describe().startswith("有多个可能")
    assert preview.choice("司法局").settled
    messages = [m for _, m in preview.warnings()]
    assert any("红寺堡区档案馆" in m for m in messages) and any("统计局" in m for m in messages)


def test_commit_with_unsettled_names_writes_nothing(unknown_preview):
    before = row_counts()
    with pytest.raises(AppError) as excinfo:
        commit_task_import(unknown_preview, guess_plan(unknown_preview))
    assert "红寺堡区档案馆" in str(excinfo.value) and "统计局" in str(excinfo.value)
    assert "2 个单位名称" in str(excinfo.value)
    assert row_counts() == before
    assert list_backups(Path(db.database).parent / "backups") == []  # no safety backup either


def test_settling_by_mapping_to_existing_units(unknown_preview):
    preview = unknown_preview
    preview.choice("红寺堡区档案馆").target = name_index.resolve("政府办")[0]
    stats = preview.choice("统计局")
    stats.target = next(m for m in stats.candidates if m.name == "红寺堡区统计局")
    assert preview.unsettled == []
    units_before = Unit.select().count()
    plan = commit_task_import(preview, PlanInput("档案工作任务清单"))
    assert Unit.select().count() == units_before
    assert sorted(task_units(plan, "1")) == sorted([("吴忠市红寺堡区人民政府办公室", "牵头"),
                                                    ("红寺堡区统计局", "配合"), ("红寺堡区司法局", "配合")])
    assert task_units(plan, "2") == [("吴忠市红寺堡区人民政府办公室", "责任")]


def test_settling_by_creating_the_unit(unknown_preview):
    preview = unknown_preview
    preview.choice("红寺堡区档案馆").create_kind = "other"
    preview.choice("统计局").target = preview.choice("统计局").candidates[0]
    plan = commit_task_import(preview, PlanInput("档案工作任务清单"))
    archive = Unit.get(Unit.name == "红寺堡区档案馆")
    assert archive.kind == "other" and archive.is_active
    assert ("红寺堡区档案馆", "牵头") in task_units(plan, "1")
    assert task_units(plan, "2") == [("红寺堡区档案馆", "责任")]
    from desktop_app.core.audit_view import list_entries

    entries = [e for e in list_entries(entity="unit") if "红寺堡区档案馆" in e.summary + e.changes]
    assert len(entries) == 1 and entries[0].action == "新增"
    assert audit.verify_chain().ok


def test_create_missing_units_settles_only_the_unknown(unknown_preview):
    made = settle_unknown_by_creating(unknown_preview)
    assert made == ["红寺堡区档案馆"]
    assert [c.written for c in unknown_preview.unsettled] == ["统计局"]  # ambiguous: still the clerk's call
    with pytest.raises(AppError, match="统计局"):
        commit_task_import(unknown_preview, guess_plan(unknown_preview))
    assert not Unit.select().where(Unit.name == "红寺堡区档案馆").exists()


# ----------------------------------------------------------------------------------------- bad input

def _bad_file(tmp_path: Path, name: str) -> Path:
    if name == "空文件.txt":
        path = tmp_path / name
        path.write_bytes(b"")
        return path
    if name == "只有说明.txt":
        return write_list(tmp_path, name, "关于做好行政执法工作的通知\n\n各单位要高度重视，认真抓好落实，"
                                          "确保各项工作取得实效。\n\n特此通知。\n")
    return BAD / name


@pytest.mark.parametrize("name", ["truncated.docx", "empty_sheet.xlsx", "not_a_zip.docx", "空文件.txt",
                                  "只有说明.txt"])
def test_bad_files_are_refused_with_the_file_named(register, tmp_path, name):
    path = _bad_file(tmp_path, name)
    before = row_counts()
    with pytest.raises(AppError) as excinfo:
        preview_task_import(path)
    assert f"“{name}”" in str(excinfo.value)
    assert re.search(r"[\u4e00-\u9fff]", str(excinfo.value))
    assert row_counts() == before
    assert list_backups(register.backup_dir) == []


# ------------------------------------------------------------------ statuses and progress on the demo

def test_demo_has_every_kind_of_status_on_a_fixed_day(demo_day):
    rows = load_assignments(today=DAY)
    labels = {r.status.label for r in rows}
    assert {ob.OVERDUE, ob.DONE, ob.UNREPORTED, ob.OK} <= labels
    assert len(rows) == Assignment.select().count()


def test_a_dated_task_without_completion_is_overdue(demo_day):
    rows = [r for r in load_assignments(today=DAY) if r.deadline_text == "2024年3月底前"]
    assert rows and {r.number for r in rows} == {"11"}
    done = {a for (a,) in Progress.select(Progress.assignment).where(Progress.state == "已完成").tuples()}
    open_rows = [r for r in rows if r.id not in done]
    assert open_rows, "the demo leaves some of task 11 undone"
    assert {r.status.label for r in open_rows} == {ob.OVERDUE}
    assert {r.status.label for r in rows if r.id in done} == {ob.DONE}


def test_a_completion_report_with_evidence_turns_it_done(demo_day, tmp_path):
    from desktop_app.core import progress

    done = {a for (a,) in Progress.select(Progress.assignment).where(Progress.state == "已完成").tuples()}
    row = next(r for r in load_assignments(today=DAY) if r.number == "11" and r.id not in done)
    assert row.status.label == ob.OVERDUE
    scan = tmp_path / "裁量权基准.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned notice " * 100)
    report = progress.add_progress(row.id, "已完成", dt.date(2024, 4, 10), "已制定并公布。", files=[scan])
    after = next(r for r in load_assignments(today=DAY) if r.id == row.id)
    assert after.status.label == ob.DONE
    assert after.last_date == dt.date(2024, 4, 10) and "已制定并公布" in after.last_report
    (evidence,) = report.evidence
    assert evidence.file_name == "裁量权基准.pdf"
    assert evidence.sha256 == hashlib.sha256(scan.read_bytes()).hexdigest()
    assert evidence.size == scan.stat().st_size
    stored = progress.evidence_file(evidence)
    assert stored.read_bytes() == scan.read_bytes()
    assert progress.evidence_root() in stored.parents  # inside the database's own folder (backed up)
    scan.unlink()  # the clerk's original may go; the stored copy stays
    assert progress.evidence_file(evidence).is_file()
    entry = AuditLog.select().order_by(AuditLog.id.desc()).get()
    assert (entry.entity, entry.entity_id) == ("progress", report.id) and "裁量权基准.pdf" in entry.changes


def test_tampered_evidence_is_refused(demo_day, tmp_path):
    from desktop_app.core import progress

    scan = tmp_path / "通知.pdf"
    scan.write_bytes(b"original scan")
    assignment = Assignment.select().first()
    report = progress.add_progress(assignment.id, "推进中", dt.date(2025, 5, 1), files=[scan])
    evidence = report.evidence.get()
    stored = progress.evidence_file(evidence)
    stored.write_bytes(b"altered scan!")
    with pytest.raises(AppError, match="校验值不符"):
        progress.evidence_file(evidence)
    stored.unlink()
    with pytest.raises(AppError, match="通知.pdf"):
        progress.evidence_file(evidence)


def test_two_evidence_files_with_the_same_name_are_both_kept(demo_day, tmp_path):
    from desktop_app.core import progress

    first, second = tmp_path / "甲" / "照片.jpg", tmp_path / "乙" / "照片.jpg"
    for path, content in ((first, b"photo one"), (second, b"photo two, a different one")):
        path.parent.mkdir()
        path.write_bytes(content)
    assignment = Assignment.select().first()
    report = progress.add_progress(assignment.id, "本期已落实", dt.date(2025, 6, 20), files=[first, second])
    evidence = list(Evidence.select().where(Evidence.progress == report).order_by(Evidence.id))
    both = [b"photo one", b"photo two, a different one"]
    assert [e.file_name for e in evidence] == ["照片.jpg", "照片.jpg"]
    assert len({e.stored_path for e in evidence}) == 2
    assert [progress.evidence_file(e).read_bytes() for e in evidence] == both
    # a second report with a file of the same name keeps the first report's file too
    again = progress.add_progress(assignment.id, "本期已落实", dt.date(2025, 6, 21), files=[first])
    assert progress.evidence_file(again.evidence.get()).read_bytes() == b"photo one"
    assert [progress.evidence_file(e).read_bytes() for e in evidence] == both
