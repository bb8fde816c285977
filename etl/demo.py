"""`python -m etl demo`: realistic simulated weekly dispatch sheets for every county and week,
written in the layouts counties really send (etl.template variants) and loaded through the real
loader, so the dashboard has something true-to-life to show.

The story the demo tells (what the dashboard exists to reveal):
- a few counties hot at the top and cold at the villages (上热下冷), the others fairly even;
- one county clearly behind 序时进度 (a red light in the last weeks);
- one county that did not submit the latest week, one county that resubmitted a corrected file;
- a couple of units that had not finished the 读书班 or the 成果交流会 by the end of November.

Nothing here computes scores: each county and level gets a simple pace, and the counts follow
pace × 序时进度. tests/test_demo.py checks the pattern against the real scoring views.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from .columns import BY_ID, METRIC_IDS
from .config import Config, default_config, warehouse_path
from .template import VARIANTS, write_dispatch
from .weeks import WeekError, campaign_weeks, expected_progress, months_started, parse_week

DEFAULT_UNTIL = "2023-W49"  # deadlines at the end of November have passed
DEFAULT_SEED = 2023

DEPARTMENTS = (
    "公安局党委",
    "财政局党组",
    "教育局党组",
    "卫健局党组",
    "民政局党组",
    "住建局党组",
    "农业农村局党组",
    "人社局党组",
    "应急管理局党组",
    "市场监管局党组",
    "交通运输局党组",
    "自然资源局党组",
    "发展改革局党组",
    "水利局党组",
    "生态环境分局党组",
    "司法局党组",
    "统计局党组",
    "文化旅游局党组",
    "商务局党组",
    "审计局党组",
    "退役军人事务局党组",
    "医疗保障局党组",
    "林业局党组",
    "城管局党组",
)
CITY_DEPARTMENTS = (
    "市委办公室党支部",
    "市发展改革委党组",
    "市教育局党组",
    "市财政局党组",
    "市民政局党组",
    "市住建局党组",
    "市卫健委党组",
    "市国资委党委",
    "市交通运输局党组",
    "市农业农村局党组",
    "市人社局党组",
    "市生态环境局党组",
    "市市场监管局党组",
    "市自然资源局党组",
    "市水利局党组",
    "市商务局党组",
    "市审计局党组",
    "市统计局党组",
    "市司法局党组",
    "市文化旅游局党组",
)
TOWNS = (
    "城关",
    "白马",
    "石桥",
    "黄庄",
    "柳林",
    "东坝",
    "双河",
    "松江",
    "高桥",
    "清溪",
    "兴隆",
    "长岭",
    "河口",
    "新市",
    "桃园",
    "龙泉",
    "杨柳",
    "三里",
    "马鞍",
    "凤凰",
)
TOWN_SUFFIXES = ("镇", "镇", "乡", "街道")
SYLLABLES = (
    "清",
    "河",
    "安",
    "宁",
    "平",
    "阳",
    "丰",
    "泽",
    "临",
    "川",
    "永",
    "兴",
    "长",
    "乐",
    "福",
    "昌",
    "云",
    "溪",
    "江",
    "山",
    "湖",
    "源",
    "石",
    "松",
    "岭",
    "明",
    "嘉",
    "和",
    "华",
    "新",
    "泉",
    "桥",
)
COUNTY_SUFFIXES = ("县", "县", "县", "区", "市")

# Pace (≈ share of the 序时进度 a unit keeps up with) per county profile and level.
PACE = {
    "hot_top": {"县级": (1.35, 1.5), "乡镇级": (0.95, 1.1), "村级": (0.6, 0.72)},
    "even": {"县级": (0.8, 1.2), "乡镇级": (0.8, 1.2), "村级": (0.8, 1.2)},
    "behind": {"县级": (0.26, 0.32), "乡镇级": (0.26, 0.32), "村级": (0.26, 0.32)},
    "city": {"市级": (1.2, 1.35)},
}


# ---------------------------------------------------------------- counties and config
def generated_county_names(n: int, taken: tuple[str, ...], seed: int = 0) -> list[str]:
    """n county names like 永泽县 that are not taken and whose first two characters are unique."""
    rng = random.Random(f"counties|{seed}")
    names, stems = [], {t[:2] for t in taken}
    pairs = [a + b for a in SYLLABLES for b in SYLLABLES if a != b]
    rng.shuffle(pairs)
    for stem in pairs:
        if len(names) == n:
            break
        if stem not in stems:
            stems.add(stem)
            names.append(stem + rng.choice(COUNTY_SUFFIXES))
    if len(names) < n:
        raise ValueError(f"最多可生成 {len(names)} 个县名")
    return names


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
class UnitSpec:
    """One row of a county's sheet, with what stays fixed over the weeks."""

    name: str
    level: str
    pace: float
    org_count: int
    member_count: int
    mobile_members: int
    research_topics: int
    conversion_items: int
    livelihood_projects: int
    urgent_issues: int  # how many the unit collects by the campaign's end
    problems: int  # how many problems it finds by the end
    lead_cases: int
    media: tuple[int, int]  # central, provincial reports by the campaign's end
    reading_week: str | None  # the week its 读书班 is done (None: not within the demo)
    exchange_week: str | None  # the week its 成果交流会 is held
    factors: dict = field(default_factory=dict)  # per-metric spread around the pace


@dataclass
class DemoPlan:
    config: Config
    seed: int
    weeks: list[str]
    profiles: dict[str, str]  # county -> hot_top | even | behind | city
    units: dict[str, list[UnitSpec]]
    habits: dict[str, str]  # county -> the variant it usually writes
    missing: tuple[str, str] | None  # (county, week) not submitted
    resubmission: tuple[str, str] | None  # (county, week) loaded twice, corrected
    late_reading: list[tuple[str, str]]  # (county, unit) without 读书班 by the deadline
    late_exchange: list[tuple[str, str]]  # (county, unit) without 成果交流会 by the deadline

    def counties_by(self, profile: str) -> list[str]:
        return [c for c, p in self.profiles.items() if p == profile]


def _unit_names(rng: random.Random, county: str, n_units: int | None) -> list[tuple[str, str]]:
    """(name, level) rows: the leadership team, departments, townships each with its villages, 两新."""
    stem = county[:-1]
    if n_units is None:
        n_dept, n_town = rng.randint(3, 7), rng.randint(4, 8)
    else:
        n_dept = max(1, min(len(DEPARTMENTS), round(n_units * 0.25)))
        n_town = max(1, (n_units - 2 - n_dept) // 2)
        n_dept = max(1, min(len(DEPARTMENTS), n_units - 2 - 2 * n_town))
    bases = list(TOWNS)
    rng.shuffle(bases)
    if n_town > len(bases):  # a province-scale county: two-syllable names beyond the common ones
        extra = [a + b for a in SYLLABLES for b in SYLLABLES if a != b and a + b not in bases]
        rng.shuffle(extra)
        bases += extra[: n_town - len(bases)]
    rows = [(f"{county}委常委会", "县级")]
    rows += [(stem + d, "县级") for d in rng.sample(DEPARTMENTS, n_dept)]
    for base in bases[:n_town]:
        town = base + rng.choice(TOWN_SUFFIXES)
        rows += [(f"{town}党委", "乡镇级"), (f"{town}村（社区）党组织", "村级")]
    rows.append((f"{stem}两新组织党组织", "村级"))
    return rows


def _spec(rng: random.Random, name: str, level: str, pace: float, weeks: list[str], profile: str) -> UnitSpec:
    leadership = name.endswith("委常委会")
    if level == "村级":
        two_new = "两新" in name
        org = rng.randint(20, 60) if two_new else rng.randint(8, 25)
        members = rng.randint(100, 250) if two_new else rng.randint(150, 650)
    elif level == "乡镇级":
        org, members = 1, rng.randint(25, 60)
    else:
        org, members = 1, rng.randint(9, 13) if leadership else rng.randint(20, 90)
    upper = level in ("市级", "县级")
    # Flags in autumn: the faster a unit, the earlier its reading class and its exchange meeting.
    last = weeks.index("2023-W47") if "2023-W47" in weeks else len(weeks) - 1
    early = min(5, int(max(0.0, pace - 0.25) * 4) + rng.randint(0, 1))
    reading = weeks[max(0, last - early)] if upper else None
    exchange = weeks[max(0, last - min(3, early))] if upper else None
    factors = {m: rng.uniform(0.85, 1.12) for m in METRIC_IDS}
    factors["cases"] = rng.uniform(1.3, 1.8)
    factors.update({f"{m}_offset": rng.random() for m in METRIC_IDS})
    factors["quantified"] = rng.uniform(1.1, 1.4)
    return UnitSpec(
        name=name,
        level=level,
        pace=pace,
        org_count=org,
        member_count=members,
        mobile_members=int(members * rng.uniform(0.02, 0.12)),
        research_topics=rng.randint(2, 4) if leadership else rng.randint(1, 3),
        conversion_items=rng.randint(2, 6),
        livelihood_projects=(
            org * rng.randint(1, 3)
            if level == "村级"
            else rng.randint(2, 4)
            if leadership
            else rng.randint(1, 3)
        ),
        urgent_issues=int(org * rng.uniform(0.6, 1.2)) if level == "村级" else rng.randint(1, 6),
        problems=max(1, int(3 * org * min(1.2, 0.5 + 0.4 * pace) * rng.uniform(0.9, 1.1))),
        lead_cases=0
        if profile == "behind"
        else (rng.randint(1, 3) if leadership else int(rng.random() < 0.85)),
        media=(rng.randint(0, 2) if upper else 0, rng.randint(2, 8) if upper else rng.randint(0, 3)),
        reading_week=reading,
        exchange_week=exchange,
        factors=factors,
    )


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

    units: dict[str, list[UnitSpec]] = {}
    for county in config.units:
        crng = random.Random(f"units|{seed}|{county}")
        if county == config.city_direct:
            n = units_per_county or crng.randint(8, 10)
            names = [(d, "市级") for d in crng.sample(CITY_DEPARTMENTS, min(n, len(CITY_DEPARTMENTS)))]
        else:
            names = _unit_names(crng, county, units_per_county)
        paces = {lv: crng.uniform(*bounds) for lv, bounds in PACE[profiles[county]].items()}
        if profiles[county] == "even":  # fairly even: the levels stay close to one county pace
            base = paces["县级"]
            paces = {lv: base * crng.uniform(0.96, 1.04) for lv in paces}
        units[county] = [
            _spec(crng, name, lv, paces[lv] * crng.uniform(0.88, 1.12), weeks, profiles[county])
            for name, lv in names
        ]

    # A couple of units still without the reading class / exchange meeting at the deadline.
    def upper_dept(county: str) -> tuple[str, UnitSpec]:
        return county, next(
            u for u in units[county] if u.level in ("县级", "市级") and not u.name.endswith("常委会")
        )

    late_reading = [upper_dept(behind), upper_dept(evens[-1])]
    late_exchange = [(behind, units[behind][0]), upper_dept(order[1] if len(order) > 1 else behind)]
    for _, u in late_reading:
        u.reading_week = None
    for _, u in late_exchange:
        u.exchange_week = None

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
        [(c, u.name) for c, u in late_reading],
        [(c, u.name) for c, u in late_exchange],
    )


# ---------------------------------------------------------------- the weekly figures
def _share(target: int, done: float, offset: float = 0.0) -> int:
    """Done of target as a whole number. The unit's fixed offset (0–1) decides when a small target
    (one lecture, two topics) ticks over, so it does not stay at 0 until done reaches 100 %."""
    return min(target, int(target * min(1.0, max(0.0, done)) + offset))


def simulate(plan: DemoPlan, county: str):
    """Yield (week, rows) for every week of one county; counts cumulative and never decreasing."""
    cfg = plan.config
    rng = random.Random(f"weeks|{plan.seed}|{county}")
    done = {u.name: 0.0 for u in plan.units[county]}
    for week in plan.weeks:
        p = expected_progress(week, cfg.start, cfg.end) / 100
        months = months_started(week, cfg.start)
        rows = []
        for u in plan.units[county]:
            # The unit's completed share: pace × 序时进度 with some weekly wobble, never going back.
            done[u.name] = c = max(done[u.name], min(1.0, u.pace * p * rng.uniform(0.92, 1.08)))
            f = u.factors

            def part(m: str, target: int, share: float = c, f: dict = f) -> int:
                return _share(target, share * f[m], f[m + "_offset"])

            monthly = min(1.0, 0.1 + 0.9 * u.pace) * f["center_group_sessions"]
            found = _share(u.problems, 0.35 + 1.4 * p)
            urgent = _share(u.urgent_issues, 0.3 + 1.5 * p)
            row = {
                "unit": u.name,
                "level": u.level,
                "org_count": u.org_count,
                "member_count": u.member_count,
                "reading_class_done": u.reading_week is not None and week >= u.reading_week,
                "center_group_sessions": int(months * u.org_count * monthly + 0.5),
                "concentrated_study_sessions": int(months * u.org_count * monthly + 0.5),
                "special_lectures": part("special_lectures", u.org_count),
                "discussion_members": part("discussion_members", u.member_count),
                "mobile_members": u.mobile_members,
                "mobile_members_reached": part("mobile_members_reached", u.mobile_members),
                "research_topics": u.research_topics,
                "research_done": part("research_done", u.research_topics),
                "research_reports": part("research_reports", u.research_topics, 0.9 * c),
                "positive_cases": part("positive_cases", u.org_count, f["cases"] * c),
                "negative_cases": part("negative_cases", u.org_count, 0.8 * f["cases"] * c),
                "exchange_meeting_held": u.exchange_week is not None and week >= u.exchange_week,
                "conversion_items": u.conversion_items,
                "conversion_done": part("conversion_done", u.conversion_items),
                "livelihood_projects": u.livelihood_projects,
                "livelihood_done": part("livelihood_done", u.livelihood_projects),
                "urgent_issues_collected": urgent,
                "urgent_issues_solved": part("urgent_issues_solved", urgent),
                "problems_found": found,
                "problems_quantified": part("problems_quantified", found, f["quantified"] * c),
                "problems_rectified": part("problems_rectified", found),
                "lead_cases": part("lead_cases", u.lead_cases, 3 * c),
                "media_central": part("media_central", u.media[0], 1.5 * p),
                "media_provincial": part("media_provincial", u.media[1], 1.5 * p),
                "board_updated": rng.random() < min(0.95, 0.35 + 0.45 * u.pace),
                "remarks": None,
            }
            for m in METRIC_IDS:  # a metric that does not apply to the level stays empty
                if u.level not in BY_ID[m].levels:
                    row[m] = None
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
    if plan.weeks[-1] >= "2023-W48":  # the deadlines of 2023-11-30 have passed
        parts.append(f"11月底读书班未完成：{units(plan.late_reading)}")
        parts.append(f"成果交流会未召开：{units(plan.late_exchange)}")
    return parts


# ---------------------------------------------------------------- command line
def add_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "demo",
        help="生成演示调度表并导入数据库",
        description="为每个县（市、区）和市直单位生成逼真的周调度表（多种常见填法），"
        "写入文件夹，再用正式导入程序导入数据库。",
    )
    p.add_argument("--db", help="数据库文件（默认取环境变量 DISPATCH_DB 或 data/warehouse.duckdb）")
    p.add_argument("--out", help="调度表输出文件夹（默认 config.toml 的 [paths] demo_files）")
    p.add_argument("--until-week", default=DEFAULT_UNTIL, help=f"生成到哪一周（默认 {DEFAULT_UNTIL}）")
    p.add_argument("--seed", type=int, default=DEFAULT_SEED, help="随机种子，相同种子生成相同数据")
    p.add_argument("--counties", type=int, help="县的个数（超出配置的县会自动生成县名，用于全省规模测试）")
    p.add_argument("--units", type=int, help="每个县的单位行数（用于全省规模测试）")
    p.set_defaults(func=run)


def run(args) -> int:
    config = default_config()
    try:
        week = parse_week(args.until_week, config)
    except WeekError as exc:
        print(f"参数错误：--until-week：{exc}", file=sys.stderr)
        return 2
    if (args.counties is not None and args.counties < 1) or (args.units is not None and args.units < 4):
        print("参数错误：--counties 至少为 1，--units 至少为 4", file=sys.stderr)
        return 2
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
