"""The 通报's words: the sentences a secretary writes each week, filled in from the numbers the
overview page shows (app.page_data.overview_data, i.e. etl.scoring's views). No layout here: the
Word writer (app.bulletin_docx) and the tests read the same Bulletin.

Every figure is one of the shown (one-decimal) scores of the ranking, so the 通报 agrees with the
dashboard, the XLSX and the CSV to the digit.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from etl.config import DIMENSION_LABELS, DIMENSIONS, Config, default_config
from etl.weeks import campaign_weeks, week_monday, week_sunday

NUMERALS = "一二三四五六七八九十"
# no space between a figure and the Chinese around it, as a typed 通报 has it: 「73.3分」
_SPACE = re.compile(r"(?<=[^\x00-\x7f]) (?=[-\d])|(?<=[\d%]) (?=[^\x00-\x7f])")


def tidy(text: str) -> str:
    return _SPACE.sub("", text)


def numeral(i: int) -> str:
    """1 → 一, 12 → 十二 (enough for headings and week numbers up to 99)."""
    if i <= 10:
        return NUMERALS[i - 1]
    tens, ones = divmod(i, 10)
    return ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[ones - 1] if ones else "")


@dataclass
class Paragraph:
    text: str
    lead: str = ""  # a run-in heading in 楷体, e.g. 「（一）压紧压实工作责任。」


@dataclass
class Section:
    heading: str  # 「一、总体进展情况」 (黑体)
    blocks: list = field(default_factory=list)  # Paragraph, Subheading or Figure


@dataclass
class Subheading:
    text: str  # 「（一）上热下冷问题」 (楷体)


@dataclass
class Figure:
    key: str  # which chart: "ranking" or "heatmap"
    caption: str


@dataclass
class Bulletin:
    week: str
    week_number: int
    title: str
    addressee: str
    opening: str
    sections: list[Section]
    attachment_title: str
    issuer: str
    date: dt.date

    def text(self) -> str:
        """Plain text of the body, as a reader sees it (tests, the closing note)."""
        lines = [self.title, self.addressee, self.opening]
        for s in self.sections:
            lines.append(s.heading)
            for b in s.blocks:
                if isinstance(b, Paragraph):
                    lines.append(b.lead + b.text)
                elif isinstance(b, Subheading):
                    lines.append(b.text)
        lines += [f"附件：{self.attachment_title}", self.issuer, date_text(self.date)]
        return "\n".join(lines)


def date_text(day: dt.date) -> str:
    """成文日期 in Arabic numerals, as GB/T 9704-2012 writes it: 2023年12月11日."""
    return f"{day.year}年{day.month}月{day.day}日"


def week_number(week: str, config: Config) -> int:
    return campaign_weeks(config.start, config.end).index(week) + 1


def attachment_title(week: str, config: Config) -> str:
    return f"{config.city}{config.campaign_name}推进情况排名（第{numeral(week_number(week, config))}周）"


def _md(day: dt.date) -> str:
    return f"{day.month}月{day.day}日"


def _names(items, limit: int = 8) -> str:
    items = list(items)
    return "、".join(items[:limit]) + (f"等 {len(items)} 个" if len(items) > limit else "")


def _score_change(now, before) -> str:
    if before is None or pd.isna(before) or now is None or pd.isna(now):
        return ""
    d = round(float(now) - float(before), 1)
    return f"较上周提高 {d:.1f} 分" if d > 0 else f"较上周下降 {-d:.1f} 分" if d < 0 else "与上周持平"


def _rank_change(change) -> str:
    if change is None or pd.isna(change):
        return ""
    c = int(change)
    return f"名次上升 {c} 位" if c > 0 else f"名次下降 {-c} 位" if c < 0 else "名次不变"


def county_phrase(row, prev: dict) -> str:
    """「东湖区（88.5 分，较上周提高 2.3 分，名次上升 1 位）」."""
    parts = [
        f"{row.composite:.1f} 分",
        _score_change(row.composite, prev.get(row.county)),
        _rank_change(row.rank_change),
    ]
    return f"{row.county}（{'，'.join(p for p in parts if p)}）"


# --- the sections ----------------------------------------------------------------------------------


def _overall(data: dict, city_dims: dict, config: Config) -> Section:
    week, ranking = data["week"], data["ranking"]
    sun = week_sunday(week)
    progress = data["expected_progress"]
    blocks = []
    if data.get("city_composite") is not None:
        line = f"截至{_md(sun)}，本次主题教育序时进度为 {progress:.1f}%，全市综合得分 {data['city_composite']:.1f} 分"
        change = _score_change(data["city_composite"], data.get("city_composite_prev"))
        line += f"，{change}" if change else ""
        dims = [(d, city_dims[d]) for d in DIMENSIONS if city_dims.get(d) is not None]
        if dims:
            line += "。分方面看，" + "，".join(f"{DIMENSION_LABELS[d]} {v:.1f} 分" for d, v in dims)
            low_d, low_v = min(dims, key=lambda x: x[1])
            line += f"；{DIMENSION_LABELS[low_d]}得分最低"
            if progress - low_v > 0:
                line += f"，落后序时进度 {progress - low_v:.1f} 分"
        blocks.append(Paragraph(line + "。"))
    else:
        blocks.append(
            Paragraph(f"截至{_md(sun)}，本次主题教育序时进度为 {progress:.1f}%，本周暂无可计算的全市得分。")
        )
    n_sub = int(ranking["submitted"].sum())
    n = data["n_counties"]
    line = f"全市 {n} 个县（市、区）中，{n_sub} 个按时报送周调度表并参加排名"
    line += "，市直单位已报送" if data.get("city_direct_submitted") else f"，{config.city_direct}未报送"
    blocks.append(Paragraph(line + "。"))
    return Section("总体进展情况", blocks)


def _ranking(data: dict) -> Section:
    ranking = data["ranking"]
    ranked = ranking[ranking["rank"].notna()].sort_values("rank", kind="stable")
    prev_df = data.get("prev_ranking")
    prev = dict(zip(prev_df["county"], prev_df["composite"])) if prev_df is not None else {}
    if ranked.empty:
        return Section("各县（市、区）排名情况", [Paragraph("本周尚无县（市、区）报送调度表，暂不排名。")])
    top = ranked.head(3)
    line = "按综合得分排名，前三名依次为" + "、".join(county_phrase(r, prev) for r in top.itertuples())
    if len(ranked) > 3:
        bottom = ranked.tail(min(3, len(ranked) - 3)).iloc[::-1]
        line += "；排名后三位的是" + "、".join(county_phrase(r, prev) for r in bottom.itertuples())
    blocks = [Paragraph(line + "。")]
    moved = ranked[ranked["rank_change"].notna()]
    up = moved[moved["rank_change"] >= 2].sort_values("rank_change", ascending=False, kind="stable")
    down = moved[moved["rank_change"] <= -2].sort_values("rank_change", kind="stable")
    parts = []
    if len(up):
        parts.append(
            "名次上升较快的有"
            + "、".join(f"{r.county}（上升 {int(r.rank_change)} 位）" for r in up.head(3).itertuples())
        )
    if len(down):
        parts.append(
            "名次下降较多的有"
            + "、".join(f"{r.county}（下降 {int(-r.rank_change)} 位）" for r in down.head(3).itertuples())
        )
    tail = "；".join(parts) + "。" if parts else ""
    blocks.append(Paragraph(tail + "各县（市、区）得分及排名详见附件。"))
    blocks.append(Figure("ranking", "图1　各县（市、区）综合得分（虚线为序时进度）"))
    return Section("各县（市、区）排名情况", blocks)


def _problems(data: dict, config: Config) -> Section:
    ranking = data["ranking"]
    blocks: list = []
    flag = config.temperature["gradient_flag"]
    # (一) 上热下冷
    blocks.append(Subheading("（一）“上热中温下冷”问题"))
    flagged = ranking[ranking["cold_bottom"]].sort_values("gradient", ascending=False, kind="stable")
    matrix = data["matrix"]
    if len(flagged):
        parts = []
        for r in flagged.itertuples():
            county_lv = matrix.at[r.county, "县级"] if "县级" in matrix.columns else None
            village = matrix.at[r.county, "村级"] if "村级" in matrix.columns else None
            text = f"{r.county}县级综合得分 {county_lv:.1f} 分、村级仅 {village:.1f} 分，温差 {r.gradient:.1f} 分"
            weak = (data.get("village_weakest") or {}).get(r.county)
            parts.append(text + (f"，村级较弱的是{weak}" if weak else ""))
        blocks.append(
            Paragraph(
                f"{len(flagged)} 个县（市、区）县级与村级温差达到 {flag:g} 分以上，工作压力没有有效传导到基层："
                + "；".join(parts)
                + "。"
            )
        )
    else:
        blocks.append(
            Paragraph(f"本周各县（市、区）县级与村级温差均未达到 {flag:g} 分，未出现明显的“上热下冷”。")
        )
    blocks.append(Figure("heatmap", "图2　各县（市、区）分层级综合得分（上热中温下冷）"))
    # (二) 红灯
    blocks.append(Subheading("（二）进度滞后问题"))
    red = data.get("red_counties") or []
    progress = data["expected_progress"]
    if red:
        parts = []
        for c in red:
            row = ranking[ranking["county"] == c].iloc[0]
            dims = [
                f"{DIMENSION_LABELS[d]} {row[d]:.1f} 分" for d in DIMENSIONS if row.get(f"light_{d}") == "红"
            ]
            parts.append(f"{c}（{'、'.join(dims)}）")
        blocks.append(
            Paragraph(
                f"对照序时进度（{progress:.1f}%），"
                + "、".join(parts)
                + f"落后 {config.lights['red_lag']:g} 分以上，亮红灯，需重点督促。"
            )
        )
    else:
        blocks.append(
            Paragraph(f"本周没有县（市、区）的单项得分落后序时进度 {config.lights['red_lag']:g} 分以上。")
        )
    # (三) 报送
    blocks.append(Subheading("（三）调度表报送问题"))
    missing = list(data.get("not_submitted") or [])
    if not data.get("city_direct_submitted", True):
        missing.append(config.city_direct)
    line = (
        f"{_names(missing, 20)}未按时报送本周调度表"
        if missing
        else "各县（市、区）和市直单位均按时报送了本周调度表"
    )
    rejected = data.get("rejected")
    if rejected is not None and len(rejected):
        known = rejected[rejected["county"].map(lambda c: isinstance(c, str))]
        counts = known.groupby("county", sort=False).size()
        who = "、".join(f"{c} {n} 份" if n > 1 else c for c, n in counts.items())
        line += f"；因填报不规范退回报表 {len(rejected)} 份" + (f"（{who}）" if who else "")
        still = list(dict.fromkeys(known.loc[~known["resubmitted"].astype(bool), "county"]))
        if still:
            line += f"，其中{_names(still)}至今未重新报送"
        else:
            line += "，均已改正后重新报送"
    blocks.append(Paragraph(line + "。"))
    # (四) 逾期
    overdue = data.get("overdue")
    if overdue is not None and len(overdue):
        blocks.append(Subheading("（四）重点任务逾期问题"))
        for (item, deadline), g in overdue.groupby(["item", "deadline"], sort=False):
            task = item.replace("未完成", "").replace("未召开", "")
            verb = "召开" if "未召开" in item else "完成"
            by_county = [f"{c}（{_names(u['unit'], 3)}）" for c, u in g.groupby("county", sort=False)]
            blocks.append(
                Paragraph(
                    f"{task}应于{_md(deadline)}前{verb}，截至本周仍有 {len(g)} 个单位未{verb}，分别是："
                    + "；".join(by_county)
                    + "。"
                )
            )
    return Section("需要关注的问题", blocks)


def _requirements(config: Config) -> Section:
    items = config.bulletin.get("requirements") or []
    blocks = [
        Paragraph(str(it.get("text", "")), lead=f"（{numeral(i)}）{it.get('heading', '')}。")
        for i, it in enumerate(items, 1)
    ]
    return Section("下一步工作要求", blocks)


def build_bulletin(data: dict, city_dims: dict, config: Config | None = None) -> Bulletin:
    """The 通报 of data = app.page_data.overview_data(con, week); city_dims = the city's shown score
    per dimension that week (app.page_data.city_scores)."""
    config = config or default_config()
    b = config.bulletin
    week = data["week"]
    n = week_number(week, config)
    mon, sun = week_monday(week), week_sunday(week)
    issuer = b.get("issuer", f"{config.city}主题教育领导小组办公室")
    sections = [_overall(data, city_dims, config), _ranking(data), _problems(data, config)]
    if b.get("requirements"):
        sections.append(_requirements(config))
    for i, s in enumerate(sections, 1):
        s.heading = f"{numeral(i)}、{s.heading}"
        for block in s.blocks:
            if isinstance(block, Paragraph):
                block.text = tidy(block.text)
    return Bulletin(
        week=week,
        week_number=n,
        title=f"关于全市{config.campaign_name}第{numeral(n)}周调度情况的通报",
        addressee=b.get("addressee", "各县（市、区），市直各单位："),
        opening=(
            f"为及时掌握全市{config.campaign_name}推进情况，{issuer}对{_md(mon)}至{_md(sun)}"
            f"（第{numeral(n)}周）各县（市、区）和市直单位报送的周调度表进行了汇总分析。现将有关情况通报如下。"
        ),
        sections=sections,
        attachment_title=attachment_title(week, config),
        issuer=issuer,
        date=sun + dt.timedelta(days=int(b.get("issue_after_days", 1))),
    )
