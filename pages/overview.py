"""总览: where every county stands this week, who moved, who is cold at the bottom, what is overdue,
and the meeting notes built from those numbers."""

import pandas as pd
import streamlit as st

from app import ui
from app.labels import deadline_name, month_day, term
from app.notes import notes_text
from app.ui import t
from etl.config import DIMENSION_LABELS, DIMENSIONS, default_config

config = default_config()
status = ui.page_header("总览")
week = ui.week_picker(status)
window = ui.county_search(status)
ui.as_of(status, week)
data = ui.fetch("overview_data", week, window=window)
ranking = data["ranking"]
has_prev = data["prev_week"] is not None


def delta(now, before, digits=1):
    """Change since last week as a number (Streamlit colours and arrows it), None when unknown."""
    if not has_prev or now is None or before is None:
        return None
    return round(now - before, digits) if digits else int(now - before)


def listed(label: str, count: str, table: pd.DataFrame, columns: dict) -> None:
    """A line of 预警提示, its count or 无, and the table of what it counts."""
    st.markdown(f"**{label}**：" + (count if len(table) else t("无")))
    if len(table):
        ui.data_table(table, columns)


# --- KPI tiles -------------------------------------------------------------------------------------
# counted over every county, however many the ranking below lists
counts, prev = data["counts"], data["prev_counts"]
n_sub = counts["submitted"]
n_sub_prev = prev["submitted"] if prev is not None else None
flagged = counts["cold_bottom"]
flagged_prev = prev["cold_bottom"] if prev is not None else None
# five tiles side by side; on a phone they wrap two to a row (ui.PHONE_CSS)
with st.container(key="kpis"):
    k = st.columns(5)
k[0].metric(
    t("全市综合得分"),
    "—" if data["city_composite"] is None else f"{data['city_composite']:.1f}",
    delta(data["city_composite"], data["city_composite_prev"]),
    border=True,
    help=t("全市（市直单位与各县合并计算）综合得分；变化为较上周。"),
)
k[1].metric(
    t("序时进度"),
    f"{data['expected_progress']:.1f}%",
    border=True,
    help=t("从主题教育开始到本周日的天数 ÷ 全部天数。"),
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
    help=t(
        "县级与村级综合得分之差 ≥ {flag} 分的县（市、区）数。",
        flag=f"{config.temperature['gradient_flag']:g}",
    ),
)
# the same reds as the ranking's four area columns (the composite light is another measure)
k[4].metric(
    t("方面红灯"),
    f"{data['red_lights']}",
    delta(data["red_lights"], data["red_lights_prev"], 0),
    delta_color="inverse",
    border=True,
    help=t(
        "各县（市、区）四个方面得分中落后序时进度 {lag} 分及以上的项数，即下面排名表四个方面列中的红色格。",
        lag=f"{config.lights['red_lag']:g}",
    ),
)

# the ranking grid's column widths (px) in Chinese and with the English switch on
WIDTHS = dict(
    rank=44, composite=60, change=58, light=58, trend=80, gradient=48, cold_bottom=64, status=56, profile=44
) | dict.fromkeys(DIMENSIONS, 58)
WIDTHS_EN = dict(
    rank=48,
    composite=80,
    change=92,
    light=104,
    trend=64,
    gradient=72,
    cold_bottom=150,
    status=108,
    profile=56,
) | {"study": 60, "research": 76, "development": 96, "rectification": 100}

# --- ranking and alerts ----------------------------------------------------------------------------
# the ranking takes the full width; its first five columns (rank … light) are what a phone shows
st.subheader(t("本周排名"))
trend = data["trend"]
en = ui.english()
# in the grid's narrow cells a value is its English alone with the switch on (「Submitted」, not
# 「已报送 Submitted」, which a 56-px cell cuts); the column headers carry the Chinese
cell = (lambda zh: term(zh, True)) if en else t
area_lights = {d: ranking[f"light_{d}"].tolist() for d in DIMENSIONS}
table = pd.DataFrame(
    {
        "rank": ranking["rank"],
        "county": ranking["county"],
        "composite": ranking["composite"],
        "change": ranking["rank_change"].map(ui.arrow),
        "light": ranking["light"].map(lambda v: cell(v) if isinstance(v, str) else ""),
        "trend": [
            [float(v) for v in trend.loc[c].dropna()] if c in trend.index else [] for c in ranking["county"]
        ],
        **{d: ranking[d] for d in DIMENSIONS},
        "gradient": ranking["gradient"],
        # one thing per column: the temperature flag apart from the submission status
        "cold_bottom": ranking["cold_bottom"].map({True: cell("上热下冷"), False: ""}),
        "status": ranking["status"].map(cell),
        "profile": [ui.profile_url(c, week) for c in ranking["county"]],
    }
)
# fixed widths: in Chinese all fifteen columns fit a 1366-px laptop or projector without a sideways
# scroll; English headers and values are longer (the widths below fit them whole): the grid then
# scrolls sideways in its own box, rank and county pinned
W = WIDTHS_EN if en else WIDTHS
column_config = {
    "rank": st.column_config.NumberColumn(**ui.header("排名"), format="%d", width=W["rank"], pinned=True),
    "county": st.column_config.TextColumn(**ui.header("县（市、区）"), width=80, pinned=True),
    "composite": st.column_config.NumberColumn(**ui.header("综合得分"), format="%.1f", width=W["composite"]),
    "change": st.column_config.TextColumn(**ui.header("排名变化", "与上周名次相比"), width=W["change"]),
    "light": st.column_config.TextColumn(**ui.header("进度预警", "综合得分与序时进度相比"), width=W["light"]),
    "trend": st.column_config.LineChartColumn(
        **ui.header("走势", "各周综合得分"), y_min=0, y_max=100, width=W["trend"]
    ),
    **{
        d: st.column_config.NumberColumn(
            **ui.header(DIMENSION_LABELS[d], "按该方面的进度预警着色"), format="%.1f", width=W[d]
        )
        for d in DIMENSIONS
    },
    "gradient": st.column_config.NumberColumn(**ui.header("温差"), format="%.1f", width=W["gradient"]),
    "cold_bottom": st.column_config.TextColumn(**ui.header("上热下冷"), width=W["cold_bottom"]),
    "status": st.column_config.TextColumn(**ui.header("报送"), width=W["status"]),
    "profile": st.column_config.LinkColumn(**ui.header("画像"), display_text=t("打开"), width=W["profile"]),
}
with st.container(key="screen_only_ranking"):
    event = st.dataframe(
        ui.styled(table, lights=["light"], lit_by=area_lights),
        hide_index=True,
        width="stretch",
        placeholder="",
        height=35 * (len(table) + 1) + 3,
        on_select="rerun",
        selection_mode="single-row",
        key="ranking",
        column_config=column_config,
    )
    st.caption(
        t(
            "点击一行打开该县（市、区）的县域画像。四个方面的得分按各自的进度预警着色，红色格即“方面红灯”。"
            "未报送的县（市、区）列在最后，不参加排名。"
        )
    )
    ui.window_caption(status, len(table))
ui.open_profile_on_select(event, table, week)
ui.print_table(
    table.drop(columns=["trend", "profile"]).rename(
        columns={
            "rank": t("排名"),
            "county": t("县（市、区）"),
            "composite": t("综合得分"),
            "change": t("排名变化"),
            "light": t("进度预警"),
            **{d: t(DIMENSION_LABELS[d]) for d in DIMENSIONS},
            "gradient": t("温差"),
            "cold_bottom": t("上热下冷"),
            "status": t("报送"),
        }
    ),
    "ranking",
    lights=[t("进度预警")],
    lit_by={t(DIMENSION_LABELS[d]): area_lights[d] for d in DIMENSIONS},
)

left, right = st.columns([1, 1], gap="large")
with left:
    st.subheader(t("预警提示"))
    with st.container(border=True):
        missing = list(data["not_submitted"]) + (
            [] if data["city_direct_submitted"] else [config.city_direct]
        )
        st.markdown(f"**{t('未报送')}**：" + (ui.names(missing) if missing else t("本周全部报送")))
        rejected = data["rejected"]
        listed(
            t("被退回的文件"),
            t("{n} 份", n=len(rejected)),
            rejected.assign(
                # a rejected file beside a valid version is no missing report
                resubmitted=rejected["resubmitted"].map({True: t("已有有效版本"), False: t("未重新报送")})
            )[["county", "file_name", "reason_en" if en else "reason", "resubmitted"]],
            {
                "county": t("县（市、区）"),
                "file_name": t("文件"),
                "reason_en" if en else "reason": t("原因"),
                "resubmitted": t("状态"),
            },
        )
        if data["rejected_unknown_week"]:
            st.caption(
                t("另有 {n} 份被退回的文件无法识别统计周，见“数据报送”页。", n=data["rejected_unknown_week"])
            )
        late = data["late"]
        st.markdown(
            f"**{t('逾期报送')}**："
            + (
                "、".join(
                    ui.md(r.county)
                    + "（"
                    + (
                        t("{time} 报送", time=f"{r.submitted_at:%m-%d %H:%M}")
                        if pd.notna(r.submitted_at)
                        else t("逾期未报")
                    )
                    + "）"
                    for r in late.itertuples()
                )
                if len(late)
                else t("无")
            )
        )
        if len(late):
            st.caption(
                t(
                    "截止时间：{deadline}（config.toml [deadlines] submission）。",
                    deadline=deadline_name(late["deadline"].iloc[0], en),
                )
            )
        overdue = data["overdue"]
        listed(
            t("逾期未完成"),
            t("{n} 个单位次", n=len(overdue)),
            overdue.assign(
                item=overdue["item"].map(t),
                deadline=overdue["deadline"].map(lambda d: month_day(d, ui.english())),
            )[["item", "county", "unit", "deadline"]],
            {"item": t("事项"), "county": t("县（市、区）"), "unit": t("单位"), "deadline": t("截止日期")},
        )
with right:
    st.subheader(t("会议要点"))
    st.code(notes_text(data, config, ui.english()), language=None, wrap_lines=True)

# --- temperature -----------------------------------------------------------------------------------
st.subheader(t("温度分布（县（市、区）× 层级，综合得分）"))
ui.chart(
    "county_level_heatmap",
    data["levels"],
    data["city_profile"],
    "composite",
    highlight=ui.highlight_from_url(),
    empty=t("本周还没有可计算的层级得分。"),
    on_phone={"phone": True},
)
hot, warm = config.temperature["hot"], config.temperature["warm"]
st.caption(
    t(
        "红色为热（≥{hot} 分），黄橙为温（{warm}～{hot} 分），蓝色为冷（<{warm} 分）；"
        "“全市”列把市直单位（市级）和各县（市、区）各层级合并计算。",
        hot=f"{hot:g}",
        warm=f"{warm:g}",
    )
)
