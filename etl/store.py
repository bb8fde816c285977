"""Writing one checked file into the warehouse: one transaction, all rows or nothing."""
from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa

from .cells import name_key
from .columns import METRICS
from .problems import FileReport, Problem

UNIT_ROW_COLUMNS = ("county", "week", "version", "row_no", "unit", "level",
                    *(c.id for c in METRICS), "remarks", "unit_key")


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def known_file(con, sha256: str):
    """(county, week, version, current version) of an accepted file with these exact bytes, or None."""
    return con.execute(
        "SELECT v.county, v.week, v.version, c.version FROM submission_versions v "
        "LEFT JOIN current_versions c USING (county, week) WHERE v.sha256 = ? "
        "ORDER BY v.loaded_at DESC LIMIT 1", [sha256]).fetchone()


def archive(con, sha256: str, data: bytes) -> None:
    con.execute("INSERT INTO file_archive SELECT ?, ?, ?, ? WHERE NOT EXISTS "
                "(SELECT 1 FROM file_archive WHERE sha256 = ?)", [sha256, len(data), data, now(), sha256])


def log(con, report: FileReport, loaded_by: str | None, outcome: str | None = None) -> None:
    con.execute(
        "INSERT INTO load_log (loaded_at, file_name, sha256, county, week, outcome, version, rows, errors, "
        "warnings, loaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [now(), report.file_name, report.sha256, report.county, report.week, outcome or report.outcome,
         report.version, report.rows, json.dumps([p.to_dict() for p in report.errors], ensure_ascii=False),
         json.dumps([p.to_dict() for p in report.warnings], ensure_ascii=False), loaded_by])


def decreases(con, county: str, week: str, rows: list[dict], sheet: str | None) -> list[Problem]:
    """Cumulative counts lower than the same unit's count in the previous submitted week."""
    prev = con.execute("SELECT max(week) FROM current_versions WHERE county = ? AND week < ?",
                       [county, week]).fetchone()[0]
    if prev is None:
        return []
    counts = [c.id for c in METRICS if c.kind == "count"]
    cols = ", ".join(f"r.{c}" for c in counts)
    earlier = {row[0]: row[1:] for row in con.execute(
        f"SELECT coalesce(r.unit_key, r.unit), {cols} FROM unit_rows r JOIN current_versions c "
        "USING (county, week, version) WHERE r.county = ? AND r.week = ?", [county, prev]).fetchall()}
    from .columns import BY_ID
    out = []
    for row in rows:
        before = earlier.get(row.get("unit_key") or name_key(row["unit"]))
        if before is None:
            continue
        for metric, old in zip(counts, before):
            new = row.get(metric)
            if old is not None and new is not None and new < old:
                out.append(Problem("W_DECREASE", f"「{row['unit']}」的「{BY_ID[metric].label}」为 {new}，"
                                   f"少于上一次报送（{prev}）的 {old}；本表应填累计数", "请核对是否填成了本周新增数",
                                   sheet=sheet, row=row["row_no"]))
    return out


def insert_submission(con, report: FileReport, rows: list[dict], loaded_by: str | None) -> None:
    """Add a new version for (county, week), make it current, and log it. Caller holds a transaction."""
    version = con.execute("SELECT coalesce(max(version), 0) + 1 FROM submission_versions "
                          "WHERE county = ? AND week = ?", [report.county, report.week]).fetchone()[0]
    report.version, report.rows, report.resubmission = version, len(rows), version > 1
    con.execute("INSERT INTO submission_versions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [report.county, report.week, version, report.file_name, report.sha256, now(), len(rows), loaded_by])
    table = pa.table({
        col: [report.county] * len(rows) if col == "county" else
        [report.week] * len(rows) if col == "week" else
        [version] * len(rows) if col == "version" else
        [r.get(col) for r in rows]
        for col in UNIT_ROW_COLUMNS
    }, schema=_schema())
    con.register("incoming_rows", table)
    try:
        con.execute(f"INSERT INTO unit_rows ({', '.join(UNIT_ROW_COLUMNS)}) "
                    f"SELECT {', '.join(UNIT_ROW_COLUMNS)} FROM incoming_rows")
    finally:
        con.unregister("incoming_rows")
    set_current(con, report.county, report.week, version)


def set_current(con, county: str, week: str, version: int) -> None:
    con.execute("DELETE FROM current_versions WHERE county = ? AND week = ?", [county, week])
    con.execute("INSERT INTO current_versions VALUES (?, ?, ?)", [county, week, version])


_SCHEMA = None


def _schema() -> pa.Schema:
    global _SCHEMA
    if _SCHEMA is None:
        kinds = {c.id: (pa.bool_() if c.kind == "flag" else pa.int32()) for c in METRICS}
        _SCHEMA = pa.schema([(c, kinds.get(c, pa.int32() if c in ("version", "row_no") else pa.string()))
                             for c in UNIT_ROW_COLUMNS])
    return _SCHEMA
