"""The four area pages (理论学习, 调查研究, 推动发展, 整改整治) share one shape: counties compared on
the area's score and on each indicator against 序时进度, the score by level, the weekly trend and
the indicator table."""

from __future__ import annotations

import streamlit as st

from app import ui
from app.ui import t
from etl.config import DIMENSION_LABELS, default_config


def area_page(dimension: str) -> None:
    config = default_config()
    name = DIMENSION_LABELS[dimension]
    status = ui.page_header(name)
    week = ui.week_picker(status)
    ui.as_of(status, week)
    highlight = ui.highlight_from_url()
    data = ui.fetch("dimension_data", week, dimension)
    progress = data["expected_progress"]
    ranking = data["ranking"]

    ranked = ranking[ranking["score"].notna()]
    if ranked.empty:
        st.info(f"{week} 还没有可计算的{name}得分：本周没有县（市、区）报送调度表。请选择其他统计周。")
        return
    missing = ranking.loc[~ranking["submitted"], "county"].tolist()
    lead = ranked.iloc[0]
    st.markdown(
        f"本周{name}得分最高的是 **{ui.md(lead['county'])}**（{lead['score']:.1f} 分），"
        f"序时进度 {progress:.1f}%；{len(ranked[ranked['light'] == '红'])} 个县（市、区）亮红灯。"
        + (f" 未报送：{'、'.join(ui.md(c) for c in missing)}。" if missing else "")
    )

    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(t("各县（市、区）得分"))
        ui.chart("dimension_score_bars", ranking, dimension, progress, highlight=highlight)
        st.caption("虚线为序时进度；圆点为进度预警（绿/黄/红）。")
    with right:
        st.subheader(t("各层级得分"))
        ui.chart(
            "county_level_heatmap",
            data["levels"],
            None,
            dimension,
            highlight=highlight,
            max_width=480,
            empty=f"{week} 没有{name}的层级得分。",
        )
        st.caption("同一县（市、区）上下层级颜色不同，即冷热不均；蓝色为冷。")

    st.subheader(t("各项指标完成率"))
    ui.chart(
        "indicator_bars",
        data["indicators"],
        dimension,
        progress,
        highlight=highlight,
        empty=f"{week} 没有{name}的指标数据。",
    )
    st.caption("完成率 = 各层级已完成数（超出目标的部分不计）之和 ÷ 目标数之和；虚线为序时进度。")

    st.subheader(t("每周走势"))
    ui.chart(
        "county_trend_lines",
        data["trend"],
        data["progress"],
        city=data["city_trend"],
        highlight=highlight,
        value_title=f"{name}得分",
        city_label=config.city,
        empty="还没有各周的得分。",
    )
    st.caption(f"粗黑线为全市（{config.city}），虚线为序时进度；点击图例可突出某个县（市、区）。")

    st.subheader(t("指标明细"))
    ind = data["indicators"].sort_values(["sort_order", "percent"], ascending=[True, False])
    st.dataframe(
        ind[["label", "county", "achieved", "target", "percent"]],
        hide_index=True,
        width="stretch",
        placeholder="—",
        height=min(36 * (len(ind) + 1), 600),
        column_config={
            "label": st.column_config.TextColumn(t("指标")),
            "county": st.column_config.TextColumn(t("县（市、区）")),
            "achieved": st.column_config.NumberColumn(t("已完成"), format="%d"),
            "target": st.column_config.NumberColumn(t("目标"), format="%d"),
            "percent": st.column_config.ProgressColumn(
                t("完成率"), format="%.1f%%", min_value=0, max_value=100, color=ui.dimension_color(dimension)
            ),
        },
    )
