"""Each defect of dispatch-format.md rejects the whole file, names file/sheet/cell, and leaves the
warehouse exactly as it was."""

from __future__ import annotations

import duckdb
import pytest

from etl.load import load_paths

from .dispatch_builder import BASE, UNITS, grid, write_csv, write_xlsx
from .form_columns import COLUMNS


def _rows():
    return [{"unit": u, "level": lv, **BASE[lv]} for u, lv in UNITS]


def _snapshot(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return (
            con.execute("SELECT * FROM unit_reports ORDER BY ALL").fetchall(),
            con.execute("SELECT * FROM submissions ORDER BY ALL").fetchall(),
        )
    finally:
        con.close()


def reject(tmp_path, db, cells, name="bad.xlsx"):
    """Load a good file first, then the bad one: the bad one is rejected and changes nothing."""
    [good] = load_paths([write_xlsx(tmp_path / "good.xlsx", grid())], db)
    assert good.outcome == "loaded"
    before = _snapshot(db)
    path = write_csv(tmp_path / name, cells) if name.endswith(".csv") else write_xlsx(tmp_path / name, cells)
    [report] = load_paths([path], db)
    assert report.outcome == "rejected"
    assert _snapshot(db) == before
    return report


def codes(report):
    return [(p.code, p.cell) for p in report.errors]


def test_missing_unit_label(tmp_path, db_path):
    assert ("E_UNIT_MISSING", None) in codes(reject(tmp_path, db_path, grid(unit=None)))


def test_unknown_unit(tmp_path, db_path):
    assert codes(reject(tmp_path, db_path, grid(unit="红星县"))) == [("E_UNIT_UNKNOWN", "A2")]


def test_ambiguous_short_unit_name(tmp_path, db_path):
    # 东 could be 东湖区 only, but 市 is too short to name one unit
    assert codes(reject(tmp_path, db_path, grid(unit="市"))) == [("E_UNIT_UNKNOWN", "A2")]


@pytest.mark.parametrize(
    "week,code",
    [
        (None, "E_WEEK_MISSING"),
        ("下周", "E_WEEK_UNPARSEABLE"),
        ("2023-W60", "E_WEEK_UNPARSEABLE"),
        ("2022-W45", "E_WEEK_OUTSIDE"),
        ("2023.11.10-11.16", "E_WEEK_RANGE"),
        ("2023-02-30", "E_WEEK_UNPARSEABLE"),
    ],
)
def test_bad_weeks(tmp_path, db_path, week, code):
    assert code in {c for c, _ in codes(reject(tmp_path, db_path, grid(week=week)))}


def test_required_column_missing_is_named(tmp_path, db_path):
    columns = [c for c in COLUMNS if c.id != "problems_rectified"]
    report = reject(tmp_path, db_path, grid(columns=columns))
    assert codes(report) == [("E_MISSING_COLUMN", None)]
    assert "整改整治 / 已整改（个）" in report.errors[0].message


def test_a_column_under_the_wrong_group_does_not_count(tmp_path, db_path):
    cells = grid(header="repeated")
    col = next(i for i, c in enumerate(COLUMNS) if c.id == "livelihood_done")
    cells[2][col] = "整改整治"  # 已办结 moved under 整改整治: not the 推动发展 column
    report = reject(tmp_path, db_path, cells)
    assert ("E_MISSING_COLUMN", None) in codes(report)
    assert "推动发展 / 已办结（个）" in report.errors[0].message


def test_header_twice_in_one_group(tmp_path, db_path):
    cells = grid(header="repeated")
    for row in cells:
        row.append(row[24])  # 检视查摆问题 again
    report = reject(tmp_path, db_path, cells)
    assert [c for c, _ in codes(report)] == ["E_DUPLICATE_HEADER"]


@pytest.mark.parametrize(
    "unit,level,code,cell",
    [
        ("", "县级", "E_UNIT_NAME_MISSING", "B5"),
        ("城关镇党委", "乡镇级", "E_DUPLICATE_UNIT", "B6"),  # the second occurrence
        ("青河县委常委会", "组级", "E_UNKNOWN_LEVEL", "C5"),
        ("青河县委常委会", "", "E_UNKNOWN_LEVEL", "C5"),
    ],
)
def test_bad_unit_rows(tmp_path, db_path, unit, level, code, cell):
    rows = _rows()
    rows[0]["unit"], rows[0]["level"] = unit, level
    assert (code, cell) in codes(reject(tmp_path, db_path, grid(rows=rows)))


@pytest.mark.parametrize(
    "value,code",
    [
        (-1, "E_NEGATIVE"),
        ("-2", "E_NEGATIVE"),
        (2.5, "E_FRACTION"),
        ("约3", "E_NOT_A_NUMBER"),
        ("若干", "E_NOT_A_NUMBER"),
        (True, "E_NOT_A_NUMBER"),
    ],
)
def test_bad_counts(tmp_path, db_path, value, code):
    rows = _rows()
    rows[1]["special_lectures"] = value  # 乡镇级 row, column I
    assert codes(reject(tmp_path, db_path, grid(rows=rows, total=False))) == [(code, "I6")]


def test_bad_flag(tmp_path, db_path):
    rows = _rows()
    rows[0]["reading_class_done"] = "差不多"
    assert codes(reject(tmp_path, db_path, grid(rows=rows))) == [("E_BAD_FLAG", "F5")]


def test_zero_party_organisations(tmp_path, db_path):
    rows = _rows()
    rows[2]["org_count"] = 0
    assert ("E_BELOW_MIN", "D7") in codes(reject(tmp_path, db_path, grid(rows=rows, total=False)))


@pytest.mark.parametrize(
    "small,large,cell",
    [
        ("problems_rectified", "problems_found", "AA7"),
        ("livelihood_done", "livelihood_projects", "V7"),
        ("discussion_members", "member_count", "J7"),
        ("mobile_members_reached", "mobile_members", "L7"),
    ],
)
def test_broken_relations(tmp_path, db_path, small, large, cell):
    rows = _rows()
    rows[2][small] = rows[2][large] + 1
    report = reject(tmp_path, db_path, grid(rows=rows, total=False))
    assert ("E_RELATION", cell) in codes(report)


def test_all_errors_of_a_file_are_reported_together(tmp_path, db_path):
    rows = _rows()
    rows[0]["special_lectures"] = -1
    rows[1]["level"] = "组级"
    rows[2]["problems_rectified"] = 99
    report = reject(tmp_path, db_path, grid(unit="红星县", rows=rows, total=False))
    assert {c for c, _ in codes(report)} == {"E_UNIT_UNKNOWN", "E_NEGATIVE", "E_UNKNOWN_LEVEL", "E_RELATION"}
    assert all("工作表「调度表」" in p.text() for p in report.errors)


def test_no_header_anywhere(tmp_path, db_path):
    report = reject(tmp_path, db_path, [["填报单位：青河县"], ["随便写的表"], ["1", "2"]])
    assert codes(report) == [("E_NO_HEADER", None)]


def test_not_a_spreadsheet_and_unsupported_type(tmp_path, db_path):
    [good] = load_paths([write_xlsx(tmp_path / "good.xlsx", grid())], db_path)
    (tmp_path / "x.xlsx").write_bytes(b"this is not a workbook")
    (tmp_path / "x.pdf").write_bytes(b"%PDF-1.4")
    reports = load_paths([tmp_path / "x.xlsx", tmp_path / "x.pdf"], db_path)
    assert [r.errors[0].code for r in reports] == ["E_NOT_A_SPREADSHEET", "E_UNSUPPORTED_TYPE"]


def test_csv_errors_name_the_cell_without_a_sheet(tmp_path, db_path):
    rows = _rows()
    rows[0]["special_lectures"] = "若干"
    report = reject(tmp_path, db_path, grid(rows=rows), name="bad.csv")
    assert codes(report) == [("E_NOT_A_NUMBER", "I5")]
    assert report.errors[0].sheet is None


def test_csv_claiming_utf8_with_invalid_bytes(tmp_path, db_path):
    text = "\n".join(",".join(str(v) for v in row) for row in grid())
    (tmp_path / "bad.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("gb18030"))
    [report] = load_paths([tmp_path / "bad.csv"], db_path)
    assert [p.code for p in report.errors] == ["E_ENCODING"]


def test_a_rejected_row_still_counts_in_the_totals_check(tmp_path, db_path):
    """The 合计 row sums every unit row; leaving the row with an error out made every
    correct total look wrong in the report the county receives."""
    rows = _rows()
    rows[0]["research_done"] = 9  # 已完成调研 > 调研课题: the row has an error, its counts are fine
    report = reject(tmp_path, db_path, grid(rows=rows))
    assert [p.code for p in report.errors] == ["E_RELATION"]
    assert not [p for p in report.warnings if p.code == "W_TOTAL_MISMATCH"], [
        p.text() for p in report.warnings
    ]


def test_a_wrong_total_beside_an_error_row_still_warns_and_an_unreadable_column_is_not_summed(
    tmp_path, db_path
):
    rows = _rows()
    rows[0]["research_done"] = 9
    rows[1]["special_lectures"] = "两次"  # unreadable: that column's sum is unknown
    cells = grid(rows=rows)
    cells[-1][4] += 1  # member_count total off by one
    report = reject(tmp_path, db_path, cells)
    assert [(p.code, p.cell) for p in report.warnings if p.code.startswith("W_TOTAL")] == [
        ("W_TOTAL_MISMATCH", "E8")
    ]


def test_an_error_names_the_unit_of_its_row(tmp_path, db_path):
    """The cell and the unit written in that row, which the county's clerk searches for."""
    rows = _rows()
    rows[1]["special_lectures"] = -1
    report = reject(tmp_path, db_path, grid(rows=rows))
    [p] = report.errors
    assert p.unit == "城关镇党委" and "（城关镇党委）" in p.text()
