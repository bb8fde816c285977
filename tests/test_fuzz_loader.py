"""Random but plausible dispatch sheets: the loader loads them with exactly the values written, or
rejects them with messages; it never raises, never reports E_INTERNAL, and never half loads.

Each example starts from the builder's sheet (tests/dispatch_builder.py) and changes how things are
written, not what they mean (header variant, column order, optional columns dropped, extra columns,
blank rows, stray text beside the table, merged group cells, numbers as text / floats / full-width /
with units, flags as √/Y/1, 'not applicable' marks), so the meaning of an accepted file is known; a few
examples also get a wrong cell (a negative, a fraction, 约3, an unknown flag), which must reject."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
import xlsxwriter
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from etl.load import load_bytes
from etl.warehouse import open_warehouse

from .dispatch_builder import BASE, UNITS, expected_rows, grid, write_csv
from .form_columns import CATALOGUE

COUNTIES = ["东湖区", "西山区", "南城区", "青河县", "白石县", "市直单位"]
WEEKS = ["2023-W40", "2023-W45", "2023-W47", "2023-W50", "2024-W02"]
FULL = str.maketrans("0123456789", "０１２３４５６７８９")
BAD = ["约3", "若干", -1, "-2", 2.5, "3.5次", "很多"]
BAD_FLAGS = ["差不多", "也许", 2]


def count_forms(n: int, unit: str | None):
    return [
        n,
        float(n),
        str(n),
        f" {n} ",
        str(n).translate(FULL),
        f"{n}{unit or '个'}",
        f"{n} {unit or '个'}",
        f"{n:,}",
        f"{n}.0",
    ]


FLAG_FORMS = {
    True: ["是", "√", "Y", "y", 1, "1", "已完成", True],
    False: ["否", "×", "N", 0, "0", "未完成", False],
}


def render(draw_random: random.Random, value, column):
    """Another way of writing the same value."""
    if column.kind == "count":
        return draw_random.choice(count_forms(value, column.unit))
    if column.kind == "flag":
        return draw_random.choice(FLAG_FORMS[value == "是"])
    return value


@st.composite
def sheets(draw):
    rnd = random.Random(draw(st.integers(0, 2**32 - 1)))
    county, week = draw(st.sampled_from(COUNTIES)), draw(st.sampled_from(WEEKS))
    form = CATALOGUE.form_for(week)  # each week on its own form (form 2 from 2023-W47)
    columns = [c for c in form.columns if not (c.id in ("seq", "remarks") and rnd.random() < 0.3)]
    if rnd.random() < 0.5:
        rnd.shuffle(columns)
    header = rnd.choice(["merged", "repeated", "joined"])
    rows = [{"unit": u, "level": lv, **BASE[lv]} for u, lv in UNITS]
    expected = {r["unit"]: dict(r) for r in expected_rows(form)}
    bad = draw(st.integers(0, 9)) == 0  # one example in ten has a wrong cell
    for row in rows:
        for c in columns:
            v = row.get(c.id)
            if c.is_metric and v is not None and rnd.random() < 0.4:
                row[c.id] = render(rnd, v, c)
            elif c.is_metric and v is None and rnd.random() < 0.3:
                row[c.id] = rnd.choice(["/", "—", "-", "无", " "])
        if rnd.random() < 0.3:
            row["remarks"] = rnd.choice(["按时完成", "<b>粗体</b>", "=1+1", "  前后空格  ", "备注\n两行"])
            expected[row["unit"]]["remarks"] = (
                " ".join(row["remarks"].split()) if any(c.id == "remarks" for c in columns) else None
            )
    if bad:
        row = rnd.choice(rows)
        c = rnd.choice([c for c in columns if c.is_metric and BASE[row["level"]].get(c.id) is not None])
        row[c.id] = rnd.choice(BAD_FLAGS if c.kind == "flag" else BAD)
    cells = grid(
        unit=county,
        week=week,
        header=header,
        columns=columns,
        rows=rows,
        total=rnd.random() < 0.7,
        extra_top=rnd.randint(0, 2),
    )
    width = len(columns)
    # blank rows inside the table, stray text right of it (one blank column between)
    for _ in range(rnd.randint(0, 2)):
        at = rnd.randint(len(cells) - len(rows) - 1, len(cells))
        cells.insert(at, [""] * width)
    if rnd.random() < 0.3:  # on a row with content (on a blank row inside the
        r = rnd.choice([i for i, row in enumerate(cells) if any(v not in ("", None) for v in row)])
        cells[r] = cells[r] + [
            "",
            rnd.choice(["随手写的", "=SUM(A1:A3)", 42, "联系人：王芳"]),
        ]  # table it is a nameless unit)
    if rnd.random() < 0.2:
        cells.insert(0, [rnd.choice(["附件1", "内部资料 注意保存", "2023年11月"])] + [""] * (width - 1))
    fmt = draw(st.sampled_from(["xlsx", "xlsx", "csv"]))
    merges = header == "merged" and fmt == "xlsx" and rnd.random() < 0.7
    data = write_bytes(fmt, cells, merges, rnd)
    keys = ["unit", "level", *(c.id for c in form.metrics), "remarks"]
    exp = sorted(
        tuple(e.get(k) if k != "remarks" else e.get("remarks") for k in keys) for e in expected.values()
    )
    return dict(
        name=f"{county}_{week}.{fmt}", data=data, county=county, week=week, bad=bad, expected=exp, keys=keys
    )


def write_bytes(fmt: str, cells: list[list], merges: bool, rnd: random.Random) -> bytes:
    if fmt == "csv":
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as d:
            return write_csv(
                Path(d) / "x.csv", cells, encoding=rnd.choice(["utf-8-sig", "utf-8", "gb18030"])
            ).read_bytes()
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet(rnd.choice(["调度表", "Sheet1", "第45周"]))
    if rnd.random() < 0.2:
        wb.add_worksheet("说明").write(0, 0, "填表说明：见通知")
    header_row = next(r for r, row in enumerate(cells) if any(str(v).endswith("单位名称") for v in row))
    for r, row in enumerate(cells):
        for c, v in enumerate(row):
            if isinstance(v, (dt.date, dt.datetime)):
                ws.write_datetime(r, c, v)
            elif isinstance(v, str) and v:
                ws.write_string(r, c, v)  # text stays text, even "=1+1"
            elif v != "" and v is not None:
                ws.write(r, c, v)
    if merges and header_row > 0:  # the group row as merged cells, as the template does
        groups = cells[header_row - 1]
        start = 0
        for c in range(1, len(groups) + 1):
            if c == len(groups) or groups[c]:
                if c - 1 > start:
                    ws.merge_range(header_row - 1, start, header_row - 1, c - 1, groups[start])
                start = c
        ws.merge_range(0, 0, 0, min(5, len(cells[0]) - 1), str(cells[0][0])) if cells[0][0] else None
    wb.close()
    return buf.getvalue()


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    c = open_warehouse(tmp_path_factory.mktemp("fuzz") / "w.duckdb")
    yield c
    c.close()


def current_rows(con, county, week, keys):
    return sorted(
        con.execute(
            f"SELECT {', '.join(keys)} FROM unit_reports WHERE county = ? AND week = ?", [county, week]
        ).fetchall()
    )


@settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sheet=sheets())
def test_random_sheets_load_exactly_or_are_rejected_whole(con, sheet):
    before_current = current_rows(con, sheet["county"], sheet["week"], sheet["keys"])
    n_versions = con.execute("SELECT count(*) FROM submission_versions").fetchall()[0][0]
    report = load_bytes(con, sheet["name"], sheet["data"])  # must not raise
    codes = [p.code for p in report.errors]
    event(f"{report.outcome} {sheet['name'].rsplit('.', 1)[1]}")
    assert "E_INTERNAL" not in codes, report.errors
    if report.outcome == "rejected":
        assert report.errors and all(p.message for p in report.errors)
        # nothing of it is in: the current rows of that (county, week) are as they were
        assert current_rows(con, sheet["county"], sheet["week"], sheet["keys"]) == before_current
        assert con.execute("SELECT count(*) FROM submission_versions").fetchall()[0][0] == n_versions
        assert sheet["bad"], [p.text() for p in report.errors]  # a plausible sheet must load
    else:
        assert not sheet["bad"], "a wrong cell was accepted"
        assert (report.county, report.week) == (sheet["county"], sheet["week"])
        assert current_rows(con, sheet["county"], sheet["week"], sheet["keys"]) == sheet["expected"]
        v = con.execute(
            "SELECT rows FROM submissions WHERE county = ? AND week = ? AND is_current",
            [sheet["county"], sheet["week"]],
        ).fetchall()
        assert v == [(len(sheet["expected"]),)]


def test_the_same_bytes_twice_on_one_connection(con):
    """Regression: known_file() left a half-read result and DuckDB 2 refused the next register()."""
    data = write_bytes("xlsx", grid(unit="北江区", week="2023-W44"), False, random.Random(1))
    first = load_bytes(con, "a.xlsx", data)
    again = load_bytes(con, "a.xlsx", data)
    assert (first.outcome, again.outcome) == ("loaded", "unchanged"), again.errors
