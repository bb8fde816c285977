"""Small dispatch sheets for tests, built as a grid of cells and written as .xlsx or .csv."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import xlsxwriter

from .form_columns import CATALOGUE, COLUMNS, GROUPS

# One plausible row per level; the tests change single cells to make each variation or defect.
# A column per line: its value at 县级, 乡镇级, 村级 (None: the level does not report it).
_BASE_TABLE = [
    ("org_count", 1, 3, 12),
    ("member_count", 20, 60, 240),
    ("reading_class_done", "是", None, None),
    ("center_group_sessions", 2, 3, None),
    ("special_lectures", 1, 2, 4),
    ("discussion_members", 10, 30, 80),
    ("mobile_members", 2, 5, 20),
    ("mobile_members_reached", 1, 2, 5),
    ("research_topics", 3, 2, None),
    ("research_done", 2, 1, None),
    ("research_reports", 1, 1, None),
    ("positive_cases", 1, None, None),
    ("negative_cases", 0, None, None),
    ("exchange_meeting_held", "否", None, None),
    ("conversion_items", 4, 2, None),
    ("conversion_done", 2, 1, None),
    ("livelihood_projects", 5, 4, 12),
    ("livelihood_done", 3, 2, 3),
    ("urgent_issues_collected", 6, 5, 15),
    ("urgent_issues_solved", 4, 2, 5),
    ("problems_found", 7, 9, 30),
    ("problems_quantified", 5, 4, 10),
    ("problems_rectified", 3, 2, 6),
    ("lead_cases", 1, None, None),
    ("media_central", 0, 0, 0),
    ("media_provincial", 2, 1, 0),
    ("board_updated", "是", "否", "否"),
    ("new_sector_members", 3, 8, 30),
    ("new_sector_members_reached", 1, 3, 10),
    ("media_reports", 2, 1, 0),
    ("concentrated_study_sessions", None, None, 10),
]
BASE = {
    level: {column: values[i] for column, *values in _BASE_TABLE if values[i] is not None}
    for i, level in enumerate(("县级", "乡镇级", "村级"))
}
UNITS = [("青河县委常委会", "县级"), ("城关镇党委", "乡镇级"), ("城关镇村（社区）党组织", "村级")]


def expected_rows(form=None) -> list[dict]:
    """The values BASE means on a form (default form 1), as the loader should produce them (flags as
    booleans, NULL elsewhere)."""
    out = []
    for unit, level in UNITS:
        row = {"unit": unit, "level": level}
        for c in form.columns if form is not None else COLUMNS:
            if c.is_metric:
                v = BASE[level].get(c.id)
                row[c.id] = (v == "是") if c.kind == "flag" and v is not None else v
        out.append(row)
    return out


def grid(
    unit="青河县", week="2023-W45", header="merged", columns=None, rows=None, total=True, extra_top=0
) -> list[list]:
    """The cells of a dispatch sheet. header: 'merged' (group written once), 'repeated', 'joined'.
    The columns are those of the form in force for the week (form 1 when the week is not ISO)."""
    iso = isinstance(week, str) and re.fullmatch(r"\d{4}-W\d{2}", week)
    columns = columns or list(CATALOGUE.form_for(week).columns if iso else COLUMNS)
    rows = rows if rows is not None else [{"unit": u, "level": lv, **BASE[lv]} for u, lv in UNITS]
    cells = [[""] * len(columns) for _ in range(extra_top)]
    cells.append(["云州市第二批主题教育工作进展周调度表"] + [""] * (len(columns) - 1))
    meta = [""] * len(columns)
    meta[0], meta[3] = (
        f"填报单位：{unit}" if unit is not None else "",
        f"统计周：{week}" if week is not None else "",
    )
    cells.append(meta)
    if header == "joined":
        cells.append([f"{c.group}-{c.label}" for c in columns])
    else:
        groups, last = [], None
        for c in columns:
            groups.append(c.group if header == "repeated" or c.group != last else "")
            last = c.group
        cells.append(groups)
        cells.append([c.label for c in columns])
    for i, r in enumerate(rows, 1):
        cells.append(
            [i if c.id == "seq" else r.get(c.id, "") if r.get(c.id) is not None else "" for c in columns]
        )
    if total:
        sums = []
        for c in columns:
            if c.id == "unit":
                sums.append("合计")
            elif c.kind == "count":
                vals = [r.get(c.id) for r in rows if isinstance(r.get(c.id), int)]
                sums.append(sum(vals))
            else:
                sums.append("")
        cells.append(sums)
    return cells


def write_xlsx(path: Path, cells: list[list], sheet="调度表") -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(sheet)
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for r, row in enumerate(cells):
        for c, v in enumerate(row):
            if isinstance(v, (dt.date, dt.datetime)):
                ws.write_datetime(r, c, v, date)
            elif v != "" and v is not None:
                ws.write(r, c, v)
    wb.close()
    return path


def write_csv(path: Path, cells: list[list], encoding="utf-8-sig") -> Path:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(cells)
    path.write_bytes(buf.getvalue().encode(encoding))
    return path


assert set(GROUPS) >= {c.group for c in COLUMNS}
