"""Word documents in the GB/T 9704-2012 basics (shared/domain.md §1): A4, margins 37/35/28/26 mm, body 3号
仿宋 at a fixed 28.95 pt line pitch, title 2号 小标宋 centred and not bold, page numbers “— 1 —” in 4号
宋体 (odd pages right, even pages left), 成文日期 without zero padding, and big tables built by copying
one styled prototype row (python-docx `add_row` costs about 2 ms a row). python-docx is imported inside
the functions (start-up stays light).

Chinese text needs its font in `w:eastAsia`; `font.name` sets only the Latin slots, so every run here
gets all slots set. The font names are the canonical ones an office types; `installed_fonts` picks, from
the families a PC has, the first of each fallback chain (the GUI passes QFontDatabase.families()).
"""
from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from desktop_app.core.dates import format_cn_date

TITLE_PT, BODY_PT, TABLE_PT, PAGE_NUMBER_PT = 22, 16, 14, 14  # 2号, 3号, 4号, 4号
LINE_PITCH_PT = 28.95  # 22 lines in the 225 mm 版心
TABLE_LINE_PT = 22
CHAR_PT = BODY_PT  # one 字 of body text
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
TEXT_WIDTH_MM = 210 - 28 - 26  # 156 mm 版心
TEXT_WIDTH_PT = TEXT_WIDTH_MM / 25.4 * 72  # 442.2 pt
TEXT_HEIGHT_PT = (297 - 37 - 35) / 25.4 * 72  # 225 mm, the 版心's height
# 28 字 a line: 442.2 pt / 28 = 15.79 pt a 字, so 16 pt characters are condensed by 0.25 pt (in twips;
# −0.2 pt still leaves 28 × 15.8 pt a hair wider than the line, and LibreOffice then wraps at 27)
CHAR_SPACING_TWIPS = -5


@dataclass(frozen=True)
class DocFonts:
    title: str = "方正小标宋简体"
    body: str = "仿宋_GB2312"
    heading: str = "黑体"
    page_number: str = "宋体"
    kai: str = "楷体_GB2312"  # the second heading level （一）
    latin: str = ""  # digits and Latin letters; "" = the run's Chinese font (Times New Roman is a local custom)


FALLBACKS = {
    "title": ("方正小标宋简体", "方正小标宋_GBK", "华文中宋", "STZhongsong", "宋体", "SimSun"),
    "body": ("仿宋_GB2312", "方正仿宋_GBK", "仿宋", "FangSong", "华文仿宋", "STFangsong"),
    "heading": ("黑体", "SimHei", "方正黑体_GBK", "微软雅黑", "Microsoft YaHei"),
    "page_number": ("宋体", "SimSun"),
    "kai": ("楷体_GB2312", "方正楷体_GBK", "楷体", "KaiTi", "华文楷体", "STKaiti"),
}


def installed_fonts(families: Iterable[str]) -> DocFonts:
    """The first installed font of each fallback chain (canonical name when none is installed)."""
    have = set(families)
    picked = {role: next((name for name in chain if name in have), chain[0]) for role, chain in FALLBACKS.items()}
    return DocFonts(**picked)


def set_run_font(run: Any, name: str, size_pt: float, latin: str = "", bold: bool = False) -> None:
    """A run's font in every slot (w:eastAsia included): `font.name` alone sets only the Latin ones."""
    _set_font(run.font, run._element.get_or_add_rPr(), name, size_pt, latin, bold)


def _set_font(font: Any, rpr: Any, name: str, size_pt: float, latin: str, bold: bool) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    font.size = Pt(size_pt)
    font.bold = bold
    fonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(slot), latin or name)
    fonts.set(qn("w:eastAsia"), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def set_char_spacing(rpr: Any, twips: int) -> None:
    """Character spacing (`w:spacing` in a run's or style's rPr), in twentieths of a point."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    spacing = rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = OxmlElement("w:spacing")
        rpr.insert_element_before(spacing, *_AFTER_SPACING)  # Word insists on the schema's order
    spacing.set(qn("w:val"), str(twips))


_AFTER_SPACING = ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:highlight", "w:u", "w:effect", "w:bdr",
                  "w:shd", "w:fitText", "w:vertAlign", "w:rtl", "w:cs", "w:em", "w:lang", "w:eastAsianLayout",
                  "w:specVanish", "w:oMath")


def _exact_spacing(paragraph_format: Any, pitch_pt: float) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Pt

    paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph_format.line_spacing = Pt(pitch_pt)
    paragraph_format.space_before = Pt(0)
    paragraph_format.space_after = Pt(0)


def new_document(fonts: DocFonts) -> Any:
    """An empty A4 document with the GB/T 9704 page, body style and page-number footers."""
    from docx import Document

    doc = Document()
    apply_page(doc, fonts)
    stamp_properties(doc)
    return doc


def apply_page(doc: Any, fonts: DocFonts) -> None:
    """The GB/T 9704 page on every section (A4, margins, 28.95 pt body pitch in Normal, page numbers), also
    over a template's own settings: the standard is not a matter of taste."""
    from docx.shared import Mm

    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)  # python-docx's default is US Letter
        section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
        section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
        section.footer_distance = Mm(22)  # puts the page number's 一字线 about 7 mm below the 版心
    normal = doc.styles["Normal"]
    set_style_font(normal, fonts.body, BODY_PT, fonts.latin)
    set_char_spacing(normal.element.get_or_add_rPr(), CHAR_SPACING_TWIPS)
    _exact_spacing(normal.paragraph_format, LINE_PITCH_PT)
    _page_numbers(doc, fonts)


def set_style_font(style: Any, name: str, size_pt: float, latin: str = "") -> None:
    """A style's font in every slot (w:eastAsia included), not bold."""
    _set_font(style.font, style.element.get_or_add_rPr(), name, size_pt, latin, False)


def stamp_properties(doc: Any) -> None:
    """Document properties name this program and its version (as xlsx_style.save_workbook does for the
    creator of a workbook), replacing python-docx's template values (author “python-docx”, created 2013)."""
    from desktop_app import APP_NAME, __version__

    made_by = f"{APP_NAME} {__version__}"
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)  # written as UTC (…Z)
    properties = doc.core_properties
    properties.author = properties.last_modified_by = made_by
    properties.comments = f"由{made_by}生成"
    properties.created = properties.modified = now
    properties.revision = 1


def _page_field(paragraph: Any, fonts: DocFonts) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def run(text: str = "") -> Any:
        made = paragraph.add_run(text)
        set_run_font(made, fonts.page_number, PAGE_NUMBER_PT, fonts.page_number)
        return made

    run("— ")
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        part = run()
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        elif instruction == " PAGE ":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = instruction
        else:
            element = OxmlElement("w:t")
            element.text = instruction
        part._element.append(element)
    run(" —")


def _page_numbers(doc: Any, fonts: DocFonts) -> None:
    """Odd pages: right, one 字 in; even pages: left, one 字 in (GB/T 9704 §7.5)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer,
                                                                         WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        for old in footer.paragraphs[1:]:  # a template's own footer gives way to the standard page number
            old._p.getparent().remove(old._p)
        paragraph = footer.paragraphs[0]
        for child in list(paragraph._p):
            if not child.tag.endswith("}pPr"):
                paragraph._p.remove(child)
        paragraph.alignment = align
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            paragraph.paragraph_format.right_indent = Pt(PAGE_NUMBER_PT)
        else:
            paragraph.paragraph_format.left_indent = Pt(PAGE_NUMBER_PT)
        _exact_spacing(paragraph.paragraph_format, PAGE_NUMBER_PT * 1.5)
        _page_field(paragraph, fonts)


def add_paragraph(doc: Any, text: str, font: str, size_pt: float = BODY_PT, *, align: str = "left",
                  first_line_chars: float = 0, right_chars: float = 0, latin: str = "") -> Any:
    """One paragraph with one run; indents are in 字 of body text. align: left, center, right, justify."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = doc.add_paragraph()
    paragraph.alignment = {"left": WD_ALIGN_PARAGRAPH.LEFT, "center": WD_ALIGN_PARAGRAPH.CENTER,
                           "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]
    if first_line_chars:
        paragraph.paragraph_format.first_line_indent = Pt(CHAR_PT * first_line_chars)
    if right_chars:
        paragraph.paragraph_format.right_indent = Pt(CHAR_PT * right_chars)
    if text:
        set_run_font(paragraph.add_run(text), font, size_pt, latin)
    return paragraph


def add_title(doc: Any, text: str, fonts: DocFonts) -> Any:
    """2号 小标宋, centred, not bold; a blank line follows."""
    paragraph = add_paragraph(doc, text, fonts.title, TITLE_PT, align="center", latin=fonts.latin)
    for run in paragraph.runs:  # the title keeps its natural spacing (the 28-字 grid is the body's)
        set_char_spacing(run._element.get_or_add_rPr(), 0)
    add_paragraph(doc, "", fonts.body)
    return paragraph


def add_body(doc: Any, text: str, fonts: DocFonts) -> Any:
    return add_paragraph(doc, text, fonts.body, align="justify", first_line_chars=2, latin=fonts.latin)


def text_width_chars(text: str) -> float:
    """Width in 字: digits and Latin letters are half a 字."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1 for ch in text)


def add_signature(doc: Any, authority: str, day: dt.date, fonts: DocFonts) -> None:
    """署名 and 成文日期 for a document without a seal (GB/T 9704 §7.3.5.2): one blank line; 署名 two 字 from
    the right; the date on the next line, its first character two 字 right of the 署名's first character;
    when the date is the longer one it sits two 字 from the right and the 署名 moves left to keep the offset.
    Both are placed by their left indent, so the offset holds whatever width the digits have in the
    font; only the longer-date case relies on the estimate of the date's width. Without 署名: the date four
    字 from the right."""
    date_text = format_cn_date(day)
    add_paragraph(doc, "", fonts.body)
    if not authority:
        add_paragraph(doc, date_text, fonts.body, align="right", right_chars=4, latin=fonts.latin)
        return
    line = TEXT_WIDTH_PT / CHAR_PT  # 字 per line (27.6 for 156 mm at 16 pt)
    name_start = line - 2 - text_width_chars(authority)
    date_start = name_start + 2
    if date_start + text_width_chars(date_text) > line - 2:
        date_start = line - 2 - text_width_chars(date_text)
        name_start = date_start - 2
    for text, start in ((authority, name_start), (date_text, date_start)):
        paragraph = add_paragraph(doc, text, fonts.body, latin=fonts.latin)
        paragraph.paragraph_format.left_indent = _pt(max(0.0, start) * CHAR_PT)


def _pt(value: float) -> Any:
    from docx.shared import Pt

    return Pt(value)


class PrototypeTable:
    """A bordered table whose rows are copies of styled prototype rows, filled in place: about 0.1 ms a
    row instead of 2 ms for `add_row` plus per-run fonts. Prototypes: "row" (one cell per column) and
    "group" (one cell across the table, e.g. a unit heading). Threading: the building thread only."""

    def __init__(self, doc: Any, headers: list[str], widths_mm: list[float], fonts: DocFonts,
                 centred: Iterable[int] = (), style: Any = None) -> None:
        from docx.enum.table import WD_TABLE_ALIGNMENT
        from docx.oxml.ns import qn

        self.fonts = fonts
        self.style = style  # a named paragraph style for every cell (copied along with the prototypes)
        self.table = table = doc.add_table(rows=3, cols=len(headers))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        self._widths(widths_mm)
        header, group, row = table.rows
        self._fill_prototype(header, headers, fonts.heading, centred=range(len(headers)))
        header._tr.get_or_add_trPr().append(self._flag("w:tblHeader"))  # repeated on every page
        self._fill_prototype(row, ["x"] * len(headers), fonts.body, centred=set(centred))
        row._tr.get_or_add_trPr().append(self._flag("w:cantSplit"))
        merged = group.cells[0].merge(group.cells[-1])
        self._fill_prototype_cell(merged, "x", fonts.heading, centre=False)
        group._tr.get_or_add_trPr().append(self._flag("w:cantSplit"))
        merged.paragraphs[0].paragraph_format.keep_with_next = True  # a heading never ends a page
        self._protos = {"group": group._tr, "row": row._tr}
        for tr in self._protos.values():
            table._tbl.remove(tr)
        self._qn_tc, self._qn_t = qn("w:tc"), qn("w:t")

    @staticmethod
    def _flag(tag: str) -> Any:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        element = OxmlElement(tag)
        element.set(qn("w:val"), "true")
        return element

    def _widths(self, widths_mm: list[float]) -> None:
        from docx.shared import Mm

        for column, width in zip(self.table.columns, widths_mm):
            column.width = Mm(width)
            for cell in column.cells:
                cell.width = Mm(width)

    def _fill_prototype(self, row: Any, texts: list[str], font: str, centred: Iterable[int]) -> None:
        centred = set(centred)
        for index, (cell, text) in enumerate(zip(row.cells, texts)):
            self._fill_prototype_cell(cell, text, font, centre=index in centred)

    def _fill_prototype_cell(self, cell: Any, text: str, font: str, centre: bool) -> None:
        from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
        from docx.enum.text import WD_ALIGN_PARAGRAPH

        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        paragraph = cell.paragraphs[0]
        if self.style is not None:
            paragraph.style = self.style
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER if centre else WD_ALIGN_PARAGRAPH.LEFT
        _exact_spacing(paragraph.paragraph_format, TABLE_LINE_PT)
        set_run_font(paragraph.add_run(text), font, TABLE_PT, self.fonts.latin)

    def add(self, kind: str, texts: list[str]) -> None:
        """Append a copy of prototype `kind` with one text per cell."""
        tr = copy.deepcopy(self._protos[kind])
        for tc, text in zip(tr.iterchildren(self._qn_tc), texts):
            tc.find(f".//{self._qn_t}").text = text
        self.table._tbl.append(tr)
