"""会议要点: template sentences whose every figure is one the overview shows."""

from __future__ import annotations

import pytest

from app import notes, page_data
from etl.warehouse_reader import reader

from .dashboard_fixtures import demo_db, one_week_db, samples_db  # noqa: F401


@pytest.fixture(scope="module")
def latest(demo_db):
    with reader(demo_db) as con:
        return page_data.overview_data(con, "2023-W49")


def test_demo_notes(latest):
    text = notes.notes_text(latest)
    city = f"{latest['city_composite']:.1f}"
    change = latest["city_composite"] - latest["city_composite_prev"]
    assert f"全市综合得分 {city} 分" in text
    assert (f"较上周提高 {change:.1f} 分" in text) if change > 0 else ("较上周" in text)
    assert "南城区、青河县、临川县上热下冷明显" in text
    villages = latest["matrix"]["村级"]
    assert f"青河县 {villages['青河县']:.1f} 分" in text  # the village score shown on the heat map
    assert "东湖区" in text and "红灯" in text
    assert "西山区本周未报送" in text
    assert "截至 11月30日" in text and "读书班未完成" in text and "成果交流会未召开" in text


def test_every_line_numbered(latest):
    lines = notes.notes_text(latest).splitlines()
    assert [ln.split(".")[0] for ln in lines] == [str(i) for i in range(1, len(lines) + 1)]


def test_first_week_has_no_comparison(one_week_db):
    with reader(one_week_db) as con:
        data = page_data.overview_data(con, "2023-W37")
    text = notes.notes_text(data)
    assert "较上周" not in text and "名次上升" not in text
    assert "未报送" in text  # only four units sent this week


def test_rejected_files_counted(samples_db):
    with reader(samples_db) as con:
        data = page_data.overview_data(con, "2023-W38")
    text = notes.notes_text(data)
    assert "退回报表 2 份" in text and "西山区" in text
