"""The shared encodings of the dashboard's charts: one palette for the four areas, one warm-to-cold
scale for temperature (热 red, 温 yellow-orange, 冷 blue, with a visible step at the band edges),
traffic colours for the progress lights, the CJK font, the 序时进度 rule, and the finishing
`styled` every builder returns through.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from app.labels import Labeler
from etl.config import default_config

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


def identity(s: str) -> str:
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
    title: str, hot: float | None = None, warm: float | None = None, t: Labeler = identity, length: int = 320
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


def styled(chart, fit_width: bool = True):
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


def floats(df: pd.DataFrame, cols) -> pd.DataFrame:
    """Nullable pandas columns as plain floats (NaN), which Vega-Lite reads as missing."""
    df = df.copy()
    for c in cols:
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    return df


def progress_rule(progress: float, t: Labeler, axis: str = "x", max_value: float = 100):
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
