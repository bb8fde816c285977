"""ISO reporting weeks (统计周) and the campaign calendar of scoring.md."""

from __future__ import annotations

import datetime as dt


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
