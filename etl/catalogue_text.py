"""The catalogue in words, for people: an expression with column names instead of ids, what changed
from one version of the form or the method to the next (bulletin footnotes, `forms show`, the
数据报送 page, docs/method.md)."""

from __future__ import annotations

import ast

from .expressions import Expression
from .forms import Catalogue, Form, Method

DIMENSION_NAMES = {
    "study": "理论学习",
    "research": "调查研究",
    "development": "推动发展",
    "rectification": "整改整治",
}
PARAMETER_NAMES = {"months_started": "已开展月数"}


def readable(expr: Expression, catalogue: Catalogue, week: str | None = None) -> str:
    """`months_started * <the id of 党组织数>` → 已开展月数 × 党组织数; min(a, b) → a（最多计 b）.
    Column names as the form in force for the week has them (else their latest names)."""
    names = catalogue.form_for(week).by_id if week else {}

    def text(node, top=False) -> str:
        if isinstance(node, ast.Name):
            if node.id in PARAMETER_NAMES:
                return PARAMETER_NAMES[node.id]
            c = names.get(node.id) or catalogue.by_id.get(node.id)
            return c.header if c else node.id
        if isinstance(node, ast.Constant):
            return f"{node.value:g}"
        if isinstance(node, ast.UnaryOp):
            return f"−{text(node.operand)}"
        if isinstance(node, ast.BinOp):
            op = {ast.Add: " + ", ast.Sub: " − ", ast.Mult: " × "}[type(node.op)]
            inner = f"{text(node.left)}{op}{text(node.right)}"
            return inner if top or isinstance(node.op, ast.Mult) else f"({inner})"
        if node.func.id == "min" and len(node.args) == 2:
            return f"{text(node.args[0])}（最多计 {text(node.args[1], True)}）"
        name = "较小者" if node.func.id == "min" else "较大者"
        return f"{'、'.join(text(a, True) for a in node.args)}中的{name}"

    return text(expr.tree, True)


def _previous(versions, version):
    i = versions.index(version)
    return versions[i - 1] if i else None


def method_changes(catalogue: Catalogue, method: Method) -> list[str]:
    """What changed from the previous method version, one phrase each ([] for the first)."""
    before = _previous(catalogue.methods, method)
    if before is None:
        return []
    out = []
    old = {i.id: i for i in before.indicators}
    new = {i.id: i for i in method.indicators}
    for i in method.indicators:
        if i.id not in old:
            out.append(
                f"新增{DIMENSION_NAMES[i.dimension]}指标“{i.label}”（目标：{readable(i.target, catalogue, method.start)}；"
                f"完成：{readable(i.achieved, catalogue, method.start)}）"
            )
            continue
        o = old[i.id]
        for part, word in (("target", "目标"), ("achieved", "完成数")):
            a, b = getattr(o, part), getattr(i, part)
            if ast.dump(a.tree) != ast.dump(b.tree):
                out.append(
                    f"“{i.label}”{word}由 {readable(a, catalogue, before.start)} 改为 "
                    f"{readable(b, catalogue, method.start)}"
                )
        if o.levels != i.levels:
            out.append(f"“{i.label}”适用层级改为{'、'.join(i.levels)}")
    for i in before.indicators:
        if i.id not in new:
            out.append(f"取消指标“{i.label}”")
    moved = [
        f"{DIMENSION_NAMES[d]} {before.weights[d]:g}→{method.weights[d]:g}"
        for d in DIMENSION_NAMES
        if abs(before.weights[d] - method.weights[d]) > 1e-12
    ]
    if moved:
        out.append("权重调整：" + "，".join(moved))
    return out


def form_changes(catalogue: Catalogue, form: Form) -> list[str]:
    """What changed from the previous form version, one phrase each ([] for the first)."""
    before = _previous(catalogue.forms, form)
    if before is None:
        return []
    out = []
    for c in form.columns:
        o = before.by_id.get(c.id)
        if o is None:
            out.append(f"新增列「{c.group} / {c.label}」")
        elif o.label != c.label:
            out.append(f"「{o.label}」改称「{c.label}」（两种写法都接受）")
    for c in before.columns:
        if c.id not in form.by_id:
            out.append(f"取消列「{c.group} / {c.label}」")
    return out


def deadline_text(column) -> str:
    """What a unit has not done, from a 是/否 column's header: 读书班是否完成 → 读书班未完成."""
    return column.header.replace("是否", "未", 1) if "是否" in column.header else f"{column.header}：否"


def new_method_note(catalogue: Catalogue, week: str) -> str | None:
    """For the bulletin of the first week under a new method: that the method changed, and how."""
    method = catalogue.method_for(week)
    if method.start != week or method is catalogue.methods[0]:
        return None
    changes = "；".join(method_changes(catalogue, method)) or method.note
    return (
        f"自本周（{week}）起施行{method.title}：{changes}。"
        "各周得分均按该周施行的评分办法计算，排名变化与上周名次直接比较。"
    )
