"""The five Word reports of the 报表中心 in one place, for the reports page and the command line alike.

    request = make_request("annual", 2025)            # statistics up to 2025-12-31, signed today
    texts = narrative_for(request)                     # remembered text, else drafts citing the numbers
    result = generate(replace(request, narrative=texts), out, control)   # → ReportResult(path, title, warnings)

`generate` remembers the narrative (ReportDraft) and records the file in the history (GeneratedReport).
The numbers always come from the database at generation time; only the narrative is the clerk's text.
Threading: call from one worker thread at a time per database connection; python-docx is imported lazily.
"""
from __future__ import annotations

import datetime as dt
import importlib
from dataclasses import dataclass, field, replace
from pathlib import Path

from desktop_app.core.db import db
from desktop_app.core.errors import NotFound, ValidationError
from desktop_app.core.gc_pause import paused_gc
from desktop_app.core.jobs import JobControl
from desktop_app.core.models import GeneratedReport, Plan, ReportDraft, Unit, now


@dataclass(frozen=True)
class NarrativeSection:
    key: str
    label: str  # the heading the text goes under, e.g. 存在的问题和不足
    hint: str = ""


@dataclass(frozen=True)
class ReportKind:
    key: str
    label: str
    description: str
    module: str  # desktop_app.core.reports.<module>: build(request, out, setup) and drafts(request)
    sections: tuple[NarrativeSection, ...] = ()
    needs_plan: bool = False  # a plan must be chosen (the assessment); others take an optional one
    uses_plan: bool = False
    needs_unit: bool = False
    stages: tuple[str, ...] = ()  # 中期 / 终期 for the assessment


KINDS: dict[str, ReportKind] = {kind.key: kind for kind in (
    ReportKind("annual", "年度行政执法工作报告", "全年行政执法工作总体情况：执法人员和证件、培训学时、任务落实，"
               "存在的问题和下一年度工作打算。每年 1 月底前报送上一年度。", "annual_report",
               (NarrativeSection("problems", "存在的问题和不足", "据实写明工作中的主要问题"),
                NarrativeSection("plans", "下一年度工作打算", "针对问题写明下一年度的主要措施")),
               uses_plan=True),
    ReportKind("assessment", "三年行动评估报告", "提升行政执法质量三年行动的中期或终期评估：按任务板块和单位统计完成"
               "情况，逾期任务及原因，附全部任务分工落实情况表。", "assessment_report",
               (NarrativeSection("problems", "存在的问题", "评估中发现的主要问题"),
                NarrativeSection("measures", "下一步工作措施", "整改和推进的措施")),
               needs_plan=True, uses_plan=True, stages=("中期", "终期")),
    ReportKind("training", "全员轮训情况报告", "各单位全员轮训率、人均学时、达标率和心理健康活动，列出未达标人员。",
               "training_report", (NarrativeSection("plans", "下一步工作安排", "补训、调训等安排；可留空"),)),
    ReportKind("notice", "任务落实情况通报", "通报任务清单落实进度，点名推进迟缓的单位及其逾期任务，附逾期任务清单。",
               "task_reports", (NarrativeSection("requirements", "工作要求", "对各单位的要求；可留空"),),
               uses_plan=True),
    ReportKind("reminder", "催办通知", "向一个单位发出催办通知，列出其逾期和即将到期的任务。", "task_reports",
               uses_plan=True, needs_unit=True),
)}


OTHER_FILES = {"upward": "上报数据工作簿"}  # files the history lists besides the reports


def kind_label(key: str) -> str:
    kind = KINDS.get(key)
    return kind.label if kind else OTHER_FILES.get(key, key)


@dataclass(frozen=True)
class ReportRequest:
    kind: str
    year: int
    as_of: dt.date  # statistics up to this day (today in the current year, else 12-31)
    today: dt.date  # 成文日期
    plan_id: int | None = None
    unit_id: int | None = None
    stage: str = ""  # assessment: 中期 / 终期
    doc_number: str = ""
    narrative: dict[str, str] = field(default_factory=dict)

    @property
    def scope(self) -> str:
        """What a remembered narrative belongs to besides kind and year."""
        parts = [f"plan:{self.plan_id}" if self.plan_id else "", f"unit:{self.unit_id}" if self.unit_id else "",
                 self.stage]
        return "|".join(p for p in parts if p)


@dataclass
class ReportResult:
    path: Path
    title: str
    warnings: list[str] = field(default_factory=list)


def statistics_day(year: int, today: dt.date | None = None) -> dt.date:
    """The current year counts up to today, a past year up to its 31 December; other years are refused."""
    today = today or dt.date.today()
    if year > today.year or year < 2000:
        raise ValidationError(f"统计年度 {year} 无效：只能是 2000 年至今年（{today.year}）之间的年度。", "year")
    return today if year == today.year else dt.date(year, 12, 31)


def make_request(kind: str, year: int, *, plan_id: int | None = None, unit_id: int | None = None,
                 stage: str = "", doc_number: str = "", today: dt.date | None = None) -> ReportRequest:
    """A checked request: the kind exists, its plan / unit / stage are given where needed and exist."""
    spec = KINDS.get(kind)
    if spec is None:
        raise ValidationError(f"没有“{kind}”这种报表，可选：{'、'.join(KINDS)}。", "kind")
    today = today or dt.date.today()
    as_of = statistics_day(year, today)
    if plan_id is None and spec.needs_plan:
        if Plan.select().count() != 1:
            raise ValidationError(f"{spec.label}须指定任务清单。", "plan")
        plan_id = Plan.get().id
    if plan_id is not None and not spec.uses_plan:
        raise ValidationError(f"{spec.label}不按任务清单统计，不用指定任务清单。", "plan")
    if plan_id is not None and Plan.get_or_none(Plan.id == plan_id) is None:
        raise NotFound(f"没有编号为 {plan_id} 的任务清单。")
    if spec.needs_unit and unit_id is None:
        raise ValidationError(f"{spec.label}须指定单位。", "unit")
    if unit_id is not None and not spec.needs_unit:
        raise ValidationError(f"{spec.label}不针对单个单位，不用指定单位。", "unit")
    if unit_id is not None and Unit.get_or_none(Unit.id == unit_id) is None:
        raise NotFound(f"没有编号为 {unit_id} 的单位。")
    if spec.stages:
        stage = stage or spec.stages[0]
        if stage not in spec.stages:
            raise ValidationError(f"评估阶段只能是{'或'.join(spec.stages)}。", "stage")
    elif stage:
        raise ValidationError(f"{spec.label}没有评估阶段。", "stage")
    return ReportRequest(kind, year, as_of, today, plan_id, unit_id, stage, doc_number.strip())


def _module(kind: str):
    return importlib.import_module(f"desktop_app.core.reports.{KINDS[kind].module}")


def remembered_narrative(request: ReportRequest) -> dict[str, str]:
    rows = ReportDraft.select().where((ReportDraft.kind == request.kind) & (ReportDraft.year == request.year)
                                      & (ReportDraft.scope == request.scope))
    return {row.section: row.text for row in rows}


def draft_narrative(request: ReportRequest) -> dict[str, str]:
    """Drafts written from the numbers (each report module's `drafts`), one per section."""
    sections = KINDS[request.kind].sections
    if not sections:
        return {}
    drafts = _module(request.kind).drafts(request)
    return {section.key: drafts.get(section.key, "") for section in sections}


def narrative_for(request: ReportRequest, drafts: dict[str, str] | None = None) -> dict[str, str]:
    """What the dialog opens with: the clerk's remembered text where there is one, else the draft
    (`drafts`: draft_narrative's answer when the caller already has it)."""
    texts = dict(draft_narrative(request) if drafts is None else drafts)
    texts.update(remembered_narrative(request))
    return texts


def remember_narrative(request: ReportRequest, texts: dict[str, str]) -> None:
    keys = {section.key for section in KINDS[request.kind].sections}
    with db.atomic():
        for key, text in texts.items():
            if key not in keys:
                continue
            (ReportDraft.insert(kind=request.kind, year=request.year, scope=request.scope, section=key,
                                text=text, updated_at=now())
             .on_conflict(conflict_target=[ReportDraft.kind, ReportDraft.year, ReportDraft.scope,
                                           ReportDraft.section],
                          update={ReportDraft.text: text, ReportDraft.updated_at: now()})
             .execute())


def default_filename(request: ReportRequest) -> str:
    """e.g. 年度行政执法工作报告_2025年度_20260121.docx"""
    spec = KINDS[request.kind]
    parts = [spec.label]
    if request.stage:
        parts[0] = f"三年行动{request.stage}评估报告"
    if request.unit_id is not None:
        unit = Unit.get_or_none(Unit.id == request.unit_id)
        if unit is not None:
            parts.append(unit.short_name or unit.name)
    parts.append(f"{request.year}年度")
    parts.append(request.today.strftime("%Y%m%d"))
    return "_".join(parts) + ".docx"


def generate(request: ReportRequest, out: Path | str, control: JobControl | None = None) -> ReportResult:
    """Build the report into `out` (atomically), remember its narrative and record it in the history.
    AppError (with a Chinese message) when the data cannot make this report, e.g. no training recorded."""
    from desktop_app.core.reports import template

    control = control or JobControl()
    control.progress(0.05, "正在读取公文模板和字体设置")
    setup = template.document_setup()
    control.progress(0.15, "正在统计数据并生成文档")
    if request.narrative:
        remember_narrative(request, request.narrative)
    with paused_gc():  # the document's XML and the rows behind it are all alive until saved
        result = _module(request.kind).build(request, Path(out), setup, control)
    result.warnings[:0] = setup.warnings
    control.progress(0.95, "正在登记报表记录")
    GeneratedReport.create(kind=request.kind, title=result.title, path=str(result.path), year=request.year,
                           plan_id=request.plan_id, unit_id=request.unit_id, note="；".join(result.warnings))
    control.progress(1.0, "报表已生成")
    return result


def record_file(kind: str, title: str, path: Path | str, year: int | None = None, note: str = "") -> None:
    """List a file written outside `generate` (the 上报数据工作簿) in the history."""
    GeneratedReport.create(kind=kind, title=title, path=str(path), year=year, note=note)


def history(limit: int = 200) -> list[GeneratedReport]:
    """The most recent generated files first."""
    return list(GeneratedReport.select().order_by(GeneratedReport.created_at.desc(), GeneratedReport.id.desc())
                .limit(limit))


def forget(report_id: int) -> None:
    """Remove one history entry (the file itself is left alone)."""
    GeneratedReport.delete().where(GeneratedReport.id == report_id).execute()


__all__ = [
    "KINDS",
    "OTHER_FILES",
    "NarrativeSection",
    "ReportKind",
    "ReportRequest",
    "ReportResult",
    "default_filename",
    "draft_narrative",
    "forget",
    "generate",
    "history",
    "kind_label",
    "make_request",
    "narrative_for",
    "record_file",
    "remember_narrative",
    "remembered_narrative",
    "replace",
    "statistics_day",
]
