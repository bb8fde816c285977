"""The project's one config file (config.toml), read once and shared."""

from __future__ import annotations

import datetime as dt
import functools
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_ROOT / "config.toml"

DIMENSIONS = ("study", "research", "development", "rectification")
DIMENSION_LABELS = {
    "study": "理论学习",
    "research": "调查研究",
    "development": "推动发展",
    "rectification": "整改整治",
    "composite": "综合",
}
LEVELS = ("市级", "县级", "乡镇级", "村级")  # top to bottom
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
    weights: dict
    targets: dict
    temperature: dict
    lights: dict
    deadlines: dict
    limits: dict
    auth: dict
    paths: dict
    bulletin: dict

    @property
    def units(self) -> tuple[str, ...]:
        """Every reporting unit: the counties, then the city-direct units."""
        return self.counties + (self.city_direct,)

    @property
    def campaign_days(self) -> int:
        return (self.end - self.start).days + 1

    def resolve(self, key: str) -> Path:
        """A path from [paths], relative to the project root unless absolute."""
        p = Path(self.paths[key])
        return p if p.is_absolute() else PROJECT_ROOT / p


def load_config(path: str | os.PathLike | None = None) -> Config:
    path = Path(path or os.environ.get("DISPATCH_CONFIG") or DEFAULT_CONFIG)
    with open(path, "rb") as f:
        raw = tomllib.load(f)
    c, s = raw["campaign"], raw["scoring"]
    deadlines = dict(raw.get("deadlines", {}))
    if "submission" in deadlines:  # the weekly deadline; the other keys are work due by a date
        from .deadline import DeadlineError, parse_deadline

        try:
            parse_deadline(deadlines["submission"])
        except DeadlineError as exc:
            raise DeadlineError(f"{path}：{exc}") from None
    return Config(
        path=path,
        city=c["city"],
        campaign_name=c["name"],
        start=c["start"],
        end=c["end"],
        counties=tuple(raw["units"]["counties"]),
        city_direct=raw["units"]["city_direct"],
        weights=dict(s["weights"]),
        targets=dict(s["targets"]),
        temperature=dict(s["temperature"]),
        lights=dict(s["lights"]),
        deadlines=deadlines,
        limits=dict(raw["limits"]),
        auth=dict(raw.get("auth", {})),
        paths=dict(raw["paths"]),
        bulletin=dict(raw.get("bulletin", {})),
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
