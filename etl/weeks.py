"""ISO reporting weeks (统计周) and the campaign calendar (docs/method.md).

`parse_week` is the one parser of a week a person types: every command's `--week` and every page's
`?week=` go through it. (A week written in a spreadsheet cell is read by etl.cells, which also
accepts dates and date ranges.)"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from .config import Config, default_config

# 2023-W45, 2023W45, 2023-w5, 2023 - W 45, full-width digits (after NFKC)
_TYPED_WEEK = re.compile(r"\s*(\d{4})\s*-?\s*[Ww]\s*(\d{1,2})\s*")
EXAMPLE = "2023-W45"


class WeekError(ValueError):
    """A typed week that is malformed, does not exist or lies outside the campaign; Chinese message."""


def parse_week(text, config: Config | None = None, *, within_campaign: bool = True) -> str:
    """The ISO week 'YYYY-Www' a person typed; with `within_campaign`, it must overlap the campaign."""
    raw = "" if text is None else str(text)
    m = _TYPED_WEEK.fullmatch(unicodedata.normalize("NFKC", raw))
    if not m:
        raise WeekError(f"统计周格式不对：“{raw}”。请写成 YYYY-Www，例如 {EXAMPLE}。")
    year, number = int(m.group(1)), int(m.group(2))
    try:
        week = week_of(dt.date.fromisocalendar(year, number, 1))
    except ValueError:
        raise WeekError(f"没有这一周：{raw}（{year} 年没有第 {number} 周）。") from None
    if within_campaign:
        config = config or default_config()
        weeks = campaign_weeks(config.start, config.end)
        if week not in weeks:
            raise WeekError(
                f"{week} 不在本次主题教育期间（{weeks[0]} 至 {weeks[-1]}，"
                f"{config.start:%Y-%m-%d} 至 {config.end:%Y-%m-%d}）。"
            )
    return week


def previous_week(week: str) -> str:
    return week_of(week_monday(week) - dt.timedelta(days=7))


def week_of(day: dt.date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def week_monday(week: str) -> dt.date:
    y, w = week.split("-W")
    return dt.date.fromisocalendar(int(y), int(w), 1)


def week_sunday(week: str) -> dt.date:
    return week_monday(week) + dt.timedelta(days=6)


def campaign_weeks(start: dt.date, end: dt.date) -> list[str]:
    """Every ISO week that overlaps the campaign, in order."""
    weeks, day = [], start - dt.timedelta(days=start.weekday())
    while day <= end:
        weeks.append(week_of(day))
        day += dt.timedelta(days=7)
    return weeks


def months_started(week: str, start: dt.date) -> int:
    """Calendar months from the campaign's start month through the month of the week's Sunday."""
    sun = week_sunday(week)
    return (sun.year - start.year) * 12 + sun.month - start.month + 1


def expected_progress(week: str, start: dt.date, end: dt.date) -> float:
    """序时进度 in percent: days from the start through the week's Sunday over the campaign's days."""
    days = (week_sunday(week) - start).days + 1
    total = (end - start).days + 1
    return 100.0 * min(max(days / total, 0.0), 1.0)


def week_label(week: str) -> str:
    """'2023-W45（11月6日—11月12日）' for titles."""
    mon, sun = week_monday(week), week_sunday(week)
    return f"{week}（{mon.month}月{mon.day}日—{sun.month}月{sun.day}日）"
