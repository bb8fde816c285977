"""What the dashboard pages call (`ui.…`): cached reads keyed on the warehouse's data version,
charts, the page frame (header, 数据截至 line, empty states); and, from their own modules, the page
texts (page_text), the filters kept in the URL (url_filters), tables (page_tables) and CSS (page_css).

st.navigation turns off the pages/ auto-discovery, so this helper module can live here. Data and
chart building stay in etl/ (queries, charts, notes) so that tests can call them without Streamlit.
Names of units and counties are data: they go into tables and charts as values, never into markup.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pandas as pd
import streamlit as st

import pages  # noqa: F401  (its import leaves Streamlit's old multipage mode: pages/__init__.py)
from app import charts, page_data, viewer
from app.labels import labeler
from app.page_css import PHONE_CSS, PRINT_CSS, UPLOADER_CSS
from app.page_tables import arrow, band_style, data_table, dimension_color, light_style, print_table, styled
from app.page_text import (
    english,
    form_name,
    form_names,
    header,
    language_switch,
    md,
    t,
    week_short,
    week_text,
)
from app.url_filters import (
    PROFILE_PAGE,
    PROFILE_URL,
    county_picker,
    county_search,
    dimension_picker,
    highlight_from_url,
    open_profile_on_select,
    profile_url,
    week_picker,
    window_caption,
)
from etl import snapshot
from etl.config import ConfigError, default_config, warehouse_path
from etl.warehouse import WarehouseBusy
from etl.warehouse_reader import NoWarehouse, ensure_schema, reader

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# the names pages reach through ui from the helper modules
__all__ = [
    "PHONE_CSS",
    "PRINT_CSS",
    "UPLOADER_CSS",
    "PROFILE_PAGE",
    "PROFILE_URL",
    "arrow",
    "band_style",
    "data_table",
    "dimension_color",
    "light_style",
    "print_table",
    "styled",
    "english",
    "form_name",
    "form_names",
    "header",
    "language_switch",
    "md",
    "t",
    "week_short",
    "week_text",
    "county_picker",
    "county_search",
    "dimension_picker",
    "highlight_from_url",
    "open_profile_on_select",
    "profile_url",
    "week_picker",
    "window_caption",
]

# --- cached reads ---------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=32)
def _prepare(db: str, version: tuple) -> bool:
    """Upgrade an old warehouse once per snapshot (a check on the snapshot in the common case)."""
    return ensure_schema(db)


@st.cache_data(show_spinner=False, max_entries=256)
def _fetch(name: str, db: str, version: tuple, args: tuple, kwargs: tuple = ()):
    # version[0] is the snapshot read: the same one for every read of a rerun (pin_snapshot)
    with reader(db, Path(version[0]) if version[0] else None) as con:
        return getattr(page_data, name)(con, *args, **dict(kwargs))


def pin_snapshot() -> None:
    """At the start of every rerun (dashboard.py): read the newest published snapshot for the whole
    rerun, holding it (a shared flock) until the session's next rerun moves to a newer one, so the
    loader's cleanup leaves it in place while this session may still read it."""
    db = warehouse_path()
    pin = st.session_state.get("_snapshot")
    newest = snapshot.latest(db)
    if pin is not None and pin.held and pin.path == newest:
        return
    try:
        st.session_state["_snapshot"] = snapshot.hold(db, newest) if newest else None
    except snapshot.NoSnapshot:
        st.session_state["_snapshot"] = None
    if pin is not None:
        pin.release()


def _snapshot_version(db: str) -> tuple:
    pin = st.session_state.get("_snapshot")
    if pin is not None and pin.held and snapshot.belongs(db, pin.path):
        return snapshot.version(pin.path)
    return newest_version(db)


def newest_version(db: str) -> tuple:
    """The newest published snapshot's version (the cache key of its reads), without a session."""
    newest = snapshot.latest(db)
    if newest is None:  # the first read of a warehouse without a snapshot publishes one
        with reader(db):
            pass
        newest = snapshot.latest(db)
    return snapshot.version(newest)


def fetch(name: str, *args, **kwargs):
    """app.page_data.<name>(con, *args, **kwargs), cached per published snapshot."""
    db = str(warehouse_path())
    if not Path(db).exists():
        raise NoWarehouse(db)
    if _prepare(db, _snapshot_version(db)):
        st.cache_data.clear()  # the schema changed under the cached results
        pin_snapshot()
    return fetch_at(db, _snapshot_version(db), name, *args, **kwargs)


def fetch_at(db: str, version: tuple, name: str, *args, **kwargs):
    """fetch() from the snapshot of that version, without a session (app.warm_start): the same
    cache entry as the page's fetch() of the same arguments."""
    return _fetch(name, db, version, args, tuple(sorted(kwargs.items())))


@st.cache_data(show_spinner=False, max_entries=64)
def _per_snapshot(module: str, name: str, db: str, version: tuple, args: tuple):
    # version: the snapshot the function will read (the newest when the key was made, or a newer one)
    return getattr(importlib.import_module(module), name)(db, *args)


def per_snapshot(fn, *args):
    """fn(db, *args) for a function that opens the newest snapshot itself (app.rankings_page's table
    and files), computed once per published snapshot in this process: a later visit, from any
    session, costs a look-up, and the first visit after a load builds it again."""
    db = str(warehouse_path())
    if not Path(db).exists():
        raise NoWarehouse(db)
    if _prepare(db, _snapshot_version(db)):
        st.cache_data.clear()
        pin_snapshot()
    newest = snapshot.latest(db)
    return _per_snapshot(fn.__module__, fn.__name__, db, snapshot.version(newest), args)


@st.cache_data(show_spinner=False, max_entries=256)
def _chart_spec(builder: str, english_on: bool, args: tuple, kwargs: tuple):
    # Altair builds and validates slowly; the finished spec is cached instead.
    import altair as alt

    chart = getattr(charts, builder)(*args, t=labeler(english_on), **dict(kwargs))
    # a window of 200 counties over 26 weeks passes Altair's 5,000-row guard (the data is inline)
    with alt.data_transformers.disable_max_rows():
        return None if chart is None else chart.to_dict(validate=False)


def chart_spec(builder: str, *args, english_on: bool = False, **kwargs) -> dict | None:
    """app.charts.<builder>'s Vega-Lite spec, cached (chart() draws it; app.warm_start makes it
    ahead of the first visitor)."""
    return _chart_spec(builder, english_on, args, tuple(sorted(kwargs.items())))


def names(units: list[str], most: int = 30) -> str:
    """'甲、乙、丙' for a sentence; past `most` names the first ones and how many in all."""
    shown = "、".join(md(u) for u in units[:most])
    return shown if len(units) <= most else shown + t("等 {n} 个", n=len(units))


def chart(builder: str, *args, empty: str | None = None, on_phone: dict | None = None, **kwargs) -> None:
    """Draw app.charts.<builder>(*args, **kwargs), or say what is missing instead of an empty frame.
    on_phone: the builder's arguments for a 390-px screen, used instead when the viewer is on a
    phone (app.viewer); the chart then sits in a container keyed phone_chart_<builder>."""
    if on_phone is not None and viewer.on_phone():
        with st.container(key=f"phone_chart_{builder}"):
            chart(builder, *args, empty=empty, **{**kwargs, **on_phone})
        return
    spec = chart_spec(builder, *args, english_on=english(), **kwargs)
    if spec is None:
        st.info(empty or t("暂无数据"))
    else:
        # fit-x specs follow the page width; the others (facets, heat maps) keep their own size
        fit = spec.get("autosize", {}).get("type") == "fit-x"
        st.vega_lite_chart(spec, width="stretch" if fit else "content")


# --- page frame -----------------------------------------------------------------------------------


def ensure_navigation() -> None:
    """Streamlit starts in its old multipage mode when a pages/ folder exists, until the first
    st.navigation call: a deep link opened first after a server start would run the page file alone,
    without dashboard.py (no wide layout, no menu, no sign-in). Switch modes and rerun through
    dashboard.py instead. (PagesManager is internal; checked against streamlit 1.67.)"""
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # a later Streamlit without the old mode
        return
    if getattr(PagesManager, "uses_pages_directory", False):
        PagesManager.uses_pages_directory = False
        st.rerun()


def chinese_uploader() -> None:
    st.html(UPLOADER_CSS)


def require_config(entry: bool = False) -> None:
    """Nothing starts on a broken config: every mistake of config.toml and the catalogue, one line
    each (file, line, key, what is wrong, an example), and the page stops. From dashboard.py (entry)
    the message is the only page, without a menu of pages that could not run."""
    try:
        default_config()
    except ConfigError as exc:
        lines = exc.lines

        def broken() -> None:
            st.error(
                t(
                    "配置有误，仪表板暂停显示。请改正以下各处后刷新本页（也可运行 python -m etl forms check 检查）："
                )
                + "\n\n"
                + "\n".join(f"- {md(line)}" for line in lines)
            )

        if entry:
            st.navigation(
                [st.Page(broken, title="配置有误", url_path="config-error")], position="hidden"
            ).run()
        else:
            broken()
        st.stop()


def page_header(title: str, caption: str | None = None) -> dict:
    """Print and phone CSS, the title and the data status. Stops the page with what to do when the
    config is broken, there is no warehouse yet, it is busy, or nothing has been loaded."""
    ensure_navigation()
    require_config()
    st.html(PRINT_CSS + PHONE_CSS)
    st.title(t(title))
    if caption:
        st.caption(caption)
    db = warehouse_path()
    try:
        status = fetch("data_status")
    except NoWarehouse:
        st.info(t("还没有数据库。请在“数据报送”页上传各县（市、区）的周调度表，然后回到本页。"))
        _to_submissions()
        st.caption(t("或在服务器上用命令导入文件夹，或生成演示数据："))
        st.code(f"python -m etl load 调度表文件夹 --db {db}\npython -m etl demo --db {db}", language="bash")
        st.stop()
    except WarehouseBusy:
        st.warning(t("数据正在导入，数据库暂时被占用。请稍候几秒后刷新本页。"))
        st.stop()
    if not status["weeks"]:
        st.info(
            t(
                "数据库已建立，但还没有成功导入的调度表。请在“数据报送”页上传本周的调度表；"
                "被退回的文件及原因也在那里。"
            )
        )
        _to_submissions()
        st.stop()
    return status


def _to_submissions() -> None:
    """The empty warehouse's way forward: the page where files are uploaded."""
    st.page_link("pages/submissions.py", label=t("去“数据报送”页上传调度表"), icon=":material/upload_file:")


def as_of(status: dict, week: str) -> None:
    """数据截至: the last load and the latest week, on every page."""
    last = status.get("last_load")
    when = f"{last:%Y-%m-%d %H:%M}" if last is not None and not pd.isna(last) else "—"
    latest = status["weeks"][-1]
    text = t("数据截至：{when} 导入 · 最新统计周 {latest}", when=when, latest=week_text(latest))
    if week != latest:
        text += " · " + t("当前查看 {week}", week=week_text(week))
    st.caption(text)
