"""Every type of cell calamine returns (number, text, logical, date, datetime, time, duration, error,
formula without value, empty) in every kind of column (count, flag, unit name, level, metadata, the
合计 row, remarks): a value is used only when its meaning is certain, otherwise the file is rejected
naming the cell, the row's unit and what the user sees in Excel. Nothing raises.

Regression: a date-formatted cell in a count column (Excel shows a typed 12 as 1900/1/12) ended a
whole folder load with AttributeError in etl/cells.py parse_count."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etl.cells import CellError, CellFault, parse_count, parse_flag, shown
from etl.check import check_bytes
from etl.columns import COLUMNS
from etl.load import load_paths
from etl.problems import cell_name

from .dispatch_builder import expected_rows, grid
from .office_writers import WRITERS, Error, Formula

COL = {c.id: i for i, c in enumerate(COLUMNS)}
UNIT_ROW = 4  # the 县级 row of grid(): 青河县委常委会
TOTAL_ROW = 7
META_ROW = 1

# (what is written, what it means as a count, as a flag); REJECT: no certain meaning
REJECT = object()
BLANK_OR_REJECT = object()  # not loaded: a blank remark, or the file refused
CELLS = [
    (12, 12, REJECT),
    (0, 0, False),
    (1, 1, True),
    (3.0, 3, REJECT),
    (2.5, REJECT, REJECT),
    (-1, REJECT, REJECT),
    ("12", 12, REJECT),
    ("１２", 12, REJECT),
    ("3次", 3, REJECT),
    ("1,234", 1234, REJECT),
    ("12 345", 12345, REJECT),
    ("12,5", REJECT, REJECT),
    ("1.000", REJECT, REJECT),
    ("约3", REJECT, REJECT),
    ("是", REJECT, True),
    ("√", REJECT, True),
    ("否", REJECT, False),
    ("#DIV/0!", REJECT, REJECT),
    (True, REJECT, True),
    (False, REJECT, False),
    (dt.date(1900, 1, 12), REJECT, REJECT),
    (dt.date(2023, 3, 4), REJECT, REJECT),
    (dt.datetime(2023, 11, 8, 9, 30), REJECT, REJECT),
    (dt.time(3, 4), REJECT, REJECT),
    (dt.timedelta(hours=30), REJECT, REJECT),
    (Error("#DIV/0!"), REJECT, REJECT),
    (Error("#N/A"), REJECT, REJECT),
    (Formula("=SUM(D5:D6)"), REJECT, REJECT),
    (None, None, None),
]
# the kinds of column, and where one of their cells sits in grid()
KINDS = {
    "count": (UNIT_ROW, COL["special_lectures"]),  # no relation to other columns
    "count_not_applicable": (UNIT_ROW, COL["concentrated_study_sessions"]),  # 村级 only
    "flag": (UNIT_ROW, COL["reading_class_done"]),
    "unit": (UNIT_ROW, COL["unit"]),
    "level": (UNIT_ROW, COL["level"]),
    "remarks": (UNIT_ROW, COL["remarks"]),
    "total": (TOTAL_ROW, COL["member_count"]),
    "meta_unit": (META_ROW, 1),
    "meta_week": (META_ROW, 4),
}


def sheet_with(kind: str, value) -> list[list]:
    cells = grid()
    if kind == "meta_unit":
        cells[META_ROW][0] = "填报单位："
    if kind == "meta_week":
        cells[META_ROW][3] = "统计周："
    r, c = KINDS[kind]
    cells[r][c] = value
    return cells


def meaning(kind: str, value, as_count, as_flag):
    """What the loaded field must hold, or REJECT."""
    if kind == "count":
        return as_count
    if kind == "flag":
        return as_flag
    if kind in ("count_not_applicable", "total"):
        return None  # never used: a warning at most, the data as they were
    if kind == "unit":
        if value is None or isinstance(value, (bool, dt.date, dt.time, dt.timedelta, Error, Formula)):
            return REJECT
        if value == "#DIV/0!":
            return REJECT
        return shown(value)
    if kind == "level":
        return REJECT  # none of the values is a level
    if kind == "remarks":
        if isinstance(value, (Error, Formula)) or value == "#DIV/0!":
            return BLANK_OR_REJECT  # found only when the file has empty values anyway
        return None if value is None else shown(value) if not isinstance(value, str) else value.strip()
    if kind == "meta_unit":
        return REJECT  # none is a configured unit
    if kind == "meta_week":
        if type(value) in (dt.date, dt.datetime) and value.year == 2023 and value.month >= 9:
            return "2023-W45"
        return REJECT
    raise AssertionError(kind)


FIELD = {"count": "special_lectures", "flag": "reading_class_done", "unit": "unit", "remarks": "remarks"}
FIELD["count_not_applicable"] = "concentrated_study_sessions"


def judge(config, fmt: str, kind: str, value, as_count, as_flag):
    cells = sheet_with(kind, value)
    data = WRITERS[fmt]([("调度表", cells, "visible")])
    parsed, report = check_bytes(f"青河县_2023-W45.{fmt}", data, config)  # must not raise
    want = meaning(kind, value, as_count, as_flag)
    if want is BLANK_OR_REJECT:
        want = REJECT if report.errors else None
    where = cell_name(*KINDS[kind])
    if want is REJECT:
        assert report.errors, f"{value!r} in {kind} was accepted"
        if kind in ("count", "flag", "unit", "remarks", "meta_unit", "meta_week") and value is not None:
            assert any(p.cell == where for p in report.errors), [p.text() for p in report.errors]
        return report
    assert not report.errors, [p.text() for p in report.errors]
    assert report.week == "2023-W45"
    rows = [dict(zip(parsed.table, values)) for values in zip(*parsed.table.values())]
    expected = expected_rows()
    if kind in FIELD:
        expected[0][FIELD[kind]] = want
        if kind == "unit":
            expected[0]["unit"] = want
    for got, exp in zip(rows, expected):
        assert {k: got[k] for k in exp} == exp
    if kind == "remarks":
        assert rows[0]["remarks"] == want
    return report


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(kind=st.sampled_from(sorted(KINDS)), cell=st.sampled_from(CELLS))
def test_every_cell_type_in_every_column_kind_of_an_xlsx(config, kind, cell):
    judge(config, "xlsx", kind, *cell)


@pytest.mark.parametrize("fmt", ["xls", "ods"])
@pytest.mark.parametrize("kind", ["count", "flag", "total", "count_not_applicable"])
def test_date_and_time_cells_in_xls_and_ods(config, fmt, kind):
    for value in (dt.date(1900, 1, 12), dt.datetime(2023, 3, 4, 0, 0), dt.time(3, 4)):
        if fmt == "xls" and isinstance(value, dt.time):
            continue  # xlwt writes no bare time
        judge(config, fmt, kind, value, REJECT, REJECT)


def test_an_ods_error_cell_is_not_a_zero(config):
    """LibreOffice saves #DIV/0! as the number 0 marked as an error: calamine reads 0."""
    report = judge(config, "ods", "count", Error("#DIV/0!"), REJECT, REJECT)
    assert [p.code for p in report.errors] == ["E_CELL_ERROR"]
    assert "#DIV/0!" in report.errors[0].message


@pytest.mark.parametrize("kind", ["count", "flag", "unit", "level"])
def test_an_xls_error_cell_is_not_an_empty_cell(config, kind):
    """calamine reads an .xls error value (a BOOLERR or FORMULA record holding an error) as empty."""
    report = judge(config, "xls", kind, Error("#N/A"), REJECT, REJECT)
    assert "#N/A" in report.errors[0].message
    assert not any(p.code == "W_EMPTY" for p in report.warnings)


def test_the_message_shows_the_cell_as_excel_does(config):
    _, report = check_bytes(
        "青河县_2023-W45.xlsx",
        WRITERS["xlsx"]([("调度表", sheet_with("count", dt.date(1900, 1, 12)), "visible")]),
        config,
    )
    (p,) = report.errors
    assert (p.code, p.cell, p.unit) == ("E_DATE_CELL", "I5", "青河县委常委会")
    assert "1900/1/12" in p.message and "专题党课" in p.message
    assert "常规" in p.hint  # what to do: set the cell's format back to General
    assert "I5 （青河县委常委会）" in p.text()


def test_error_values_are_not_reported_as_unfilled(config):
    for value, code in ((Error("#N/A"), "E_CELL_ERROR"), (Formula("=SUM(D5:D6)"), "E_FORMULA_NO_VALUE")):
        _, report = check_bytes(
            "青河县_2023-W45.xlsx",
            WRITERS["xlsx"]([("调度表", sheet_with("count", value), "visible")]),
            config,
        )
        assert [p.code for p in report.errors] == [code]
        assert not any(p.code == "W_EMPTY" for p in report.warnings)


def test_a_date_cell_in_a_folder_no_longer_stops_the_load(tmp_path, db_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "青河县_2023-W45.xlsx").write_bytes(
        WRITERS["xlsx"]([("调度表", sheet_with("count", dt.date(1900, 1, 12)), "visible")])
    )
    (folder / "白石县_2023-W45.xlsx").write_bytes(
        WRITERS["xlsx"]([("调度表", grid(unit="白石县"), "visible")])
    )
    reports = load_paths([folder], db_path)
    assert [(r.file_name, r.outcome) for r in reports] == [
        ("白石县_2023-W45.xlsx", "loaded"),
        ("青河县_2023-W45.xlsx", "rejected"),
    ]


@pytest.mark.parametrize(
    "text, code",
    [
        ("12,5", "E_DECIMAL_COMMA"),
        ("1,5", "E_DECIMAL_COMMA"),
        ("1,2345", "E_DECIMAL_COMMA"),
        ("1.000", "E_AMBIGUOUS_NUMBER"),
        ("12.500", "E_AMBIGUOUS_NUMBER"),
        ("1,2,3", "E_NOT_A_NUMBER"),
        ("1 23", "E_NOT_A_NUMBER"),
        ("#N/A", "E_CELL_ERROR"),
    ],
)
def test_numbers_with_more_than_one_reading_are_refused(text, code):
    with pytest.raises(CellError) as e:
        parse_count(text)
    assert e.value.code == code


@pytest.mark.parametrize(
    "text, value",
    [
        ("1,234", 1234),
        ("12,345,678", 12345678),
        ("12 345", 12345),
        ("1,234.0", 1234),
        ("1，234", 1234),
        ("3.0", 3),
        ("3.00", 3),
        (" 12 名", 12),
        ("１２", 12),
    ],
)
def test_unambiguous_numbers_are_read(text, value):
    assert parse_count(text) == value


@pytest.mark.parametrize(
    "value, text",
    [
        (dt.date(1900, 1, 12), "1900/1/12"),
        (dt.datetime(2023, 3, 4, 5, 6), "2023/3/4 5:06"),
        (dt.time(3, 4), "3:04:00"),
        (dt.timedelta(hours=30), "30:00:00"),
        (True, "TRUE"),
        (12.0, "12"),
        (CellFault("#DIV/0!"), "#DIV/0!"),
    ],
)
def test_shown_as_in_excel(value, text):
    assert shown(value) == text


def test_flags_refuse_dates_and_errors():
    for value in (dt.date(1900, 1, 1), CellFault("#N/A"), dt.time(0, 0)):
        with pytest.raises(CellError):
            parse_flag(value)
