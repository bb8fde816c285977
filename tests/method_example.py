"""The generated parts of docs/method.md: every method version of the catalogue (forms.toml) with the
thresholds of config.toml, and two worked examples (computed by the real views from a tiny fixture),
one on each side of the switch to form 2 and method 2.

tests/test_method_doc.py checks that the doc holds exactly what this renders, so the doc cannot drift
from the code. After changing the method or config.toml, regenerate with:

    .venv/bin/python -m tests.method_example
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from etl.catalogue_text import form_changes, method_changes, readable
from etl.config import DIMENSION_LABELS, DIMENSIONS, LEVELS, Config, default_config
from etl.warehouse import open_warehouse
from etl.weeks import months_started, week_label

from .scoring_fixtures import insert_submission

DOC = Path(__file__).resolve().parent.parent / "docs" / "method.md"
EXAMPLE_COUNTY, EXAMPLE_WEEK = "青河县", "2023-W45"

EXAMPLE2_WEEK = "2023-W47"  # the first week of form 2 and method 2
# form 2's new columns, for the second example (the rows are otherwise those of EXAMPLE_ROWS)
EXAMPLE2_EXTRA = {
    "青河县委常委会": {"new_sector_members": 2, "new_sector_members_reached": 1},
    "城关镇党委": {"new_sector_members": 10, "new_sector_members_reached": 4},
    "东村党支部": {"new_sector_members": 4, "new_sector_members_reached": 4},
    "西村党支部": {"new_sector_members": 0, "new_sector_members_reached": 0},
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


def _since(version, first) -> str:
    return "主题教育开始起施行" if version is first else f"自 {version.start} 起施行"


def render_parameters(con, config: Config) -> str:
    """Every method version of the catalogue (forms.toml), then the thresholds and the forms."""
    t, li, cat = config.temperature, config.lights, config.catalogue
    lines = []
    for m in cat.methods:
        lines += [f"### {m.title}（{_since(m, cat.methods[0])}）", "", m.note + "。", ""]
        changes = method_changes(cat, m)
        if changes:
            lines += ["与上一版相比：", "", *(f"- {c}" for c in changes), ""]
        lines += ["| 方面 | 权重 |", "|---|---|"]
        lines += [f"| {DIMENSION_LABELS[d]} | {m.weights[d]:g} |" for d in DIMENSIONS]
        lines += [
            "",
            "| 方面 | 指标 | 目标数 | 已完成数（超过目标数的按目标数计） | 适用层级 |",
            "|---|---|---|---|---|",
        ]
        for i in m.indicators:
            lines.append(
                f"| {DIMENSION_LABELS[i.dimension]} | {i.label} | {readable(i.target, cat, m.start)} | "
                f"{readable(i.achieved, cat, m.start)} | {'、'.join(i.levels)} |"
            )
        lines.append("")
    lines += [
        "### 分档界线（各版相同，写在 config.toml）",
        "",
        f"- 进度预警：差距 = 序时进度 − 得分。差距小于 {li['yellow_lag']:g} 分为**绿**，"
        f"{li['yellow_lag']:g} 分至不足 {li['red_lag']:g} 分为**黄**，{li['red_lag']:g} 分及以上为**红**。",
        f"- 温度：得分 {t['hot']:g} 分及以上为**热**，{t['warm']:g} 分及以上为**温**，不足 {t['warm']:g} 分为**冷**。",
        f"- 温差 = 县级综合得分 − 村级综合得分；温差达到 {t['gradient_flag']:g} 分，标注为“上热下冷”。",
        f"- 活动期间：{config.start:%Y年%-m月%-d日} 至 {config.end:%Y年%-m月%-d日}，共 {config.campaign_days} 天。",
        "",
        "### 周调度表的各版表样",
        "",
    ]
    for f in cat.forms:
        changes = form_changes(cat, f)
        lines.append(
            f"- {f.title}（{_since(f, cat.forms[0])}）：{len(f.columns)} 列"
            + ("；" + "；".join(changes) if changes else "，即本项目 dispatch-format.md 所列各列")
            + "。"
        )
    return "\n".join(lines)


def render_example(con, config: Config, week: str = EXAMPLE_WEEK) -> str:
    county = EXAMPLE_COUNTY
    method = config.catalogue.method_for(week)
    weights = method.weights
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
        f"到本周日活动已开展 {months} 个月，序时进度为 {f1(progress)}%。本周施行{method.title}。",
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
        num = " + ".join(f"{weights[d]:g} × {f1(lvl[(level, d)])}" for d in dims)
        den = " + ".join(f"{weights[d]:g}" for d in dims)
        out.append(f"- {level}：{'；'.join(parts)}。")
        out.append(f"  {level}综合 = ({num}) ÷ ({den}) = **{f1(lvl[(level, 'composite')])}**")
    out += ["", "**第三步：县（市、区）各方面得分**（有该方面的各层级得分平均，各层级同等权重）：", ""]
    for dim in DIMENSIONS:
        vals = [lvl[(lv, dim)] for lv in levels if (lv, dim) in lvl]
        out.append(
            f"- {DIMENSION_LABELS[dim]} = ({' + '.join(f1(v) for v in vals)}) ÷ {len(vals)} = **{f1(cty[dim])}**"
        )
    num = " + ".join(f"{weights[d]:g} × {f1(cty[d])}" for d in DIMENSIONS)
    den = sum(weights[d] for d in DIMENSIONS)
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
    # the same units in the first week of form 2: its new columns, and no 中央/省级媒体报道
    insert_submission(
        con, EXAMPLE_COUNTY, EXAMPLE2_WEEK, [{**r, **EXAMPLE2_EXTRA[r["unit"]]} for r in EXAMPLE_ROWS]
    )
    return con


def render_sections(config: Config | None = None) -> dict[str, str]:
    config = config or default_config()
    with tempfile.TemporaryDirectory() as tmp:
        con = example_warehouse(Path(tmp) / "example.duckdb", config)
        try:
            return {
                "parameters": render_parameters(con, config),
                "example": render_example(con, config),
                "example2": render_example(con, config, EXAMPLE2_WEEK),
            }
        finally:
            con.close()


SECTIONS = ("parameters", "example", "example2")


def section_re(name: str) -> re.Pattern:
    return re.compile(rf"(<!-- BEGIN GENERATED {name} -->\n)(.*?)(<!-- END GENERATED {name} -->)", re.S)


def doc_sections(text: str) -> dict[str, str | None]:
    out = {}
    for name in SECTIONS:
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
