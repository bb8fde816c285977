"""The project's config: config.toml (campaign, units, thresholds, limits, paths) and the catalogue of
forms and methods it names (forms.toml, etl.forms). Read once, checked whole: every mistake is one
Chinese line naming the file, the line and the key, with an example (etl.config_errors); nothing
starts on a broken config."""

from __future__ import annotations

import datetime as dt
import functools
import os
from dataclasses import dataclass
from pathlib import Path

from .catalogue_check import read_catalogue
from .config_errors import Collector, ConfigError, read_toml
from .forms import DIMENSIONS, LEVELS, Catalogue

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config.toml"

__all__ = ["ConfigError", "DIMENSIONS", "LEVELS", "Config", "load_config", "default_config"]

DIMENSION_LABELS = {
    "study": "理论学习",
    "research": "调查研究",
    "development": "推动发展",
    "rectification": "整改整治",
    "composite": "综合",
}
LEVEL_NAMES = {"市级": "city", "县级": "county", "乡镇级": "township", "村级": "village"}


@dataclass(frozen=True)
class Config:
    path: Path
    city: str
    campaign_name: str
    start: dt.date
    end: dt.date
    counties: tuple[str, ...]
    city_direct: str
    temperature: dict
    lights: dict
    deadlines: dict
    limits: dict
    auth: dict
    paths: dict
    bulletin: dict
    catalogue: Catalogue

    @property
    def units(self) -> tuple[str, ...]:
        """Every reporting unit: the counties, then the city-direct units."""
        return self.counties + (self.city_direct,)

    @property
    def campaign_days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> list[str]:
        from .weeks import campaign_weeks  # etl.weeks imports this module

        return campaign_weeks(self.start, self.end)

    def resolve(self, key: str) -> Path:
        """A path from [paths], relative to the project root unless absolute."""
        p = Path(self.paths[key])
        return p if p.is_absolute() else PROJECT_ROOT / p


# (section, key, kind, example): what config.toml must hold. kind: str, date, names, number, int, bool
_SCHEMA = (
    ("campaign", "city", "str", 'city = "云州市"'),
    ("campaign", "name", "str", 'name = "第二批主题教育"'),
    ("campaign", "start", "date", "start = 2023-09-04"),
    ("campaign", "end", "date", "end = 2024-01-31"),
    ("units", "counties", "names", 'counties = ["东湖区", "西山区"]'),
    ("units", "city_direct", "str", 'city_direct = "市直单位"'),
    ("scoring.temperature", "hot", "number", "hot = 85"),
    ("scoring.temperature", "warm", "number", "warm = 60"),
    ("scoring.temperature", "gradient_flag", "number", "gradient_flag = 15"),
    ("scoring.lights", "yellow_lag", "number", "yellow_lag = 10"),
    ("scoring.lights", "red_lag", "number", "red_lag = 30"),
    ("limits", "max_file_bytes", "int", "max_file_bytes = 20_000_000"),
    ("limits", "max_uncompressed_bytes", "int", "max_uncompressed_bytes = 200_000_000"),
    ("limits", "max_rows", "int", "max_rows = 5_000"),
    ("limits", "max_columns", "int", "max_columns = 200"),
    ("limits", "max_cell_chars", "int", "max_cell_chars = 2_000"),
    ("paths", "warehouse", "str", 'warehouse = "data/warehouse.duckdb"'),
    ("paths", "users", "str", 'users = "data/users.json"'),
    ("paths", "demo_files", "str", 'demo_files = "data/demo"'),
    ("paths", "catalogue", "str", 'catalogue = "forms.toml"'),
)
_KIND_TEXT = {
    "str": "文字（加英文双引号）",
    "date": "日期（年-月-日，不加引号）",
    "names": "名称列表",
    "number": "数字",
    "int": "正整数",
    "bool": "true 或 false",
}
_MOVED = {"weights": "各方面权重", "targets": "目标"}


def _section(raw: dict, dotted: str):
    node = raw
    for part in dotted.split("."):
        node = node.get(part) if isinstance(node, dict) else None
    return node


def _ok(value, kind: str) -> bool:
    if kind == "str":
        return isinstance(value, str) and bool(value.strip())
    if kind == "date":
        return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
    if kind == "names":
        return (
            isinstance(value, list) and bool(value) and all(isinstance(v, str) and v.strip() for v in value)
        )
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool) and value > 0
    return isinstance(value, bool)


def _check(raw: dict, out: Collector) -> None:
    for section, key, kind, example in _SCHEMA:
        table = _section(raw, section)
        line = out.key_line(section, key)
        if not isinstance(table, dict):
            if out.table_line(section) is None:
                out.add(None, f"[{section}]", "缺少这一节", f"[{section}] {example}")
                out.lines.append(f"[{section}]")  # report a missing section once
            continue
        if key not in table:
            out.add(out.table_line(section), f"[{section}] {key}", "缺少这一项", example)
        elif not _ok(table[key], kind):
            out.add(line, f"[{section}] {key}", f"应为{_KIND_TEXT[kind]}，写的是 {table[key]!r}", example)
    c, u = raw.get("campaign", {}), raw.get("units", {})
    if _ok(c.get("start"), "date") and _ok(c.get("end"), "date") and c["end"] <= c["start"]:
        out.add(
            out.key_line("campaign", "end"),
            "[campaign] end",
            f"结束日期 {c['end']} 应晚于开始日期 {c['start']}",
            "end = 2024-01-31",
        )
    if _ok(u.get("counties"), "names"):
        dupes = sorted({n for n in u["counties"] if u["counties"].count(n) > 1})
        if dupes:
            out.add(
                out.key_line("units", "counties"),
                "[units] counties",
                f"县名重复：{'、'.join(dupes)}",
                'counties = ["东湖区", "西山区"]',
            )
        if u.get("city_direct") in u["counties"]:
            out.add(
                out.key_line("units", "city_direct"),
                "[units] city_direct",
                "市直单位不能同时列在 counties 中",
                'city_direct = "市直单位"',
            )
    t, li = _section(raw, "scoring.temperature") or {}, _section(raw, "scoring.lights") or {}
    if all(_ok(t.get(k), "number") for k in ("hot", "warm")) and not 0 <= t["warm"] < t["hot"] <= 100:
        out.add(
            out.key_line("scoring.temperature", "warm"),
            "[scoring.temperature] warm",
            f"应满足 0 ≤ warm < hot ≤ 100（现在 warm = {t['warm']}，hot = {t['hot']}）",
            "hot = 85, warm = 60",
        )
    if (
        all(_ok(li.get(k), "number") for k in ("yellow_lag", "red_lag"))
        and not 0 < li["yellow_lag"] < li["red_lag"]
    ):
        out.add(
            out.key_line("scoring.lights", "red_lag"),
            "[scoring.lights] red_lag",
            f"应满足 0 < yellow_lag < red_lag（现在 {li['yellow_lag']} 和 {li['red_lag']}）",
            "yellow_lag = 10, red_lag = 30",
        )
    for key, what in _MOVED.items():
        if key in (raw.get("scoring") or {}):
            out.add(
                out.table_line(f"scoring.{key}"), f"[scoring.{key}]",
                f"{what}现在写在表样与评分方法目录（forms.toml）的各版评分办法 [[method]] 中，请删除这一节并到那里修改",
                "weights = { study = 0.30, research = 0.25, development = 0.25, rectification = 0.20 }",
            )  # fmt: skip
    known = {k for s, k, _, _ in _SCHEMA if s == "limits"}
    for key, value in (raw.get("limits") or {}).items():
        if key not in known and (not _ok(value, "number") or value <= 0):
            out.add(
                out.key_line("limits", key), f"[limits] {key}", f"应为正数，写的是 {value!r}", f"{key} = 60"
            )
    for key, value in (raw.get("auth") or {}).items():
        kind = "bool" if key.startswith("require") else "int"
        if not _ok(value, kind):
            out.add(
                out.key_line("auth", key),
                f"[auth] {key}",
                f"应为{_KIND_TEXT[kind]}，写的是 {value!r}",
                f"{key} = {'false' if kind == 'bool' else 5}",
            )


def load_config(path: str | os.PathLike | None = None) -> Config:
    """config.toml and its catalogue, checked; ConfigError lists every mistake."""
    path = Path(path or os.environ.get("DISPATCH_CONFIG") or DEFAULT_CONFIG)
    raw, out = read_toml(
        path, f"找不到配置文件 {path}", "节名写成 [scoring.lights]，每项写成 名称 = 值，例如 red_lag = 30"
    )
    _check(raw, out)
    catalogue, problems = None, list(out.problems)
    paths = raw.get("paths") or {}
    if _ok(paths.get("catalogue"), "str"):
        from .weeks import campaign_weeks  # etl.weeks imports this module

        c = raw.get("campaign", {})
        weeks = (
            campaign_weeks(c["start"], c["end"])
            if _ok(c.get("start"), "date") and _ok(c.get("end"), "date")
            else None
        )
        where = Path(paths["catalogue"])
        try:
            catalogue = read_catalogue(where if where.is_absolute() else PROJECT_ROOT / where, weeks)
        except ConfigError as exc:
            problems += exc.lines
    deadlines = dict(raw.get("deadlines") or {})
    late = None
    if "submission" in deadlines:  # the weekly deadline; the other keys are work due by a date
        from .deadline import DeadlineError, parse_deadline

        try:
            parse_deadline(deadlines["submission"])
        except DeadlineError as exc:
            late = type("DeadlineConfigError", (ConfigError, DeadlineError), {})
            line = out.key_line("deadlines", "submission")
            problems.append(f"{path.name} 第 {line} 行，[deadlines] submission：{exc}")
    if problems:
        raise (late or ConfigError)(problems)
    c, s = raw["campaign"], raw["scoring"]
    return Config(
        path=path,
        city=c["city"],
        campaign_name=c["name"],
        start=c["start"],
        end=c["end"],
        counties=tuple(raw["units"]["counties"]),
        city_direct=raw["units"]["city_direct"],
        temperature=dict(s["temperature"]),
        lights=dict(s["lights"]),
        deadlines=deadlines,
        limits=dict(raw["limits"]),
        auth=dict(raw.get("auth", {})),
        paths=dict(raw["paths"]),
        bulletin=dict(raw.get("bulletin", {})),
        catalogue=catalogue,
    )


@functools.cache
def default_config() -> Config:
    return load_config()


def warehouse_path(cli_value: str | None = None, config: Config | None = None) -> Path:
    """--db beats $DISPATCH_DB beats the config's default (data/warehouse.duckdb)."""
    if cli_value:
        return Path(cli_value)
    if os.environ.get("DISPATCH_DB"):
        return Path(os.environ["DISPATCH_DB"])
    return (config or default_config()).resolve("warehouse")
