"""会议要点: a few sentences for the leading group's meeting, filled in from the numbers on the
overview page (app.page_data.overview_data). Templates only: every figure in the text is one the
page shows, so the office can read it out or paste it into the minutes unchanged. Each template has
its English in the catalogue (app/labels.py); county, unit and indicator names stay as they are."""

from __future__ import annotations

import pandas as pd

from app.labels import form_names, label, month_day, term, week_name
from etl.config import DIMENSION_LABELS, DIMENSIONS, Config, default_config


class _Say:
    """The templates in one language: say("…{n}…", n=1), names lists, area names."""

    def __init__(self, english: bool):
        self.english = english
        self.sep = ", " if english else "、"

    def __call__(self, zh: str, **values) -> str:
        return label(zh, self.english, **values)

    def names(self, items, limit: int = 6) -> str:
        items = list(items)
        text = self.sep.join(items[:limit])
        return text + (label("等 {n} 个", self.english, n=len(items)) if len(items) > limit else "")

    def join(self, items) -> str:
        return self.sep.join(items)

    def end(self, line: str) -> str:
        return line + ("." if self.english else "。")


def week_span(week: str, english: bool = False) -> str:
    """'2023-W49，12月4日—12月10日', or '2023-W49, 4 Dec – 10 Dec'."""
    text = week_name(week, english)
    return text.replace(" (", ", ").rstrip(")") if english else text.replace("（", "，").rstrip("）")


def _change(say: _Say, now: float | None, before: float | None) -> str:
    if now is None or before is None:
        return ""
    d = round(now - before, 1)
    if d > 0:
        return say("，较上周提高 {d} 分", d=f"{d:.1f}")
    if d < 0:
        return say("，较上周下降 {d} 分", d=f"{-d:.1f}")
    return say("，与上周持平")


def _ranking(say: _Say, ranked: pd.DataFrame) -> str:
    paren = "{} ({:.1f})" if say.english else "{}（{:.1f}）"
    scored = [paren.format(r.county, r.composite) for r in ranked.itertuples()]
    line = say("综合得分排名前三：{top}", top=say.join(scored[:3]))
    if len(ranked) > 3:
        line += say("；排名靠后：{bottom}", bottom=say.join(scored[::-1][:3]))
    moved = ranked[ranked["rank_change"].notna()]
    up = moved[moved["rank_change"] > 0].sort_values("rank_change", ascending=False)
    down = moved[moved["rank_change"] < 0].sort_values("rank_change")
    if len(up):
        ups = [
            say("{county}（升 {n} 位）", county=r.county, n=int(r.rank_change))
            for r in up.head(3).itertuples()
        ]
        line += say("；名次上升：{counties}", counties=say.join(ups))
    if len(down):
        downs = [
            say("{county}（降 {n} 位）", county=r.county, n=int(-r.rank_change))
            for r in down.head(3).itertuples()
        ]
        line += say("；名次下降：{counties}", counties=say.join(downs))
    return say.end(line)


def _temperature(
    say: _Say, data: dict, ranking: pd.DataFrame, ranked: pd.DataFrame, flag: float
) -> str | None:
    flagged = ranking[ranking["cold_bottom"]].sort_values("gradient", ascending=False)
    if not len(flagged):
        if len(ranked):
            return say(
                "各县（市、区）县级与村级温差均未达到 {flag} 分，未出现明显的上热下冷。", flag=f"{flag:g}"
            )
        return None
    villages = data["matrix"]["村级"] if "村级" in data["matrix"].columns else pd.Series(dtype=float)
    village = say.join(
        f"{c} {villages[c]:.1f}" + ("" if say.english else " 分")
        for c in flagged["county"]
        if c in villages.index and pd.notna(villages[c])
    )
    line = say(
        "{counties}上热下冷明显（县级与村级温差分别为 {gradients} 分），村级综合得分偏低（{villages}）",
        counties=say.names(flagged["county"]),
        gradients=say.join(f"{g:.1f}" for g in flagged["gradient"]),
        villages=village,
    )
    weakest = data.get("village_weakest", {})
    weak = [
        say("{county}村级：{indicators}", county=c, indicators=form_names(weakest[c], say.english))
        for c in flagged["county"][:2]
        if weakest.get(c)
    ]
    if weak:
        line += say("；较弱的指标为{weak}", weak="; ".join(weak) if say.english else "；".join(weak))
    return say.end(line)


def _red(say: _Say, data: dict, ranking: pd.DataFrame, config: Config) -> str | None:
    red = data.get("red_counties") or []
    if not red:
        return None
    dims = []
    for c in red:
        row = ranking[ranking["county"] == c].iloc[0]
        names = [term(DIMENSION_LABELS[d], say.english) for d in DIMENSIONS if row.get(f"light_{d}") == "红"]
        dims.append(f"{c}（{say.join(names)}）" if not say.english else f"{c} ({say.join(names)})")
    return say(
        "{counties}落后序时进度 {lag} 分以上，亮红灯，需重点督导。",
        counties=say.join(dims),
        lag=f"{config.lights['red_lag']:g}",
    )


def _rejected(say: _Say, rejected: pd.DataFrame | None) -> str | None:
    """Returned reports: rejected files of units with no valid version this week. A rejected
    correction beside a valid current version is said apart: that unit's report stands."""
    if rejected is None or not len(rejected):
        return None
    known = rejected[rejected["county"].map(lambda c: isinstance(c, str))]
    returned = known[~known["resubmitted"].astype(bool)]
    corrections = known[known["resubmitted"].astype(bool)]
    parts = []
    if len(returned):
        who = list(dict.fromkeys(returned["county"]))
        parts.append(say("本周退回、尚未重新报送的报表 {n} 份（{units}）", n=len(who), units=say.names(who)))
    if len(corrections):
        who = list(dict.fromkeys(corrections["county"]))
        parts.append(say("{units}有文件被退回，但本周已有有效的报表", units=say.names(who)))
    if len(known) < len(rejected):
        parts.append(say("另有 {n} 份被退回的文件无法识别填报单位", n=len(rejected) - len(known)))
    return say.end(("; " if say.english else "；").join(parts))


def meeting_notes(data: dict, config: Config | None = None, english: bool = False) -> list[str]:
    """The sentences, in the order the meeting goes through them."""
    config = config or default_config()
    say = _Say(english)
    week, ranking = data["week"], data["ranking"]
    out = []
    ranked = ranking[ranking["rank"].notna()]
    span, progress = week_span(week, english), f"{data['expected_progress']:.1f}"
    if data.get("city_composite") is not None:
        out.append(
            say(
                "本周（{span}）全市综合得分 {score} 分{change}；序时进度 {progress}%。",
                span=span,
                score=f"{data['city_composite']:.1f}",
                change=_change(say, data["city_composite"], data.get("city_composite_prev")),
                progress=progress,
            )
        )
    else:
        out.append(
            say("本周（{span}）序时进度 {progress}%，暂无可计算的全市得分。", span=span, progress=progress)
        )
    if len(ranked):
        out.append(_ranking(say, ranked))
    for line in (
        _temperature(say, data, ranking, ranked, config.temperature["gradient_flag"]),
        _red(say, data, ranking, config),
    ):
        if line:
            out.append(line)

    missing = list(data.get("not_submitted") or [])
    if not data.get("city_direct_submitted", True):
        missing.append(config.city_direct)
    if missing:
        out.append(say("{units}本周未报送调度表，请督促尽快报送。", units=say.names(missing)))
    else:
        out.append(say("各县（市、区）和市直单位本周均已报送。"))

    line = _rejected(say, data.get("rejected"))
    if line:
        out.append(line)

    overdue = data.get("overdue")
    if overdue is not None and len(overdue):
        for (item, deadline), g in overdue.groupby(["item", "deadline"], sort=False):
            units = [f"{r.county}{r.unit}" for r in g.itertuples()]
            out.append(
                say(
                    "截至 {date}，{units}{item}，已逾期。",
                    date=month_day(deadline, english),
                    units=say.names(units),
                    item=term(item, english),
                )
            )
    return out


def notes_text(data: dict, config: Config | None = None, english: bool = False) -> str:
    return "\n".join(f"{i}. {s}" for i, s in enumerate(meeting_notes(data, config, english), 1))
