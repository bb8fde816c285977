"""Which sheet is the table: visible sheets only, exactly one holding the header. A hidden sheet often
holds last week's table (offices copy the file and hide the old sheet); it must never be loaded."""

from __future__ import annotations

import pytest

from etl.check import check_bytes
from etl.load import load_paths

from .dispatch_builder import grid
from .office_writers import WRITERS

LAST_WEEK = grid(week="2023-W44")
THIS_WEEK = grid(week="2023-W45")
NOTES = [["填表说明：各单位如实填写累计数"]]


# LibreOffice (.ods) has no "very hidden" sheets
@pytest.mark.parametrize(
    "fmt, state",
    [("xlsx", "hidden"), ("xlsx", "veryHidden"), ("xls", "hidden"), ("xls", "veryHidden"), ("ods", "hidden")],
)
def test_a_hidden_first_sheet_with_last_weeks_table_is_not_read(config, fmt, state):
    data = WRITERS[fmt]([("第44周", LAST_WEEK, state), ("第45周", THIS_WEEK, "visible")])
    parsed, report = check_bytes(f"青河县_2023-W45.{fmt}", data, config)
    assert not report.errors, [p.text() for p in report.errors]
    assert (report.week, parsed.sheet) == ("2023-W45", "第45周")
    (skipped,) = [p for p in report.warnings if p.code == "W_SHEETS_SKIPPED"]
    assert "「第44周」（隐藏，含调度表）" in skipped.message


def test_the_table_only_on_a_hidden_sheet_is_refused_naming_it(config):
    data = WRITERS["xlsx"]([("旧表", THIS_WEEK, "hidden"), ("说明", NOTES, "visible")])
    _, report = check_bytes("青河县_2023-W45.xlsx", data, config)
    assert [p.code for p in report.errors] == ["E_TABLE_HIDDEN"]
    assert "「旧表」" in report.errors[0].message and "取消隐藏" in report.errors[0].hint


def test_two_visible_tables_are_not_guessed_between(config, tmp_path, db_path):
    data = WRITERS["xlsx"]([("第44周", LAST_WEEK, "visible"), ("第45周", THIS_WEEK, "visible")])
    _, report = check_bytes("青河县_2023-W45.xlsx", data, config)
    assert [p.code for p in report.errors] == ["E_SHEETS_AMBIGUOUS"]
    assert "「第44周」、「第45周」" in report.errors[0].message
    path = tmp_path / "青河县_2023-W45.xlsx"
    path.write_bytes(data)
    (loaded,) = load_paths([path], db_path)
    assert loaded.outcome == "rejected"


def test_a_sheet_of_notes_beside_the_table_is_named_as_skipped(config):
    data = WRITERS["xlsx"]([("调度表", THIS_WEEK, "visible"), ("说明", NOTES, "visible")])
    _, report = check_bytes("青河县_2023-W45.xlsx", data, config)
    assert not report.errors
    (skipped,) = [p for p in report.warnings if p.code == "W_SHEETS_SKIPPED"]
    assert skipped.message == "只读取了工作表「调度表」；未读取「说明」"


def test_an_empty_extra_sheet_is_not_mentioned(config):
    data = WRITERS["xlsx"]([("调度表", THIS_WEEK, "visible"), ("Sheet2", [], "visible")])
    _, report = check_bytes("青河县_2023-W45.xlsx", data, config)
    assert not report.errors and not [p for p in report.warnings if p.code == "W_SHEETS_SKIPPED"]


def test_no_table_anywhere_names_the_sheets_looked_at(config):
    data = WRITERS["xlsx"]([("Sheet1", NOTES, "visible"), ("Sheet2", [["x"]], "visible")])
    _, report = check_bytes("青河县_2023-W45.xlsx", data, config)
    assert [p.code for p in report.errors] == ["E_NO_HEADER"]
    assert "「Sheet1」、「Sheet2」" in report.errors[0].message
