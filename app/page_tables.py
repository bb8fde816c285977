"""Tables on the pages: progress lights and bands as cell colours, the static copy for paper."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from app.chart_style import AREA_COLORS
from etl.scoring import LIGHT_COLORS, LIGHT_FONT_COLORS


def data_table(df: pd.DataFrame, columns: dict, **options):
    """An interactive table as the pages show one: no index, the page's width, "—" in an empty cell;
    `columns` names (and types) the columns shown. Returns what st.dataframe returns."""
    return st.dataframe(
        df, hide_index=True, width="stretch", placeholder="—", column_config=columns, **options
    )


def print_table(df: pd.DataFrame, key: str, lights=(), bands=(), lit_by: dict | None = None) -> None:
    """A static copy of an interactive table for paper: the data grid is drawn on a canvas at screen
    width and would be cut on A4. Hidden on screen and laid out for paper by PRINT_CSS."""
    with st.container(key=f"print_only_{key}"):
        st.html(print_html(df, lights=lights, bands=bands, lit_by=lit_by))


def print_html(df: pd.DataFrame, lights=(), bands=(), lit_by: dict | None = None) -> str:
    """The paper copy as one HTML table, coloured as styled() colours the grid, every value and
    header escaped. One piece of HTML the browser takes in at once: st.table would build each cell
    as a component of its own, for a copy nobody sees until printing."""
    numbers = df.select_dtypes("number").columns
    return (
        styled(df, lights=lights, bands=bands, lit_by=lit_by, cell_ids=False)  # ids on coloured cells only
        .set_table_styles(
            {c: [{"selector": "td", "props": "text-align: right"}] for c in numbers}, overwrite=False
        )
        .format(na_rep="", precision=1, escape="html")
        .format_index(escape="html", axis=1)
        .hide(axis="index")
        .to_html()
    )


def _word(v) -> str:
    """绿 from 绿 or from its English gloss 「绿 Green」."""
    return str(v).split(" ")[0] if isinstance(v, str) else ""


def light_style(v) -> str:
    v = _word(v)
    if v in LIGHT_COLORS:
        return f"background-color: {LIGHT_COLORS[v]}; color: {LIGHT_FONT_COLORS[v]}; font-weight: 600"
    return ""


def band_style(v) -> str:
    colors = {"热": ("#F4B183", "#7F2704"), "温": ("#FFE699", "#7F6000"), "冷": ("#9DC3E6", "#08306B")}
    v = _word(v)
    if v in colors:
        return f"background-color: {colors[v][0]}; color: {colors[v][1]}; font-weight: 600"
    return ""


def styled(df: pd.DataFrame, lights=(), bands=(), lit_by: dict | None = None, cell_ids: bool = True):
    """A Styler that colours progress-light and band columns (text stays text). lit_by colours a
    score column by another column's light (the area scores of the ranking by their own lights)."""
    s = Styler(df, cell_ids=cell_ids)
    cols = [c for c in lights if c in df.columns]
    if cols:
        s = s.map(light_style, subset=cols)
    cols = [c for c in bands if c in df.columns]
    if cols:
        s = s.map(band_style, subset=cols)
    for col, light in (lit_by or {}).items():
        if col in df.columns:
            styles = [light_style(v) for v in light]
            s = s.apply(lambda _, styles=styles: styles, subset=[col])
    return s


def arrow(change) -> str:
    if change is None or pd.isna(change):
        return ""
    change = int(change)
    return f"↑{change}" if change > 0 else f"↓{-change}" if change < 0 else "–"


def dimension_color(dim: str) -> str:
    return AREA_COLORS[dim]
