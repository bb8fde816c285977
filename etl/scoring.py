"""Scores, rankings, lights and bands for the pages and the exports (no Streamlit here).

Every number comes from the SQL views of etl/sql/views (docs/method.md explains the method); this
module only selects, orders and reshapes. Parameters are always bound
with `?`; the only SQL text assembled here is fixed fragments chosen by code, never user text.
Scores that a reader sees (`shown`) are rounded to one decimal by DuckDB, and ranks, lights and bands
are judged on those shown figures, so a bulletin never shows 60.0 in the 冷 band.
"""

from __future__ import annotations

import pandas as pd

from .config import DIMENSION_LABELS, DIMENSIONS, LEVELS, Config, default_config
from .weeks import expected_progress as _expected_progress
from .weeks import parse_week

BY_CHOICES = ("composite",) + DIMENSIONS
SUBMITTED, NOT_SUBMITTED = "已报送", "未报送"
LIGHTS = ("绿", "黄", "红")
BANDS = ("热", "温", "冷")
# Colours for pages and bulletins: lights as traffic colours, bands warm to cool (上热中温下冷).
LIGHT_COLORS = {"绿": "#C6EFCE", "黄": "#FFEB9C", "红": "#FFC7CE"}
LIGHT_FONT_COLORS = {"绿": "#006100", "黄": "#9C5700", "红": "#9C0006"}
BAND_COLORS = {"热": "#F4B183", "温": "#FFE699", "冷": "#9DC3E6"}


# --- weeks -------------------------------------------------------------------------------------


def expected_progress(week: str, config: Config | None = None) -> float:
    """序时进度 of the week in percent (0–100), unrounded."""
    config = config or default_config()
    return _expected_progress(week, config.start, config.end)


def weeks_with_data(con) -> list[str]:
    """Weeks with at least one current submission, in order."""
    return [r[0] for r in con.execute(SQL_WEEKS_WITH_DATA).fetchall()]


def latest_week(con) -> str | None:
    weeks = weeks_with_data(con)
    return weeks[-1] if weeks else None


SQL_WEEKS_WITH_DATA = "SELECT DISTINCT week FROM submissions WHERE is_current ORDER BY week"


# --- rankings ----------------------------------------------------------------------------------

SQL_COUNTIES = "SELECT county, sort_order FROM cfg_units WHERE is_county ORDER BY sort_order"
SQL_SUBMITTED = "SELECT DISTINCT county FROM submissions WHERE week = ? AND is_current"
# every basis of one week, in listing order (view 44_ranking_list: ranks, status and order live there)
SQL_RANKING_LIST = """
SELECT dimension, position, county, status, submitted, rank, rank_change, shown, light, band, lag,
       expected_progress, gradient, cold_bottom
FROM ranking_list WHERE week = ? ORDER BY dimension, position
"""
# the same for the counties a page draws (etl.county_window)
SQL_RANKING_LIST_OF = SQL_RANKING_LIST.replace(
    "WHERE week = ?", "WHERE week = ? AND list_contains(?, county)"
)
# what a page counts over every county of the week, however few it draws
SQL_RANKING_COUNTS = """
SELECT count(*) FILTER (WHERE dimension = 'composite') AS counties,
       count(*) FILTER (WHERE dimension = 'composite' AND submitted) AS submitted,
       count(*) FILTER (WHERE dimension = 'composite' AND cold_bottom) AS cold_bottom,
       count(*) FILTER (WHERE dimension = $by AND rank IS NOT NULL) AS ranked,
       count(*) FILTER (WHERE dimension = $by AND light = '红') AS red_on_basis,
       count(*) FILTER (WHERE dimension <> 'composite' AND light = '红') AS red_lights
FROM ranking_list WHERE week = $week
"""
SQL_NOT_SUBMITTED = """
SELECT county FROM ranking_list WHERE week = ? AND dimension = 'composite' AND NOT submitted
ORDER BY sort_order
"""
SQL_GRADIENTS = """
SELECT county, gradient, round(gradient, 1) AS gradient_shown, cold_bottom
FROM scope_gradients WHERE week = ? AND NOT is_city
"""
SQL_GRADIENTS_OF = SQL_GRADIENTS.replace("AND NOT is_city", "AND NOT is_city AND list_contains(?, county)")
RANKING_COLUMNS = [
    "rank",
    "county",
    "status",
    "submitted",
    "score",
    *BY_CHOICES,
    "gradient",
    "cold_bottom",
    "rank_change",
    "light",
    "band",
    "lag",
    "expected_progress",
    *(f"light_{d}" for d in BY_CHOICES),
    *(f"band_{d}" for d in BY_CHOICES),
]


def _check_by(by: str) -> str:
    if by not in BY_CHOICES:
        raise ValueError(f"排名依据只能是 {', '.join(BY_CHOICES)}，不能是 {by!r}")
    return by


def ranking(con, week: str, by: str = "composite", counties: list[str] | None = None) -> pd.DataFrame:
    """The ranking of every configured county for `week`, by the composite or one dimension, as the
    view ranking_list defines it (ranks, rank change, 未报送 and the order are computed there only).

    One row per county, in listing order. Columns: rank, county, status (已报送/未报送), submitted,
    score (the `by` score as shown), composite, study, research, development, rectification (as
    shown), gradient (shown), cold_bottom, rank_change, light and band of the `by` score, lag,
    expected_progress, and light_<dim>/band_<dim> for each score column. `counties`: only these
    (etl.county_window), still in listing order.
    """
    _check_by(by)
    week = parse_week(week, within_campaign=False)
    columns = [
        "dimension",
        "position",
        "county",
        "status",
        "submitted",
        "rank",
        "rank_change",
        "shown",
        "light",
        "band",
        "lag",
        "expected_progress",
        "gradient",
        "cold_bottom",
    ]
    sql, params = (SQL_RANKING_LIST, [week]) if counties is None else (SQL_RANKING_LIST_OF, [week, counties])
    rows = pd.DataFrame(con.execute(sql, params).fetchall(), columns=columns)
    out = rows[rows["dimension"] == by].drop(columns="dimension").set_index("county")
    out = out.rename(columns={"shown": "score"})
    # the other bases' figures of the same counties, side by side (a reshape, nothing computed)
    for dim in BY_CHOICES:
        other = rows[rows["dimension"] == dim].set_index("county")
        out[dim] = other["shown"].reindex(out.index)
        out[f"light_{dim}"] = other["light"].reindex(out.index)
        out[f"band_{dim}"] = other["band"].reindex(out.index)
    out = out.sort_values("position").reset_index()
    for col in ("rank", "rank_change"):
        out[col] = out[col].astype("Int64")
    for col in ("score", *BY_CHOICES, "gradient", "lag", "expected_progress"):
        out[col] = out[col].astype("Float64")
    out["submitted"] = out["submitted"].astype(bool)
    out["cold_bottom"] = out["cold_bottom"].astype(bool)
    return out[RANKING_COLUMNS]


def ranking_counts(con, week: str, by: str = "composite") -> dict:
    """Over every county of the week: counties, submitted, cold_bottom (上热下冷), ranked and
    red_on_basis (red lights) on `by`, red_lights (red area lights, the four dimensions)."""
    _check_by(by)
    row = con.execute(SQL_RANKING_COUNTS, {"by": by, "week": week}).fetchone()
    names = ("counties", "submitted", "cold_bottom", "ranked", "red_on_basis", "red_lights")
    return dict(zip(names, row))


def not_submitted(con, week: str) -> list[str]:
    """Configured counties (not 市直单位) without a current submission for `week`, in config order."""
    return [r[0] for r in con.execute(SQL_NOT_SUBMITTED, [week]).fetchall()]


def city_direct_submitted(con, week: str, config: Config | None = None) -> bool:
    config = config or default_config()
    return config.city_direct in {r[0] for r in con.execute(SQL_SUBMITTED, [week]).fetchall()}


# --- scores ------------------------------------------------------------------------------------

_FLAG_COLUMNS = [
    "county",
    "week",
    "level",
    "dimension",
    "score",
    "shown",
    "expected_progress",
    "lag",
    "light",
    "band",
]


def _flags(
    con, *, week=None, county=None, city=False, levels: bool, dimensions=None, counties=None
) -> pd.DataFrame:
    # fixed fragments only; the values are bound
    where, params = ["is_city = ?", "level IS NOT NULL" if levels else "level IS NULL"], [city]
    if dimensions is not None:  # a page that shows one dimension reads a fifth of the rows
        where.append("list_contains(?, dimension)")
        params.append([_check_by(d) for d in dimensions])
    if week is not None:
        where.append("week = ?")
        params.append(week)
    if county is not None:
        where.append("county = ?")
        params.append(county)
    if counties is not None:  # the counties a page draws (etl.county_window)
        where.append("list_contains(?, county)")
        params.append(list(counties))
    sql = (
        f"SELECT {', '.join(_FLAG_COLUMNS)} FROM score_flags WHERE {' AND '.join(where)} "
        "ORDER BY week, county, level, dimension"
    )
    df = pd.DataFrame(con.execute(sql, params).fetchall(), columns=_FLAG_COLUMNS)
    return _order(df)


def _order(df: pd.DataFrame) -> pd.DataFrame:
    """Dimensions in glossary order (composite first) and levels top to bottom."""
    if df.empty:
        return df
    keys = {
        "dimension": {d: i for i, d in enumerate(BY_CHOICES)},
        "level": {lv: i for i, lv in enumerate(LEVELS)},
    }
    sort = [c for c in ("week", "county", "level", "dimension") if c in df.columns]
    return df.sort_values(sort, key=lambda s: s.map(keys[s.name]) if s.name in keys else s).reset_index(
        drop=True
    )


def county_scores(con, week: str | None = None, county: str | None = None) -> pd.DataFrame:
    """Long table of county dimension scores and composites (市直单位 included), with the unrounded
    score, the shown score, 序时进度, lag, light and band. Filter by week and/or county."""
    return _flags(con, week=week, county=county, levels=False).drop(columns="level")


def level_scores(
    con,
    week: str | None = None,
    county: str | None = None,
    dimensions: list[str] | None = None,
    counties: list[str] | None = None,
) -> pd.DataFrame:
    """Long table of level dimension scores and level composites, with light and band; `dimensions`
    (composite and/or dimension names) keeps only those, `counties` only those counties."""
    return _flags(con, week=week, county=county, levels=True, dimensions=dimensions, counties=counties)


def city_profile(con, week: str) -> pd.DataFrame:
    """The city profile (市级 from 市直单位 on top of every county's 县级/乡镇级/村级 pooled): one row
    per level plus a row with level '全市' for the city as a whole; columns composite and the four
    dimensions (as shown), with the band of the composite."""
    rows = pd.concat(
        [
            _flags(con, week=week, city=True, levels=True),
            _flags(con, week=week, city=True, levels=False).assign(level="全市"),
        ]
    )
    return _wide_by_level(rows)


def level_matrix(
    con, week: str, dimension: str = "composite", levels: pd.DataFrame | None = None
) -> pd.DataFrame:
    """County × level scores (as shown) of one dimension for the 上热中温下冷 heat map: index the
    configured counties then 市直单位, columns the levels top to bottom, plus 温差 and the flag.
    `levels`: level_scores(con, week=week) (or of this dimension) when the caller has read it."""
    _check_by(dimension)
    df = level_scores(con, week=week, dimensions=[dimension]) if levels is None else levels
    df = df[df["dimension"] == dimension]
    wide = df.pivot(index="county", columns="level", values="shown") if len(df) else pd.DataFrame()
    units = [r[0] for r in con.execute("SELECT county FROM cfg_units ORDER BY sort_order").fetchall()]
    wide = wide.reindex(
        index=[u for u in units if u in wide.index], columns=[lv for lv in LEVELS if lv in wide.columns]
    )
    wide.columns.name = None
    grads = {r[0]: r[1:] for r in con.execute(SQL_GRADIENTS_OF, [week, list(wide.index)]).fetchall()}
    wide["gradient"] = [grads[c][1] if c in grads else None for c in wide.index]
    wide["cold_bottom"] = [bool(grads[c][2]) if c in grads else False for c in wide.index]
    return wide


def _wide_by_level(rows: pd.DataFrame) -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame(columns=["level", *BY_CHOICES, "band"])
    wide = rows.pivot(index="level", columns="dimension", values="shown")
    bands = rows[rows["dimension"] == "composite"].set_index("level")["band"]
    order = [lv for lv in (*LEVELS, "全市") if lv in wide.index]
    wide = wide.reindex(index=order, columns=list(BY_CHOICES))
    wide["band"] = bands.reindex(order)
    wide.columns.name = None
    return wide.reset_index()


SQL_INDICATORS = """
SELECT s.level, s.dimension, s.indicator, s.label, s.achieved, s.target, s.capped,
       s.rate, round(100 * s.rate, 1) AS percent
FROM indicator_scores AS s JOIN indicator_defs AS d USING (indicator)
WHERE s.county = ? AND s.week = ?
ORDER BY s.level, d.sort_order
"""

SQL_UNIT_INDICATORS = """
SELECT u.unit, u.level, u.dimension, u.indicator, u.label, u.achieved, u.target, u.capped,
       u.capped / u.target AS rate
FROM unit_indicators AS u JOIN indicator_defs AS d USING (indicator)
WHERE u.county = ? AND u.week = ?
ORDER BY u.level, u.unit, d.sort_order
"""


def indicator_detail(con, county: str, week: str) -> pd.DataFrame:
    """Each indicator of each level of one county's week: Σ achieved, Σ target, Σ capped, rate and
    the rate in percent (one decimal); level top to bottom, indicators in the method's order."""
    df = pd.DataFrame(
        con.execute(SQL_INDICATORS, [county, week]).fetchall(),
        columns=[
            "level",
            "dimension",
            "indicator",
            "label",
            "achieved",
            "target",
            "capped",
            "rate",
            "percent",
        ],
    )
    df["_l"] = df["level"].map({lv: i for i, lv in enumerate(LEVELS)})
    return df.sort_values("_l", kind="stable").drop(columns="_l").reset_index(drop=True)


def unit_indicator_detail(con, county: str, week: str) -> pd.DataFrame:
    """Every indicator of every unit row of one county's week: which unit lags on what."""
    df = pd.DataFrame(
        con.execute(SQL_UNIT_INDICATORS, [county, week]).fetchall(),
        columns=["unit", "level", "dimension", "indicator", "label", "achieved", "target", "capped", "rate"],
    )
    df["_l"] = df["level"].map({lv: i for i, lv in enumerate(LEVELS)})
    return df.sort_values("_l", kind="stable").drop(columns="_l").reset_index(drop=True)


def trend(
    con,
    by: str = "composite",
    weeks: list[str] | None = None,
    value: str = "score",
    counties: list[str] | None = None,
) -> pd.DataFrame:
    """County × week scores (as shown) — or ranks with value='rank' — of the composite or one
    dimension: index the configured counties (or only `counties`) in config order, one column per week (all weeks with data unless given); empty where the county has no score that week."""
    _check_by(by)
    if value not in ("score", "rank"):
        raise ValueError(f"value 只能是 score 或 rank，不能是 {value!r}")
    weeks = list(weeks) if weeks is not None else weeks_with_data(con)
    every = [r[0] for r in con.execute(SQL_COUNTIES).fetchall()]
    if counties is None:
        counties = every
        rows = con.execute(SQL_TREND, [by]).fetchall()
    else:  # the history of the counties a page draws, not of every county (still in config order)
        rows = con.execute(SQL_TREND_OF, [by, list(counties)]).fetchall()
        counties = [c for c in every if c in set(counties)]
    df = pd.DataFrame(rows, columns=["county", "week", "score", "rank"])
    wide = df.pivot(index="county", columns="week", values=value) if len(df) else pd.DataFrame()
    wide = wide.reindex(index=counties, columns=weeks).astype("Float64" if value == "score" else "Int64")
    wide.columns.name = None
    return wide


SQL_TREND = "SELECT county, week, shown, rank FROM dimension_ranks WHERE dimension = ?"
SQL_TREND_OF = SQL_TREND + " AND list_contains(?, county)"


def dimension_label(dim: str) -> str:
    return DIMENSION_LABELS[dim]
