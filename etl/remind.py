"""催报: ready-to-send reminder texts for the units that have not submitted a week's dispatch table,
one per unit and one for all of them, naming the week, the deadline and where to get the template.
The 数据报送 page shows them with a copy button; `python -m etl status --remind` prints them."""

from __future__ import annotations

import datetime as dt

from .config import Config, default_config
from .deadline import deadline_of, deadline_text, due_week, submission_rule
from .weeks import week_label

PENDING = ("未报送", "已退回")  # no accepted version yet
TEMPLATE_WHERE = "空白模板请登录看板，在「数据报送」页的「空白模板」下载（已填好填报单位和统计周）"


def pending_units(board, week: str) -> list[tuple[str, str]]:
    """[(unit, status)] of the units with no accepted version of `week`, in the config's order."""
    rows = board[(board["week"] == week) & (board["status"].isin(PENDING))].sort_values("sort_order")
    return [(r.county, r.status) for r in rows.itertuples()]


def reminder_week(board, now: dt.datetime) -> str | None:
    """The week to chase: the one being collected now if the board has it, else its latest week."""
    weeks = sorted(board["week"].unique()) if len(board) else []
    if not weeks:
        return None
    week = due_week(now)
    return week if week in weeks else weeks[-1]


def _due(week: str, config: Config, now: dt.datetime) -> str:
    deadline = deadline_of(week, submission_rule(config))
    if deadline is None:
        return "请尽快报送"
    late = "，现已逾期，请立即报送" if now > deadline else "，请按时报送"
    return f"报送截止时间为 {deadline_text(deadline)}{late}"


def reminder_text(
    unit: str, status: str, week: str, config: Config | None = None, now: dt.datetime | None = None
) -> str:
    """The reminder for one unit."""
    config, now = config or default_config(), now or dt.datetime.now()
    why = "报送的文件已被退回，请按退回修改清单修改后重新报送" if status == "已退回" else "尚未报送"
    return (
        f"【催报】{config.city}{config.campaign_name}周调度表\n"
        f"{unit}：\n"
        f"你单位 {week_label(week)}的周调度表{why}，{_due(week, config, now)}。\n"
        f"{TEMPLATE_WHERE}，填好后由本单位报送员登录看板上传。\n"
        f"——{config.city}主题教育领导小组办公室"
    )


def reminder_all(
    pending: list[tuple[str, str]], week: str, config: Config | None = None, now: dt.datetime | None = None
) -> str:
    """One reminder naming every unit still missing `week`."""
    config, now = config or default_config(), now or dt.datetime.now()
    if not pending:
        return f"{week_label(week)} 各单位均已报送。"
    names = "、".join(f"{u}（已退回）" if s == "已退回" else u for u, s in pending)
    return (
        f"【催报】{config.city}{config.campaign_name}周调度表\n"
        f"以下 {len(pending)} 个单位 {week_label(week)}的周调度表尚未报送或被退回：{names}。\n"
        f"{_due(week, config, now)}。\n"
        f"{TEMPLATE_WHERE}，填好后由本单位报送员登录看板上传；被退回的请按退回修改清单修改后重新报送。\n"
        f"——{config.city}主题教育领导小组办公室"
    )
