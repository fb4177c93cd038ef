"""Which fonts and which .docx template a report is built with (settings 公文字体 and 公文模板).

Every report paragraph carries one of the named styles in STYLES (公文标题, 公文正文, 公文一级标题 …), so an
office can open `templates_docx/公文模板.docx` in Word, change a style's font or add its 版头 (红头 and
rule) at the top of the body, save it under another name and choose it in 设置; the generator keeps the
template's body as the 版头 and its styles, and still sets the GB/T 9704 page, page numbers and each run's
fonts itself (w:eastAsia on every run: Word otherwise falls back to the theme's Chinese font).

Font sets: 通用字体 (华文中宋, 仿宋, 楷体, 黑体: every Chinese Windows with Office has them), 标准字体 (the
canonical 方正小标宋简体, 仿宋_GB2312, 楷体_GB2312 for offices that installed them), 按模板 (the East-Asian font
of each named style in the template). A template that is missing, not a .docx or damaged falls back to the
built-in layout with a warning the reports page and the command line show; nothing is half-built.

The shipped template is written by this module: `python -m desktop_app.core.reports.template` (tests check
the file in the repository carries every style).
"""
from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_app.core import docx_style as ds
from desktop_app.core.docx_style import DocFonts

WINDOWS_FONTS = DocFonts(title="华文中宋", body="仿宋", heading="黑体", page_number="宋体", kai="楷体")
CANONICAL_FONTS = DocFonts()
FONT_SETS = {"通用字体": WINDOWS_FONTS, "标准字体": CANONICAL_FONTS}
TEMPLATE_NAME = "公文模板.docx"

# style name → (the DocFonts role of its font, size in pt, what it is for)
STYLES: dict[str, tuple[str, float, str]] = {
    "公文标题": ("title", ds.TITLE_PT, "标题：2号小标宋，居中，不加粗"),
    "公文正文": ("body", ds.BODY_PT, "正文：3号仿宋，首行缩进2字"),
    "公文一级标题": ("heading", ds.BODY_PT, "一级标题“一、”：3号黑体"),
    "公文二级标题": ("kai", ds.BODY_PT, "二级标题“（一）”：3号楷体"),
    "公文三级标题": ("body", ds.BODY_PT, "三级、四级标题“1.”“（1）”：3号仿宋"),
    "公文附件标识": ("heading", ds.BODY_PT, "附件页左上角的“附件”：3号黑体"),
    "公文表格": ("body", ds.TABLE_PT, "表格文字：4号仿宋"),
    "公文版记": ("body", 14, "版记（抄送、印发机关和印发日期）：4号仿宋"),
    "公文页码": ("page_number", ds.PAGE_NUMBER_PT, "页码：4号半角宋体"),
}


@dataclass
class DocumentSetup:
    fonts: DocFonts
    template: Path | None = None  # None: the built-in layout
    warnings: list[str] = field(default_factory=list)


def shipped_template() -> Path:
    from desktop_app.paths import resource_path

    return resource_path("templates_docx", TEMPLATE_NAME)


def _open(path: Path) -> Any:
    from docx import Document

    return Document(str(path))


def _check(path: Path) -> str | None:
    """Why `path` cannot serve as a template, or None."""
    if not path.is_file():
        return f"找不到公文模板“{path}”"
    if not zipfile.is_zipfile(path):
        return f"公文模板“{path.name}”不是 Word 文档（.docx）或已损坏"
    try:
        _open(path)
    except Exception as exc:  # noqa: BLE001 - python-docx raises KeyError, ValueError, lxml errors … for a damaged part
        return f"公文模板“{path.name}”无法打开（{type(exc).__name__}）"
    return None


def style_fonts(doc: Any, fallback: DocFonts) -> DocFonts:
    """The East-Asian font of each role's named style in `doc` (the role's fallback where unset)."""
    from docx.oxml.ns import qn

    names = {style.name: style for style in doc.styles}
    picked = {}
    for name, (role, _size, _why) in STYLES.items():
        if role in picked or name not in names:
            continue
        rpr = names[name].element.rPr
        fonts = rpr.rFonts if rpr is not None else None
        east = fonts.get(qn("w:eastAsia")) if fonts is not None else None
        if east:
            picked[role] = east
    return DocFonts(**{role: picked.get(role, getattr(fallback, role)) for role in
                       ("title", "body", "heading", "page_number", "kai")}, latin=fallback.latin)


def document_setup() -> DocumentSetup:
    """Fonts and template from the settings; an unusable template gives the built-in layout and a warning."""
    from desktop_app.core.settings import get_setting

    choice = get_setting("doc_font_set")
    chosen = (get_setting("doc_template") or "").strip()
    path = Path(chosen) if chosen else shipped_template()
    warnings = []
    problem = _check(path)
    if problem:
        warnings.append(problem + "，已改用内置格式生成。")
        path = None
    fonts = FONT_SETS.get(choice, WINDOWS_FONTS)
    if choice == "按模板":
        fonts = style_fonts(_open(path), WINDOWS_FONTS) if path else WINDOWS_FONTS
    return DocumentSetup(fonts, path, warnings)


def _define_styles(doc: Any, fonts: DocFonts, only_missing: bool) -> None:
    from docx.enum.style import WD_STYLE_TYPE

    existing = {style.name for style in doc.styles}
    for name, (role, size, _why) in STYLES.items():
        if name in existing and only_missing:
            continue
        style = doc.styles[name] if name in existing else doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
        font = getattr(fonts, role)
        ds.set_style_font(style, font, size, fonts.latin)
        if name == "公文标题":
            ds.set_char_spacing(style.element.get_or_add_rPr(), 0)


def build_template(fonts: DocFonts = WINDOWS_FONTS) -> Any:
    """The built-in template: the GB/T 9704 page and the named styles, an empty body."""
    doc = ds.new_document(fonts)
    _define_styles(doc, fonts, only_missing=False)
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    return doc


def new_document(setup: DocumentSetup) -> Any:
    """An empty report: the template (its body kept as the 版头, its styles) or the built-in layout, with
    the GB/T 9704 page and page numbers, and every named style present."""
    if setup.template is None:
        doc = build_template(setup.fonts)
    else:
        doc = _open(setup.template)
        ds.apply_page(doc, setup.fonts)
        _define_styles(doc, setup.fonts, only_missing=True)
        body = doc.element.body
        for child in list(body):  # a template saved by Word keeps one empty paragraph: drop it
            if child.tag.endswith("}p") and not "".join(child.itertext()).strip() and \
                    not child.xpath(".//w:drawing|.//w:pict|.//w:pBdr"):
                body.remove(child)
        ds.stamp_properties(doc)
    return doc


def write_shipped_template(path: Path | None = None) -> Path:
    from desktop_app.core.files import atomic_path

    path = Path(path or shipped_template())
    doc = build_template(WINDOWS_FONTS)
    doc.core_properties.title = "公文模板"
    doc.core_properties.comments = ("执法质量台账生成报表所用的样式（公文标题、公文正文、公文一级标题……）。"
                                    "可在 Word 中修改样式字体，或在正文开头加上版头后另存，再在“设置—公文模板”中选择。")
    with atomic_path(path) as temp:
        doc.save(str(temp))
    return path


if __name__ == "__main__":
    print(write_shipped_template())
