"""The load history, the versions of a county's week, and restoring an earlier version."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from app.labels import label
from app.office_problems import PROBLEM_COLUMNS, problems_frame
from app.users import (
    require_submitter,
)
from etl import audit
from etl.config import Config, default_config, warehouse_path
from etl.problems import FileReport, Problem
from etl.store import log, set_current
from etl.warehouse_reader import NoWarehouse, read_df, reader
from etl.write_session import write_session

SQL_HISTORY = """
SELECT id, loaded_at, outcome, county, week, version, rows, file_name,
       coalesce(json_array_length(errors), 0) AS errors,
       coalesce(json_array_length(warnings), 0) AS warnings,
       loaded_by, sha256
FROM load_log
WHERE (? IS NULL OR county = ?) AND (? IS NULL OR week = ?)
ORDER BY id DESC
LIMIT ?
"""

SQL_VERSIONS = """
SELECT v.version, v.file_name, v.loaded_at, v.rows, v.loaded_by, v.sha256,
       (c.version IS NOT NULL) AS is_current
FROM submission_versions AS v
LEFT JOIN current_versions AS c USING (county, week, version)
WHERE v.county = ? AND v.week = ?
ORDER BY v.version
"""


def load_history(
    db_path, county: str | None = None, week: str | None = None, limit: int = 500
) -> pd.DataFrame:
    """The load log, newest first: every upload (loaded / unchanged / rejected) and restore, with
    who did it, the version and the number of errors and warnings."""
    return read_df(db_path, SQL_HISTORY, [county, county, week, week, int(limit)])


def log_row(db_path, log_id: int):
    """(file_name, county, week, outcome, errors, warnings) of one load-log line, or None."""
    with reader(db_path) as con:
        return con.execute(
            "SELECT file_name, county, week, outcome, errors, warnings FROM load_log WHERE id = ?",
            [int(log_id)],
        ).fetchone()


def history_problems(db_path, log_id: int, english: bool = False) -> pd.DataFrame:
    """The problems recorded with one load-log line, as problems_frame shows them."""
    row = log_row(db_path, log_id)
    if row is None:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    return problems_frame(report_from_log(row), english=english)


def report_from_log(row) -> FileReport:
    file_name, county, week, outcome, errors, warnings = row

    def probs(text):
        return [Problem(**p) for p in json.loads(text or "[]")]

    return FileReport(
        file_name, county=county, week=week, outcome=outcome, errors=probs(errors), warnings=probs(warnings)
    )


def versions(db_path, county: str, week: str) -> pd.DataFrame:
    """Every accepted version of one (county, week) submission, with which one is current."""
    return read_df(db_path, SQL_VERSIONS, [county, week])


def submitted_pairs(db_path) -> pd.DataFrame:
    """(county, week, versions, current_version) of every submission that has a version."""
    return read_df(
        db_path,
        "SELECT county, week, count(*) AS versions, "
        "max(version) FILTER (WHERE is_current) AS current_version "
        "FROM submissions GROUP BY ALL ORDER BY week DESC, county",
    )


@dataclass
class RestoreResult:
    county: str
    week: str
    version: int
    previous_version: int | None
    file_name: str
    outcome: str  # restored | unchanged

    def summary(self, english: bool = False) -> str:
        if self.outcome == "unchanged":
            return label("{county} {week} 的当前版本已是 v{version}，无需恢复。", english, **self._values())
        return label(
            "已将 {county} {week} 恢复为 v{version}（{file_name}），原当前版本 v{previous_version} 仍保留在历史中。",
            english,
            **self._values(),
        )

    def _values(self) -> dict:
        return dict(
            county=self.county,
            week=self.week,
            version=self.version,
            file_name=self.file_name,
            previous_version=self.previous_version,
        )


def restore_version(
    user, county: str, week: str, version: int, db_path=None, *, config: Config | None = None, users_file=None
) -> RestoreResult:
    """Make an earlier accepted version of (county, week) the current one again, in one
    transaction, recorded in load_log and the audit trail as 'restored' by the user. Nothing is
    deleted. A county account restores its own unit's versions only."""
    user, _ = require_submitter(user, county, users_file)
    config = config or default_config()
    db_path = Path(db_path) if db_path else warehouse_path(None, config)
    if not db_path.exists():
        raise NoWarehouse(str(db_path))
    version = int(version)
    with write_session(db_path, config) as session, session.transaction() as con:
        row = con.execute(
            "SELECT file_name, sha256, rows FROM submission_versions "
            "WHERE county = ? AND week = ? AND version = ?",
            [county, week, version],
        ).fetchall()
        row = row[0] if row else None
        if row is None:
            raise ValueError(f"{county} {week} 没有版本 v{version}")
        # fetchall, not fetchone: DuckDB 2 keeps a half-read result open on the connection
        current = con.execute(
            "SELECT version FROM current_versions WHERE county = ? AND week = ?", [county, week]
        ).fetchall()
        current = current[0][0] if current else None
        result = RestoreResult(
            county, week, version, current, row[0], "unchanged" if current == version else "restored"
        )
        if result.outcome == "restored":
            set_current(con, county, week, version)
            entry = FileReport(row[0], row[1], county, week, "restored", version, row[2])
            if current is not None:
                entry.warnings.append(Problem("I_RESTORED", f"由 v{current} 恢复为 v{version}"))
            log(con, entry, user.name, outcome="restored")
            audit.record_reports(con, [entry], user.name)
    return result


def archived_file(db_path, sha256: str) -> bytes | None:
    """The original bytes of a file the office received (accepted or rejected)."""
    with reader(db_path) as con:
        row = con.execute("SELECT content FROM file_archive WHERE sha256 = ?", [sha256]).fetchone()
    return bytes(row[0]) if row else None
