"""The temperature charts (上热中温下冷): heat maps of levels, slopes, the city profile."""

from __future__ import annotations

import altair as alt
import pandas as pd

from app.chart_style import (
    FLAG_COLOR,
    NEUTRAL_COLOR,
    PROGRESS_COLOR,
    floats,
    identity,
    styled,
    temperature_legend,
    temperature_scale,
)
from app.labels import Labeler
from etl.config import DIMENSION_LABELS, DIMENSIONS, LEVELS, default_config

# a glossed level on two lines (乡镇级 / Township level): Vega-Lite splits a label given as a list
TWO_LINES = (
    "indexof(datum.label, ' ') > 0 ? [substring(datum.label, 0, indexof(datum.label, ' ')), "
    "substring(datum.label, indexof(datum.label, ' ') + 1)] : datum.label"
)


def temperature_heatmap(
    levels: pd.DataFrame,
    t: Labeler = identity,
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
    df = floats(df, [value])
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
    # a narrow map (an area page's half column): glossed level names on two lines, no axis title
    narrow = max_width < 600
    # a fixed step per column: a band scale does not stretch reliably to the container in Streamlit;
    # glossed level names (「乡镇级 Township level」) take width from the cells, not beyond max_width
    lines = [part for lv in present for part in (lv.split(" ", 1) if narrow else [lv])]
    label_px = max((sum(13 if ord(ch) > 0x2E80 else 7 for ch in line) for line in lines), default=0)
    if narrow:  # max_width is the whole map's, level names included
        step = max(34, min(110, (max_width - label_px - 20) // max(len(order), 1)))
    else:
        step = max(44, min(110, (max_width - max(0, label_px - 60)) // max(len(order), 1)))
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
            labelFontSize=10 if step < 40 else 11,  # three characters per narrow cell
        ),
    )
    enc_y = alt.Y(
        "level:N",
        sort=present,
        title=None if narrow else t("层级"),
        axis=alt.Axis(labelLimit=220, **({"labelExpr": TWO_LINES} if narrow else {})),
    )
    if phone:
        two_lines = TWO_LINES
        enc_x = alt.X(
            "level:N",
            sort=present,
            title=None,
            axis=alt.Axis(
                orient="top",
                labelAngle=0,
                labelExpr=two_lines,
                labelLimit=84,
                labelPadding=18,  # room for the second line above the cells (lines stack downwards)
                labelFontSize=10,
                labelOverlap=False,
            ),
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
        return styled(chart.properties(height=32 * len(order), width=alt.Step(92)), fit_width=False)
    return styled(chart.properties(height=cell_height * len(present), width=alt.Step(step)), fit_width=False)


def county_level_heatmap(
    levels: pd.DataFrame,
    city_profile: pd.DataFrame | None,
    dimension: str,
    t: Labeler = identity,
    highlight: str | None = None,
    city_label: str = "全市",
    max_width: int = 780,
    phone: bool = False,
):
    """County × level of one dimension, the city profile as a last column (its 市级 from 市直单位)."""
    city_label = t(city_label)  # 全市 on every page, with its English when switched on
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


def level_area_heatmap(levels: pd.DataFrame, t: Labeler = identity):
    """One county: levels (rows, 市级 top) × the four areas and the composite (columns)."""
    df = levels.copy()
    if df.empty:
        return None
    df["area"] = df["dimension"].map(lambda d: t(DIMENSION_LABELS[d]))
    cols = [t(DIMENSION_LABELS[d]) for d in (*DIMENSIONS, "composite")]
    # half the page wide on the profile: five columns of 70 px and the level labels fit a 1366 px screen;
    # a level an area does not apply to says so
    return temperature_heatmap(
        df, t, columns=cols, x="area", x_title="方面", cell_height=48, max_width=290, blank=t("不适用")
    )


def slope_small_multiples(
    levels: pd.DataFrame, flagged: set[str], t: Labeler = identity, columns: int = 5, width: int = 140
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
    df = floats(df, ["shown"])
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
        # the last row too, which read as a tenth, empty chart
        .resolve_axis(x="independent")
    )
    return styled(chart, fit_width=False)


def city_profile_bars(profile: pd.DataFrame, t: Labeler = identity, city: str = "全市"):
    """The city profile: 市级 on top down to 村级, bars in the temperature colours, the whole city as a line."""
    df = profile[profile["level"].isin(LEVELS)].dropna(subset=["composite"])
    if df.empty:
        return None
    df = floats(df, ["composite"])
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
    return styled(alt.layer(*layers).properties(height=48 * len(df), width="container"))
