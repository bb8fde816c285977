"""Each tolerated variation of dispatch-format.md, on small files the test writes: it loads, and
means exactly the same values as the plain template."""

from __future__ import annotations

import datetime as dt
import random

import duckdb
import pytest

from etl.load import load_paths

from .dispatch_builder import BASE, UNITS, expected_rows, grid, write_csv, write_xlsx
from .form_columns import BY_ID, COLUMNS, METRIC_IDS


def load_one(path, db):
    [report] = load_paths([path], db)
    assert report.outcome == "loaded", [p.text() for p in report.errors]
    con = duckdb.connect(str(db), read_only=True)
    cur = con.execute(f"SELECT unit, level, {', '.join(METRIC_IDS)} FROM unit_reports ORDER BY unit")
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r)) for r in cur.fetchall()]
    con.close()
    return report, rows


def expected():
    return sorted(expected_rows(), key=lambda r: r["unit"])


def test_plain_template_layout(tmp_path, db_path):
    report, rows = load_one(write_xlsx(tmp_path / "a.xlsx", grid()), db_path)
    assert rows == expected()
    assert (report.county, report.week, report.rows, report.version) == ("青河县", "2023-W45", 3, 1)
    assert report.warnings == []


@pytest.mark.parametrize("header", ["repeated", "joined"])
def test_header_variants(tmp_path, db_path, header):
    _, rows = load_one(write_xlsx(tmp_path / "a.xlsx", grid(header=header)), db_path)
    assert rows == expected()


@pytest.mark.parametrize("sep", ["_", ":", "-"])
def test_one_row_header_with_any_separator_and_no_unit(tmp_path, db_path, sep):
    cells = grid(header="joined")
    cells[2] = [f"{c.group}{sep}{c.header}" for c in COLUMNS]
    _, rows = load_one(write_xlsx(tmp_path / "a.xlsx", cells), db_path)
    assert rows == expected()


def test_header_whitespace_line_breaks_and_ascii_brackets(tmp_path, db_path):
    cells = grid()
    cells[3] = [f" {c.header}\n({c.unit}) " if c.unit else f"{c.header} " for c in COLUMNS]
    _, rows = load_one(write_xlsx(tmp_path / "a.xlsx", cells), db_path)
    assert rows == expected()


def test_shuffled_columns_extra_column_and_no_seq_or_remarks(tmp_path, db_path):
    columns = [c for c in COLUMNS if c.id not in ("seq", "remarks")]
    random.Random(7).shuffle(columns)
    cells = grid(header="repeated", columns=columns)
    for r, row in enumerate(cells):  # an extra column a county added
        row.append({2: "基本情况", 3: "联系人"}.get(r, "王芳" if r > 3 else ""))
    report, rows = load_one(write_xlsx(tmp_path / "a.xlsx", cells), db_path)
    assert rows == expected()
    assert [p.code for p in report.warnings] == ["W_EXTRA_COLUMN"]


def test_blank_rows_columns_title_elsewhere_and_notes(tmp_path, db_path):
    cells = grid(extra_top=3)
    cells = [[""] + row for row in cells]  # a blank first column
    cells.insert(8, [""] * len(cells[0]))  # a blank row inside the table
    cells.append(["", "注：1. 本表数据为累计数。"] + [""] * (len(cells[0]) - 2))
    _, rows = load_one(write_xlsx(tmp_path / "a.xlsx", cells), db_path)
    assert rows == expected()


@pytest.mark.parametrize("meta", ["split", "split_colon"])
def test_metadata_label_and_value_in_separate_cells(tmp_path, db_path, meta):
    cells = grid()
    colon = "：" if meta == "split_colon" else ""
    cells[1][:6] = [f"填报单位{colon}", "", "青河县", f"统计周{colon}", "2023-W45", ""]
    report, _ = load_one(write_xlsx(tmp_path / "a.xlsx", cells), db_path)
    assert (report.county, report.week) == ("青河县", "2023-W45")


@pytest.mark.parametrize(
    "week",
    [
        "2023-W45",
        "2023W45",
        "2023-11-08",
        "2023/11/8",
        "2023年11月8日",
        "2023.11.6-11.12",
        "2023年11月6日—11月12日",
        dt.datetime(2023, 11, 12),
    ],
)
def test_week_formats(tmp_path, db_path, week):
    cells = grid()
    cells[1][3] = "统计周："
    cells[1][4] = week
    report, _ = load_one(write_xlsx(tmp_path / "a.xlsx", cells), db_path)
    assert report.week == "2023-W45"


@pytest.mark.parametrize(
    "written,meant",
    [("青河", "青河县"), ("丰源", "丰源市"), (" 青河县 ", "青河县"), ("市直单位", "市直单位")],
)
def test_short_unit_names(tmp_path, db_path, written, meant):
    report, _ = load_one(write_xlsx(tmp_path / "a.xlsx", grid(unit=written)), db_path)
    assert report.county == meant


def _restyle(transform):
    rows = []
    for unit, level in UNITS:
        row = {"unit": unit, "level": level}
        for key, value in BASE[level].items():
            if key in BY_ID:  # form 1 (week 2023-W45); BASE also holds form 2's columns
                row[key] = transform(BY_ID[key].kind, value)
        rows.append(row)
    return rows


@pytest.mark.parametrize("style", ["text", "fullwidth", "unit_suffix", "float", "thousands"])
def test_number_spellings(tmp_path, db_path, style):
    def spell(kind, v):
        if kind != "count":
            return v
        return {
            "text": str(v),
            "fullwidth": str(v).translate(str.maketrans("0123456789", "０１２３４５６７８９")),
            "unit_suffix": f"{v} 个" if v % 2 else f"{v}次",
            "float": float(v),
            "thousands": f"{v:,}" if v < 1000 else f"{v:,}",
        }[style]

    _, rows = load_one(write_xlsx(tmp_path / "a.xlsx", grid(rows=_restyle(spell), total=False)), db_path)
    assert rows == expected()


def test_thousands_separator_in_a_large_count(tmp_path, db_path):
    rows = _restyle(lambda k, v: v)
    rows[2]["member_count"] = "1,240"
    _, got = load_one(write_xlsx(tmp_path / "a.xlsx", grid(rows=rows, total=False)), db_path)
    assert [r["member_count"] for r in got if r["level"] == "村级"] == [1240]


@pytest.mark.parametrize(
    "yes,no", [("√", "×"), ("Y", "N"), (1, 0), ("1", "0"), ("已完成", "未完成"), ("已召开", "未召开")]
)
def test_flag_spellings(tmp_path, db_path, yes, no):
    rows = _restyle(lambda k, v: (yes if v == "是" else no) if k == "flag" else v)
    _, got = load_one(write_xlsx(tmp_path / "a.xlsx", grid(rows=rows)), db_path)
    assert got == expected()


@pytest.mark.parametrize("mark", ["/", "—", "-", "无"])
def test_not_applicable_marks(tmp_path, db_path, mark):
    rows = _restyle(lambda k, v: v)
    for row in rows:
        for c in COLUMNS:
            if c.is_metric and row["level"] not in c.levels:
                row[c.id] = mark
    report, got = load_one(write_xlsx(tmp_path / "a.xlsx", grid(rows=rows)), db_path)
    assert got == expected()
    assert report.warnings == []


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-8", "gb18030", "gbk"])
def test_csv_encodings(tmp_path, db_path, encoding):
    _, rows = load_one(write_csv(tmp_path / "a.csv", grid(), encoding=encoding), db_path)
    assert rows == expected()


@pytest.mark.parametrize("label", ["合计", "总计", "小计"])
def test_total_row_is_not_a_unit_and_a_wrong_total_warns(tmp_path, db_path, label):
    cells = grid()
    cells[-1][1] = label
    cells[-1][4] += 1  # member_count total off by one
    report, rows = load_one(write_xlsx(tmp_path / "a.xlsx", cells), db_path)
    assert len(rows) == 3
    assert [(p.code, p.cell) for p in report.warnings] == [("W_TOTAL_MISMATCH", "E8")]


def test_empty_applicable_cell_is_null_with_a_warning_and_a_value_that_does_not_apply_is_ignored(
    tmp_path, db_path
):
    rows = _restyle(lambda k, v: v)
    rows[0]["special_lectures"] = None  # applies to 县级, left empty
    rows[2]["research_topics"] = 4  # does not apply to 村级
    report, got = load_one(write_xlsx(tmp_path / "a.xlsx", grid(rows=rows, total=False)), db_path)
    by_unit = {r["unit"]: r for r in got}
    assert by_unit["青河县委常委会"]["special_lectures"] is None
    assert by_unit["城关镇村（社区）党组织"]["research_topics"] is None
    assert sorted(p.code for p in report.warnings) == ["W_EMPTY", "W_NOT_APPLICABLE"]


def test_unit_names_match_across_weeks_after_normalising(tmp_path, db_path):
    load_one(write_xlsx(tmp_path / "a.xlsx", grid(week="2023-W44")), db_path)
    rows = _restyle(lambda k, v: v)
    rows[2]["unit"] = "城关镇村(社区) 党组织"  # ASCII brackets and a space this week
    rows[2]["problems_found"] = 20  # lower than last week's cumulative 30
    [report] = load_paths([write_xlsx(tmp_path / "b.xlsx", grid(rows=rows))], db_path)
    assert report.outcome == "loaded"
    assert [p.code for p in report.warnings] == ["W_DECREASE"]


def test_a_decrease_against_a_week_loaded_in_the_same_batch_is_named_row_by_row(tmp_path, db_path):
    rows = _restyle(lambda k, v: v)
    rows[2]["problems_found"] = 20  # 30 the week before
    rows[0]["center_group_sessions"] = 1  # 2 before: lower here too, on an earlier row
    first = write_xlsx(tmp_path / "a.xlsx", grid(week="2023-W44", total=False))
    second = write_xlsx(tmp_path / "b.xlsx", grid(rows=rows, total=False))
    _, report = load_paths([first, second], db_path)
    assert [(p.code, p.row) for p in report.warnings] == [("W_DECREASE", 5), ("W_DECREASE", 7)]
    assert (
        "「城关镇村（社区）党组织」的「检视查摆问题（个）」为 20，少于上一次报送（2023-W44）的 30"
        in report.warnings[1].message
    )


def test_a_decrease_is_found_when_the_units_come_in_another_order_or_are_new(tmp_path, db_path):
    rows = _restyle(lambda k, v: v)
    rows[2]["problems_found"] = 20  # 30 the week before
    rows = [rows[2], {**rows[0], "unit": "青河县委办公室"}, rows[1]]  # reordered, and a unit new this week
    load_one(write_xlsx(tmp_path / "a.xlsx", grid(week="2023-W44", total=False)), db_path)
    [report] = load_paths([write_xlsx(tmp_path / "b.xlsx", grid(rows=rows, total=False))], db_path)
    assert [(p.code, p.row) for p in report.warnings] == [("W_DECREASE", 5)]
    assert (
        "「城关镇村（社区）党组织」的「检视查摆问题（个）」为 20，少于上一次报送（2023-W44）的 30"
        in report.warnings[0].message
    )


def test_text_beside_the_table_on_a_blank_row_is_ignored_with_a_warning(tmp_path, db_path):
    cells = grid()
    width = len(cells[0])
    cells.insert(6, [""] * width + ["（此处为说明文字）"])  # a remark to the right, on a row of its own
    report, rows = load_one(write_xlsx(tmp_path / "a.xlsx", cells), db_path)
    assert rows == expected()
    assert [(p.code, p.cell) for p in report.warnings] == [("W_STRAY_TEXT", "AG7")]


@pytest.mark.parametrize("same_batch", [False, True])
def test_a_correction_with_a_unit_fewer_says_which(tmp_path, db_path, same_batch):
    """The corrected file replaces the whole earlier version; a unit it leaves out no
    longer counts for the week, and the report says so."""
    first = write_xlsx(tmp_path / "v1.xlsx", grid())
    rows = [{"unit": u, "level": lv, **BASE[lv]} for u, lv in UNITS[:2]]  # 村级 left out
    second = write_xlsx(tmp_path / "v2.xlsx", grid(rows=rows))
    if same_batch:
        _, report = load_paths([first, second], db_path)
    else:
        load_paths([first], db_path)
        [report] = load_paths([second], db_path)
    assert (report.outcome, report.version) == ("loaded", 2)
    [dropped] = [p for p in report.warnings if p.code == "W_UNITS_DROPPED"]
    assert "少了 1 个单位：城关镇村（社区）党组织" in dropped.message and "v1" in dropped.message


def test_a_correction_with_every_unit_says_nothing_of_dropped_units(tmp_path, db_path):
    load_paths([write_xlsx(tmp_path / "v1.xlsx", grid())], db_path)
    cells = grid()
    cells[5][4] += 1  # one changed count, the same units
    [report] = load_paths([write_xlsx(tmp_path / "v2.xlsx", cells)], db_path)
    assert report.version == 2 and not [p for p in report.warnings if p.code == "W_UNITS_DROPPED"]
