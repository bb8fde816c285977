"""会议要点: a few Chinese sentences for the leading group's meeting, filled in from the numbers on
the overview page (app.page_data.overview_data). Templates only: every figure in the text is one the
page shows, so the office can read it out or paste it into the minutes unchanged."""

from __future__ import annotations

import pandas as pd

from etl.config import DIMENSION_LABELS, DIMENSIONS, Config, default_config
from etl.weeks import week_monday, week_sunday


def week_span(week: str) -> str:
    """'2023-W49，12月4日—12月10日'."""
    mon, sun = week_monday(week), week_sunday(week)
    return f"{week}，{mon.month}月{mon.day}日—{sun.month}月{sun.day}日"


def _names(items, limit: int = 6) -> str:
    items = list(items)
    text = "、".join(items[:limit])
    return text + (f"等 {len(items)} 个" if len(items) > limit else "")


def _change(now: float | None, before: float | None, unit: str = "分") -> str:
    if now is None or before is None:
        return ""
    d = round(now - before, 1)
    if d > 0:
        return f"，较上周提高 {d:.1f} {unit}"
    if d < 0:
        return f"，较上周下降 {-d:.1f} {unit}"
    return "，与上周持平"


def meeting_notes(data: dict, config: Config | None = None) -> list[str]:
    """The sentences, in the order the meeting goes through them."""
    config = config or default_config()
    week, ranking = data["week"], data["ranking"]
    out = []
    ranked = ranking[ranking["rank"].notna()]
    if data.get("city_composite") is not None:
        out.append(
            f"本周（{week_span(week)}）全市综合得分 {data['city_composite']:.1f} 分"
            f"{_change(data['city_composite'], data.get('city_composite_prev'))}；"
            f"序时进度 {data['expected_progress']:.1f}%。"
        )
    else:
        out.append(
            f"本周（{week_span(week)}）序时进度 {data['expected_progress']:.1f}%，暂无可计算的全市得分。"
        )

    if len(ranked):
        top = "、".join(f"{r.county}（{r.composite:.1f}）" for r in ranked.head(3).itertuples())
        line = f"综合得分排名前三：{top}"
        if len(ranked) > 3:
            bottom = "、".join(
                f"{r.county}（{r.composite:.1f}）" for r in ranked.tail(3).iloc[::-1].itertuples()
            )
            line += f"；排名靠后：{bottom}"
        moved = ranked[ranked["rank_change"].notna()]
        up = moved[moved["rank_change"] > 0].sort_values("rank_change", ascending=False)
        down = moved[moved["rank_change"] < 0].sort_values("rank_change")
        if len(up):
            line += "；名次上升：" + "、".join(
                f"{r.county}（升 {int(r.rank_change)} 位）" for r in up.head(3).itertuples()
            )
        if len(down):
            line += "；名次下降：" + "、".join(
                f"{r.county}（降 {int(-r.rank_change)} 位）" for r in down.head(3).itertuples()
            )
        out.append(line + "。")

    flagged = ranking[ranking["cold_bottom"]].sort_values("gradient", ascending=False)
    flag = config.temperature["gradient_flag"]
    if len(flagged):
        grads = "、".join(f"{g:.1f}" for g in flagged["gradient"])
        villages = data["matrix"]["村级"] if "村级" in data["matrix"].columns else pd.Series(dtype=float)
        village = "、".join(
            f"{c} {villages[c]:.1f} 分"
            for c in flagged["county"]
            if c in villages.index and pd.notna(villages[c])
        )
        line = (
            f"{_names(flagged['county'])}上热下冷明显（县级与村级温差分别为 {grads} 分），"
            f"村级综合得分偏低（{village}）"
        )
        weak = [data.get("village_weakest", {}).get(c) for c in flagged["county"][:2]]
        weak = [f"{c}村级：{w}" for c, w in zip(flagged["county"][:2], weak) if w]
        if weak:
            line += "；较弱的指标为" + "；".join(weak)
        out.append(line + "。")
    elif len(ranked):
        out.append(f"各县（市、区）县级与村级温差均未达到 {flag:g} 分，未出现明显的上热下冷。")

    red = data.get("red_counties") or []
    if red:
        dims = []
        for c in red:
            row = ranking[ranking["county"] == c].iloc[0]
            names = [DIMENSION_LABELS[d] for d in DIMENSIONS if row.get(f"light_{d}") == "红"]
            dims.append(f"{c}（{'、'.join(names)}）")
        out.append(f"{'、'.join(dims)}落后序时进度 {config.lights['red_lag']:g} 分以上，亮红灯，需重点督导。")

    missing = list(data.get("not_submitted") or [])
    if not data.get("city_direct_submitted", True):
        missing.append(config.city_direct)
    if missing:
        out.append(f"{_names(missing)}本周未报送调度表，请督促尽快报送。")
    else:
        out.append("各县（市、区）和市直单位本周均已报送。")

    rejected = data.get("rejected")
    if rejected is not None and len(rejected):
        known = rejected[rejected["county"].map(lambda c: isinstance(c, str))]
        still = known[~known["resubmitted"].astype(bool)]
        who = _names(dict.fromkeys(known["county"]))
        line = f"本周共退回报表 {len(rejected)} 份" + (f"（{who}）" if who else "")
        if len(still):
            line += f"，其中 {_names(dict.fromkeys(still['county']))}尚未重新报送"
        if len(known) < len(rejected):
            line += f"；另有 {len(rejected) - len(known)} 份无法识别填报单位"
        out.append(line + "。")

    overdue = data.get("overdue")
    if overdue is not None and len(overdue):
        for (item, deadline), g in overdue.groupby(["item", "deadline"], sort=False):
            units = [f"{r.county}{r.unit}" for r in g.itertuples()]
            out.append(f"截至 {deadline.month}月{deadline.day}日，{_names(units)}{item}，已逾期。")
    return out


def notes_text(data: dict, config: Config | None = None) -> str:
    return "\n".join(f"{i}. {s}" for i, s in enumerate(meeting_notes(data, config), 1))
