"""Altair chart builders of the dashboard (no Streamlit here, so tests can build and inspect them).

One palette for the four areas, one warm-to-cold scale for temperature (热 red, 温 yellow-orange,
冷 blue, with a visible step at the band edges), traffic colours for the progress lights. Every
builder takes `t`, the labeler of the sidebar's English switch, for titles; data values (county
and unit names) are passed through as data, never as markup. Builders return None when there is
nothing to draw, so a page can say what is missing instead of showing an empty frame.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from app.labels import Labeler
from etl.config import DIMENSION_LABELS, DIMENSIONS, LEVELS, default_config

AREA_COLORS = {
    "study": "#1B9E77",
    "research": "#7570B3",
    "development": "#D95F02",
    "rectification": "#E7298A",
    "composite": "#37474F",
}
LIGHT_MARK_COLORS = {"绿": "#2E9E44", "黄": "#E8B500", "红": "#D62728"}
FLAG_COLOR, NEUTRAL_COLOR, PROGRESS_COLOR = "#B2182B", "#9E9E9E", "#212121"
FONT = "Noto Sans CJK SC, Source Han Sans SC, Microsoft YaHei, PingFang SC, sans-serif"


def _identity(s: str) -> str:
    return s


def temperature_scale(hot: float | None = None, warm: float | None = None) -> alt.Scale:
    """Warm-to-cold: blues below `warm` (冷), yellow to orange up to `hot` (温), reds above (热).
    The colour jumps at the band edges so a band change is visible, and varies within a band."""
    temp = default_config().temperature
    hot = float(temp["hot"] if hot is None else hot)
    warm = float(temp["warm"] if warm is None else warm)
    return alt.Scale(
        domain=[0, warm - 0.05, warm, hot - 0.05, hot, 100],
        range=["#2166AC", "#A6CEE3", "#FEE08B", "#FDAE61", "#F46D43", "#A50026"],
        clamp=True,
    )


def temperature_legend(
    title: str, hot: float | None = None, warm: float | None = None, t: Labeler = _identity, length: int = 320
) -> alt.Legend:
    temp = default_config().temperature
    hot = float(temp["hot"] if hot is None else hot)
    warm = float(temp["warm"] if warm is None else warm)
    return alt.Legend(
        title=title,
        values=[0, warm, hot, 100],
        orient="bottom",
        direction="horizontal",
        gradientLength=length,
        gradientThickness=12,
        labelOverlap=False,
        labelExpr=(
            f"datum.value >= {hot} && datum.value < 100 ? '{t('热')} ≥{hot:g}' : "
            f"datum.value >= {warm} && datum.value < {hot} ? '{t('温')} ≥{warm:g}' : "
            f"datum.value < {warm} ? '{t('冷')} <{warm:g}' : ''"
        ),
    )


def _config(chart, fit_width: bool = True):
    # fit-x: the width follows the page, the height is the plot's own (Streamlit's default "fit"
    # would squeeze axes and legends into the given height and flatten the bars)
    chart = chart.properties(
        autosize=alt.AutoSizeParams(type="fit-x" if fit_width else "pad", contains="padding")
    )
    return (
        chart.configure(font=FONT)
        .configure_axis(labelFontSize=12, titleFontSize=13)
        .configure_legend(labelFontSize=12, titleFontSize=12)
        .configure_view(stroke=None)
    )


def _floats(df: pd.DataFrame, cols) -> pd.DataFrame:
    """Nullable pandas columns as plain floats (NaN), which Vega-Lite reads as missing."""
    df = df.copy()
    for c in cols:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    return df


def _progress_rule(progress: float, t: Labeler, axis: str = "x", max_value: float = 100):
    data = pd.DataFrame({"v": [round(progress, 1)], "label": [f"{t('序时进度')} {progress:.1f}%"]})
    enc = alt.X("v:Q") if axis == "x" else alt.Y("v:Q")
    rule = (
        alt.Chart(data)
        .mark_rule(color=PROGRESS_COLOR, strokeDash=[6, 4], strokeWidth=1.5)
        .encode(enc, tooltip=[alt.Tooltip("label:N", title=t("序时进度"))])
    )
    # past the middle the label goes left of the line: on a narrow chart it would run off the right
    left = axis == "x" and progress > max_value / 2
    text = (
        alt.Chart(data)
        .mark_text(
            align="right" if left else "left",
            dx=-4 if left else 4,
            dy=-6 if axis == "x" else -8,
            fontSize=11,
            color=PROGRESS_COLOR,
        )
        .encode(enc, text="label:N", **({"y": alt.value(0)} if axis == "x" else {"x": alt.value(0)}))
    )
    return rule + text


# --- bars -----------------------------------------------------------------------------------------


def score_bars(
    df: pd.DataFrame,
    progress: float,
    color: str,
    t: Labeler = _identity,
    value: str = "score",
    value_title: str = "得分",
    highlight: str | None = None,
    light: str | None = "light",
    title: str | None = None,
    height_per_bar: int = 26,
    width: int | str = "container",
    tooltip_extra: list | None = None,
):
    """Counties as horizontal bars sorted high to low, the 序时进度 as a dashed line, the value at the
    bar's end and, when `light` names a column, the progress light as a coloured dot after it."""
    df = _floats(df[df[value].notna()], [value])
    if df.empty:
        return None
    df["text"] = df[value].map(lambda v: f"{v:.1f}")
    if light and light in df.columns:
        df[light] = df[light].map(lambda v: t(v) if isinstance(v, str) else None)
    # an explicit order: the light dots have no x field, so "-x" would conflict across layers
    order = df.sort_values(value, ascending=False, kind="stable")["county"].tolist()
    y = alt.Y(
        "county:N", sort=order, title=t("县（市、区）"), axis=alt.Axis(labelLimit=140, labelOverlap=False)
    )
    x_max = max(100.0, float(df[value].max()))
    x = alt.X(
        f"{value}:Q",
        title=t(value_title),
        scale=alt.Scale(domain=[0, x_max + 12]),
        axis=alt.Axis(values=list(range(0, int(x_max) + 1, 20))),
    )
    tips = [
        alt.Tooltip("county:N", title=t("县（市、区）")),
        alt.Tooltip(f"{value}:Q", title=t(value_title), format=".1f"),
    ] + (tooltip_extra or [])
    if light and light in df.columns:
        tips.append(alt.Tooltip(f"{light}:N", title=t("进度预警")))
    opacity = (
        alt.condition(alt.datum.county == highlight, alt.value(1.0), alt.value(0.45))
        if highlight
        else alt.value(0.9)
    )
    base = alt.Chart(df)
    bars = base.mark_bar(color=color, cornerRadiusEnd=2).encode(y=y, x=x, opacity=opacity, tooltip=tips)
    # the value at the bar's end, on a white halo so the dashed 序时进度 line never runs through it
    label = dict(align="left", dx=4, fontSize=12)
    halo = base.mark_text(**label, stroke="white", strokeWidth=4, strokeJoin="round").encode(
        y=y, x=x, text="text:N"
    )
    text = base.mark_text(**label, color="#212121").encode(y=y, x=x, text="text:N")
    layers = [bars, _progress_rule(progress, t), halo, text]
    if light and light in df.columns:
        dots = (
            base.transform_filter(alt.datum[light] != None)  # noqa: E711 (a Vega expression)
            .mark_circle(size=110)
            .encode(
                y=y,
                x=alt.value(0),
                xOffset=alt.value(-8),
                color=alt.Color(
                    f"{light}:N",
                    scale=alt.Scale(
                        domain=[t(k) for k in LIGHT_MARK_COLORS], range=list(LIGHT_MARK_COLORS.values())
                    ),
                    legend=alt.Legend(title=t("进度预警"), orient="bottom"),
                ),
                tooltip=tips,
            )
        )
        layers.append(dots)
    chart = alt.layer(*layers).properties(height=max(len(df) * height_per_bar, 80), width=width)
    if title:
        chart = chart.properties(title=title)
    return chart


def dimension_score_bars(
    ranking: pd.DataFrame,
    dimension: str,
    progress: float,
    t: Labeler = _identity,
    highlight: str | None = None,
):
    df = ranking[["county", "score", "light", "rank"]].copy()
    return (
        _config(
            score_bars(
                df,
                progress,
                AREA_COLORS[dimension],
                t,
                highlight=highlight,
                value_title=DIMENSION_LABELS[dimension],
            )
        )
        if df["score"].notna().any()
        else None
    )


def indicator_bars(
    indicators: pd.DataFrame,
    dimension: str,
    progress: float,
    t: Labeler = _identity,
    highlight: str | None = None,
    columns: int = 3,
    width: int = 300,
):
    """Each indicator's completion rate (%) by county, sorted high to low within its own panel, with
    the 序时进度 line: one faceted spec (small multiples), which Altair builds much faster than a
    concatenation of layered charts. On a phone: one panel a row, `width` narrower."""
    df = _floats(indicators.dropna(subset=["percent"]), ["percent", "achieved", "target"])
    if df.empty:
        return None
    df["progress"] = round(progress, 1)
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
    opacity = (
        alt.condition(alt.datum.county == highlight, alt.value(1.0), alt.value(0.45))
        if highlight
        else alt.value(0.9)
    )
    base = alt.Chart()
    bars = base.mark_bar(color=AREA_COLORS[dimension]).encode(y=y, x=x, opacity=opacity, tooltip=tips)
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
    return _config(chart, fit_width=False)


def gradient_bars(ranking: pd.DataFrame, flag: float, t: Labeler = _identity):
    """温差 of every county sorted high to low; the 上热下冷 counties in red, the flag as a line."""
    df = _floats(ranking[["county", "gradient", "cold_bottom"]].dropna(subset=["gradient"]), ["gradient"])
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
    return _config(
        alt.layer(bars, text, rule, rule_text).properties(height=max(26 * len(df), 80), width="container")
    )


# --- temperature -----------------------------------------------------------------------------------


def temperature_heatmap(
    levels: pd.DataFrame,
    t: Labeler = _identity,
    columns: list[str] | None = None,
    x: str = "county",
    x_title: str = "县（市、区）",
    value: str = "shown",
    highlight: str | None = None,
    cell_height: int = 44,
    max_width: int = 780,
    phone: bool = False,
    blank: str | None = None,
):
    """Scores as a heat map, levels top (市级) to bottom (村级), warm colours hot and blue cold, the
    score and band written in every cell. `levels` is long: x, level, shown (and light, band).
    phone: turned a quarter (levels across, counties down) so that it fits a 390-px screen.
    blank: written in grey in a cell without a score (不适用), instead of leaving a hole."""
    df = levels[levels[value].notna()].copy()
    if df.empty:
        return None
    df = _floats(df, [value])
    df["text"] = df[value].map(lambda v: f"{v:.1f}")
    order = columns or list(dict.fromkeys(df[x]))
    present = [t(lv) for lv in LEVELS if lv in set(df["level"])]
    df["level"] = df["level"].map(t)  # level names are labels: glossed with the switch on
    tips = [
        alt.Tooltip(f"{x}:N", title=t(x_title)),
        alt.Tooltip("level:N", title=t("层级")),
        alt.Tooltip(f"{value}:Q", title=t("得分"), format=".1f"),
    ]
    for col, title in (("band", "温度"), ("light", "进度预警")):
        if col in df.columns:
            tips.append(alt.Tooltip(f"{col}:N", title=t(title)))
    enc_x = alt.X(
        f"{x}:N",
        sort=order,
        title=t(x_title),
        axis=alt.Axis(
            orient="top",
            labelAngle=0,
            labelLimit=120,
            labelOverlap=False,
            labelFlush=False,
            labelAlign="center",
        ),
    )
    enc_y = alt.Y("level:N", sort=present, title=t("层级"), axis=alt.Axis(labelLimit=220))
    if phone:
        # a glossed level on two lines (乡镇级 / Township level): side by side they overprint
        two_lines = (
            "indexof(datum.label, ' ') > 0 ? [substring(datum.label, 0, indexof(datum.label, ' ')), "
            "substring(datum.label, indexof(datum.label, ' ') + 1)] : datum.label"
        )
        enc_x = alt.X(
            "level:N",
            sort=present,
            title=None,
            axis=alt.Axis(orient="top", labelAngle=0, labelExpr=two_lines, labelLimit=84, labelPadding=4),
        )
        enc_y = alt.Y(f"{x}:N", sort=order, title=None, axis=alt.Axis(labelLimit=90, labelOverlap=False))
    base = alt.Chart(df)
    stroke = (
        alt.condition(alt.datum[x] == highlight, alt.value("#212121"), alt.value("white"))
        if highlight
        else alt.value("white")
    )
    rect = base.mark_rect(strokeWidth=2).encode(
        x=enc_x,
        y=enc_y,
        stroke=stroke,
        tooltip=tips,
        color=alt.Color(
            f"{value}:Q",
            scale=temperature_scale(),
            legend=temperature_legend(t("温度"), t=t, length=230 if phone else 320),
        ),
    )
    text = base.mark_text(fontSize=13).encode(
        x=enc_x,
        y=enc_y,
        text="text:N",
        color=alt.condition(
            f"datum.{value} < 30 || datum.{value} >= 93", alt.value("white"), alt.value("#212121")
        ),
    )
    chart = rect + text
    if blank:
        have = set(zip(df[x], df["level"]))
        holes = pd.DataFrame(
            [(c, lv) for lv in present for c in order if (c, lv) not in have], columns=[x, "level"]
        ).assign(text=blank)
        if len(holes):
            hole = alt.Chart(holes)
            chart = (
                chart
                + hole.mark_rect(color="#EEEEEE", stroke="white", strokeWidth=2).encode(x=enc_x, y=enc_y)
                + hole.mark_text(fontSize=12, color="#757575").encode(x=enc_x, y=enc_y, text="text:N")
            )
    if phone:
        return _config(chart.properties(height=32 * len(order), width=alt.Step(84)), fit_width=False)
    # a fixed step per column: a band scale does not stretch reliably to the container in Streamlit
    step = max(44, min(110, max_width // max(len(order), 1)))
    return _config(chart.properties(height=cell_height * len(present), width=alt.Step(step)), fit_width=False)


def county_level_heatmap(
    levels: pd.DataFrame,
    city_profile: pd.DataFrame | None,
    dimension: str,
    t: Labeler = _identity,
    highlight: str | None = None,
    city_label: str = "全市",
    max_width: int = 780,
    phone: bool = False,
):
    """County × level of one dimension, the city profile as a last column (its 市级 from 市直单位)."""
    city_label = t(city_label)  # 全市 on every page (#18 item 4), with its English when switched on
    df = levels[levels["dimension"] == dimension][["county", "level", "shown", "band", "light"]]
    config = default_config()
    df = df[df["county"] != config.city_direct]
    cols = [c for c in config.counties if c in set(df["county"])]
    if city_profile is not None and len(city_profile):
        cp = city_profile[city_profile["level"].isin(LEVELS)][["level", dimension]].rename(
            columns={dimension: "shown"}
        )
        cp = cp.assign(county=city_label, band=None, light=None).dropna(subset=["shown"])
        if len(cp):
            df = pd.concat([df, cp[["county", "level", "shown", "band", "light"]]], ignore_index=True)
            cols.append(city_label)
    return temperature_heatmap(df, t, columns=cols, highlight=highlight, max_width=max_width, phone=phone)


def level_area_heatmap(levels: pd.DataFrame, t: Labeler = _identity):
    """One county: levels (rows, 市级 top) × the four areas and the composite (columns)."""
    df = levels.copy()
    if df.empty:
        return None
    df["area"] = df["dimension"].map(lambda d: t(DIMENSION_LABELS[d]))
    cols = [t(DIMENSION_LABELS[d]) for d in (*DIMENSIONS, "composite")]
    # half the page wide on the profile: five columns of 70 px and the level labels fit a 1366 px screen;
    # a level an area does not apply to says so (#18 item 13)
    return temperature_heatmap(
        df, t, columns=cols, x="area", x_title="方面", cell_height=48, max_width=290, blank=t("不适用")
    )


def slope_small_multiples(
    levels: pd.DataFrame, flagged: set[str], t: Labeler = _identity, columns: int = 5, width: int = 140
):
    """Per county, the level composite from 县级 through 乡镇级 to 村级: a falling line is a cold bottom.
    The 上热下冷 counties are drawn red."""
    df = levels[(levels["dimension"] == "composite") & levels["level"].isin(LEVELS[1:])][
        ["county", "level", "shown", "band"]
    ].dropna(subset=["shown"])
    config = default_config()
    df = df[df["county"].isin(config.counties)]
    if df.empty:
        return None
    df = _floats(df, ["shown"])
    df["flag"] = df["county"].isin(flagged).map({True: t("上热下冷"), False: t("其他")})
    df["level"] = df["level"].map(t)
    x = alt.X("level:N", sort=[t(lv) for lv in LEVELS[1:]], title=None, axis=alt.Axis(labelAngle=0))
    y = alt.Y("shown:Q", title=t("综合得分"), scale=alt.Scale(domain=[0, 100]))
    color = alt.Color(
        "flag:N",
        scale=alt.Scale(domain=[t("上热下冷"), t("其他")], range=[FLAG_COLOR, NEUTRAL_COLOR]),
        legend=alt.Legend(title=t("状态"), orient="bottom"),
    )
    tips = [
        alt.Tooltip("county:N", title=t("县（市、区）")),
        alt.Tooltip("level:N", title=t("层级")),
        alt.Tooltip("shown:Q", title=t("综合得分"), format=".1f"),
        alt.Tooltip("band:N", title=t("温度")),
    ]
    base = alt.Chart()
    line = base.mark_line(strokeWidth=2.5).encode(x=x, y=y, color=color)
    points = base.mark_circle(size=70, opacity=1).encode(
        x=x,
        y=y,
        tooltip=tips,
        fill=alt.Color("shown:Q", scale=temperature_scale(), legend=None),
        stroke=alt.value("#424242"),
    )
    text = base.mark_text(dy=-10, fontSize=11).encode(x=x, y=y, text=alt.Text("shown:Q", format=".1f"))
    order = [c for c in config.counties if c in set(df["county"])]
    chart = (
        alt.layer(line, points, text, data=df)
        .properties(width=width, height=140)
        .facet(
            facet=alt.Facet("county:N", sort=order, title=None, header=alt.Header(labelFontSize=13)),
            columns=columns,
        )
        # each small chart draws its own level axis: a shared one was drawn under the empty slot of
        # the last row too, which read as a tenth, empty chart (#18 item 13)
        .resolve_axis(x="independent")
    )
    return _config(chart, fit_width=False)


def city_profile_bars(profile: pd.DataFrame, t: Labeler = _identity, city: str = "全市"):
    """The city profile: 市级 on top down to 村级, bars in the temperature colours, the whole city as a line."""
    df = profile[profile["level"].isin(LEVELS)].dropna(subset=["composite"])
    if df.empty:
        return None
    df = _floats(df, ["composite"])
    df["level"] = df["level"].map(t)
    y = alt.Y("level:N", sort=[t(lv) for lv in LEVELS], title=t("层级"))
    x = alt.X("composite:Q", title=t("综合得分"), scale=alt.Scale(domain=[0, 100]))
    tips = [
        alt.Tooltip("level:N", title=t("层级")),
        alt.Tooltip("composite:Q", title=t("综合得分"), format=".1f"),
        alt.Tooltip("band:N", title=t("温度")),
    ] + [
        alt.Tooltip(f"{d}:Q", title=t(DIMENSION_LABELS[d]), format=".1f")
        for d in DIMENSIONS
        if d in df.columns
    ]
    base = alt.Chart(df)
    bars = base.mark_bar(height=30).encode(
        y=y, x=x, tooltip=tips, color=alt.Color("composite:Q", scale=temperature_scale(), legend=None)
    )
    text = base.mark_text(align="left", dx=4, fontSize=13).encode(
        y=y, x=x, text=alt.Text("composite:Q", format=".1f")
    )
    layers = [bars, text]
    whole = profile[profile["level"] == "全市"]["composite"]
    if len(whole) and pd.notna(whole.iloc[0]):
        v = float(whole.iloc[0])
        rd = pd.DataFrame({"v": [v], "label": [f"{t(city)} {v:.1f}"]})
        layers += [
            alt.Chart(rd).mark_rule(strokeDash=[4, 3], color=PROGRESS_COLOR).encode(x="v:Q"),
            alt.Chart(rd)
            .mark_text(align="left", dx=4, dy=-6)
            .encode(x="v:Q", y=alt.value(0), text="label:N"),
        ]
    return _config(alt.layer(*layers).properties(height=48 * len(df), width="container"))


# --- trends ----------------------------------------------------------------------------------------


def county_trend_lines(
    trend: pd.DataFrame,
    progress: pd.DataFrame,
    t: Labeler = _identity,
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
    df = _floats(trend, ["score"])
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
    return _config(alt.layer(lines, prog_line).properties(height=340, width="container"))


def _progress_line(progress: pd.DataFrame, x, t: Labeler):
    """序时进度 over the weeks, dashed: the line every trend is read against."""
    prog = _floats(progress, ["expected_progress"])
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


def area_trend_lines(scores: pd.DataFrame, progress: pd.DataFrame, t: Labeler = _identity):
    """One county's four area scores and composite per week, in the area colours, against 序时进度."""
    if scores.empty:
        return None
    df = _floats(scores, ["shown"])
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
    return _config(alt.layer(lines, prog_line).properties(height=320, width="container"))


def rank_history(ranks: pd.DataFrame, n_counties: int, t: Labeler = _identity):
    """The county's rank per week, 1 on top."""
    df = ranks.dropna(subset=["rank"])
    if df.empty:
        return None
    df = _floats(df, ["rank", "shown"])
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
    return _config((line + text).properties(height=260, width="container"))
