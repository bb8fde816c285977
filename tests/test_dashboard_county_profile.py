"""县域画像: one county's level × area matrix, trend, rank history, units weakest first and its files;
the county comes from the picker or the URL (the ranking links here)."""

from __future__ import annotations

from .dashboard_fixtures import HOSTILE_UNIT, charts, missing_db, no_exception, run_page, texts


def test_county_from_url(demo_db):
    at = run_page(demo_db, "county_profile", county="青河县", week="2023-W49")
    no_exception(at)
    assert at.selectbox(key="county").value == "青河县"
    assert at.subheader[0].value == "青河县"
    assert len(charts(at)) == 3  # level × area, rank history, trend
    units = at.dataframe[0].value
    assert units["composite"].is_monotonic_increasing  # weakest first
    files = at.dataframe[1].value
    assert (files["week"] == "2023-W49").sum() == 2  # the corrected resubmission and the original


def test_county_change(demo_db):
    at = run_page(demo_db, "county_profile", county="青河县")
    before = at.dataframe[0].value.copy()
    at.selectbox(key="county").set_value("东湖区").run()
    no_exception(at)
    assert at.subheader[0].value == "东湖区"
    assert at.query_params["county"] == "东湖区"
    assert not at.dataframe[0].value.equals(before)
    assert "红" in texts(at)  # 东湖区 is far behind 序时进度


def test_not_submitted_week(demo_db):
    at = run_page(demo_db, "county_profile", county="西山区", week="2023-W49")
    no_exception(at)
    assert any("未报送" in w.value for w in at.warning)


def test_city_direct_and_rejections(samples_db):
    at = run_page(samples_db, "county_profile", county="市直单位")
    no_exception(at)
    at = run_page(samples_db, "county_profile", county="西山区")
    no_exception(at)
    rejected = [d.value for d in at.dataframe if "reason" in d.value.columns]
    assert rejected and rejected[0]["reason"].str.len().min() > 0


def test_one_week_and_missing(one_week_db, tmp_path):
    at = run_page(one_week_db, "county_profile", county="青河县")
    no_exception(at)
    at = run_page(missing_db(tmp_path), "county_profile")
    no_exception(at)
    assert "还没有数据库" in at.info[0].value


def test_html_in_unit_names_is_text(hostile_db):
    """A unit called '<img …>**粗体**' shows as that text: in tables (data), never as markup."""
    for page in ("county_profile", "overview", "study", "temperature"):
        at = run_page(hostile_db, page, county="青河县")
        no_exception(at)
        for md in at.markdown:
            assert "<img" not in md.value
        if page == "county_profile":
            assert HOSTILE_UNIT in set(at.dataframe[0].value["unit"])
