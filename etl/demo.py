"""`python -m etl demo`: realistic simulated weekly dispatch sheets for every county and week,
written in the layouts counties really send (etl.template variants) and loaded through the real
loader, so the dashboard has something true-to-life to show. What the sheets say (who is hot,
behind, missing) is decided in etl/demo_plan.py; here they are written and loaded.
"""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from pathlib import Path

from tqdm import tqdm

from .cli import UsageError, add_db_option, command, week_option
from .config import Config, default_config, warehouse_path
from .demo_plan import (
    DEFAULT_SEED,
    DEFAULT_UNTIL,
    DemoPlan,
    demo_config,
    plan_demo,
    received_clock,
    simulate,
    story,
)
from .template import VARIANTS, write_dispatch


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
        # an earlier demo's files (another --until-week or scale) would mislead a folder load
        for p in stale:
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
