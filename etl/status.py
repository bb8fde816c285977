"""`python -m etl status`: who has submitted which week (a county × week matrix)."""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from etl.warehouse_reader import NoWarehouse, ensure_schema, read_df

from .config import warehouse_path
from .weeks import WeekError, parse_week

BOARD_SQL = (Path(__file__).parent / "sql" / "submission_board.sql").read_text(encoding="utf-8")
MARKS = {"已报送": "✓", "已更正": "✓²", "已退回": "✗", "未报送": "·"}


def submission_board(db_path) -> pd.DataFrame:
    """One row per (unit, week): status 已报送 / 已更正 / 已退回 / 未报送, versions, load times."""
    return read_df(db_path, BOARD_SQL)


def add_parser(sub) -> None:
    p = sub.add_parser(
        "status",
        help="各单位各周报送情况",
        description="各县（市、区）和市直单位各周的报送情况：✓ 已报送，✓² 已更正，✗ 已退回，· 未报送。",
    )
    p.add_argument("--week", help="只看某一周，如 2023-W45")
    p.add_argument("--db", help="数据库文件（默认 data/warehouse.duckdb 或 $DISPATCH_DB）")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.week:
        try:
            args.week = parse_week(args.week)
        except WeekError as exc:
            print(f"参数错误：{exc}", file=sys.stderr)
            return 2
    db = warehouse_path(args.db)
    try:
        ensure_schema(db)
        board = submission_board(db)
    except NoWarehouse:
        print(f"还没有数据库：{db}（先运行 python -m etl load 或 python -m etl demo）", file=sys.stderr)
        return 2
    if args.week:
        board = board[board.week == args.week]
        if board.empty:
            print(f"{args.week} 还没有任何报送记录。")
            return 0
        for row in board.itertuples():
            extra = f"（{row.versions} 个版本）" if row.versions > 1 else ""
            extra += f"（退回 {row.rejected_files} 次）" if row.rejected_files else ""
            print(f"{row.county:<8}\t{row.status}{extra}")
    else:
        if board.empty:
            print("还没有任何报送记录。")
            return 0
        matrix = board.pivot_table(
            index=["sort_order", "county"], columns="week", values="status", aggfunc="first"
        ).droplevel(0)
        matrix = matrix.map(MARKS.get)
        matrix.columns = [w.split("-")[1] for w in matrix.columns]
        print(matrix.to_string())
        print("✓ 已报送  ✓² 已更正  ✗ 已退回  · 未报送")
    counts = board.status.value_counts()
    print("合计：" + "，".join(f"{k} {counts.get(k, 0)}" for k in MARKS))
    return 0
