"""上热中温下冷: every county's scores by level, hot at the top and cold at the bottom, the city
profile, and the counties whose villages are cold, with the indicators that make them cold."""

import pandas as pd
import streamlit as st

from app import ui
from app.ui import t
from etl.config import DIMENSION_LABELS, LEVELS, default_config

config = default_config()
status = ui.page_header("上热中温下冷")
week = ui.week_picker(status)
dimension = ui.dimension_picker()
window = ui.county_search(status, order="gradient")  # at national scale: the largest gradients first
ui.as_of(status, week)
data = ui.fetch("temperature_data", week, dimension, window=window)
flag = data["gradient_flag"]
hot, warm = config.temperature["hot"], config.temperature["warm"]

if data["levels"].empty:
    st.info(t("{week} 还没有可计算的层级得分：本周没有报送的调度表。请选择其他统计周。", week=week))
    st.stop()

st.subheader(t("县（市、区）× 层级") + f"（{t(DIMENSION_LABELS[dimension])}）")
ui.chart(
    "county_level_heatmap",
    data["levels"],
    data["city_profile"],
    dimension,
    highlight=ui.highlight_from_url(),
    on_phone={"phone": True},
)
st.caption(
    t(
        "自上而下为市级、县级、乡镇级、村级。红色为热（≥{hot} 分），黄橙为温（{warm}～{hot} 分），"
        "蓝色为冷（<{warm} 分）。“全市”列把市直单位（市级）和各县（市、区）各层级合并计算。",
        hot=f"{hot:g}",
        warm=f"{warm:g}",
    )
)

st.subheader(t("县级→村级（综合得分）"))
ui.chart(
    "slope_small_multiples",
    data["composite_levels"],
    tuple(data["flagged"]["county"]),
    on_phone={"columns": 2, "width": 140},
)
st.caption(
    t(
        "每个小图是一个县（市、区）：线条自左向右下降越多，村级越冷；红色为温差 ≥ {flag} 分的上热下冷县（市、区）。",
        flag=f"{flag:g}",
    )
)

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("全市各层级"))
    ui.chart("city_profile_bars", data["city_profile"])
    st.caption(t("市级来自市直单位，县级、乡镇级、村级为各县（市、区）合并计算；虚线为全市综合得分。"))
with right:
    st.subheader(t("各县（市、区）温差"))
    ui.chart("gradient_bars", data["ranking"], flag, empty=t("本周没有同时有县级和村级数据的县（市、区）。"))
    ui.window_caption(status, len(data["ranking"]))

st.subheader(t("上热下冷县（市、区）温差排序"))
flagged = data["flagged"]
if flagged.empty:
    st.success(t("本周没有温差达到 {flag} 分的县（市、区）。", flag=f"{flag:g}"))
else:
    matrix = data["composite_levels"].pivot_table(index="county", columns="level", values="shown")
    table = pd.DataFrame(
        {
            "county": flagged["county"],
            **{
                lv: [
                    matrix.at[c, lv] if c in matrix.index and lv in matrix.columns else None
                    for c in flagged["county"]
                ]
                for lv in LEVELS[1:]
            },
            "gradient": flagged["gradient"],
            "weakest": [ui.form_names(data["village_weakest"].get(c, "")) for c in flagged["county"]],
            "profile": [ui.profile_url(c, week) for c in flagged["county"]],
        }
    )
    with st.container(key="screen_only_flagged"):
        ui.data_table(
            table,
            columns={
                "county": t("县（市、区）"),
                **{lv: st.column_config.NumberColumn(t(lv), format="%.1f") for lv in LEVELS[1:]},
                "gradient": st.column_config.NumberColumn(t("温差"), format="%.1f"),
                "weakest": st.column_config.TextColumn(t("最弱指标（村级）"), width="large"),
                "profile": st.column_config.LinkColumn(t("画像"), display_text=t("打开")),
            },
        )
    ui.print_table(
        table.drop(columns="profile").rename(
            columns={
                "county": t("县（市、区）"),
                **{lv: t(lv) for lv in LEVELS[1:]},
                "gradient": t("温差"),
                "weakest": t("最弱指标（村级）"),
            }
        ),
        "flagged",
    )
    st.caption(t("温差 = 县级综合得分 − 村级综合得分；“最弱指标”为该县（市、区）村级完成率最低的三项。"))
