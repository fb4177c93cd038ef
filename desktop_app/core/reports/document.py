"""A small builder for official documents in the GB/T 9704-2012 layout (shared/domain.md §1), on top of
core/docx_style.py (page, fonts on every run incl. w:eastAsia, page numbers, prototype-row tables).

    doc = OfficialDocument(fonts)
    doc.doc_number("红司发〔2026〕5号"); doc.title("关于……的通报"); doc.recipient("各有关单位")
    doc.heading1("一、总体情况"); doc.paragraph("截至……")
    doc.attachments(["逾期任务清单"]); doc.signature("红寺堡区司法局", day)
    doc.annex("逾期任务清单"); doc.table(headers, rows, widths_mm)
    doc.colophon("", "红寺堡区司法局", day); doc.save(path)

Headings: 一、黑体 → （一）楷体 → 1. 仿宋 → （1）仿宋, all 3号, not bold. The caller writes the numbering
into the text (the numbers come from the data). Threading: one document per thread; python-docx is
imported lazily (start-up stays light).
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from desktop_app.core import docx_style as ds
from desktop_app.core.dates import format_cn_date

COLOPHON_PT = 14  # 版记: 4号仿宋
# the 版记 table, floating at the foot of the page: LibreOffice (7.4, measured) lets a table float only
# when it is narrower than the 版心 (8,844 twips) by about 0.5 cm, so its rules fall 2.6 mm short each side
COLOPHON_TWIPS = round(ds.TEXT_WIDTH_PT * 20) - 300
RULE_THICK, RULE_THIN = 8, 6  # w:sz in eighths of a point: 1 pt ≈ 0.35 mm, 0.75 pt ≈ 0.25 mm
_YEAR_BRACKETS = re.compile(r"[\[［【(（〔]\s*(\d{4})\s*[\]］】)）〕]")


def normalise_doc_number(text: str) -> str:
    """`红司发[2026]5号` → `红司发〔2026〕5号`: the year in 六角括号 (not [] 【】 ()), no 第, no leading zeros."""
    text = _YEAR_BRACKETS.sub(r"〔\1〕", text.strip())
    return re.sub(r"〕第?0*(\d+)号", r"〕\1号", text)


class OfficialDocument:
    """`setup` is a reports.template.DocumentSetup (fonts + template, from the settings) or plain DocFonts
    (built-in layout); None reads the settings."""

    def __init__(self, setup: Any = None) -> None:
        from desktop_app.core.reports import template

        if setup is None:
            setup = template.document_setup()
        elif isinstance(setup, ds.DocFonts):
            setup = template.DocumentSetup(setup)
        self.setup = setup
        self.fonts = setup.fonts
        self.doc = template.new_document(setup)
        self._styles = {style.name: style for style in self.doc.styles if style.name in template.STYLES}
        self._style_ids = {name: style.style_id for name, style in self._styles.items()}

    def _styled(self, paragraph: Any, name: str) -> Any:
        """Tag the paragraph with its named style (the run fonts are set as well, see docx_style). The id
        is written straight into w:pStyle: python-docx's `paragraph.style = …` looks the style up again
        every time (about 2.5 ms a paragraph)."""
        paragraph._p.get_or_add_pPr().style = self._style_ids[name]
        return paragraph

    # -- the head ---------------------------------------------------------------------------------------
    def doc_number(self, text: str) -> Any:
        """发文字号, centred, a blank line before the title."""
        paragraph = ds.add_paragraph(self.doc, normalise_doc_number(text), self.fonts.body, align="center",
                                     latin=self.fonts.latin)
        ds.add_paragraph(self.doc, "", self.fonts.body)
        return self._styled(paragraph, "公文正文")

    def title(self, text: str) -> Any:
        """2号 小标宋, centred, not bold, black; a blank line follows."""
        return self._styled(ds.add_title(self.doc, text, self.fonts), "公文标题")

    def recipient(self, text: str) -> Any:
        """主送机关: flush left, ending with a full-width colon."""
        text = text.rstrip().rstrip(":：") + "："
        return self._styled(ds.add_paragraph(self.doc, text, self.fonts.body, latin=self.fonts.latin), "公文正文")

    # -- the text ---------------------------------------------------------------------------------------
    def heading1(self, text: str) -> Any:
        return self._heading(text, self.fonts.heading, "公文一级标题")

    def heading2(self, text: str) -> Any:
        return self._heading(text, self.fonts.kai, "公文二级标题")

    def heading3(self, text: str) -> Any:
        return self._heading(text, self.fonts.body, "公文三级标题")

    def heading4(self, text: str) -> Any:
        return self._heading(text, self.fonts.body, "公文三级标题")

    def _heading(self, text: str, font: str, style: str) -> Any:
        paragraph = ds.add_paragraph(self.doc, text, font, align="justify", first_line_chars=2,
                                     latin=self.fonts.latin)
        paragraph.paragraph_format.keep_with_next = True
        return self._styled(paragraph, style)

    def paragraph(self, text: str) -> Any:
        """正文: 3号仿宋, first line indented 2 字, exact 28.95 pt pitch (22 lines × 28 字)."""
        return self._styled(ds.add_body(self.doc, text, self.fonts), "公文正文")

    def paragraphs(self, text: str) -> None:
        """The clerk's text: one body paragraph per non-empty line (their own indentation is dropped)."""
        for line in text.splitlines():
            if line.strip():
                self.paragraph(line.strip().lstrip("\u3000"))

    def chart(self, figure: Any, width_mm: float = 150, caption: str = "") -> Any:
        """A matplotlib figure as a PNG at print resolution, centred, in a paragraph of single spacing (the
        body's exact 28.95 pt pitch would crop it), with an optional caption under it in 4号仿宋."""
        import io

        from docx.enum.text import WD_LINE_SPACING
        from docx.shared import Mm

        from desktop_app.core import charts

        paragraph = ds.add_paragraph(self.doc, "", self.fonts.body, align="center")
        paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        paragraph.paragraph_format.keep_with_next = bool(caption)
        run = paragraph.add_run()
        ds.set_run_font(run, self.fonts.body, ds.BODY_PT, self.fonts.latin)  # every run names its fonts
        run.add_picture(io.BytesIO(charts.figure_png(figure)), width=Mm(width_mm))
        if caption:
            ds.add_paragraph(self.doc, caption, self.fonts.body, ds.TABLE_PT, align="center",
                             latin=self.fonts.latin)
        return paragraph

    def blank(self) -> Any:
        return ds.add_paragraph(self.doc, "", self.fonts.body)

    def attachments(self, titles: Sequence[str]) -> None:
        """附件说明: a blank line, then `附件：名称` (several: `附件：1.名称` with later lines aligned under
        the first name), left 2 字, no trailing punctuation."""
        if not titles:
            return
        self.blank()
        if len(titles) == 1:
            self._attachment_line(f"附件：{titles[0].rstrip('。')}", 0)
            return
        for number, title in enumerate(titles, 1):
            self._attachment_line(("附件：" if number == 1 else "") + f"{number}.{title.rstrip('。')}", number)

    def _attachment_line(self, text: str, number: int) -> None:
        paragraph = ds.add_paragraph(self.doc, text, self.fonts.body, latin=self.fonts.latin)
        paragraph.paragraph_format.left_indent = ds._pt(ds.CHAR_PT * (2 if number <= 1 else 5))

    def table(self, headers: list[str], rows: Iterable[Sequence[str]], widths_mm: list[float],
              centred: Iterable[int] = ()) -> ds.PrototypeTable:
        """A bordered table, header row repeated on each page; every row a copy of one styled prototype
        row (2,000 rows in about 0.1 s). More rows, or unit/group heading rows spanning the table, can be
        added to the returned table with `.add("row" | "group", texts)`."""
        table = ds.PrototypeTable(self.doc, headers, widths_mm, self.fonts, centred=centred,
                                  style=self._styles["公文表格"])
        for row in rows:
            table.add("row", [str(value) for value in row])
        return table

    # -- the foot ---------------------------------------------------------------------------------------
    def signature(self, issuer: str, day: dt.date, sealed: bool = True) -> None:
        """署名 and 成文日期. Sealed (the default, GB/T 9704 §7.3.5.1): two blank lines for the seal, the
        date right-aligned 4 字 in, the 署名 centred over the date. Unsealed (§7.3.5.2): docx_style's
        layout, 署名 right 2 字 and the date under it 2 字 further in."""
        if not sealed:
            ds.add_signature(self.doc, issuer, day, self.fonts)
            return
        date_text = format_cn_date(day)
        self.blank()
        self.blank()
        if issuer:
            offset = (ds.text_width_chars(date_text) - ds.text_width_chars(issuer)) / 2
            ds.add_paragraph(self.doc, issuer, self.fonts.body, align="right", right_chars=max(0.0, 4 + offset),
                             latin=self.fonts.latin)
        ds.add_paragraph(self.doc, date_text, self.fonts.body, align="right", right_chars=4,
                         latin=self.fonts.latin)

    def annex(self, title: str, number: int | None = None) -> Any:
        """附件页: a new page, “附件” (or “附件2”) in 3号黑体 flush left on line 1, its title centred on
        line 3 in 2号 小标宋, and a blank line before the content."""
        label = ds.add_paragraph(self.doc, f"附件{number or ''}", self.fonts.heading, latin=self.fonts.latin)
        label.paragraph_format.page_break_before = True
        self._styled(label, "公文附件标识")
        self.blank()
        return self.title(title)

    def colophon(self, cc: str, issuer: str, day: dt.date) -> None:
        """版记 at the foot of the last page (GB/T 9704 §7.4: its last rule on the 版心's bottom line), in
        4号仿宋 between rules across the 版心 (first and last 0.35 mm, middle 0.25 mm): 抄送 (when given)
        left and right 1 字 in, ending in 。; then 印发机关 left 1 字 and `…印发` right 1 字.

        Built as a one-column borderless table whose rules are its top, inner and bottom borders, floating
        at the bottom of the margin box (w:tblpPr): Word, WPS and LibreOffice all keep it at the foot
        whatever the length of the text above (paragraph frames are ignored by LibreOffice)."""
        from docx.enum.text import WD_TAB_ALIGNMENT
        from docx.shared import Twips

        lines = ([f"抄送：{cc.rstrip('。')}。"] if cc else []) + [f"{issuer}\t{format_cn_date(day)}印发"]
        before = ds.add_paragraph(self.doc, "", self.fonts.body)  # keeps Word from joining it to a table above
        before.paragraph_format.line_spacing = ds._pt(1)
        table = self.doc.add_table(rows=len(lines), cols=1)
        table.autofit = False
        table.columns[0].width = Twips(COLOPHON_TWIPS)
        for row, text in zip(table.rows, lines):
            cell = row.cells[0]
            cell.width = Twips(COLOPHON_TWIPS)
            paragraph = cell.paragraphs[0]
            self._styled(paragraph, "公文版记")
            paragraph.paragraph_format.left_indent = ds._pt(COLOPHON_PT)
            paragraph.paragraph_format.right_indent = ds._pt(COLOPHON_PT)
            ds._exact_spacing(paragraph.paragraph_format, ds.TABLE_LINE_PT + 4)
            if "\t" in text:
                paragraph.paragraph_format.tab_stops.add_tab_stop(
                    ds._pt(ds.TEXT_WIDTH_PT - 2 * COLOPHON_PT), WD_TAB_ALIGNMENT.RIGHT)
            ds.set_run_font(paragraph.add_run(text), self.fonts.body, COLOPHON_PT, self.fonts.latin)
        self._colophon_frame(table, inner=bool(cc), rows=len(lines))
        anchor = ds.add_paragraph(self.doc, "", self.fonts.body)  # a floating table needs a paragraph after it
        anchor.paragraph_format.line_spacing = ds._pt(1)

    @staticmethod
    def _colophon_frame(table: Any, inner: bool, rows: int) -> None:
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        def element(tag: str, **attrs: str) -> Any:
            made = OxmlElement(tag)
            for key, value in attrs.items():
                made.set(qn(f"w:{key}"), value)
            return made

        tbl_pr = table._tbl.tblPr
        # an absolute offset from the top of the 版心 (LibreOffice ignores tblpYSpec="bottom"): 225 mm less
        # the rows' exact heights; a hair narrower than the 版心, or LibreOffice will not float it
        height_pt = rows * (ds.TABLE_LINE_PT + 4)
        top = round((ds.TEXT_HEIGHT_PT - height_pt) * 20)
        tbl_pr.insert_element_before(
            element("w:tblpPr", vertAnchor="margin", horzAnchor="margin", tblpXSpec="center", tblpY=str(top)),
            "w:tblOverlap", "w:bidiVisual", "w:tblStyleRowBandSize", "w:tblStyleColBandSize", "w:tblW", "w:jc",
            "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")
        width = tbl_pr.find(qn("w:tblW"))
        if width is None:
            width = element("w:tblW")
            tbl_pr.insert_element_before(width, "w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd",
                                         "w:tblLayout", "w:tblCellMar", "w:tblLook")
        width.set(qn("w:w"), str(COLOPHON_TWIPS))
        width.set(qn("w:type"), "dxa")
        borders = element("w:tblBorders")
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            if side in ("top", "bottom"):
                borders.append(element(f"w:{side}", val="single", sz=str(RULE_THICK), space="0", color="000000"))
            elif side == "insideH" and inner:
                borders.append(element(f"w:{side}", val="single", sz=str(RULE_THIN), space="0", color="000000"))
            else:
                borders.append(element(f"w:{side}", val="nil"))
        tbl_pr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")
        margins = element("w:tblCellMar")
        for side in ("left", "right"):
            margins.append(element(f"w:{side}", w="0", type="dxa"))
        tbl_pr.insert_element_before(margins, "w:tblLook")

    def _rule(self, size: int) -> Any:
        """A rule the width of the 版心: an empty 1 pt paragraph with a bottom border."""
        from docx.oxml import OxmlElement
        from docx.oxml.ns import qn

        paragraph = ds.add_paragraph(self.doc, "", self.fonts.body)
        paragraph.paragraph_format.line_spacing = ds._pt(1)
        borders = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("w:val", "single"), ("w:sz", str(size)), ("w:space", "0"), ("w:color", "000000")):
            bottom.set(qn(key), value)
        borders.append(bottom)
        paragraph._p.get_or_add_pPr().insert_element_before(
            borders, "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
            "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
            "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
            "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
            "w:rPr", "w:sectPr", "w:pPrChange")
        return paragraph

    def save(self, path: Path | str) -> Path:
        """Written through a temporary file and one rename (a crash never leaves half a document); the
        core properties name this program and its version (docx_style.stamp_properties)."""
        from desktop_app.core.files import atomic_path

        path = Path(path)
        with atomic_path(path) as temp:
            self.doc.save(str(temp))
        return path
