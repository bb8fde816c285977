"""Exports cannot attack (OWASP CSV injection): names and remarks such as =HYPERLINK(...), +cmd|...,
@SUM(A1), -2+3 come out of every CSV and XLSX as text, never as formulas; HTML in a unit name is
shown as text in the app."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest

from app.office import problems_xlsx_bytes
from etl import export
from etl.config import load_config
from etl.load import load_paths
from etl.warehouse import open_warehouse

from .dispatch_builder import BASE, UNITS, grid, write_csv, write_xlsx

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ['=HYPERLINK("http://x","y")', "+cmd|'/Ccalc'!A0", "@SUM(A1)", "-2+3", "=1+1"]
HTML = "<b>粗体</b><script>alert(1)</script>"
NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def hostile_config(tmp_path):
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    names = ", ".join('"' + n.replace("\\", "\\\\").replace('"', '\\"') + '"' for n in HOSTILE[:4])
    text = re.sub(r"^counties = \[.*\]$", f'counties = ["东湖区", {names}]', text, flags=re.M)
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def assert_csv_safe(data: bytes) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    for row in rows:
        for value in row:
            if value.startswith(FORMULA_START):
                assert NUMBER.match(value), f"CSV cell would be a formula: {value!r}"
    return rows


def assert_xlsx_safe(data: bytes) -> list[str]:
    """No formula anywhere in the workbook; returns every text cell."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value!r}"
                if isinstance(c.value, str):
                    texts.append(c.value)
    return texts


@pytest.fixture()
def hostile_warehouse(tmp_path):
    config = hostile_config(tmp_path)
    db = tmp_path / "w.duckdb"
    rows = [{"unit": u, "level": lv, **BASE[lv]} for u, lv in UNITS]
    rows[0]["unit"], rows[1]["remarks"] = HOSTILE[0], HOSTILE[1]
    rows[2]["unit"] = HTML
    files = []
    for i, county in enumerate(["东湖区", *HOSTILE[:4]]):
        for week in ("2023-W44", "2023-W45"):
            # CSV: xlsxwriter's write() would turn "=..." into a formula cell (then calamine reads its value)
            files.append(write_csv(tmp_path / f"{i}_{week}.csv", grid(unit=county, week=week, rows=rows)))
    reports = load_paths(files, db, config=config)
    assert all(r.outcome == "loaded" for r in reports), [
        (r.file_name, [p.text() for p in r.errors]) for r in reports
    ]
    return db, config


def test_hostile_names_are_stored_as_written(hostile_warehouse):
    db, config = hostile_warehouse
    con = open_warehouse(db, config)
    try:
        counties = {r[0] for r in con.execute("SELECT DISTINCT county FROM unit_reports").fetchall()}
        units = {r[0] for r in con.execute("SELECT DISTINCT unit FROM unit_reports").fetchall()}
        remarks = {r[0] for r in con.execute("SELECT DISTINCT remarks FROM unit_reports").fetchall()}
    finally:
        con.close()
    assert counties == {"东湖区", *HOSTILE[:4]}
    assert {HOSTILE[0], HTML} <= units and HOSTILE[1] in remarks


def test_ranking_csv_and_bulletins_keep_hostile_county_names_as_text(hostile_warehouse):
    db, config = hostile_warehouse
    con = open_warehouse(db, config)
    try:
        rows = assert_csv_safe(export.ranking_csv_bytes(con, "2023-W45", config=config))
        names = {r[1] for r in rows[1:]}
        assert {"'" + n for n in HOSTILE[:4]} <= names  # shown with the apostrophe Excel hides
        for by in ("composite", "study"):
            texts = assert_xlsx_safe(export.ranking_xlsx_bytes(con, "2023-W45", by=by, config=config))
            assert set(HOSTILE[:4]) <= set(texts)  # exact text in the bulletin
        texts = assert_xlsx_safe(export.multiweek_xlsx_bytes(con, ["2023-W44", "2023-W45"], config=config))
        assert set(HOSTILE[:4]) <= set(texts)
    finally:
        con.close()


def test_problem_report_workbook_has_no_formulas(tmp_path, db_path):
    rows = [{"unit": u, "level": lv, **BASE[lv]} for u, lv in UNITS]
    rows[0]["unit"] = rows[1]["unit"] = HOSTILE[0]  # a duplicated hostile unit name: an error
    rows[2]["special_lectures"] = HOSTILE[2]  # a hostile value: an error quoting it
    files = [
        write_xlsx(tmp_path / "=HYPERLINK(1).xlsx", grid(rows=rows)),
        write_csv(tmp_path / "@SUM(A1).csv", grid(unit=HOSTILE[3], rows=rows)),
    ]
    reports = load_paths(files, db_path)
    assert all(r.outcome == "rejected" for r in reports)
    texts = assert_xlsx_safe(problems_xlsx_bytes(reports))
    assert any(HOSTILE[0] in t for t in texts) and any(HOSTILE[2] in t for t in texts)


def test_csv_safe_text_helper():
    for text in HOSTILE + ["\t=1", "\r=1"]:
        assert not export.safe_csv_text(text).startswith(FORMULA_START)
    assert export.safe_csv_text("青河县") == "青河县" and export.safe_csv_text(None) == ""


def test_html_in_a_unit_name_is_shown_as_text_on_the_county_page(tmp_path, db_path):
    from streamlit.testing.v1 import AppTest

    rows = [{"unit": u, "level": lv, **BASE[lv]} for u, lv in UNITS]
    rows[0]["unit"], rows[1]["unit"], rows[1]["remarks"] = HTML, "**粗** :red[红] $x$", HTML
    [r] = load_paths([write_xlsx(tmp_path / "a.xlsx", grid(unit="青河县", rows=rows))], db_path)
    assert r.outcome == "loaded"
    page = ROOT / "pages" / "county_profile.py"
    if not page.exists():
        pytest.skip("pages/county_profile.py not there yet")
    at = AppTest.from_file(str(page), default_timeout=60)
    at.query_params["county"] = "青河县"
    at.run()
    assert not at.exception, at.exception
    # nothing may reach the browser as HTML: no element with allow_html shows the data, and markdown
    # that shows a name has its HTML escaped
    for el in list(at.markdown) + list(at.caption):
        assert "<script>" not in el.value, el.value
        assert not getattr(el.proto, "allow_html", False) or "粗体" not in el.value
    shown = []
    for df_el in at.dataframe:
        frame = df_el.value
        shown += [str(v) for v in frame.to_numpy().ravel()]
    assert HTML in shown or any(HTML in s for s in shown), (
        "the unit's name should be in the units table as text"
    )
