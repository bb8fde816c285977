"""The catalogue of the dashboard's chart builders: `ui.chart("name", ...)` draws `charts.name`.

Altair only (no Streamlit here, so tests can build and inspect them).

The shared colours, font and 序时进度 rule are in app/chart_style.py. An area's two bar charts take
the area, the week's 序时进度 and the picked-out county as one AreaWeek. Every builder takes `t`,
the labeler of the sidebar's English switch, for titles; data values (county and unit names) are
passed through as data, never as markup. Builders return None when there is
nothing to draw, so a page can say what is missing instead of showing an empty frame.
"""

from app.chart_style import AREA_COLORS, temperature_legend, temperature_scale
from app.charts_bars import AreaWeek, dimension_score_bars, gradient_bars, indicator_bars
from app.charts_temperature import (
    city_profile_bars,
    county_level_heatmap,
    level_area_heatmap,
    slope_small_multiples,
    temperature_heatmap,
)
from app.charts_trends import area_trend_lines, county_trend_lines, rank_history

__all__ = [
    "AREA_COLORS",
    "temperature_legend",
    "temperature_scale",
    "AreaWeek",
    "dimension_score_bars",
    "indicator_bars",
    "gradient_bars",
    "temperature_heatmap",
    "county_level_heatmap",
    "level_area_heatmap",
    "slope_small_multiples",
    "city_profile_bars",
    "county_trend_lines",
    "area_trend_lines",
    "rank_history",
]
