"""`python -m etl status`: who has submitted which week (a county × week matrix), which
submissions were late (逾期, against [deadlines] submission), and with --remind the reminder texts
(催报) for the units still missing a week."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd

from etl.warehouse_reader import NoWarehouse, ensure_schema

from .cli import add_db_option, add_week_option, command, week_option
from .config import warehouse_path

BOARD_SQL = (Path(__file__).parent / "sql" / "submission_board.sql").read_text(encoding="utf-8")
MARKS = {"已报送": "✓", "已更正": "✓²", "已退回": "✗", "未报送": "·"}


# the board's weeks (its `weeks` rule) without computing the board
SQL_BOARD_WEEKS = """
SELECT week FROM cfg_weeks
WHERE week BETWEEN (SELECT min(week) FROM load_log) AND (SELECT max(week) FROM load_log)
ORDER BY week
"""


def submission_board(
    db_path, now: dt.datetime | None = None, week: str | None = None, units: list[str] | None = None
) -> pd.DataFrame:
    """One row per (unit, week): status 已报送 / 已更正 / 已退回 / 未报送, versions, load times, the
    first submission's time, the week's deadline and `late` (judged at `now`, default the clock).
    `week` / `units`: only that week / those units (DuckDB pushes them down: at national scale the
    whole board is every unit × every week)."""
    from etl.warehouse_reader import reader

    params: dict = {"now": now or dt.datetime.now(), "units": None if units is None else list(units)}
    sql = BOARD_SQL
    if week is not None:  # a fixed fragment; the week is bound
        sql = f"SELECT * FROM ({BOARD_SQL}) WHERE week = $week ORDER BY sort_order"
        params["week"] = week
    with reader(db_path) as con:
        return con.execute(sql, params).df()


def board_weeks(db_path) -> list[str]:
    """The weeks the board has (campaign weeks from the first to the last week with any file)."""
    from etl.warehouse_reader import reader

    with reader(db_path) as con:
        return [r[0] for r in con.execute(SQL_BOARD_WEEKS).fetchall()]


def late_text(row) -> str:
    """'逾期（11-14 09:30 报送）', '逾期未报' or ''."""
    if not row.late:
        return ""
    if row.submitted_at is None or pd.isna(row.submitted_at):
        return "逾期未报"
    return f"逾期（{pd.Timestamp(row.submitted_at):%m-%d %H:%M} 报送）"


def add_parser(sub) -> None:
    p = command(
        sub,
        "status",
        run,
        help="各单位各周报送情况",
        description="各县（市、区）和市直单位各周的报送情况：✓ 已报送，✓² 已更正，✗ 已退回，· 未报送。",
    )
    add_week_option(p, help="只看某一周，如 2023-W45")
    p.add_argument(
        "--remind",
        action="store_true",
        help="打印催报通知：尚未报送（或被退回）的单位，每个单位一段，另有一段发给全部（默认本周应报的统计周）",
    )
    add_db_option(p)


def run(args) -> int:
    if args.week:
        args.week = week_option(args.week)
    db = warehouse_path(args.db)
    now = dt.datetime.now()
    try:
        ensure_schema(db)
        board = submission_board(db, now)
    except NoWarehouse:
        print(f"还没有数据库：{db}（先运行 python -m etl load 或 python -m etl demo）", file=sys.stderr)
        return 2
    if args.remind:
        return _remind(board, args.week, now)
    if args.week:
        board = board[board.week == args.week]
        if board.empty:
            print(f"{args.week} 还没有任何报送记录。")
            return 0
        for row in board.itertuples():
            extra = f"（{row.versions} 个版本）" if row.versions > 1 else ""
            extra += f"（退回 {row.rejected_files} 次）" if row.rejected_files else ""
            when = f"\t{pd.Timestamp(row.submitted_at):%m-%d %H:%M}" if pd.notna(row.submitted_at) else "\t"
            print(f"{row.county:<8}\t{row.status}{extra}{when}\t{late_text(row)}".rstrip())
    else:
        if board.empty:
            print("还没有任何报送记录。")
            return 0
        matrix = board.pivot_table(
            index=["sort_order", "county"], columns="week", values="status", aggfunc="first"
        ).droplevel(0)
        late = board.pivot_table(
            index=["sort_order", "county"], columns="week", values="late", aggfunc="first"
        ).droplevel(0)
        matrix = matrix.map(MARKS.get) + late.map(lambda v: "!" if v else "")
        matrix.columns = [w.split("-")[1] for w in matrix.columns]
        print(matrix.to_string())
        print("✓ 已报送  ✓² 已更正  ✗ 已退回  · 未报送  ! 逾期（截止后才报送，或截止已过仍未报送）")
    counts = board.status.value_counts()
    print("合计：" + "，".join(f"{k} {counts.get(k, 0)}" for k in MARKS) + f"，逾期 {int(board.late.sum())}")
    return 0


def _remind(board: pd.DataFrame, week: str | None, now: dt.datetime) -> int:
    from .remind import pending_units, reminder_all, reminder_text, reminder_week

    week = week or reminder_week(board, now)
    if week is None or week not in set(board.week):
        print(f"{week or '本周'} 还没有任何报送记录，无法判断哪些单位未报送。")
        return 0
    pending = pending_units(board, week)
    print(reminder_all(pending, week, now=now))
    for unit, status in pending:
        print("\n" + "-" * 40 + "\n")
        print(reminder_text(unit, status, week, now=now))
    return 0
