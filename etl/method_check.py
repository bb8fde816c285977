"""Checking the scoring methods of the catalogue (forms.toml): versions, weights, indicators and
their expressions against the forms in force while each method is (etl.catalogue_check reads the
file and checks the forms)."""

from __future__ import annotations

import re

from .config_errors import Collector
from .expressions import PARAMETERS, ExpressionError, parse
from .forms import DIMENSIONS, ID_RE, LEVELS, Form, Indicator, Method

CJK = re.compile(r"[\u4e00-\u9fff]")


def methods(raw, out: Collector, forms: list[Form], weeks, versions) -> list[Method]:
    """The [[method]] versions, checked; versions is catalogue_check's reader of [[…]] tables."""
    return _methods(raw, out, forms, weeks, versions)


def _methods(raw, out: Collector, forms: list[Form], weeks, _versions) -> list[Method]:
    methods = []
    all_forms = {f.version: f for f in forms}
    for i, item, line in _versions(raw, "method", out, weeks):
        key = f"第{i + 1}版评分办法"
        weights = _weights(item.get("weights"), out, out.key_line("method", "weights", i), key)
        start = item.get("from", "")
        # the forms in force while this method is: its indicators may use only their columns
        until = raw["method"][i + 1].get("from") if i + 1 < len(raw["method"]) else None
        in_force = [
            f for j, f in enumerate(forms)
            if isinstance(start, str) and (until is None or f.start < until)
            and (j + 1 == len(forms) or forms[j + 1].start > start)
        ] or list(all_forms.values())  # fmt: skip
        indicators, seen = [], set()
        entries = out.entries(
            item,
            "indicators",
            line,
            f"{key} indicators",
            "没有指标",
            '{ id = "new_indicator", dimension = "study", label = "专题党课", target = "列代码", achieved = "另一列的代码" }',
        )
        for entry in entries:
            ind = _indicator(entry, out, line, key, in_force)
            if ind is None:
                continue
            if ind.id in seen:
                out.add(
                    out.line_with(f'"{ind.id}"', line or 0),
                    f"{key} 指标 {ind.id}",
                    "指标代码重复",
                    'id = "另一个代码"',
                )
                continue
            seen.add(ind.id)
            indicators.append(ind)
        present = {ind.dimension for ind in indicators}
        for d in DIMENSIONS:
            if indicators and d not in present and weights.get(d):
                out.add(
                    line,
                    f"{key} weights.{d}",
                    f"方面 {d} 有权重但没有任何指标",
                    f"给 {d} 加指标，或把它的权重改为 0",
                )
        methods.append(
            Method(item.get("version", i + 1), start, str(item.get("note", "")), weights, tuple(indicators))
        )
    return methods


def _weights(weights, out: Collector, line, key) -> dict:
    example = "weights = { study = 0.30, research = 0.25, development = 0.25, rectification = 0.20 }"
    if not isinstance(weights, dict):
        out.add(line, f"{key} weights", "缺少四个方面的权重", example)
        return {d: 0.25 for d in DIMENSIONS}
    return check_weights(weights, out, line, f"{key} weights", example)


def check_weights(weights: dict, out: Collector, line, key: str, example: str) -> dict:
    """Four numbers ≥ 0 that sum to 1 (shared with config.toml's checks)."""
    clean = {}
    for d in DIMENSIONS:
        v = weights.get(d)
        if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
            out.add(line, f"{key}.{d}", f"权重应为 0 到 1 之间的数（写的是 {v!r}）", example)
        else:
            clean[d] = float(v)
    for k in sorted(set(weights) - set(DIMENSIONS)):
        out.add(
            line, f"{key}.{k}", "不是四个方面之一（study、research、development、rectification）", example
        )
    if len(clean) == len(DIMENSIONS) and abs(sum(clean.values()) - 1) > 1e-9:
        out.add(line, key, f"四项权重之和应为 1，现在是 {sum(clean.values()):g}", example)
    return clean


def _indicator(entry, out: Collector, line, key, forms: list[Form]) -> Indicator | None:
    example = '{ id = "new_indicator", dimension = "study", label = "专题党课", target = "列代码", achieved = "另一列的代码" }'
    if not isinstance(entry, dict):
        out.add(line, f"{key} 指标", "每项指标应写成 { … } 的形式", example)
        return None
    iid = entry.get("id")
    where = out.line_with(f'"{iid}"', line or 0) if isinstance(iid, str) else line
    if not isinstance(iid, str) or not ID_RE.match(iid):
        out.add(where, f"{key} 指标 id", f"指标代码应为英文小写字母、数字和下划线（写的是 {iid!r}）", example)
        return None
    key = f"{key} 指标 {iid}"
    bad = False
    for k in sorted(set(entry) - {"id", "dimension", "label", "en", "target", "achieved", "levels"}):
        out.add(where, f"{key} {k}", "不认识这一项", "id、dimension、label、en、target、achieved、levels")
        bad = True
    bad |= not english_name(entry, out, where, key, "Special lectures")
    if entry.get("dimension") not in DIMENSIONS:
        out.add(
            where,
            f"{key} dimension",
            f"方面「{entry.get('dimension')}」不对",
            'dimension = "study"（可选：study、research、development、rectification）',
        )
        bad = True
    label = entry.get("label")
    if not isinstance(label, str) or not label.strip():
        out.add(where, f"{key} label", "缺少显示名称", 'label = "专题党课"')
        bad = True
    columns = {c.id: c for f in forms for c in f.metrics}
    common = set.intersection(*({c.id for c in f.metrics} for f in forms)) if forms else set()
    exprs = {}
    for part in ("target", "achieved"):
        try:
            exprs[part] = parse(entry.get(part))
        except ExpressionError as exc:
            out.add(where, f"{key} {part}", str(exc), f'{part} = "months_started * 列代码"')
            bad = True
            continue
        for name in exprs[part].names:
            if name in PARAMETERS:
                continue
            if name not in columns:
                out.add(
                    where,
                    f"{key} {part}",
                    f"「{name}」不是该评分办法施行期间表样中的列代码，也不是参数（months_started）",
                    f'{part} = "列代码"',
                )
                bad = True
            elif name not in common:
                out.add(
                    where,
                    f"{key} {part}",
                    f"列「{name}」不在该评分办法施行期间的每一版表样中（请把评分办法的起用周与表样对齐）",
                )
                bad = True
    if bad:
        return None
    used = [columns[n] for e in exprs.values() for n in e.names if n in columns]
    applies = [lv for lv in LEVELS if all(lv in c.levels for c in used)]
    levels = entry.get("levels", applies)
    if not isinstance(levels, list) or not levels or not set(levels) <= set(applies):
        out.add(
            where,
            f"{key} levels",
            f"层级应为它所用各列都适用的层级中的几个（{'、'.join(applies)}）",
            f"levels = {applies!r}".replace("'", '"'),
        )
        return None
    return Indicator(
        iid,
        entry["dimension"],
        label.strip(),
        exprs["target"],
        exprs["achieved"],
        tuple(lv for lv in LEVELS if lv in levels),
        entry["en"].strip(),
    )


def english_name(entry: dict, out: Collector, where, key: str, example: str) -> bool:
    """`en`, the English name the dashboard's English switch shows: required, without Chinese."""
    en = entry.get("en")
    if isinstance(en, str) and en.strip() and not CJK.search(en):
        return True
    why = "缺少英文名称（看板的英文开关显示它）" if not en else f"英文名称应为英文（写的是 {en!r}）"
    out.add(where, f"{key} en", why, f'en = "{example}"')
    return False
