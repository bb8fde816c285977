"""Whose file is it: a file name naming another county or week than the cells is a loud warning; with
units that have nothing in common with the county's previous week it is refused (E_IDENTITY).
The case: 西山区_2023-W38.xlsx whose 填报单位 says 东湖区 replaced 东湖区's week with 西山区's units."""

from __future__ import annotations

from app import office
from etl.load import load_paths

from .dispatch_builder import BASE, grid
from .office_fixtures import submissions_page, users_file  # noqa: F401  (users_file: a fixture)
from .office_writers import WRITERS

LEVELS = ("县级", "乡镇级", "村级")


def rows_of(county: str) -> list[dict]:
    stem = county[:2]
    names = (f"{stem}委常委会", f"{stem}城关镇党委", f"{stem}城关镇村（社区）党组织")
    return [{"unit": n, "level": lv, **BASE[lv]} for n, lv in zip(names, LEVELS)]


def load(tmp_path, db_path, name: str, unit: str, week: str, rows: list[dict]):
    path = tmp_path / name
    path.write_bytes(WRITERS["xlsx"]([("调度表", grid(unit=unit, week=week, rows=rows), "visible")]))
    (report,) = load_paths([path], db_path)
    return report


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def test_another_countys_table_under_a_wrong_unit_is_refused(tmp_path, db_path):
    first = load(tmp_path, db_path, "东湖区_2023-W37.xlsx", "东湖区", "2023-W37", rows_of("东湖区"))
    assert first.outcome == "loaded"
    wrong = load(tmp_path, db_path, "西山区_2023-W38.xlsx", "东湖区", "2023-W38", rows_of("西山区"))
    assert wrong.outcome == "rejected" and codes(wrong.errors) == ["E_IDENTITY"]
    assert "W_NAME_UNIT" in codes(wrong.warnings)
    # 东湖区 still has no 2023-W38: nothing of 西山区's units went in under its name
    again = load(tmp_path, db_path, "东湖区_2023-W38.xlsx", "东湖区", "2023-W38", rows_of("东湖区"))
    assert (again.outcome, again.version) == ("loaded", 1)


def test_a_wrong_file_name_alone_is_a_loud_warning(tmp_path, db_path):
    load(tmp_path, db_path, "东湖区_2023-W37.xlsx", "东湖区", "2023-W37", rows_of("东湖区"))
    report = load(tmp_path, db_path, "西山区_2023-W38.xlsx", "东湖区", "2023-W38", rows_of("东湖区"))
    assert report.outcome == "loaded" and report.county == "东湖区"
    (alert,) = office.alerts(report)
    assert alert.code == "W_NAME_UNIT" and "西山区" in alert.message and "东湖区" in alert.message


def test_units_unlike_the_previous_week_are_a_loud_warning(tmp_path, db_path):
    load(tmp_path, db_path, "东湖区_2023-W37.xlsx", "东湖区", "2023-W37", rows_of("东湖区"))
    report = load(tmp_path, db_path, "东湖区_2023-W38.xlsx", "东湖区", "2023-W38", rows_of("西山区"))
    assert report.outcome == "loaded"
    assert codes(office.alerts(report)) == ["W_UNITS_CHANGED"]
    assert "2023-W37" in report.warnings[-1].message


def test_a_week_in_the_name_unlike_the_cells(tmp_path, db_path):
    report = load(tmp_path, db_path, "东湖区_2023-W38.xlsx", "东湖区", "2023-W39", rows_of("东湖区"))
    assert report.outcome == "loaded" and report.week == "2023-W39"
    assert codes(office.alerts(report)) == ["W_NAME_WEEK"]


def test_a_first_week_with_a_wrong_name_is_loaded_with_the_warning(tmp_path, db_path):
    """Nothing to compare the units with: the cells decide, the name mismatch is said."""
    report = load(tmp_path, db_path, "西山区_2023-W37.xlsx", "东湖区", "2023-W37", rows_of("西山区"))
    assert report.outcome == "loaded" and codes(report.warnings)[:1] == ["W_NAME_UNIT"]


def test_names_that_agree_say_nothing(tmp_path, db_path):
    load(tmp_path, db_path, "东湖_20230913调度表.xlsx", "东湖区", "2023-W37", rows_of("东湖区"))
    report = load(tmp_path, db_path, "东湖区 2023年9月20日.xlsx", "东湖区", "2023-W38", rows_of("东湖区"))
    assert report.outcome == "loaded" and not office.alerts(report)


def test_the_upload_page_shows_the_alert_above_the_file(tmp_path, db_path, users_file):
    report = load(tmp_path, db_path, "西山区_2023-W38.xlsx", "东湖区", "2023-W38", rows_of("东湖区"))
    at = submissions_page(state={"upload_reports": [report]})
    assert not at.exception
    assert any("请先核对" in w.value and "西山区" in w.value for w in at.warning)
