"""县域画像: one county in depth: level × area, the weekly trend against 序时进度, its rank over the
weeks, its units weakest first, and every file it sent."""

import pandas as pd
import streamlit as st

from app import ui
from app.ui import t
from etl.config import DIMENSION_LABELS, DIMENSIONS, default_config

config = default_config()
status = ui.page_header("县域画像")
county = ui.county_picker()
week = ui.week_picker(status)
ui.as_of(status, week)
data = ui.fetch("county_data", county, week)
st.subheader(ui.md(county))

row = data["ranking_row"]
scores = data["scores"]
now = scores[(scores["week"] == week) & (scores["dimension"] == "composite")]
with st.container(key="kpis"):  # two to a row on a phone (ui.PHONE_CSS)
    k = st.columns(5)
if len(now):
    r = now.iloc[0]
    k[0].metric(t("综合得分"), f"{r['shown']:.1f}", border=True)
    lag = r["lag"] if pd.notna(r["lag"]) else None
    k[1].metric(
        t("进度预警"),
        t(r["light"]) if r["light"] else "—",
        None
        if lag is None
        else (t("落后序时进度 {lag} 分", lag=f"{lag:.1f}") if lag > 0 else t("达到序时进度")),
        delta_color={"绿": "green", "黄": "orange", "红": "red"}.get(r["light"], "off"),
        delta_arrow="off",
        border=True,
    )
else:
    k[0].metric(t("综合得分"), "—", border=True)
    k[1].metric(t("进度预警"), "—", border=True)
if len(row) and pd.notna(row.iloc[0]["rank"]):
    rr = row.iloc[0]
    k[2].metric(
        t("排名"),
        f"{int(rr['rank'])} / {data['n_ranked']}",
        None if pd.isna(rr["rank_change"]) else t("较上周 {change}", change=ui.arrow(rr["rank_change"])),
        delta_color="off",
        delta_arrow="off",
        border=True,
    )
    k[3].metric(
        t("温差"),
        "—" if pd.isna(rr["gradient"]) else f"{rr['gradient']:.1f}",
        t("上热下冷") if rr["cold_bottom"] else None,
        delta_color="red" if rr["cold_bottom"] else "off",
        delta_arrow="off",
        border=True,
    )
else:
    k[2].metric(t("排名"), "—", border=True)
    k[3].metric(t("温差"), "—", border=True)
k[4].metric(t("序时进度"), f"{data['expected_progress']:.1f}%", border=True)

if not data["submitted"]:
    st.warning(
        t(
            "{county} {week} 未报送调度表，本周没有得分；下面的走势、排名和报送记录仍可查看。",
            county=ui.md(county),
            week=week,
        )
    )

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("层级 × 方面"))
    ui.chart("level_area_heatmap", data["levels"], empty=t("{week} 没有层级得分。", week=week))
with right:
    st.subheader(t("排名变化情况"))
    ui.chart(
        "rank_history", data["ranks"], len(config.counties), empty=t("还没有排名记录（市直单位不参加排名）。")
    )

st.subheader(t("得分走势"))
ui.chart("area_trend_lines", scores, data["progress"], empty="还没有各周的得分。")
st.caption(t("粗线为综合得分，虚线为序时进度。"))

st.subheader(t("单位明细（由弱到强）"))
units = data["units"]
units = units.assign(weakest=units["weakest"].map(ui.form_names)) if len(units) else units
if units.empty:
    st.info(t("{week} 没有单位数据。", week=week))
else:
    ui.data_table(
        units,
        height=min(35 * (len(units) + 1) + 3, 520),
        columns={
            "unit": st.column_config.TextColumn(t("单位")),
            "level": st.column_config.TextColumn(t("层级"), width="small"),
            "composite": st.column_config.ProgressColumn(
                t("综合得分"), format="%.1f", min_value=0, max_value=100
            ),
            **{
                d: st.column_config.NumberColumn(t(DIMENSION_LABELS[d]), format="%.1f", width="small")
                for d in DIMENSIONS
            },
            "weakest": st.column_config.TextColumn(t("最弱指标"), width="large"),
        },
    )
    st.caption(
        t("单位得分按与层级得分相同的规则计算（各项指标完成率的平均），仅用于找出薄弱单位，不参加排名。")
    )

st.subheader(t("报送与版本"))
subs, rejected = data["submissions"], data["rejected"]
if subs.empty and rejected.empty:
    st.info(t("还没有收到该单位的调度表。"))
else:
    st.dataframe(
        subs.assign(is_current=subs["is_current"].map({True: t("当前"), False: ""})),
        hide_index=True,
        width="stretch",
        height=min(36 * (len(subs) + 1), 400),
        column_config={
            "week": t("统计周"),
            "version": st.column_config.NumberColumn(t("版本"), format="v%d"),
            "file_name": t("文件名"),
            "loaded_at": st.column_config.DatetimeColumn(t("导入时间"), format="YYYY-MM-DD HH:mm"),
            "rows": t("行数"),
            "is_current": t("当前版本"),
        },
    )
    if len(rejected):
        st.markdown(f"**{t('退回记录')}**")
        reason = "reason_en" if ui.english() else "reason"
        ui.data_table(
            rejected.drop(columns="reason" if reason == "reason_en" else "reason_en"),
            columns={
                "week": t("统计周"),
                "file_name": t("文件名"),
                "loaded_at": st.column_config.DatetimeColumn(t("导入时间"), format="YYYY-MM-DD HH:mm"),
                reason: st.column_config.TextColumn(t("原因"), width="large"),
            },
        )
