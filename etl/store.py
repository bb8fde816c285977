"""Writing checked files into the warehouse.

A Batch gathers the writes of one or more files in memory and sends them to DuckDB in a handful
of bulk statements (Arrow tables, never row by row) inside the caller's transaction: commits and
per-statement overhead, not the data, are what cost time with small files."""
from __future__ import annotations

import datetime as dt
import json

import pyarrow as pa

from .columns import BY_ID, METRICS
from .problems import FileReport, Problem

UNIT_ROW_COLUMNS = ("county", "week", "version", "row_no", "unit", "level",
                    *(c.id for c in METRICS), "remarks", "unit_key")
COUNT_IDS = tuple(c.id for c in METRICS if c.kind == "count")
LOG_COLUMNS = ("loaded_at", "file_name", "sha256", "county", "week", "outcome", "version", "rows",
               "errors", "warnings", "loaded_by")


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _log_row(report: FileReport, loaded_by: str | None, outcome: str | None = None) -> tuple:
    return (now(), report.file_name, report.sha256, report.county, report.week, outcome or report.outcome,
            report.version, report.rows, json.dumps([p.to_dict() for p in report.errors], ensure_ascii=False),
            json.dumps([p.to_dict() for p in report.warnings], ensure_ascii=False), loaded_by)


def log(con, report: FileReport, loaded_by: str | None, outcome: str | None = None) -> None:
    """One line of the load log, on its own (restores use this)."""
    con.execute(f"INSERT INTO load_log ({', '.join(LOG_COLUMNS)}) VALUES ({', '.join('?' * len(LOG_COLUMNS))})",
                list(_log_row(report, loaded_by, outcome)))


def set_current(con, county: str, week: str, version: int) -> None:
    con.execute("DELETE FROM current_versions WHERE county = ? AND week = ?", [county, week])
    con.execute("INSERT INTO current_versions VALUES (?, ?, ?)", [county, week, version])


class Batch:
    """The pending writes of the files loaded in one transaction."""

    def __init__(self, con, loaded_by: str | None):
        self.con, self.loaded_by = con, loaded_by
        # What the warehouse holds, read once per batch and kept up to date as files are added.
        self.current = {(c, w): v for c, w, v in con.execute(
            "SELECT county, week, version FROM current_versions").fetchall()}
        self.last_version = {(c, w): v for c, w, v in con.execute(
            "SELECT county, week, max(version) FROM submission_versions GROUP BY ALL").fetchall()}
        self.accepted: dict[str, tuple] = {}        # sha256 → (county, week, version) of accepted files
        self.pending_rows: dict[tuple, list] = {}   # (county, week) → rows, this batch
        self.archive: dict[str, bytes] = {}
        self.logs: list[tuple] = []
        self.versions: list[tuple] = []
        self.unit_rows: list[dict] = []

    def prefetch(self, sha256s: list[str]) -> None:
        """Which of these files the warehouse already holds, in one query for the whole batch."""
        # fetchall, not fetchone: DuckDB 2 refuses con.register() (flush) while a result is unfinished
        for sha, county, week, version in self.con.execute(
                "SELECT sha256, arg_max(county, loaded_at), arg_max(week, loaded_at), arg_max(version, loaded_at) "
                "FROM submission_versions WHERE sha256 IN (SELECT unnest(?::VARCHAR[])) GROUP BY sha256",
                [sha256s]).fetchall():
            self.accepted[sha] = (county, week, version)

    def known_file(self, sha256: str):
        """(county, week, version, current version) of an accepted file with these bytes, or None.
        Covers the warehouse as of prefetch() and the files accepted in this batch since."""
        hit = self.accepted.get(sha256)
        return None if hit is None else (*hit, self.current.get(hit[:2]))

    def add_archive(self, sha256: str, data: bytes) -> None:
        self.archive.setdefault(sha256, data)

    def add_log(self, report: FileReport) -> None:
        self.logs.append(_log_row(report, self.loaded_by))

    def decreases(self, county: str, week: str, rows: list[dict], sheet: str | None) -> list[Problem]:
        """Cumulative counts lower than the same unit's in the county's previous submitted week."""
        earlier_weeks = [w for (c, w) in self.current if c == county and w < week]
        if not earlier_weeks:
            return []
        prev = max(earlier_weeks)
        before = self.pending_rows.get((county, prev))
        if before is not None:
            earlier = {r["unit_key"]: tuple(r[m] for m in COUNT_IDS) for r in before}
        else:
            earlier = {row[0]: row[1:] for row in self.con.execute(
                f"SELECT coalesce(unit_key, unit), {', '.join(COUNT_IDS)} FROM unit_rows "
                "WHERE county = ? AND week = ? AND version = ?", [county, prev, self.current[county, prev]])
                .fetchall()}
        out = []
        for row in rows:
            old_values = earlier.get(row["unit_key"])
            if old_values is None:
                continue
            for metric, old in zip(COUNT_IDS, old_values):
                new = row.get(metric)
                if old is not None and new is not None and new < old:
                    out.append(Problem("W_DECREASE", f"「{row['unit']}」的「{BY_ID[metric].label}」为 {new}，"
                                       f"少于上一次报送（{prev}）的 {old}；本表应填累计数", "请核对是否填成了本周新增数",
                                       sheet=sheet, row=row["row_no"]))
        return out

    def add_submission(self, report: FileReport, rows: list[dict]) -> None:
        """A new version for (county, week), current from now on."""
        key = (report.county, report.week)
        version = self.last_version.get(key, 0) + 1
        self.last_version[key] = self.current[key] = version
        report.version, report.rows, report.resubmission = version, len(rows), version > 1
        self.versions.append((report.county, report.week, version, report.file_name, report.sha256, now(),
                              len(rows), self.loaded_by))
        self.accepted[report.sha256] = (report.county, report.week, version)
        self.pending_rows[key] = rows
        for r in rows:
            self.unit_rows.append({**r, "county": report.county, "week": report.week, "version": version})

    def flush(self) -> None:
        """Send everything gathered to DuckDB (inside the caller's transaction)."""
        con = self.con
        if self.archive:
            self._insert_arrow("file_archive", pa.table({
                "sha256": list(self.archive), "size": [len(d) for d in self.archive.values()],
                "content": pa.array(list(self.archive.values()), pa.binary()),
                "first_seen_at": [now()] * len(self.archive)}),
                where="sha256 NOT IN (SELECT sha256 FROM file_archive)")
        if self.versions:
            names = ("county", "week", "version", "file_name", "sha256", "loaded_at", "rows", "loaded_by")
            self._insert_arrow("submission_versions", _columns(names, self.versions))
            changed = {(c, w) for c, w, *_ in self.versions}
            current = pa.table({"county": [c for c, _ in changed], "week": [w for _, w in changed],
                                "version": pa.array([self.current[k] for k in changed], pa.int32())})
            con.register("batch_current", current)
            try:
                con.execute("DELETE FROM current_versions WHERE (county, week) IN "
                            "(SELECT (county, week) FROM batch_current)")
                con.execute("INSERT INTO current_versions SELECT county, week, version FROM batch_current")
            finally:
                con.unregister("batch_current")
        if self.unit_rows:
            self._insert_arrow("unit_rows", pa.table(
                {c: [r.get(c) for r in self.unit_rows] for c in UNIT_ROW_COLUMNS}, schema=_schema()))
        if self.logs:
            self._insert_arrow("load_log", _columns(LOG_COLUMNS, self.logs))

    def _insert_arrow(self, table: str, data: pa.Table, where: str = "") -> None:
        names = ", ".join(data.column_names)
        self.con.register("batch_incoming", data)
        try:
            self.con.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM batch_incoming"
                             + (f" WHERE {where}" if where else ""))
        finally:
            self.con.unregister("batch_incoming")


def _columns(names, rows) -> pa.Table:
    return pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})


_SCHEMA = None


def _schema() -> pa.Schema:
    global _SCHEMA
    if _SCHEMA is None:
        kinds = {c.id: (pa.bool_() if c.kind == "flag" else pa.int32()) for c in METRICS}
        _SCHEMA = pa.schema([(c, kinds.get(c, pa.int32() if c in ("version", "row_no") else pa.string()))
                             for c in UNIT_ROW_COLUMNS])
    return _SCHEMA
