"""Shared Streamlit helpers of the dashboard pages: cached reads keyed on the warehouse's data
version, the filters kept in the URL, the 数据截至 line, empty states, print CSS, charts.

st.navigation turns off the pages/ auto-discovery, so this helper module can live here. Data and
chart building stay in etl/ (queries, charts, notes) so that tests can call them without Streamlit.
Names of units and counties are data: they go into tables and charts as values, never into markup.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path

import pandas as pd
import streamlit as st

import pages  # noqa: F401  (its import leaves Streamlit's old multipage mode: pages/__init__.py)
from app import charts, page_data
from app.labels import EN, label, labeler, term, week_name
from app.labels import form_name as _form_name
from app.labels import form_names as _form_names
from etl import snapshot
from etl.config import DIMENSION_LABELS, DIMENSIONS, ConfigError, default_config, warehouse_path
from etl.scoring import LIGHT_COLORS, LIGHT_FONT_COLORS
from etl.warehouse import WarehouseBusy
from etl.warehouse_reader import NoWarehouse, ensure_schema, reader
from etl.weeks import WeekError, parse_week

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PROFILE_PAGE = "pages/county_profile.py"
PROFILE_URL = "county_profile"  # st.Page's default url_path for pages/county_profile.py

# Print on A4 landscape: no sidebar or toolbar, the app's scroll box unrolled so every page prints,
# charts scaled to the paper width and never cut across a page break.
PRINT_CSS = """
<style>
[class*="st-key-print_only"] { display: none; }
@media print {
  [class*="st-key-print_only"] { display: block !important; }
  [class*="st-key-screen_only"] { display: none !important; }
  [data-testid="stElementContainer"]:has([data-testid="stHeading"]) { break-after: avoid !important; }
  @page { size: A4 landscape; margin: 8mm; }
  html, body, .stApp, [data-testid="stAppViewContainer"], [data-testid="stMain"], section.main,
  [data-testid="stMainBlockContainer"] {
    height: auto !important; min-height: 0 !important; overflow: visible !important;
    position: static !important;
  }
  [data-testid="stSidebar"], [data-testid="stHeader"], [data-testid="stToolbar"],
  [data-testid="stDecoration"], [data-testid="stSidebarCollapsedControl"], [data-testid="stStatusWidget"],
  [data-testid="stBottom"], .stDeployButton, [data-testid="stCodeCopyButton"], .noprint {
    display: none !important;
  }
  [data-testid="stMainBlockContainer"], .block-container {
    max-width: 100% !important; padding: 0 !important; margin: 0 !important;
  }
  [data-testid="stVegaLiteChart"], [data-testid="stMetric"], [data-testid="stDataFrame"],
  [data-testid="stTable"], [data-testid="stCode"] {
    break-inside: avoid !important; page-break-inside: avoid !important;
  }
  canvas, svg { max-width: 100% !important; height: auto !important; }
  /* side-by-side columns stay side by side on paper (stacked, each took a half-empty page) */
  [data-testid="stHorizontalBlock"] { display: flex !important; flex-wrap: nowrap !important; }
  [data-testid="stColumn"] { min-width: 0 !important; }
  [data-testid="stVegaLiteChart"] { width: 100% !important; overflow: visible !important; }
  body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
</style>
"""


# On a phone (#15, #18 item 12): the page never scrolls sideways. KPI tiles two to a row, charts
# drawn in a phone shape where one exists (ui.chart(on_phone=…)), anything wider scrolls in its own box.
# Metric labels wrap instead of ending in "…" (long English glosses). The sidebar's week box wraps.
PHONE_CSS = """
<style>
[data-testid="stMetricLabel"] p, [data-testid="stMetricLabel"] div {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stSidebar"] [data-baseweb="select"] [value], [data-testid="stSidebar"] [data-baseweb="select"] div {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[class*="st-key-narrow_only"] { display: none !important; }
[data-testid="stVegaLiteChart"] { max-width: 100%; overflow-x: auto; overflow-y: hidden; }
@media (max-width: 640px) {
  [class*="st-key-narrow_only"] { display: flex !important; }
  [class*="st-key-wide_only"] { display: none !important; }
  [class*="st-key-kpis"] [data-testid="stHorizontalBlock"] {
    flex-direction: row !important; flex-wrap: wrap !important; gap: 0.5rem !important;
  }
  [class*="st-key-kpis"] [data-testid="stColumn"] {
    flex: 1 1 calc(50% - 0.5rem) !important; min-width: calc(50% - 0.5rem) !important;
    width: calc(50% - 0.5rem) !important;
  }
  [class*="st-key-kpis"] [data-testid="stMetric"] { padding: 0.5rem 0.75rem !important; }
  [class*="st-key-kpis"] [data-testid="stMetricValue"] { font-size: 1.5rem !important; }
  [data-testid="stTable"] { max-width: 100%; overflow-x: auto; }
  [data-testid="stMainBlockContainer"] { padding-left: 0.75rem !important; padding-right: 0.75rem !important; }
}
</style>
"""

# --- language ------------------------------------------------------------------------------------


def english() -> bool:
    return bool(st.session_state.get("en", False))


def t(zh: str, **values) -> str:
    """A page text (formatted with `values`), with its English when the sidebar switch is on."""
    return label(zh, english(), **values)


def form_name(zh: str) -> str:
    """An indicator's or column's name, with its English from forms.toml when the switch is on."""
    return _form_name(zh, english())


def form_names(text: str) -> str:
    return _form_names(text, english())


def week_text(week: str) -> str:
    """A week's name in the switch's language."""
    return week_name(week, english())


def week_short(week: str) -> str:
    """A week's name that fits the sidebar's box: '2023-W46（11/13—11/19）' (#18 item 13)."""
    return week_name(week, english(), short=True)


def header(zh: str, help: str | None = None) -> dict:
    """A column header for a wide table: Chinese only, its English in the hover help when the switch
    is on (a "中文 English" header on each of a dozen columns would push the table sideways)."""
    en = EN.get(zh) if english() else None
    help = t(help) if help else None
    return {"label": zh, "help": " · ".join(x for x in (help, en) if x) or None}


def language_switch() -> None:
    """The sidebar switch; bound to ?en=true so a shared link keeps the language."""
    st.sidebar.toggle(label("显示英文", True), key="en", bind="query-params")


# --- markdown safety ------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:=])")


def md(text) -> str:
    """Data shown inside st.markdown/st.caption as plain text: markdown, HTML, LaTeX and Streamlit's
    :colour[...] directives all escaped."""
    return _MD_SPECIAL.sub(r"\\\1", str(text))


# --- cached reads ---------------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=32)
def _prepare(db: str, version: tuple) -> bool:
    """Upgrade an old warehouse once per snapshot (a check on the snapshot in the common case)."""
    return ensure_schema(db)


@st.cache_data(show_spinner=False, max_entries=256)
def _fetch(name: str, db: str, version: tuple, args: tuple):
    # version[0] is the snapshot read: the same one for every read of a rerun (pin_snapshot)
    with reader(db, Path(version[0]) if version[0] else None) as con:
        return getattr(page_data, name)(con, *args)


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
    newest = snapshot.latest(db)
    if newest is None:  # the first read of a warehouse without a snapshot publishes one
        with reader(db):
            pass
        newest = snapshot.latest(db)
    return snapshot.version(newest)


def fetch(name: str, *args):
    """app.page_data.<name>(con, *args), cached per published snapshot."""
    db = str(warehouse_path())
    if not Path(db).exists():
        raise NoWarehouse(db)
    if _prepare(db, _snapshot_version(db)):
        st.cache_data.clear()  # the schema changed under the cached results
        pin_snapshot()
    return _fetch(name, db, _snapshot_version(db), args)


@st.cache_data(show_spinner=False, max_entries=256)
def _chart_spec(builder: str, english_on: bool, args: tuple, kwargs: tuple):
    # Altair builds and validates slowly; the finished spec is cached instead.
    chart = getattr(charts, builder)(*args, t=labeler(english_on), **dict(kwargs))
    return None if chart is None else chart.to_dict(validate=False)


def chart(builder: str, *args, empty: str | None = None, on_phone: dict | None = None, **kwargs) -> None:
    """Draw app.charts.<builder>(*args, **kwargs), or say what is missing instead of an empty frame.
    on_phone: the builder's arguments for a 390-px screen; both are drawn and PHONE_CSS shows one
    (one such chart per builder on a page)."""
    if on_phone is not None:
        key = builder
        with st.container(key=f"wide_only_{key}"):
            chart(builder, *args, empty=empty, **kwargs)
        with st.container(key=f"narrow_only_{key}"):
            chart(builder, *args, empty=empty, **{**kwargs, **on_phone})
        return
    spec = _chart_spec(builder, english(), args, tuple(sorted(kwargs.items())))
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


# Streamlit's file uploader has no setting for its texts: its button says "Upload" and its note
# "20MB per file • XLSX, …". The clerk reads Chinese, so the button is relabelled here and the note
# hidden (the page says the types and the size limit itself). Selectors that stop matching after a
# Streamlit upgrade only bring the English back.
UPLOADER_CSS = """
<style>
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p {
  font-size: 0;
}
[data-testid="stFileUploaderDropzone"] [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"] p::after {
  content: "选择文件"; font-size: 0.875rem;
}
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
</style>
"""


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
    """The empty warehouse's way forward: the page where files are uploaded (#18 item 9)."""
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


# --- filters kept in the URL ---------------------------------------------------------------------


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


# --- tables ---------------------------------------------------------------------------------------


def print_table(df: pd.DataFrame, key: str, lights=(), bands=(), lit_by: dict | None = None) -> None:
    """A static copy of an interactive table for paper: the data grid is drawn on a canvas at screen
    width and would be cut on A4. Hidden on screen by PRINT_CSS."""
    with st.container(key=f"print_only_{key}"):
        st.table(
            styled(df, lights=lights, bands=bands, lit_by=lit_by)
            .format(na_rep="", precision=1)
            .hide(axis="index")
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


def styled(df: pd.DataFrame, lights=(), bands=(), lit_by: dict | None = None):
    """A Styler that colours progress-light and band columns (text stays text). lit_by colours a
    score column by another column's light (the area scores of the ranking by their own lights)."""
    s = df.style
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
    return charts.AREA_COLORS[dim]
