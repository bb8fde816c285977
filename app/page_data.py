"""The dashboard's reads (no Streamlit here): what etl.scoring does not already give, plus one bundle
per page so that a page render opens the warehouse once.

Every function takes an open connection (etl.warehouse_reader.reader). SQL lives in named constants with `?`
parameters; the only assembled SQL text is a metric column name checked against the catalogue (forms.toml).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from app import week_alerts
from etl import county_window, scoring
from etl.config import DIMENSIONS, LEVELS, Config, default_config
from etl.weeks import previous_week

# --- data status ---------------------------------------------------------------------------------

SQL_LAST_LOAD = """
SELECT coalesce((SELECT max(loaded_at) FROM load_log WHERE outcome IN ('loaded', 'restored')),
                (SELECT max(loaded_at) FROM submissions))
"""
SQL_ANY_LOAD = "SELECT count(*) FROM load_log"


def data_status(con) -> dict:
    """What the 数据截至 line shows: the last load that changed data and the weeks with data."""
    weeks = scoring.weeks_with_data(con)
    return {
        "last_load": con.execute(SQL_LAST_LOAD).fetchone()[0],
        "weeks": weeks,
        "files_seen": con.execute(SQL_ANY_LOAD).fetchone()[0],
        "counties": county_window.county_count(con),
    }


# --- scores not in etl.scoring ----------------------------------------------------------------------

SQL_CITY_SCORES = """
SELECT c.week, c.dimension, round(c.score, 1) AS shown, w.expected_progress
FROM city_scores AS c LEFT JOIN cfg_weeks AS w USING (week)
ORDER BY c.week
"""
SQL_COUNTY_INDICATORS = """
SELECT s.county, s.indicator, any_value(s.label) AS label, any_value(d.sort_order) AS sort_order,
       sum(s.achieved) AS achieved, sum(s.target) AS target, sum(s.capped) AS capped,
       round(100 * sum(s.capped) / sum(s.target), 1) AS percent
FROM indicator_scores AS s
JOIN indicator_defs AS d USING (indicator)
JOIN cfg_units AS u ON u.county = s.county AND u.is_county
WHERE s.week = ? AND s.dimension = ?
GROUP BY s.county, s.indicator
ORDER BY sort_order, percent DESC
"""
SQL_COUNTY_INDICATORS_OF = SQL_COUNTY_INDICATORS.replace(
    "WHERE s.week = ? AND s.dimension = ?",
    "WHERE s.week = ? AND s.dimension = ? AND list_contains(?, s.county)",
)
# the villages' weakest indicators of the counties asked about (the cold-bottom ones a page names)
SQL_VILLAGE_WEAKEST = """
SELECT county, label, round(100 * rate, 1) AS percent
FROM indicator_scores
WHERE week = ? AND level = '村级' AND list_contains(?, county)
ORDER BY county, rate, label
"""
SQL_RANK_HISTORY = """
SELECT week, rank, rank_change, shown FROM dimension_rankings
WHERE county = ? AND dimension = 'composite' ORDER BY week
"""
SQL_COUNTY_COUNT = "SELECT count(*) FROM cfg_units WHERE is_county"
# A unit's scores by the same rules as a level (mean of its indicator rates, weighted composite);
# only for ordering the units table, never ranked or exported.
SQL_UNIT_SCORES = """
WITH ud AS (
    SELECT week, unit, level, dimension, 100 * avg(capped / target) AS score
    FROM unit_indicators WHERE county = ? AND week = ?
    GROUP BY week, unit, level, dimension
)
SELECT unit, level, dimension, round(score, 1) AS shown FROM ud
UNION ALL
SELECT unit, level, 'composite', round(sum(w.weight * score) / sum(w.weight), 1)
FROM ud JOIN cfg_weights AS w USING (week, dimension)
GROUP BY unit, level
"""
SQL_UNIT_WEAKEST = """
SELECT unit, label, round(100 * capped / target, 1) AS percent
FROM unit_indicators WHERE county = ? AND week = ?
ORDER BY unit, capped / target, label
"""
SQL_COUNTY_SUBMISSIONS = """
SELECT week, version, file_name, loaded_at, rows, is_current
FROM submissions WHERE county = ? ORDER BY week DESC, version DESC
"""
SQL_COUNTY_REJECTED = """
SELECT week, file_name, loaded_at, errors FROM load_log
WHERE county = ? AND outcome = 'rejected' ORDER BY loaded_at DESC
"""


def city_scores(con) -> pd.DataFrame:
    return pd.DataFrame(
        con.execute(SQL_CITY_SCORES).fetchall(), columns=["week", "dimension", "shown", "expected_progress"]
    )


def county_indicators(con, week: str, dimension: str, counties: list[str] | None = None) -> pd.DataFrame:
    """Each indicator of one area for every county (or `counties`), pooled over the county's levels:
    Σ achieved, Σ target, Σ capped and the rate in percent (capped ÷ target)."""
    sql, params = (
        (SQL_COUNTY_INDICATORS, [week, dimension])
        if counties is None
        else (SQL_COUNTY_INDICATORS_OF, [week, dimension, list(counties)])
    )
    return pd.DataFrame(
        con.execute(sql, params).fetchall(),
        columns=["county", "indicator", "label", "sort_order", "achieved", "target", "capped", "percent"],
    )


def weakest(df: pd.DataFrame, key: str, n: int = 3) -> dict[str, str]:
    """'集中学习 32.0%、问题整改 41.5%' of the n lowest rates per key (rows come sorted by rate)."""
    return {
        k: "、".join(f"{r.label} {r.percent:.1f}%" for r in g.head(n).itertuples())
        for k, g in df.groupby(key, sort=False)
    }


def village_weakest(con, week: str, counties: list[str], n: int = 3) -> dict[str, str]:
    """The n weakest village-level indicators of each of `counties` (those a page names)."""
    if not counties:
        return {}
    df = pd.DataFrame(
        con.execute(SQL_VILLAGE_WEAKEST, [week, list(counties)]).fetchall(),
        columns=["county", "label", "percent"],
    )
    return weakest(df, "county", n)


def unit_table(con, county: str, week: str) -> pd.DataFrame:
    """One row per unit of the county's week, weakest composite first, with its lowest indicators."""
    long = pd.DataFrame(
        con.execute(SQL_UNIT_SCORES, [county, week]).fetchall(),
        columns=["unit", "level", "dimension", "shown"],
    )
    cols = ["unit", "level", "composite", *DIMENSIONS, "weakest"]
    if long.empty:
        return pd.DataFrame(columns=cols)
    wide = long.pivot_table(index=["unit", "level"], columns="dimension", values="shown").reset_index()
    wide = wide.reindex(columns=["unit", "level", "composite", *DIMENSIONS])
    weak = pd.DataFrame(
        con.execute(SQL_UNIT_WEAKEST, [county, week]).fetchall(), columns=["unit", "label", "percent"]
    )
    wide["weakest"] = wide["unit"].map(weakest(weak, "unit", 2))
    wide["_l"] = wide["level"].map({lv: i for i, lv in enumerate(LEVELS)})
    return wide.sort_values(["composite", "_l", "unit"]).drop(columns="_l").reset_index(drop=True)[cols]


def county_files(con, county: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    subs = pd.DataFrame(
        con.execute(SQL_COUNTY_SUBMISSIONS, [county]).fetchall(),
        columns=["week", "version", "file_name", "loaded_at", "rows", "is_current"],
    )
    rej = pd.DataFrame(
        con.execute(SQL_COUNTY_REJECTED, [county]).fetchall(),
        columns=["week", "file_name", "loaded_at", "errors"],
    )
    rej["reason"] = [week_alerts.error_summary(e) for e in rej["errors"]]
    rej["reason_en"] = [week_alerts.error_summary(e, english=True) for e in rej["errors"]]
    return subs, rej.drop(columns="errors")


def trend_long(con, by: str, weeks: list[str], counties: list[str] | None = None) -> pd.DataFrame:
    """scoring.trend as a long table (county, week, score) without empty cells, for line charts."""
    wide = scoring.trend(con, by=by, weeks=weeks, counties=counties)
    if wide.empty:
        return pd.DataFrame(columns=["county", "week", "score"])
    long = wide.reset_index(names="county").melt(id_vars="county", var_name="week", value_name="score")
    long["score"] = long["score"].astype("float64")
    return long.dropna(subset=["score"]).reset_index(drop=True)


def progress_by_week(weeks: list[str], config: Config | None = None) -> pd.DataFrame:
    config = config or default_config()
    return pd.DataFrame(
        {"week": weeks, "expected_progress": [round(scoring.expected_progress(w, config), 1) for w in weeks]}
    )


# --- one bundle per page ------------------------------------------------------------------------------


def _shown(con, week: str, by: str, window: county_window.Window | None, config: Config) -> list[str] | None:
    """The counties a page draws (etl.county_window) and 市直单位 (the heat map's 市级 row); None =
    every county (bulletins, exports)."""
    if window is None:
        return None
    return [*county_window.counties(con, week, by, window), config.city_direct]


def overview_data(
    con,
    week: str,
    config: Config | None = None,
    now: dt.datetime | None = None,
    window: county_window.Window | None = None,
) -> dict:
    """`window`: only the counties the page draws (the counts stay over every county)."""
    config = config or default_config()
    weeks = scoring.weeks_with_data(con)
    prev = previous_week(week)
    has_prev = prev in weeks
    shown = _shown(con, week, "composite", window, config)
    ranking = scoring.ranking(con, week, counties=shown)
    prev_ranking = scoring.ranking(con, prev, counties=shown) if has_prev else None
    counts = scoring.ranking_counts(con, week)
    prev_counts = scoring.ranking_counts(con, prev) if has_prev else None
    city = city_scores(con)
    city_now = city[(city.week == week) & (city.dimension == "composite")]["shown"]
    city_prev = city[(city.week == prev) & (city.dimension == "composite")]["shown"]
    trend = scoring.trend(con, weeks=[w for w in weeks if w <= week], counties=shown)
    levels = scoring.level_scores(con, week=week, dimensions=["composite"], counties=shown)
    matrix = scoring.level_matrix(con, week, levels=levels)
    flagged = ranking[ranking.cold_bottom].sort_values("gradient", ascending=False)

    return {
        "week": week,
        "prev_week": prev if has_prev else None,
        "expected_progress": scoring.expected_progress(week, config),
        "n_counties": con.execute(SQL_COUNTY_COUNT).fetchone()[0],
        "counts": counts,
        "prev_counts": prev_counts,
        "ranking": ranking,
        "prev_ranking": prev_ranking,
        "city_composite": float(city_now.iloc[0]) if len(city_now) else None,
        "city_composite_prev": float(city_prev.iloc[0]) if len(city_prev) else None,
        "red_lights": counts["red_lights"],
        "red_lights_prev": prev_counts["red_lights"] if prev_counts else None,
        "red_counties": ranking.loc[
            (ranking[[f"light_{d}" for d in DIMENSIONS]] == "红").any(axis=1), "county"
        ].tolist(),
        "trend": trend,
        "matrix": matrix,
        "levels": levels[levels.dimension == "composite"].reset_index(drop=True),
        "city_profile": scoring.city_profile(con, week),
        "village_weakest": village_weakest(con, week, flagged["county"].tolist()),
        "not_submitted": scoring.not_submitted(con, week),
        "city_direct_submitted": scoring.city_direct_submitted(con, week, config),
        "rejected": week_alerts.rejected_files(con, week),
        "rejected_unknown_week": week_alerts.rejected_unknown_week(con),
        "overdue": week_alerts.overdue_units(con, week, config),
        "late": week_alerts.late_submissions(con, week, now),
    }


def dimension_data(
    con, week: str, dimension: str, config: Config | None = None, window: county_window.Window | None = None
) -> dict:
    config = config or default_config()
    weeks = [w for w in scoring.weeks_with_data(con) if w <= week]
    shown = _shown(con, week, dimension, window, config)
    ranking = scoring.ranking(con, week, by=dimension, counties=shown)
    levels = scoring.level_scores(con, week=week, dimensions=[dimension], counties=shown)
    levels = levels[levels.county != config.city_direct]
    city = city_scores(con)
    return {
        "week": week,
        "dimension": dimension,
        "expected_progress": scoring.expected_progress(week, config),
        "ranking": ranking,
        "counts": scoring.ranking_counts(con, week, dimension),
        "not_submitted": scoring.not_submitted(con, week),
        "indicators": county_indicators(con, week, dimension, shown),
        "levels": levels.reset_index(drop=True),
        "trend": trend_long(con, dimension, weeks, shown),
        "city_trend": city[(city.dimension == dimension) & city.week.isin(weeks)].reset_index(drop=True),
        "progress": progress_by_week(weeks, config),
    }


def temperature_data(
    con,
    week: str,
    dimension: str = "composite",
    config: Config | None = None,
    window: county_window.Window | None = None,
) -> dict:
    """`window` (ordered by gradient at national scale): only the counties the page draws."""
    config = config or default_config()
    shown = _shown(con, week, "composite", window, config)
    ranking = scoring.ranking(con, week, counties=shown)
    every = scoring.level_scores(con, week=week, dimensions=sorted({dimension, "composite"}), counties=shown)
    levels = every[every.dimension == dimension].reset_index(drop=True)
    composite_levels = every[every.dimension == "composite"].reset_index(drop=True)
    flagged = ranking[ranking.cold_bottom].sort_values("gradient", ascending=False)
    return {
        "week": week,
        "dimension": dimension,
        "levels": levels,
        "composite_levels": composite_levels,
        "city_profile": scoring.city_profile(con, week),
        "ranking": ranking,
        "flagged": flagged.reset_index(drop=True),
        "counts": scoring.ranking_counts(con, week),
        "village_weakest": village_weakest(con, week, flagged["county"].tolist()),
        "gradient_flag": float(config.temperature["gradient_flag"]),
    }


def county_data(con, county: str, week: str, config: Config | None = None) -> dict:
    config = config or default_config()
    weeks = [w for w in scoring.weeks_with_data(con) if w <= week]
    levels = scoring.level_scores(con, week=week, county=county)
    scores = scoring.county_scores(con, county=county)
    scores = scores[scores.week <= week].reset_index(drop=True)
    ranks = pd.DataFrame(
        con.execute(SQL_RANK_HISTORY, [county]).fetchall(), columns=["week", "rank", "rank_change", "shown"]
    )
    ranks = ranks[ranks.week <= week].reset_index(drop=True)
    subs, rejected = county_files(con, county)
    row = scoring.ranking(con, week, counties=[county])
    return {
        "county": county,
        "week": week,
        "expected_progress": scoring.expected_progress(week, config),
        "submitted": bool(row["submitted"].any())
        or (county == config.city_direct and scoring.city_direct_submitted(con, week, config)),
        "ranking_row": row.reset_index(drop=True),
        "n_ranked": int(scoring.ranking_counts(con, week)["ranked"]),
        "levels": levels,
        "scores": scores,
        "ranks": ranks,
        "progress": progress_by_week(weeks, config),
        "units": unit_table(con, county, week),
        "indicators": scoring.indicator_detail(con, county, week),
        "submissions": subs,
        "rejected": rejected,
    }
