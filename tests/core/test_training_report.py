"""全员轮训情况报告 (core/reports/training_report.py) on the demo county, read back with python-docx and checked
against the training ledger; and `report training` on the command line."""
from __future__ import annotations

import datetime as dt
import shutil

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from desktop_app.core.errors import AppError
from desktop_app.core.reports import training_report as trr
from desktop_app.core.settings import get_setting
from desktop_app.core.training import ledger

TODAY = dt.date.today()
YEAR = TODAY.year - 1


def _ledger(year: int):
    start, end = ledger.year_range(year)
    members = ledger.population(end)
    hours = ledger.officer_hours(start, end)
    return ledger.unit_summaries(start, end, known=(members, hours)), hours, ledger.threshold_for(start, end)


@pytest.fixture
def report(demo_session, tmp_path):
    return Document(str(trr.training(YEAR, TODAY, tmp_path / "轮训.docx")))


def test_overview_numbers_are_the_ledgers(report):
    units, _hours, threshold = _ledger(YEAR)
    texts = [p.text for p in report.paragraphs]
    assert texts[0] == f"关于{YEAR}年度行政执法人员全员轮训和培训学时情况的报告"
    overview = texts[3]  # after the title, a blank line and the 主送机关
    officers = sum(u.officers for u in units)
    rotated = sum(u.rotated for u in units)
    reaching = sum(u.reaching for u in units)
    average = sum(u.total_hours for u in units) / officers
    deadline = min(ledger.rotation_deadline(), dt.date(YEAR, 12, 31))
    assert officers and rotated and reaching < officers  # the demo has a real year with some short
    assert f"在职的行政执法人员{officers}人" in overview
    assert f"{deadline.year}年{deadline.month}月{deadline.day}日参加全员轮训{rotated}人" in overview
    assert f"轮训率{rotated / officers * 100:.1f}%" in overview
    assert f"人均计入培训学时{trr.number(average)}学时" in overview
    assert f"达到{threshold:g}学时的{reaching}人，达标率{reaching / officers * 100:.1f}%" in overview
    by_form = trr.sessions_by_form(*ledger.year_range(YEAR))
    assert f"各类培训{sum(n for _f, n in by_form)}期" in overview
    assert all(f"{form}{n}期" in overview for form, n in by_form)
    # the unit table: one row per unit and a 合计 row, the ledger's numbers
    table = report.tables[0]
    assert [c.text for c in table.rows[0].cells] == trr.UNIT_HEADERS
    rows = {r.cells[0].text: [c.text for c in r.cells] for r in table.rows[1:]}
    assert len(rows) == len(units) + 1
    for unit in units:
        assert rows[unit.unit_name][1:3] == [str(unit.officers), str(unit.rotated)]
        assert rows[unit.unit_name][5] == str(unit.reaching)
        assert rows[unit.unit_name][7] == (f"{unit.mental_health_sessions}次" if unit.mental_health_sessions
                                           else "未开展")
    assert rows["合计"][1:3] == [str(officers), str(rotated)]
    no_mental = [u.unit_name for u in units if not u.mental_health_sessions]
    section3 = texts[texts.index("三、没有开展心理健康活动的单位") + 1]
    assert all(name in section3 for name in no_mental) and (str(len(no_mental)) in section3 or not no_mental)


def test_annex_lists_exactly_the_officers_short(report):
    units, hours, _threshold = _ledger(YEAR)
    expected = [(u.unit_name, m.name, trr.number(hours[m.id].countable if m.id in hours else 0.0, 2),
                 trr.number(gap, 2)) for u in units for m, gap in u.short]
    texts = [p.text for p in report.paragraphs]
    assert "附件：未达标人员名单" in texts
    label = next(p for p in report.paragraphs if p.text == "附件")
    assert label.paragraph_format.page_break_before
    annex = report.tables[-2]  # the last table is the 版记
    assert [c.text for c in annex.rows[0].cells] == trr.ANNEX_HEADERS
    found = [tuple(c.text for c in row.cells) for row in annex.rows[1:]]
    assert [r[0] for r in found] == [str(n) for n in range(1, len(expected) + 1)]
    assert [r[1:] for r in found] == expected
    short_text = " ".join(texts[texts.index("二、未达标人员"):texts.index("三、没有开展心理健康活动的单位")])
    assert f"共{len(expected)}人" in short_text
    assert all(f"{name}（缺口{gap}学时）" in short_text for _u, name, _h, gap in expected)
    # signature: the issuing authority and the day
    assert (get_setting("issuing_authority") or get_setting("bureau_name")) in texts
    assert f"{TODAY.year}年{TODAY.month}月{TODAY.day}日" in texts


def test_fonts_and_page_come_from_the_builder(report):
    section = report.sections[0]
    assert [round(x.mm) for x in (section.page_width, section.page_height, section.top_margin,
                                  section.left_margin)] == [210, 297, 37, 28]
    title = report.paragraphs[0]
    assert title.runs[0].font.size == Pt(22) and title.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "华文中宋"
    assert report.paragraphs[2].text == f"{get_setting('county_name')}人民政府："  # 主送机关
    body = report.paragraphs[3].runs[0]
    assert body.font.size == Pt(16) and body._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"  # 公文字体 默认“通用字体”
    heading = next(p for p in report.paragraphs if p.text.startswith("一、"))
    assert heading.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"


def test_everyone_reaching_and_every_unit_active(demo_session, tmp_path, monkeypatch):
    monkeypatch.setattr(ledger, "threshold_for", lambda start, end: 0.0)
    monkeypatch.setattr(ledger, "_mental_health_by_unit", lambda start, end, members: {m.unit_id: 1 for m in members})
    doc = Document(str(trr.training(YEAR, TODAY, tmp_path / "全部达标.docx")))
    texts = [p.text for p in doc.paragraphs]
    assert f"{YEAR}年度全体在职行政执法人员的计入培训学时均达到0学时。" in texts
    assert f"{YEAR}年度各单位均开展了心理健康教育或心理训练活动。" in texts
    assert "附件" not in texts and len(doc.tables) == 2  # no annex when nobody is short: the unit table and the 版记


def test_refused_for_a_year_without_training(demo_session, tmp_path):
    out = tmp_path / "空.docx"
    with pytest.raises(AppError, match="2010年没有培训记录，无法生成报告"):
        trr.training(2010, TODAY, out)
    assert not out.exists()


def test_cli_report_training(run_app, demo_template, tmp_path):
    db = shutil.copyfile(demo_template, tmp_path / "demo.sqlite")
    out = tmp_path / "轮训.docx"
    done = run_app("report", "training", "--db", db, "--year", YEAR, "--out", out)
    assert done.returncode == 0, done.stderr
    assert out.is_file() and "已生成全员轮训情况报告" in done.stdout
    empty = run_app("report", "training", "--db", db, "--year", 2010, "--out", tmp_path / "x.docx")
    assert empty.returncode == 2 and "2010年没有培训记录，无法生成报告" in empty.stderr
    no_year = run_app("report", "training", "--db", db, "--out", tmp_path / "x.docx")
    assert no_year.returncode == 2 and "--year" in no_year.stderr
    plan = run_app("report", "training", "--db", db, "--year", YEAR, "--plan", 1, "--out", tmp_path / "x.docx")
    assert plan.returncode == 2 and "--plan" in plan.stderr
    unit = run_app("report", "training", "--db", db, "--year", YEAR, "--unit", "红寺堡区司法局",
                   "--out", tmp_path / "x.docx")
    assert unit.returncode == 2 and "--unit" in unit.stderr
    assert not (tmp_path / "x.docx").exists()
