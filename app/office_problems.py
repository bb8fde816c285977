"""Why a file was rejected, for the page and as the XLSX list of what to fix sent to the county."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pandas as pd
import xlsxwriter

from app.labels import N_, label
from etl import problems_english
from etl.config import Config, default_config
from etl.identity import LOUD_CODES
from etl.problems import FileReport, Problem

OUTCOME_LABELS = {
    "loaded": N_("已导入"),
    "unchanged": N_("未变化"),
    "rejected": N_("已退回"),
    "restored": N_("已恢复"),
}
PROBLEM_COLUMNS = [N_("类型"), N_("工作表"), N_("单元格"), N_("单位"), N_("问题"), N_("怎么改"), N_("代码")]


def alerts(report: FileReport) -> list[Problem]:
    """The warnings to read before moving on (another county or week in the file name, units unlike
    last week's, sheets not read), shown above the file's table of problems."""
    return [p for p in report.warnings if p.code in LOUD_CODES]


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
