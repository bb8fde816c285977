"""Whose file is it? The file name against the cells, and the units against the county's last week.

The cells decide (填报单位, 统计周): offices copy last week's file and rename it late, or never. A
file name that names another county or week is therefore a loud warning, not a rejection. It blocks
only together with the second sign: none of the file's units is among the units the cells' county
reported the week before. Both at once mean another county's table under a wrong 填报单位 (the case
that would replace a county's week with another's units), and that is refused (E_IDENTITY)."""

from __future__ import annotations

import re
from pathlib import Path

from .cells import CellError, parse_week, squeeze
from .config import Config
from .problems import Problem

_WEEK_IN_NAME = re.compile(
    r"(\d{4})-?W(\d{1,2})(?!\d)"
    r"|(?<!\d)(\d{4})[-._年](\d{1,2})[-._月](\d{1,2})(?!\d)"
    r"|(?<!\d)(20\d{2})(\d{2})(\d{2})(?!\d)",
    re.I,
)
_SHORT_SUFFIXES = ("县", "区", "市")


def units_named(stem: str, config: Config) -> set[str]:
    """Configured units a file name names, in full or by a short form that fits one unit only."""
    text = squeeze(stem)
    named = {u for u in config.units if u in text}
    for unit in config.units:
        short = unit[:-1] if unit.endswith(_SHORT_SUFFIXES) and len(unit) >= 3 else None
        if short and short in text and unit not in named:
            if sum(1 for u in config.units if u.startswith(short)) == 1:
                named.add(unit)
    # 东湖 inside 东湖区 names one unit, not two
    return {u for u in named if not any(u != v and u in v and v in named for v in named)}


def weeks_named(stem: str) -> set[str]:
    """Reporting weeks a file name names: 2023-W45, 2023W45, 2023-11-08, 2023.11.8, 20231108."""
    weeks = set()
    for m in _WEEK_IN_NAME.finditer(squeeze(stem)):
        if m.group(1):
            text = f"{m.group(1)}-W{m.group(2)}"
        elif m.group(3):
            text = f"{m.group(3)}-{m.group(4)}-{m.group(5)}"
        else:
            text = f"{m.group(6)}-{m.group(7)}-{m.group(8)}"
        try:
            weeks.add(parse_week(text))
        except CellError:
            continue
    return weeks


def name_problems(file_name: str, county: str | None, week: str | None, config: Config) -> list[Problem]:
    """Warnings when the file name names another unit or week than the cells."""
    stem, out = Path(file_name).stem, []
    units = units_named(stem, config)
    if county and units and county not in units:
        out.append(
            Problem(
                "W_NAME_UNIT",
                f"文件名写的是{'、'.join(sorted(units))}，但表内填报单位是{county}；已按{county}导入",
                "请核对是否发错了文件或填错了填报单位；如文件名有误可忽略",
            )
        )
    weeks = weeks_named(stem)
    if week and weeks and week not in weeks:
        out.append(
            Problem(
                "W_NAME_WEEK",
                f"文件名写的是 {'、'.join(sorted(weeks))}，但表内统计周是 {week}；已按 {week} 导入",
                "请核对统计周是否填错（常见于复制上周的表后未改统计周）",
            )
        )
    return out


def identity_error(report, unit_keys: list, units_before: set | None) -> Problem | None:
    """E_IDENTITY: the name names another county and no unit is among the county's last week's."""
    if units_before is None or not units_before or not any(p.code == "W_NAME_UNIT" for p in report.warnings):
        return None
    if units_before.intersection(unit_keys):
        return None
    return Problem(
        "E_IDENTITY",
        f"文件名写的是另一个单位，表中的单位又与{report.county}上一次报送的单位没有一个相同："
        f"这很可能是其他单位的表，填报单位却写成了{report.county}",
        "请核对后改正填报单位（或文件），再重新导入",
    )


# The warnings the upload page shows above a file's table, before the clerk moves on.
LOUD_CODES = ("W_NAME_UNIT", "W_NAME_WEEK", "W_UNITS_CHANGED", "W_SHEETS_SKIPPED")
