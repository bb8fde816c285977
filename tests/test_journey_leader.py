"""The leader's meeting, in Chromium (desktop and phones): the overview, a flagged county, the
temperature page, and each printed to PDF (every table row on paper, nothing cut at the right) at
1366 × 768 and 1920 × 1080; then the same pages at 390 × 844 with no sideways scrolling of the page.
Screenshots and PDFs: test-artifacts/screenshots/journey_leader_*."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from app import page_data
from etl.warehouse_reader import reader

from .journeys import MAIN, app, browser, new_page, open_page, pdf_text, print_pdf, shot, sideways

pytestmark = pytest.mark.browser
WEEK, FLAGGED = "2023-W49", "南城区"
PROFILE = f"/county_profile?county={FLAGGED}&week={WEEK}"


@pytest.fixture(scope="module")
def expected(demo_db):  # noqa: F811
    with reader(demo_db) as con:
        overview = page_data.overview_data(con, WEEK)
        study = page_data.dimension_data(con, WEEK, "study")
    return overview, study


@pytest.fixture(scope="module")
def served(tmp_path_factory, demo_db):  # noqa: F811
    """One server and one browser for the module: every test only looks (a new browser context
    each, so a new Streamlit session), none signs in or writes."""
    with app(tmp_path_factory.mktemp("leader"), demo_db) as (url, _env), browser() as b:
        yield url, b


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080)], ids=["1366", "1920"])
def test_the_meeting_on_screen_and_on_paper(served, expected, size):
    url, b = served
    overview, study = expected
    counties = list(overview["ranking"]["county"])
    tag = f"{size[0]}"
    page = new_page(b, *size)
    main = page.locator(MAIN)

    # the overview: the KPI red count is the number of red area cells the ranking colours
    open_page(page, url + f"/?week={WEEK}", "总览")
    kpi = page.locator('[data-testid="stMetric"]').filter(has_text="方面红灯")
    expect(kpi.locator('[data-testid="stMetricValue"]')).to_have_text(str(overview["red_lights"]))
    assert sideways(page) == {"doc": 0, "main": 0}
    shot(page, f"journey_leader_overview_{tag}")
    text = pdf_text(print_pdf(page, f"journey_leader_overview_{tag}"))
    table = text.split("本周排名")[1].split("预警提示")[0]
    ranked = [ln for ln in table.splitlines() if any(c in ln for c in counties)]
    for county in counties:  # every ranking row on paper, and its last column (报送) not cut off
        row = next(ln for ln in ranked if county in ln)
        assert re.search(r"(已报送|未报送)\s*$", row), row
    assert "会议要点" in text and "温度分布" in text
    # 预警提示 and 会议要点 side by side on one sheet: three sheets, none half empty
    assert text.count("\f") <= 3

    # a flagged county, opened from a shared link
    open_page(page, url + PROFILE, "县域画像")
    expect(main.get_by_text(FLAGGED).first).to_be_visible()
    assert sideways(page) == {"doc": 0, "main": 0}
    shot(page, f"journey_leader_profile_{tag}")
    text = pdf_text(print_pdf(page, f"journey_leader_profile_{tag}"))
    assert FLAGGED in text and "单位明细" in text

    # the temperature page
    open_page(page, url + f"/temperature?week={WEEK}", "上热中温下冷")
    assert sideways(page) == {"doc": 0, "main": 0}
    shot(page, f"journey_leader_temperature_{tag}")
    text = pdf_text(print_pdf(page, f"journey_leader_temperature_{tag}"))
    for county in overview["ranking"].loc[overview["ranking"]["cold_bottom"], "county"]:
        assert county in text

    # the study page's 指标明细 prints every row (the grid printed only its visible window)
    open_page(page, url + f"/study?week={WEEK}", "理论学习")
    text = pdf_text(print_pdf(page, f"journey_leader_study_{tag}"))
    rates = re.findall(r"\d+\.\d%\s*$", text.split("指标明细")[-1], re.M)
    assert len(rates) == int(study["indicators"]["percent"].notna().sum())
    page.context.close()


def test_the_meeting_on_a_phone(served):
    url, b = served
    page = new_page(b, 390, 844)
    for path, heading, name in (
        (f"/?week={WEEK}", "总览", "overview"),
        (f"/temperature?week={WEEK}", "上热中温下冷", "temperature"),
        (PROFILE, "县域画像", "profile"),
    ):
        open_page(page, url + path, heading)
        assert sideways(page) == {"doc": 0, "main": 0}, name  # no sideways scrolling of the page
        shot(page, f"journey_leader_phone_{name}")
    # the KPI tiles two to a row, not five full-width tiles (1.5 screens)
    open_page(page, url + f"/?week={WEEK}", "总览")
    tiles = page.locator(MAIN).locator('[data-testid="stMetric"]')
    expect(tiles).to_have_count(5)  # drawn: the heading and an idle script state can come first
    boxes = [m.bounding_box() for m in tiles.all()]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[2]["y"] == boxes[3]["y"] > boxes[0]["y"]
    assert boxes[4]["y"] + boxes[4]["height"] < 844  # all five within the first screen
    # the heat map in its phone shape (levels across), and no hidden screen-shaped copy drawn too
    phone_map = page.locator('.st-key-phone_chart_county_level_heatmap [data-testid="stVegaLiteChart"]')
    expect(phone_map).to_be_visible()
    assert phone_map.bounding_box()["width"] <= 390
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 1
    page.context.close()
