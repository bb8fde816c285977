"""`python -m etl bulletin --week W --out DIR`: one week's 通报, meeting pack and XLSX (app.bulletin)
written into a folder. It starts the chart helpers before it imports anything heavy, so that their
drawing runtimes are ready by the time the first chart is."""

from __future__ import annotations

import sys
from pathlib import Path

from app import chart_images
from etl.cli import UsageError, week_option, week_output_command
from etl.config import default_config, warehouse_path

HELP = "生成某周的通报（Word）、会议材料（PDF）和排名表（Excel）"
DESCRIPTION = (
    "为一个统计周生成三份文件：公文格式的通报（.docx，可在 Word 中修改）、领导小组会议材料（.pdf）"
    "和排名表（.xlsx）。"
)


def add_parser(sub) -> None:
    week_output_command(
        sub, "bulletin", run, help=HELP, description=DESCRIPTION, out="输出目录（不存在则新建）"
    )


def run(args) -> int:
    config = default_config()
    week = week_option(args.week, config)
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out 须是目录，{out} 是一个文件。")
    db = warehouse_path(args.db)
    try:
        font = chart_images.find_cjk_font()
    except chart_images.CJKFontMissing as exc:
        print(f"无法生成：{exc}", file=sys.stderr)
        return 1
    # two helpers: this process then needs no drawing runtime of its own (see ChartHelper)
    with chart_images.ChartHelper(font, processes=2) as helper:
        return _write(week, out, db, config, helper)


def _write(week: str, out: Path, db: Path, config, helper: chart_images.ChartHelper) -> int:
    from tqdm import tqdm

    from app import bulletin
    from etl.warehouse_reader import NoWarehouse, ensure_schema
    from etl.weeks import week_label

    bar = tqdm(total=len(bulletin.STEPS), desc="生成通报", unit="步", file=sys.stderr, disable=None)
    done = []

    def step(name):
        if done:
            bar.update(1)
        done.append(name)
        bar.set_postfix_str(name)

    try:
        ensure_schema(db, config)
        bulletin.store_scores(db, config)
        files = bulletin.week_files(db, week, config, step, helper=helper)
        bar.update(1)
    except NoWarehouse:
        print(f"还没有数据库：{db}（先运行 python -m etl load 或 python -m etl demo）", file=sys.stderr)
        return 2
    except (bulletin.NoData, chart_images.CJKFontMissing) as exc:
        print(f"无法生成：{exc}", file=sys.stderr)
        return 1
    finally:
        bar.close()
    out.mkdir(parents=True, exist_ok=True)
    names = bulletin.file_names(week, config)
    for key, data in files.items():
        (out / names[key]).write_bytes(data)
    print(f"已生成 {week_label(week)} 的通报、会议材料和排名表 → {out}")
    for key in ("docx", "pdf", "xlsx"):
        print(f"  {names[key]}（{len(files[key]) // 1024} KB）")
    return 0
