"""Fixtures for the scoring tests: write (county, week) submissions straight into the raw tables,
as the loader would, without going through spreadsheets."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from etl.columns import METRICS

_FLAGS = {c.id for c in METRICS if c.kind == "flag"}
_COLUMNS = ["county", "week", "version", "row_no", "unit", "level", *(c.id for c in METRICS), "remarks"]


def insert_submission(con, county: str, week: str, rows: list[dict], version: int | None = None) -> int:
    """Add a version of (county, week) made of `rows` (dicts keyed by metric id, plus unit and level;
    missing metrics are NULL) and make it current. Returns the version number."""
    if version is None:
        version = con.execute("SELECT coalesce(max(version), 0) + 1 FROM submission_versions "
                              "WHERE county = ? AND week = ?", [county, week]).fetchone()[0]
    con.execute("INSERT INTO submission_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [county, week, version, f"{county}_{week}_v{version}.xlsx", f"sha-{county}-{week}-{version}",
                 dt.datetime(2023, 11, 1, 12, 0), len(rows), "test"])
    con.execute("DELETE FROM current_versions WHERE county = ? AND week = ?", [county, week])
    con.execute("INSERT INTO current_versions VALUES (?, ?, ?)", [county, week, version])
    values = []
    for i, row in enumerate(rows):
        rec = {"county": county, "week": week, "version": version, "row_no": i + 5,
               "unit": row.get("unit", f"单位{i + 1}"), "level": row["level"], "remarks": row.get("remarks")}
        for m in METRICS:
            v = row.get(m.id)
            rec[m.id] = None if v is None else (bool(v) if m.id in _FLAGS else int(v))
        values.append([rec[c] for c in _COLUMNS])
    if values:
        marks = ", ".join("?" * len(_COLUMNS))
        con.executemany(f"INSERT INTO unit_rows ({', '.join(_COLUMNS)}) VALUES ({marks})", values)
    return version


def insert_truth(con, truth_path: str | Path) -> None:
    """Insert every (county, week) of a samples truth.json ({week: {county: [rows]}})."""
    truth = json.loads(Path(truth_path).read_text(encoding="utf-8"))
    for week, counties in truth.items():
        for county, rows in counties.items():
            insert_submission(con, county, week, rows)
