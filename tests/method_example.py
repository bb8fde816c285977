"""The generated parts of docs/method.md: the parameters (from config.toml and the indicator list of
the views) and the worked example (computed by the real views from a tiny fixture).

tests/test_method_doc.py checks that the doc holds exactly what this renders, so the doc cannot drift
from the code. After changing the method or config.toml, regenerate with:

    .venv/bin/python -m tests.method_example
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from etl.config import DIMENSION_LABELS, DIMENSIONS, LEVELS, Config, default_config
from etl.warehouse import open_warehouse
from etl.weeks import months_started, week_label

from .scoring_fixtures import insert_submission

DOC = Path(__file__).resolve().parent.parent / "docs" / "method.md"
EXAMPLE_COUNTY, EXAMPLE_WEEK = "青河县", "2023-W45"

# What each indicator counts, for readers (target, achieved); the ids are those of indicator_defs.
INDICATOR_TEXT = {
    "reading_class": ("1（每个班子）", "读书班是否完成（是 = 1）"),
    "center_group_study": ("已开展月数 × 党组织数 × {center_group_per_month:g}", "中心组学习次数"),
    "concentrated_study": ("已开展月数 × 党组织数 × {concentrated_per_month:g}", "集中学习次数"),
    "special_lectures": ("党组织数 × {lectures_per_org:g}", "专题党课次数"),
    "discussion_coverage": ("党员数", "参加交流研讨党员数"),
    "mobile_members_reached": ("流动党员数", "已组织参学流动党员数"),
    "research_done": ("调研课题数", "已完成调研数"),
    "reports_written": ("调研课题数", "形成调研报告数"),
    "typical_cases": (
        "2 × 党组织数 × {cases_per_org:g}",
        "正面、反面典型案例各自计入，每类最多计党组织数 × {cases_per_org:g}",
    ),
    "exchange_meeting": ("1", "成果交流会是否召开（是 = 1）"),
    "results_converted": ("成果转化事项数", "已转化落实数"),
    "livelihood_done": ("为民办实事项目数", "已办结数"),
    "urgent_issues_solved": ("收集急难愁盼问题数", "已解决数"),
    "problems_rectified": ("检视查摆问题数", "已整改数"),
    "targets_quantified": ("检视查摆问题数", "目标量化数"),
    "main_leader_on_cases": ("1", "主要领导挂钩包案（有 = 1）"),
    "enough_problems_found": ("党组织数 × {problems_per_org:g}", "检视查摆问题数"),
}

EXAMPLE_ROWS = [
    {
        "unit": "青河县委常委会",
        "level": "县级",
        "org_count": 1,
        "member_count": 12,
        "reading_class_done": 1,
        "center_group_sessions": 2,
        "special_lectures": 1,
        "discussion_members": 9,
        "mobile_members": 2,
        "mobile_members_reached": 1,
        "research_topics": 2,
        "research_done": 2,
        "research_reports": 1,
        "positive_cases": 1,
        "negative_cases": 0,
        "exchange_meeting_held": 0,
        "conversion_items": 4,
        "conversion_done": 1,
        "livelihood_projects": 2,
        "livelihood_done": 1,
        "urgent_issues_collected": 4,
        "urgent_issues_solved": 3,
        "problems_found": 5,
        "problems_quantified": 5,
        "problems_rectified": 2,
        "lead_cases": 1,
    },
    {
        "unit": "城关镇党委",
        "level": "乡镇级",
        "org_count": 2,
        "member_count": 50,
        "center_group_sessions": 4,
        "special_lectures": 1,
        "discussion_members": 30,
        "mobile_members": 5,
        "mobile_members_reached": 2,
        "research_topics": 2,
        "research_done": 1,
        "research_reports": 1,
        "conversion_items": 2,
        "conversion_done": 0,
        "livelihood_projects": 3,
        "livelihood_done": 1,
        "urgent_issues_collected": 6,
        "urgent_issues_solved": 3,
        "problems_found": 4,
        "problems_quantified": 4,
        "problems_rectified": 1,
    },
    {
        "unit": "东村党支部",
        "level": "村级",
        "org_count": 1,
        "member_count": 20,
        "concentrated_study_sessions": 2,
        "special_lectures": 0,
        "discussion_members": 8,
        "mobile_members": 0,
        "mobile_members_reached": 0,
        "livelihood_projects": 1,
        "livelihood_done": 0,
        "urgent_issues_collected": 2,
        "urgent_issues_solved": 1,
        "problems_found": 2,
        "problems_quantified": 1,
        "problems_rectified": 0,
    },
    {
        "unit": "西村党支部",
        "level": "村级",
        "org_count": 1,
        "member_count": 15,
        "concentrated_study_sessions": 3,
        "special_lectures": 1,
        "discussion_members": 12,
        "mobile_members": 3,
        "mobile_members_reached": 1,
        "livelihood_projects": 1,
        "livelihood_done": 1,
        "urgent_issues_collected": 0,
        "urgent_issues_solved": 0,
        "problems_found": 3,
        "problems_quantified": 3,
        "problems_rectified": 1,
    },
]


def f1(x) -> str:
    return f"{x:.1f}"


def g(x) -> str:
    """A count without a needless .0."""
    return f"{x:g}"


def render_parameters(con, config: Config) -> str:
    t, li, tp = config.temperature, config.lights, config.targets
    lines = ["| 方面 | 权重 |", "|---|---|"]
    lines += [f"| {DIMENSION_LABELS[d]} | {config.weights[d]:g} |" for d in DIMENSIONS]
    lines += [
        "",
        "| 方面 | 指标 | 目标数 | 已完成数（超过目标数的按目标数计） | 适用层级 |",
        "|---|---|---|---|---|",
    ]
    for ind, dim, label, levels in con.execute(
        "SELECT indicator, dimension, label, levels FROM indicator_defs ORDER BY sort_order"
    ).fetchall():
        target, achieved = (s.format(**tp) for s in INDICATOR_TEXT[ind])
        lines.append(f"| {DIMENSION_LABELS[dim]} | {label} | {target} | {achieved} | {'、'.join(levels)} |")
    lines += [
        "",
        f"- 进度预警：差距 = 序时进度 − 得分。差距小于 {li['yellow_lag']:g} 分为**绿**，"
        f"{li['yellow_lag']:g} 分至不足 {li['red_lag']:g} 分为**黄**，{li['red_lag']:g} 分及以上为**红**。",
        f"- 温度：得分 {t['hot']:g} 分及以上为**热**，{t['warm']:g} 分及以上为**温**，不足 {t['warm']:g} 分为**冷**。",
        f"- 温差 = 县级综合得分 − 村级综合得分；温差达到 {t['gradient_flag']:g} 分，标注为“上热下冷”。",
        f"- 活动期间：{config.start:%Y年%-m月%-d日} 至 {config.end:%Y年%-m月%-d日}，共 {config.campaign_days} 天。",
    ]
    return "\n".join(lines)


def render_example(con, config: Config) -> str:
    county, week = EXAMPLE_COUNTY, EXAMPLE_WEEK
    progress = con.execute("SELECT expected_progress FROM cfg_weeks WHERE week = ?", [week]).fetchall()[0][0]
    months = months_started(week, config.start)
    ind = con.execute(
        "SELECT s.level, s.dimension, s.label, s.capped, s.target, s.rate FROM indicator_scores AS s "
        "JOIN indicator_defs AS d USING (indicator) WHERE s.county = ? AND s.week = ? ORDER BY d.sort_order",
        [county, week],
    ).fetchall()
    lvl = {
        (r[0], r[1]): r[2]
        for r in con.execute(
            "SELECT level, dimension, score FROM level_scores WHERE county = ? AND week = ?", [county, week]
        ).fetchall()
    }
    cty = dict(
        con.execute(
            "SELECT dimension, score FROM county_scores WHERE county = ? AND week = ?", [county, week]
        ).fetchall()
    )
    grad = con.execute(
        "SELECT top_composite, bottom_composite, gradient, cold_bottom FROM scope_gradients "
        "WHERE county = ? AND week = ? AND NOT is_city",
        [county, week],
    ).fetchall()[0]
    flag = con.execute(
        "SELECT shown, lag, light, band FROM score_flags WHERE county = ? AND week = ? "
        "AND level IS NULL AND dimension = 'composite' AND NOT is_city",
        [county, week],
    ).fetchall()[0]
    levels = [lv for lv in LEVELS if (lv, "composite") in lvl]
    out = [
        f"{county}{week_label(week)}报来 4 行：县级 1 行、乡镇级 1 行、村级 2 行。"
        f"到本周日活动已开展 {months} 个月，序时进度为 {f1(progress)}%。",
        "",
        "| 单位 | 层级 | 党组织数 | 党员数 |",
        "|---|---|---|---|",
        *(f"| {r['unit']} | {r['level']} | {r['org_count']} | {r['member_count']} |" for r in EXAMPLE_ROWS),
        "",
        "**第一步：各层级各项指标的完成率**（同一层级的各行先相加，再相除；"
        "某行目标数为 0 或该层级不填的指标不计）。",
        "",
        "| 层级 | 方面 | 指标 | 计入的完成数 | 目标数 | 完成率 |",
        "|---|---|---|---|---|---|",
    ]
    for level in levels:
        for lv, dim, label, capped, target, rate in ind:
            if lv == level:
                out.append(
                    f"| {lv} | {DIMENSION_LABELS[dim]} | {label} | {g(capped)} | {g(target)} | {f1(100 * rate)}% |"
                )
    out += [
        "",
        "**第二步：各层级各方面得分**（该方面各项完成率的平均 × 100）和**层级综合得分**"
        "（各方面得分按权重加权平均，缺少的方面不计，权重按现有方面折算）：",
        "",
    ]
    for level in levels:
        parts = []
        for dim in DIMENSIONS:
            rates = [r[5] for r in ind if r[0] == level and r[1] == dim]
            if rates:
                parts.append(
                    f"{DIMENSION_LABELS[dim]} ({' + '.join(f1(100 * x) for x in rates)}) ÷ {len(rates)} = "
                    f"{f1(lvl[(level, dim)])}"
                )
            else:
                parts.append(f"{DIMENSION_LABELS[dim]}（{level}不填，不计）")
        dims = [d for d in DIMENSIONS if (level, d) in lvl]
        num = " + ".join(f"{config.weights[d]:g} × {f1(lvl[(level, d)])}" for d in dims)
        den = " + ".join(f"{config.weights[d]:g}" for d in dims)
        out.append(f"- {level}：{'；'.join(parts)}。")
        out.append(f"  {level}综合 = ({num}) ÷ ({den}) = **{f1(lvl[(level, 'composite')])}**")
    out += ["", "**第三步：县（市、区）各方面得分**（有该方面的各层级得分平均，各层级同等权重）：", ""]
    for dim in DIMENSIONS:
        vals = [lvl[(lv, dim)] for lv in levels if (lv, dim) in lvl]
        out.append(
            f"- {DIMENSION_LABELS[dim]} = ({' + '.join(f1(v) for v in vals)}) ÷ {len(vals)} = **{f1(cty[dim])}**"
        )
    num = " + ".join(f"{config.weights[d]:g} × {f1(cty[d])}" for d in DIMENSIONS)
    den = sum(config.weights[d] for d in DIMENSIONS)
    out += [
        "",
        f"**第四步：综合得分** = ({num}) ÷ {den:g} = **{f1(cty['composite'])}**。",
        "",
        f"**第五步：温差、预警和温度。** 温差 = 县级综合 {f1(grad[0])} − 村级综合 {f1(grad[1])} = **{f1(grad[2])}**"
        f"（{'达到' if grad[3] else '不到'} {config.temperature['gradient_flag']:g} 分，"
        f"{'标注“上热下冷”' if grad[3] else '不标注“上热下冷”'}）。"
        f"进度差距 = 序时进度 {f1(progress)} − 综合得分 {f1(flag[0])} = {f1(flag[1])}，预警为**{flag[2]}**；"
        f"综合得分 {f1(flag[0])}，温度为**{flag[3]}**。",
        "",
        "（计算过程中不四舍五入；上面各数显示时保留一位小数，所以照抄显示的数相加，个别末位可能差 0.1。）",
    ]
    return "\n".join(out)


def example_warehouse(path, config: Config | None = None):
    con = open_warehouse(path, config=config)
    insert_submission(con, EXAMPLE_COUNTY, EXAMPLE_WEEK, EXAMPLE_ROWS)
    return con


def render_sections(config: Config | None = None) -> dict[str, str]:
    config = config or default_config()
    with tempfile.TemporaryDirectory() as tmp:
        con = example_warehouse(Path(tmp) / "example.duckdb", config)
        try:
            return {"parameters": render_parameters(con, config), "example": render_example(con, config)}
        finally:
            con.close()


def section_re(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- BEGIN GENERATED {name} -->\n)(.*?)(<!-- END GENERATED {name} -->)", re.S)


def doc_sections(text: str) -> dict[str, str | None]:
    out = {}
    for name in ("parameters", "example"):
        m = section_re(name).search(text)
        out[name] = m.group(2).removesuffix("\n") if m else None
    return out


def update_doc(path: Path = DOC) -> bool:
    """Rewrite the generated sections of docs/method.md; True when something changed."""
    text = path.read_text(encoding="utf-8")
    new = text
    for name, body in render_sections().items():
        new, n = section_re(name).subn(lambda m, body=body: m.group(1) + body + "\n" + m.group(3), new)
        if n != 1:
            raise SystemExit(f"docs/method.md: marker for section {name!r} missing")
    if new != text:
        path.write_text(new, encoding="utf-8")
    return new != text


if __name__ == "__main__":
    print("updated" if update_doc() else "up to date", DOC)
