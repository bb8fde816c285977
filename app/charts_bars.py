"""Bar charts of scores: counties ranked on one area, one county's indicators, the gradient."""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from app.chart_style import (
    AREA_COLORS,
    FLAG_COLOR,
    LIGHT_MARK_COLORS,
    NEUTRAL_COLOR,
    PROGRESS_COLOR,
    floats,
    identity,
    progress_rule,
    styled,
)
from app.labels import Labeler
from etl.config import DIMENSION_LABELS


@dataclass(frozen=True)
class AreaWeek:
    """What an area's bar charts are drawn against: the area (its colour and name; "composite" for the
    综合 ranking), the week's 序时进度, and the county picked out on the page (None: none)."""

    dimension: str
    progress: float
    highlight: str | None = None

    @property
    def color(self) -> str:
        return AREA_COLORS[self.dimension]

    @property
    def label(self) -> str:
        return DIMENSION_LABELS[self.dimension]

    def opacity(self):
        """The picked-out county's bars solid, the others faded."""
        if not self.highlight:
            return alt.value(0.9)
        return alt.condition(alt.datum.county == self.highlight, alt.value(1.0), alt.value(0.45))


def dimension_score_bars(ranking: pd.DataFrame, area: AreaWeek, t: Labeler = identity):
    """Counties as horizontal bars sorted high to low on one area, the 序时进度 as a dashed line, the
    score at the bar's end and the progress light as a coloured dot before the county's name."""
    df = floats(ranking.loc[ranking["score"].notna(), ["county", "score", "light", "rank"]], ["score"])
    if df.empty:
        return None
    df["text"] = df["score"].map(lambda v: f"{v:.1f}")
    df["light"] = df["light"].map(lambda v: t(v) if isinstance(v, str) else None)
    # an explicit order: the light dots have no x field, so "-x" would conflict across layers
    order = df.sort_values("score", ascending=False, kind="stable")["county"].tolist()
    y = alt.Y(
        "county:N", sort=order, title=t("县（市、区）"), axis=alt.Axis(labelLimit=140, labelOverlap=False)
    )
    x_max = max(100.0, float(df["score"].max()))
    x = alt.X(
        "score:Q",
        title=t(area.label),
        scale=alt.Scale(domain=[0, x_max + 12]),
        axis=alt.Axis(values=list(range(0, int(x_max) + 1, 20))),
    )
    tips = [
        alt.Tooltip("county:N", title=t("县（市、区）")),
        alt.Tooltip("score:Q", title=t(area.label), format=".1f"),
        alt.Tooltip("light:N", title=t("进度预警")),
    ]
    base = alt.Chart(df)
    bars = base.mark_bar(color=area.color, cornerRadiusEnd=2).encode(
        y=y, x=x, opacity=area.opacity(), tooltip=tips
    )
    # the value at the bar's end, on a white halo so the dashed 序时进度 line never runs through it
    label = dict(align="left", dx=4, fontSize=12)
    halo = base.mark_text(**label, stroke="white", strokeWidth=4, strokeJoin="round").encode(
        y=y, x=x, text="text:N"
    )
    text = base.mark_text(**label, color="#212121").encode(y=y, x=x, text="text:N")
    dots = (
        base.transform_filter(alt.datum["light"] != None)  # noqa: E711 (a Vega expression)
        .mark_circle(size=110)
        .encode(
            y=y,
            x=alt.value(0),
            xOffset=alt.value(-8),
            color=alt.Color(
                "light:N",
                scale=alt.Scale(
                    domain=[t(k) for k in LIGHT_MARK_COLORS], range=list(LIGHT_MARK_COLORS.values())
                ),
                legend=alt.Legend(title=t("进度预警"), orient="bottom"),
            ),
            tooltip=tips,
        )
    )
    chart = alt.layer(bars, progress_rule(area.progress, t), halo, text, dots)
    return styled(chart.properties(height=max(len(df) * 26, 80), width="container"))


def indicator_bars(
    indicators: pd.DataFrame, area: AreaWeek, t: Labeler = identity, columns: int = 3, width: int = 300
):
    """Each indicator's completion rate (%) by county, sorted high to low within its own panel, with
    the 序时进度 line: one faceted spec (small multiples), which Altair builds much faster than a
    concatenation of layered charts. On a phone: one panel a row, `width` narrower."""
    df = floats(indicators.dropna(subset=["percent"]), ["percent", "achieved", "target"])
    if df.empty:
        return None
    df["progress"] = round(area.progress, 1)
    df["text"] = df["percent"].map(lambda v: f"{v:.1f}")
    order = df.sort_values("sort_order")["label"].drop_duplicates().tolist()
    y = alt.Y(
        "county:N", sort="-x", title=None, axis=alt.Axis(labelLimit=100, labelOverlap=False, labelFontSize=11)
    )
    x = alt.X(
        "percent:Q",
        title=t("完成率") + " %",
        scale=alt.Scale(domain=[0, 112]),
        axis=alt.Axis(values=[0, 20, 40, 60, 80, 100]),
    )
    tips = [
        alt.Tooltip("label:N", title=t("指标")),
        alt.Tooltip("county:N", title=t("县（市、区）")),
        alt.Tooltip("percent:Q", title=t("完成率") + " %", format=".1f"),
        alt.Tooltip("achieved:Q", title=t("已完成"), format=",.0f"),
        alt.Tooltip("target:Q", title=t("目标"), format=",.0f"),
        alt.Tooltip("progress:Q", title=t("序时进度") + " %", format=".1f"),
    ]
    base = alt.Chart()
    bars = base.mark_bar(color=area.color).encode(y=y, x=x, opacity=area.opacity(), tooltip=tips)
    text = base.mark_text(align="left", dx=3, fontSize=11).encode(y=y, x=x, text="text:N")
    rule = base.mark_rule(color=PROGRESS_COLOR, strokeDash=[6, 4]).encode(x="progress:Q")
    n = df["county"].nunique()
    chart = (
        alt.layer(bars, text, rule, data=df)
        .properties(width=width, height=max(18 * n, 60))
        .facet(
            facet=alt.Facet(
                "label:N",
                sort=order,
                title=None,
                header=alt.Header(labelFontSize=14, labelFontWeight="bold", labelLimit=width + 100),
            ),
            columns=columns,
        )
        .resolve_scale(y="independent")
    )
    return styled(chart, fit_width=False)


def gradient_bars(ranking: pd.DataFrame, flag: float, t: Labeler = identity):
    """温差 of every county sorted high to low; the 上热下冷 counties in red, the flag as a line."""
    df = floats(ranking[["county", "gradient", "cold_bottom"]].dropna(subset=["gradient"]), ["gradient"])
    if df.empty:
        return None
    df["flag"] = df["cold_bottom"].map({True: t("上热下冷"), False: t("其他")})
    y = alt.Y("county:N", sort="-x", title=t("县（市、区）"))
    x = alt.X("gradient:Q", title=t("温差（县级 − 村级）"))
    tips = [
        alt.Tooltip("county:N", title=t("县（市、区）")),
        alt.Tooltip("gradient:Q", title=t("温差"), format=".1f"),
        alt.Tooltip("flag:N", title=t("状态")),
    ]
    base = alt.Chart(df)
    bars = base.mark_bar().encode(
        y=y,
        x=x,
        tooltip=tips,
        color=alt.condition(alt.datum.cold_bottom, alt.value(FLAG_COLOR), alt.value(NEUTRAL_COLOR)),
    )
    text = base.mark_text(align="left", dx=4, fontSize=12).encode(
        y=y, x=x, text=alt.Text("gradient:Q", format=".1f")
    )
    rule_data = pd.DataFrame({"v": [flag], "label": [f"{t('上热下冷')} ≥ {flag:g}"]})
    rule = alt.Chart(rule_data).mark_rule(color=FLAG_COLOR, strokeDash=[6, 4]).encode(x="v:Q")
    rule_text = (
        alt.Chart(rule_data)
        .mark_text(align="left", dx=4, dy=-6, color=FLAG_COLOR)
        .encode(x="v:Q", y=alt.value(0), text="label:N")
    )
    return styled(
        alt.layer(bars, text, rule, rule_text).properties(height=max(26 * len(df), 80), width="container")
    )
