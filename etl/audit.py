"""The audit trail (操作记录): every upload, rejection, restore and account change, with who did it,
when, which unit and week, and the file's hash.

Rows are only inserted, and in the same transaction as the change they record: record_reports
runs inside the load's transaction (etl.load), restores call record() inside theirs. Account
changes live in users.json, outside the warehouse: they are recorded right after the file is
written. There is no function here (or anywhere in the project) that updates or deletes a row.

`python -m etl audit [--week W] [--unit U] [--action A] [--by NAME] [--xlsx FILE]` prints or
exports it."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .cli import add_db_option, add_week_option, command, week_option
from .config import Config, default_config, warehouse_path
from .problems import FileReport

if TYPE_CHECKING:  # pandas only where the trail is read: `etl load` records it without pandas
    import pandas as pd

AUDIT_SQL = (Path(__file__).parent / "sql" / "audit_log.sql").read_text(encoding="utf-8")
COLUMNS = (
    "done_at",
    "action",
    "actor",
    "unit",
    "week",
    "version",
    "file_name",
    "sha256",
    "account",
    "detail",
)
INSERT_SQL = f"INSERT INTO audit_log ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})"
INSERT_FROM_INCOMING = (
    f"INSERT INTO audit_log ({', '.join(COLUMNS)}) SELECT {', '.join(COLUMNS)} FROM audit_incoming"
)
ACTION_LABELS = {
    "upload": "上传导入",
    "unchanged": "重复上传",
    "reject": "退回",
    "restore": "恢复版本",
    "user_add": "新建账号",
    "user_role": "修改角色",
    "user_password": "重设密码",
    "user_remove": "删除账号",
}
OUTCOME_ACTIONS = {"loaded": "upload", "unchanged": "unchanged", "rejected": "reject", "restored": "restore"}
HEADERS = {
    "done_at": "时间",
    "action": "操作",
    "actor": "操作人",
    "unit": "单位",
    "week": "统计周",
    "version": "版本",
    "file_name": "文件名",
    "sha256": "文件哈希（SHA-256）",
    "account": "账号",
    "detail": "说明",
}
DEFAULT_LIMIT = 100_000


def now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def _detail(report: FileReport) -> str:
    if report.outcome == "loaded":
        return f"v{report.version}，{report.rows} 行" + (
            f"，{len(report.warnings)} 条提示" if report.warnings else ""
        )
    if report.outcome == "unchanged":
        return f"与已导入的 v{report.version} 相同"
    if report.outcome == "restored":
        return "；".join(p.message for p in report.warnings) or f"恢复为 v{report.version}"
    first = report.errors[0].message if report.errors else ""
    return f"{len(report.errors)} 处错误" + (f"：{first}" if first else "")


def report_row(report: FileReport, actor: str | None, at: dt.datetime | None = None) -> tuple:
    return (
        at or now(),
        OUTCOME_ACTIONS.get(report.outcome, report.outcome),
        actor,
        report.county,
        report.week,
        report.version,
        report.file_name,
        report.sha256,
        None,
        _detail(report),
    )


def record(con, rows: list[tuple]) -> None:
    """Insert audit rows on the caller's connection, inside the caller's transaction."""
    if len(rows) == 1:
        con.execute(INSERT_SQL, list(rows[0]))
    elif rows:  # a load's batch: one Arrow scan (executemany runs the statement once a row)
        import pyarrow as pa

        con.register("audit_incoming", pa.table({c: [r[i] for r in rows] for i, c in enumerate(COLUMNS)}))
        try:
            con.execute(INSERT_FROM_INCOMING)
        finally:
            con.unregister("audit_incoming")


def record_reports(con, reports: list[FileReport], actor: str | None, at: dt.datetime | None = None) -> None:
    """One row per file of a load, in the load's transaction."""
    record(con, [report_row(r, actor, at) for r in reports])


def record_user_change(
    actor: str,
    action: str,
    account: str,
    unit: str | None = None,
    detail: str = "",
    db_path=None,
    config: Config | None = None,
    at: dt.datetime | None = None,
) -> None:
    """One row for a change of the users file, in a transaction of its own."""
    from .write_session import write_session

    row = (at or now(), action, actor, unit, None, None, None, None, account, detail)
    with write_session(db_path, config, refresh=False) as session:
        session.always_publish = True  # the audit page shows it at its next rerun
        with session.transaction() as con:
            record(con, [row])


def audit_frame(
    db_path,
    week: str | None = None,
    unit: str | None = None,
    action: str | None = None,
    actor: str | None = None,
    limit: int = DEFAULT_LIMIT,
    own: tuple[str, str] | None = None,
) -> pd.DataFrame:
    """The audit trail, newest first, filtered (None = all). own=(unit, person): only the rows of
    that unit or by that person (what a county account sees)."""
    from .warehouse_reader import reader  # imports pandas

    own_unit, own_actor = own or (None, None)
    params = {
        "week": week,
        "unit": unit,
        "action": action,
        "actor": actor,
        "limit": int(limit),
        "own_unit": own_unit,
        "own_actor": own_actor,
    }
    with reader(db_path) as con:
        return con.execute(AUDIT_SQL, params).df()


def readable(frame: pd.DataFrame) -> pd.DataFrame:
    """The trail with Chinese headers and action names, as the page and the XLSX show it."""
    import pandas as pd

    df = frame.drop(columns=[c for c in ("id",) if c in frame]).copy()
    df["action"] = df["action"].map(ACTION_LABELS).fillna(df["action"])
    df["version"] = [f"v{int(v)}" if pd.notna(v) else "" for v in df["version"]]
    return df[list(COLUMNS)].rename(columns=HEADERS)


def audit_xlsx_bytes(frame: pd.DataFrame, config: Config | None = None, title: str = "") -> bytes:
    """The trail as a workbook: a title line, then one row per action. Text is written as text."""
    import pandas as pd
    import xlsxwriter

    config = config or default_config()
    df = readable(frame)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    try:
        ws = wb.add_worksheet("操作记录")
        bold = wb.add_format({"font_name": "黑体", "font_size": 14, "bold": True})
        head = wb.add_format({"font_name": "宋体", "bold": True, "border": 1, "bg_color": "#D9D9D9"})
        cell = wb.add_format({"font_name": "宋体", "border": 1, "valign": "top"})
        ws.write_string(0, 0, f"{config.city}{config.campaign_name}周调度表操作记录{title}", bold)
        ws.write_string(1, 0, f"共 {len(df)} 条，导出时间 {now():%Y-%m-%d %H:%M}", cell)
        widths = [20, 10, 12, 10, 10, 6, 34, 66, 14, 40]
        for col, name in enumerate(df.columns):
            ws.write_string(3, col, name, head)
            ws.set_column(col, col, widths[col])
        for r, values in enumerate(df.itertuples(index=False), start=4):
            for col, value in enumerate(values):
                if isinstance(value, (pd.Timestamp, dt.datetime)):
                    text = pd.Timestamp(value).strftime("%Y-%m-%d %H:%M:%S")
                else:
                    text = (
                        "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
                    )
                ws.write_string(r, col, text, cell)
        ws.freeze_panes(4, 0)
        ws.autofilter(3, 0, 3 + len(df), len(df.columns) - 1)
    finally:
        wb.close()
    return buf.getvalue()


# ---- command line ---------------------------------------------------------------------------


def add_parser(sub) -> None:
    p = command(
        sub,
        "audit",
        run,
        help="操作记录：上传、退回、恢复、账号变动",
        description="操作记录：每次上传、退回、恢复和账号变动，谁、何时、哪个单位哪一周、文件哈希。只可查看，不可修改。",
    )
    add_week_option(p, help="只看某一周，如 2023-W45")
    p.add_argument("--unit", help="只看某个单位")
    p.add_argument("--action", choices=list(ACTION_LABELS), help="只看某种操作")
    p.add_argument("--by", help="只看某人的操作")
    p.add_argument("--xlsx", metavar="FILE", help="导出为 Excel 文件")
    add_db_option(p)


def run(args) -> int:
    import pandas as pd

    from .warehouse_reader import NoWarehouse, ensure_schema

    config = default_config()
    if args.week:
        args.week = week_option(args.week, config, within_campaign=False)
    if args.unit and args.unit not in config.units:
        print(f"单位「{args.unit}」不在 config.toml 的单位名单中", file=sys.stderr)
        return 2
    db = warehouse_path(args.db)
    try:
        ensure_schema(db)
        frame = audit_frame(db, args.week, args.unit, args.action, args.by)
    except NoWarehouse:
        print(f"还没有数据库：{db}（先运行 python -m etl load 或 python -m etl demo）", file=sys.stderr)
        return 2
    if args.xlsx:
        Path(args.xlsx).write_bytes(audit_xlsx_bytes(frame, config))
        print(f"已导出 {len(frame)} 条操作记录 → {args.xlsx}")
        return 0
    if frame.empty:
        print("没有符合条件的操作记录。")
        return 0
    for r in readable(frame).itertuples(index=False):
        at, action, actor, unit, week, version, file_name, sha, account, detail = r
        what = "　".join(
            str(x)
            for x in (unit, week, version, file_name, f"账号 {account}" if account else None, detail)
            if x and not (isinstance(x, float) and pd.isna(x))
        )
        sha_text = f"　sha256:{sha[:12]}" if isinstance(sha, str) and sha else ""
        print(f"{pd.Timestamp(at):%Y-%m-%d %H:%M:%S}\t{action}\t{actor or ''}\t{what}{sha_text}")
    print(f"共 {len(frame)} 条")
    return 0
