"""Charts over the weeks: counties' trends, one county's areas, its rank history."""

from __future__ import annotations

import altair as alt
import pandas as pd

from app.chart_style import (
    AREA_COLORS,
    PROGRESS_COLOR,
    floats,
    identity,
    styled,
)
from app.labels import Labeler
from etl.config import DIMENSION_LABELS, DIMENSIONS, default_config


def county_trend_lines(
    trend: pd.DataFrame,
    progress: pd.DataFrame,
    t: Labeler = identity,
    city: pd.DataFrame | None = None,
    highlight: str | None = None,
    value_title: str = "得分",
    city_label: str = "全市",
    phone: bool = False,
):
    """Every county's score per week, the city as a thick line, 序时进度 dashed; a legend click or
    the `highlight` county stands out. phone: the legend below the lines (beside them it leaves the
    lines a third of a 390-px screen)."""
    city_label = t(city_label)
    if trend.empty:
        return None
    df = floats(trend, ["score"])
    if city is not None and len(city):
        df = pd.concat(
            [
                df,
                pd.DataFrame(
                    {"county": city_label, "week": city["week"], "score": city["shown"].astype("float64")}
                ),
            ],
            ignore_index=True,
        )
    config = default_config()
    order = [c for c in (*config.counties, city_label) if c in set(df["county"])]
    colors = alt.Scale(domain=order, range=_county_colors(order, city_label))
    pick = alt.selection_point(fields=["county"], bind="legend")
    base = alt.Chart(df)
    x = alt.X("week:N", title=t("统计周"), axis=alt.Axis(labelAngle=-45))
    y = alt.Y("score:Q", title=t(value_title), scale=alt.Scale(domain=[0, 100]))
    if highlight:
        emphasis = alt.condition(alt.datum.county == highlight, alt.value(1.0), alt.value(0.25))
    else:
        emphasis = alt.condition(pick, alt.value(1.0), alt.value(0.15))
    tips = [
        alt.Tooltip("county:N", title=t("县（市、区）")),
        alt.Tooltip("week:N", title=t("统计周")),
        alt.Tooltip("score:Q", title=t(value_title), format=".1f"),
    ]
    lines = (
        base.mark_line(point=True)
        .encode(
            x=x,
            y=y,
            color=alt.Color(
                "county:N",
                scale=colors,
                title=t("县（市、区）"),
                legend=alt.Legend(orient="bottom", columns=3) if phone else alt.Legend(),
            ),
            opacity=emphasis,
            strokeWidth=alt.condition(alt.datum.county == city_label, alt.value(4), alt.value(2)),
            tooltip=tips,
        )
        .add_params(pick)
    )
    prog_line = _progress_line(progress, x, t)
    return styled(alt.layer(lines, prog_line).properties(height=340, width="container"))


def _progress_line(progress: pd.DataFrame, x, t: Labeler):
    """序时进度 over the weeks, dashed: the line every trend is read against."""
    prog = floats(progress, ["expected_progress"])
    return (
        alt.Chart(prog)
        .mark_line(strokeDash=[6, 4], color=PROGRESS_COLOR)
        .encode(
            x=x,
            y="expected_progress:Q",
            tooltip=[
                alt.Tooltip("week:N", title=t("统计周")),
                alt.Tooltip("expected_progress:Q", title=t("序时进度"), format=".1f"),
            ],
        )
    )


def _county_colors(order: list[str], city_label: str) -> list[str]:
    palette = [
        "#4E79A7",
        "#F28E2B",
        "#59A14F",
        "#E15759",
        "#76B7B2",
        "#EDC948",
        "#B07AA1",
        "#FF9DA7",
        "#9C755F",
        "#BAB0AC",
    ]
    out, i = [], 0
    for c in order:
        if c == city_label:
            out.append("#212121")
        else:
            out.append(palette[i % len(palette)])
            i += 1
    return out


def area_trend_lines(scores: pd.DataFrame, progress: pd.DataFrame, t: Labeler = identity):
    """One county's four area scores and composite per week, in the area colours, against 序时进度."""
    if scores.empty:
        return None
    df = floats(scores, ["shown"])
    df["area"] = df["dimension"].map(lambda d: t(DIMENSION_LABELS[d]))
    order = [t(DIMENSION_LABELS[d]) for d in ("composite", *DIMENSIONS)]
    colors = alt.Scale(domain=order, range=[AREA_COLORS[d] for d in ("composite", *DIMENSIONS)])
    x = alt.X("week:N", title=t("统计周"), axis=alt.Axis(labelAngle=-45))
    y = alt.Y("shown:Q", title=t("得分"), scale=alt.Scale(domain=[0, 100]))
    tips = [
        alt.Tooltip("area:N", title=t("方面")),
        alt.Tooltip("week:N", title=t("统计周")),
        alt.Tooltip("shown:Q", title=t("得分"), format=".1f"),
        alt.Tooltip("light:N", title=t("进度预警")),
    ]
    lines = (
        alt.Chart(df)
        .mark_line(point=True)
        .encode(
            x=x,
            y=y,
            color=alt.Color("area:N", scale=colors, sort=order, title=t("方面")),
            strokeWidth=alt.condition(alt.datum.dimension == "composite", alt.value(4), alt.value(2)),
            tooltip=tips,
        )
    )
    prog_line = _progress_line(progress, x, t)
    return styled(alt.layer(lines, prog_line).properties(height=320, width="container"))


def rank_history(ranks: pd.DataFrame, n_counties: int, t: Labeler = identity):
    """The county's rank per week, 1 on top."""
    df = ranks.dropna(subset=["rank"])
    if df.empty:
        return None
    df = floats(df, ["rank", "shown"])
    x = alt.X("week:N", title=t("统计周"), axis=alt.Axis(labelAngle=-45))
    y = alt.Y(
        "rank:Q",
        title=t("名次"),
        scale=alt.Scale(domain=[1, max(n_counties, int(df["rank"].max()))], reverse=True, nice=False),
        axis=alt.Axis(tickMinStep=1, format="d"),
    )
    tips = [
        alt.Tooltip("week:N", title=t("统计周")),
        alt.Tooltip("rank:Q", title=t("排名"), format="d"),
        alt.Tooltip("shown:Q", title=t("综合得分"), format=".1f"),
    ]
    base = alt.Chart(df)
    line = base.mark_line(point=alt.OverlayMarkDef(size=60), color=AREA_COLORS["composite"]).encode(
        x=x, y=y, tooltip=tips
    )
    text = base.mark_text(dy=-12, fontSize=12).encode(x=x, y=y, text=alt.Text("rank:Q", format="d"))
    return styled((line + text).properties(height=260, width="container"))
