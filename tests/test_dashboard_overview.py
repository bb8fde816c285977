"""总览: renders on every kind of warehouse, follows the week picker and the URL, names who is missing
and what is overdue, and its meeting notes are built from the numbers on the page."""

from __future__ import annotations

import json

import pytest

from .dashboard_fixtures import charts, missing_db, no_exception, run_page, texts


def metric(at, label):
    return next(m for m in at.metric if m.label.startswith(label))


def test_demo_latest_week(demo_db):
    at = run_page(demo_db)
    no_exception(at)
    assert at.title[0].value == "总览"
    assert at.selectbox(key="week").value == "2023-W49"
    assert "数据截至" in texts(at)
    assert metric(at, "已报送县（市、区）").value == "9 / 10"
    assert metric(at, "上热下冷县（市、区）").value == "3"
    assert len(charts(at)) == 1  # the temperature map, in its screen shape only
    ranking = at.dataframe[0].value
    assert ranking["county"].iloc[-1] == "西山区"  # not submitted: listed last, never dropped
    # one thing per column, and the KPI counts the reds the ranking shows
    assert set(ranking["status"]) == {"已报送", "未报送"}
    assert list(ranking.loc[ranking["cold_bottom"] != "", "county"]) == ["南城区", "临川县", "青河县"]
    assert metric(at, "方面红灯").value == "4"
    notes = at.code[0].value
    assert "全市综合得分" in notes and "上热下冷" in notes and "西山区" in notes
    assert "读书班未完成" in notes and "东湖民政局党组" in notes  # deadline 11-30 passed
    # the alert list names the overdue units
    overdue = [d.value for d in at.dataframe if "unit" in d.value.columns]
    assert overdue and "安平统计局党组" in set(overdue[0]["unit"])


def test_a_phone_gets_the_turned_temperature_map_only(demo_db):
    at = run_page(demo_db, phone=True)
    no_exception(at)
    (heat,) = (json.loads(c.proto.spec) for c in charts(at))
    assert heat["layer"][0]["encoding"]["x"]["field"] == "level"  # levels across a 390-px screen


def test_week_change_changes_numbers(demo_db):
    at = run_page(demo_db)
    before = metric(at, "全市综合得分").value
    at.selectbox(key="week").set_value("2023-W40").run()
    no_exception(at)
    assert metric(at, "全市综合得分").value != before
    assert at.query_params["week"] == "2023-W40"
    assert "2023-W40" in at.code[0].value
    assert "逾期" not in at.code[0].value  # no deadline has passed in October


def test_week_from_url(demo_db):
    at = run_page(demo_db, "overview", week="2023-W45")
    no_exception(at)
    assert at.selectbox(key="week").value == "2023-W45"


def test_bad_week_in_url_falls_back(demo_db):
    at = run_page(demo_db, "overview", week="2099-W01")
    no_exception(at)
    assert at.selectbox(key="week").value == "2023-W49"
    assert any("不在可选范围内" in w.value for w in at.warning)


def test_samples_rejected_files(samples_db):
    at = run_page(samples_db)
    no_exception(at)
    assert at.selectbox(key="week").value == "2023-W38"
    rejected = [d.value for d in at.dataframe if "file_name" in d.value.columns]
    assert rejected and "西山区_2023-W38_缺列.xlsx" in set(rejected[0]["file_name"])
    assert "松岭县" in texts(at)  # did not submit W38


def test_one_week(one_week_db):
    at = run_page(one_week_db)
    no_exception(at)
    assert not metric(at, "全市综合得分").delta  # nothing to compare with
    assert "较上周" not in at.code[0].value


def test_no_warehouse(tmp_path):
    at = run_page(missing_db(tmp_path))
    no_exception(at)
    assert "还没有数据库" in at.info[0].value
    assert "python -m etl load" in at.code[0].value and "python -m etl demo" in at.code[0].value
    assert "数据报送" in at.main.get("page_link")[0].proto.label


def test_empty_warehouse(tmp_path):
    from etl.warehouse import open_warehouse

    db = tmp_path / "empty.duckdb"
    open_warehouse(db).close()
    at = run_page(db)
    no_exception(at)
    assert "还没有成功导入的调度表" in at.info[0].value
    # the notice leads to the page where files are uploaded
    [link] = at.main.get("page_link")  # the sidebar holds the menu
    assert "数据报送" in link.proto.label and link.proto.page.endswith("submissions")


@pytest.mark.parametrize("english", [False, True])
def test_english_switch(demo_db, english):
    # the switch is bound to ?en=; the browser writes the URL, AppTest needs it set directly
    at = run_page(demo_db, "overview", **({"en": "true"} if english else {}))
    no_exception(at)
    assert at.toggle(key="en").value is english
    assert ("Overview" in at.title[0].value) is english
    assert ("City composite" in metric(at, "全市综合得分").label) is english


def test_new_load_shows_at_next_rerun(one_week_db, tmp_path):
    """The cache is keyed on the warehouse's data version: a load by the CLI while the page is open
    shows at the next rerun, without a restart."""
    import shutil

    from etl.load import load_paths

    from .conftest import require_samples

    db = tmp_path / "live.duckdb"
    shutil.copy(one_week_db, db)
    at = run_page(db)
    assert at.selectbox(key="week").options == ["2023-W37（9/11—9/17）"]
    load_paths([require_samples() / "dispatch" / "青河县_2023-W38.ods"], db, loaded_by="test")
    at.run()
    no_exception(at)
    assert at.selectbox(key="week").value == "2023-W37"  # the session keeps its chosen week
    assert len(at.selectbox(key="week").options) == 2
