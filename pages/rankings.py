"""排名导出: the weekly ranking by composite or one area, with rank change and progress lights, and
the files for the bulletin (通报): the formatted XLSX, the CSV, and the multi-week workbook of the
monthly bulletin. Numbers and files come from app.rankings_page (etl.scoring + etl.export)."""

from __future__ import annotations

import streamlit as st

from app import rankings_page, signin, ui
from app.labels import term
from app.ui import t
from etl import county_window, snapshot
from etl.config import default_config, warehouse_path
from etl.warehouse_reader import NoWarehouse

config = default_config()
db = warehouse_path(None, config)
signin.require_view()

st.title(t("排名导出"))
st.caption(t("按综合得分或某一方面排名；下载可直接打印的 Excel 通报、CSV 数据，以及月度通报用的多周汇总表。"))

# The table and the three files are built once per published snapshot (ui.per_snapshot): every later
# visit until the next load, from any session of this process, reuses them.
try:
    weeks = ui.per_snapshot(rankings_page.weeks)
except NoWarehouse:
    weeks = []
if not weeks:
    st.info(
        t(
            "还没有可排名的数据。请先在「数据报送」页上传各单位的周调度表，或在命令行运行 `python -m etl load`。"
        )
    )
    st.stop()

c1, c2 = st.columns(2)
week = c1.selectbox(t("统计周"), weeks, index=len(weeks) - 1, key="rank_week")
by = c2.selectbox(
    t("排名依据"),
    rankings_page.BY_CHOICES,
    format_func=lambda b: t(rankings_page.BY_LABELS[b]),
    key="rank_by",
)

# the summary counts every county; the grid lists a province whole, a nation's top and bottom and
# what the search finds (the files below always hold every county)
df = ui.per_snapshot(rankings_page.ranking, week, by)
st.markdown(rankings_page.summary(df, week, config, ui.english()))
n_counties = ui.per_snapshot(rankings_page.counties)
if county_window.limited(n_counties):
    search = st.text_input(t("查找县（市、区）"), key="rank_search")
    df = ui.per_snapshot(rankings_page.ranking, week, by, county_window.Window.of(search))
table = rankings_page.display_table(df, by)
styled = rankings_page.style_table(table, by)
if ui.english():  # a grid cannot wrap a glossed cell: headers and words in English, the Chinese in the hover
    words = ["进度预警", "状态", "上热下冷"]
    styled = styled.format(lambda v: term(v, True) if isinstance(v, str) and v else v, subset=words)
st.dataframe(
    styled,
    hide_index=True,
    width="stretch",
    placeholder="",
    height=38 + 35 * len(table),
    column_config={c: st.column_config.Column(**ui.header(c)) for c in table.columns}
    if ui.english()
    else None,
)
lights = config.lights
st.caption(
    t(
        "排名变化与上周相比：↑ 上升，↓ 下降，– 持平。进度预警按序时进度减得分：不足 {yellow} 分绿，"
        "{yellow}～{red} 分黄，{red} 分及以上红。未报送单位列于表末，不参加排名。",
        yellow=f"{lights['yellow_lag']:g}",
        red=f"{lights['red_lag']:g}",
    )
)
ui.window_caption({"counties": n_counties}, len(table))

names = rankings_page.file_names(week, by)
st.subheader(t("下载"))
d1, d2 = st.columns(2)
d1.download_button(
    t("下载 Excel 通报"),
    ui.per_snapshot(rankings_page.xlsx_bytes, week, by),
    file_name=names["xlsx"],
    mime=ui.XLSX_MIME,
    key="download_xlsx",
    icon=":material/table_view:",
    type="primary",
    on_click="ignore",
)
d2.download_button(
    t("下载 CSV"),
    ui.per_snapshot(rankings_page.csv_bytes, week, by),
    file_name=names["csv"],
    mime="text/csv",
    key="download_csv",
    icon=":material/description:",
    on_click="ignore",
)

st.subheader(t("通报与会议材料"))
st.caption(
    t(
        "公文格式的通报（Word，可修改）、领导小组会议材料（PDF）和排名表（Excel），"
        "与命令 python -m etl bulletin 生成的相同。"
    )
)
made_for = (week, snapshot.version(snapshot.latest(db)))  # the data the files were made from
if st.button(t("生成通报和会议材料"), key="make_bulletin", icon=":material/article:"):
    with st.spinner(t("正在生成通报和会议材料……")):
        st.session_state["bulletin_files"] = (made_for, *rankings_page.bulletin_files(db, week, config))
made = st.session_state.get("bulletin_files")
if made and made[0] == made_for:
    files, problem = made[1], made[2]
    if problem:
        st.error(problem)
    else:
        bnames = rankings_page.bulletin_names(week)
        b1, b2, b3 = st.columns(3)
        for col, kind, text, mime, icon in (
            (b1, "docx", t("下载通报（Word）"), ui.DOCX_MIME, ":material/description:"),
            (b2, "pdf", t("下载会议材料（PDF）"), "application/pdf", ":material/picture_as_pdf:"),
            (b3, "xlsx", t("下载排名表（Excel）"), ui.XLSX_MIME, ":material/table_view:"),
        ):
            col.download_button(
                text,
                files[kind],
                file_name=bnames[kind],
                mime=mime,
                key=f"download_bulletin_{kind}",
                icon=icon,
                on_click="ignore",
            )

st.subheader(t("多周汇总（月度通报）"))
chosen = st.multiselect(
    t("包含的统计周"),
    weeks,
    default=rankings_page.month_weeks(weeks, week),
    key="multi_weeks",
    help=t("默认选中与所选统计周同一个月的各周；每周一张排名表，另有一张走势表。"),
)
if chosen:
    multi_names = rankings_page.file_names(week, by, chosen)
    st.download_button(
        t("下载多周汇总表（{n} 周）", n=len(chosen)),
        ui.per_snapshot(rankings_page.multiweek_bytes, tuple(chosen), by),
        file_name=multi_names["multi"],
        mime=ui.XLSX_MIME,
        key="download_multi",
        icon=":material/library_books:",
        on_click="ignore",
    )
else:
    st.caption(t("请至少选择一周。"))

missing = df.loc[~df["submitted"], "county"].tolist()
if missing:
    st.warning(t("{week} 未报送：{units}。通报中列于表末。", week=week, units="、".join(missing)))
