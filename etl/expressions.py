"""The small expression language of the catalogue's targets and achieved counts.

`months_started * a`, `min(b, 1)`, `min(c, a) + min(d, a)` (a, b, c, d column ids): names (column
ids or the named parameter months_started), numbers, + − ×, min and max. Parsed with Python's
`ast` and checked node by node against that short list; never evaluated by Python's eval. Rendered to
SQL for the scoring views, or computed in Python for the demo and the worked example of the method.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Mapping
from dataclasses import dataclass

PARAMETERS = ("months_started",)  # named parameters besides column ids (per week)
FUNCTIONS = {"min": "least", "max": "greatest"}
_OPS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*"}
# what people type for × and − in a Chinese document
_SPELLINGS = str.maketrans(
    {"×": "*", "＊": "*", "−": "-", "－": "-", "＋": "+", "（": "(", "）": ")", "，": ","}
)


class ExpressionError(ValueError):
    """A mistake in an expression; the message is Chinese and says what is allowed."""


@dataclass(frozen=True)
class Expression:
    text: str
    tree: ast.expr

    @property
    def names(self) -> tuple[str, ...]:
        """The names it uses, in order of first use."""
        seen: dict[str, None] = {}
        functions = {id(n.func) for n in ast.walk(self.tree) if isinstance(n, ast.Call)}
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Name) and id(node) not in functions:
                seen.setdefault(node.id, None)
        return tuple(seen)

    def sql(self, column: Callable[[str], str]) -> str:
        """SQL text; column(name) renders a name (a column of the row or a parameter)."""
        return _sql(self.tree, column)

    def value(self, values: Mapping[str, float | None]) -> float | None:
        """The expression's value; None when a name it needs is None."""
        return _value(self.tree, values)

    def is_plain_name(self) -> bool:
        return isinstance(self.tree, ast.Name)


def parse(text) -> Expression:
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise ExpressionError('应写成带引号的算式，例如 "months_started * 列代码"')
    source = str(text).translate(_SPELLINGS).strip()
    if not source:
        raise ExpressionError("算式为空")
    try:
        tree = ast.parse(source, mode="eval").body
    except SyntaxError:
        raise ExpressionError(f"算式「{text}」写法有误（括号、运算符是否成对、完整？）") from None
    _check(tree, str(text))
    return Expression(str(text), tree)


def _check(node: ast.AST, text: str) -> None:
    if isinstance(node, ast.Name):
        return
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        if node.value < 0:
            raise ExpressionError(f"算式「{text}」中的数不能为负")
        return
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        _check(node.left, text)
        _check(node.right, text)
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        _check(node.operand, text)
        return
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS:
        if node.keywords or len(node.args) < 2:
            raise ExpressionError(f"算式「{text}」中 {node.func.id}(…) 要写两个或更多用逗号隔开的值")
        for arg in node.args:
            _check(arg, text)
        return
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
        raise ExpressionError(f"算式「{text}」不能用除法；只能用 + - * 和 min(…)、max(…)")
    raise ExpressionError(f"算式「{text}」中有不允许的写法；只能用列代码、数字、+ - * 和 min(…)、max(…)")


def _number(value) -> str:
    return f"{float(value)!r}"


def _sql(node: ast.expr, column) -> str:
    if isinstance(node, ast.Name):
        return column(node.id)
    if isinstance(node, ast.Constant):
        return _number(node.value)
    if isinstance(node, ast.BinOp):
        return f"({_sql(node.left, column)} {_OPS[type(node.op)]} {_sql(node.right, column)})"
    if isinstance(node, ast.UnaryOp):
        return f"(-{_sql(node.operand, column)})"
    assert isinstance(node, ast.Call)
    return f"{FUNCTIONS[node.func.id]}({', '.join(_sql(a, column) for a in node.args)})"


def _value(node: ast.expr, values) -> float | None:
    if isinstance(node, ast.Name):
        v = values.get(node.id)
        return None if v is None else float(v)
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.UnaryOp):
        v = _value(node.operand, values)
        return None if v is None else -v
    if isinstance(node, ast.BinOp):
        a, b = _value(node.left, values), _value(node.right, values)
        if a is None or b is None:
            return None
        return {ast.Add: a + b, ast.Sub: a - b, ast.Mult: a * b}[type(node.op)]
    args = [_value(a, values) for a in node.args]
    if any(a is None for a in args):
        return None
    return min(args) if node.func.id == "min" else max(args)
