"""`python -m etl load PATH…`: the command line of the loader (etl/load.py): load files and folders,
print one report per file and a summary; exit 1 when a file was rejected."""

from __future__ import annotations

import getpass
import json
import sys
import time
from pathlib import Path

from . import sandbox
from .cli import add_db_option, command
from .config import default_config, warehouse_path
from .problems import FileReport

OUTCOMES = ("loaded", "unchanged", "rejected", "skipped")


def add_parser(sub) -> None:
    p = command(
        sub,
        "load",
        run,
        help="导入周调度表（文件或文件夹）",
        description="导入周调度表：.xlsx .xls .ods .csv，文件夹会递归查找。每个文件要么全部导入，要么整份退回。",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="文件或文件夹")
    add_db_option(p)
    p.add_argument("--json", action="store_true", help="以 JSON 输出报告")
    p.add_argument("--verbose", "-v", action="store_true", help="列出全部提示（默认每个文件最多 5 条）")
    p.add_argument("--by", default=None, help="记录操作人（默认当前系统用户）")


def print_report(report: FileReport, verbose: bool = False, out=None) -> None:
    out = out or sys.stdout  # looked up now: a test (or a caller) may have replaced it
    print(report.summary(), file=out)
    if report.outcome == "skipped":
        return  # the summary says why
    for p in report.errors:
        print("    ✗ " + p.text(), file=out)
    shown = report.warnings if verbose else report.warnings[:5]
    for p in shown:
        print("    ! " + p.text(), file=out)
    if len(report.warnings) > len(shown):
        print(f"    … 另有 {len(report.warnings) - len(shown)} 条提示（加 --verbose 查看全部）", file=out)


def run(args) -> int:
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print("找不到：" + "、".join(missing), file=sys.stderr)
        return 2
    started = time.perf_counter()
    # the workers start importing the reader now, while this process imports the writer (DuckDB,
    # Arrow): a folder gets the whole pool, a few files one worker (load_paths starts the rest)
    big = len(args.paths) > 32 or any(Path(p).is_dir() for p in args.paths)
    sandbox.shared_pool().start(sandbox.pool_size() if big else 1, default_config())
    from .load import load_paths

    reports = load_paths(
        args.paths,
        warehouse_path(args.db),
        loaded_by=args.by or getpass.getuser(),
        progress=True,
        on_wait=lambda s: print("数据库正被其他程序使用，等待中……", file=sys.stderr),
    )
    if args.json:
        json.dump([r.to_dict() for r in reports], sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        for r in reports:
            print_report(r, args.verbose)
        counts = {k: sum(r.outcome == k for r in reports) for k in OUTCOMES}
        print(
            f"共 {len(reports)} 个文件：导入 {counts['loaded']}，未变化 {counts['unchanged']}，"
            f"退回 {counts['rejected']}，跳过 {counts['skipped']}；用时 {time.perf_counter() - started:.1f} 秒"
        )
    # 1: a file was rejected, or skipped for a reason to act on (a .et to have saved as .xlsx)
    return 0 if all(r.ok for r in reports) else 1
