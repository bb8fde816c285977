"""The shared sample files load or are rejected exactly as their manifest says, with truth.json's values."""

from __future__ import annotations

import json

import duckdb
import pytest

from etl.columns import METRIC_IDS
from etl.load import load_paths

from .conftest import require_samples


def _truth(folder):
    return json.loads((require_samples() / folder / "truth.json").read_text(encoding="utf-8"))


def _manifest():
    return json.loads((require_samples() / "dispatch" / "manifest.json").read_text(encoding="utf-8"))


def _rows(db, county, week):
    con = duckdb.connect(str(db), read_only=True)
    try:
        cur = con.execute(
            f"SELECT unit, level, {', '.join(METRIC_IDS)}, remarks FROM unit_reports "
            "WHERE county = ? AND week = ? ORDER BY unit",
            [county, week],
        )
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
    finally:
        con.close()


def _as_truth(rows):
    """truth.json writes flags as 0/1."""
    return sorted(
        ({k: (int(v) if isinstance(v, bool) else v) for k, v in r.items()} for r in rows),
        key=lambda r: r["unit"],
    )


@pytest.fixture(scope="module")
def round1(tmp_path_factory):
    db = tmp_path_factory.mktemp("samples") / "w.duckdb"
    reports = load_paths([require_samples() / "dispatch"], db)
    return db, {r.file_name: r for r in reports}


def test_every_file_loads_or_is_rejected_as_the_manifest_says(round1):
    _db, reports = round1
    for entry in _manifest():
        if entry["kind"] == "round2":
            continue
        report = reports[entry["file"].split("/")[-1]]
        if entry["kind"] == "good":
            assert report.outcome == "loaded", (entry, [p.text() for p in report.errors])
            assert (report.county, report.week) == (entry["county"], entry["week"])
        else:
            assert report.outcome == "rejected", entry
            assert report.errors, entry


@pytest.mark.parametrize(
    "why,code,cell",
    [
        ("negative", "E_NEGATIVE", "I7"),
        ("relation", "E_RELATION", "AA24"),
        ("duplicate_unit", "E_DUPLICATE_UNIT", "B8"),
        ("unknown_level", "E_UNKNOWN_LEVEL", "C9"),
        ("text_in_count", "E_NOT_A_NUMBER", "J6"),
        ("fraction", "E_FRACTION", "G5"),
        ("unknown_county", "E_UNIT_UNKNOWN", "A2"),
        ("no_week", "E_WEEK_MISSING", None),
        ("missing_column", "E_MISSING_COLUMN", None),
        ("not_a_spreadsheet", "E_NOT_A_SPREADSHEET", None),
    ],
)
def test_each_defect_is_named_with_its_code_and_cell(round1, why, code, cell):
    _db, reports = round1
    entry = next(e for e in _manifest() if e.get("why") == why)
    report = reports[entry["file"].split("/")[-1]]
    assert code in {p.code for p in report.errors}, [p.text() for p in report.errors]
    if cell:
        assert cell in {p.cell for p in report.errors if p.code == code}
    assert all(p.message for p in report.errors)


def test_loaded_values_equal_truth(round1):
    db, _ = round1
    for week, counties in _truth("dispatch").items():
        for county, rows in counties.items():
            assert _as_truth(_rows(db, county, week)) == _as_truth(rows), (county, week)


def test_rejected_resubmissions_leave_the_good_version_current(round1):
    db, _ = round1
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM submissions WHERE NOT is_current").fetchone()[0] == 0
        assert con.execute("SELECT max(version) FROM submissions").fetchone()[0] == 1
        assert con.execute("SELECT count(*) FROM submissions").fetchone()[0] == 21
        assert con.execute("SELECT count(*) FROM load_log WHERE outcome = 'rejected'").fetchone()[0] == 10
        # the bytes of every file, accepted or rejected, are archived under their hash
        assert con.execute("SELECT count(*) FROM file_archive").fetchone()[0] == 31
    finally:
        con.close()


def test_loading_the_folder_twice_adds_nothing(tmp_path):
    db = tmp_path / "w.duckdb"
    load_paths([require_samples() / "dispatch"], db)
    again = load_paths([require_samples() / "dispatch"], db)
    assert {r.outcome for r in again} == {"unchanged", "rejected", "skipped"}
    # the samples' own notes are named as skipped, not loaded
    assert {r.file_name for r in again if r.outcome == "skipped"} == {
        "manifest.json",
        "truth.json",
        "expected.json",
    }
    assert sum(r.outcome == "unchanged" for r in again) == 21
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*), max(version) FROM submissions").fetchone() == (21, 1)
    assert con.execute("SELECT count(*) FROM unit_rows").fetchone()[0] == sum(
        len(rows) for c in _truth("dispatch").values() for rows in c.values()
    )
    con.close()


def test_round2_corrections_become_current_with_history(tmp_path):
    db = tmp_path / "w.duckdb"
    load_paths([require_samples() / "dispatch"], db)
    reports = [r for r in load_paths([require_samples() / "dispatch-round2"], db) if r.outcome != "skipped"]
    assert [r.outcome for r in reports] == ["loaded", "loaded"]
    assert all(r.resubmission and r.version == 2 for r in reports)
    for week, counties in _truth("dispatch-round2").items():
        for county, rows in counties.items():
            assert _as_truth(_rows(db, county, week)) == _as_truth(rows), (county, week)
    con = duckdb.connect(str(db), read_only=True)
    history = con.execute(
        "SELECT county, week, version, is_current FROM submissions "
        "WHERE version > 1 OR NOT is_current ORDER BY ALL"
    ).fetchall()
    con.close()
    assert history == [
        ("松岭县", "2023-W37", 1, False),
        ("松岭县", "2023-W37", 2, True),
        ("西山区", "2023-W38", 1, False),
        ("西山区", "2023-W38", 2, True),
    ]
