"""The GB/T 9704 layout (shared/domain.md §1) of all five reports of the 报表中心, each generated once on the
demo county through catalog.generate and read back with python-docx: page, fonts, headings, page numbers,
成文日期, 文号, 附件 pages and the 版记."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import Counter
from dataclasses import dataclass

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from desktop_app.core import obligations as ob
from desktop_app.core import task_board as tb
from desktop_app.core.docx_style import DocFonts

KINDS = ("annual", "assessment", "training", "notice", "reminder")
ISSUER = "吴忠市红寺堡区司法局办公室"  # not the demo's own value: the 版记 must follow the setting
DOC_NUMBER = "红司发[2026]05号"
REAL_TODAY = dt.date.today()
# signed on the 5th of January: a one-digit month and day show whether the date is zero-padded
SIGNED = dt.date(REAL_TODAY.year, 1, 5) if REAL_TODAY >= dt.date(REAL_TODAY.year, 1, 5) \
    else dt.date(REAL_TODAY.year - 1, 1, 5)
CN_DATE = re.compile(r"\d{4}年[1-9]\d?月[1-9]\d?日")
ANY_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
HEADING1 = re.compile(r"[一二三四五六七八九十]+、")
HEADING2 = re.compile(r"（[一二三四五六七八九十]+）")
# what each kind has on the demo county (so the checks below cannot pass by finding nothing)
ANNEX_LABELS = {"annual": ["附件1", "附件2"], "assessment": ["附件"], "training": ["附件"], "notice": ["附件"],
                "reminder": []}
HAS_HEADING2 = {"assessment", "notice"}


@dataclass
class Built:
    docs: dict
    fonts: DocFonts


@pytest.fixture(scope="module")
def built(demo_template, tmp_path_factory) -> Built:
    """The five reports, generated once for the module on a copy of the demo county."""
    from desktop_app.core.models import Plan
    from desktop_app.core.reports import catalog, template
    from desktop_app.core.session import open_session
    from desktop_app.core.settings import get_setting, set_setting

    folder = tmp_path_factory.mktemp("layout")
    path = folder / "demo.sqlite"
    shutil.copyfile(demo_template, path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DESKTOP_APP_DATA_DIR", str(folder / "user-data"))
        opened = open_session(path)
        try:
            set_setting("issuing_authority", ISSUER)
            fonts = template.FONT_SETS[get_setting("doc_font_set")]
            rows = tb.load_assignments(None, SIGNED, reports_until=SIGNED)
            overdue = Counter(r.unit_id for r in rows if r.status.label == ob.OVERDUE)
            assert overdue, "the demo county has no overdue task on the signing day"
            unit_id = overdue.most_common(1)[0][0]
            plan_id = Plan.select().first().id
            requests = {
                "annual": catalog.make_request("annual", 2025, doc_number=DOC_NUMBER, today=SIGNED),
                "assessment": catalog.make_request("assessment", SIGNED.year, plan_id=plan_id, stage="中期",
                                                   doc_number=DOC_NUMBER, today=SIGNED),
                "training": catalog.make_request("training", 2025, doc_number=DOC_NUMBER, today=SIGNED),
                "notice": catalog.make_request("notice", SIGNED.year, doc_number=DOC_NUMBER, today=SIGNED),
                "reminder": catalog.make_request("reminder", SIGNED.year, unit_id=unit_id, doc_number=DOC_NUMBER,
                                                 today=SIGNED),
            }
            docs = {}
            for kind, request in requests.items():
                request = catalog.replace(request, narrative=catalog.narrative_for(request))
                result = catalog.generate(request, folder / f"{kind}.docx")
                assert result.warnings == [], result.warnings
                docs[kind] = Document(str(result.path))
        finally:
            opened.close()
    return Built(docs, fonts)


def _east_asia(run) -> str | None:
    rpr = run._element.rPr
    return rpr.rFonts.get(qn("w:eastAsia")) if rpr is not None and rpr.rFonts is not None else None


def _texts(doc) -> list[str]:
    return [p.text for p in doc.paragraphs]


@pytest.mark.parametrize("kind", KINDS)
def test_page_and_line_pitch(built, kind):
    doc = built.docs[kind]
    for section in doc.sections:
        mm = [round(x.mm, 1) for x in (section.page_width, section.page_height, section.top_margin,
                                       section.bottom_margin, section.left_margin, section.right_margin)]
        assert mm == [210, 297, 37, 35, 28, 26]
    normal = doc.styles["Normal"].paragraph_format
    assert normal.line_spacing_rule == WD_LINE_SPACING.EXACTLY and normal.line_spacing == Pt(28.95)


@pytest.mark.parametrize("kind", KINDS)
def test_every_run_names_its_chinese_font(built, kind):
    """Word falls back to the theme's Chinese font for a run without w:eastAsia."""
    body = built.docs[kind].element.body
    runs = list(body.iter(qn("w:r")))
    assert runs
    missing = []
    for run in runs:
        rpr = run.find(qn("w:rPr"))
        fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if fonts is None or not fonts.get(qn("w:eastAsia")):
            missing.append("".join(t.text or "" for t in run.iter(qn("w:t"))) or run.xml[:120])
    assert missing == []


@pytest.mark.parametrize("kind", KINDS)
def test_title_and_doc_number(built, kind):
    doc = built.docs[kind]
    paragraphs = doc.paragraphs
    assert paragraphs[0].text == "红司发〔2026〕5号" and paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.CENTER
    title = next(p for p in paragraphs if p.style.name == "公文标题")
    assert title.text.startswith("关于") and paragraphs.index(title) <= 3
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs and all(r.font.size == Pt(22) and not r.font.bold for r in title.runs)
    assert {_east_asia(r) for r in title.runs} == {built.fonts.title}


@pytest.mark.parametrize("kind", KINDS)
def test_body_paragraphs_are_3hao_indented_two_characters(built, kind):
    body = [p for p in built.docs[kind].paragraphs if "。" in p.text]
    assert len(body) >= 2
    for paragraph in body:
        assert paragraph.paragraph_format.first_line_indent == Pt(32), paragraph.text
        assert all(r.font.size == Pt(16) for r in paragraph.runs), paragraph.text
        assert {_east_asia(r) for r in paragraph.runs} == {built.fonts.body}, paragraph.text


@pytest.mark.parametrize("kind", KINDS)
def test_heading_fonts(built, kind):
    paragraphs = built.docs[kind].paragraphs
    first = [p for p in paragraphs if HEADING1.match(p.text)]
    second = [p for p in paragraphs if HEADING2.match(p.text)]
    assert first
    for heading in first:
        assert {_east_asia(r) for r in heading.runs} == {"黑体"}, heading.text
        assert all(r.font.size == Pt(16) and not r.font.bold for r in heading.runs)
    assert bool(second) == (kind in HAS_HEADING2)
    for heading in second:
        assert {_east_asia(r) for r in heading.runs} == {built.fonts.kai}, heading.text


@pytest.mark.parametrize("kind", KINDS)
def test_page_numbers_odd_right_even_left(built, kind):
    doc = built.docs[kind]
    assert doc.settings.odd_and_even_pages_header_footer
    section = doc.sections[0]
    odd, even = section.footer.paragraphs[0], section.even_page_footer.paragraphs[0]
    assert odd.alignment == WD_ALIGN_PARAGRAPH.RIGHT and odd.paragraph_format.right_indent == Pt(14)
    assert even.alignment == WD_ALIGN_PARAGRAPH.LEFT and even.paragraph_format.left_indent == Pt(14)
    for footer in (odd, even):
        instructions = [t.text for t in footer._p.iter(qn("w:instrText"))]
        assert [i.strip() for i in instructions] == ["PAGE"]
        assert footer.text.startswith("— ") and footer.text.endswith(" —")
        assert all(_east_asia(r) == "宋体" and r.font.size == Pt(14) for r in footer.runs)


@pytest.mark.parametrize("kind", KINDS)
def test_signing_date_without_zero_padding_four_characters_in(built, kind):
    dates = [p for p in built.docs[kind].paragraphs if ANY_DATE.fullmatch(p.text)]
    assert len(dates) == 1
    date = dates[0]
    assert CN_DATE.fullmatch(date.text)
    assert date.text == f"{SIGNED.year}年{SIGNED.month}月{SIGNED.day}日"
    assert date.alignment == WD_ALIGN_PARAGRAPH.RIGHT and date.paragraph_format.right_indent == Pt(64)


@pytest.mark.parametrize("kind", KINDS)
def test_annex_labels_start_a_page_in_heiti(built, kind):
    labels = [p for p in built.docs[kind].paragraphs if re.fullmatch(r"附件\d*", p.text)]
    assert [p.text for p in labels] == ANNEX_LABELS[kind]
    for label in labels:
        assert label.paragraph_format.page_break_before
        assert {_east_asia(r) for r in label.runs} == {"黑体"}
    if labels:  # the 附件说明 in the text announces them
        assert any(t.startswith("附件：") for t in _texts(built.docs[kind]))


@pytest.mark.parametrize("kind", KINDS)
def test_colophon_is_the_last_table_at_the_foot(built, kind):
    doc = built.docs[kind]
    assert doc.tables
    colophon = doc.tables[-1]
    body = doc.element.body
    children = list(body)
    after = children[children.index(colophon._tbl) + 1:]
    assert not any(child.tag == qn("w:tbl") for child in after)
    assert not "".join("".join(child.itertext()) for child in after if child.tag == qn("w:p")).strip()
    text = colophon.rows[-1].cells[0].text
    assert text == f"{ISSUER}\t{SIGNED.year}年{SIGNED.month}月{SIGNED.day}日印发"
    position = colophon._tbl.tblPr.find(qn("w:tblpPr"))
    assert position is not None and position.get(qn("w:vertAnchor")) == "margin"
    borders = {b.tag.split("}")[1]: (b.get(qn("w:val")), b.get(qn("w:sz")))
               for b in colophon._tbl.tblPr.find(qn("w:tblBorders"))}
    assert borders["top"] == borders["bottom"] == ("single", "8")
    assert colophon.rows[-1].cells[0].paragraphs[0].style.name == "公文版记"
