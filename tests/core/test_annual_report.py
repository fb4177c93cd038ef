"""年度行政执法工作报告 (core/reports/annual_report.py) on the demo county: every figure the report states is
recomputed here from the roster, the 持证情况统计, the training ledger and the task board; the two annexes,
the charts, the drafts, a year without training, and `report annual` on the command line."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field

import pytest
from docx import Document

from desktop_app.core import obligations as ob
from desktop_app.core import task_board as tb
from desktop_app.core.personnel.certificates import VALID

YEAR = 2025
AS_OF = dt.date(YEAR, 12, 31)


def _rate(part: int, whole: int) -> str:
    """As a clerk would write it: one decimal, all of them 100%."""
    return "100%" if part == whole else f"{part / whole * 100:.1f}%"


def _one_decimal(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


@dataclass
class Expected:
    """The year's figures computed from the core queries, not from the report module."""

    officers: list = field(default_factory=list)  # RosterRow: 在职, not 辅助人员
    holders: int = 0
    auxiliary: int = 0
    stats_total: object = None
    stats_lines: list = field(default_factory=list)
    units_training: list = field(default_factory=list)
    hours: dict = field(default_factory=dict)
    threshold: float = 0.0
    sessions: int = 0
    assignments: list = field(default_factory=list)


@dataclass
class Annual:
    doc: object
    texts: list[str]
    expected: Expected
    drafts: dict[str, str]


def _expected(year: int, as_of: dt.date) -> Expected:
    from desktop_app.core.models import TrainingSession
    from desktop_app.core.personnel.export import unit_statistics
    from desktop_app.core.personnel.roster import load_roster
    from desktop_app.core.training import ledger

    roster = load_roster(as_of)
    facts = Expected()
    facts.officers = [r for r in roster if r.status == "在职" and not r.auxiliary]
    facts.auxiliary = sum(1 for r in roster if r.status == "在职" and r.auxiliary)
    facts.holders = sum(1 for r in facts.officers if any(c.kind == "law" and c.state == VALID for c in r.cards))
    facts.stats_lines, facts.stats_total = unit_statistics(roster)
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if ledger.recorded(start, end):
        members = ledger.population(end)
        facts.hours = ledger.officer_hours(start, end)
        facts.units_training = ledger.unit_summaries(start, end, known=(members, facts.hours))
        facts.threshold = ledger.threshold_for(start, end)
        facts.sessions = TrainingSession.select().where(TrainingSession.end_date.between(start, end)).count()
    facts.assignments = tb.load_assignments(None, as_of, reports_until=as_of)
    return facts


@pytest.fixture(scope="module")
def annual(demo_template, tmp_path_factory) -> Annual:
    """The demo county's 2025 report, generated once for the module, with the figures it should state."""
    from desktop_app.core.reports import annual_report, catalog
    from desktop_app.core.session import open_session

    folder = tmp_path_factory.mktemp("annual")
    path = folder / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DESKTOP_APP_DATA_DIR", str(folder / "user-data"))
        opened = open_session(path)
        try:
            request = catalog.make_request("annual", YEAR)
            expected = _expected(YEAR, request.as_of)
            drafts = annual_report.drafts(request)
            result = catalog.generate(catalog.replace(request, narrative=catalog.narrative_for(request)),
                                      folder / "年度报告.docx")
        finally:
            opened.close()
    doc = Document(str(result.path))
    return Annual(doc, [p.text for p in doc.paragraphs], expected, drafts)


def _section(texts: list[str], heading: str) -> str:
    start = texts.index(heading)
    end = next((i for i in range(start + 1, len(texts)) if re.match(r"[一二三四五六七八九十]+、", texts[i])),
               len(texts))
    return "".join(texts[start + 1:end])


def test_officers_and_certificates(annual):
    e = annual.expected
    officers = len(e.officers)
    assert officers > 100 and 0 < e.holders < officers  # the demo county has some without a valid card
    assert (e.stats_total.officers, e.stats_total.valid, e.stats_total.auxiliary) == (officers, e.holders, e.auxiliary)
    units = len({r.unit_id for r in e.officers})
    text = _section(annual.texts, "一、行政执法人员和证件管理")
    assert f"截至{YEAR}年12月31日，全区在职行政执法人员{officers}人，分布在{units}个单位" in text
    if e.auxiliary:
        assert f"另有辅助人员{e.auxiliary}人" in text
    assert f"持有有效行政执法证件{e.holders}人，持证率{_rate(e.holders, officers)}" in text
    reviewers = sum(r.is_legal_reviewer for r in e.officers)
    assert f"法制审核人员{reviewers}人" in text


def test_training_figures_are_the_ledgers(annual):
    e = annual.expected
    assert e.units_training
    officers = sum(u.officers for u in e.units_training)
    reaching = sum(u.reaching for u in e.units_training)
    rotated = sum(u.rotated for u in e.units_training)
    average = sum(u.total_hours for u in e.units_training) / officers
    assert 0 < reaching < officers
    text = _section(annual.texts, "二、行政执法人员培训")
    assert f"共组织和参加各类培训{e.sessions}期" in text
    assert f"人均计入培训学时{_one_decimal(average)}学时" in text
    assert f"达到{e.threshold:g}学时的{reaching}人，达标率{_rate(reaching, officers)}" in text
    assert f"参加全员轮训{rotated}人，轮训率{_rate(rotated, officers)}" in text


def test_task_figures_are_the_task_boards(annual):
    rows = annual.expected.assignments
    counts = Counter(r.status.label for r in rows)
    assert rows and counts[ob.OVERDUE]
    text = _section(annual.texts, "三、任务落实情况")
    assert f"中的{len({r.task_id for r in rows})}项任务分解为{len(rows)}项单位分工，涉及{len({r.unit_id for r in rows})}个单位" \
        in text
    assert f"已完成{counts[ob.DONE]}项，按时限正常推进{counts[ob.OK]}项" in text
    assert f"逾期未完成{counts[ob.OVERDUE]}项" in text
    slowest, n = Counter(r.unit_name for r in rows if r.status.label == ob.OVERDUE).most_common(1)[0]
    assert f"{slowest}（{n}项）" in text


def test_narrative_sections_follow_the_numbers(annual):
    texts = annual.texts
    assert texts.index("四、存在的问题和不足") < texts.index(f"五、{YEAR + 1}年度工作打算")
    for line in annual.drafts["problems"].splitlines():
        assert line in texts


def test_annex_1_one_row_per_unit_and_the_total(annual):
    e = annual.expected
    table = next(t for t in annual.doc.tables if t.rows[0].cells[0].text == "单位" and len(t.columns) == 7)
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    with_officers = [s for s in e.stats_lines if s.officers]
    assert len(table.rows) - 1 == len(rows) == len(with_officers) + 1
    training = {u.unit_name: u for u in e.units_training}
    for stats in with_officers:
        row = rows[stats.unit_name]
        assert row[1:4] == [str(stats.officers), str(stats.valid), _rate(stats.valid, stats.officers)]
        unit = training[stats.unit_name]
        assert float(row[4]) == pytest.approx(unit.total_hours / unit.officers, abs=0.051)
        assert row[5:7] == [_rate(unit.reaching, unit.officers), _rate(unit.rotated, unit.officers)]
    total = rows["合计"]
    officers = sum(u.officers for u in e.units_training)
    assert total[1:4] == [str(len(e.officers)), str(e.holders), _rate(e.holders, len(e.officers))]
    assert float(total[4]) == pytest.approx(sum(u.total_hours for u in e.units_training) / officers, abs=0.051)
    assert total[5:7] == [_rate(sum(u.reaching for u in e.units_training), officers),
                          _rate(sum(u.rotated for u in e.units_training), officers)]


def _detail_rows(doc) -> tuple[list[list[str]], list[str], list[tuple[str, list[str]]]]:
    """附件2: its numbered rows, its unit heading rows, and each numbered row under the heading above it."""
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "序号" and t.rows[0].cells[1].text == "姓名")
    numbered, groups, placed = [], [], []
    for row in table.rows[1:]:
        cells = row.cells
        if len({id(c._tc) for c in cells}) == 1:  # a unit's heading row, one cell across the table
            groups.append(cells[0].text)
        else:
            numbered.append([c.text for c in cells])
            placed.append((groups[-1], numbered[-1]))
    return numbered, groups, placed


def test_annex_2_one_numbered_row_per_officer(annual):
    e = annual.expected
    numbered, groups, _placed = _detail_rows(annual.doc)
    assert [int(r[0]) for r in numbered] == list(range(1, len(e.officers) + 1))
    assert Counter(r[1] for r in numbered) == Counter(o.name for o in e.officers)
    assert set(groups) == {o.unit_name for o in e.officers}
    hours = Counter((o.name, round(e.hours[o.id].countable if o.id in e.hours else 0.0, 2)) for o in e.officers)
    assert Counter((r[1], round(float(r[4]), 2)) for r in numbered) == hours
    short = sum(len(u.short) for u in e.units_training)
    assert Counter(r[5] for r in numbered) == Counter({"是": len(e.officers) - short, "否": short})


def test_annex_2_lists_each_unit_once_with_all_its_officers(annual):
    """Officers who moved to another unit after 31 December are still counted in their unit of that day;
    the detail must not split that unit into two blocks with a repeated heading."""
    e = annual.expected
    _numbered, groups, placed = _detail_rows(annual.doc)
    assert [name for name, n in Counter(groups).items() if n > 1] == []
    by_unit = Counter((o.unit_name, o.name) for o in e.officers)
    assert Counter((unit, row[1]) for unit, row in placed) == by_unit


def test_charts_are_png_pictures(annual):
    shapes = annual.doc.inline_shapes
    assert len(shapes) == 3
    part = annual.doc.part
    for shape in shapes:
        blip = shape._inline.graphic.graphicData.pic.blipFill.blip
        image = part.related_parts[blip.embed]
        assert image.content_type == "image/png" and image.blob[:8] == b"\x89PNG\r\n\x1a\n"


def test_drafts_cite_the_real_shortfalls(annual):
    e = annual.expected
    missing = len(e.officers) - e.holders
    overdue = sum(1 for r in e.assignments if r.status.label == ob.OVERDUE)
    problems, plans = annual.drafts["problems"], annual.drafts["plans"]
    assert f"在职执法人员{len(e.officers)}人中，{missing}人没有有效的行政执法证件" in problems
    assert f"{overdue}项任务分工逾期未完成" in problems
    assert f"组织{missing}名未持有效证件的人员" in plans and f"对{overdue}项逾期任务逐项督办" in plans
    short = sum(len(u.short) for u in e.units_training)
    assert f"{short}人的计入学时未达到{e.threshold:g}学时" in problems


def test_a_year_without_training_says_so(demo_session, tmp_path):
    from desktop_app.core.reports import annual_report, catalog

    year = 2021  # before the demo county's training ledger (2024 on); its officers were there
    request = catalog.make_request("annual", year)
    expected = _expected(year, request.as_of)
    assert expected.officers and not expected.units_training
    drafts = annual_report.drafts(request)
    assert f"{year}年度培训台账中没有培训记录" in drafts["problems"]
    result = catalog.generate(catalog.replace(request, narrative=drafts), tmp_path / "2021.docx")
    doc = Document(str(result.path))
    texts = [p.text for p in doc.paragraphs]
    assert _section(texts, "二、行政执法人员培训") == f"{year}年度培训台账中没有培训记录。"
    assert not any("人均计入培训学时" in t for t in texts)
    assert f"在职行政执法人员{len(expected.officers)}人" in _section(texts, "一、行政执法人员和证件管理")
    assert len(doc.inline_shapes) in (1, 2)  # no hours chart
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "单位" and len(t.columns) == 7)
    assert {r.cells[4].text for r in table.rows[1:]} == {"—"}
    detail = next(t for t in doc.tables if t.rows[0].cells[1].text == "姓名")
    assert sum(1 for r in detail.rows[1:] if r.cells[4].text == "—") == len(expected.officers)


def test_report_annual_on_the_command_line(run_app, demo_template, tmp_path):
    db = tmp_path / "demo.sqlite"
    shutil.copyfile(demo_template, db)
    out = tmp_path / "报表"
    out.mkdir()
    done = run_app("report", "annual", "--db", db, "--year", YEAR, "--out", out)
    assert done.returncode == 0, done.stderr
    files = list(out.glob(f"年度行政执法工作报告_{YEAR}年度_*.docx"))
    assert len(files) == 1 and list(out.iterdir()) == files
    assert re.fullmatch(rf"年度行政执法工作报告_{YEAR}年度_\d{{8}}\.docx", files[0].name)
    assert "已生成" in done.stdout and files[0].name in done.stdout
    assert Document(str(files[0])).paragraphs[0].text == f"关于{YEAR}年度行政执法工作情况的报告"
