"""总览: where every county stands this week, who moved, who is cold at the bottom, what is overdue,
and the meeting notes built from those numbers."""

import pandas as pd
import streamlit as st

from app import ui
from app.notes import notes_text
from app.ui import t
from etl.config import DIMENSION_LABELS, DIMENSIONS, default_config
from etl.deadline import deadline_text

config = default_config()
status = ui.page_header("总览")
week = ui.week_picker(status)
ui.as_of(status, week)
data = ui.fetch("overview_data", week)
ranking = data["ranking"]
has_prev = data["prev_week"] is not None


def delta(now, before, digits=1):
    """Change since last week as a number (Streamlit colours and arrows it), None when unknown."""
    if not has_prev or now is None or before is None:
        return None
    return round(now - before, digits) if digits else int(now - before)


# --- KPI tiles -------------------------------------------------------------------------------------
n_sub = int(ranking["submitted"].sum())
prev = data["prev_ranking"]
n_sub_prev = int(prev["submitted"].sum()) if prev is not None else None
flagged = int(ranking["cold_bottom"].sum())
flagged_prev = int(prev["cold_bottom"].sum()) if prev is not None else None
k = st.columns(5)
k[0].metric(
    t("全市综合得分"),
    "—" if data["city_composite"] is None else f"{data['city_composite']:.1f}",
    delta(data["city_composite"], data["city_composite_prev"]),
    border=True,
    help="全市（市直单位与各县合并计算）综合得分；变化为较上周。",
)
k[1].metric(
    t("序时进度"),
    f"{data['expected_progress']:.1f}%",
    border=True,
    help="从主题教育开始到本周日的天数 ÷ 全部天数。",
)
k[2].metric(
    t("已报送县（市、区）"), f"{n_sub} / {data['n_counties']}", delta(n_sub, n_sub_prev, 0), border=True
)
k[3].metric(
    t("上热下冷县（市、区）"),
    f"{flagged}",
    delta(flagged, flagged_prev, 0),
    delta_color="inverse",
    border=True,
    help=f"县级与村级综合得分之差 ≥ {config.temperature['gradient_flag']:g} 分的县（市、区）数。",
)
k[4].metric(
    t("红灯"),
    f"{data['red_lights']}",
    delta(data["red_lights"], data["red_lights_prev"], 0),
    delta_color="inverse",
    border=True,
    help=f"各县（市、区）四个方面得分中落后序时进度 {config.lights['red_lag']:g} 分及以上的项数。",
)

# --- ranking and alerts ----------------------------------------------------------------------------
# the ranking takes the full width: it has fourteen columns
st.subheader(t("本周排名"))
trend = data["trend"]
table = pd.DataFrame(
    {
        "rank": ranking["rank"],
        "county": ranking["county"],
        "composite": ranking["composite"],
        "change": ranking["rank_change"].map(ui.arrow),
        "trend": [
            [float(v) for v in trend.loc[c].dropna()] if c in trend.index else [] for c in ranking["county"]
        ],
        "light": ranking["light"].fillna(""),
        **{d: ranking[d] for d in DIMENSIONS},
        "gradient": ranking["gradient"],
        "status": [
            ("上热下冷" if cb else s) if s == "已报送" else s
            for s, cb in zip(ranking["status"], ranking["cold_bottom"])
        ],
        "profile": [ui.profile_url(c, week) for c in ranking["county"]],
    }
)
with st.container(key="screen_only_ranking"):
    event = st.dataframe(
        ui.styled(table, lights=["light"]),
        hide_index=True,
        width="stretch",
        placeholder="",
        height=35 * (len(table) + 1) + 3,
        on_select="rerun",
        selection_mode="single-row",
        key="ranking",
        # fixed widths: all fourteen columns fit a 1366-px laptop or projector without a sideways scroll
        column_config={
            "rank": st.column_config.NumberColumn(**ui.header("排名"), format="%d", width=44),
            "county": st.column_config.TextColumn(**ui.header("县（市、区）"), width=92),
            "composite": st.column_config.NumberColumn(**ui.header("综合得分"), format="%.1f", width=64),
            "change": st.column_config.TextColumn(**ui.header("排名变化", "与上周名次相比"), width=64),
            "trend": st.column_config.LineChartColumn(
                **ui.header("走势", "各周综合得分"), y_min=0, y_max=100, width=94
            ),
            "light": st.column_config.TextColumn(**ui.header("进度预警"), width=64),
            **{
                d: st.column_config.NumberColumn(**ui.header(DIMENSION_LABELS[d]), format="%.1f", width=64)
                for d in DIMENSIONS
            },
            "gradient": st.column_config.NumberColumn(**ui.header("温差"), format="%.1f", width=52),
            "status": st.column_config.TextColumn(**ui.header("状态"), width=72),
            "profile": st.column_config.LinkColumn(**ui.header("画像"), display_text="查看", width=48),
        },
    )
    st.caption("点击一行打开该县（市、区）的县域画像。未报送的县（市、区）列在最后，不参加排名。")
ui.open_profile_on_select(event, table, week)
ui.print_table(
    table.drop(columns=["trend", "profile"]).rename(
        columns={
            "rank": "排名",
            "county": "县（市、区）",
            "composite": "综合得分",
            "change": "排名变化",
            "light": "进度预警",
            **{d: DIMENSION_LABELS[d] for d in DIMENSIONS},
            "gradient": "温差",
            "status": "状态",
        }
    ),
    "ranking",
    lights=["进度预警"],
)

left, right = st.columns([1, 1], gap="large")
with left:
    st.subheader(t("预警提示"))
    with st.container(border=True):
        missing = list(data["not_submitted"]) + (
            [] if data["city_direct_submitted"] else [config.city_direct]
        )
        st.markdown(
            f"**{t('未报送')}**：" + ("、".join(ui.md(c) for c in missing) if missing else "本周全部报送")
        )
        rejected = data["rejected"]
        st.markdown(f"**{t('被退回的文件')}**：" + (f"{len(rejected)} 份" if len(rejected) else "无"))
        if len(rejected):
            st.dataframe(
                rejected.assign(
                    resubmitted=rejected["resubmitted"].map({True: "已重新报送", False: "未重新报送"})
                )[["county", "file_name", "reason", "resubmitted"]],
                hide_index=True,
                width="stretch",
                placeholder="—",
                column_config={
                    "county": t("县（市、区）"),
                    "file_name": t("文件"),
                    "reason": t("原因"),
                    "resubmitted": t("状态"),
                },
            )
        if data["rejected_unknown_week"]:
            st.caption(f"另有 {data['rejected_unknown_week']} 份被退回的文件无法识别统计周，见“数据报送”页。")
        late = data["late"]
        st.markdown(
            f"**{t('逾期报送')}**："
            + (
                "、".join(
                    ui.md(r.county)
                    + (
                        f"（{r.submitted_at:%m-%d %H:%M} 报送）"
                        if pd.notna(r.submitted_at)
                        else "（逾期未报）"
                    )
                    for r in late.itertuples()
                )
                if len(late)
                else "无"
            )
        )
        if len(late):
            st.caption(
                f"截止时间：{deadline_text(late['deadline'].iloc[0])}（config.toml [deadlines] submission）。"
            )
        overdue = data["overdue"]
        st.markdown(f"**{t('逾期未完成')}**：" + (f"{len(overdue)} 个单位次" if len(overdue) else "无"))
        if len(overdue):
            st.dataframe(
                overdue.assign(deadline=overdue["deadline"].map(lambda d: f"{d.month}月{d.day}日"))[
                    ["item", "county", "unit", "deadline"]
                ],
                hide_index=True,
                width="stretch",
                placeholder="—",
                column_config={
                    "item": t("事项"),
                    "county": t("县（市、区）"),
                    "unit": t("单位"),
                    "deadline": t("截止日期"),
                },
            )
with right:
    st.subheader(t("会议要点"))
    st.code(notes_text(data, config), language=None, wrap_lines=True)

# --- temperature -----------------------------------------------------------------------------------
st.subheader(t("温度分布") + "（" + t("县（市、区）× 层级") + "，综合得分）")
ui.chart(
    "county_level_heatmap",
    data["levels"],
    data["city_profile"],
    "composite",
    highlight=ui.highlight_from_url(),
    empty="本周还没有可计算的层级得分。",
)
hot, warm = config.temperature["hot"], config.temperature["warm"]
st.caption(
    f"红色为热（≥{hot:g} 分），黄橙为温（{warm:g}～{hot:g} 分），蓝色为冷（<{warm:g} 分）；"
    "“全市”列把市直单位（市级）和各县（市、区）各层级合并计算。"
)
