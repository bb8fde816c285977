"""The 排名导出 page: the table by composite or one area, the XLSX bulletin, the CSV and the
multi-week workbook (app.rankings_page, rendered in memory through etl.export)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from app import rankings_page

from .office_fixtures import download_bytes, downloads, load_week, page  # noqa: F401


@pytest.fixture()
def two_weeks(db_path):
    load_week(db_path, "2023-W37")
    load_week(db_path, "2023-W38")
    return db_path


def run_page():
    return AppTest.from_file(page("rankings.py"), default_timeout=60).run()


def test_display_table_and_month_weeks(two_weeks):
    df = rankings_page.ranking(two_weeks, "2023-W38", "research")
    table = rankings_page.display_table(df, "research")
    assert list(table.columns[:4]) == ["排名", "县（市、区）", "调查研究", "综合得分"]
    assert {"排名变化", "进度预警", "状态", "温差"} <= set(table.columns)
    assert table.iloc[-1]["状态"] == "未报送" and table.iloc[-1]["县（市、区）"] == "松岭县"
    assert set(table["进度预警"]) <= {"绿", "黄", "红", ""}
    css = rankings_page.style_table(table, "research").to_html()
    assert "#C6EFCE" in css.upper() or "#FFEB9C" in css.upper() or "#FFC7CE" in css.upper()
    assert rankings_page.month_weeks(["2023-W35", "2023-W36", "2023-W39", "2023-W40"], "2023-W37") == [
        "2023-W35",
        "2023-W36",
    ]  # by the Sunday: W35 ends 3 Sept, W39 ends 1 Oct
    assert (
        rankings_page.file_names("2023-W38", "study", ["2023-W37", "2023-W38"])["multi"]
        == "排名汇总_2023-W37至2023-W38_理论学习.xlsx"
    )


def test_page_shows_the_ranking_and_every_download_is_a_workbook(two_weeks, downloads):
    at = run_page()
    assert not at.exception
    assert at.selectbox(key="rank_week").value == "2023-W38"
    table = at.dataframe[0].value
    assert table.iloc[0]["排名"] == 1 and "排名变化" in table.columns and "进度预警" in table.columns
    assert any("松岭县" in w.value for w in at.warning)  # not submitted, named

    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["下载 Excel 通报", "下载 CSV", "下载多周汇总表（2 周）"]  # W37 and W38 end in September

    data, name = download_bytes(at, downloads, "download_xlsx")
    assert name == "排名通报_2023-W38.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [c.value for r in ws.iter_rows() for c in r if c.value is not None]
    assert "排名" in cells and "松岭县" in cells and any("说明" in str(c) for c in cells)

    data, name = download_bytes(at, downloads, "download_csv")
    assert name == "排名_2023-W38.csv" and data.startswith(b"\xef\xbb\xbf")
    assert (
        data.decode("utf-8-sig").splitlines()[0]
        == "排名,县（市、区）,综合得分,理论学习,调查研究,推动发展,整改整治,温差,排名变化,状态"
    )

    data, name = download_bytes(at, downloads, "download_multi")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["趋势", "2023-W37", "2023-W38"]
    assert name == "排名汇总_2023-W37至2023-W38.xlsx"


def test_page_by_one_area_and_a_chosen_set_of_weeks(two_weeks, downloads):
    at = run_page()
    at.selectbox(key="rank_by").set_value("rectification")
    at.selectbox(key="rank_week").set_value("2023-W37")
    at.run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table.columns[2] == "整改整治"
    expected = rankings_page.display_table(
        rankings_page.ranking(two_weeks, "2023-W37", "rectification"), "rectification"
    )
    assert table["县（市、区）"].tolist() == expected["县（市、区）"].tolist()
    data, name = download_bytes(at, downloads, "download_xlsx")
    assert name == "排名通报_2023-W37_整改整治.xlsx"
    assert "整改整治" in str(openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]["A2"].value)

    at.multiselect(key="multi_weeks").set_value(["2023-W38"])
    at.run()
    data, _ = download_bytes(at, downloads, "download_multi")
    assert openpyxl.load_workbook(io.BytesIO(data)).sheetnames == ["趋势", "2023-W38"]
    at.multiselect(key="multi_weeks").set_value([])
    at.run()
    assert "download_multi" not in [b.proto.id.rsplit("-", 1)[-1] for b in at.get("download_button")]


def test_page_without_data_says_what_to_do(db_path):
    at = run_page()
    assert not at.exception
    assert any("还没有可排名的数据" in i.value for i in at.info)
    assert not at.get("download_button")


def test_the_table_and_files_are_built_once_per_published_snapshot(db_path, monkeypatch):
    """A later visit reuses what the first built (from any session of the process); a load that
    publishes a new snapshot makes the next visit build them again, from the new data."""
    import functools

    calls: list[str] = []
    for name in ("ranking", "xlsx_bytes", "csv_bytes", "multiweek_bytes"):
        original = getattr(rankings_page, name)

        @functools.wraps(original)
        def counted(*args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(rankings_page, name, counted)

    load_week(db_path, "2023-W37")
    first = run_page()
    assert not first.exception
    assert sorted(calls) == ["csv_bytes", "multiweek_bytes", "ranking", "xlsx_bytes"]
    second = run_page()  # another session, same snapshot
    second.run()  # and a rerun of it
    assert not second.exception and len(calls) == 4
    assert second.dataframe[0].value.equals(first.dataframe[0].value)

    load_week(db_path, "2023-W38")  # publishes a new snapshot
    third = run_page()
    assert not third.exception
    assert sorted(calls[4:]) == ["csv_bytes", "multiweek_bytes", "ranking", "xlsx_bytes"]
    assert third.selectbox(key="rank_week").value == "2023-W38"
