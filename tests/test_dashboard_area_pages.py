"""理论学习 / 调查研究 / 推动发展 / 整改整治: one shape, four pages; each renders on every kind of
warehouse, compares the counties against 序时进度 and follows the week."""

from __future__ import annotations

import json

import pytest

from etl.config import DIMENSION_LABELS

from .dashboard_fixtures import AREA_PAGES, charts, missing_db, no_exception, run_page, texts


@pytest.mark.parametrize("page", AREA_PAGES)
def test_demo(demo_db, page):
    at = run_page(demo_db, page)
    no_exception(at)
    assert at.title[0].value == DIMENSION_LABELS[page]
    # score bars, level heat map, indicator small multiples, weekly trend: in their screen shape only
    specs = [json.loads(c.proto.spec) for c in charts(at)]
    assert len(specs) == 4
    _bars, heat, panels, trend = specs
    assert heat["layer"][0]["encoding"]["x"]["field"] == "county"
    assert panels["columns"] == 3
    assert "orient" not in json.dumps(trend["layer"][0]["encoding"]["color"].get("legend") or {})
    spec = json.loads(charts(at)[0].proto.spec)
    assert "序时进度" in json.dumps(spec, ensure_ascii=False)
    table = at.dataframe[0].value
    assert {"achieved", "target", "percent"} <= set(table.columns)
    assert table["county"].nunique() == 9  # 西山区 did not submit the latest week


@pytest.mark.parametrize("page", AREA_PAGES)
def test_on_a_phone_only_the_phone_shapes_are_sent(demo_db, page):
    # a 390-px screen gets levels across, one panel a row, the legend below; the screen
    # shapes are not sent as well (a browser draws the charts CSS hides, too)
    at = run_page(demo_db, page, phone=True)
    no_exception(at)
    specs = [json.loads(c.proto.spec) for c in charts(at)]
    assert len(specs) == 4
    _bars, heat, panels, trend = specs
    assert heat["layer"][0]["encoding"]["x"]["field"] == "level"
    assert panels["columns"] == 1
    assert trend["layer"][0]["encoding"]["color"]["legend"]["orient"] == "bottom"
    at.selectbox(key="week").set_value("2023-W40").run()  # the session stays a phone's
    assert json.loads(charts(at)[1].proto.spec)["layer"][0]["encoding"]["x"]["field"] == "level"


@pytest.mark.parametrize("page", AREA_PAGES)
def test_week_change(demo_db, page):
    at = run_page(demo_db, page)
    first = at.dataframe[0].value.copy()
    at.selectbox(key="week").set_value("2023-W40").run()
    no_exception(at)
    assert not at.dataframe[0].value.reset_index(drop=True).equals(first.reset_index(drop=True))
    assert "2023-W40" in texts(at)


@pytest.mark.parametrize("page", AREA_PAGES)
def test_samples_and_one_week(samples_db, one_week_db, page):
    for db in (samples_db, one_week_db):
        at = run_page(db, page)
        no_exception(at)
        assert charts(at)


@pytest.mark.parametrize("page", AREA_PAGES)
def test_no_warehouse(tmp_path, page):
    at = run_page(missing_db(tmp_path), page)
    no_exception(at)
    assert "还没有数据库" in at.info[0].value


def test_county_in_url_is_highlighted(demo_db):
    at = run_page(demo_db, "study", county="青河县")
    no_exception(at)
    spec = json.dumps(json.loads(charts(at)[0].proto.spec), ensure_ascii=False)
    assert "datum.county === '青河县'" in spec  # the other counties are faded
