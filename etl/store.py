"""Writing checked files into the warehouse.

A Batch gathers the writes of one or more files in memory and sends them to DuckDB in a handful
of bulk statements (Arrow tables, never row by row) inside the caller's transaction: commits and
per-statement overhead, not the data, are what cost time with small files."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .forms import Catalogue
from .packed_rows import PackedRows
from .problems import FileReport, Problem
from .unit_row_schema import arrow_rows


def count_ids(catalogue: Catalogue) -> tuple[str, ...]:
    return tuple(c.id for c in catalogue.metrics if c.kind == "count")


LOG_COLUMNS = (
    "loaded_at",
    "file_name",
    "sha256",
    "county",
    "week",
    "outcome",
    "version",
    "rows",
    "errors",
    "warnings",
    "loaded_by",
)


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _log_row(
    report: FileReport, loaded_by: str | None, outcome: str | None = None, at: dt.datetime | None = None
) -> tuple:
    return (
        at or now(),
        report.file_name,
        report.sha256,
        report.county,
        report.week,
        outcome or report.outcome,
        report.version,
        report.rows,
        json.dumps([p.to_dict() for p in report.errors], ensure_ascii=False),
        json.dumps([p.to_dict() for p in report.warnings], ensure_ascii=False),
        loaded_by,
    )


def log(con, report: FileReport, loaded_by: str | None, outcome: str | None = None) -> None:
    """One line of the load log, on its own (restores use this)."""
    con.execute(
        f"INSERT INTO load_log ({', '.join(LOG_COLUMNS)}) VALUES ({', '.join('?' * len(LOG_COLUMNS))})",
        list(_log_row(report, loaded_by, outcome)),
    )


def set_current(con, county: str, week: str, version: int) -> None:
    con.execute("DELETE FROM current_versions WHERE county = ? AND week = ?", [county, week])
    con.execute("INSERT INTO current_versions VALUES (?, ?, ?)", [county, week, version])


class Batch:
    """The pending writes of the files loaded in one transaction."""

    def __init__(self, con, loaded_by: str | None, counties=(), clock=None, *, catalogue: Catalogue):
        self.con, self.loaded_by, self.catalogue = con, loaded_by, catalogue
        self.count_ids = count_ids(catalogue)
        # clock(report) -> when this file counts as received; None = now (the demo dates its files)
        self.clock = clock
        # What the warehouse holds for the counties in this batch (read once, in one query, and kept
        # up to date as files are added): reading every county's state for every batch grows with the
        # warehouse.
        self.current: dict[tuple, int] = {}  # (county, week) → current version
        self.last_version: dict[tuple, int] = {}  # (county, week) → highest version
        self.weeks: dict[str, set] = {}  # county → weeks with a current version
        self.accepted: dict[str, tuple] = {}  # sha256 → (county, week, version) of accepted files
        # (county, week) → (its first row in this batch's unit rows, its rows), this batch
        self.pending: dict[tuple, tuple[int, PackedRows]] = {}
        self.decrease_checks: list[tuple] = []  # what add_submission left for flush to compare
        self.archive: dict[str, bytes] = {}
        self.logs: list[tuple] = []  # (time, report): the row is made at flush, warnings complete
        self.versions: list[tuple] = []
        self.unit_rows: list[tuple] = []  # (county, week, version, PackedRows) of each file
        self.n_rows = 0
        self.know(counties)

    def know(self, counties) -> None:
        """Read the versions of these counties from the warehouse, unless already known."""
        new = sorted({c for c in counties if c is not None} - self.weeks.keys())
        if not new:
            return
        for county in new:
            self.weeks[county] = set()
        for county, week, current, last in self.con.execute(
            "SELECT county, week, any_value(c.version), max(v.version) FROM submission_versions v "
            "LEFT JOIN current_versions c USING (county, week) "
            "WHERE county IN (SELECT unnest(?::VARCHAR[])) GROUP BY ALL",
            [new],
        ).fetchall():
            self.last_version[county, week] = last
            if current is not None:
                self.current[county, week] = current
                self.weeks[county].add(week)

    def prefetch(self, sha256s: list[str]) -> None:
        """Which of these files the warehouse already holds, in one query for the whole batch."""
        # fetchall, not fetchone: DuckDB 2 refuses con.register() (flush) while a result is unfinished
        for sha, county, week, version in self.con.execute(
            "SELECT sha256, arg_max(county, loaded_at), arg_max(week, loaded_at), arg_max(version, loaded_at) "
            "FROM submission_versions WHERE sha256 IN (SELECT unnest(?::VARCHAR[])) GROUP BY sha256",
            [sha256s],
        ).fetchall():
            self.accepted[sha] = (county, week, version)
        self.know(county for county, _, _ in self.accepted.values())

    def known_file(self, sha256: str):
        """(county, week, version, current version) of an accepted file with these bytes, or None.
        Covers the warehouse as of prefetch() and the files accepted in this batch since."""
        hit = self.accepted.get(sha256)
        return None if hit is None else (*hit, self.current.get(hit[:2]))

    def add_archive(self, sha256: str, data: bytes) -> None:
        self.archive.setdefault(sha256, data)

    def received_at(self, report: FileReport) -> dt.datetime:
        return self.clock(report) if self.clock else now()

    def add_log(self, report: FileReport) -> None:
        self.logs.append((self.received_at(report), report))

    def add_submission(self, report: FileReport, rows: PackedRows) -> None:
        """A new version for (county, week), current from now on. Its counts are compared with the
        county's previous submitted week at flush; a lower one adds a warning to the report."""
        key = (report.county, report.week)
        self.know([report.county])
        first, n = self.n_rows, rows.n
        weeks = self.weeks[report.county]
        earlier_weeks = [w for w in weeks if w < report.week]
        # an earlier week resubmitted: its counts may not exceed the following week's either
        later_weeks = [w for w in weeks if w > report.week]
        for other, later in (
            (max(earlier_weeks, default=None), False),
            (min(later_weeks, default=None), True),
        ):
            if other is not None and n:
                # the other week as it is now: rows of this batch, or a version in the warehouse
                self.decrease_checks.append(
                    (
                        report,
                        rows.sheet,
                        first,
                        n,
                        other,
                        self._span((report.county, other)),
                        self.current[report.county, other],
                        later,
                    )
                )
        replaced = self.current.get(key)
        if replaced is not None:
            self._check_dropped_units(report, rows, replaced)
        version = self.last_version.get(key, 0) + 1
        self.last_version[key] = self.current[key] = version
        self.weeks[report.county].add(report.week)
        report.version, report.rows, report.resubmission = version, n, version > 1
        self.versions.append(
            (
                report.county,
                report.week,
                version,
                report.file_name,
                report.sha256,
                self.received_at(report),
                n,
                self.loaded_by,
            )
        )
        self.accepted[report.sha256] = (report.county, report.week, version)
        self.pending[key] = (first, rows)
        self.unit_rows.append((report.county, report.week, version, rows))
        self.n_rows += n

    def _span(self, key: tuple) -> tuple[int, int] | None:
        """(first, count) of (county, week)'s unit rows in this batch, or None when it is not in it."""
        pending = self.pending.get(key)
        return None if pending is None else (pending[0], pending[1].n)

    def units_before(self, county: str, week: str) -> set | None:
        """The unit keys of the county's latest week before this one, as it is now (None when it has
        no earlier week): etl/identity.py asks when a file's name names another county."""
        self.know([county])
        earlier = [w for w in self.weeks[county] if w < week]
        if not earlier:
            return None
        prev = max(earlier)
        pending = self.pending.get((county, prev))
        if pending is not None:
            return set(pending[1].column("unit_key"))
        return {
            key
            for (key,) in self.con.execute(
                "SELECT coalesce(unit_key, unit) FROM unit_rows WHERE county = ? AND week = ? AND version = ?",
                [county, prev, self.current[county, prev]],
            ).fetchall()
        }

    def _check_dropped_units(self, report: FileReport, rows: PackedRows, replaced: int) -> None:
        """A correction that leaves out units of the version it replaces says which:
        their rows are no longer counted, which the clerk should know before sending it on."""
        key = (report.county, report.week)
        if key in self.pending:  # the replaced version is in this batch
            before = self.pending[key][1]
            old = dict(zip(before.column("unit_key"), before.column("unit")))
        else:
            old = dict(
                self.con.execute(
                    "SELECT coalesce(unit_key, unit), unit FROM unit_rows WHERE county = ? AND week = ? AND version = ?",
                    [report.county, report.week, replaced],
                ).fetchall()
            )
        kept = set(rows.column("unit_key"))
        gone = [name for k, name in old.items() if k not in kept]
        if gone:
            shown = "、".join(gone[:10]) + (f"等 {len(gone)} 个" if len(gone) > 10 else "")
            report.warnings.append(
                Problem(
                    "W_UNITS_DROPPED",
                    f"比它替换的 v{replaced} 少了 {len(gone)} 个单位：{shown}；这些单位本周不再计入",
                    "如是漏填，请补上后重新报送；如确已撤并，可不处理",
                )
            )

    def _check_decreases(self, rows: pa.Table) -> None:
        """Cumulative counts lower than the same unit's in the county's previous submitted week, or
        (an earlier week resubmitted) higher than in the following week; and a week whose units have
        nothing in common with the previous week's (another county's table?)."""
        ids = self.count_ids
        counts, keys = _count_matrix(rows, ids), rows.column("unit_key")
        units, row_nos = rows.column("unit"), rows.column("row_no")
        for report, sheet, first, n, other, pending, version, later in self.decrease_checks:
            # only the columns that both weeks' forms have are compared
            both = (
                self.catalogue.form_for(report.week).by_id.keys()
                & self.catalogue.form_for(other).by_id.keys()
            )
            compared = np.array([m in both for m in ids], dtype=bool)
            if pending is not None:
                old_keys, old_counts = keys.slice(*pending), counts[pending[0] : sum(pending)]
            else:
                found = self.con.sql(
                    f"SELECT coalesce(unit_key, unit) AS unit_key, {', '.join(ids)} FROM unit_rows "
                    "WHERE county = ? AND week = ? AND version = ?",
                    params=[report.county, other, version],
                ).to_arrow_table()
                old_keys, old_counts = found.column("unit_key"), _count_matrix(found, ids)
            new_keys = keys.slice(first, n)
            new_counts = counts[first : first + n]
            if new_keys.equals(old_keys):  # the usual week: the same units in the same order, row for row
                if not (((old_counts < new_counts) if later else (new_counts < old_counts)) & compared).any():
                    continue
                at = np.arange(n)
            else:  # where each unit was in the other week (-1: not there), matched in Arrow
                at = pc.index_in(new_keys, value_set=old_keys.combine_chunks()).fill_null(-1).to_numpy()
            same = np.flatnonzero(at >= 0)
            if not len(same) and len(old_keys) and not later:
                report.warnings.append(_no_common_units(report, sheet, n, other))
                continue
            ours, theirs = counts[first + same], old_counts[at[same]]
            wrong = (theirs < ours if later else ours < theirs) & compared  # NaN (a blank) is never lower
            for i, j in zip(*np.nonzero(wrong)):  # row by row, metric by metric
                row, metric = int(first + same[i]), ids[j]
                new, old = int(counts[row, j]), int(old_counts[at[same[i]], j])
                label = f"「{units[row].as_py()}」的「{self.catalogue.by_id[metric].label}」为 {new}"
                report.warnings.append(
                    Problem(
                        "W_ABOVE_NEXT_WEEK",
                        f"{label}，多于下一周（{other}）已报送的 {old}；累计数不会减少",
                        f"请核对本表与 {other} 的报表，其中之一有误",
                        sheet=sheet,
                        row=row_nos[row].as_py(),
                    )
                    if later
                    else Problem(
                        "W_DECREASE",
                        f"{label}，少于上一次报送（{other}）的 {old}；本表应填累计数",
                        "请核对是否填成了本周新增数",
                        sheet=sheet,
                        row=row_nos[row].as_py(),
                    )
                )

    def flush(self) -> None:
        """Send everything gathered to DuckDB (inside the caller's transaction)."""
        con = self.con
        if self.archive:
            self._insert_arrow(
                "file_archive",
                pa.table(
                    {
                        "sha256": list(self.archive),
                        "size": [len(d) for d in self.archive.values()],
                        "content": pa.array(list(self.archive.values()), pa.binary()),
                        "first_seen_at": [now()] * len(self.archive),
                    }
                ),
                where="sha256 NOT IN (SELECT sha256 FROM file_archive)",
            )
        if self.versions:
            names = ("county", "week", "version", "file_name", "sha256", "loaded_at", "rows", "loaded_by")
            self._insert_arrow("submission_versions", _columns(names, self.versions))
            changed = {(c, w) for c, w, *_ in self.versions}
            current = pa.table(
                {
                    "county": [c for c, _ in changed],
                    "week": [w for _, w in changed],
                    "version": pa.array([self.current[k] for k in changed], pa.int32()),
                }
            )
            con.register("batch_current", current)
            try:
                con.execute(
                    "DELETE FROM current_versions WHERE (county, week) IN "
                    "(SELECT (county, week) FROM batch_current)"
                )
                con.execute("INSERT INTO current_versions SELECT county, week, version FROM batch_current")
            finally:
                con.unregister("batch_current")
        if self.unit_rows:
            rows = arrow_rows(self.unit_rows, self.catalogue)
            if self.decrease_checks:
                self._check_decreases(rows)
            self._insert_arrow("unit_rows", rows)
        if self.logs:
            logs = [_log_row(report, self.loaded_by, at=at) for at, report in self.logs]
            self._insert_arrow("load_log", _columns(LOG_COLUMNS, logs))

    def _insert_arrow(self, table: str, data: pa.Table, where: str = "") -> None:
        names = ", ".join(data.column_names)
        self.con.register("batch_incoming", data)
        try:
            self.con.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM batch_incoming"
                + (f" WHERE {where}" if where else "")
            )
        finally:
            self.con.unregister("batch_incoming")


def _no_common_units(report: FileReport, sheet: str | None, n: int, prev: str) -> Problem:
    return Problem(
        "W_UNITS_CHANGED",
        f"本表的 {n} 个单位与{report.county}上一次报送（{prev}）的单位没有一个相同",
        f"请核对文件是否是{report.county}的表（可能发错了县，或填报单位填错）",
        sheet=sheet,
    )


def _count_matrix(rows: pa.Table, ids: tuple[str, ...]) -> np.ndarray:
    """The count metrics as one float matrix, a row per unit row (NaN = blank), straight from Arrow
    rather than from lists holding None (docs/performance.md)."""
    return (
        np.column_stack([rows.column(m).to_numpy() for m in ids]).astype(float, copy=False)
        if rows.num_rows
        else np.empty((0, len(ids)))
    )


def _columns(names, rows) -> pa.Table:
    return pa.table({n: [r[i] for r in rows] for i, n in enumerate(names)})
