"""The four area pages (理论学习, 调查研究, 推动发展, 整改整治) share one shape: counties compared on
the area's score and on each indicator against 序时进度, the score by level, the weekly trend and
the indicator table."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import ui
from app.charts import AreaWeek
from app.labels import term
from app.ui import t
from etl.config import DIMENSION_LABELS


def area_page(dimension: str) -> None:
    name = DIMENSION_LABELS[dimension]
    status = ui.page_header(name)
    week = ui.week_picker(status)
    window = ui.county_search(status)
    ui.as_of(status, week)
    highlight = ui.highlight_from_url()
    data = ui.fetch("dimension_data", week, dimension, window=window)
    progress = data["expected_progress"]
    ranking = data["ranking"]
    area_week = AreaWeek(dimension, progress, highlight)  # what both bar charts are drawn against

    area = term(name, ui.english())  # the area's name inside a sentence
    ranked = ranking[ranking["score"].notna()]
    if ranked.empty:
        st.info(
            t(
                "{week} 还没有可计算的{area}得分：本周没有县（市、区）报送调度表。请选择其他统计周。",
                week=week,
                area=area,
            )
        )
        return
    missing = data["not_submitted"]  # of every county, however many the charts draw
    lead = ranked.iloc[0]
    st.markdown(
        t(
            "本周{area}得分最高的是 **{county}**（{score} 分），序时进度 {progress}%；{n} 个县（市、区）亮红灯。",
            area=area,
            county=ui.md(lead["county"]),
            score=f"{lead['score']:.1f}",
            progress=f"{progress:.1f}",
            n=data["counts"]["red_on_basis"],
        )
        + (" " + t("未报送：{units}。", units=ui.names(missing)) if missing else "")
    )

    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(t("各县（市、区）得分"))
        ui.chart("dimension_score_bars", ranking, area_week)
        st.caption(t("虚线为序时进度；圆点为进度预警（绿/黄/红）。"))
        ui.window_caption(status, len(ranking))
    with right:
        st.subheader(t("各层级得分"))
        ui.chart(
            "county_level_heatmap",
            data["levels"],
            None,
            dimension,
            highlight=highlight,
            max_width=400,  # within half of a 1366-px screen's page
            empty=t("{week} 没有{area}的层级得分。", week=week, area=area),
            on_phone={"phone": True},
        )
        st.caption(t("同一县（市、区）上下层级颜色不同，即冷热不均；蓝色为冷。"))

    st.subheader(t("各项指标完成率"))
    # indicator names are glossed with their English from forms.toml when the switch is on
    indicators = data["indicators"].assign(label=data["indicators"]["label"].map(ui.form_name))
    ui.chart(
        "indicator_bars",
        indicators,
        area_week,
        empty=t("{week} 没有{area}的指标数据。", week=week, area=area),
        width=220,  # three panels side by side fit a 1366-px screen
        on_phone={"columns": 1, "width": 220},
    )
    st.caption(t("完成率 = 各层级已完成数（超出目标的部分不计）之和 ÷ 目标数之和；虚线为序时进度。"))

    st.subheader(t("每周走势"))
    ui.chart(
        "county_trend_lines",
        data["trend"],
        data["progress"],
        city=data["city_trend"],
        highlight=highlight,
        value_title="得分",
        empty=t("还没有各周的得分。"),
        on_phone={"phone": True},
    )
    st.caption(t("粗黑线为全市，虚线为序时进度；点击图例可突出某个县（市、区）。"))

    st.subheader(t("指标明细"))
    ind = indicators.sort_values(["sort_order", "percent"], ascending=[True, False])
    # the grid prints only its visible window: paper gets every row as a static table
    with st.container(key=f"screen_only_indicators_{dimension}"):
        _indicator_grid(ind, dimension)
    shown = ind[["label", "county", "achieved", "target", "percent"]].assign(
        percent=ind["percent"].map(lambda v: "" if pd.isna(v) else f"{v:.1f}%")
    )
    ui.print_table(
        shown.rename(
            columns={
                "label": t("指标"),
                "county": t("县（市、区）"),
                "achieved": t("已完成"),
                "target": t("目标"),
                "percent": t("完成率"),
            }
        ),
        f"indicators_{dimension}",
    )


def _indicator_grid(ind, dimension: str) -> None:
    ui.data_table(
        ind[["label", "county", "achieved", "target", "percent"]],
        height=min(36 * (len(ind) + 1), 600),
        columns={
            "label": st.column_config.TextColumn(t("指标")),
            "county": st.column_config.TextColumn(t("县（市、区）")),
            "achieved": st.column_config.NumberColumn(t("已完成"), format="%d"),
            "target": st.column_config.NumberColumn(t("目标"), format="%d"),
            "percent": st.column_config.ProgressColumn(
                t("完成率"), format="%.1f%%", min_value=0, max_value=100, color=ui.dimension_color(dimension)
            ),
        },
    )
