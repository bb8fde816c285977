"""The leading group's meeting pack as a PDF (fpdf2): cover, overview, 上热中温下冷, one page per
area, the counties flagged this week. A4 portrait; the CJK font is embedded as a subset (fpdf2 embeds
the CFF outlines of Noto Sans CJK as they are), charts are the dashboard's own, drawn by
app.chart_images. A chart or a short table never breaks across pages: it moves to the next page;
a long table breaks between rows only, with its header repeated.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from fpdf import FPDF
from fpdf.enums import Align, TextMode, WrapMode, XPos, YPos
from fpdf.fonts import FontFace

from app.chart_images import CJKFont, png_of, png_size
from etl import export, scoring

FONT = "cjk"
MARGIN = 15.0
INK = (33, 33, 33)
GREY = (110, 110, 110)


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


@dataclass
class Chart:
    png: bytes | Callable[[], bytes | None] | None  # a function: drawn or waited for when placed
    caption: str = ""


@dataclass
class AreaPage:
    title: str
    summary: str
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Pack:
    """What the pack says, gathered by app.bulletin from the dashboard's data bundles."""

    title: str  # 云州市第二批主题教育 第十四周调度情况
    week_text: str  # 2023-W49（12月4日—12月10日）
    as_of: str  # 数据截至 …
    issuer: str
    kpis: list[tuple[str, str, str]]  # (label, value, change)
    notes: list[str]
    ranking_header: list[str]
    ranking_rows: list[list[tuple[str, str | None]]]  # (text, light or None)
    temperature: list[Chart]
    temperature_text: str
    areas: list[AreaPage]
    flagged_header: list[str]
    flagged_rows: list[list[str]]
    flagged_text: str


class _PDF(FPDF):
    footer_text = ""

    def footer(self):
        if self.page_no() == 1:
            return
        self.set_y(-10)
        self.set_font(FONT, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, f"{self.footer_text}　第 {self.page_no()} 页", align=Align.C)


def _new(font: CJKFont, footer: str) -> _PDF:
    pdf = _PDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN, MARGIN, MARGIN)
    pdf.set_auto_page_break(True, margin=16)
    pdf.add_font(FONT, "", str(font.regular), collection_font_number=font.index)
    pdf.footer_text = footer
    pdf.set_text_color(*INK)
    return pdf


@contextlib.contextmanager
def _strong(pdf: FPDF, size: float):
    """Bold by outlining the regular face: one embedded font instead of two (the Bold face of Noto
    Sans CJK would double the font work, the largest part of the PDF's time)."""
    pdf.set_font(FONT, "", size)
    pdf.text_mode = TextMode.FILL_STROKE
    pdf.set_line_width(size * 0.018)
    pdf.set_draw_color(*INK)
    try:
        yield
    finally:
        pdf.text_mode = TextMode.FILL
        pdf.set_line_width(0.2)


def _room(pdf: FPDF) -> float:
    return pdf.page_break_trigger - pdf.get_y()


def _heading(pdf: FPDF, text: str, size: float = 16) -> None:
    pdf.set_text_color(*INK)
    with _strong(pdf, size):
        pdf.cell(0, size * 0.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(2)


def _text(pdf: FPDF, text: str, size: float = 10.5, colour=INK) -> None:
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(*colour)
    # flush left: justifying stretches only the spaces, and a line of Chinese with one space (「2. 综合…」)
    # got all the slack there
    pdf.multi_cell(
        0, size * 0.5, text, align=Align.L, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_text_color(*INK)
    pdf.ln(1.5)


def _chart(pdf: FPDF, chart: Chart, max_h: float | None = None) -> None:
    """The image at full text width (or smaller to fit max_h / a page), on the next page when the
    space left is too short: a chart is never cut."""
    png = png_of(chart.png)
    if png is None:
        return
    px_w, px_h = png_size(png)
    page_h = pdf.page_break_trigger - pdf.t_margin - 8
    w = pdf.epw
    h = w * px_h / px_w
    limit = min(max_h or page_h, page_h)
    if h > limit:
        w, h = w * limit / h, limit
    if h + 7 > _room(pdf):
        pdf.add_page()
    pdf.image(io.BytesIO(png), x=pdf.l_margin + (pdf.epw - w) / 2, w=w, h=h)
    if chart.caption:
        pdf.ln(1)
        _text(pdf, chart.caption, size=8.5, colour=GREY)
    pdf.ln(2)


def _table(pdf: FPDF, header: list[str], rows: list[list], widths: list[float], size: float = 9) -> None:
    """A table; kept on one page when it fits one, else broken between rows, header repeated."""
    line_h = size * 0.55
    need = (len(rows) + 1) * (line_h + 1.2)
    if need < pdf.page_break_trigger - pdf.t_margin and need > _room(pdf):
        pdf.add_page()
    pdf.set_font(FONT, "", size)
    with pdf.table(
        col_widths=widths,
        text_align="CENTER",
        line_height=line_h,
        repeat_headings=1,
        headings_style=FontFace(emphasis="NONE", fill_color=_rgb(export.HEADER_FILL)),
        wrapmode=WrapMode.WORD,  # cells break at the spaces around figures, never inside 43.6%
    ) as table:
        head = table.row()
        for h in header:
            head.cell(h)
        for r in rows:
            row = table.row()
            for cell in r:
                text, light = cell if isinstance(cell, tuple) else (cell, None)
                style = None
                if light in scoring.LIGHT_COLORS:
                    style = FontFace(
                        color=_rgb(scoring.LIGHT_FONT_COLORS[light]),
                        fill_color=_rgb(scoring.LIGHT_COLORS[light]),
                    )
                row.cell(text, style=style)
    pdf.ln(3)


def _cover(pdf: _PDF, p: Pack) -> None:
    pdf.add_page()
    pdf.set_y(80)
    with _strong(pdf, 26):
        pdf.multi_cell(
            0, 14, p.title, align=Align.C, wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
    pdf.ln(4)
    with _strong(pdf, 20):
        pdf.cell(0, 12, "会议材料", align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(16)
    pdf.set_font(FONT, "", 13)
    for line in (f"统计周：{p.week_text}", p.as_of):
        pdf.cell(0, 9, line, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(-60)
    pdf.set_font(FONT, "", 13)
    pdf.cell(0, 8, p.issuer, align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _kpis(pdf: FPDF, kpis: list[tuple[str, str, str]]) -> None:
    gap = 3.0
    w = (pdf.epw - gap * (len(kpis) - 1)) / len(kpis)
    x0, y0 = pdf.l_margin, pdf.get_y()
    for i, (label, value, change) in enumerate(kpis):
        x = x0 + i * (w + gap)
        pdf.set_draw_color(190, 190, 190)
        pdf.rect(x, y0, w, 24)
        pdf.set_xy(x, y0 + 2)
        pdf.set_font(FONT, "", 8.5)
        pdf.set_text_color(*GREY)
        pdf.cell(w, 5, label, align=Align.C)
        pdf.set_xy(x, y0 + 8)
        pdf.set_font(FONT, "", 17)
        pdf.set_text_color(*INK)
        pdf.cell(w, 8, value, align=Align.C)
        pdf.set_xy(x, y0 + 17)
        pdf.set_font(FONT, "", 8)
        pdf.set_text_color(*GREY)
        pdf.cell(w, 4, change, align=Align.C)
    pdf.set_text_color(*INK)
    pdf.set_xy(x0, y0 + 28)


RANKING_WIDTHS = [10, 24, 15, 15, 15, 15, 15, 14, 14, 14, 29]
FLAGGED_WIDTHS = [18, 20, 14, 14, 14, 12, 88]


def pack_pdf(p: Pack, font: CJKFont) -> bytes:
    pdf = _new(font, f"{p.title}　{p.week_text}")
    pdf.set_title(f"{p.title} 会议材料 {p.week_text}")
    pdf.set_creator("python -m etl bulletin")
    _cover(pdf, p)

    pdf.add_page()
    _heading(pdf, "一、总体情况")
    _kpis(pdf, p.kpis)
    _heading(pdf, "会议要点", 12)
    for i, line in enumerate(p.notes, 1):
        _text(pdf, f"{i}. {line}", size=10)
    pdf.ln(2)
    if _room(pdf) < 40:
        pdf.add_page()
    _heading(pdf, "本周排名", 12)
    _table(pdf, p.ranking_header, p.ranking_rows, RANKING_WIDTHS, size=8.5)

    pdf.add_page()
    _heading(pdf, "二、上热中温下冷")
    _text(pdf, p.temperature_text)
    for c in p.temperature:
        _chart(pdf, c)

    for i, area in enumerate(p.areas):
        pdf.add_page()
        _heading(pdf, f"{'三四五六'[i]}、{area.title}")
        _text(pdf, area.summary)
        n = max(len([c for c in area.charts if c.png]), 1)
        share = (pdf.page_break_trigger - pdf.get_y() - 12 * n) / n
        for c in area.charts:
            _chart(pdf, c, max_h=share)

    pdf.add_page()
    _heading(pdf, "七、本周需关注的县（市、区）")
    _text(pdf, p.flagged_text)
    if p.flagged_rows:
        _table(pdf, p.flagged_header, p.flagged_rows, FLAGGED_WIDTHS, size=8.5)
    return bytes(pdf.output())
