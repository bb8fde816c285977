"""The chart builders (app/charts.py) and the page queries (app/page_data.py) without Streamlit: valid
Vega-Lite, Chinese titles, exact numbers in tooltips, one palette, nothing drawn from nothing."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from app import charts, page_data
from app.labels import labeler
from etl.config import DIMENSIONS
from etl.warehouse_reader import reader

WEEK = "2023-W49"


@pytest.fixture(scope="module")
def data(demo_db):
    with reader(demo_db) as con:
        return {
            "overview": page_data.overview_data(con, WEEK),
            "study": page_data.dimension_data(con, WEEK, "study"),
            "temperature": page_data.temperature_data(con, WEEK),
            "county": page_data.county_data(con, "青河县", WEEK),
        }


def built(data):
    d, tp, c = data["study"], data["temperature"], data["county"]
    return {
        "score_bars": charts.dimension_score_bars(
            d["ranking"], charts.AreaWeek("study", d["expected_progress"])
        ),
        "indicator_bars": charts.indicator_bars(
            d["indicators"], charts.AreaWeek("study", d["expected_progress"])
        ),
        "gradient_bars": charts.gradient_bars(tp["ranking"], 15),
        "county_level_heatmap": charts.county_level_heatmap(tp["levels"], tp["city_profile"], "composite"),
        "level_area_heatmap": charts.level_area_heatmap(c["levels"]),
        "slope": charts.slope_small_multiples(tp["composite_levels"], set(tp["flagged"]["county"])),
        "city_profile": charts.city_profile_bars(tp["city_profile"]),
        "trend": charts.county_trend_lines(d["trend"], d["progress"], city=d["city_trend"]),
        "area_trend": charts.area_trend_lines(c["scores"], c["progress"]),
        "rank_history": charts.rank_history(c["ranks"], 10),
    }


def test_every_chart_is_valid_vega_lite_with_chinese_titles(data):
    for name, chart in built(data).items():
        assert chart is not None, name
        spec = json.dumps(chart.to_dict(), ensure_ascii=False)  # validates against the schema
        assert "tooltip" in spec, name
        assert any(word in spec for word in ("县（市、区）", "层级", "统计周", "方面")), name


def test_tooltips_give_one_decimal(data):
    spec = json.dumps(built(data)["score_bars"].to_dict(), ensure_ascii=False)
    assert '"format": ".1f"' in spec


def test_area_palette_is_shared(data):
    spec = json.dumps(built(data)["score_bars"].to_dict())
    assert charts.AREA_COLORS["study"] in spec
    assert len(set(charts.AREA_COLORS.values())) == len(charts.AREA_COLORS)


def test_temperature_scale_hot_red_cold_blue():
    scale = charts.temperature_scale(hot=85, warm=60).to_dict()
    assert scale["domain"][0] == 0 and 60 in scale["domain"] and 85 in scale["domain"]
    assert scale["range"][0].startswith("#2") and scale["range"][-1] == "#A50026"  # blue … dark red


def test_english_titles(data):
    d = data["study"]
    spec = json.dumps(
        charts.dimension_score_bars(
            d["ranking"], charts.AreaWeek("study", d["expected_progress"]), t=labeler(True)
        ).to_dict(),
        ensure_ascii=False,
    )
    assert "序时进度 Expected progress" in spec and "县（市、区） County" in spec


def test_nothing_to_draw_gives_none():
    empty_rank = pd.DataFrame(
        {"county": [], "score": [], "light": [], "rank": [], "gradient": [], "cold_bottom": []}
    )
    assert charts.dimension_score_bars(empty_rank, charts.AreaWeek("study", 50.0)) is None
    assert charts.gradient_bars(empty_rank, 15) is None
    levels = pd.DataFrame(columns=["county", "level", "dimension", "shown", "band", "light"])
    assert charts.county_level_heatmap(levels, None, "composite") is None
    assert charts.rank_history(pd.DataFrame(columns=["week", "rank", "shown"]), 10) is None
    assert (
        charts.county_trend_lines(
            pd.DataFrame(columns=["county", "week", "score"]),
            pd.DataFrame(columns=["week", "expected_progress"]),
        )
        is None
    )


def test_queries_overview(data):
    o = data["overview"]
    assert o["not_submitted"] == ["西山区"]
    assert set(o["overdue"]["unit"]) == {
        "东湖民政局党组",
        "安平统计局党组",
        "东湖区委常委会",
        "青河司法局党组",
    }
    assert o["red_counties"] == ["东湖区"]
    assert o["city_composite"] is not None and o["prev_week"] == "2023-W48"


def test_queries_units_weakest_first(data):
    units = data["county"]["units"]
    assert units["composite"].is_monotonic_increasing
    assert set(units.columns) >= {"unit", "level", "composite", *DIMENSIONS, "weakest"}


def test_one_week_has_no_previous(one_week_db):
    with reader(one_week_db) as con:
        o = page_data.overview_data(con, "2023-W37")
    assert o["prev_week"] is None and o["prev_ranking"] is None
