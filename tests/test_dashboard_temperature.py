"""上热中温下冷: the county × level map (市级 on top, 村级 at the bottom), the city profile, the slope
per county and the flagged counties with the indicators that make their villages cold."""

from __future__ import annotations

import json

from .dashboard_fixtures import charts, missing_db, no_exception, run_page, texts


def test_demo(demo_db):
    at = run_page(demo_db, "temperature")
    no_exception(at)
    assert len(charts(at)) == 4  # heat map, slopes, city profile, temperature differences; screen shapes only
    heat = json.loads(charts(at)[0].proto.spec)
    y = heat["layer"][0]["encoding"]["y"]
    assert y["sort"] == ["市级", "县级", "乡镇级", "村级"]  # top to bottom
    flagged = at.dataframe[0].value
    assert list(flagged["county"]) == ["青河县", "临川县", "南城区"]  # by gradient, steepest first
    assert flagged["gradient"].is_monotonic_decreasing
    assert all(flagged["weakest"].str.contains("%"))


def test_a_phone_gets_the_phone_shapes_only(demo_db):
    at = run_page(demo_db, "temperature", phone=True)
    no_exception(at)
    specs = [json.loads(c.proto.spec) for c in charts(at)]
    assert len(specs) == 4
    heat, slopes = specs[:2]
    assert heat["layer"][0]["encoding"]["x"]["field"] == "level"  # levels across
    assert slopes["columns"] == 2  # two small multiples a row


def test_dimension_and_week_change(demo_db):
    at = run_page(demo_db, "temperature")
    composite = charts(at)[0].proto.spec
    at.radio(key="dimension").set_value("study").run()
    no_exception(at)
    assert at.query_params["dimension"] == "study"
    assert charts(at)[0].proto.spec != composite
    at.selectbox(key="week").set_value("2023-W37").run()
    no_exception(at)
    assert any("没有温差达到" in s.value for s in at.success)  # early weeks: nobody flagged yet


def test_dimension_from_url(demo_db):
    at = run_page(demo_db, "temperature", dimension="rectification", week="2023-W45")
    no_exception(at)
    assert at.radio(key="dimension").value == "rectification"
    assert "整改整治" in texts(at)


def test_samples_one_week_and_missing(samples_db, one_week_db, tmp_path):
    for db in (samples_db, one_week_db):
        at = run_page(db, "temperature")
        no_exception(at)
        assert charts(at)
    at = run_page(missing_db(tmp_path), "temperature")
    no_exception(at)
    assert "还没有数据库" in at.info[0].value
