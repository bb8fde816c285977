"""The pictures of one week's 通报 and meeting pack: the dashboard's charts (app.charts) of the
week, cut to what stays legible on A4, drawn to PNG once by app.chart_images. Each picture is a
function giving the PNG (chart_images.png_of): the helpers draw while the documents are written."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import pandas as pd

from app import chart_images, charts
from etl.config import DIMENSIONS, Config

if TYPE_CHECKING:
    from app.bulletin import WeekData

CHUNK = 15  # counties in one heat map or one block of slopes: still legible on A4
MAX_BARS = 30  # beyond this an area's bars show the top and bottom TOP_BOTTOM
TOP_BOTTOM = 10


def _chunks(items: list, n: int = CHUNK) -> list[list]:
    return [items[i : i + n] for i in range(0, len(items), n)] or [[]]


def _bars_subset(ranking: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    scored = ranking[ranking["score"].notna()]
    if len(scored) <= MAX_BARS:
        return ranking, ""
    half = TOP_BOTTOM
    part = pd.concat([scored.head(half), scored.tail(half)])
    return part, f"共 {len(scored)} 个县（市、区），图中为前 {half} 名和后 {half} 名。"


def _bars(ranking: pd.DataFrame, dimension: str, progress: float):
    """The area bars with their county labels clear of the light dots drawn just left of the axis."""
    chart = charts.dimension_score_bars(ranking, charts.AreaWeek(dimension, progress))
    return None if chart is None else chart.configure_axisY(labelPadding=14)


def _slopes(levels: pd.DataFrame, block: list[str], flagged: set):
    return charts.slope_small_multiples(levels[levels["county"].isin(block)], flagged)


def _heatmap(levels: pd.DataFrame, profile, dimension: str, config: Config, block: list[str], last: bool):
    """The dashboard's county × level heat map of one block of counties (the city column on the last)."""
    part = levels[levels["county"].isin(block)]
    return charts.county_level_heatmap(
        part, profile if last else None, dimension, city_label=config.city, max_width=900
    )


def render_charts(wd: WeekData, config: Config, helper: chart_images.ChartHelper | None = None) -> dict:
    """Every picture of both documents, drawn once. Beyond CHUNK counties the heat maps and slopes
    show the counties with the largest 温差 (the full figures are in the tables)."""
    ov = wd.overview
    ranking = ov["ranking"]
    progress = ov["expected_progress"]
    counties = [c for c in config.counties if c in set(ov["levels"]["county"])]
    flagged = set(ranking.loc[ranking["cold_bottom"], "county"])
    by_gradient = ranking.dropna(subset=["gradient"]).sort_values("gradient", ascending=False, kind="stable")
    many = len(counties) > CHUNK
    if many:  # the largest 温差 first: the 通报's one heat map is the first block
        order = {c: i for i, c in enumerate(config.counties)}
        blocks = [sorted(b, key=order.get) for b in _chunks(by_gradient["county"].head(2 * CHUNK).tolist())]
        counties = [c for b in blocks for c in b]
    else:
        blocks = _chunks(counties)
    bars, bars_note = _bars_subset(ranking)
    # each chart is built when its turn comes, so the helper draws the first while the rest are built
    jobs = {"ranking": (partial(_bars, bars, "composite", progress), 760)}
    for i, block in enumerate(blocks):
        last = i == len(blocks) - 1
        jobs[f"heat{i}"] = (
            partial(_heatmap, ov["levels"], ov["city_profile"], "composite", config, block, last),
            900,
        )
        if i == 0 or not many:  # beyond CHUNK counties: the slopes of the coldest-bottomed only
            jobs[f"slopes{i}"] = (partial(_slopes, ov["levels"], block, flagged), 900)
    notes_ = {}
    for d, data in wd.areas.items():
        part, notes_[d] = _bars_subset(data["ranking"])
        jobs[f"bars_{d}"] = (partial(_bars, part, d, progress), 760)
        if not many:
            jobs[f"levels_{d}"] = (partial(_heatmap, data["levels"], None, d, config, counties, True), 900)
    pic = chart_images.queue_charts(jobs, helper=helper).picture  # drawn while the documents are written
    note = f"（温差最大的 {len(counties)} 个县（市、区））" if many else ""
    return {
        "ranking": pic("ranking"),
        "ranking_note": bars_note,
        "heatmap": pic("heat0"),
        "heatmap_note": f"（温差最大的 {len(blocks[0])} 个县（市、区））" if many else "",
        "pack_heatmaps": [pic(f"heat{i}") for i in range(len(blocks)) if pic(f"heat{i}")],
        "slopes": [pic(f"slopes{i}") for i in range(len(blocks)) if pic(f"slopes{i}")],
        "temperature_note": note,
        "areas": {
            d: {
                "bars": pic(f"bars_{d}"),
                "note": notes_[d],
                "levels": [pic(f"levels_{d}")] if pic(f"levels_{d}") else [],
            }
            for d in DIMENSIONS
        },
    }
