"""etl.county_window: a page at national scale reads only the counties it draws (the top and bottom
of the listing, what a search finds, the county it names), while its counts stay over every county;
a province is its own window, so its pages read and show every county as before."""

from __future__ import annotations

import pytest

from app import page_data
from etl import county_window, scoring
from etl.county_window import Window
from etl.demo import run_demo
from etl.warehouse_reader import reader

WEEK = "2023-W38"


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("window")
    run_demo(tmp / "w.duckdb", tmp / "files", counties=5, units=6, until_week=WEEK, progress=False)
    return tmp / "w.duckdb"


def test_a_province_is_its_own_window(db):
    with reader(db) as con:
        listing = scoring.ranking(con, WEEK)["county"].tolist()
        assert county_window.counties(con, WEEK, "composite", Window.of()) == listing
        assert not county_window.limited(county_window.county_count(con))


def test_a_window_is_the_top_the_bottom_what_is_found_and_what_is_named(db):
    with reader(db) as con:
        listing = scoring.ranking(con, WEEK, by="study")["county"].tolist()
        assert len(listing) == 5
        edge = Window.of(edge=1)
        assert county_window.counties(con, WEEK, "study", edge) == [listing[0], listing[-1]]
        found = Window.of(f"  {listing[2][:2]} ", edge=1)  # a part of a name, spaces trimmed
        assert listing[2] in county_window.counties(con, WEEK, "study", found)
        named = Window.of(named=[listing[1], None], edge=1)
        assert county_window.counties(con, WEEK, "study", named) == listing[:2] + [listing[-1]]
        nothing = Window.of("no such county", edge=0)
        assert county_window.counties(con, WEEK, "study", nothing) == []


def test_a_search_text_is_bound_never_pasted(db):
    with reader(db) as con:
        text = "'; DROP TABLE submissions; --"
        assert county_window.counties(con, WEEK, "composite", Window.of(text, edge=0)) == []
        assert scoring.weeks_with_data(con)


def test_the_gradient_window_puts_the_coldest_bottoms_first(db):
    with reader(db) as con:
        grads = scoring.ranking(con, WEEK)[["county", "gradient"]].dropna()
        shown = county_window.counties(con, WEEK, "composite", Window.of(edge=1, order="gradient"))
        assert shown[0] == grads.sort_values("gradient", ascending=False)["county"].iloc[0]


def test_pages_in_a_window_read_only_its_counties_and_count_every_county(db):
    with reader(db) as con:
        full = page_data.overview_data(con, WEEK)
        whole = page_data.overview_data(con, WEEK, window=Window.of())
        assert whole["ranking"].equals(full["ranking"])
        assert whole["trend"].equals(full["trend"])
        assert whole["levels"].equals(full["levels"])

        part = page_data.overview_data(con, WEEK, window=Window.of(edge=1))
        kept = [full["ranking"]["county"].iloc[0], full["ranking"]["county"].iloc[-1]]
        assert part["ranking"]["county"].tolist() == kept
        assert sorted(part["trend"].index) == sorted(kept)
        assert set(part["levels"]["county"]) <= {*kept, "市直单位"}  # and the 市级 row
        assert part["counts"] == full["counts"]  # the tiles count every county
        assert part["counts"]["submitted"] == int(full["ranking"]["submitted"].sum())
        assert part["red_lights"] == full["red_lights"]

        area = page_data.dimension_data(con, WEEK, "research", window=Window.of(edge=1))
        assert len(area["ranking"]) == 2
        assert set(area["indicators"]["county"]) <= set(area["ranking"]["county"])
        assert set(area["trend"]["county"]) <= set(area["ranking"]["county"])
        full_area = page_data.dimension_data(con, WEEK, "research")
        assert area["counts"]["red_on_basis"] == int((full_area["ranking"]["light"] == "红").sum())
        assert (
            area["not_submitted"]
            == full_area["ranking"].loc[~full_area["ranking"]["submitted"], "county"].tolist()
        )
