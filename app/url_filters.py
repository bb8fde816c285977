"""The filters kept in the URL (week, county, area) and the links to a county's profile."""

from __future__ import annotations

import urllib.parse

import pandas as pd
import streamlit as st

from app.labels import term
from app.page_text import english, t, week_short
from etl import county_window
from etl.config import DIMENSION_LABELS, DIMENSIONS, default_config
from etl.weeks import WeekError, parse_week

PROFILE_PAGE = "pages/county_profile.py"
PROFILE_URL = "county_profile"  # st.Page's default url_path for pages/county_profile.py


def _filter_value(name: str, allowed: list, default):
    """Prepare the filter widget `name` (its key and URL parameter) before it is drawn: the URL's
    value when the URL changed (a shared link, a link from another page), else what this session
    last chose, else the default. The widget is then drawn without an index, so Streamlit never
    sees a default and a Session State value at once."""
    wanted = st.query_params.get(name)
    if name == "week" and wanted is not None:
        try:  # ?week=2023w45 means 2023-W45, as on the command line
            wanted = parse_week(wanted, within_campaign=False)
        except WeekError:
            pass  # named in the warning below
    last = st.session_state.get(f"_{name}")
    if wanted is not None and wanted not in allowed:
        what = term({"week": "统计周", "county": "县（市、区）", "dimension": "维度"}[name], english())
        st.warning(t("链接中的{what}“{wanted}”不在可选范围内，已改为默认值。", what=what, wanted=wanted))
        wanted = None
    if wanted is not None and wanted != last:
        st.session_state[name] = wanted
    elif st.session_state.get(name) not in allowed:
        st.session_state[name] = last if last in allowed else default


def _remember(name: str, value) -> None:
    st.session_state[f"_{name}"] = value
    st.query_params[name] = value


def week_picker(status: dict) -> str:
    """The reporting week (default the latest), in the sidebar and in ?week=."""
    weeks = status["weeks"]
    _filter_value("week", weeks, weeks[-1])
    week = st.sidebar.selectbox(t("统计周"), weeks[::-1], format_func=week_short, key="week")
    _remember("week", week)
    return week


def county_picker(default: str | None = None) -> str:
    units = list(default_config().units)
    _filter_value("county", units, default or units[0])
    county = st.sidebar.selectbox(t("县（市、区）"), units, key="county")
    _remember("county", county)
    return county


def county_search(status: dict, order: str = "position") -> county_window.Window:
    """The counties a page draws (etl.county_window): every county of a province; at national scale
    the top and the bottom of the listing, the counties whose name contains the sidebar's search
    text, and the one highlighted from the URL."""
    search = None
    if county_window.limited(status["counties"]):
        search = st.sidebar.text_input(
            t("查找县（市、区）"),
            key="county_search",
            help=t(
                "共 {n} 个县（市、区）：图表只画排名前 {edge} 位和后 {edge} 位，再加名称含所填文字的县（市、区）。"
                "完整名单见「排名导出」的 Excel 和 CSV。",
                n=status["counties"],
                edge=county_window.EDGE,
            ),
        )
    return county_window.Window.of(search, named=[highlight_from_url()], order=order)


def window_caption(status: dict, shown: int) -> None:
    """Under a windowed table or chart: how many of how many counties it draws (nothing for a province)."""
    if county_window.limited(status["counties"]):
        st.caption(
            t(
                "共 {n} 个县（市、区），这里列出 {shown} 个：排名前 {edge} 位、后 {edge} 位和按名称查找到的。"
                "完整名单见「排名导出」。",
                n=status["counties"],
                shown=shown,
                edge=county_window.EDGE,
            )
        )


def dimension_picker() -> str:
    options = ["composite", *DIMENSIONS]
    _filter_value("dimension", options, "composite")
    dim = st.sidebar.radio(t("维度"), options, format_func=lambda d: t(DIMENSION_LABELS[d]), key="dimension")
    _remember("dimension", dim)
    return dim


def highlight_from_url() -> str | None:
    c = st.query_params.get("county")
    return c if c in default_config().units else None


def profile_url(county: str, week: str) -> str:
    return PROFILE_URL + "?" + urllib.parse.urlencode({"county": county, "week": week})


def open_profile_on_select(event, table: pd.DataFrame, week: str) -> None:
    """A row clicked in a ranking opens that county's profile."""
    rows = getattr(getattr(event, "selection", None), "rows", None) or []
    if rows:
        county = table.iloc[rows[0]]["county"]
        st.switch_page(PROFILE_PAGE, query_params={"county": county, "week": week})
