"""The catalogue of dispatch forms and scoring methods (forms.toml): every version, each in force
from a week. The template, the loader, the warehouse columns, the scoring views, the demo, the method
document and the pages all derive from it; nothing else names a column or an indicator.

etl.catalogue_check reads and checks it (every mistake one Chinese line, etl.config_errors)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .expressions import Expression

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
    en: str = ""  # its English name, for the dashboard's English switch

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


class _ColumnIndex:
    """A form's (or the catalogue's) columns by id, and the metrics among them."""

    columns: tuple[Column, ...]

    @cached_property
    def by_id(self) -> dict[str, Column]:
        return {c.id: c for c in self.columns}

    @cached_property
    def metrics(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.is_metric)


@dataclass(frozen=True)
class Form(_ColumnIndex):
    version: int
    start: str  # first week in force
    note: str
    columns: tuple[Column, ...]

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
    en: str = ""  # its English name, for the dashboard's English switch


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
class Catalogue(_ColumnIndex):
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
        return _every_id_once([form.columns for form in self.forms])

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
        return _every_id_once([method.indicators for method in self.methods])

    def versions_in(self, weeks: list[str]) -> list[tuple[str, Form, Method]]:
        """(week, form, method) for each of the weeks."""
        return [(w, self.form_for(w), self.method_for(w)) for w in weeks]


def _every_id_once(versions: list[tuple]) -> tuple:
    """Every item (by .id) of every version once, as its latest version defines it: in the first
    version's order, each later version's new ids placed after the id before them."""
    latest = {x.id: x for items in versions for x in items}
    order: dict[str, None] = {}
    for items in versions:
        ids = [x.id for x in items]
        for i, xid in enumerate(ids):
            if xid not in order:
                before = next((p for p in reversed(ids[:i]) if p in order), None)
                order = _insert_after(order, before, xid)
    return tuple(latest[i] for i in order)


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
