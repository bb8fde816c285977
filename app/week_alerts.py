"""The overview's 预警提示 for one week (no Streamlit here): the files rejected, the units that
had not done a [deadlines] item of config.toml once its deadline passed, and the late submissions.

Every function takes an open connection (etl.warehouse_reader.reader); SQL in named constants with
bound parameters, the only assembled text a flag metric id checked against the catalogue.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from etl import problems_english
from etl.catalogue_text import deadline_text
from etl.config import Config, default_config
from etl.problems import Problem
from etl.weeks import week_sunday

SQL_REJECTED_WEEK = """
SELECT l.county, l.file_name, l.loaded_at, l.errors,
       EXISTS (SELECT 1 FROM submissions s
               WHERE s.county = l.county AND s.week = l.week AND s.is_current) AS resubmitted
FROM load_log AS l
WHERE l.outcome = 'rejected' AND l.week = ?
ORDER BY l.loaded_at
"""
SQL_REJECTED_UNKNOWN_WEEK = "SELECT count(*) FROM load_log WHERE outcome = 'rejected' AND week IS NULL"

# {column} is a flag metric id checked against the catalogue; levels and week are bound.
SQL_DEADLINE_MISSING = """
SELECT r.county, r.unit, r.level
FROM unit_reports AS r JOIN cfg_units AS u USING (county)
WHERE r.week = ? AND list_contains(?, r.level) AND NOT coalesce(r.{column}, false)
ORDER BY u.sort_order, r.unit
"""


def error_summary(errors_json, english: bool = False) -> str:
    """The first errors of a rejected file as one line: 'G5：…；J6：…' (in English with the switch
    on: 'G5: …; J6: …')."""
    try:
        errors = json.loads(errors_json) if isinstance(errors_json, str) else (errors_json or [])
    except (TypeError, ValueError):
        return ""
    parts = []
    for e in errors[:3]:
        if english:
            p = Problem(**{k: v for k, v in e.items() if k in Problem.__dataclass_fields__})
            where, message = p.cell or (f"row {p.row}" if p.row else ""), problems_english.message(p)
            parts.append(f"{where}: {message}" if where else message)
            continue
        where = e.get("cell") or (f"第 {e['row']} 行" if e.get("row") else "")
        parts.append(f"{where}：{e.get('message', '')}" if where else e.get("message", ""))
    if len(errors) > 3:
        parts.append(f"… {len(errors)} errors in all" if english else f"等 {len(errors)} 处")
    return ("; " if english else "；").join(parts)


def rejected_files(con, week: str) -> pd.DataFrame:
    df = pd.DataFrame(
        con.execute(SQL_REJECTED_WEEK, [week]).fetchall(),
        columns=["county", "file_name", "loaded_at", "errors", "resubmitted"],
    )
    df["reason"] = [error_summary(e) for e in df["errors"]]
    df["reason_en"] = [error_summary(e, english=True) for e in df["errors"]]
    return df.drop(columns="errors")


def overdue_units(con, week: str, config: Config | None = None) -> pd.DataFrame:
    """Units that had not done the [deadlines] work of config.toml once the deadline passed: one
    row per (item, unit); empty when the week ends before every deadline."""
    config = config or default_config()
    rows = []
    for column, deadline in config.deadlines.items():
        col = config.catalogue.by_id.get(column)
        if col is None or col.kind != "flag":
            continue  # a typo in config.toml must not become SQL
        if not isinstance(deadline, dt.date) or week_sunday(week) <= deadline:
            continue
        sql = SQL_DEADLINE_MISSING.format(column=col.id)
        for county, unit, level in con.execute(sql, [week, list(col.levels)]).fetchall():
            rows.append((deadline_text(col), column, deadline, county, unit, level))
    return pd.DataFrame(rows, columns=["item", "metric", "deadline", "county", "unit", "level"])


def rejected_unknown_week(con) -> int:
    """Rejected files whose week could not be read: they belong to no week's list."""
    return con.execute(SQL_REJECTED_UNKNOWN_WEEK).fetchone()[0]


def late_submissions(con, week: str, now: dt.datetime | None = None) -> pd.DataFrame:
    """The units whose `week` was late against [deadlines] submission: submitted after the deadline
    (submitted_at set) or not yet submitted with the deadline passed at `now` (submitted_at NaT)."""
    from etl.status import BOARD_SQL

    # the board's one definition, for one week: DuckDB pushes the week down (the whole board is
    # every unit × every week, which grows with the counties and the weeks)
    sql = (
        f"SELECT county, status, submitted_at, deadline FROM ({BOARD_SQL}) "
        "WHERE week = $week AND late ORDER BY sort_order"
    )
    late = con.execute(sql, {"now": now or dt.datetime.now(), "week": week, "units": None}).df()
    return late.reset_index(drop=True)
