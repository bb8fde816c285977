"""The rankings page's logic, without Streamlit: the table people see and the files the
organisation department sends out (通报), rendered to bytes in memory with etl.export.

Each call opens a short read-only connection (etl.warehouse_reader.reader), so a load from the CLI or the
submissions page is never blocked for long and shows up at the next rerun.
"""

from __future__ import annotations

import pandas as pd

from app.labels import label, week_name
from etl import county_window, export, scoring
from etl.config import DIMENSION_LABELS, DIMENSIONS, Config, default_config
from etl.warehouse_reader import reader
from etl.weeks import week_sunday

BY_CHOICES = scoring.BY_CHOICES
BY_LABELS = export.BY_LABELS


def weeks(db_path) -> list[str]:
    """Weeks with at least one current submission, oldest first."""
    with reader(db_path) as con:
        return scoring.weeks_with_data(con)


def ranking(
    db_path, week: str, by: str = "composite", window: county_window.Window | None = None
) -> pd.DataFrame:
    """The ranking of every county, or of the counties the page lists (etl.county_window)."""
    with reader(db_path) as con:
        shown = None if window is None else county_window.counties(con, week, by, window)
        return scoring.ranking(con, week, by=by, counties=shown)


def counties(db_path) -> int:
    with reader(db_path) as con:
        return county_window.county_count(con)


def display_table(df: pd.DataFrame, by: str = "composite") -> pd.DataFrame:
    """A scoring.ranking frame as the page shows it: Chinese headers, the basis first, the rank
    change as an arrow, the progress light as 绿/黄/红 (style_table colours it)."""
    score_cols = [by] + [d for d in ("composite", *DIMENSIONS) if d != by]
    out = pd.DataFrame({"排名": df["rank"], "县（市、区）": df["county"]})
    for d in score_cols:
        out[BY_LABELS[d] if d == "composite" else DIMENSION_LABELS[d]] = df[d].astype("Float64")
    out["温差"] = df["gradient"].astype("Float64")
    out["排名变化"] = [export.arrow(c) for c in df["rank_change"]]
    out["进度预警"] = [x if isinstance(x, str) else "" for x in df["light"]]
    out["状态"] = df["status"]
    out["上热下冷"] = ["上热下冷" if c else "" for c in df["cold_bottom"]]
    return out


def style_table(table: pd.DataFrame, by: str = "composite"):
    """The display table as a pandas Styler: one decimal, empty cells for what is missing, and the
    light's traffic colour on 进度预警 and on the basis score (as in the Excel bulletin). No emoji:
    a projector PC or a headless browser may lack an emoji font."""

    def light_css(value):
        if value in scoring.LIGHT_COLORS:
            return (
                f"background-color: {scoring.LIGHT_COLORS[value]}; color: {scoring.LIGHT_FONT_COLORS[value]}"
            )
        return ""

    basis = BY_LABELS[by] if by == "composite" else DIMENSION_LABELS[by]
    scores = [
        c
        for c in table.columns
        if c not in ("排名", "县（市、区）", "排名变化", "进度预警", "状态", "上热下冷")
    ]
    lights = table["进度预警"].map(light_css)
    styler = table.style.format("{:.1f}", subset=scores, na_rep="").format(
        "{:.0f}", subset=["排名"], na_rep=""
    )
    styler = styler.map(light_css, subset=["进度预警"])
    styler = styler.apply(lambda col: lights, subset=[basis])
    return styler.map(
        lambda v: "color: #C00000; font-weight: bold" if v == "上热下冷" else "", subset=["上热下冷"]
    )


def month_weeks(all_weeks: list[str], week: str) -> list[str]:
    """The weeks of `all_weeks` whose Sunday falls in the same month as `week`'s: the default
    selection of the monthly bulletin."""
    sun = week_sunday(week)
    return [w for w in all_weeks if (week_sunday(w).year, week_sunday(w).month) == (sun.year, sun.month)]


def summary(df: pd.DataFrame, week: str, config: Config | None = None, english: bool = False) -> str:
    config = config or default_config()
    missing = df.loc[~df["submitted"], "county"].tolist()
    progress = scoring.expected_progress(week, config)
    text = label(
        "{week}　序时进度 {progress}%　已报送 {n} 个，未报送 {m} 个",
        english,
        week=week_name(week, english),
        progress=f"{progress:.1f}",
        n=int(df["submitted"].sum()),
        m=len(missing),
    )
    return text + (f"（{'、'.join(missing)}）" if missing else "")


def xlsx_bytes(db_path, week: str, by: str = "composite", config: Config | None = None) -> bytes:
    """The formatted one-week bulletin (etl.export)."""
    with reader(db_path) as con:
        return export.ranking_xlsx_bytes(con, week, by=by, config=config or default_config())


def csv_bytes(db_path, week: str, by: str = "composite", config: Config | None = None) -> bytes:
    """The ranking as UTF-8 CSV with BOM, the columns other tools rely on."""
    with reader(db_path) as con:
        return export.ranking_csv_bytes(con, week, by=by, config=config or default_config())


def multiweek_bytes(db_path, weeks_: list[str], by: str = "composite", config: Config | None = None) -> bytes:
    """The monthly workbook: a trend sheet, then one ranking sheet per week."""
    with reader(db_path) as con:
        return export.multiweek_xlsx_bytes(con, list(weeks_), by=by, config=config or default_config())


def file_names(week: str, by: str = "composite", weeks_: list[str] | None = None) -> dict[str, str]:
    basis = "" if by == "composite" else f"_{DIMENSION_LABELS[by]}"
    out = {"xlsx": f"排名通报_{week}{basis}.xlsx", "csv": f"排名_{week}{basis}.csv"}
    if weeks_:
        out["multi"] = f"排名汇总_{min(weeks_)}至{max(weeks_)}{basis}.xlsx"
    return out


def bulletin_files(db_path, week: str, config: Config | None = None) -> tuple[dict[str, bytes], str]:
    """The 通报 (.docx), the meeting pack (.pdf) and the XLSX of `week`, as `python -m etl bulletin`
    writes them: (files keyed docx / pdf / xlsx, "") or ({}, the reason in Chinese)."""
    from app import bulletin, chart_images  # python-docx, fpdf2, vl-convert: only when asked

    try:
        return bulletin.week_files(db_path, week, config or default_config()), ""
    except (bulletin.NoData, chart_images.CJKFontMissing) as exc:
        return {}, str(exc)


def bulletin_names(week: str) -> dict[str, str]:
    from app import bulletin

    return bulletin.file_names(week)
