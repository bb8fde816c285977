"""`python -m etl forms check | show [--week W]`: the office's commands for the catalogue of forms and
methods (forms.toml). check lists every mistake of config.toml and the catalogue, one Chinese line
each; show prints the form and the method in force for a week as tables."""

from __future__ import annotations

import datetime as dt
import sys
import unicodedata

from .catalogue_text import DIMENSION_NAMES, form_changes, method_changes, readable
from .cli import command, week_option
from .config import Config, ConfigError, load_config
from .forms import KINDS, LEVELS
from .weeks import week_of


def add_parser(subparsers) -> None:
    p = command(
        subparsers,
        "forms",
        lambda args: (p.print_help(), 2)[1],
        help="检查或查看表样与评分方法目录（forms.toml）",
        description="表样与评分方法目录（forms.toml）：check 检查配置和目录有无错误；"
        "show 显示某一周施行的表样和评分办法。",
    )
    sub = p.add_subparsers(dest="forms_command", metavar="check|show")
    c = sub.add_parser(
        "check", help="检查 config.toml 和表样目录", description="检查 config.toml 和表样与评分方法目录"
    )
    c.set_defaults(func=run_check)
    s = sub.add_parser(
        "show", help="显示某周施行的表样和评分办法", description="显示某周施行的表样和评分办法"
    )
    s.add_argument("--week", help="统计周，如 2023-W47（默认本周；主题教育结束后为最后一周）")
    s.set_defaults(func=run_show)


def run_check(args) -> int:
    try:
        config = load_config()
    except ConfigError as exc:
        print(f"发现 {len(exc.lines)} 处错误：", file=sys.stderr)
        for line in exc.lines:
            print("  " + line, file=sys.stderr)
        return 1
    cat = config.catalogue
    print(f"配置无误：{config.path.name}，表样与评分方法目录 {cat.path.name}")
    for f in cat.forms:
        print(f"  {f.title}：自 {f.start} 起，{len(f.columns)} 列" + _changes(form_changes(cat, f)))
    for m in cat.methods:
        print(f"  {m.title}：自 {m.start} 起，{len(m.indicators)} 项指标" + _changes(method_changes(cat, m)))
    print("改动后请重新导入（python -m etl load …），各周得分会按各周的评分办法重算。")
    return 0


def _changes(items: list[str]) -> str:
    return "（" + "；".join(items) + "）" if items else ""


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(header: list[str], rows: list[list[str]]) -> str:
    """A plain-text table aligned for Chinese text (two columns per wide character)."""
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells):
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(header), line(["─" * w for w in widths]), *(line(r) for r in rows)])


def _levels(levels) -> str:
    return "全部" if tuple(levels) == LEVELS else "、".join(levels)


def show(config: Config, week: str) -> str:
    cat = config.catalogue
    form, method = cat.form_for(week), cat.method_for(week)
    out = [f"统计周 {week} 施行{form.title}（自 {form.start} 起）：{form.note}"]
    rows = [
        [
            c.group,
            c.label + (f"（又作 {'、'.join(c.old)}）" if c.old else ""),
            c.id,
            KINDS[c.kind],
            _levels(c.levels) if c.is_metric else "",
            "是" if c.required else "否",
            f"≤ {form.by_id[c.at_most].header}" if c.at_most else (f"≥ {c.min}" if c.min else ""),
        ]
        for c in form.columns
    ]
    out.append(table(["分组", "列名", "代码", "类型", "适用层级", "必填", "检查"], rows))
    out.append("")
    out.append(f"统计周 {week} 施行{method.title}（自 {method.start} 起）：{method.note}")
    rows = [
        [
            DIMENSION_NAMES[i.dimension],
            i.label,
            i.id,
            readable(i.target, cat, week),
            readable(i.achieved, cat, week),
            _levels(i.levels),
        ]
        for i in method.indicators
    ]
    out.append(table(["方面", "指标", "代码", "目标", "完成数", "层级"], rows))
    out.append("权重：" + "，".join(f"{DIMENSION_NAMES[d]} {w:g}" for d, w in method.weights.items()))
    return "\n".join(out)


def run_show(args) -> int:
    config = load_config()
    weeks = config.weeks
    if args.week:
        week = week_option(args.week, config)
    else:
        week = min(max(week_of(dt.date.today()), weeks[0]), weeks[-1])
    print(show(config, week))
    return 0
