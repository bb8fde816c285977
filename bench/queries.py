"""Timing the statements the pages run, on their own, on a read-only connection.

The statements come from bench.pages (recorded while AppTest rendered each page) and, always, from
calling the query functions of etl/scoring.py for one week and one county (so the benchmark has
numbers even before the pages exist, and the library's functions are covered on their own).
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import duckdb

from etl.warehouse import DUCKDB_SETTINGS


def percentile(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def scoring_statements(db: Path, week: str, county: str) -> list[dict]:
    """Call every query function of etl.scoring once (recorded) and return the statements, labelled
    with the function that ran them."""
    from etl import scoring
    from etl.warehouse_reader import reader

    from .pages import Recorder

    calls = {
        "ranking": lambda con: scoring.ranking(con, week),
        "ranking(by=study)": lambda con: scoring.ranking(con, week, by="study"),
        "county_scores(week)": lambda con: scoring.county_scores(con, week=week),
        "level_scores(week)": lambda con: scoring.level_scores(con, week=week),
        "level_scores(county)": lambda con: scoring.level_scores(con, county=county),
        "city_profile": lambda con: scoring.city_profile(con, week),
        "level_matrix": lambda con: scoring.level_matrix(con, week),
        "indicator_detail": lambda con: scoring.indicator_detail(con, county, week),
        "unit_indicator_detail": lambda con: scoring.unit_indicator_detail(con, county, week),
        "trend": lambda con: scoring.trend(con),
        "not_submitted": lambda con: scoring.not_submitted(con, week),
        "weeks_with_data": lambda con: scoring.weeks_with_data(con),
    }
    rec = Recorder()
    rec.install()
    try:
        for name, fn in calls.items():
            rec.page = f"etl.scoring.{name}"
            with reader(db) as con:
                t = time.perf_counter()
                fn(con)
                rec.add("-- python total", [], time.perf_counter() - t)
            rec.page = None
    finally:
        rec.uninstall()
    return rec.log


def time_statements(db: Path, log: list[dict], runs: int = 20, slow_s: float | None = None) -> dict:
    """Per page (the log's `page` label): every distinct statement run `runs` times in page order on
    one read-only connection; p50/p95 per statement and of the page's total per run. The connect rows
    are timed as connections opened and closed. A statement whose first run takes more than slow_s
    runs three times only (at scale, one such statement would otherwise take the whole bench)."""
    pages: dict[str, list[tuple[str, tuple]]] = {}
    python_total: dict[str, float] = {}
    connects: dict[str, int] = {}
    for q in log:
        if q["sql"] == "-- python total":
            python_total[q["page"]] = q["seconds"]
            continue
        if q["sql"] == "-- connect":
            connects[q["page"]] = connects.get(q["page"], 0) + 1
            continue
        params = q["params"]
        key = (q["sql"], tuple(params) if isinstance(params, list) else tuple(sorted(params.items())))
        pages.setdefault(q["page"], [])
        if key not in pages[q["page"]]:
            pages[q["page"]].append(key)

    connect_times = []  # before the timing connection opens: DuckDB reuses an open database
    for _ in range(runs):
        t = time.perf_counter()
        duckdb.connect(str(db), read_only=True, config=dict(DUCKDB_SETTINGS)).close()
        connect_times.append(time.perf_counter() - t)
    con = duckdb.connect(str(db), read_only=True, config=dict(DUCKDB_SETTINGS))
    out = {}
    try:
        for page, stmts in pages.items():
            samples = {i: [] for i in range(len(stmts))}
            totals, failed = [], {}
            for _ in range(runs):
                total = 0.0
                for i, (sql, params) in enumerate(stmts):
                    if i in failed or (slow_s and len(samples[i]) >= 3 and samples[i][0] > slow_s):
                        continue
                    t = time.perf_counter()
                    try:
                        args = dict(params) if params and isinstance(params[0], tuple) else list(params)
                        con.execute(sql, args).fetchall()
                    except duckdb.Error as exc:  # a write, or a statement that needs its session
                        failed[i] = f"{type(exc).__name__}: {str(exc)[:120]}"
                        continue
                    dt_ = time.perf_counter() - t
                    samples[i].append(dt_)
                    total += dt_
                totals.append(total)
            statements = []
            for i, (sql, params) in enumerate(stmts):
                s = samples[i]
                statements.append(
                    {
                        "sql": " ".join(sql.split())[:400],
                        "params": list(params),
                        "p50_ms": 1e3 * statistics.median(s) if s else None,
                        "p95_ms": 1e3 * percentile(s, 0.95) if s else None,
                        "error": failed.get(i),
                    }
                )
            timed = [s for s in statements if s["p95_ms"] is not None]
            out[page] = {
                "statements": statements,
                "count": len(stmts),
                "connects": connects.get(page, 0),
                "max_p95_ms": max((s["p95_ms"] for s in timed), default=0.0),
                "total_p50_ms": 1e3 * statistics.median(totals) if totals else 0.0,
                "total_p95_ms": 1e3 * percentile(totals, 0.95) if totals else 0.0,
                "python_total_ms": 1e3 * python_total[page] if page in python_total else None,
            }
        out["_connect"] = {
            "p50_ms": 1e3 * statistics.median(connect_times),
            "p95_ms": 1e3 * percentile(connect_times, 0.95),
        }
    finally:
        con.close()
    return out
