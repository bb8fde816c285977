"""The catalogue of dispatch forms and scoring methods (forms.toml): every version, each in force
from a week. The template, the loader, the warehouse columns, the scoring views, the demo, the method
document and the pages all derive from it; nothing else names a column or an indicator.

read_catalogue() reads and checks it; every mistake is one Chinese line (etl.config_errors)."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .config_errors import Collector, ConfigError
from .expressions import PARAMETERS, Expression, ExpressionError, parse

LEVELS = ("市级", "县级", "乡镇级", "村级")  # top to bottom
DIMENSIONS = ("study", "research", "development", "rectification")
GROUPS = ("基本情况", "理论学习", "调查研究", "推动发展", "整改整治", "宣传氛围", "备注")
KINDS = {
    "seq": "序号",
    "unit": "单位名称",
    "level": "层级",
    "count": "个数",
    "flag": "是/否",
    "text": "文字",
}
METRIC_KINDS = ("count", "flag")
SKELETON = ("unit", "level")  # every form has these: the kind is the column's role
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
_UNIT_SUFFIX = re.compile(r"[（(]([^（）()]*)[）)]$")


def header_key(text: str) -> str:
    """A header as the loader compares it (etl.layout.header_key): NFKC, no spaces, no unit in
    brackets: '党组织数（个）' → '党组织数'."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return _UNIT_SUFFIX.sub("", text)


@dataclass(frozen=True)
class Column:
    group: str
    header: str  # the template text without its unit: 党组织数
    unit: str | None  # the unit, shown in full-width brackets: 个
    id: str
    kind: str
    levels: tuple[str, ...] = LEVELS
    required: bool = True
    at_most: str | None = None  # this count may never exceed that column on a row
    min: int | None = None
    old: tuple[str, ...] = ()  # earlier template texts, accepted in every week

    @property
    def label(self) -> str:
        """The exact header text of the template: 党组织数（个）."""
        return f"{self.header}（{self.unit}）" if self.unit else self.header

    @property
    def name(self) -> str:
        return self.header

    @property
    def is_metric(self) -> bool:
        return self.kind in METRIC_KINDS


def split_header(text: str) -> tuple[str, str | None]:
    """'党组织数（个）' → ('党组织数', '个'); '备注' → ('备注', None)."""
    text = text.strip()
    m = _UNIT_SUFFIX.search(text)
    return (text[: m.start()].strip(), m.group(1).strip() or None) if m else (text, None)


@dataclass(frozen=True)
class Form:
    version: int
    start: str  # first week in force
    note: str
    columns: tuple[Column, ...]

    @cached_property
    def by_id(self) -> dict[str, Column]:
        return {c.id: c for c in self.columns}

    @cached_property
    def metrics(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.is_metric)

    @cached_property
    def relations(self) -> tuple[tuple[str, str], ...]:
        return tuple((c.id, c.at_most) for c in self.columns if c.at_most)

    @property
    def title(self) -> str:
        return f"第{self.version}版表样"


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    label: str
    target: Expression
    achieved: Expression
    levels: tuple[str, ...]


@dataclass(frozen=True)
class Method:
    version: int
    start: str
    note: str
    weights: dict
    indicators: tuple[Indicator, ...]

    @property
    def title(self) -> str:
        return f"第{self.version}版评分办法"


@dataclass(frozen=True)
class Catalogue:
    path: Path
    forms: tuple[Form, ...]
    methods: tuple[Method, ...]

    def form_for(self, week: str) -> Form:
        """The form in force for a week (the first one for a week before every start)."""
        return _in_force(self.forms, week)

    def method_for(self, week: str) -> Method:
        return _in_force(self.methods, week)

    def form(self, version: int) -> Form:
        return next(f for f in self.forms if f.version == version)

    @cached_property
    def columns(self) -> tuple[Column, ...]:
        """Every column id of every version once, in the order of the versions (the latest
        definition of each): the warehouse's columns."""
        out: dict[str, Column] = {}
        for form in self.forms:
            for c in form.columns:
                out[c.id] = c
        order: dict[str, None] = {}
        for form in self.forms:  # the first form's order, then each later form's new ids
            ids = [c.id for c in form.columns]
            for i, cid in enumerate(ids):
                if cid not in order:
                    before = next((p for p in reversed(ids[:i]) if p in order), None)
                    order = _insert_after(order, before, cid)
        return tuple(out[i] for i in order)

    @cached_property
    def by_id(self) -> dict[str, Column]:
        return {c.id: c for c in self.columns}

    @cached_property
    def metrics(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.is_metric)

    @cached_property
    def headers(self) -> dict[tuple[str, str], str]:
        """(group, header without unit) → id, over every text of every version (old texts too)."""
        out = {}
        for form in self.forms:
            for c in form.columns:
                for text in (c.label, *c.old):
                    out[c.group, header_key(text)] = c.id
        return out

    @cached_property
    def header_lookup(self) -> tuple[dict, dict, frozenset]:
        """For the loader's header search: (group, text) → id; text → id where the text alone is a
        key (it names one column only); the texts of the unit-name column."""
        groups_of: dict[str, set] = {}
        for (_group, key), cid in self.headers.items():
            groups_of.setdefault(key, set()).add(cid)
        by_header = {key: next(iter(ids)) for key, ids in groups_of.items() if len(ids) == 1}
        names = frozenset(key for (_, key), cid in self.headers.items() if cid == "unit")
        return self.headers, by_header, names

    @cached_property
    def indicators(self) -> tuple[Indicator, ...]:
        """Every indicator id of every method once (the latest definition), in method order."""
        out: dict[str, Indicator] = {}
        for method in self.methods:
            for ind in method.indicators:
                out[ind.id] = ind
        order: dict[str, None] = {}
        for method in self.methods:
            ids = [i.id for i in method.indicators]
            for k, iid in enumerate(ids):
                if iid not in order:
                    before = next((p for p in reversed(ids[:k]) if p in order), None)
                    order = _insert_after(order, before, iid)
        return tuple(out[i] for i in order)

    def versions_in(self, weeks: list[str]) -> list[tuple[str, Form, Method]]:
        """(week, form, method) for each of the weeks."""
        return [(w, self.form_for(w), self.method_for(w)) for w in weeks]


def _insert_after(order: dict, before, new) -> dict:
    keys = list(order)
    at = keys.index(before) + 1 if before is not None else 0
    keys.insert(at, new)
    return dict.fromkeys(keys)


def _in_force(versions, week: str):
    current = versions[0]
    for v in versions:
        if v.start <= week:
            current = v
    return current


# ---------------------------------------------------------------- reading and checking


def read_catalogue(path: Path, campaign_weeks: list[str] | None = None) -> Catalogue:
    """The catalogue at path, checked; ConfigError with every mistake, one line each."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"找不到表样目录文件 {path}（config.toml 的 [paths] catalogue 指向它）"]) from None
    except UnicodeDecodeError:
        raise ConfigError([f"{path.name}：不是 UTF-8 编码的文本，请用记事本“另存为 UTF-8”"]) from None
    out = Collector(path, text)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, what = _syntax(exc)
        key = f"「{out.lines[line - 1].strip()}」" if line and line <= len(out.lines) else "写法"
        out.add(line, key, what, '每项写成 名称 = 值，文字加英文双引号，例如 header = "专题党课（次）"')
        raise ConfigError(out.problems) from None
    forms = _forms(raw, out, campaign_weeks)
    methods = _methods(raw, out, forms, campaign_weeks)
    if out.problems:
        raise ConfigError(out.problems)
    return Catalogue(path, tuple(forms), tuple(methods))


def _syntax(exc: Exception) -> tuple[int | None, str]:
    m = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
    what = re.sub(r"\s*\(at line.*\)$", "", str(exc))
    return (
        int(m.group(1)) if m else None
    ), f"TOML 写法有误（{what}，第 {m.group(2) if m else '?'} 个字符附近）"


def _versions(raw, name: str, out: Collector, weeks: list[str] | None) -> list[tuple[int, dict, int | None]]:
    """The [[name]] tables in order: (index, table, line), with their version and from checked."""
    items = raw.get(name)
    if not isinstance(items, list) or not items:
        out.add(None, f"[[{name}]]", "一个版本也没有", f'[[{name}]] version = 1, from = "2023-W36"')
        return []
    result, previous = [], None
    for i, item in enumerate(items):
        line = out.table_line(name, i)
        key = f"[[{name}]] 第 {i + 1} 个"
        version, start = item.get("version"), item.get("from")
        if not isinstance(version, int) or isinstance(version, bool) or version != i + 1:
            out.add(
                out.key_line(name, "version", i),
                f"{key} version",
                f"版本号应按顺序为 {i + 1}（写的是 {version!r}）",
                f"version = {i + 1}",
            )
        m = WEEK_RE.match(start) if isinstance(start, str) else None
        if not m:
            out.add(
                out.key_line(name, "from", i),
                f"{key} from",
                f"起用周写法不对（{start!r}）",
                'from = "2023-W47"',
            )
        elif weeks is not None and start not in weeks:
            out.add(
                out.key_line(name, "from", i),
                f"{key} from",
                f"{start} 不在主题教育期间（{weeks[0]} 至 {weeks[-1]}）",
                f'from = "{weeks[0]}"',
            )
        elif previous is not None and start <= previous:
            out.add(
                out.key_line(name, "from", i),
                f"{key} from",
                f"起用周 {start} 应晚于上一版的 {previous}（各版按时间先后排列，不能重叠）",
                f'from = "{previous[:-2]}{int(previous[-2:]) + 1:02d}"' if int(previous[-2:]) < 52 else "",
            )
        else:
            previous = start
        result.append((i, item, line))
    return result


def _forms(raw, out: Collector, weeks) -> list[Form]:
    forms, headers_seen = [], {}
    for i, item, line in _versions(raw, "form", out, weeks):
        columns, ids, texts = [], {}, {}
        entries = item.get("columns")
        if not isinstance(entries, list) or not entries:
            out.add(
                line,
                f"第{i + 1}版表样 columns",
                "没有列",
                'columns = [ { group = "基本情况", header = "单位名称", id = "unit", kind = "unit" }, … ]',
            )
            continue
        for entry in entries:
            c = _column(entry, out, line, i)
            if c is None:
                continue
            where = out.line_with(f'"{c.id}"', line or 0)
            if c.id in ids:
                out.add(
                    where,
                    f"第{i + 1}版表样 列 {c.id}",
                    "列代码重复（同一版中每列代码只能出现一次）",
                    'id = "另一个代码"',
                )
                continue
            ids[c.id] = c
            for text in (c.label, *c.old):
                key = (c.group, header_key(text))
                if key in texts and texts[key] != c.id:
                    out.add(
                        where,
                        f"第{i + 1}版表样 列 {c.id}",
                        f"列名「{c.group} / {text}」与本版的列 {texts[key]} 相同，导入时无法区分",
                        "给两列不同的列名",
                    )
                texts[key] = c.id
                other = headers_seen.get(key)
                if other and other[0] != c.id:
                    out.add(
                        where,
                        f"第{i + 1}版表样 列 {c.id}",
                        f"列名「{c.group} / {text}」在第{other[1]}版是列 {other[0]} 的列名，改了名的列不能和别的列重名",
                        "换一个列名，或沿用原来的列代码",
                    )
                headers_seen.setdefault(key, (c.id, i + 1))
            columns.append(c)
        for sk in SKELETON:
            if sk not in ids:
                out.add(
                    line,
                    f"第{i + 1}版表样",
                    f'缺少{KINDS[sk]}列（id = "{sk}"）',
                    f'{{ group = "基本情况", header = "{KINDS[sk]}", id = "{sk}", kind = "{sk}" }}',
                )
        for c in columns:
            if c.at_most and c.at_most not in ids:
                out.add(
                    out.line_with(f'"{c.id}"', line or 0),
                    f"第{i + 1}版表样 列 {c.id} at_most",
                    f"「{c.at_most}」不是本版表样中的列代码",
                    f'at_most = "{next(iter(ids))}"',
                )
            elif c.at_most and ids[c.at_most].kind != "count":
                out.add(
                    out.line_with(f'"{c.id}"', line or 0),
                    f"第{i + 1}版表样 列 {c.id} at_most",
                    f"「{c.at_most}」不是个数列，不能比大小",
                )
        forms.append(
            Form(item.get("version", i + 1), item.get("from", ""), str(item.get("note", "")), tuple(columns))
        )
    # one id, one kind: the warehouse keeps one column per id across versions
    kinds: dict[str, tuple[str, int]] = {}
    for form in forms:
        for c in form.columns:
            if c.id in kinds and kinds[c.id][0] != c.kind:
                out.add(
                    out.line_with(f'"{c.id}"', out.table_line("form", form.version - 1) or 0),
                    f"第{form.version}版表样 列 {c.id} kind",
                    f"类型 {c.kind} 与第{kinds[c.id][1]}版的 {kinds[c.id][0]} 不同；同一列代码各版类型必须相同",
                    "换一个新的列代码",
                )
            kinds.setdefault(c.id, (c.kind, form.version))
    return forms


def _column(entry, out: Collector, line, i) -> Column | None:
    key = f"第{i + 1}版表样 列"
    if not isinstance(entry, dict):
        out.add(
            line,
            key,
            "每一列应写成 { … } 的形式",
            '{ group = "理论学习", header = "专题党课（次）", id = "new_column", kind = "count" }',
        )
        return None
    cid = entry.get("id")
    where = out.line_with(f'"{cid}"', line or 0) if isinstance(cid, str) else line
    if not isinstance(cid, str) or not ID_RE.match(cid):
        out.add(
            where,
            f"{key} id",
            f"列代码应为英文小写字母、数字和下划线（写的是 {cid!r}）",
            'id = "new_column"',
        )
        return None
    key = f"{key} {cid}"
    bad = False
    unknown = set(entry) - {"group", "header", "id", "kind", "levels", "required", "at_most", "min", "old"}
    for k in sorted(unknown):
        out.add(
            where,
            f"{key} {k}",
            "不认识这一项",
            "group、header、old、id、kind、levels、required、at_most、min",
        )
        bad = True
    group, header, kind = entry.get("group"), entry.get("header"), entry.get("kind")
    if group not in GROUPS:
        out.add(
            where,
            f"{key} group",
            f"分组「{group}」不是表样的分组",
            'group = "理论学习"（可选：' + "、".join(GROUPS) + "）",
        )
        bad = True
    if not isinstance(header, str) or not header_key(header):
        out.add(where, f"{key} header", "缺少列名", 'header = "专题党课（次）"')
        bad = True
    if kind not in KINDS:
        out.add(
            where,
            f"{key} kind",
            f"类型「{kind}」不对",
            'kind = "count"（可选：' + "、".join(f"{k} {v}" for k, v in KINDS.items()) + "）",
        )
        bad = True
    if kind in SKELETON + ("seq",) and cid != kind:
        out.add(where, f"{key} kind", f"{KINDS[kind]}列的代码应为 {kind}", f'id = "{kind}"')
        bad = True
    levels = entry.get("levels", list(LEVELS))
    if (
        not isinstance(levels, list)
        or not levels
        or any(lv not in LEVELS for lv in levels)
        or len(set(levels)) < len(levels)
    ):
        out.add(
            where,
            f"{key} levels",
            f"适用层级写法不对（{levels!r}）",
            'levels = ["市级", "县级"]（可选：市级、县级、乡镇级、村级）',
        )
        bad = True
        levels = list(LEVELS)
    required = entry.get("required", kind not in ("seq", "text"))
    if not isinstance(required, bool):
        out.add(where, f"{key} required", f"应为 true 或 false（写的是 {required!r}）", "required = false")
        bad = True
    at_most, minimum = entry.get("at_most"), entry.get("min")
    if at_most is not None and (not isinstance(at_most, str) or kind != "count"):
        out.add(
            where,
            f"{key} at_most",
            "只有个数列可以写“不能超过”哪一列，且要写列代码",
            'at_most = "另一列的代码"',
        )
        bad = True
    if minimum is not None and (
        not isinstance(minimum, int) or isinstance(minimum, bool) or minimum < 0 or kind != "count"
    ):
        out.add(where, f"{key} min", f"最小值应为非负整数，且只用于个数列（写的是 {minimum!r}）", "min = 1")
        bad = True
    old = entry.get("old", [])
    if not isinstance(old, list) or not all(isinstance(t, str) and header_key(t) for t in old):
        out.add(where, f"{key} old", "以前的列名应写成文字列表", 'old = ["目标量化（个）"]')
        bad = True
    if bad:
        return None
    return Column(
        group, *split_header(header), cid, kind,
        tuple(lv for lv in LEVELS if lv in levels) if kind in METRIC_KINDS else (),
        required, at_most, minimum, tuple(t.strip() for t in old),
    )  # fmt: skip


def _methods(raw, out: Collector, forms: list[Form], weeks) -> list[Method]:
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
        entries = item.get("indicators")
        if not isinstance(entries, list) or not entries:
            out.add(
                line,
                f"{key} indicators",
                "没有指标",
                '{ id = "new_indicator", dimension = "study", label = "专题党课", target = "列代码", achieved = "另一列的代码" }',
            )
            entries = []
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
    for k in sorted(set(entry) - {"id", "dimension", "label", "target", "achieved", "levels"}):
        out.add(where, f"{key} {k}", "不认识这一项", "id、dimension、label、target、achieved、levels")
        bad = True
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
    )
