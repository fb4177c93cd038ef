"""公文字体 and 公文模板 (core/reports/template.py): the font sets, a template whose style fonts or 版头 an office
changed, the fallback to the built-in layout for a missing or damaged template, and the shipped template."""
from __future__ import annotations

import datetime as dt
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, RGBColor

from desktop_app.core.reports import catalog, template
from desktop_app.core.settings import set_setting

SHIPPED = Path(__file__).resolve().parents[2] / "templates_docx" / "公文模板.docx"
TODAY = dt.date.today()
LETTERHEAD = "红寺堡区司法局文件"


def _east_asia(run) -> str | None:
    rpr = run._element.rPr
    return rpr.rFonts.get(qn("w:eastAsia")) if rpr is not None and rpr.rFonts is not None else None


def _notice(out: Path):
    """The 任务落实情况通报 of the demo county (title, body, both heading levels, an annex, a 版记)."""
    request = catalog.make_request("notice", TODAY.year, today=TODAY)
    return catalog.generate(request, out)


def _fonts_of(doc) -> dict[str, set[str]]:
    """East-Asian fonts of the title, the body paragraphs and the headings, as the reader sees them."""
    paragraphs = doc.paragraphs
    title = next(p for p in paragraphs if p.style.name == "公文标题")
    body = [p for p in paragraphs if "。" in p.text]
    heading1 = [p for p in paragraphs if p.text.startswith(("一、", "二、"))]
    heading2 = [p for p in paragraphs if p.text.startswith("（一）")]
    assert body and heading1 and heading2
    return {"title": {_east_asia(r) for r in title.runs},
            "body": {_east_asia(r) for p in body for r in p.runs},
            "heading": {_east_asia(r) for p in heading1 for r in p.runs},
            "kai": {_east_asia(r) for p in heading2 for r in p.runs}}


def _margins(doc) -> list[float]:
    section = doc.sections[0]
    return [round(x.mm, 1) for x in (section.page_width, section.page_height, section.top_margin,
                                     section.bottom_margin, section.left_margin, section.right_margin)]


@pytest.mark.parametrize(("choice", "expected"), [
    ("通用字体", {"title": {"华文中宋"}, "body": {"仿宋"}, "heading": {"黑体"}, "kai": {"楷体"}}),
    ("标准字体", {"title": {"方正小标宋简体"}, "body": {"仿宋_GB2312"}, "heading": {"黑体"}, "kai": {"楷体_GB2312"}}),
])
def test_font_sets(demo_session, tmp_path, choice, expected):
    set_setting("doc_font_set", choice)
    result = _notice(tmp_path / "通报.docx")
    assert result.warnings == []
    doc = Document(str(result.path))
    assert _fonts_of(doc) == expected
    normal = doc.styles["Normal"].element.rPr.rFonts.get(qn("w:eastAsia"))
    assert normal == next(iter(expected["body"]))


def _template_copy(tmp_path: Path, name: str = "本局模板.docx") -> tuple[Path, object]:
    path = tmp_path / name
    shutil.copyfile(SHIPPED, path)
    return path, Document(str(path))


def test_font_set_by_template_uses_the_changed_style_font(demo_session, tmp_path):
    path, doc = _template_copy(tmp_path)
    doc.styles["公文正文"].element.rPr.rFonts.set(qn("w:eastAsia"), "方正仿宋_GBK")
    doc.save(str(path))
    set_setting("doc_template", str(path))
    set_setting("doc_font_set", "按模板")
    result = _notice(tmp_path / "通报.docx")
    assert result.warnings == []
    fonts = _fonts_of(Document(str(result.path)))
    assert fonts["body"] == {"方正仿宋_GBK"}
    assert fonts["title"] == {"华文中宋"} and fonts["heading"] == {"黑体"}  # the template's unchanged styles
    # the same template with 通用字体 chosen: the setting wins over the style
    set_setting("doc_font_set", "通用字体")
    again = Document(str(_notice(tmp_path / "通报2.docx").path))
    assert _fonts_of(again)["body"] == {"仿宋"}


def test_letterhead_in_the_template_heads_the_report(demo_session, tmp_path):
    path, doc = _template_copy(tmp_path, "红头模板.docx")
    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(LETTERHEAD)
    run.font.color.rgb = RGBColor(0xFF, 0, 0)
    section = doc.sections[0]  # an office's own page settings give way to the standard
    section.top_margin = section.left_margin = Mm(20)
    doc.save(str(path))
    set_setting("doc_template", str(path))
    result = _notice(tmp_path / "通报.docx")
    assert result.warnings == []
    report = Document(str(result.path))
    first = report.paragraphs[0]
    assert first.text == LETTERHEAD and first.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert first.runs[0].font.color.rgb == RGBColor(0xFF, 0, 0)
    assert any(p.style.name == "公文标题" and p.text.startswith("关于") for p in report.paragraphs[1:4])
    assert [p.text for p in report.paragraphs].count(LETTERHEAD) == 1
    assert _margins(report) == [210, 297, 37, 35, 28, 26]


def _random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(4096))


def _zip_without_document(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/styles.xml", "<w:styles/>")


@pytest.mark.parametrize(("damage", "font_set"), [("missing", "通用字体"), ("random bytes", "按模板"),
                                                 ("zip without document", "通用字体")])
def test_unusable_template_falls_back_to_the_built_in_layout(demo_session, tmp_path, damage, font_set):
    path = tmp_path / "坏模板.docx"
    if damage == "random bytes":
        _random_bytes(path)
    elif damage == "zip without document":
        _zip_without_document(path)
    set_setting("doc_template", str(path))
    set_setting("doc_font_set", font_set)
    out = tmp_path / "通报.docx"
    result = _notice(out)
    assert result.path == out and out.is_file()
    assert len(result.warnings) == 1
    warning = result.warnings[0]
    assert "坏模板.docx" in warning and "已改用内置格式" in warning and "公文模板" in warning
    doc = Document(str(out))
    assert _margins(doc) == [210, 297, 37, 35, 28, 26]
    assert _fonts_of(doc) == {"title": {"华文中宋"}, "body": {"仿宋"}, "heading": {"黑体"}, "kai": {"楷体"}}
    assert {s.name for s in doc.styles} >= set(template.STYLES)
    assert warning in catalog.history()[0].note  # the reports page shows it with the file


def test_shipped_template_carries_every_style():
    assert SHIPPED.is_file()
    doc = Document(str(SHIPPED))
    styles = {style.name: style for style in doc.styles}
    for name, (role, size, _why) in template.STYLES.items():
        assert name in styles, name
        fonts = styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == getattr(template.WINDOWS_FONTS, role), name
        assert styles[name].font.size.pt == size, name
    assert not "".join(p.text for p in doc.paragraphs).strip()  # an empty body: nothing becomes a 版头
    assert _margins(doc) == [210, 297, 37, 35, 28, 26]
    rebuilt = template.build_template()
    assert {s.name for s in rebuilt.styles} == set(styles)
