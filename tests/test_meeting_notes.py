"""会议要点: template sentences whose every figure is one the overview shows."""

from __future__ import annotations

import pytest

from app import notes, page_data
from etl.warehouse_reader import reader


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
    assert "青河县、临川县、南城区上热下冷明显" in text
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


def test_rejected_files_beside_a_valid_version_are_not_returned_reports(samples_db):
    """西山区's rejected W38 correction sits beside its valid W38 file: its report stands."""
    with reader(samples_db) as con:
        data = page_data.overview_data(con, "2023-W38")
    text = notes.notes_text(data)
    assert "尚未重新报送的报表" not in text
    assert "西山区有文件被退回，但本周已有有效的报表" in text
    assert "另有 1 份被退回的文件无法识别填报单位" in text  # 红星县 is no unit of the city


def test_a_rejected_file_without_a_valid_version_is_a_returned_report(samples_db):
    with reader(samples_db) as con:
        data = page_data.overview_data(con, "2023-W38")
    rejected = data["rejected"].copy()
    rejected.loc[rejected["county"] == "西山区", "resubmitted"] = False
    text = notes.notes_text({**data, "rejected": rejected})
    assert "本周退回、尚未重新报送的报表 1 份（西山区）" in text


def test_english_notes_carry_no_chinese_outside_names(latest):
    """With the switch on, every sentence is English; names of places and units stay."""
    import re

    text = notes.notes_text(latest, english=True)
    names = set(latest["ranking"]["county"]) | {"市直单位"}
    for line in text.splitlines():
        assert re.search("[A-Za-z]{3}", line), line
        rest = line
        for n in sorted(names, key=len, reverse=True):
            rest = rest.replace(n, "")
        rest = re.sub(r"[^\u4e00-\u9fff]+", " ", rest)
        # what Chinese is left are unit names (…党组织, …党委) and indicator names: data values
        assert "本周" not in rest and "上热下冷" not in rest and "序时进度" not in rest, line
