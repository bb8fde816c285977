"""The weekly submission deadline and lateness (逾期).

config.toml: `[deadlines] submission = "monday 12:00"` means: a week's dispatch table (统计周,
Monday to Sunday) is due on the Monday of the following week at 12:00. Any weekday (English or
周一…周日 / 星期一…星期日) and a 24-hour time are accepted; the day is always in the week after the
reporting week. Without the setting nothing is ever late.

A submission is late when its first accepted version was loaded after the deadline (a correction
after the deadline of an on-time submission is not late); a unit with no accepted version is
overdue (逾期未报) once the deadline has passed. `now` is always a parameter, so tests freeze it."""

from __future__ import annotations

import datetime as dt
import re

from .weeks import week_monday, week_of

WEEKDAYS = {
    **{
        d: i
        for i, d in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
    },
    **{d: i for i, d in enumerate(("mon", "tue", "wed", "thu", "fri", "sat", "sun"))},
    **{f"周{d}": i for i, d in enumerate("一二三四五六日")},
    **{f"星期{d}": i for i, d in enumerate("一二三四五六日")},
    "周天": 6,
    "星期天": 6,
}
DAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
PATTERN = re.compile(r"\s*(\S+?)\s*(\d{1,2}):(\d{2})\s*")


class DeadlineError(ValueError):
    """The [deadlines] submission setting cannot be read; the message says how to write it."""


def parse_deadline(text) -> tuple[int, dt.time]:
    """'monday 12:00' → (0, 12:00): the weekday (0 = Monday) of the following week and the time."""
    example = '如 submission = "monday 12:00"（统计周之后的周一 12:00）'
    if not isinstance(text, str):
        raise DeadlineError(f"[deadlines] submission 应是文字，{example}")
    m = PATTERN.fullmatch(text)
    if not m or m.group(1).lower() not in WEEKDAYS:
        raise DeadlineError(f"[deadlines] submission 写法不对：「{text}」，应为星期几加时间，{example}")
    hour, minute = int(m.group(2)), int(m.group(3))
    if hour > 23 or minute > 59:
        raise DeadlineError(f"[deadlines] submission 的时间不对：「{text}」，应在 00:00～23:59 之间")
    return WEEKDAYS[m.group(1).lower()], dt.time(hour, minute)


def submission_rule(config) -> tuple[int, dt.time] | None:
    """The configured rule, or None when [deadlines] submission is not set."""
    text = config.deadlines.get("submission")
    return None if text is None else parse_deadline(text)


def deadline_of(week: str, rule: tuple[int, dt.time] | None) -> dt.datetime | None:
    """When the dispatch table of `week` is due (None without a rule)."""
    if rule is None:
        return None
    day, time = rule
    return dt.datetime.combine(week_monday(week) + dt.timedelta(days=7 + day), time)


def deadline_text(deadline: dt.datetime | None) -> str:
    """'11月13日（周一）12:00'."""
    if deadline is None:
        return "（未设截止时间）"
    return f"{deadline.month}月{deadline.day}日（{DAY_NAMES[deadline.weekday()]}）{deadline:%H:%M}"


def due_week(now: dt.datetime) -> str:
    """The reporting week being collected at `now`: the last week that has ended."""
    return week_of(now.date() - dt.timedelta(days=7))


def is_late(submitted_at: dt.datetime | None, deadline: dt.datetime | None, now: dt.datetime) -> bool:
    """Submitted after the deadline, or not submitted and the deadline has passed."""
    if deadline is None:
        return False
    return (submitted_at if submitted_at is not None else now) > deadline
