"""The 通报 as a Word document in the layout of GB/T 9704-2012 (党政机关公文格式), with python-docx.

A4 portrait, margins top 37 / bottom 35 / left 28 / right 26 mm, 22 lines of 28 characters; title in
方正小标宋简体 2号, body 仿宋_GB2312 3号, headings 黑体 (一、) and 楷体_GB2312 (（一）), page numbers
「— 1 —」 (4号, odd pages right, even pages left). Everything is real paragraphs with named styles, so
the office edits it in Word as any other document; the ranking is the 附件 on a landscape section,
the progress lights as cell shading.
"""

from __future__ import annotations

import io
import re

import pandas as pd
from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from app.bulletin_text import Bulletin, Figure, Paragraph, Subheading, date_text
from etl import export, scoring

TITLE_FONT, BODY_FONT, HEI, KAI, SONG = "方正小标宋简体", "仿宋_GB2312", "黑体", "楷体_GB2312", "宋体"
LINE = Pt(28.95)  # 225 mm of type area / 22 lines
TABLE_HEADER = export.TABLE_HEADER
TABLE_WIDTHS_MM = [13, 28, 21, 21, 21, 21, 21, 17, 19, 19, 24]  # 225 mm: the landscape type area


def _fonts(rpr_owner, name: str, size: float | None = None, bold: bool = False) -> None:
    """Set one font for Latin and East Asian text (drop theme fonts, which would win in Word)."""
    font = rpr_owner.font
    font.name = name
    font.bold = bold
    if size:
        font.size = Pt(size)
    rpr = rpr_owner.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    font.color.rgb = RGBColor(0, 0, 0)


def _para_format(style, indent_chars: int = 2, align=WD_ALIGN_PARAGRAPH.JUSTIFY, exact: bool = True):
    pf = style.paragraph_format
    pf.alignment = align
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    if exact:
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        pf.line_spacing = LINE
    ind = pf._element.get_or_add_pPr().get_or_add_ind()
    ind.set(qn("w:firstLineChars"), str(indent_chars * 100))
    ind.set(qn("w:firstLine"), str(indent_chars * 320))


def _styles(doc) -> None:
    st = doc.styles
    normal = st["Normal"]
    _fonts(normal, BODY_FONT, 16)
    _para_format(normal)
    spacing = OxmlElement("w:spacing")  # −0.2 pt a character: 28 characters of 3号 fill 156 mm
    spacing.set(qn("w:val"), "-4")
    normal.element.get_or_add_rPr().append(spacing)
    for name, font, level in (("Heading 1", HEI, 0), ("Heading 2", KAI, 1)):
        s = st[name]
        _fonts(s, font, 16)
        _para_format(s)
        s.paragraph_format.keep_with_next = True
        s.element.get_or_add_pPr()
        outline = s.element.pPr.find(qn("w:outlineLvl"))
        if outline is None:
            outline = OxmlElement("w:outlineLvl")
            s.element.pPr.append(outline)
        outline.set(qn("w:val"), str(level))
    title = st["Title"]
    _fonts(title, TITLE_FONT, 22)
    _para_format(title, 0, WD_ALIGN_PARAGRAPH.CENTER, exact=False)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    title.paragraph_format.line_spacing = Pt(36)
    title.paragraph_format.space_after = Pt(29)
    pbdr = title.element.pPr.find(qn("w:pBdr"))  # the template's Title has a rule below it
    if pbdr is not None:
        title.element.pPr.remove(pbdr)
    for name, font, size, indent, align in (
        ("通报主送", BODY_FONT, 16, 0, WD_ALIGN_PARAGRAPH.LEFT),
        ("通报署名", BODY_FONT, 16, 0, WD_ALIGN_PARAGRAPH.RIGHT),
        ("通报图", BODY_FONT, 14, 0, WD_ALIGN_PARAGRAPH.CENTER),
        ("通报表格", SONG, 10.5, 0, WD_ALIGN_PARAGRAPH.CENTER),
        ("通报说明", BODY_FONT, 10.5, 0, WD_ALIGN_PARAGRAPH.JUSTIFY),
        ("附件标识", HEI, 16, 0, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        s = st.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        s.base_style = normal
        _fonts(s, font, size)
        _para_format(s, indent, align, exact=name not in ("通报图", "通报表格", "通报说明"))
    st["通报图"].paragraph_format.line_spacing = 1.0  # an exact line height would crop the picture
    st["通报表格"].paragraph_format.line_spacing = 1.0
    st["通报表格"].paragraph_format.space_before = Pt(2)
    st["通报表格"].paragraph_format.space_after = Pt(2)
    st["通报说明"].paragraph_format.line_spacing = 1.15
    for name in ("通报图", "通报表格", "通报说明"):  # pictures and tables keep their own height
        snap = OxmlElement("w:snapToGrid")
        snap.set(qn("w:val"), "0")
        st[name].element.get_or_add_pPr().insert(0, snap)
    lead = st.add_style("通报小标题", WD_STYLE_TYPE.CHARACTER)  # run-in （一）… in 楷体
    _fonts(lead, KAI, 16)


def _grid(section) -> None:
    """22 lines a page (docGrid); the 28 characters a line come from the body's character spacing
    (a character grid is drawn differently by Word and LibreOffice, which spreads 3号 text over two cells)."""
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), "579")


def _page_setup(section, landscape: bool = False) -> None:
    w, h = Mm(210), Mm(297)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (h, w) if landscape else (w, h)
    # the landscape 附件 keeps the portrait page's margins, turned with the paper
    top, bottom, left, right = (
        (Mm(28), Mm(26), Mm(37), Mm(35)) if landscape else (Mm(37), Mm(35), Mm(28), Mm(26))
    )
    section.top_margin, section.bottom_margin = top, bottom
    section.left_margin, section.right_margin = left, right
    section.header_distance, section.footer_distance = Mm(15), Mm(28) - Mm(7) - Mm(7)
    _grid(section)


def _page_field(paragraph) -> None:
    """「— PAGE —」 as a real field, so Word and LibreOffice number every page."""

    def run(text=None, fld=None, instr=None):
        r = paragraph.add_run()
        _fonts(r, SONG, 14)
        if text:
            r.text = text
        if fld:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), fld)
            r._r.append(el)
        if instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r._r.append(el)

    run("— ")
    run(fld="begin")
    run(instr=" PAGE ")
    run(fld="separate")
    run("1")
    run(fld="end")
    run(" —")


def _footers(doc, section) -> None:
    doc.settings.odd_and_even_pages_header_footer = True
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        p = footer.paragraphs[0]
        p.style = doc.styles["Normal"]
        p.paragraph_format.alignment = align
        p.paragraph_format.first_line_indent = Pt(0)
        p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        # 单页码居右空一字，双页码居左空一字
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            p.paragraph_format.right_indent = Pt(14)
        else:
            p.paragraph_format.left_indent = Pt(14)
        ind = p.paragraph_format._element.get_or_add_pPr().get_or_add_ind()
        ind.set(qn("w:firstLineChars"), "0")
        _page_field(p)


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill.lstrip("#"))
    tcpr.append(shd)


def _row_flags(row, header: bool = False) -> None:
    trpr = row._tr.get_or_add_trPr()
    for tag in ("w:cantSplit",) + (("w:tblHeader",) if header else ()):
        el = OxmlElement(tag)
        trpr.append(el)


def _cell(cell, text: str, style_id: str, light: str | None = None, bold: bool = False) -> None:
    p = cell.paragraphs[0]
    p._p.style = style_id  # the id, not the name: a lookup by name walks every style
    r = p.add_run(text)
    if bold:
        r.font.bold = True
    if light in scoring.LIGHT_COLORS:
        _shade(cell, scoring.LIGHT_COLORS[light])
        r.font.color.rgb = RGBColor.from_string(scoring.LIGHT_FONT_COLORS[light].lstrip("#"))


def ranking_table(doc, ranking: pd.DataFrame) -> None:
    """The 附件 table: every configured county, ranked ones first, 未报送 last (scoring.ranking)."""
    table = doc.add_table(rows=1, cols=len(TABLE_HEADER))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # column widths on the grid first: every row added after takes its cells' widths from it
    for gc, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), TABLE_WIDTHS_MM):
        gc.set(qn("w:w"), str(int(Mm(width).twips)))
    style = doc.styles["通报表格"].style_id
    for cell, name, width in zip(table.rows[0].cells, TABLE_HEADER, TABLE_WIDTHS_MM):
        _cell(cell, name, style, bold=True)
        _shade(cell, export.HEADER_FILL)
        cell.width = Mm(width)
    _row_flags(table.rows[0], header=True)
    for r in ranking.itertuples(index=False):
        row = table.add_row()
        _row_flags(row)
        cells = row.cells
        _cell(cells[0], export.fmt_int(r.rank), style)
        _cell(cells[1], r.county, style)
        for i, dim in enumerate(export.SCORE_COLUMNS):
            _cell(cells[2 + i], export.fmt_score(getattr(r, dim)), style, getattr(r, f"light_{dim}"))
        _cell(cells[7], export.fmt_score(r.gradient), style)
        _cell(cells[8], export.arrow(r.rank_change), style)
        _cell(cells[9], r.light if isinstance(r.light, str) else "", style, r.light)
        _cell(cells[10], ("上热下冷" if r.cold_bottom else r.status), style)


def _figure(doc, png: bytes | None, caption: str) -> None:
    if png is None:
        return
    p = doc.add_paragraph(style="通报图")
    p.paragraph_format.keep_with_next = True
    p.add_run().add_picture(io.BytesIO(png), width=Mm(150))
    doc.add_paragraph(caption, style="通报图")


def bulletin_docx(
    b: Bulletin, ranking: pd.DataFrame, images: dict[str, bytes | None], method: list[str]
) -> bytes:
    """The .docx bytes of one week's 通报: body, signature, then the 附件 (ranking table) landscape."""
    doc = Document()
    _styles(doc)
    body = doc.sections[0]
    _page_setup(body)
    _footers(doc, body)
    title = doc.add_paragraph(style="Title")
    lines = title_lines(b.title)
    for i, line in enumerate(lines):
        run = title.add_run(line)
        if i < len(lines) - 1:
            run.add_break()
    doc.add_paragraph(b.addressee, style="通报主送")
    doc.add_paragraph(b.opening)
    for s in b.sections:
        doc.add_paragraph(s.heading, style="Heading 1")
        for block in s.blocks:
            if isinstance(block, Subheading):
                doc.add_paragraph(block.text, style="Heading 2")
            elif isinstance(block, Figure):
                _figure(doc, images.get(block.key), block.caption)
            elif isinstance(block, Paragraph):
                p = doc.add_paragraph()
                if block.lead:
                    p.add_run(block.lead, style="通报小标题")
                p.add_run(block.text)
    doc.add_paragraph("")
    att = doc.add_paragraph(f"附件：{b.attachment_title}")
    att.paragraph_format.left_indent = Pt(32)
    att.paragraph_format.first_line_indent = Pt(0)
    doc.add_paragraph("")
    doc.add_paragraph("")
    date = date_text(b.date)
    # 成文日期右空四字; the issuer centred above the date
    for text in (b.issuer, date):
        p = doc.add_paragraph(text, style="通报署名")
        offset = max(0.0, (_width(date) - _width(text)) / 2)
        p.paragraph_format.right_indent = Pt(16 * (4 + offset))
    annex = doc.add_section(WD_SECTION.NEW_PAGE)
    _page_setup(annex, landscape=True)
    doc.add_paragraph("附件", style="附件标识")
    t = doc.add_paragraph(b.attachment_title, style="Title")
    t.paragraph_format.space_after = Pt(12)
    for r in t.runs:
        r.font.size = Pt(18)
    ranking_table(doc, ranking)
    doc.add_paragraph("", style="通报说明")
    for line in method:
        doc.add_paragraph(line, style="通报说明")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


TITLE_CHARS = 20  # 2号 characters on one 156 mm line


def title_lines(title: str) -> list[str]:
    """The title as the standard wants it broken: whole words, lines of near equal length (梯形, the
    first no longer than the second). A long title breaks before 第N周 or before 调度情况."""
    if _width(title) <= TITLE_CHARS:
        return [title]
    for mark in (r"第[一二三四五六七八九十]+周", "调度情况"):
        m = re.search(mark, title)
        if m and m.start() > 0 and max(_width(title[: m.start()]), _width(title[m.start() :])) <= TITLE_CHARS:
            return [title[: m.start()], title[m.start() :]]
    return [title]


def _width(text: str) -> float:
    """Width in full-width characters (digits and Latin letters count half)."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)
