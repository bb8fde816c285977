"""`python -m etl demo`: realistic simulated weekly dispatch sheets for every county and week,
written in the layouts counties really send (etl.template variants) and loaded through the real
loader, so the dashboard has something true-to-life to show.

The story the demo tells (what the dashboard exists to reveal):
- a few counties hot at the top and cold at the villages (上热下冷), the others fairly even;
- one county clearly behind 序时进度 (a red light in the last weeks);
- one county that did not submit the latest week, one county that resubmitted a corrected file;
- a couple of units that had not done each [deadlines] item of config.toml (the 读书班, the 成果交流会)
  by its date.

Nothing here computes scores: each county and level gets a simple pace, and the counts follow
pace × 序时进度. Each week is written on the form in force for it (from 2023-W47 form 2), and the
figures of every column come from the catalogue (etl.demo_figures). tests/test_demo.py checks the
pattern against the real scoring views.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from .catalogue_text import deadline_text
from .cli import UsageError, add_db_option, command, week_option
from .config import Config, default_config, warehouse_path
from .demo_figures import Unit, WeekInput, row_figures
from .demo_names import CITY_DEPARTMENTS, generated_county_names, unit_names
from .template import VARIANTS, write_dispatch
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


# ---------------------------------------------------------------- files
def _variant_for(plan: DemoPlan, county: str, week: str, rng: random.Random) -> str:
    """Counties mostly keep their habit; now and then someone else in the office fills the sheet."""
    if rng.random() < 0.8:
        return plan.habits[county]
    return "template" if rng.random() < 0.5 else rng.choice(list(VARIANTS))


def write_demo_files(plan: DemoPlan, out_dir, progress: bool = True) -> tuple[list[Path], list[Path]]:
    """Write every county's weekly files; returns (first files, corrected resubmissions)."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    owned = _own_folder(out_dir)
    firsts, corrections = [], []
    total = len(plan.config.units) * len(plan.weeks)
    bar = tqdm(
        total=total, desc="生成演示调度表", unit="份", file=sys.stderr, disable=not progress, delay=0.5
    )
    for county in plan.config.units:
        rng = random.Random(f"files|{plan.seed}|{county}")
        for week, rows in simulate(plan, county):
            bar.update()
            if plan.missing == (county, week):
                continue
            name = _variant_for(plan, county, week, rng)
            suffix = VARIANTS[name].suffix
            if plan.resubmission == (county, week):
                # The first file forgot the last row (两新组织); the corrected one has it, with a note.
                firsts.append(
                    write_dispatch(
                        out_dir / f"{county}_{week}{suffix}",
                        county,
                        week,
                        rows[:-1],
                        name,
                        config=plan.config,
                    )
                )
                rows[-1]["remarks"] = "更正：补报本行数据"
                corrections.append(
                    write_dispatch(
                        out_dir / f"{county}_{week}（更正）{suffix}",
                        county,
                        week,
                        rows,
                        name,
                        config=plan.config,
                    )
                )
            else:
                firsts.append(
                    write_dispatch(
                        out_dir / f"{county}_{week}{suffix}", county, week, rows, name, config=plan.config
                    )
                )
    bar.close()
    written = {v.suffix for v in VARIANTS.values()}
    stale = [p for p in out_dir.iterdir() if p.suffix.lower() in written and p not in {*firsts, *corrections}]
    if owned:
        for p in (
            stale
        ):  # an earlier demo's files (another --until-week or scale): they would mislead a folder load
            p.unlink()
    elif stale:
        print(
            f"注意：{out_dir} 中另有 {len(stale)} 个表格文件不是本次演示生成的，未改动也未导入",
            file=sys.stderr,
        )
    return firsts, corrections


DEMO_MARK = ".dispatch-demo"


def _own_folder(out_dir: Path) -> bool:
    """True when the folder is the demo's own (it made it, or it was empty): then the files of an
    earlier demo run may be removed. A folder with someone's own files is never cleared."""
    mark = out_dir / DEMO_MARK
    if mark.exists():
        return True
    if any(out_dir.iterdir()):
        return False
    mark.write_text(
        "由 python -m etl demo 生成的演示调度表；再次运行 demo 会替换本文件夹中的表格文件。\n",
        encoding="utf-8",
    )
    return True


def run_demo(
    db_path,
    out_dir,
    *,
    config: Config | None = None,
    until_week: str = DEFAULT_UNTIL,
    seed: int = DEFAULT_SEED,
    counties: int | None = None,
    units: int | None = None,
    progress: bool = True,
):
    """Write the demo files and load them: the originals first, then the corrected resubmission.

    Returns (plan, reports)."""
    from .load import load_paths  # the loader is heavy; `--help` should not need it

    config = demo_config(config, counties, seed)
    plan = plan_demo(config, until_week, seed, units)
    firsts, corrections = write_demo_files(plan, out_dir, progress)
    clock = received_clock(plan, config, seed, {p.name for p in corrections})
    reports = load_paths(firsts, db_path, config=config, loaded_by="demo", progress=progress, clock=clock)
    if corrections:
        reports += load_paths(
            corrections, db_path, config=config, loaded_by="demo", progress=progress, clock=clock
        )
    return plan, reports


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


# ---------------------------------------------------------------- command line
def add_parser(subparsers) -> None:
    p = command(
        subparsers,
        "demo",
        run,
        help="生成演示调度表并导入数据库",
        description="为每个县（市、区）和市直单位生成逼真的周调度表（多种常见填法），"
        "写入文件夹，再用正式导入程序导入数据库。",
    )
    add_db_option(p)
    p.add_argument("--out", help="调度表输出文件夹（默认 config.toml 的 [paths] demo_files）")
    p.add_argument("--until-week", default=DEFAULT_UNTIL, help=f"生成到哪一周（默认 {DEFAULT_UNTIL}）")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子，相同种子生成相同数据")
    p.add_argument("--counties", type=int, help="县的个数（超出配置的县会自动生成县名，用于全省规模测试）")
    p.add_argument("--units", type=int, help="每个县的单位行数（用于全省规模测试）")


def run(args) -> int:
    config = default_config()
    week = week_option(args.until_week, config, option="--until-week")
    if (args.counties is not None and args.counties < 1) or (args.units is not None and args.units < 4):
        raise UsageError("--counties 至少为 1，--units 至少为 4")
    db = warehouse_path(args.db, config)
    out = Path(args.out) if args.out else config.resolve("demo_files")
    started = time.perf_counter()
    plan, reports = run_demo(
        db, out, config=config, until_week=week, seed=args.seed, counties=args.counties, units=args.units
    )
    outcomes = Counter(r.outcome for r in reports)
    print(
        f"演示数据：{len(plan.config.counties)} 个县（市、区）和{plan.config.city_direct}，"
        f"{plan.weeks[0]} 至 {plan.weeks[-1]} 共 {len(plan.weeks)} 周，调度表写入 {out}"
    )
    print(
        f"导入 {db}：已导入 {outcomes['loaded']} 份，未变化 {outcomes['unchanged']} 份，"
        f"退回 {outcomes['rejected']} 份（用时 {time.perf_counter() - started:.1f} 秒）"
    )
    print("演示情景：" + "；".join(story(plan)))
    for r in reports:
        if not r.ok:
            print(r.summary(), file=sys.stderr)
            for p in r.errors[:5]:
                print("  " + p.text(), file=sys.stderr)
    return 1 if outcomes["rejected"] else 0
