"""The official-document builder (core/reports/document.py) read back with python-docx, and the two
task-based reports (催办通知, 任务落实情况通报) on the demo county, checked against task_board."""
from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from docx import Document
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from desktop_app.core import obligations as ob
from desktop_app.core import task_board as tb
from desktop_app.core.docx_style import DocFonts
from desktop_app.core.models import Unit
from desktop_app.core.reports import task_reports as tr
from desktop_app.core.reports.document import OfficialDocument, normalise_doc_number

DAY = dt.date(2025, 1, 5)


def _east_asia(run) -> str:
    return run._element.rPr.rFonts.get(qn("w:eastAsia"))


def _every_run_has_east_asia(doc) -> None:
    for r in doc.element.body.iter(qn("w:r")):
        rpr = r.find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        assert fonts is not None and fonts.get(qn("w:eastAsia")), r.xml[:200]


@pytest.fixture
def built(tmp_path):
    doc = OfficialDocument(DocFonts())
    doc.doc_number("红司发[2025]05号")
    doc.title("关于测试的通报")
    doc.recipient("各有关单位:")
    doc.heading1("一、总体情况")
    doc.heading2("（一）进展")
    doc.heading3("1.第一项")
    doc.heading4("（1）细目")
    doc.paragraph("正文。")
    doc.attachments(["清单"])
    doc.signature("吴忠市红寺堡区司法局", DAY)
    doc.annex("清单")
    doc.table(["序号", "内容"], [["1", "甲"]], [20, 136])
    doc.colophon("区人民政府办公室", "吴忠市红寺堡区司法局", DAY)
    return Document(str(doc.save(tmp_path / "x.docx")))


def test_page_fonts_and_head(built):
    section = built.sections[0]
    mm = [round(x.mm, 1) for x in (section.page_width, section.page_height, section.top_margin,
                                   section.bottom_margin, section.left_margin, section.right_margin)]
    assert mm == [210, 297, 37, 35, 28, 26]
    normal = built.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY and normal.line_spacing == Pt(28.95)
    spacing = built.styles["Normal"].element.rPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:val")) == "-5"  # 28 字 a line
    texts = [p.text for p in built.paragraphs]
    by_text = {p.text: p for p in built.paragraphs}
    assert texts[0] == "红司发〔2025〕5号" and by_text[texts[0]].alignment == 1
    title = by_text["关于测试的通报"]
    assert title.alignment == 1 and not title.runs[0].font.bold and title.runs[0].font.size == Pt(22)
    assert _east_asia(title.runs[0]) == "方正小标宋简体"
    assert by_text["各有关单位："].alignment == 0 and by_text["各有关单位："].paragraph_format.first_line_indent is None
    fonts = {t: _east_asia(by_text[t].runs[0]) for t in ("一、总体情况", "（一）进展", "1.第一项", "（1）细目", "正文。")}
    assert fonts == {"一、总体情况": "黑体", "（一）进展": "楷体_GB2312", "1.第一项": "仿宋_GB2312",
                     "（1）细目": "仿宋_GB2312", "正文。": "仿宋_GB2312"}
    body = by_text["正文。"]
    assert body.runs[0].font.size == Pt(16) and body.paragraph_format.first_line_indent == Pt(32)
    assert by_text["附件：清单"].paragraph_format.left_indent == Pt(32)
    _every_run_has_east_asia(built)


def test_signature_annex_colophon_and_page_numbers(built):
    by_text = {p.text: p for p in built.paragraphs}
    date = by_text["2025年1月5日"]  # no zero padding
    assert date.alignment == 2 and date.paragraph_format.right_indent == Pt(64)  # right, 4 字 in
    assert by_text["吴忠市红寺堡区司法局"].alignment == 2
    label = by_text["附件"]
    assert label.paragraph_format.page_break_before and _east_asia(label.runs[0]) == "黑体"
    texts = [p.text for p in built.paragraphs]
    annex_title = built.paragraphs[texts.index("附件") + 2]
    assert annex_title.text == "清单" and annex_title.alignment == 1
    colophon = built.tables[-1]  # 版记: a table floating at the foot of the last page, its rules the borders
    cc, issued = (row.cells[0].paragraphs[0] for row in colophon.rows)
    assert cc.text == "抄送：区人民政府办公室。" and cc.runs[0].font.size == Pt(14)
    assert issued.text == "吴忠市红寺堡区司法局\t2025年1月5日印发" and cc.style.name == "公文版记"
    position = colophon._tbl.tblPr.find(qn("w:tblpPr"))
    assert position.get(qn("w:vertAnchor")) == "margin" and int(position.get(qn("w:tblpY"))) > 11000  # near 225 mm
    borders = {b.tag.split("}")[1]: (b.get(qn("w:val")), b.get(qn("w:sz")))
               for b in colophon._tbl.tblPr.find(qn("w:tblBorders"))}
    assert borders["top"] == borders["bottom"] == ("single", "8") and borders["insideH"] == ("single", "6")
    assert borders["left"][0] == borders["right"][0] == "nil"
    assert built.settings.odd_and_even_pages_header_footer
    section = built.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    for footer, align in ((odd, 2), (even, 0)):
        assert footer.alignment == align and "PAGE" in footer._p.xml
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert all(_east_asia(r) == "宋体" for r in footer.runs)
    assert odd.paragraph_format.right_indent == Pt(14) and even.paragraph_format.left_indent == Pt(14)
    assert built.core_properties.author.startswith("执法") or built.core_properties.comments.startswith("由")


def test_doc_number_brackets():
    assert normalise_doc_number("红司发【2026】第005号") == "红司发〔2026〕5号"
    assert normalise_doc_number("红司发（2026）12号") == "红司发〔2026〕12号"


def test_two_thousand_row_table_from_prototype(tmp_path):
    doc = OfficialDocument(DocFonts())
    rows = [[str(i), f"单位{i}", "责任", "2025年1月5日", str(i % 900)] for i in range(1, 2001)]
    doc.table(["序号", "承办单位", "分工", "应完成日期", "逾期天数"], rows, [14, 60, 16, 42, 24])
    back = Document(str(doc.save(tmp_path / "big.docx")))
    table = back.tables[0]
    assert len(table.rows) == 2001
    assert [c.text for c in table.rows[2000].cells] == ["2000", "单位2000", "责任", "2025年1月5日", "200"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated header
    last = table.rows[2000].cells[1].paragraphs[0].runs[0]
    assert _east_asia(last) == "仿宋_GB2312" and last.font.size == Pt(14)


# -- the reports on the demo county --------------------------------------------------------------------

TODAY = dt.date(2026, 11, 21)


def test_reminder_lists_the_units_overdue_items(demo_session, tmp_path):
    rows = tb.load_assignments(today=TODAY, reports_until=TODAY)
    overdue = Counter(r.unit_id for r in rows if r.status.label == ob.OVERDUE)
    unit_id, n = overdue.most_common(1)[0]
    unit = Unit.get_by_id(unit_id)
    doc = Document(str(tr.reminder(unit_id, TODAY, tmp_path / "催办.docx")))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0].startswith("关于") and texts[0].endswith("通知")
    assert f"{unit.name}：" in texts
    assert f"一、逾期未完成的任务（{n}项）" in texts
    items = [r for r in rows if r.unit_id == unit_id and r.status.label == ob.OVERDUE]
    for row in items:
        assert any(t.startswith(f"第{row.number}项任务") or f".第{row.number}项任务" in t for t in texts)
    assert "2026年11月21日" in texts
    _every_run_has_east_asia(doc)


def test_reminder_refused_when_nothing_is_due(demo_session, tmp_path):
    rows = tb.load_assignments(today=TODAY, reports_until=TODAY)
    urgent = {r.unit_id for r in rows if r.status.label in (ob.OVERDUE, ob.SOON)}
    calm = next(u for u in Unit.select() if u.id not in urgent)
    with pytest.raises(Exception, match="无需催办"):
        tr.reminder(calm.id, TODAY, tmp_path / "空.docx")
    assert not (tmp_path / "空.docx").exists()


def test_notice_names_the_slowest_units_with_real_counts(demo_session, tmp_path):
    rows = tb.load_assignments(today=TODAY, reports_until=TODAY)
    overdue = [r for r in rows if r.status.label == ob.OVERDUE]
    assert overdue, "the demo has overdue items"
    doc = Document(str(tr.notice(None, TODAY, tmp_path / "通报.docx")))
    texts = [p.text for p in doc.paragraphs]
    overview = next(t for t in texts if t.startswith("截至2026年11月21日"))
    assert f"共分解为{len(rows)}项单位分工" in overview and f"逾期未完成{len(overdue)}项" in overview
    met = sum(r.status.label in (ob.DONE, ob.OK) for r in rows)
    assert f"占{met / len(rows) * 100:.1f}%" in overview
    slow = tr.slow_units(rows)
    worst_name, worst_items = slow[0]
    assert texts.count(f"（一）{worst_name}（逾期{len(worst_items)}项）") == 1
    counts = Counter(r.unit_name for r in overdue)
    assert len(worst_items) == max(counts.values())
    table = doc.tables[0]
    numbered = [row for row in table.rows[1:] if row.cells[0].text.isdigit()]
    assert len(numbered) == len(overdue)  # every overdue task × unit in the annex
    assert "附件：逾期未完成任务清单" in texts and "逾期未完成任务清单" in texts
    _every_run_has_east_asia(doc)


# -- the command line ----------------------------------------------------------------------------------

def test_cli_report(run_app, demo_template, tmp_path):
    import shutil

    demo_template = shutil.copyfile(demo_template, tmp_path / "demo.sqlite")
    out = tmp_path / "通报.docx"
    year = dt.date.today().year
    done = run_app("report", "notice", "--db", demo_template, "--year", year, "--out", out)
    assert done.returncode == 0, done.stderr
    assert out.is_file() and "已生成任务落实情况通报" in done.stdout
    ok = run_app("report", "reminder", "--db", demo_template, "--year", year, "--unit", "国家税务总局吴忠市红寺堡区税务局",
                 "--out", tmp_path / "催办.docx")
    assert ok.returncode == 0, ok.stderr
    unknown = run_app("report", "reminder", "--db", demo_template, "--year", year, "--unit", "不存在局",
                      "--out", tmp_path / "x.docx")
    assert unknown.returncode == 2 and "找不到单位“不存在局”" in unknown.stderr
    no_unit = run_app("report", "reminder", "--db", demo_template, "--year", year, "--out", tmp_path / "x.docx")
    assert no_unit.returncode == 2 and "--unit" in no_unit.stderr
    later = run_app("report", "notice", "--db", demo_template, "--year", year + 1, "--out", tmp_path / "x.docx")
    assert later.returncode == 2 and "统计年度" in later.stderr
    missing = run_app("report", "notice", "--db", tmp_path / "无.sqlite", "--year", year, "--out", tmp_path / "x.docx")
    assert missing.returncode == 2
    refused = run_app("report", "monthly", "--db", demo_template, "--year", year, "--out", tmp_path / "x.docx")
    assert refused.returncode == 2 and "无效的选项" in refused.stderr
    assert not (tmp_path / "x.docx").exists()
