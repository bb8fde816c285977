"""The demo decided up front, before any file is written: the story it tells (what the dashboard
exists to reveal) —
- a few counties hot at the top and cold at the villages (上热下冷), the others fairly even;
- one county clearly behind 序时进度 (a red light in the last weeks);
- one county that did not submit the latest week, one county that resubmitted a corrected file;
- a couple of units that had not done each [deadlines] item of config.toml (the 读书班, the 成果交流会)
  by its date —
every unit and its pace, each county's weekly figures, and when each file counts as received.

Nothing here computes scores: each county and level gets a simple pace, and the counts follow
pace × 序时进度. Each week is written on the form in force for it (from 2023-W47 form 2), and the
figures of every column come from the catalogue (etl.demo_figures). tests/test_demo.py checks the
pattern against the real scoring views.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from dataclasses import dataclass

from .catalogue_text import deadline_text
from .config import Config, default_config
from .demo_figures import Unit, WeekInput, row_figures
from .demo_names import CITY_DEPARTMENTS, generated_county_names, unit_names
from .template import VARIANTS
from .weeks import campaign_weeks, expected_progress, months_started, week_sunday

DEFAULT_UNTIL = "2023-W49"  # deadlines at the end of November have passed
DEFAULT_SEED = 2023

PACE = {
    "hot_top": {"县级": (1.35, 1.5), "乡镇级": (0.95, 1.1), "村级": (0.6, 0.72)},
    "even": {"县级": (0.8, 1.2), "乡镇级": (0.8, 1.2), "村级": (0.8, 1.2)},
    "behind": {"县级": (0.26, 0.32), "乡镇级": (0.26, 0.32), "村级": (0.26, 0.32)},
    "city": {"市级": (1.2, 1.35)},
}


# ---------------------------------------------------------------- counties and config
def demo_config(config: Config | None = None, counties: int | None = None, seed: int = 0) -> Config:
    """The config with `counties` counties: the configured ones first, then generated names.

    The loader only accepts configured counties, so pass this config to load_paths too.
    """
    config = config or default_config()
    if counties is None or counties == len(config.counties):
        return config
    names = list(config.counties[:counties])
    if counties > len(names):
        names += generated_county_names(counties - len(names), config.units, seed)
    return dataclasses.replace(config, counties=tuple(names))


# ---------------------------------------------------------------- the plan
@dataclass
class DemoPlan:
    config: Config
    seed: int
    weeks: list[str]
    profiles: dict[str, str]  # county -> hot_top | even | behind | city
    units: dict[str, list[Unit]]
    habits: dict[str, str]  # county -> the variant it usually writes
    missing: tuple[str, str] | None  # (county, week) not submitted
    resubmission: tuple[str, str] | None  # (county, week) loaded twice, corrected
    late: dict[str, list[tuple[str, str]]]  # deadline flag -> (county, unit) without it by the deadline

    def counties_by(self, profile: str) -> list[str]:
        return [c for c, p in self.profiles.items() if p == profile]


def _unit(
    rng: random.Random, county: str, name: str, level: str, pace: float, seed: int, profile: str
) -> Unit:
    if level == "村级":
        orgs = rng.randint(20, 60) if "两新" in name else rng.randint(8, 25)
    else:
        orgs = 1
    return Unit(name, level, pace, county, seed, orgs, lead=profile != "behind")


def deadline_flags(config: Config) -> list[str]:
    """The 是/否 columns with a date in [deadlines]: the work the overview chases."""
    return [
        k for k, v in config.deadlines.items() if getattr(config.catalogue.by_id.get(k), "kind", "") == "flag"
    ]


def plan_demo(
    config: Config | None = None,
    until_week: str = DEFAULT_UNTIL,
    seed: int = DEFAULT_SEED,
    units_per_county: int | None = None,
) -> DemoPlan:
    """Decide everything about the demo up front: who is hot, behind, missing; every unit."""
    config = config or default_config()
    all_weeks = campaign_weeks(config.start, config.end)
    if until_week not in all_weeks:
        raise ValueError(f"统计周 {until_week} 不在主题教育期间（{all_weeks[0]} 至 {all_weeks[-1]}）")
    weeks = all_weeks[: all_weeks.index(until_week) + 1]
    rng = random.Random(f"plan|{seed}")
    counties = list(config.counties)
    order = rng.sample(counties, len(counties))
    n_hot = max(1, round(0.3 * len(counties))) if len(counties) >= 3 else 0
    profiles = {c: "even" for c in counties}
    behind = order[0]
    profiles[behind] = "behind"
    for c in order[1 : 1 + n_hot]:
        profiles[c] = "hot_top"
    profiles[config.city_direct] = "city"
    evens = [c for c in order if profiles[c] == "even"] or order[1:] or order
    missing = (evens[0], weeks[-1]) if len(weeks) > 1 else None
    resub_county = next((c for c in order[1:] if c != evens[0]), None)
    resubmission = (resub_county, weeks[-1]) if resub_county else None

    units: dict[str, list[Unit]] = {}
    for county in config.units:
        crng = random.Random(f"units|{seed}|{county}")
        if county == config.city_direct:
            n = units_per_county or crng.randint(8, 10)
            names = [(d, "市级") for d in crng.sample(CITY_DEPARTMENTS, min(n, len(CITY_DEPARTMENTS)))]
        else:
            names = unit_names(crng, county, units_per_county)
        paces = {lv: crng.uniform(*bounds) for lv, bounds in PACE[profiles[county]].items()}
        if profiles[county] == "even":  # fairly even: the levels stay close to one county pace
            base = paces["县级"]
            paces = {lv: base * crng.uniform(0.96, 1.04) for lv in paces}
        units[county] = [
            _unit(crng, county, name, lv, paces[lv] * crng.uniform(0.88, 1.12), seed, profiles[county])
            for name, lv in names
        ]

    # A couple of units still without each deadline's work (读书班, 成果交流会) at the deadline.
    def upper_dept(county: str) -> tuple[str, Unit]:
        return county, next(u for u in units[county] if u.upper and not u.name.endswith("常委会"))

    candidates = [
        upper_dept(behind),
        upper_dept(evens[-1]),
        (behind, units[behind][0]),
        upper_dept(order[1] if len(order) > 1 else behind),
    ]
    late = {}
    for k, flag in enumerate(deadline_flags(config)):
        late[flag] = [candidates[(2 * k) % 4], candidates[(2 * k + 1) % 4]]
        for _, u in late[flag]:
            u.late.add(flag)

    names = list(VARIANTS)  # every layout is some county's habit, so the demo exercises them all
    rng.shuffle(names)
    habits = {c: names[i % len(names)] for i, c in enumerate(config.units)}
    return DemoPlan(
        config,
        seed,
        weeks,
        profiles,
        units,
        habits,
        missing,
        resubmission,
        {flag: [(c, u.name) for c, u in pairs] for flag, pairs in late.items()},
    )


# ---------------------------------------------------------------- the weekly figures
def simulate(plan: DemoPlan, county: str):
    """Yield (week, rows) for every week of one county, each on the form in force for the week;
    counts cumulative and never decreasing."""
    cfg = plan.config
    rng = random.Random(f"weeks|{plan.seed}|{county}")
    done = {u.name: 0.0 for u in plan.units[county]}
    before: dict[str, dict] = {u.name: {} for u in plan.units[county]}
    for week in plan.weeks:
        p = expected_progress(week, cfg.start, cfg.end) / 100
        wk = WeekInput(
            week,
            cfg.catalogue.form_for(week),
            cfg.catalogue.method_for(week),
            months_started(week, cfg.start),
            p,
            plan.weeks,
            cfg.deadlines,
        )
        rows = []
        for u in plan.units[county]:
            # The unit's completed share: pace × 序时进度 with some weekly wobble, never going back.
            done[u.name] = c = max(done[u.name], min(1.0, u.pace * p * rng.uniform(0.92, 1.08)))
            row = row_figures(u, c, wk, before[u.name], rng)
            before[u.name] = {k: v for k, v in row.items() if v is not None}
            rows.append(row)
        yield week, rows


def received_clock(plan: DemoPlan, config: Config, seed: int, corrections: set[str]):
    """When each demo file counts as received, as in a real campaign: most units in the days before
    the weekly deadline, the county that is behind late about one week in three, others now and then;
    a correction the day after. Deterministic, so the demo is the same on every machine."""
    from .deadline import deadline_of, submission_rule

    rule = submission_rule(config) or (0, dt.time(12, 0))

    def clock(report) -> dt.datetime:
        if report.week is None or report.county is None:
            return dt.datetime.now().replace(microsecond=0)
        rng = random.Random(f"received|{seed}|{report.county}|{report.week}|{report.file_name}")
        due = deadline_of(report.week, rule)
        late_share = 0.35 if plan.profiles.get(report.county) == "behind" else 0.04
        hours = rng.uniform(2, 30) if rng.random() < late_share else -rng.uniform(0.5, 66)
        if report.file_name in corrections:
            hours += 24
        return (due + dt.timedelta(hours=hours)).replace(second=0, microsecond=0)

    return clock


def story(plan: DemoPlan) -> list[str]:
    """What the demo shows, in the words of the office, for the summary."""

    def units(pairs):
        return "、".join(dict.fromkeys(f"{c}{u}" for c, u in pairs))

    parts = []
    if hot := plan.counties_by("hot_top"):
        parts.append(f"上热下冷：{'、'.join(hot)}")
    parts.append(f"进度明显滞后：{'、'.join(plan.counties_by('behind'))}")
    if plan.missing:
        parts.append(f"{plan.missing[0]} 未报送 {plan.missing[1]}")
    if plan.resubmission:
        parts.append(f"{plan.resubmission[0]} {plan.resubmission[1]} 报送了更正版本")
    for flag, pairs in plan.late.items():
        deadline = plan.config.deadlines[flag]
        if week_sunday(plan.weeks[-1]) > deadline:  # the deadline has passed
            text = deadline_text(plan.config.catalogue.by_id[flag])
            parts.append(f"{deadline.month}月{deadline.day}日前{text}：{units(pairs)}")
    return parts
