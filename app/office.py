"""The office's weekly work, without Streamlit: upload files, see why a file was rejected and send
the county a list of what to fix, hand out the blank template, read the load history and restore
an earlier version. pages/submissions.py only lays these out.

Every function that changes the warehouse takes the signed-in user first and checks the role
itself (app.users.require_role), so the page hiding a button is a convenience, not the guard.
Writes use a short-lived read-write connection (DuckDB allows one writing process or several
reading ones), the same path as `python -m etl load`.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import xlsxwriter

from app.labels import N_, label
from app.users import (  # noqa: F401  (re-exported for the pages)
    PermissionDenied,
    require_role,
    require_submitter,
)
from etl import audit, problems_english
from etl.catalogue_text import form_changes
from etl.config import Config, default_config, warehouse_path
from etl.identity import LOUD_CODES
from etl.load import load_files
from etl.problems import FileReport, Problem
from etl.store import log, set_current
from etl.template import write_template
from etl.warehouse_reader import NoWarehouse, read_df, reader
from etl.write_session import write_session

UPLOAD_TYPES = ("xlsx", "xlsm", "xls", "ods", "csv")
OUTCOME_LABELS = {
    "loaded": N_("已导入"),
    "unchanged": N_("未变化"),
    "rejected": N_("已退回"),
    "restored": N_("已恢复"),
}
PROBLEM_COLUMNS = [N_("类型"), N_("工作表"), N_("单元格"), N_("单位"), N_("问题"), N_("怎么改"), N_("代码")]


# ---------------------------------------------------------------- upload


def _name_and_bytes(f) -> tuple[str, bytes]:
    """(name, bytes) from a tuple or from an uploaded-file object (.name, .getvalue())."""
    if isinstance(f, tuple):
        return str(f[0]), bytes(f[1])
    return str(f.name), f.getvalue()


def upload_files(
    user, files, db_path=None, *, config: Config | None = None, users_file=None, on_wait=None
) -> list[FileReport]:
    """Check and load uploaded files, one report per file in order, recorded as loaded by the
    signed-in user: the CLI's checks and versioning in one write session (etl.load.load_files).
    A county account loads its own unit's files only: the loader refuses any other (E_OTHER_UNIT)."""
    user, scope = require_submitter(user, None, users_file)
    items = [(Path(name).name, data) for name, data in map(_name_and_bytes, files)]
    return load_files(items, db_path, config=config, loaded_by=user.name, allowed_unit=scope, on_wait=on_wait)


def submit_scope(user) -> tuple[bool, str | None]:
    """(may this user upload and restore, the one unit they may do it for or None for every unit).
    For laying out the page only: upload_files and restore_version check again."""
    if user is None:
        return False, None
    try:
        _, unit = require_submitter(user)
    except (PermissionDenied, ValueError):
        return False, None
    return True, unit


def can_chase(user) -> bool:
    """The office (clerk, admin) chases missing units; a county account does not."""
    try:
        require_role(user, "clerk")
    except (PermissionDenied, ValueError):
        return False
    return True


def alerts(report: FileReport) -> list[Problem]:
    """The warnings to read before moving on (another county or week in the file name, units unlike
    last week's, sheets not read), shown above the file's table of problems."""
    return [p for p in report.warnings if p.code in LOUD_CODES]


def report_status(report: FileReport, english: bool = False) -> str:
    """One line for the page, in the words of FileReport.summary (which the CLI prints), or its
    English with the switch on."""
    return problems_english.summary(report) if english else report.summary()


def problem_text(p: Problem, english: bool = False) -> tuple[str, str]:
    """(what is wrong, what to do) in the page's language."""
    if english:
        return problems_english.message(p), problems_english.hint(p)
    return p.message, p.hint or ""


def problem_place(p: Problem) -> str:
    """Where to look: the cell (F12), else the row, else the whole file."""
    return p.cell or (f"第 {p.row} 行" if p.row else "整个文件")


def problems_frame(report: FileReport, warnings: bool = True, english: bool = False) -> pd.DataFrame:
    """Every problem of a file as a table: 类型 (错误/提示), 工作表, 单元格, 单位 (of that row), 问题,
    怎么改, 代码. english: the page's English switch (headers glossed, problems in English); the
    workbook for the county stays Chinese."""
    rows = [(N_("错误"), p) for p in report.errors]
    rows += [(N_("提示"), p) for p in report.warnings] if warnings else []
    if english:
        pe = problems_english
        return pd.DataFrame(
            [
                [
                    label(kind, True),
                    p.sheet or "",
                    pe.place(p),
                    p.unit or "",
                    pe.message(p),
                    pe.hint(p),
                    p.code,
                ]
                for kind, p in rows
            ],
            columns=[label(c, True) for c in PROBLEM_COLUMNS],
        )
    return pd.DataFrame(
        [
            [kind, p.sheet or "", problem_place(p), p.unit or "", p.message, p.hint or "", p.code]
            for kind, p in rows
        ],
        columns=PROBLEM_COLUMNS,
    )


def _sheet_name(text: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", "_", text)[:28] or "文件"
    name, i = base, 2
    while name.lower() in taken:
        name, i = f"{base[:26]}_{i}", i + 1
    taken.add(name.lower())
    return name


def problems_xlsx_bytes(reports: list[FileReport], config: Config | None = None) -> bytes:
    """The list of what to fix, to send back to the county: one sheet per file, every problem with
    its cell, what is wrong and what to do. Text is written as strings (never as formulas)."""
    config = config or default_config()
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    try:
        title = wb.add_format({"font_name": "黑体", "font_size": 14, "bold": True})
        info = wb.add_format({"font_name": "宋体", "font_size": 11, "text_wrap": True, "valign": "top"})
        head = wb.add_format(
            {
                "font_name": "宋体",
                "bold": True,
                "border": 1,
                "bg_color": "#D9D9D9",
                "align": "center",
                "valign": "vcenter",
            }
        )
        cell = wb.add_format({"font_name": "宋体", "border": 1, "text_wrap": True, "valign": "top"})
        error = wb.add_format(
            {"font_name": "宋体", "border": 1, "valign": "top", "font_color": "#C00000", "bold": True}
        )
        taken: set[str] = set()
        for report in reports or []:
            ws = wb.add_worksheet(_sheet_name(Path(report.file_name).stem, taken))
            ws.write_string(0, 0, f"{config.city}{config.campaign_name}周调度表退回修改清单", title)
            who = f"{report.county or '（未识别）'}　统计周：{report.week or '（未识别）'}"
            if report.outcome == "rejected":
                verdict = f"整份文件未导入，共 {len(report.errors)} 处错误。请按下表逐项修改后重新报送。"
            else:
                verdict = (
                    f"文件已导入（{OUTCOME_LABELS.get(report.outcome, report.outcome)}），以下提示请核对。"
                )
            lines = [
                f"文件：{report.file_name}",
                f"填报单位：{who}",
                verdict,
                f"生成时间：{dt.datetime.now():%Y-%m-%d %H:%M}",
            ]
            for i, line in enumerate(lines, start=1):
                ws.write_string(i, 0, line, info)
            header_row = len(lines) + 2
            widths = [6, 8, 12, 12, 24, 60, 44, 18]
            for col, name in enumerate(["序号", *PROBLEM_COLUMNS]):
                ws.write_string(header_row, col, name, head)
                ws.set_column(col, col, widths[col])
            frame = problems_frame(report)
            for i, values in enumerate(frame.itertuples(index=False), start=1):
                r = header_row + i
                ws.write_number(r, 0, i, cell)
                for col, value in enumerate(values, start=1):
                    ws.write_string(r, col, str(value), error if (col == 1 and value == "错误") else cell)
            if frame.empty:
                ws.write_string(header_row + 1, 1, "没有问题。", cell)
            ws.freeze_panes(header_row + 1, 0)
            ws.set_landscape()
            ws.set_paper(9)
            ws.fit_to_pages(1, 0)
        if not reports:
            wb.add_worksheet("问题清单").write_string(0, 0, "没有文件。")
    finally:
        wb.close()
    return buf.getvalue()


def problems_file_name(report: FileReport) -> str:
    stem = Path(report.file_name).stem
    return f"退回修改清单_{stem}.xlsx"


# ---------------------------------------------------------------- the blank template


def template_bytes(unit: str = "", week: str | None = None, config: Config | None = None) -> bytes:
    """The blank weekly dispatch template (etl.template), with 填报单位 and 统计周 filled in."""
    with tempfile.TemporaryDirectory(prefix="dispatch-template-") as tmp:
        path = write_template(Path(tmp) / "template.xlsx", unit, week, config=config or default_config())
        return path.read_bytes()


def form_in_force(week: str, config: Config | None = None) -> dict:
    """The form of the catalogue (forms.toml) in force for a week, in words for the page."""
    config = config or default_config()
    cat = config.catalogue
    form = cat.form_for(week)
    since = "主题教育开始起施行" if form is cat.forms[0] else f"自 {form.start} 起施行"
    return {"title": form.title, "since": since, "columns": len(form.columns), "start": form.start}


def form_versions(config: Config | None = None) -> list[dict]:
    """Every form version with what changed from the one before."""
    config = config or default_config()
    cat = config.catalogue
    out = []
    for form in cat.forms:
        info = (
            form_in_force(form.start, config)
            if form is not cat.forms[0]
            else form_in_force(config.weeks[0], config)
        )
        out.append({**info, "changes": form_changes(cat, form), "note": form.note})
    return out


def template_file_name(unit: str = "", week: str | None = None) -> str:
    return "_".join(x for x in ("周调度表", unit, week) if x) + ".xlsx"


# ---------------------------------------------------------------- history and restore

SQL_HISTORY = """
SELECT id, loaded_at, outcome, county, week, version, rows, file_name,
       coalesce(json_array_length(errors), 0) AS errors,
       coalesce(json_array_length(warnings), 0) AS warnings,
       loaded_by, sha256
FROM load_log
WHERE (? IS NULL OR county = ?) AND (? IS NULL OR week = ?)
ORDER BY id DESC
LIMIT ?
"""

SQL_VERSIONS = """
SELECT v.version, v.file_name, v.loaded_at, v.rows, v.loaded_by, v.sha256,
       (c.version IS NOT NULL) AS is_current
FROM submission_versions AS v
LEFT JOIN current_versions AS c USING (county, week, version)
WHERE v.county = ? AND v.week = ?
ORDER BY v.version
"""


def load_history(
    db_path, county: str | None = None, week: str | None = None, limit: int = 500
) -> pd.DataFrame:
    """The load log, newest first: every upload (loaded / unchanged / rejected) and restore, with
    who did it, the version and the number of errors and warnings."""
    return read_df(db_path, SQL_HISTORY, [county, county, week, week, int(limit)])


def log_row(db_path, log_id: int):
    """(file_name, county, week, outcome, errors, warnings) of one load-log line, or None."""
    with reader(db_path) as con:
        return con.execute(
            "SELECT file_name, county, week, outcome, errors, warnings FROM load_log WHERE id = ?",
            [int(log_id)],
        ).fetchone()


def history_problems(db_path, log_id: int, english: bool = False) -> pd.DataFrame:
    """The problems recorded with one load-log line, as problems_frame shows them."""
    row = log_row(db_path, log_id)
    if row is None:
        return pd.DataFrame(columns=PROBLEM_COLUMNS)
    return problems_frame(report_from_log(row), english=english)


def report_from_log(row) -> FileReport:
    file_name, county, week, outcome, errors, warnings = row

    def probs(text):
        return [Problem(**p) for p in json.loads(text or "[]")]

    return FileReport(
        file_name, county=county, week=week, outcome=outcome, errors=probs(errors), warnings=probs(warnings)
    )


def versions(db_path, county: str, week: str) -> pd.DataFrame:
    """Every accepted version of one (county, week) submission, with which one is current."""
    return read_df(db_path, SQL_VERSIONS, [county, week])


def submitted_pairs(db_path) -> pd.DataFrame:
    """(county, week, versions, current_version) of every submission that has a version."""
    return read_df(
        db_path,
        "SELECT county, week, count(*) AS versions, "
        "max(version) FILTER (WHERE is_current) AS current_version "
        "FROM submissions GROUP BY ALL ORDER BY week DESC, county",
    )


@dataclass
class RestoreResult:
    county: str
    week: str
    version: int
    previous_version: int | None
    file_name: str
    outcome: str  # restored | unchanged

    def summary(self, english: bool = False) -> str:
        if self.outcome == "unchanged":
            return label("{county} {week} 的当前版本已是 v{version}，无需恢复。", english, **self._values())
        return label(
            "已将 {county} {week} 恢复为 v{version}（{file_name}），原当前版本 v{previous_version} 仍保留在历史中。",
            english,
            **self._values(),
        )

    def _values(self) -> dict:
        return dict(
            county=self.county,
            week=self.week,
            version=self.version,
            file_name=self.file_name,
            previous_version=self.previous_version,
        )


def restore_version(
    user, county: str, week: str, version: int, db_path=None, *, config: Config | None = None, users_file=None
) -> RestoreResult:
    """Make an earlier accepted version of (county, week) the current one again, in one
    transaction, recorded in load_log and the audit trail as 'restored' by the user. Nothing is
    deleted. A county account restores its own unit's versions only."""
    user, _ = require_submitter(user, county, users_file)
    config = config or default_config()
    db_path = Path(db_path) if db_path else warehouse_path(None, config)
    if not db_path.exists():
        raise NoWarehouse(str(db_path))
    version = int(version)
    with write_session(db_path, config) as session, session.transaction() as con:
        row = con.execute(
            "SELECT file_name, sha256, rows FROM submission_versions "
            "WHERE county = ? AND week = ? AND version = ?",
            [county, week, version],
        ).fetchall()
        row = row[0] if row else None
        if row is None:
            raise ValueError(f"{county} {week} 没有版本 v{version}")
        # fetchall, not fetchone: DuckDB 2 keeps a half-read result open on the connection
        current = con.execute(
            "SELECT version FROM current_versions WHERE county = ? AND week = ?", [county, week]
        ).fetchall()
        current = current[0][0] if current else None
        result = RestoreResult(
            county, week, version, current, row[0], "unchanged" if current == version else "restored"
        )
        if result.outcome == "restored":
            set_current(con, county, week, version)
            entry = FileReport(row[0], row[1], county, week, "restored", version, row[2])
            if current is not None:
                entry.warnings.append(Problem("I_RESTORED", f"由 v{current} 恢复为 v{version}"))
            log(con, entry, user.name, outcome="restored")
            audit.record_reports(con, [entry], user.name)
    return result


def archived_file(db_path, sha256: str) -> bytes | None:
    """The original bytes of a file the office received (accepted or rejected)."""
    with reader(db_path) as con:
        row = con.execute("SELECT content FROM file_archive WHERE sha256 = ?", [sha256]).fetchone()
    return bytes(row[0]) if row else None


# ---------------------------------------------------------------- the board

STATUS_COLORS = {"已报送": "#70AD47", "已更正": "#4472C4", "已退回": "#C00000", "未报送": "#D9D9D9"}


def board_frame(board: pd.DataFrame) -> pd.DataFrame:
    """submission_board rows with tooltip-ready text columns (versions, times in Chinese)."""
    df = board.copy()
    if df.empty:
        return df.assign(versions_text=[], loaded_text=[], rejected_text=[], submitted_text=[], late_text=[])

    def when(v):
        return "" if v is None or pd.isna(v) else pd.Timestamp(v).strftime("%m-%d %H:%M")

    df["versions_text"] = [
        f"{int(n)} 个版本（当前 v{int(c)}）" if n and pd.notna(c) else "无"
        for n, c in zip(df["versions"], df["current_version"])
    ]
    df["loaded_text"] = [when(v) for v in df["last_loaded_at"]]
    df["submitted_text"] = [when(v) for v in df["submitted_at"]] if "submitted_at" in df else ""
    df["late_text"] = (
        [("逾期" if late else "按时") if pd.notna(d) else "" for late, d in zip(df["late"], df["deadline"])]
        if "late" in df
        else ""
    )
    df["rejected_text"] = [
        f"{int(n)} 次（最近 {when(t)}）" if n else "无"
        for n, t in zip(df["rejected_files"], df["last_rejected_at"])
    ]
    return df


def board_chart(board: pd.DataFrame, english: bool = False):
    """The county × week heat map: colour = status, tooltip = versions, load time, rejections.
    english: the titles and the status names glossed, the late mark in English (the sidebar switch)."""
    import altair as alt

    from app.labels import label, term

    def t(zh: str) -> str:
        return label(zh, english)

    df = board_frame(board)
    df["status_label"] = df["status"].map(t) if len(df) else df["status"]
    units = list(dict.fromkeys(df.sort_values("sort_order")["county"])) if len(df) else []
    scale = alt.Scale(domain=[t(k) for k in STATUS_COLORS], range=list(STATUS_COLORS.values()))
    base = alt.Chart(df).encode(
        x=alt.X("week:O", title=t("统计周"), axis=alt.Axis(labelAngle=-45, orient="top")),
        y=alt.Y("county:N", title=None, sort=units),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("status_label:N", scale=scale, title=t("状态"), legend=alt.Legend(orient="bottom")),
        tooltip=[
            alt.Tooltip("county:N", title=t("单位")),
            alt.Tooltip("week:N", title=t("统计周")),
            alt.Tooltip("status_label:N", title=t("状态")),
            alt.Tooltip("versions_text:N", title=t("版本")),
            alt.Tooltip("submitted_text:N", title=t("首次报送")),
            alt.Tooltip("late_text:N", title=t("截止")),
            alt.Tooltip("loaded_text:N", title=t("最近导入")),
            alt.Tooltip("rejected_text:N", title=t("退回")),
        ],
    )
    late = term("逾", english)
    # a mark in each cell too, so the board reads on a grey projector or a black-and-white print
    text = (
        base.mark_text(fontSize=13)
        .encode(
            text="mark:N",
            # white on the coloured cells, dark on the light grey of 未报送 (its 逾 must read)
            color=alt.condition("datum.status == '未报送'", alt.value("#404040"), alt.value("white")),
        )
        .transform_calculate(
            mark="(datum.status == '已报送' ? '✓' : datum.status == '已更正' ? '✓²' : "
            f"datum.status == '已退回' ? '✗' : '') + (datum.late_text == '逾期' ? '{late}' : '')"
        )
    )
    return (rect + text).properties(height=alt.Step(30))  # 30 px a row, whatever the number of units


def board_counts(board: pd.DataFrame, week: str | None = None) -> dict[str, int]:
    """How many units per status, for one week (default: the latest week on the board)."""
    if board.empty:
        return {}
    week = week or board["week"].max()
    counts = board.loc[board["week"] == week, "status"].value_counts()
    return {k: int(counts.get(k, 0)) for k in STATUS_COLORS}


def default_template_week(
    latest: str | None, config: Config | None = None, today: dt.date | None = None
) -> str:
    """The week a blank template is most likely wanted for: this week during the campaign, else the
    week after the latest one with data, else the campaign's first week."""
    from etl.weeks import campaign_weeks, week_of

    config = config or default_config()
    weeks = campaign_weeks(config.start, config.end)
    this = week_of(today or dt.date.today())
    if this in weeks:
        return this
    if latest in weeks and weeks.index(latest) + 1 < len(weeks):
        return weeks[weeks.index(latest) + 1]
    return weeks[0]
